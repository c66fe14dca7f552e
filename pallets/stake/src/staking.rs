//! The calls: staking, unbonding, withdrawing, moving stake, and the take.

use crate::pools::{balance, raw};
use crate::{
	weights::WeightInfo, BalanceOf, Config, Error, Event, NetUid, Pallet, Pools, Positions,
	SettlingSubnets, SubnetStake, Take, Takes, Unbonding, UnbondingChunk, UnbondingPools,
};
use frame_support::{
	dispatch::DispatchResultWithPostInfo,
	ensure,
	pallet_prelude::DispatchResult,
	traits::{fungible::Mutate, tokens::Preservation, Get},
};
use inferchain_primitives::{StakeExposure, SubnetRegistry};
use sp_arithmetic::{helpers_128bit::multiply_by_rational_with_rounding, Rounding};
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchError, Perbill,
};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_add_stake(
		coldkey: T::AccountId,
		hotkey: T::AccountId,
		netuid: NetUid,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(amount >= T::MinStake::get(), Error::<T>::StakeBelowMinimum);
		Self::ensure_registered(netuid, &hotkey)?;
		T::Currency::transfer(&coldkey, &Self::account_id(), amount, Preservation::Preserve)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		Self::bond(netuid, &hotkey, &coldkey, amount)?;
		Self::deposit_event(Event::StakeAdded { coldkey, hotkey, netuid, amount });
		Ok(())
	}

	pub(crate) fn do_remove_stake(
		coldkey: T::AccountId,
		hotkey: T::AccountId,
		netuid: NetUid,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		let amount = Self::unbond(netuid, &hotkey, &coldkey, amount)?;
		let mut pool = UnbondingPools::<T>::get(netuid, &hotkey).unwrap_or_default();
		let minted = Self::deposit(&mut pool, amount)?;
		let key = (coldkey.clone(), netuid, hotkey.clone());
		let mut chunks = Unbonding::<T>::get(&key).unwrap_or_default();
		chunks.retain(|chunk| chunk.generation == pool.generation);
		let unlocks_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		match chunks.last_mut() {
			Some(last) if last.unlocks_at == unlocks_at => {
				last.shares = last.shares.saturating_add(minted);
			},
			_ => chunks
				.try_push(UnbondingChunk {
					shares: minted,
					generation: pool.generation,
					unlocks_at,
				})
				.map_err(|_| Error::<T>::TooManyUnbondingChunks)?,
		}
		UnbondingPools::<T>::insert(netuid, &hotkey, pool);
		Unbonding::<T>::insert(&key, chunks);
		Self::deposit_event(Event::StakeUnbonding { coldkey, hotkey, netuid, amount, unlocks_at });
		Ok(())
	}

	pub(crate) fn do_withdraw_unbonded(
		coldkey: T::AccountId,
		hotkey: T::AccountId,
		netuid: NetUid,
	) -> DispatchResultWithPostInfo {
		let key = (coldkey.clone(), netuid, hotkey.clone());
		let chunks = Unbonding::<T>::get(&key).ok_or(Error::<T>::NothingToWithdraw)?;
		let chunk_count = u32::try_from(chunks.len()).unwrap_or(u32::MAX);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(chunks.iter().any(|chunk| chunk.unlocks_at <= now), Error::<T>::NothingToWithdraw);
		let mut pool = UnbondingPools::<T>::get(netuid, &hotkey).unwrap_or_default();
		let mut amount = BalanceOf::<T>::zero();
		let mut remaining = chunks;
		remaining.retain(|chunk| {
			if chunk.generation != pool.generation {
				return false;
			}
			if chunk.unlocks_at > now {
				return true;
			}
			let value = Self::value_in(&pool, chunk.shares, chunk.generation);
			Self::withdraw(&mut pool, chunk.shares, value, value);
			amount = amount.saturating_add(value);
			false
		});
		// Nothing is written yet: the coldkey's share of what open work could cost stays.
		Self::ensure_keeps_share(netuid, &hotkey, &coldkey, amount)?;
		if pool.shares == 0 && pool.stake.is_zero() {
			UnbondingPools::<T>::remove(netuid, &hotkey);
		} else {
			UnbondingPools::<T>::insert(netuid, &hotkey, pool);
		}
		if remaining.is_empty() {
			Unbonding::<T>::remove(&key);
		} else {
			Unbonding::<T>::insert(&key, remaining);
		}
		if !amount.is_zero() {
			T::Currency::transfer(&Self::account_id(), &coldkey, amount, Preservation::Preserve)?;
		}
		Self::deposit_event(Event::Withdrawn { coldkey, hotkey, netuid, amount });
		Ok(Some(T::WeightInfo::withdraw_unbonded(chunk_count)).into())
	}

	pub(crate) fn do_move_stake(
		coldkey: T::AccountId,
		(from_hotkey, from_netuid): (T::AccountId, NetUid),
		(to_hotkey, to_netuid): (T::AccountId, NetUid),
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(amount >= T::MinStake::get(), Error::<T>::StakeBelowMinimum);
		Self::ensure_registered(to_netuid, &to_hotkey)?;
		// Moved stake leaves the reach of a slash at once (unbonding stake stays): the coldkey's
		// share of what open work could cost stays.
		Self::ensure_keeps_share(from_netuid, &from_hotkey, &coldkey, amount)?;
		let amount = Self::unbond(from_netuid, &from_hotkey, &coldkey, amount)?;
		Self::bond(to_netuid, &to_hotkey, &coldkey, amount)?;
		Self::deposit_event(Event::StakeMoved {
			coldkey,
			from_hotkey,
			from_netuid,
			to_hotkey,
			to_netuid,
			amount,
		});
		Ok(())
	}

	pub(crate) fn do_set_take(
		coldkey: T::AccountId,
		hotkey: T::AccountId,
		take: Perbill,
	) -> DispatchResultWithPostInfo {
		ensure!(
			T::Subnets::hotkey_owner(&hotkey).as_ref() == Some(&coldkey),
			Error::<T>::NotHotkeyOwner
		);
		ensure!(take <= T::MaxTake::get(), Error::<T>::TakeAboveMaximum);
		let now = frame_system::Pallet::<T>::block_number();
		if let Some(current) = Takes::<T>::get(&hotkey) {
			let next_increase = current.changed_at.saturating_add(T::TakeIncreaseRateLimit::get());
			ensure!(
				take <= current.take || now >= next_increase,
				Error::<T>::TakeIncreaseRateLimited
			);
		}
		// Rewards accrued before the change are split at the take they were earned under.
		let netuids = T::Subnets::netuids();
		for netuid in &netuids {
			Self::settle(*netuid, &hotkey);
		}
		Takes::<T>::insert(&hotkey, Take { take, changed_at: now });
		Self::deposit_event(Event::TakeSet { hotkey, take });
		let subnets = u32::try_from(netuids.len()).unwrap_or(u32::MAX);
		Ok(Some(Self::set_take_weight(subnets)).into())
	}

	/// Whether `hotkey` holds a UID on `netuid`, a subnet not dissolved (a dissolved subnet's
	/// hotkey maps are removed over later blocks).
	fn ensure_registered(netuid: NetUid, hotkey: &T::AccountId) -> DispatchResult {
		let registered =
			T::Subnets::subnet_exists(netuid) && T::Subnets::uid_of(netuid, hotkey).is_some();
		ensure!(registered, Error::<T>::HotkeyNotRegistered);
		Ok(())
	}

	/// Adds `amount` (already in the pallet account) to `coldkey`'s position on `hotkey`.
	fn bond(
		netuid: NetUid,
		hotkey: &T::AccountId,
		coldkey: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		Self::settle(netuid, hotkey);
		let mut pool = Pools::<T>::get(netuid, hotkey).unwrap_or_default();
		let minted = Self::deposit(&mut pool, amount)?;
		Self::credit_position(netuid, hotkey, coldkey, minted, pool.generation);
		Self::store_pool(netuid, hotkey, pool);
		SubnetStake::<T>::mutate(netuid, |total| *total = total.saturating_add(amount));
		Ok(())
	}

	/// Refuses unless `coldkey` keeps, after `leaving` goes out of its stake on `hotkey`, its
	/// share of what the hotkey's open inference work could still cost: a slash takes from
	/// every position pro rata (bonded and unbonding alike), so each coldkey must leave
	/// `exposed × its stake / the hotkey's stake` (rounded up) within reach. Otherwise whoever
	/// moved first (the hotkey's operator) would leave the slash to its delegators.
	fn ensure_keeps_share(
		netuid: NetUid,
		hotkey: &T::AccountId,
		coldkey: &T::AccountId,
		leaving: BalanceOf<T>,
	) -> DispatchResult {
		let exposed = T::Exposure::exposed_stake(netuid, hotkey);
		if exposed.is_zero() {
			return Ok(());
		}
		let bonded = Pools::<T>::get(netuid, hotkey).unwrap_or_default();
		let unbonding = UnbondingPools::<T>::get(netuid, hotkey).unwrap_or_default();
		let position = Positions::<T>::get((netuid, hotkey.clone(), coldkey.clone()))
			.map_or_else(Zero::zero, |p| Self::value_in(&bonded, p.shares, p.generation));
		let chunks = Unbonding::<T>::get((coldkey.clone(), netuid, hotkey.clone()))
			.unwrap_or_default()
			.iter()
			.fold(BalanceOf::<T>::zero(), |sum, chunk| {
				sum.saturating_add(Self::value_in(&unbonding, chunk.shares, chunk.generation))
			});
		let mine = position.saturating_add(chunks);
		let total = bonded.stake.saturating_add(unbonding.stake);
		let share = if total.is_zero() {
			Zero::zero()
		} else {
			multiply_by_rational_with_rounding(
				raw::<T>(exposed),
				raw::<T>(mine),
				raw::<T>(total),
				Rounding::Up,
			)
			.map_or_else(|| mine, balance::<T>)
		};
		ensure!(mine.saturating_sub(leaving) >= share, Error::<T>::StakeBacksOpenResults);
		Ok(())
	}

	/// Takes `amount` out of `coldkey`'s bonded position on `hotkey` (the tokens stay in the
	/// pallet account) and returns what was taken: `amount`, or the pool's whole stake when the
	/// position holds every share and leaves entirely. The rest must be zero or at least
	/// `MinStake`.
	fn unbond(
		netuid: NetUid,
		hotkey: &T::AccountId,
		coldkey: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		ensure!(!amount.is_zero(), Error::<T>::AmountTooSmall);
		ensure!(!SettlingSubnets::<T>::contains_key(netuid), Error::<T>::RewardsSettling);
		Self::settle(netuid, hotkey);
		let mut pool = Pools::<T>::get(netuid, hotkey).ok_or(Error::<T>::InsufficientStake)?;
		let key = (netuid, hotkey.clone(), coldkey.clone());
		let mut position = Positions::<T>::get(&key).ok_or(Error::<T>::InsufficientStake)?;
		let value = Self::value_in(&pool, position.shares, position.generation);
		ensure!(amount <= value, Error::<T>::InsufficientStake);
		let rest = value.saturating_sub(amount);
		ensure!(
			rest.is_zero() || rest >= T::MinStake::get(),
			Error::<T>::RemainingStakeBelowMinimum
		);
		// The last holder of a pool's shares also takes the dust share rounding left in it, so
		// no stake is ever stranded in a pool without shares.
		let amount =
			if amount == value && position.shares == pool.shares { pool.stake } else { amount };
		let burned = Self::withdraw(&mut pool, position.shares, value, amount);
		position.shares = position.shares.saturating_sub(burned);
		if position.shares == 0 {
			Positions::<T>::remove(&key);
		} else {
			Positions::<T>::insert(&key, position);
		}
		Self::store_pool(netuid, hotkey, pool);
		SubnetStake::<T>::mutate(netuid, |total| *total = total.saturating_sub(amount));
		Ok(amount)
	}

	/// Weight of `set_take` on a chain of `subnets` subnets: each may hold the hotkey's
	/// accrued rewards to settle (the benchmark covers one).
	pub(crate) fn set_take_weight(subnets: u32) -> frame_support::weights::Weight {
		T::WeightInfo::set_take()
			.saturating_add(T::WeightInfo::settle().saturating_mul(u64::from(subnets)))
	}
}
