//! The session manager: pallet-session asks this pallet for each new set of validators.

use crate::{pallet::*, SessionControl};
use alloc::vec::Vec;
use frame_support::traits::Get;
use sp_runtime::traits::Convert;
use sp_staking::SessionIndex;

/// The full identification historical sessions keep for a validator: none beyond its account
/// (a slash reads the bond at the time of the report, which unbonding cannot take out of
/// reach for `BondingDuration` sessions).
pub struct FullIdentificationOf<T>(core::marker::PhantomData<T>);

impl<T: Config> Convert<T::AccountId, Option<()>> for FullIdentificationOf<T> {
	fn convert(_: T::AccountId) -> Option<()> {
		Some(())
	}
}

impl<T: Config> Pallet<T> {
	/// The set for session `index`: `None` (keep the queued one) when the election gives the
	/// same members as last time, or nobody at all (a chain never stops for want of
	/// candidates: the last set stays).
	fn plan_session(index: SessionIndex) -> Option<Vec<T::AccountId>> {
		let elected = Self::elect();
		if elected.is_empty() {
			return None;
		}
		let mut members = elected.clone();
		members.sort();
		let mut last = LastElected::<T>::get().into_inner();
		last.sort();
		if members == last {
			return None;
		}
		LastElected::<T>::put(BoundedVecOf::<T>::truncate_from(elected.clone()));
		Self::deposit_event(Event::Elected { session: index, validators: elected.clone() });
		Some(elected)
	}
}

/// A bounded list of validators.
type BoundedVecOf<T> = frame_support::BoundedVec<
	<T as frame_system::Config>::AccountId,
	<T as Config>::MaxAuthorities,
>;

impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
	fn new_session(new_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		Self::plan_session(new_index)
	}

	fn end_session(_: SessionIndex) {}

	fn start_session(start_index: SessionIndex) {
		CurrentSession::<T>::put(start_index);
		let keep = T::BondingDuration::get();
		if start_index > keep {
			let before = start_index.saturating_sub(keep);
			T::Session::prune_history(before);
			let _ = SlashedIn::<T>::clear_prefix(before.saturating_sub(1), u32::MAX, None);
		}
	}
}

impl<T: Config> pallet_session::historical::SessionManager<T::AccountId, ()> for Pallet<T> {
	fn new_session(new_index: SessionIndex) -> Option<Vec<(T::AccountId, ())>> {
		Self::plan_session(new_index).map(|set| set.into_iter().map(|who| (who, ())).collect())
	}

	fn start_session(start_index: SessionIndex) {
		<Self as pallet_session::SessionManager<_>>::start_session(start_index)
	}

	fn end_session(end_index: SessionIndex) {
		<Self as pallet_session::SessionManager<_>>::end_session(end_index)
	}
}
