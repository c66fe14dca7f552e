//! What `pallet-stake` asks before paying out or moving stake: whether it backs open work
//! (a miner's assignments and results, a panel member's or accuser's verdict).

use crate::{AgendaCursor, Config, ExposedUntil, NetUid, Pallet};
use frame_system::pallet_prelude::BlockNumberFor;
use inferchain_primitives::StakeExposure;

impl<T: Config> StakeExposure<T::AccountId, BlockNumberFor<T>> for Pallet<T> {
	/// The recorded block, or now while the agenda has not yet run the actions due then: an
	/// exposure ends with the action that settles the work (a tally, a finalization), and
	/// when the agenda runs late that action runs late too.
	fn exposed_until(netuid: NetUid, hotkey: &T::AccountId) -> Option<BlockNumberFor<T>> {
		let until = ExposedUntil::<T>::get(netuid, hotkey)?;
		let behind = AgendaCursor::<T>::get().is_some_and(|(block, _)| block <= until);
		Some(if behind { until.max(frame_system::Pallet::<T>::block_number()) } else { until })
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
