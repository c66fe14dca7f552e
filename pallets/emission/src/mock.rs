//! A runtime for the pallet's tests: System, Balances and the real Subnets and Stake pallets
//! around Emission.

use crate as pallet_emission;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
	PalletId,
};
use pallet_subnets::{hyperparams::OwnerLimits, BondsMode, SubnetHyperparams};
use sp_runtime::{BuildStorage, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;

/// Account ids in tests are plain numbers.
pub type AccountId = u64;
/// Balances in tests are plain numbers.
pub type Balance = u64;

/// Subnet owner, and owner of hotkey [`VALIDATOR`].
pub const ALICE: AccountId = 1;
/// A delegator.
pub const BOB: AccountId = 2;
/// A second delegator.
pub const CHARLIE: AccountId = 3;
/// Owner of hotkey [`MINER`].
pub const DAVE: AccountId = 4;
/// An account with a little balance.
pub const POOR: AccountId = 5;
/// Hotkey owned by ALICE, registered on subnet 0 and 1.
pub const VALIDATOR: AccountId = 100;
/// Hotkey owned by DAVE, registered on subnet 0.
pub const MINER: AccountId = 101;
/// A hotkey nobody registered.
pub const STRANGER: AccountId = 102;
/// Balance of the funded accounts.
pub const FUNDS: Balance = 1_000_000;
/// Balance of `POOR`.
pub const POOR_FUNDS: Balance = 50;
/// Existential deposit.
pub const ED: Balance = 1;
/// Smallest stake.
pub const MIN_STAKE: Balance = 100;
/// Unbonding period in blocks.
pub const UNBONDING: u64 = 10;
/// Most unbonding chunks per coldkey and hotkey.
pub const MAX_CHUNKS: u32 = 3;
/// Blocks between take increases.
pub const TAKE_RATE_LIMIT: u64 = 5;
/// Default take.
pub const DEFAULT_TAKE: Perbill = Perbill::from_percent(18);

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

fn hyperparams() -> SubnetHyperparams<Balance> {
	SubnetHyperparams {
		tempo: 10,
		max_uids: 8,
		max_validators: 2,
		immunity_period: 5,
		activity_cutoff: 100,
		kappa: Perbill::from_percent(50),
		bonds_moving_average: Perbill::from_percent(10),
		bonds_mode: BondsMode::Absolute,
		min_burn: 1,
		max_burn: 1,
		target_registrations_per_interval: 2,
		adjustment_interval: 10,
		weights_rate_limit: 0,
		commit_reveal: true,
		reveal_period: 2,
		serving_rate_limit: 0,
		weights_version: 0,
	}
}

parameter_types! {
	pub DefaultHyperparams: SubnetHyperparams<Balance> = hyperparams();
	pub Limits: OwnerLimits<Balance> = OwnerLimits { min: hyperparams(), max: hyperparams() };
	pub const StakePalletId: PalletId = PalletId(*b"inf/stak");
	pub const DefaultTake: Perbill = DEFAULT_TAKE;
	pub const MaxTake: Perbill = Perbill::from_percent(50);
}

impl pallet_subnets::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MaxSubnets = ConstU32<4>;
	type MinLockCost = ConstU64<10>;
	type LockReductionInterval = ConstU64<10>;
	type MaxUidsLimit = ConstU32<8>;
	type DefaultHyperparams = DefaultHyperparams;
	type OwnerLimits = Limits;
	type HyperparamsRateLimit = ConstU64<0>;
	type NeuronLifecycle = Emission;
	type WeightInfo = ();
}

impl pallet_stake::Config for Test {
	type Currency = Balances;
	type Subnets = Subnets;
	type PalletId = StakePalletId;
	type MinStake = ConstU64<MIN_STAKE>;
	type UnbondingPeriod = ConstU64<UNBONDING>;
	type MaxUnbondingChunks = ConstU32<MAX_CHUNKS>;
	type DefaultTake = DefaultTake;
	type MaxTake = MaxTake;
	type TakeIncreaseRateLimit = ConstU64<TAKE_RATE_LIMIT>;
	type Exposure = ();
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = SubnetsHelper;
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
	type MaxSubnets = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = EmissionHelper;
}

/// Registers hotkeys through the real subnets pallet for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct SubnetsHelper;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_stake::BenchmarkHelper<AccountId> for SubnetsHelper {
	fn register_hotkey(coldkey: &AccountId, hotkey: &AccountId) -> pallet_subnets::NetUid {
		use frame_support::traits::fungible::Mutate;
		Balances::set_balance(coldkey, FUNDS);
		let netuid = pallet_subnets::NextNetUid::<Test>::get();
		Subnets::register_subnet(RuntimeOrigin::signed(*coldkey), Balance::MAX).unwrap();
		Subnets::register_neuron(RuntimeOrigin::signed(*coldkey), netuid, *hotkey, Balance::MAX)
			.unwrap();
		netuid
	}
}

/// Externalities at block 1 with subnets 0 (owned by ALICE; VALIDATOR and MINER registered)
/// and 1 (owned by ALICE; VALIDATOR registered), and the stake account endowed.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [ALICE, BOB, CHARLIE, DAVE]
			.into_iter()
			.map(|who| (who, FUNDS))
			.chain([(POOR, POOR_FUNDS)])
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_stake::GenesisConfig::<Test>::default().assimilate_storage(&mut storage).unwrap();
	pallet_emission::GenesisConfig::<Test>::default().assimilate_storage(&mut storage).unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		let netuid = |n| pallet_subnets::NetUid(n);
		for _ in 0..2 {
			Subnets::register_subnet(RuntimeOrigin::signed(ALICE), Balance::MAX).unwrap();
		}
		let register = |coldkey, n, hotkey| {
			Subnets::register_neuron(
				RuntimeOrigin::signed(coldkey),
				netuid(n),
				hotkey,
				Balance::MAX,
			)
			.unwrap()
		};
		register(ALICE, 0, VALIDATOR);
		register(DAVE, 0, MINER);
		register(ALICE, 1, VALIDATOR);
		System::reset_events();
	});
	ext
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
		let params = SubnetHyperparams {
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
		}
		(netuid, hotkeys)
	}
}
