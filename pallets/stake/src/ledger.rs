//! The stake ledger: per subnet, in pages of [`LEDGER_PAGE`] UIDs, each registered UID's hotkey,
//! the stake of its pool and the rewards it has accrued. An epoch reads every UID's stake and
//! pays every UID with one read and one write per page, instead of several per UID; a reward is
//! folded into the hotkey's pool (split with the take, as [`Pallet::credit_reward`] does) when
//! the pool is next touched (a stake call, a slash, a take change), when the hotkey leaves the
//! UID, or, for a dissolved subnet, by `on_idle`.

use crate::{
	weights::WeightInfo, BalanceOf, Config, Event, Ledger, LedgerEntry, LedgerPageOf, NetUid,
	Pallet, Pool, Pools, SettlingSubnets, LEDGER_PAGE,
};
use alloc::{vec, vec::Vec};
use frame_support::{traits::Get, weights::Weight};
use inferchain_primitives::{SubnetRegistry, Uid};
use sp_runtime::traits::{Saturating, Zero};

/// A ledger entry in this runtime.
type EntryOf<T> = LedgerEntry<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

/// The page holding `uid` and its slot in that page.
fn locate(uid: Uid) -> (u16, usize) {
	(uid / LEDGER_PAGE, usize::from(uid % LEDGER_PAGE))
}

/// UIDs per page, as a length.
const PAGE_LEN: usize = LEDGER_PAGE as usize;

impl<T: Config> Pallet<T> {
	/// `hotkey` took `uid` on `netuid`: its entry starts with the stake of its pool (stake a
	/// hotkey kept from an earlier registration counts again) and nothing accrued.
	pub(crate) fn ledger_register(netuid: NetUid, uid: Uid, hotkey: &T::AccountId) {
		let bonded = Pools::<T>::get(netuid, hotkey).map_or_else(Zero::zero, |pool| pool.stake);
		let entry = LedgerEntry { hotkey: hotkey.clone(), bonded, accrued: Zero::zero() };
		let (page, slot) = locate(uid);
		let mut entries = Ledger::<T>::get(netuid, page).into_inner();
		if entries.len() <= slot {
			entries.resize(slot.saturating_add(1), None);
		}
		if let Some(place) = entries.get_mut(slot) {
			*place = Some(entry);
		}
		Self::store_page(netuid, page, entries);
	}

	/// `hotkey` left `uid` on `netuid`: what it accrued goes into its pool, then its entry goes
	/// (one read and one write of the page).
	pub(crate) fn ledger_unregister(netuid: NetUid, uid: Uid, hotkey: &T::AccountId) {
		let (page, slot) = locate(uid);
		let mut entries = Ledger::<T>::get(netuid, page).into_inner();
		let Some(place) = entries.get_mut(slot) else { return };
		let Some(entry) = place.take_if(|entry| &entry.hotkey == hotkey) else { return };
		Self::credit_pool(netuid, hotkey, entry.accrued);
		Self::store_page(netuid, page, entries);
	}

	/// Stores a page without its trailing vacancies (removed when nothing is left).
	fn store_page(netuid: NetUid, page: u16, mut entries: Vec<Option<EntryOf<T>>>) {
		while matches!(entries.last(), Some(None)) {
			entries.pop();
		}
		if entries.is_empty() {
			Ledger::<T>::remove(netuid, page);
		} else {
			Ledger::<T>::insert(netuid, page, LedgerPageOf::<T>::truncate_from(entries));
		}
	}

	/// Applies `change` to the entry of `hotkey` at `uid` on `netuid`, if it has one there;
	/// the page is written back only when `change` returns `Some`.
	fn change_entry<R>(
		netuid: NetUid,
		uid: Uid,
		hotkey: &T::AccountId,
		change: impl FnOnce(&mut EntryOf<T>) -> Option<R>,
	) -> Option<R> {
		let (page, slot) = locate(uid);
		let mut entries = Ledger::<T>::get(netuid, page);
		let entry = entries
			.get_mut(slot)
			.and_then(Option::as_mut)
			.filter(|entry| &entry.hotkey == hotkey)?;
		let result = change(entry)?;
		Ledger::<T>::insert(netuid, page, entries);
		Some(result)
	}

	/// Stores `hotkey`'s bonded pool on `netuid` (removed when empty) and keeps the ledger's
	/// copy of its stake.
	pub(crate) fn store_pool(netuid: NetUid, hotkey: &T::AccountId, pool: Pool<BalanceOf<T>>) {
		let stake = pool.stake;
		Self::put_pool(netuid, hotkey, pool);
		Self::sync_ledger_stake(netuid, hotkey, stake);
	}

	/// Keeps the ledger's copy of the stake of `hotkey`'s pool on `netuid`, when it holds a UID
	/// there.
	pub(crate) fn sync_ledger_stake(netuid: NetUid, hotkey: &T::AccountId, stake: BalanceOf<T>) {
		if let Some(uid) = T::Subnets::uid_of(netuid, hotkey) {
			Self::change_entry(netuid, uid, hotkey, |entry| {
				(entry.bonded != stake).then(|| entry.bonded = stake)
			});
		}
	}

	/// Stores `hotkey`'s bonded pool on `netuid` (removed when empty), leaving the ledger to the
	/// caller.
	pub(crate) fn put_pool(netuid: NetUid, hotkey: &T::AccountId, pool: Pool<BalanceOf<T>>) {
		if pool.shares == 0 && pool.stake.is_zero() {
			Pools::<T>::remove(netuid, hotkey);
		} else {
			Pools::<T>::insert(netuid, hotkey, pool);
		}
	}

