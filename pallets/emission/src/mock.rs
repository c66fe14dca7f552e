//! A runtime for the pallet's tests: System, Balances and the real Subnets and Stake pallets
//! (the shared setup of `inferchain-mock-base`) around Emission.

use crate as pallet_emission;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
	PalletId,
};
use sp_runtime::Perbill;

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(2)]
	pub type Subnets = pallet_subnets;

	#[runtime::pallet_index(3)]
	pub type Stake = pallet_stake;

	#[runtime::pallet_index(4)]
	pub type Emission = pallet_emission;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
	type ExistentialDeposit = ConstU64<ED>;
}

inferchain_mock_base::subnets_and_stake! {
	neuron_lifecycle: Emission,
	exposure: (),
	extra_genesis: |storage| {
		pallet_emission::GenesisConfig::<Test>::default().assimilate_storage(storage).unwrap()
	},
}

parameter_types! {
	// u64 accounts keep only the first 4 bytes of a pallet id: they must differ from stake's.
	pub const EmissionPalletId: PalletId = PalletId(*b"emission");
	pub const OwnerCut: Perbill = Perbill::from_percent(18);
	pub const MinerShare: Perbill = Perbill::from_percent(50);
}

/// Emission cap in the mock.
pub const CAP: Balance = 1_000_000;
/// First-era block emission in the mock.
pub const BLOCK_EMISSION: Balance = 1_000;

impl pallet_emission::Config for Test {
	type Currency = Balances;
	type Subnets = Subnets;
	type Stake = Stake;
	type PalletId = EmissionPalletId;
	type EmissionCap = ConstU64<CAP>;
	type InitialBlockEmission = ConstU64<BLOCK_EMISSION>;
	type OwnerCut = OwnerCut;
	type MinerShare = MinerShare;
	type MaxEpochsPerBlock = ConstU32<1>;
	type MaxUids = ConstU32<8>;
	type MaxValidators = ConstU32<8>;
	type MinValidatorStake = ConstU64<1>;
	type MaxSubnets = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = EmissionHelper;
}

/// Builds subnets for the benchmarks through the real subnets and stake pallets.
#[cfg(feature = "runtime-benchmarks")]
pub struct EmissionHelper;

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for EmissionHelper {
	fn subnet(uids: u32, validators: u32, commit_reveal: bool) -> (crate::NetUid, Vec<AccountId>) {
		use frame_support::traits::fungible::Mutate;
		Balances::set_balance(&ALICE, FUNDS);
		Balances::set_balance(&BOB, FUNDS);
		let netuid = pallet_subnets::NextNetUid::<Test>::get();
		Subnets::register_subnet(RuntimeOrigin::signed(ALICE), Balance::MAX).unwrap();
		let uids16 = u16::try_from(uids.max(1)).unwrap();
		let params = pallet_subnets::SubnetHyperparams {
			max_uids: uids16,
			max_validators: u16::try_from(validators.clamp(1, uids.max(1))).unwrap(),
			immunity_period: 0,
			commit_reveal,
			weights_rate_limit: 0,
			..hyperparams()
		};
		Subnets::set_hyperparameters(RuntimeOrigin::root(), netuid, params).unwrap();
		let hotkeys: Vec<AccountId> = (1_000..1_000 + u64::from(uids16)).collect();
		for hotkey in &hotkeys {
			Subnets::register_neuron(RuntimeOrigin::signed(BOB), netuid, *hotkey, Balance::MAX)
				.unwrap();
		}
		for hotkey in hotkeys.iter().take(validators as usize) {
			Stake::add_stake(RuntimeOrigin::signed(BOB), *hotkey, netuid, MIN_STAKE).unwrap();
			Subnets::set_neuron_role(
				RuntimeOrigin::signed(BOB),
				netuid,
				*hotkey,
				pallet_subnets::NeuronRole::Validator,
			)
			.unwrap();
		}
		(netuid, hotkeys)
	}
}
