//! What other pallets use: stake reads and permits, rewards, slashes; and the pallet account.

use crate::{
	pools::raw, BalanceOf, Config, Error, Event, NetUid, Pallet, Pools, SubnetStake, Takes,
	UnbondingPools,
};
use alloc::vec::Vec;
use frame_support::{
	storage::{with_transaction, TransactionOutcome},
	traits::{
		fungible::{Inspect, Mutate},
		tokens::{Fortitude, Precision, Preservation},
		Get,
	},
};
use inferchain_primitives::{Slash, SlashTarget, StakeInfo, StakeRewards, SubnetRegistry};
use inferchain_yuma::top_k_permits;
use sp_arithmetic::{helpers_128bit::multiply_by_rational_with_rounding, Rounding};
use sp_runtime::{
	traits::{AccountIdConversion, SaturatedConversion, Saturating, Zero},
	DispatchError,
};

impl<T: Config> Pallet<T> {
	/// The account holding every pool's tokens.
	pub fn account_id() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Gives the pallet account its existential deposit (genesis), so paying out the last
	/// stake never reaps it.
	pub(crate) fn endow_account() {
		let account = Self::account_id();
		let minimum = T::Currency::minimum_balance();
		if T::Currency::balance(&account) < minimum {
			let _ = T::Currency::mint_into(&account, minimum);
		}
	}
}

impl<T: Config> StakeInfo<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn stake_of(netuid: NetUid, hotkey: &T::AccountId) -> BalanceOf<T> {
		Pools::<T>::get(netuid, hotkey).map_or_else(Zero::zero, |pool| pool.stake)
	}

	fn total_stake(netuid: NetUid) -> BalanceOf<T> {
		SubnetStake::<T>::get(netuid)
	}

	fn validator_permits(netuid: NetUid) -> Vec<bool> {
		let stakes: Vec<u128> = T::Subnets::hotkeys(netuid)
			.iter()
			.map(|hotkey| {
				hotkey.as_ref().map_or(0, |hotkey| raw::<T>(Self::stake_of(netuid, hotkey)))
			})
			.collect();
		top_k_permits(&stakes, T::Subnets::max_validators(netuid).unwrap_or(0))
	}
}

impl<T: Config> StakeRewards<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn reward(
		netuid: NetUid,
		hotkey: &T::AccountId,
		amount: BalanceOf<T>,
		source: &T::AccountId,
	) -> Result<BalanceOf<T>, DispatchError> {
		if amount.is_zero() {
			return Ok(amount);
		}
		with_transaction(|| {
			let credited = match Self::credit_reward(netuid, hotkey, amount) {
				Ok(credited) => credited,
				Err(err) => return TransactionOutcome::Rollback(Err(err)),
			};
			match Self::fund_rewards(netuid, credited, source) {
				Ok(()) => TransactionOutcome::Commit(Ok(credited)),
				Err(err) => TransactionOutcome::Rollback(Err(err)),
			}
		})
	}

	fn reward_batch(
		netuid: NetUid,
		rewards: &[(T::AccountId, BalanceOf<T>)],
		source: &T::AccountId,
	) -> Vec<BalanceOf<T>> {
		// Every pool is credited first, then the total moves in one transfer; if it cannot,
		// the credits are rolled back.
		let outcome = with_transaction(|| {
			let credited: Vec<BalanceOf<T>> = rewards
				.iter()
				.map(|(hotkey, amount)| {
					Self::credit_reward(netuid, hotkey, *amount).unwrap_or_else(|_| Zero::zero())
				})
				.collect();
			let total =
				credited.iter().fold(BalanceOf::<T>::zero(), |sum, c| sum.saturating_add(*c));
			match Self::fund_rewards(netuid, total, source) {
				Ok(()) => TransactionOutcome::Commit(Ok(credited)),
				Err(err) => TransactionOutcome::Rollback(Err::<_, DispatchError>(err)),
			}
		});
		outcome.unwrap_or_else(|_| alloc::vec![Zero::zero(); rewards.len()])
	}
}