	/// Folds what `hotkey` accrued on `netuid` into its pool (nothing when it holds no UID
	/// there or accrued nothing). Returns whether anything was folded.
	pub(crate) fn settle(netuid: NetUid, hotkey: &T::AccountId) -> bool {
		T::Subnets::uid_of(netuid, hotkey).is_some_and(|uid| Self::settle_uid(netuid, uid, hotkey))
	}

	/// [`Self::settle`] for the holder of a known `uid`: one read and one write of its page,
	/// which takes the accrued amount and the pool's new stake together.
	fn settle_uid(netuid: NetUid, uid: Uid, hotkey: &T::AccountId) -> bool {
		Self::change_entry(netuid, uid, hotkey, |entry| {
			if entry.accrued.is_zero() {
				return None;
			}
			let accrued = core::mem::replace(&mut entry.accrued, Zero::zero());
			if let Some(stake) = Self::credit_pool(netuid, hotkey, accrued) {
				entry.bonded = stake;
			}
			Some(())
		})
		.is_some()
	}

	/// Adds `amounts[uid]` to the accrued rewards of each registered UID of `netuid`; returns
	/// what each UID got (zero for a vacant one). One read and at most one write per page.
	pub(crate) fn accrue(netuid: NetUid, amounts: &[BalanceOf<T>]) -> Vec<BalanceOf<T>> {
		let mut credited = vec![BalanceOf::<T>::zero(); amounts.len()];
		let pages = amounts.chunks(PAGE_LEN).zip(credited.chunks_mut(PAGE_LEN));
		for (page, (amounts, credited)) in (0..=u16::MAX).zip(pages) {
			if amounts.iter().all(Zero::is_zero) {
				continue;
			}
			let mut entries = Ledger::<T>::get(netuid, page);
			let mut changed = false;
			let slots = entries.iter_mut().zip(amounts).zip(credited);
			for ((entry, amount), credited) in slots {
				if let (Some(entry), false) = (entry.as_mut(), amount.is_zero()) {
					entry.accrued = entry.accrued.saturating_add(*amount);
					*credited = *amount;
					changed = true;
				}
			}
			if changed {
				Ledger::<T>::insert(netuid, page, entries);
			}
		}
		credited
	}

	/// Each UID's stake on `netuid` (pool and accrued), indexed by UID, up to the last
	/// registered one.
	pub(crate) fn ledger_stakes(netuid: NetUid) -> Vec<BalanceOf<T>> {
		let mut stakes = Vec::new();
		for (page, entries) in Ledger::<T>::iter_prefix(netuid) {
			let start = usize::from(page).saturating_mul(PAGE_LEN);
			let end = start.saturating_add(entries.len());
			if stakes.len() < end {
				stakes.resize(end, Zero::zero());
			}
			let slots = stakes.get_mut(start..end).unwrap_or_default();
			for (stake, entry) in slots.iter_mut().zip(entries) {
				*stake = entry.map_or_else(Zero::zero, |entry| entry.stake());
			}
		}
		stakes
	}

	/// `hotkey`'s stake on `netuid` in the ledger, if it holds a UID there.
	pub(crate) fn ledger_stake_of(netuid: NetUid, hotkey: &T::AccountId) -> Option<BalanceOf<T>> {
		let (page, slot) = locate(T::Subnets::uid_of(netuid, hotkey)?);
		let entries = Ledger::<T>::get(netuid, page);
		let entry = entries.get(slot)?.as_ref().filter(|entry| &entry.hotkey == hotkey)?;
		Some(entry.stake())
	}

	/// Folds the ledgers of dissolved subnets into their pools, a page at a time while
	/// `remaining` allows (the `on_idle` hook); returns the weight used.
	pub(crate) fn settle_dissolved(remaining: Weight) -> Weight {
		let db = T::DbWeight::get();
		let page_weight = T::WeightInfo::settle()
			.saturating_mul(u64::from(LEDGER_PAGE))
			.saturating_add(db.reads_writes(2, 2));
		let mut used = db.reads(1);
		while used.saturating_add(page_weight).all_lte(remaining) {
			let Some(netuid) = SettlingSubnets::<T>::iter_keys().next() else { break };
			used.saturating_accrue(page_weight);
			let Some((page, entries)) = Ledger::<T>::iter_prefix(netuid).next() else {
				SettlingSubnets::<T>::remove(netuid);
				Self::deposit_event(Event::LedgerSettled { netuid });
				continue;
			};
			Ledger::<T>::remove(netuid, page);
			for entry in entries.into_iter().flatten() {
				Self::credit_pool(netuid, &entry.hotkey, entry.accrued);
			}
		}
		used
	}
}

impl<T: Config> inferchain_primitives::NeuronLifecycle<T::AccountId> for Pallet<T> {
	fn on_neuron_registered(netuid: NetUid, uid: Uid, hotkey: &T::AccountId) {
		Self::ledger_register(netuid, uid, hotkey);
	}

	fn on_neuron_removed(netuid: NetUid, uid: Uid, hotkey: &T::AccountId) {
		Self::ledger_unregister(netuid, uid, hotkey);
	}

	fn on_subnet_dissolved(netuid: NetUid) {
		SettlingSubnets::<T>::insert(netuid, ());
	}

	fn removal_overhead() -> Weight {
		T::WeightInfo::settle()
	}
}
