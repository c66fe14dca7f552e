//! Behaviour of the emission pallet: minting, epochs and payouts, the weights calls and their
//! rejections, and random sequences keeping the invariants.

#![allow(clippy::arithmetic_side_effects)]

mod epochs;
mod minting;
mod properties;
mod weights;

pub(crate) use crate::{mock::*, Error, Event, NetUid, Pending};
pub(crate) use frame_support::{
	assert_noop, assert_ok,
	traits::{Get, OnIdle, OnInitialize},
	weights::Weight,
};
pub(crate) use sp_runtime::DispatchError;

/// Subnet 0.
pub const NET0: NetUid = NetUid(0);
/// Subnet 1.
pub const NET1: NetUid = NetUid(1);

/// Runs `on_initialize` for each of the next `blocks` blocks.
pub fn run_blocks(blocks: u64) {
	for _ in 0..blocks {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Emission::on_initialize(next);
	}
}

/// Every invariant of the three pallets, and issuance accounted for by the accounts.
pub fn check_invariants() {
	crate::Pallet::<Test>::do_try_state().unwrap();
	pallet_stake::Pallet::<Test>::do_try_state().unwrap();
	pallet_subnets::Pallet::<Test>::do_try_state().unwrap();
	let accounted: Balance = frame_system::Account::<Test>::iter_values()
		.map(|account| account.data.free + account.data.reserved)
		.sum();
	assert_eq!(Balances::total_issuance(), accounted);
}

/// Stakes `amount` from `coldkey` onto `hotkey`.
pub fn stake(coldkey: AccountId, hotkey: AccountId, netuid: NetUid, amount: Balance) {
	assert_ok!(Stake::add_stake(RuntimeOrigin::signed(coldkey), hotkey, netuid, amount));
}

/// Turns commit-reveal off on `netuid` (root).
pub fn without_commit_reveal(netuid: NetUid) {
	let mut params = pallet_subnets::Hyperparams::<Test>::get(netuid).unwrap();
	params.commit_reveal = false;
	assert_ok!(Subnets::set_hyperparameters(RuntimeOrigin::root(), netuid, params));
}

/// Gives `hotkey` a validator permit on `netuid` by running blocks up to its first epoch.
pub fn first_epoch() {
	// Sighting at block 2, first epoch one tempo (10 blocks) later.
	run_blocks(11);
}
