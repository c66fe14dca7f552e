//! The pallet's invariants, checked by `try_state` (and after every step of the tests).

use crate::{
	BalanceOf, Config, NetUid, Pallet, Pools, Positions, SubnetStake, Unbonding, UnbondingPools,
};
use alloc::collections::BTreeMap;
use frame_support::{ensure, traits::fungible::Inspect};
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
		for (netuid, stake) in SubnetStake::<T>::iter() {
			let sum = per_subnet.remove(&netuid).unwrap_or_default();
			ensure!(sum == stake, "SubnetStake differs from its pools");
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
			"the pallet account does not hold exactly its deposit plus every pool"
		);
		Ok(())
	}
}
