//! The pallet's invariants, checked by `try_state` (and after every step of the tests).

use crate::{BalanceOf, Config, Issued, Pallet, Pending};
use frame_support::{
	ensure,
	traits::{fungible::Inspect, Get},
};
use sp_runtime::{traits::Saturating, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Checks every invariant listed in the crate docs.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let pending = Pending::<T>::iter_values()
			.fold(BalanceOf::<T>::default(), |sum, amount| sum.saturating_add(amount));
		let held = T::Currency::balance(&Self::account_id());
		ensure!(
			held == pending.saturating_add(T::Currency::minimum_balance()),
			"the emission account does not hold exactly its deposit plus all pending emission"
		);
		ensure!(Issued::<T>::get() <= T::EmissionCap::get(), "issued more than the cap");
		Ok(())
	}
}
