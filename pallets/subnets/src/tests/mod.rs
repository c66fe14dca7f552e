//! Behaviour of the subnets pallet: each call's effect, and each rejection leaving state as it was.

#![allow(clippy::arithmetic_side_effects)]

mod endpoints;
mod neurons;
mod properties;
mod settings;
mod subnet_registration;

pub(crate) use crate::{
	mock::*, Error, Event, HoldReason, LastLockCost, NetUid, NextNetUid, SubnetCount,
	Subnets as SubnetsStorage,
};
pub(crate) use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
pub(crate) use sp_runtime::DispatchError;

/// An account that has never held any balance.
pub const BROKE: AccountId = 9;

/// Balance `who` holds as subnet locks.
pub fn held(who: AccountId) -> Balance {
	<Balances as InspectHold<AccountId>>::balance_on_hold(
		&RuntimeHoldReason::Subnets(HoldReason::SubnetLock),
		&who,
	)
}

/// Registers a subnet owned by `who` and returns its netuid.
pub fn register(who: AccountId) -> NetUid {
	let netuid = NextNetUid::<Test>::get();
	assert_ok!(Subnets::register_subnet(RuntimeOrigin::signed(who), Balance::MAX));
	netuid
}

/// Registers `hotkey` of `coldkey` on `netuid` and returns its UID.
pub fn register_neuron(coldkey: AccountId, netuid: NetUid, hotkey: AccountId) -> u16 {
	assert_ok!(Subnets::register_neuron(
		RuntimeOrigin::signed(coldkey),
		netuid,
		hotkey,
		Balance::MAX
	));
	crate::Uids::<Test>::get(netuid, hotkey).expect("just registered")
}

/// The most recent event.
pub fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event was deposited").event
}

/// Moves the chain forward by `blocks`.
pub fn advance(blocks: u64) {
	System::set_block_number(System::block_number() + blocks);
}

/// Total issuance equals the sum of every account's free and reserved balance.
pub fn assert_issuance_is_accounted() {
	let accounted: Balance = frame_system::Account::<Test>::iter_values()
		.map(|account| account.data.free + account.data.reserved)
		.sum();
	assert_eq!(Balances::total_issuance(), accounted);
}