impl<T: Config> Pallet<T> {
	/// Adds `amount` to `hotkey`'s pool on `netuid` (the owner's take as the owner's shares)
	/// without moving tokens; returns what was credited (zero when the hotkey has no stakers
	/// and no owner). Callers move the tokens ([`Self::fund_rewards`]).
	fn credit_reward(
		netuid: NetUid,
		hotkey: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		if amount.is_zero() {
			return Ok(amount);
		}
		let mut pool = Pools::<T>::get(netuid, hotkey).unwrap_or_default();
		let owner = T::Subnets::hotkey_owner(hotkey);
		let has_stakers = pool.shares > 0 && !pool.stake.is_zero();
		if has_stakers {
			let take = Takes::<T>::get(hotkey).map_or_else(T::DefaultTake::get, |t| t.take);
			let cut = take.mul_floor(amount);
			// The rest raises the price of every existing share; then the owner's cut buys
			// shares at that new price, so stakers get exactly `amount - cut` between them.
			let cut = if owner.is_some() { cut } else { Zero::zero() };
			pool.stake = pool.stake.saturating_add(amount.saturating_sub(cut));
			if let (Some(owner), false) = (owner.as_ref(), cut.is_zero()) {
				match Self::deposit(&mut pool, cut) {
					Ok(minted) => {
						Self::credit_position(netuid, hotkey, owner, minted, pool.generation)
					},
					// A cut too small to buy one share stays with the pool.
					Err(_) => pool.stake = pool.stake.saturating_add(cut),
				}
			}
		} else {
			let Some(owner) = owner else { return Ok(Zero::zero()) };
			let minted = Self::deposit(&mut pool, amount)?;
			Self::credit_position(netuid, hotkey, &owner, minted, pool.generation);
		}
		Pools::<T>::insert(netuid, hotkey, pool);
		Ok(amount)
	}

	/// Moves `total` credited rewards from `source` into the pallet account.
	fn fund_rewards(
		netuid: NetUid,
		total: BalanceOf<T>,
		source: &T::AccountId,
	) -> Result<(), DispatchError> {
		if total.is_zero() {
			return Ok(());
		}
		T::Currency::transfer(source, &Self::account_id(), total, Preservation::Preserve)?;
		SubnetStake::<T>::mutate(netuid, |sum| *sum = sum.saturating_add(total));
		Ok(())
	}
}

impl<T: Config> Slash<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn slash(
		netuid: NetUid,
		hotkey: &T::AccountId,
		amount: BalanceOf<T>,
		target: SlashTarget<T::AccountId>,
	) -> Result<BalanceOf<T>, DispatchError> {
		let mut bonded = Pools::<T>::get(netuid, hotkey).unwrap_or_default();
		let mut unbonding = UnbondingPools::<T>::get(netuid, hotkey).unwrap_or_default();
		let total = bonded.stake.saturating_add(unbonding.stake);
		let taken = amount.min(total);
		if taken.is_zero() {
			return Ok(taken);
		}
		// Pro rata: ⌊taken × bonded / total⌋ from the bonded pool, the rest (never more than
		// the unbonding pool holds) from the unbonding one.
		let from_bonded: BalanceOf<T> = multiply_by_rational_with_rounding(
			raw::<T>(taken),
			raw::<T>(bonded.stake),
			raw::<T>(total),
			Rounding::Down,
		)
		.ok_or(Error::<T>::Overflow)?
		.saturated_into();
		let from_unbonding = taken.saturating_sub(from_bonded);
		bonded.stake = bonded.stake.saturating_sub(from_bonded);
		unbonding.stake = unbonding.stake.saturating_sub(from_unbonding);
		let account = Self::account_id();
		match &target {
			SlashTarget::Burn => {
				T::Currency::burn_from(
					&account,
					taken,
					Preservation::Preserve,
					Precision::Exact,
					Fortitude::Force,
				)?;
			},
			SlashTarget::Account(to) => {
				T::Currency::transfer(&account, to, taken, Preservation::Preserve)?;
			},
		}
		for (pools_of, pool) in [(true, bonded), (false, unbonding)] {
			let empty = pool.shares == 0 && pool.stake.is_zero();
			match (pools_of, empty) {
				(true, true) => Pools::<T>::remove(netuid, hotkey),
				(true, false) => Pools::<T>::insert(netuid, hotkey, pool),
				(false, true) => UnbondingPools::<T>::remove(netuid, hotkey),
				(false, false) => UnbondingPools::<T>::insert(netuid, hotkey, pool),
			}
		}
		SubnetStake::<T>::mutate(netuid, |total| *total = total.saturating_sub(from_bonded));
		Self::deposit_event(Event::StakeSlashed {
			netuid,
			hotkey: hotkey.clone(),
			amount: taken,
			target,
		});
		Ok(taken)
	}
}
