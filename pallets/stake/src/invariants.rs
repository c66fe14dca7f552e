//! The pallet's invariants, checked by `try_state` (and after every step of the tests).

use crate::{
	BalanceOf, Config, Ledger, NetUid, Pallet, Pools, Positions, SettlingSubnets, SubnetStake,
	Unbonding, UnbondingPools, LEDGER_PAGE,
};
use alloc::collections::BTreeMap;
use frame_support::{ensure, traits::fungible::Inspect};
use inferchain_primitives::{SubnetRegistry, Uid};
use sp_runtime::{traits::Saturating, TryRuntimeError};

impl<T: Config> Pallet<T> {
	/// Checks every invariant listed in the crate docs.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut pooled = BalanceOf::<T>::default();
		let mut per_subnet = BTreeMap::<NetUid, BalanceOf<T>>::new();
		for (netuid, hotkey, pool) in Pools::<T>::iter() {
			ensure!(pool.shares > 0 || pool.stake > 0u32.into(), "an empty bonded pool is stored");
			pooled = pooled.saturating_add(pool.stake);
			let sum = per_subnet.entry(netuid).or_default();
			*sum = sum.saturating_add(pool.stake);
			let shares: u128 = Positions::<T>::iter_prefix((netuid, hotkey))
				.filter(|(_, position)| position.generation == pool.generation)
				.map(|(_, position)| position.shares)
				.fold(0, u128::saturating_add);
			ensure!(shares == pool.shares, "a pool's shares differ from its positions");
		}
		Self::check_ledger(&mut pooled, &mut per_subnet)?;
		for (netuid, stake) in SubnetStake::<T>::iter() {
			let sum = per_subnet.remove(&netuid).unwrap_or_default();
			ensure!(sum == stake, "SubnetStake differs from its pools and accrued rewards");
		}
		ensure!(
			per_subnet.values().all(|sum| *sum == 0u32.into()),
			"a subnet's pools hold stake it does not count"
		);
		ensure!(Positions::<T>::iter_values().all(|p| p.shares > 0), "an empty position is stored");

		let mut chunk_shares = BTreeMap::<(NetUid, T::AccountId), u128>::new();
		for ((_, netuid, hotkey), chunks) in Unbonding::<T>::iter() {
			ensure!(!chunks.is_empty(), "an empty chunk list is stored");
			let pool = UnbondingPools::<T>::get(netuid, &hotkey).unwrap_or_default();
			let sum = chunk_shares.entry((netuid, hotkey)).or_default();
			for chunk in chunks.iter().filter(|chunk| chunk.generation == pool.generation) {
				*sum = sum.saturating_add(chunk.shares);
			}
		}
		for (netuid, hotkey, pool) in UnbondingPools::<T>::iter() {
			ensure!(
				pool.shares > 0 || pool.stake > 0u32.into(),
				"an empty unbonding pool is stored"
			);
			pooled = pooled.saturating_add(pool.stake);
			let shares = chunk_shares.remove(&(netuid, hotkey)).unwrap_or(0);
			ensure!(shares == pool.shares, "an unbonding pool's shares differ from its chunks");
		}
		ensure!(chunk_shares.values().all(|s| *s == 0), "chunks of a pool that does not exist");
		let held = T::Currency::balance(&Self::account_id());
		ensure!(
			held == pooled.saturating_add(T::Currency::minimum_balance()),
			"the pallet account does not hold exactly its deposit, every pool and every accrual"
		);
		Ok(())
	}

	/// The ledger: one entry per registered UID (until a dissolved subnet's is folded), each
	/// naming the UID's hotkey with its pool's stake; accrued rewards added to `pooled` and to
	/// their subnet's sum.
	fn check_ledger(
		pooled: &mut BalanceOf<T>,
		per_subnet: &mut BTreeMap<NetUid, BalanceOf<T>>,
	) -> Result<(), TryRuntimeError> {
		let mut entries = 0usize;
		for (netuid, page, slots) in Ledger::<T>::iter() {
			ensure!(!matches!(slots.last(), Some(None)), "a ledger page ends in a vacancy");
			let settling = SettlingSubnets::<T>::contains_key(netuid);
			let first = u32::from(page).saturating_mul(u32::from(LEDGER_PAGE));
			for (uid, entry) in (first..).zip(slots) {
				let Some(entry) = entry else { continue };
				entries = entries.saturating_add(1);
				let uid = Uid::try_from(uid).map_err(|_| "a ledger page beyond the last UID")?;
				ensure!(
					settling || T::Subnets::hotkey_at(netuid, uid).as_ref() == Some(&entry.hotkey),
					"a ledger entry names a hotkey that does not hold its UID"
				);
				let stake = Pools::<T>::get(netuid, &entry.hotkey).map_or(0u32.into(), |p| p.stake);
				ensure!(entry.bonded == stake, "a ledger entry's stake differs from its pool");
				*pooled = pooled.saturating_add(entry.accrued);
				let sum = per_subnet.entry(netuid).or_default();
				*sum = sum.saturating_add(entry.accrued);
			}
		}
		let registered = T::Subnets::netuids()
			.into_iter()
			.map(|netuid| T::Subnets::hotkeys(netuid).into_iter().flatten().count())
			.fold(0usize, usize::saturating_add);
		let settling_entries: usize = SettlingSubnets::<T>::iter_keys()
			.map(|netuid| Ledger::<T>::iter_prefix_values(netuid).flatten().flatten().count())
			.fold(0usize, usize::saturating_add);
		ensure!(
			entries == registered.saturating_add(settling_entries),
			"a registered UID has no ledger entry"
		);
		Ok(())
	}
}
