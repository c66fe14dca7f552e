//! A runtime for the pallet's tests: System, Balances, the real Subnets pallet, and Stake.

use crate as pallet_stake;
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
	type NeuronLifecycle = ();
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
	type Exposure = TestExposure;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = SubnetsHelper;
}

std::thread_local! {
	static EXPOSED: core::cell::RefCell<Vec<(pallet_subnets::NetUid, AccountId, u64)>> =
		const { core::cell::RefCell::new(Vec::new()) };
}

/// Stands in for the inference pallet: tests mark a hotkey's stake as backing open results.
pub struct TestExposure;

impl TestExposure {
	/// `hotkey`'s stake on `netuid` backs results challengeable until `until`.
	pub fn expose(netuid: pallet_subnets::NetUid, hotkey: AccountId, until: u64) {
		EXPOSED.with(|exposed| exposed.borrow_mut().push((netuid, hotkey, until)));
	}
}

impl inferchain_primitives::StakeExposure<AccountId, u64> for TestExposure {
	fn exposed_until(netuid: pallet_subnets::NetUid, hotkey: &AccountId) -> Option<u64> {
		EXPOSED.with(|exposed| {
			exposed
				.borrow()
				.iter()
				.filter(|(n, h, _)| *n == netuid && h == hotkey)
				.map(|e| e.2)
				.max()
		})
	}
}

/// Registers hotkeys through the real subnets pallet for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct SubnetsHelper;

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for SubnetsHelper {
	fn register_hotkey(coldkey: &AccountId, hotkey: &AccountId) -> crate::NetUid {
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
