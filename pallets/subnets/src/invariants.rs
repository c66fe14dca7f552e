//! The pallet's invariants, checked by `try_state` (and after every step of the tests).

use crate::{BalanceOf, Config, HoldReason, NextNetUid, Pallet, SubnetCount, Subnets};
use frame_support::{
	ensure,
	traits::{fungible::InspectHold, Get},
};
use sp_runtime::{traits::Saturating, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Fails if `SubnetCount` differs from the number of subnets or exceeds `MaxSubnets`, if a
	/// netuid is not below `NextNetUid`, or if an owner's held lock differs from the sum of its
	/// subnets' locks.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut entries: u32 = 0;
		let mut locks = alloc::collections::BTreeMap::<T::AccountId, BalanceOf<T>>::new();
		let next = NextNetUid::<T>::get();
		for (netuid, info) in Subnets::<T>::iter() {
			ensure!(netuid < next, "a registered netuid is not below NextNetUid");
			entries = entries.saturating_add(1);
			let sum = locks.entry(info.owner).or_default();
			*sum = sum.saturating_add(info.locked);
		}
		ensure!(entries == SubnetCount::<T>::get(), "SubnetCount differs from the entries");
		ensure!(entries <= T::MaxSubnets::get(), "more subnets than MaxSubnets");
		for (owner, sum) in locks {
			let held = T::Currency::balance_on_hold(&HoldReason::SubnetLock.into(), &owner);
			ensure!(held == sum, "an owner's held lock differs from its subnets' locks");
		}
		Ok(())
	}
}
