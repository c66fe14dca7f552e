//! Bonds and candidacy: the storage operations the calls, genesis, the session manager and the
//! offence handler share.

use crate::{
	election::{self, Candidate},
	pallet::*,
	SessionControl,
};
use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{
		fungible::{InspectHold, MutateHold},
		Get,
	},
};
use sp_runtime::{traits::Saturating, DispatchError};

impl<T: Config> Pallet<T> {
	/// Holds `amount` from `who` and adds it to its active bond.
	pub(crate) fn do_bond(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::hold(&HoldReason::ValidatorBond.into(), who, amount)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		Ledgers::<T>::mutate(who, |ledger| {
			let ledger = ledger.get_or_insert_with(Default::default);
			ledger.active = ledger.active.saturating_add(amount);
		});
		Ok(())
	}

	/// Adds `who` to the candidates with the next ticket. When `MaxCandidates` are declared
	/// already, `who` displaces the one the election ranks last ([`election::last_ranked`]) if
	/// that one could not be elected or `who`'s bond is larger; otherwise
	/// [`Error::TooManyCandidates`]. So filling the list with cheap candidates cannot lock out a
	/// larger bond.
	pub(crate) fn declare(who: &T::AccountId) -> Result<u64, DispatchError> {
		ensure!(!Candidates::<T>::contains_key(who), Error::<T>::AlreadyCandidate);
		if Candidates::<T>::count() >= T::MaxCandidates::get() {
			let bond = Ledgers::<T>::get(who).map(|l| l.active).unwrap_or_default();
			let min_bond = T::MinValidatorBond::get();
			let candidates = Self::candidates();
			let last = election::last_ranked(&candidates, min_bond)
				.ok_or(Error::<T>::TooManyCandidates)?;
			let ineligible = !last.has_keys || last.bond < min_bond;
			ensure!(ineligible || bond > last.bond, Error::<T>::TooManyCandidates);
			Self::do_chill(&last.who);
		}
		let ticket = NextTicket::<T>::mutate(|next| {
			let ticket = *next;
			*next = next.saturating_add(1);
			ticket
		});
		Candidates::<T>::insert(who, ticket);
		Ok(ticket)
	}

	/// Removes `who` from the candidates, if it is one.
	pub(crate) fn do_chill(who: &T::AccountId) {
		if Candidates::<T>::take(who).is_some() {
			Self::deposit_event(Event::Chilled { who: who.clone() });
		}
	}

	/// Every candidate as the election sees it.
	fn candidates() -> Vec<Candidate<T::AccountId, BalanceOf<T>>> {
		Candidates::<T>::iter()
			.map(|(who, ticket)| Candidate {
				bond: Ledgers::<T>::get(&who).map(|l| l.active).unwrap_or_default(),
				has_keys: T::Session::has_keys(&who),
				ticket,
				who,
			})
			.collect()
	}

	/// The validators elected now (see [`election`]), largest bond first.
	pub fn elect() -> Vec<T::AccountId> {
		let max = usize::try_from(T::MaxAuthorities::get()).unwrap_or(usize::MAX);
		election::elect(Self::candidates(), T::MinValidatorBond::get(), max)
	}

	/// Everything `who` has bonded, active and unbonding.
	pub fn total_bond(who: &T::AccountId) -> BalanceOf<T> {
		Ledgers::<T>::get(who).map(|l| l.total()).unwrap_or_default()
	}

	/// The balance held for `who`'s bond.
	pub fn held(who: &T::AccountId) -> BalanceOf<T> {
		T::Currency::balance_on_hold(&HoldReason::ValidatorBond.into(), who)
	}
}
