//! The pallet's behaviour: calls, elections, offences, and random call sequences.

mod calls;
mod offences;
mod sequences;
mod sessions;

use crate::{mock::*, pallet::*};
use frame_support::traits::fungible::InspectHold;

/// The events this pallet deposited, oldest first.
pub fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Validators(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// Balance held for `who`'s bond.
pub fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::ValidatorBond.into(), &who)
}
