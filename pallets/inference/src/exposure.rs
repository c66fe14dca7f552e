//! What `pallet-stake` asks before paying out unbonded stake.

use crate::{Config, ExposedUntil, NetUid, Pallet};
use frame_system::pallet_prelude::BlockNumberFor;
use inferchain_primitives::StakeExposure;

impl<T: Config> StakeExposure<T::AccountId, BlockNumberFor<T>> for Pallet<T> {
	fn exposed_until(netuid: NetUid, hotkey: &T::AccountId) -> Option<BlockNumberFor<T>> {
		ExposedUntil::<T>::get(netuid, hotkey)
	}
}

impl<T: Config> Pallet<T> {
	/// Extends `hotkey`'s exposure on `netuid` to at least `until`.
	pub(crate) fn expose(netuid: NetUid, hotkey: &T::AccountId, until: BlockNumberFor<T>) {
		ExposedUntil::<T>::mutate(netuid, hotkey, |exposed| {
			*exposed = Some(exposed.map_or(until, |current| current.max(until)));
		});
	}
}
