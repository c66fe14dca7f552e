//! A minimal runtime for the pallet's tests: System, Balances and Subnets.

use crate as pallet_subnets;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use sp_runtime::BuildStorage;

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

parameter_types! {
	pub const MinLockCost: Balance = MIN_LOCK;
	pub const LockReductionInterval: u64 = INTERVAL;
}

impl pallet_subnets::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MaxSubnets = ConstU32<MAX_SUBNETS>;
	type MinLockCost = MinLockCost;
	type LockReductionInterval = LockReductionInterval;
	type WeightInfo = ();
}

/// Externalities with ALICE and BOB funded, POOR nearly broke, at block 1.
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
