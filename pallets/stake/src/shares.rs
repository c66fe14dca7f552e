//! Share-pool arithmetic: a pure function of a pool's stake and shares.
//!
//! A hotkey's stake on a subnet is one pool owned through shares. A deposit of `a` into a pool
//! with stake `S` and shares `N` mints `a × N / S` shares (rounded down, against the
//! depositor); a withdrawal of `a` burns `⌈a × N / S⌉` shares (rounded up, against the
//! withdrawer); a position of `n` shares is worth `n × S / N` (rounded down). A reward raises
//! `S` and so every position at once: O(1) whatever the number of stakers. Rounding always
//! favours the pool, so the positions never add up to more than `S`.

use sp_arithmetic::{helpers_128bit::multiply_by_rational_with_rounding, Rounding};

/// Shares minted for depositing `amount` (1:1 into an empty pool). `None` when the result does
/// not fit (a pool so large no balance type reaches it).
pub fn shares_for_deposit(amount: u128, stake: u128, shares: u128) -> Option<u128> {
	if stake == 0 || shares == 0 {
		return Some(amount);
	}
	multiply_by_rational_with_rounding(amount, shares, stake, Rounding::Down)
}

/// Shares burned for withdrawing `amount` (at most `shares`).
pub fn shares_for_withdrawal(amount: u128, stake: u128, shares: u128) -> u128 {
	if stake == 0 {
		return shares;
	}
	multiply_by_rational_with_rounding(amount, shares, stake, Rounding::Up)
		.unwrap_or(shares)
		.min(shares)
}

/// What `owned` shares of a pool are worth.
pub fn value_of(owned: u128, stake: u128, shares: u128) -> u128 {
	if shares == 0 {
		return 0;
	}
	if owned >= shares {
		return stake;
	}
	multiply_by_rational_with_rounding(owned, stake, shares, Rounding::Down).unwrap_or(0)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	#[test]
	fn an_empty_pool_mints_one_share_per_unit() {
		assert_eq!(shares_for_deposit(500, 0, 0), Some(500));
	}

	#[test]
	fn a_reward_raises_every_position_pro_rata() {
		// Two stakers of 100 and 300; a reward of 200 makes the pool 600 for 400 shares.
		let (stake, shares) = (600, 400);
		assert_eq!(value_of(100, stake, shares), 150);
		assert_eq!(value_of(300, stake, shares), 450);
		// A later deposit of 150 buys 100 shares at the new price.
		assert_eq!(shares_for_deposit(150, stake, shares), Some(100));
	}

	#[test]
	fn withdrawals_round_against_the_withdrawer() {
		assert_eq!(shares_for_withdrawal(1, 3, 2), 1);
		assert_eq!(shares_for_withdrawal(2, 3, 2), 2);
	}

	proptest! {
		#[test]
		fn a_deposit_is_never_worth_more_than_it_paid(
			stake in 1u128..1u128 << 90, shares in 1u128..1u128 << 90, amount in 0u128..1u128 << 90,
		) {
			let minted = shares_for_deposit(amount, stake, shares).unwrap();
			prop_assert!(value_of(minted, stake + amount, shares + minted) <= amount);
		}

		#[test]
		fn a_withdrawal_burns_no_more_than_owned_and_never_harms_the_others(
			stake in 1u128..1u128 << 90, shares in 1u128..1u128 << 90, owned_pct in 0u128..=100,
			amount_pct in 0u128..=100,
		) {
			let owned = shares * owned_pct / 100;
			let amount = value_of(owned, stake, shares) * amount_pct / 100;
			let burned = shares_for_withdrawal(amount, stake, shares);
			prop_assert!(burned <= owned);
			let others = shares - owned;
			let after = value_of(others, stake - amount, shares - burned);
			prop_assert!(after >= value_of(others, stake, shares));
		}

		#[test]
		fn positions_never_add_up_to_more_than_the_pool(
			stake in 0u128..1u128 << 90, parts in proptest::collection::vec(1u128..1u128 << 60, 1..20),
		) {
			let total: u128 = parts.iter().sum();
			let sum: u128 = parts.iter().map(|p| value_of(*p, stake, total)).sum();
			prop_assert!(sum <= stake);
		}
	}
}
