//! Pool bookkeeping shared by the calls, payouts and slashes: converting balances to the
//! share arithmetic of [`crate::shares`] and keeping positions in step with their pool.

use crate::{
	shares::{shares_for_deposit, shares_for_withdrawal, value_of},
	BalanceOf, Config, Error, NetUid, Pallet, Pool, Position, Positions,
};
use sp_runtime::traits::{CheckedAdd, SaturatedConversion, Saturating, Zero};

/// A balance as the `u128` the share arithmetic works in.
pub(crate) fn raw<T: Config>(balance: BalanceOf<T>) -> u128 {
	balance.saturated_into()
}

/// A `u128` from the share arithmetic as a balance (values never exceed a pool's balance).
pub(crate) fn balance<T: Config>(raw: u128) -> BalanceOf<T> {
	raw.saturated_into()
}

impl<T: Config> Pallet<T> {
	/// Adds `amount` to `pool` and returns the shares minted for it. A pool a slash emptied
	/// while shares remained starts a new generation first (its old shares are worth nothing).
	pub(crate) fn deposit(
		pool: &mut Pool<BalanceOf<T>>,
		amount: BalanceOf<T>,
	) -> Result<u128, Error<T>> {
		if pool.stake.is_zero() && pool.shares > 0 {
			pool.generation = pool.generation.wrapping_add(1);
			pool.shares = 0;
		}
		let minted = shares_for_deposit(raw::<T>(amount), raw::<T>(pool.stake), pool.shares)
			.ok_or(Error::<T>::Overflow)?;
		if minted == 0 {
			return Err(Error::<T>::AmountTooSmall);
		}
		pool.shares = pool.shares.checked_add(minted).ok_or(Error::<T>::Overflow)?;
		pool.stake = pool.stake.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
		Ok(minted)
	}

	/// What `shares` minted in `generation` are worth in `pool`.
	pub(crate) fn value_in(
		pool: &Pool<BalanceOf<T>>,
		shares: u128,
		generation: u32,
	) -> BalanceOf<T> {
		if generation != pool.generation {
			return Zero::zero();
		}
		balance::<T>(value_of(shares, raw::<T>(pool.stake), pool.shares))
	}

	/// Takes `amount` out of `pool` from a holder of `owned` shares worth `value`; returns the
	/// shares burned (all of them when the whole value leaves).
	pub(crate) fn withdraw(
		pool: &mut Pool<BalanceOf<T>>,
		owned: u128,
		value: BalanceOf<T>,
		amount: BalanceOf<T>,
	) -> u128 {
		let burned = if amount >= value {
			owned
		} else {
			shares_for_withdrawal(raw::<T>(amount), raw::<T>(pool.stake), pool.shares).min(owned)
		};
		pool.shares = pool.shares.saturating_sub(burned);
		pool.stake = pool.stake.saturating_sub(amount);
		burned
	}

	/// Adds `minted` shares of generation `generation` to the position of `coldkey`; a
	/// position from an older generation is replaced.
	pub(crate) fn credit_position(
		netuid: NetUid,
		hotkey: &T::AccountId,
		coldkey: &T::AccountId,
		minted: u128,
		generation: u32,
	) {
		Positions::<T>::mutate((netuid, hotkey, coldkey), |slot| {
			let shares = slot
				.as_ref()
				.filter(|position| position.generation == generation)
				.map_or(0, |position| position.shares);
			*slot = Some(Position { shares: shares.saturating_add(minted), generation });
		});
	}
}
