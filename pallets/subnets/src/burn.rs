//! The registration burn, a pure function of the subnet's burn state and the block number.
//!
//! Once per adjustment interval the burn moves towards the target registration rate:
//!
//! ```text
//! next = burn × (registrations + target) / (2 × target),   clamped to [min_burn, max_burn]
//! ```
//!
//! At the target rate it stays put; with twice the target it rises by half; with none it halves.
//! The update is applied lazily, when a registration (or a read) first sees a later interval, so
//! no hook walks the subnets. Intervals that passed without any registration each halve the
//! burn; at most [`MAX_CATCH_UP_INTERVALS`] of them are applied, after which the burn has
//! reached the floor anyway for any balance below 2^64.

use crate::types::BurnState;
use sp_arithmetic::{helpers_128bit::multiply_by_rational_with_rounding, Rounding};

/// Most empty intervals applied in one catch-up (each halves the burn).
pub const MAX_CATCH_UP_INTERVALS: u64 = 128;

/// The burn after one interval with `registrations` registrations.
pub fn adjusted_burn(burn: u128, registrations: u16, target: u16, min: u128, max: u128) -> u128 {
	let target = u128::from(target.max(1));
	let numerator = u128::from(registrations).saturating_add(target);
	let denominator = target.saturating_mul(2);
	let next = multiply_by_rational_with_rounding(burn, numerator, denominator, Rounding::Down)
		.unwrap_or(max);
	next.clamp(min, max.max(min))
}

/// The burn state at block `now`: applies every adjustment interval that ended since
/// `state.interval_start`, then clamps the burn to `[min, max]` (bounds may have changed).
pub fn burn_state_at(
	state: BurnState<u128, u64>,
	now: u64,
	interval: u64,
	target: u16,
	min: u128,
	max: u128,
) -> BurnState<u128, u64> {
	let max = max.max(min);
	let clamped = |burn: u128| burn.clamp(min, max);
	let elapsed_intervals =
		now.saturating_sub(state.interval_start).checked_div(interval).unwrap_or(0);
	if elapsed_intervals == 0 {
		return BurnState { burn: clamped(state.burn), ..state };
	}
	let mut burn = adjusted_burn(clamped(state.burn), state.registrations, target, min, max);
	let empty = elapsed_intervals.saturating_sub(1).min(MAX_CATCH_UP_INTERVALS);
	for _ in 0..empty {
		if burn <= min {
			break;
		}
		burn = adjusted_burn(burn, 0, target, min, max);
	}
	BurnState {
		burn,
		interval_start: state
			.interval_start
			.saturating_add(elapsed_intervals.saturating_mul(interval)),
		registrations: 0,
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	fn state(burn: u128, interval_start: u64, registrations: u16) -> BurnState<u128, u64> {
		BurnState { burn, interval_start, registrations }
	}

	#[test]
	fn burn_stays_at_the_target_rate() {
		assert_eq!(adjusted_burn(1_000, 4, 4, 1, 1_000_000), 1_000);
	}

	#[test]
	fn burn_rises_by_half_at_twice_the_target_and_halves_with_none() {
		assert_eq!(adjusted_burn(1_000, 8, 4, 1, 1_000_000), 1_500);
		assert_eq!(adjusted_burn(1_000, 0, 4, 1, 1_000_000), 500);
	}

	#[test]
	fn burn_is_clamped_to_its_bounds() {
		assert_eq!(adjusted_burn(1_000, 0, 1, 800, 10_000), 800);
		assert_eq!(adjusted_burn(9_000, 100, 1, 800, 10_000), 10_000);
	}

	#[test]
	fn state_is_unchanged_within_the_interval() {
		assert_eq!(
			burn_state_at(state(1_000, 100, 3), 199, 100, 1, 1, u128::MAX),
			state(1_000, 100, 3)
		);
	}

	#[test]
	fn one_ended_interval_applies_its_registrations_and_resets_the_count() {
		// 3 registrations against a target of 1: burn × 4 / 2.
		assert_eq!(
			burn_state_at(state(1_000, 100, 3), 200, 100, 1, 1, u128::MAX),
			state(2_000, 200, 0)
		);
	}

	#[test]
	fn empty_intervals_halve_the_burn_down_to_the_floor() {
		// One interval with the target met, then two empty ones: 1000 → 1000 → 500 → 250.
		assert_eq!(
			burn_state_at(state(1_000, 0, 2), 350, 100, 2, 1, u128::MAX),
			state(250, 300, 0)
		);
		assert_eq!(burn_state_at(state(1_000, 0, 0), u64::MAX, 100, 2, 7, u128::MAX).burn, 7);
	}

	#[test]
	fn zero_interval_never_adjusts() {
		assert_eq!(burn_state_at(state(5, 0, 9), 1_000, 0, 1, 1, 100), state(5, 0, 9));
	}

	proptest! {
		#[test]
		fn adjusted_burn_is_within_bounds_and_monotone_in_registrations(
			burn in 0u128..=u128::MAX, regs in 0u16..1000, target in 0u16..100,
			min in 0u128..1_000_000, span in 0u128..u128::MAX / 2,
		) {
			let max = min.saturating_add(span);
			let fewer = adjusted_burn(burn, regs, target, min, max);
			let more = adjusted_burn(burn, regs.saturating_add(1), target, min, max);
			prop_assert!(min <= fewer && fewer <= max);
			prop_assert!(fewer <= more);
		}

		#[test]
		fn burn_state_at_is_within_bounds_and_never_moves_backwards_in_time(
			burn in 0u128..1u128 << 100, start in 0u64..1_000_000, regs in 0u16..50,
			now in 0u64..2_000_000, interval in 1u64..1000, target in 1u16..10,
			min in 0u128..1000, span in 0u128..1u128 << 100,
		) {
			let max = min.saturating_add(span);
			let next = burn_state_at(state(burn, start, regs), now, interval, target, min, max);
			prop_assert!(min <= next.burn && next.burn <= max);
			prop_assert!(next.interval_start >= start);
			prop_assert!(next.interval_start <= now.max(start));
		}
	}
}
