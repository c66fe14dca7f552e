//! Behaviour of the stake pallet: each call's effect, each rejection leaving state as it was,
//! rewards and slashes through the traits, and random sequences keeping the invariants.

#![allow(clippy::arithmetic_side_effects)]

mod calls;
mod ledger;
mod payouts;
mod properties;

pub(crate) use crate::{mock::*, Error, Event, NetUid, Pallet as StakePallet};
pub(crate) use frame_support::{assert_noop, assert_ok};
pub(crate) use inferchain_primitives::{Slash, SlashTarget, StakeInfo, StakeRewards};
pub(crate) use sp_runtime::DispatchError;

/// Subnet 0.
pub const NET0: NetUid = NetUid(0);
/// Subnet 1.
pub const NET1: NetUid = NetUid(1);

/// Stakes `amount` from `coldkey` onto `hotkey` on `netuid`.
pub fn stake(coldkey: AccountId, hotkey: AccountId, netuid: NetUid, amount: Balance) {
	assert_ok!(Stake::add_stake(RuntimeOrigin::signed(coldkey), hotkey, netuid, amount));
}

/// What `coldkey`'s bonded position on `hotkey` is worth.
pub fn position(coldkey: AccountId, hotkey: AccountId, netuid: NetUid) -> Balance {
	let pool = crate::Pools::<Test>::get(netuid, hotkey).unwrap_or_default();
	crate::Positions::<Test>::get((netuid, hotkey, coldkey))
		.map_or(0, |p| StakePallet::<Test>::value_in(&pool, p.shares, p.generation))
}

/// The most recent event.
pub fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event was deposited").event
}

/// Runs the pallet's `on_idle` with all the weight it wants (settles dissolved subnets).
pub fn idle() {
	use frame_support::traits::Hooks;
	StakePallet::<Test>::on_idle(System::block_number(), frame_support::weights::Weight::MAX);
}

/// Moves the chain forward by `blocks`.
pub fn advance(blocks: u64) {
	System::set_block_number(System::block_number() + blocks);
}

/// Every invariant of both pallets, and issuance accounted for by the accounts.
pub fn check_invariants() {
	StakePallet::<Test>::do_try_state().unwrap();
	pallet_subnets::Pallet::<Test>::do_try_state().unwrap();
	let accounted: Balance = frame_system::Account::<Test>::iter_values()
		.map(|account| account.data.free + account.data.reserved)
		.sum();
	assert_eq!(Balances::total_issuance(), accounted);
}

/// Storage a rejected call must leave alone.
pub fn stake_state() -> impl PartialEq + core::fmt::Debug {
	(
		crate::Pools::<Test>::iter().collect::<Vec<_>>(),
		crate::Positions::<Test>::iter().collect::<Vec<_>>(),
		crate::Unbonding::<Test>::iter().collect::<Vec<_>>(),
		crate::UnbondingPools::<Test>::iter().collect::<Vec<_>>(),
		crate::Takes::<Test>::iter().collect::<Vec<_>>(),
		frame_system::Account::<Test>::iter().collect::<Vec<_>>(),
	)
}
