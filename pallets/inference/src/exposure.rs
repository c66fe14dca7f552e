//! What `pallet-stake` asks before paying out or moving stake: how much of it backs open work
//! (a miner's assigned requests and unsettled results, a panel member's verdict penalty, an
//! escalating auditor's bond).

use crate::{BalanceOf, Config, Liability, NetUid, Pallet, ReviewLiability};
use inferchain_primitives::StakeExposure;
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> StakeExposure<T::AccountId, BalanceOf<T>> for Pallet<T> {
	/// [`Liability`] (the collateral of the hotkey's open requests: what a slash or a timeout
	/// could take) plus [`ReviewLiability`] (`VerdictPenalty` per open panel seat, with
	/// `ChallengeBond` on an audit's seat, and `ChallengeBond` while a dissent of its own is
	/// escalated). Each is released by the
	/// action that settles the work, so when the agenda runs late the exposure lasts as long.
	fn exposed_stake(netuid: NetUid, hotkey: &T::AccountId) -> BalanceOf<T> {
		Liability::<T>::get(netuid, hotkey)
			.saturating_add(ReviewLiability::<T>::get(netuid, hotkey))
	}
}

impl<T: Config> Pallet<T> {
	/// Adds (`open`) or removes `amount` to or from `who`'s review liability on `netuid`.
	pub(crate) fn hold_review_liability(
		netuid: NetUid,
		who: &T::AccountId,
		amount: BalanceOf<T>,
		open: bool,
	) {
		ReviewLiability::<T>::mutate_exists(netuid, who, |liability| {
			*liability = adjusted::<T>(*liability, amount, open);
		});
	}
}

/// A liability `current` with `amount` added (`open`) or removed; `None` (the entry removed)
/// at zero.
pub(crate) fn adjusted<T: Config>(
	current: Option<BalanceOf<T>>,
	amount: BalanceOf<T>,
	open: bool,
) -> Option<BalanceOf<T>> {
	let current = current.unwrap_or_else(Zero::zero);
	let next = if open { current.saturating_add(amount) } else { current.saturating_sub(amount) };
	(!next.is_zero()).then_some(next)
}
