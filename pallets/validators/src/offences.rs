//! Offences: equivocation reports from BABE and GRANDPA, through pallet-offences.

use crate::{pallet::*, SessionControl};
use frame_support::{
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision},
		Get,
	},
	weights::Weight,
};
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};
use sp_staking::{
	offence::{OffenceDetails, OnOffenceHandler},
	SessionIndex,
};

impl<T: Config> OnOffenceHandler<T::AccountId, (T::AccountId, ()), Weight> for Pallet<T> {
	/// Slashes each offender the offence's fraction of its whole bond (burned), minus what an
	/// earlier report of an offence in the same session already took: pallet-offences reports
	/// every offender of a time slot again, with a larger fraction, when another one joins, and
	/// two offences in one session cost the larger fraction, not the sum. Then chills and
	/// disables it, and bars it from `validate` for `BondingDuration` sessions.
	fn on_offence(
		offenders: &[OffenceDetails<T::AccountId, (T::AccountId, ())>],
		slash_fraction: &[Perbill],
		session: SessionIndex,
	) -> Weight {
		for (details, fraction) in offenders.iter().zip(slash_fraction) {
			let who = &details.offender.0;
			Self::punish(who, *fraction, session);
		}
		let count = u64::try_from(offenders.len()).unwrap_or(u64::MAX);
		T::DbWeight::get().reads_writes(5, 6).saturating_mul(count)
	}
}

impl<T: Config> Pallet<T> {
	/// Applies one offender's slash (see [`OnOffenceHandler::on_offence`]).
	pub(crate) fn punish(who: &T::AccountId, fraction: Perbill, session: SessionIndex) {
		let already = SlashedIn::<T>::get(session, who).unwrap_or_default();
		if fraction > already {
			SlashedIn::<T>::insert(session, who, fraction);
			let extra = fraction.saturating_sub(already);
			if let Some(mut ledger) = Ledgers::<T>::get(who) {
				let due = extra.mul_floor(ledger.total());
				// The ledger loses what the currency actually burned, so it always equals the
				// balance held for it.
				let burned = T::Currency::burn_held(
					&HoldReason::ValidatorBond.into(),
					who,
					due,
					Precision::BestEffort,
					Fortitude::Force,
				)
				.unwrap_or_default();
				let taken = ledger.slash(burned);
				if !taken.is_zero() {
					if ledger.is_empty() {
						Ledgers::<T>::remove(who);
					} else {
						Ledgers::<T>::insert(who, ledger);
					}
					Self::deposit_event(Event::Slashed {
						who: who.clone(),
						amount: taken,
						session,
					});
				}
			}
		}
		let barred = CurrentSession::<T>::get().saturating_add(T::BondingDuration::get());
		BarredUntil::<T>::insert(who, barred);
		Self::do_chill(who);
		T::Session::disable(who, fraction);
	}
}
