//! `try_state`: the invariants listed in the crate docs.

use crate::pallet::*;
use alloc::collections::BTreeSet;
use frame_support::{ensure, traits::Get};

impl<T: Config> Pallet<T> {
	/// Checks every invariant; the first broken one is the error.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		for (who, ledger) in Ledgers::<T>::iter() {
			ensure!(
				ledger.total() == Self::held(&who),
				"a ledger differs from the balance held for it"
			);
			ensure!(!ledger.is_empty(), "an empty ledger is stored");
		}
		let mut tickets = BTreeSet::new();
		let next = NextTicket::<T>::get();
		for (who, ticket) in Candidates::<T>::iter() {
			let active = Ledgers::<T>::get(&who).map(|l| l.active).unwrap_or_default();
			ensure!(
				active >= T::MinValidatorBond::get(),
				"a candidate's bond is below the minimum"
			);
			ensure!(
				ticket < next && tickets.insert(ticket),
				"candidate tickets are not distinct and issued"
			);
		}
		ensure!(
			Candidates::<T>::count() as usize == tickets.len()
				&& Candidates::<T>::count() <= T::MaxCandidates::get(),
			"the candidate count is wrong or above MaxCandidates"
		);
		Ok(())
	}
}
