//! The pallet's invariants, checked by `try_state` (and after every step of the tests).

use crate::{
	BalanceOf, Burns, Config, DissolvedSubnets, Endpoints, HoldReason, HotkeyOwner, Hyperparams,
	HyperparamsChangedAt, Keys, NextNetUid, Pallet, SubnetCount, Subnets, Tasks, UidSlots, Uids,
};
use frame_support::{
	ensure,
	traits::{fungible::InspectHold, Get},
};
use sp_runtime::{traits::Saturating, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Checks every invariant listed in the crate docs.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::check_subnets_and_locks()?;
		Self::check_neurons()?;
		Self::check_no_orphans()
	}

	fn check_subnets_and_locks() -> Result<(), TryRuntimeError> {
		let mut entries: u32 = 0;
		let mut locks = alloc::collections::BTreeMap::<T::AccountId, BalanceOf<T>>::new();
		let next = NextNetUid::<T>::get();
		for (netuid, info) in Subnets::<T>::iter() {
			ensure!(netuid < next, "a registered netuid is not below NextNetUid");
			ensure!(Hyperparams::<T>::contains_key(netuid), "a subnet has no hyperparameters");
			ensure!(Burns::<T>::contains_key(netuid), "a subnet has no burn state");
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

	fn check_neurons() -> Result<(), TryRuntimeError> {
		for (netuid, params) in Hyperparams::<T>::iter() {
			let slots = UidSlots::<T>::get(netuid);
			ensure!(slots.len() <= usize::from(params.max_uids), "more UIDs in use than max_uids");
			ensure!(params.max_uids <= Self::max_uids_limit(), "max_uids above MaxUidsLimit");
			for (uid, slot) in (0..=u16::MAX).zip(slots.iter()) {
				let hotkey = Keys::<T>::get(netuid, uid);
				ensure!(slot.occupied == hotkey.is_some(), "a slot disagrees with Keys");
				if let Some(hotkey) = hotkey {
					ensure!(Uids::<T>::get(netuid, &hotkey) == Some(uid), "Uids is not Keys⁻¹");
					ensure!(HotkeyOwner::<T>::contains_key(&hotkey), "a hotkey has no owner");
				}
			}
			let occupied = slots.iter().filter(|slot| slot.occupied).count();
			ensure!(Keys::<T>::iter_prefix(netuid).count() == occupied, "stray Keys entries");
			ensure!(Uids::<T>::iter_prefix(netuid).count() == occupied, "stray Uids entries");
			for (uid, _) in Endpoints::<T>::iter_prefix(netuid) {
				ensure!(Keys::<T>::contains_key(netuid, uid), "an endpoint of a vacant UID");
			}
		}
		Ok(())
	}

	fn check_no_orphans() -> Result<(), TryRuntimeError> {
		let registered = |netuid| Subnets::<T>::contains_key(netuid);
		let registered_or_queued =
			|netuid| registered(netuid) || DissolvedSubnets::<T>::contains_key(netuid);
		ensure!(
			!DissolvedSubnets::<T>::iter_keys().any(registered),
			"a registered subnet is queued for cleanup"
		);
		ensure!(Hyperparams::<T>::iter_keys().all(registered), "orphaned Hyperparams");
		ensure!(HyperparamsChangedAt::<T>::iter_keys().all(registered), "orphaned rate limit");
		ensure!(Tasks::<T>::iter_keys().all(registered), "orphaned Tasks");
		ensure!(Burns::<T>::iter_keys().all(registered), "orphaned Burns");
		ensure!(UidSlots::<T>::iter_keys().all(registered), "orphaned UidSlots");
		let queued_keys = |(netuid, _)| registered_or_queued(netuid);
		ensure!(Keys::<T>::iter_keys().all(queued_keys), "orphaned Keys");
		ensure!(
			Uids::<T>::iter_keys().all(|(netuid, _)| registered_or_queued(netuid)),
			"orphaned Uids"
		);
		ensure!(Endpoints::<T>::iter_keys().all(queued_keys), "orphaned Endpoints");
		Ok(())
	}
}
