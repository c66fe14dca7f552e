//! A minimal runtime for the pallet's tests: System, Balances and Subnets.

use crate as pallet_subnets;
use crate::{hyperparams::OwnerLimits, BondsMode, SubnetHyperparams};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
};
use sp_runtime::BuildStorage;
use sp_runtime::Perbill;

type Block = frame_system::mocking::MockBlock<Test>;

/// Account ids in tests are plain numbers.
pub type AccountId = u64;
/// Balances in tests are plain numbers.
pub type Balance = u64;

/// Funded account that registers subnets in most tests.
pub const ALICE: AccountId = 1;
/// A second funded account.
pub const BOB: AccountId = 2;
/// An account with too little balance to register.
pub const POOR: AccountId = 3;
/// Balance of the funded accounts.
pub const FUNDS: Balance = 1_000_000;
/// Balance of `POOR`.
pub const POOR_FUNDS: Balance = 50;
/// Lock floor in the mock.
pub const MIN_LOCK: Balance = 100;
/// Decay interval in the mock.
pub const INTERVAL: u64 = 100;
/// Subnet limit in the mock.
pub const MAX_SUBNETS: u32 = 3;

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
}

/// Most UIDs a subnet may hold in the mock.
pub const MAX_UIDS_LIMIT: u32 = 8;
/// Most validator permits a subnet may hand out in the mock (below the owners' range's top).
pub const MAX_VALIDATORS_LIMIT: u32 = 5;
/// Owner rate limit on hyperparameter changes in the mock.
pub const HYPERPARAMS_RATE_LIMIT: u64 = 10;

/// Hyperparameters of a new subnet in the mock: 4 UIDs, immunity 5 blocks, burn 10..=10_000
/// adjusting every 10 blocks towards 2 registrations, endpoints every 5 blocks.
pub fn default_hyperparams() -> SubnetHyperparams<Balance> {
	SubnetHyperparams {
		tempo: 10,
		max_uids: 4,
		max_validators: 2,
		immunity_period: 5,
		activity_cutoff: 100,
		kappa: Perbill::from_percent(50),
		bonds_moving_average: Perbill::from_percent(10),
		bonds_mode: BondsMode::Absolute,
		min_burn: 10,
		max_burn: 10_000,
		target_registrations_per_interval: 2,
		adjustment_interval: 10,
		weights_rate_limit: 0,
		commit_reveal: true,
		reveal_period: 2,
		serving_rate_limit: 5,
		weights_version: 0,
	}
}

/// The owners' range in the mock: every field may vary around the defaults, `max_uids` up to 6.
pub fn owner_limits() -> OwnerLimits<Balance> {
	let d = default_hyperparams();
	OwnerLimits {
		min: SubnetHyperparams {
			tempo: 1,
			max_uids: 1,
			max_validators: 1,
			immunity_period: 0,
			activity_cutoff: 1,
			kappa: Perbill::zero(),
			bonds_moving_average: Perbill::zero(),
			min_burn: 1,
			max_burn: 1,
			target_registrations_per_interval: 1,
			adjustment_interval: 1,
			weights_rate_limit: 0,
			reveal_period: 0,
			serving_rate_limit: 0,
			weights_version: 0,
			..d.clone()
		},
		max: SubnetHyperparams {
			tempo: 100,
			max_uids: 6,
			max_validators: 6,
			immunity_period: 100,
			activity_cutoff: 1_000,
			kappa: Perbill::one(),
			bonds_moving_average: Perbill::one(),
			min_burn: 1_000,
			max_burn: 100_000,
			target_registrations_per_interval: 10,
			adjustment_interval: 100,
			weights_rate_limit: 100,
			reveal_period: 100,
			serving_rate_limit: 100,
			weights_version: 1_000,
			..d
		},
	}
}

parameter_types! {
	pub const MinLockCost: Balance = MIN_LOCK;
	pub const LockReductionInterval: u64 = INTERVAL;
	pub DefaultHyperparams: SubnetHyperparams<Balance> = default_hyperparams();
	pub OwnerHyperparamLimits: OwnerLimits<Balance> = owner_limits();
}

impl pallet_subnets::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MaxSubnets = ConstU32<MAX_SUBNETS>;
	type MinLockCost = MinLockCost;
	type LockReductionInterval = LockReductionInterval;
	type MaxUidsLimit = ConstU32<MAX_UIDS_LIMIT>;
	type MaxValidatorsLimit = ConstU32<MAX_VALIDATORS_LIMIT>;
	type DefaultHyperparams = DefaultHyperparams;
	type OwnerLimits = OwnerHyperparamLimits;
	type HyperparamsRateLimit = ConstU64<HYPERPARAMS_RATE_LIMIT>;
	type NeuronLifecycle = ();
	type Work = TestWork;
	type WeightInfo = ();
}

frame_support::parameter_types! {
	/// Unsettled requests every subnet has, as the tests set them.
	pub static OpenRequests: u32 = 0;
}

/// Open work as [`OpenRequests`] says.
pub struct TestWork;

impl inferchain_primitives::SubnetWork for TestWork {
	fn open_requests(_: inferchain_primitives::NetUid) -> u32 {
		OpenRequests::get()
	}
}

/// Externalities with ALICE and BOB funded, POOR nearly broke, at block 1; private endpoints
/// refused (as on a public chain).
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(ALICE, FUNDS), (BOB, FUNDS), (POOR, POOR_FUNDS)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
