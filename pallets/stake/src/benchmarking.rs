//! Benchmarks of the stake pallet (frame-benchmarking v2), at their worst cases.

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get};
use frame_system::RawOrigin;
use inferchain_primitives::StakeRewards;
use sp_runtime::{traits::Saturating, Perbill};

/// An account funded far beyond the minimum stake.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, T::MinStake::get().saturating_mul(1_000_000u32.into()));
	who
}

/// A hotkey registered on a fresh subnet, with `staker`'s stake already in its pool (so calls
/// meet an existing pool, the costlier path). Returns (hotkey, netuid).
fn staked_hotkey<T: Config>(index: u32) -> Result<(T::AccountId, NetUid), BenchmarkError> {
	Pallet::<T>::endow_account();
	let owner = funded::<T>("owner", index);
	let hotkey: T::AccountId = account("hotkey", index, 0);
	let netuid = T::BenchmarkHelper::register_hotkey(&owner, &hotkey);
	let staker = funded::<T>("staker", index);
	Pallet::<T>::add_stake(
		RawOrigin::Signed(staker.clone()).into(),
		hotkey.clone(),
		netuid,
		T::MinStake::get().saturating_mul(10u32.into()),
	)?;
	// An epoch's reward waits in the ledger, so the call first settles it (the costlier path).
	let reward = T::MinStake::get();
	let paid = <Pallet<T> as StakeRewards<_, _>>::reward_uids(netuid, &[reward], &staker);
	assert_eq!(paid, alloc::vec![reward]);
	Ok((hotkey, netuid))
}

/// `caller`'s stake of 100 × `MinStake` on `hotkey` and `c` unbonding chunks, each of one
/// `MinStake`, started in consecutive blocks.
fn with_chunks<T: Config>(
	caller: &T::AccountId,
	hotkey: &T::AccountId,
	netuid: NetUid,
	c: u32,
) -> Result<(), BenchmarkError> {
	let min = T::MinStake::get();
	Pallet::<T>::add_stake(
		RawOrigin::Signed(caller.clone()).into(),
		hotkey.clone(),
		netuid,
		min.saturating_mul(100u32.into()),
	)?;
	for block in 0..c {
		frame_system::Pallet::<T>::set_block_number(block.saturating_add(1).into());
		Pallet::<T>::remove_stake(
			RawOrigin::Signed(caller.clone()).into(),
			hotkey.clone(),
			netuid,
			min,
		)?;
	}
	Ok(())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// A new position in an existing pool.
	#[benchmark]
	fn add_stake() -> Result<(), BenchmarkError> {
		let (hotkey, netuid) = staked_hotkey::<T>(0)?;
		let caller = funded::<T>("caller", 0);
		let amount = T::MinStake::get().saturating_mul(3u32.into());

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), hotkey.clone(), netuid, amount);

		assert!(Positions::<T>::contains_key((netuid, hotkey, caller)));
		Ok(())
	}

	/// Unbonding that appends a chunk to a list one short of `MaxUnbondingChunks`.
	#[benchmark]
	fn remove_stake() -> Result<(), BenchmarkError> {
		let (hotkey, netuid) = staked_hotkey::<T>(0)?;
		let caller = funded::<T>("caller", 0);
		let chunks = T::MaxUnbondingChunks::get().saturating_sub(1);
		with_chunks::<T>(&caller, &hotkey, netuid, chunks)?;
		frame_system::Pallet::<T>::set_block_number(chunks.saturating_add(1).into());

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), hotkey.clone(), netuid, T::MinStake::get());

		let held = Unbonding::<T>::get((caller, netuid, hotkey)).map(|c| c.len());
		assert_eq!(held, Some(usize::try_from(chunks.saturating_add(1)).unwrap_or(usize::MAX)));
		Ok(())
	}

	/// Withdrawal of `c` due chunks.
	#[benchmark]
	fn withdraw_unbonded(
		c: Linear<1, { T::MaxUnbondingChunks::get() }>,
	) -> Result<(), BenchmarkError> {
		let (hotkey, netuid) = staked_hotkey::<T>(0)?;
		let caller = funded::<T>("caller", 0);
		with_chunks::<T>(&caller, &hotkey, netuid, c)?;
		let due = T::UnbondingPeriod::get().saturating_add(c.saturating_add(1).into());
		frame_system::Pallet::<T>::set_block_number(due);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), hotkey.clone(), netuid);

		assert!(!Unbonding::<T>::contains_key((caller, netuid, hotkey)));
		Ok(())
	}

	/// A move between two existing pools on different subnets.
	#[benchmark]
	fn move_stake() -> Result<(), BenchmarkError> {
		let (from, from_netuid) = staked_hotkey::<T>(0)?;
		let (to, to_netuid) = staked_hotkey::<T>(1)?;
		let caller = funded::<T>("caller", 0);
		let min = T::MinStake::get();
		Pallet::<T>::add_stake(
			RawOrigin::Signed(caller.clone()).into(),
			from.clone(),
			from_netuid,
			min.saturating_mul(10u32.into()),
		)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), from, from_netuid, to.clone(), to_netuid, min);

		assert!(Positions::<T>::contains_key((to_netuid, to, caller)));
		Ok(())
	}

	/// A take increase after an earlier change (the rate limit is read and passed), settling
	/// the hotkey's accrued reward on its one subnet first (`set_take_weight` adds `settle` per
	/// subnet on top).
	#[benchmark]
	fn set_take() -> Result<(), BenchmarkError> {
		let (hotkey, netuid) = staked_hotkey::<T>(0)?;
		let owner: T::AccountId = account("owner", 0, 0);
		Pallet::<T>::set_take(
			RawOrigin::Signed(owner.clone()).into(),
			hotkey.clone(),
			Perbill::zero(),
		)?;
		// That change settled the setup's reward: accrue another for the measured one.
		let reward = T::MinStake::get();
		<Pallet<T> as StakeRewards<_, _>>::reward_uids(netuid, &[reward], &owner);
		let later = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::TakeIncreaseRateLimit::get());
		frame_system::Pallet::<T>::set_block_number(later);
		let take = T::MaxTake::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), hotkey.clone(), take);

		assert_eq!(Takes::<T>::get(hotkey).map(|t| t.take), Some(take));
		Ok(())
	}

	/// Folding one UID's accrued reward into a pool with stakers and an owner taking a cut, its
	/// ledger page full (what `on_idle` does per entry of a dissolved subnet, and what each
	/// call touching a pool may do first).
	#[benchmark]
	fn settle() -> Result<(), BenchmarkError> {
		let (hotkey, netuid) = staked_hotkey::<T>(0)?;
		let mut page = Ledger::<T>::get(netuid, 0).into_inner();
		for index in 1..u32::from(LEDGER_PAGE) {
			let other: T::AccountId = account("other", index, 0);
			page.push(Some(LedgerEntry {
				hotkey: other,
				bonded: 0u32.into(),
				accrued: 0u32.into(),
			}));
		}
		Ledger::<T>::insert(netuid, 0, LedgerPageOf::<T>::truncate_from(page));
		let before = Pools::<T>::get(netuid, &hotkey).map(|pool| pool.stake);

		#[block]
		{
			assert!(Pallet::<T>::settle(netuid, &hotkey));
		}

		let after = Pools::<T>::get(netuid, &hotkey).map(|pool| pool.stake);
		assert!(after > before);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
