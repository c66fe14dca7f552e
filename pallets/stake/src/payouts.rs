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
use inferchain_yuma::{permit_candidates, top_k_permits};
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
		Self::ledger_stake_of(netuid, hotkey).unwrap_or_else(|| {
			Pools::<T>::get(netuid, hotkey).map_or_else(Zero::zero, |pool| pool.stake)
		})
	}

	fn total_stake(netuid: NetUid) -> BalanceOf<T> {
		SubnetStake::<T>::get(netuid)
	}

	fn uid_stakes(netuid: NetUid) -> Vec<BalanceOf<T>> {
		Self::ledger_stakes(netuid)
	}

	fn validator_permits(netuid: NetUid) -> Vec<bool> {
		let mut stakes: Vec<u128> = Self::ledger_stakes(netuid).into_iter().map(raw::<T>).collect();
		let validators = T::Subnets::validators(netuid);
		stakes.resize(validators.len().max(stakes.len()), 0);
		let candidates =
			permit_candidates(&stakes, &validators, raw::<T>(T::MinValidatorStake::get()));
		top_k_permits(&candidates, T::Subnets::max_validators(netuid).unwrap_or(0))
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
			Self::settle(netuid, hotkey);
			let credited = Self::credit_reward(netuid, hotkey, amount);
			match Self::fund_rewards(netuid, credited, source) {
				Ok(()) => TransactionOutcome::Commit(Ok(credited)),
				Err(err) => TransactionOutcome::Rollback(Err(err)),
			}
		})
	}

	fn reward_uids(
		netuid: NetUid,
		amounts: &[BalanceOf<T>],
		source: &T::AccountId,
	) -> Vec<BalanceOf<T>> {
		// Every UID's accrual is recorded first, then the total moves in one transfer; if it
		// cannot, the accruals are rolled back.
		let outcome = with_transaction(|| {
			let credited = Self::accrue(netuid, amounts);
			let total =
				credited.iter().fold(BalanceOf::<T>::zero(), |sum, c| sum.saturating_add(*c));
			match Self::fund_rewards(netuid, total, source) {
				Ok(()) => TransactionOutcome::Commit(Ok(credited)),
				Err(err) => TransactionOutcome::Rollback(Err::<_, DispatchError>(err)),
			}
		});
		outcome.unwrap_or_else(|_| alloc::vec![Zero::zero(); amounts.len()])
	}
}

impl<T: Config> Pallet<T> {
	/// Adds `amount` to `hotkey`'s pool on `netuid` without moving tokens: the owner's take buys
	/// the owner shares at the raised price, the rest raises the value of every share; a pool
	/// without stakers gives it all to the owner. A cut too small to buy a share stays in the
	/// pool. Returns what was credited: zero (nothing changed) when the hotkey has no stakers
	/// and no owner. Callers move the tokens ([`Self::fund_rewards`]).
	pub(crate) fn credit_reward(
		netuid: NetUid,
		hotkey: &T::AccountId,
		amount: BalanceOf<T>,
	) -> BalanceOf<T> {
		match Self::credit_pool(netuid, hotkey, amount) {
			Some(stake) => {
				Self::sync_ledger_stake(netuid, hotkey, stake);
				amount
			},
			None => Zero::zero(),
		}
	}

	/// [`Self::credit_reward`] without the ledger's copy of the pool's stake, for callers that
	/// hold the hotkey's ledger entry (or know it has none): returns the pool's new stake, or
	/// `None` when nothing changed (nothing to credit, or no stakers and no owner).
	pub(crate) fn credit_pool(
		netuid: NetUid,
		hotkey: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Option<BalanceOf<T>> {
		if amount.is_zero() {
			return None;
		}
		let mut pool = Pools::<T>::get(netuid, hotkey).unwrap_or_default();
		let owner = T::Subnets::hotkey_owner(hotkey);
		let has_stakers = pool.shares > 0 && !pool.stake.is_zero();
		let to_owner = match (has_stakers, owner.is_some()) {
			(false, false) => return None,
			(false, true) => amount,
			(true, false) => Zero::zero(),
			(true, true) => Takes::<T>::get(hotkey)
				.map_or_else(T::DefaultTake::get, |t| t.take)
				.mul_floor(amount),
		};
		// The stakers' part raises the price of every existing share; then the owner's part
		// buys shares at that new price, so stakers get exactly `amount - to_owner`.
		pool.stake = pool.stake.saturating_add(amount.saturating_sub(to_owner));
		if let (Some(owner), false) = (owner.as_ref(), to_owner.is_zero()) {
			match Self::deposit(&mut pool, to_owner) {
				Ok(minted) => Self::credit_position(netuid, hotkey, owner, minted, pool.generation),
				Err(_) => pool.stake = pool.stake.saturating_add(to_owner),
			}
		}
		let stake = pool.stake;
		Self::put_pool(netuid, hotkey, pool);
		Some(stake)
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
		// What the hotkey accrued is part of its stake: folded into the pool first.
		Self::settle(netuid, hotkey);
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
		Self::store_pool(netuid, hotkey, bonded);
		if unbonding.shares == 0 && unbonding.stake.is_zero() {
			UnbondingPools::<T>::remove(netuid, hotkey);
		} else {
			UnbondingPools::<T>::insert(netuid, hotkey, unbonding);
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

	fn slash_overhead() -> frame_support::weights::Weight {
		use crate::weights::WeightInfo;
		T::WeightInfo::settle()
	}
}
