//! Removing what a dissolved subnet leaves behind in this pallet, in `on_idle`, a
//! weight-bounded batch per block.

use crate::{
	weights::WeightInfo, Bonds, Commits, Config, DissolvedSubnets, Pallet, Weights, WeightsSetAt,
};
use frame_support::{traits::Get, weights::Weight};

impl<T: Config> Pallet<T> {
	/// Removes per-UID entries of dissolved subnets within `remaining` weight (the `on_idle`
	/// hook); returns the weight used. One subnet per block, as many entries per map as fit.
	pub(crate) fn clean_dissolved(remaining: Weight) -> Weight {
		let lookup = T::DbWeight::get().reads(1);
		let Some(netuid) = DissolvedSubnets::<T>::iter_keys().next() else { return lookup };
		let base = T::WeightInfo::clean_dissolved(0).saturating_add(lookup);
		let per_uid =
			T::WeightInfo::clean_dissolved(1).saturating_sub(T::WeightInfo::clean_dissolved(0));
		let limit =
			inferchain_primitives::items_that_fit(remaining, base, per_uid, T::MaxUids::get());
		if limit == 0 {
			return lookup;
		}
		let weights = Weights::<T>::clear_prefix(netuid, limit, None);
		let set_at = WeightsSetAt::<T>::clear_prefix(netuid, limit, None);
		let bonds = Bonds::<T>::clear_prefix(netuid, limit, None);
		let commits = Commits::<T>::clear_prefix(netuid, limit, None);
		if [weights, set_at, bonds, commits].iter().all(|done| done.maybe_cursor.is_none()) {
			DissolvedSubnets::<T>::remove(netuid);
		}
		T::WeightInfo::clean_dissolved(limit).saturating_add(lookup)
	}
}
