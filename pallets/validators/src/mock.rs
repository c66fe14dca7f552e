//! A runtime for the pallet's tests: System, Balances and Validators, with a session double that
//! records what the pallet asks of pallet-session.

use crate as pallet_validators;
use frame_support::{derive_impl, parameter_types, traits::ConstU64};
use sp_runtime::{BuildStorage, Perbill};
use sp_staking::SessionIndex;
use std::cell::RefCell;

type Block = frame_system::mocking::MockBlock<Test>;

/// Account ids in tests are plain numbers.
pub type AccountId = u64;
/// Balances in tests are plain numbers.
pub type Balance = u64;

/// Genesis validators, bonded [`GENESIS_BOND`] each, with keys.
pub const GENESIS: [AccountId; 2] = [1, 2];
/// Their bond.
pub const GENESIS_BOND: Balance = 1_000;
/// Accounts with keys and funds but no bond.
pub const NEWCOMERS: [AccountId; 4] = [3, 4, 5, 6];
/// An account with funds but no session keys.
pub const KEYLESS: AccountId = 7;
/// An account with a little balance.
pub const POOR: AccountId = 8;
/// Balance of funded accounts.
pub const FUNDS: Balance = 1_000_000;
/// Balance of [`POOR`].
pub const POOR_FUNDS: Balance = 150;
/// `MinValidatorBond`.
pub const MIN_BOND: Balance = 100;
/// `MaxAuthorities`.
pub const MAX_AUTHORITIES: u32 = 3;
/// `MaxCandidates`.
pub const MAX_CANDIDATES: u32 = 5;
/// `BondingDuration`, in sessions.
pub const BONDING: SessionIndex = 2;
/// `MaxUnlockingChunks`.
pub const MAX_CHUNKS: u32 = 2;

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
	pub type Validators = pallet_validators;
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
	type ExistentialDeposit = ConstU64<1>;
}

thread_local! {
	/// Accounts without session keys.
	pub static KEYLESS_ACCOUNTS: RefCell<Vec<AccountId>> = RefCell::new(vec![KEYLESS]);
	/// Every `disable` the pallet asked for.
	pub static DISABLED: RefCell<Vec<(AccountId, Perbill)>> = const { RefCell::new(Vec::new()) };
	/// The last `prune_history` bound.
	pub static PRUNED_BEFORE: RefCell<Option<SessionIndex>> = const { RefCell::new(None) };
}

/// The session double.
pub struct TestSession;
impl crate::SessionControl<AccountId> for TestSession {
	fn has_keys(who: &AccountId) -> bool {
		KEYLESS_ACCOUNTS.with(|k| !k.borrow().contains(who))
	}
	fn disable(who: &AccountId, severity: Perbill) {
		DISABLED.with(|d| d.borrow_mut().push((*who, severity)));
	}
	fn prune_history(before: SessionIndex) {
		PRUNED_BEFORE.with(|p| *p.borrow_mut() = Some(before));
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn give_keys(who: &AccountId) {
		KEYLESS_ACCOUNTS.with(|k| k.borrow_mut().retain(|a| a != who));
	}
}

parameter_types! {
	pub const MinValidatorBond: Balance = MIN_BOND;
}

impl pallet_validators::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Session = TestSession;
	type MinValidatorBond = MinValidatorBond;
	type MaxAuthorities = frame_support::traits::ConstU32<MAX_AUTHORITIES>;
	type MaxCandidates = frame_support::traits::ConstU32<MAX_CANDIDATES>;
	type BondingDuration = frame_support::traits::ConstU32<BONDING>;
	type MaxUnlockingChunks = frame_support::traits::ConstU32<MAX_CHUNKS>;
	type DefaultSessionLength = frame_support::traits::ConstU32<10>;
	type WeightInfo = ();
}

/// Genesis: funded accounts; [`GENESIS`] bonded and candidates; session length 5.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances: Vec<_> = GENESIS.iter().chain(&NEWCOMERS).map(|a| (*a, FUNDS)).collect();
	balances.push((KEYLESS, FUNDS));
	balances.push((POOR, POOR_FUNDS));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	pallet_validators::GenesisConfig::<Test> {
		validators: GENESIS.iter().map(|a| (*a, GENESIS_BOND)).collect(),
		session_length: 5,
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		KEYLESS_ACCOUNTS.with(|k| *k.borrow_mut() = vec![KEYLESS]);
		DISABLED.with(|d| d.borrow_mut().clear());
		PRUNED_BEFORE.with(|p| *p.borrow_mut() = None);
	});
	ext
}

/// Runs `test` in [`new_test_ext`], then checks every invariant.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Validators::do_try_state().unwrap();
	});
}
