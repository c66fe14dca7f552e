//! The subnet registration lock cost: a pure function, free of storage, so it is unit- and
//! property-tested natively and runs unchanged in Wasm.
//!
//! Each registration doubles the price the next registrant faces; the doubled price then decays
//! linearly back over `interval` blocks, never below `floor`:
//!
//! ```text
//! cost(Δ) = max(floor, 2·L · (I − min(Δ, I)) / I)
//! ```
//!
//! where `L` is the lock paid by the last registration, `Δ` the blocks since it and `I` the
//! decay interval. Burst demand is priced up; steady demand settles back to the floor.

use sp_arithmetic::{traits::AtLeast32BitUnsigned, Perbill};

/// The lock a registration at `elapsed` blocks after the last one must put up.
///
/// `last_lock` is the lock paid by the previous registration (zero before the first), `interval`
/// the blocks over which a doubled price decays back, and `floor` the minimum lock. An `interval`
/// of zero means no decay period: the price is always the floor.
pub fn lock_cost<B: AtLeast32BitUnsigned + Copy>(
	last_lock: B,
	elapsed: u64,
	interval: u64,
	floor: B,
) -> B {
	if interval == 0 {
		return floor;
	}
	let doubled = last_lock.saturating_mul(B::from(2u32));
	let remaining = interval.saturating_sub(elapsed);
	let decayed = Perbill::from_rational(remaining, interval).mul_floor(doubled);
	decayed.max(floor)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::lock_cost;
	use proptest::prelude::*;

	#[test]
	fn first_registration_pays_the_floor() {
		assert_eq!(lock_cost(0u128, 0, 100, 50), 50);
	}

	#[test]
	fn registration_right_after_another_pays_double() {
		assert_eq!(lock_cost(80u128, 0, 100, 50), 160);
	}

	#[test]
	fn doubled_price_decays_linearly() {
		assert_eq!(lock_cost(100u128, 25, 100, 10), 150);
		assert_eq!(lock_cost(100u128, 50, 100, 10), 100);
		assert_eq!(lock_cost(100u128, 75, 100, 10), 50);
	}

	#[test]
	fn price_never_falls_below_the_floor() {
		assert_eq!(lock_cost(100u128, 99, 100, 10), 10);
		assert_eq!(lock_cost(100u128, 1_000, 100, 10), 10);
	}

	#[test]
	fn zero_interval_means_the_floor() {
		assert_eq!(lock_cost(1_000u128, 0, 0, 7), 7);
	}

	#[test]
	fn huge_last_lock_saturates_instead_of_overflowing() {
		assert_eq!(lock_cost(u128::MAX, 0, 10, 1), u128::MAX);
	}

	proptest! {
		#[test]
		fn cost_is_at_least_the_floor(last in any::<u64>(), elapsed in any::<u32>(), interval in 0u64..1_000_000, floor in any::<u64>()) {
			let cost = lock_cost(u128::from(last), u64::from(elapsed), interval, u128::from(floor));
			prop_assert!(cost >= u128::from(floor));
		}

		#[test]
		fn cost_never_exceeds_double_the_last_lock_or_the_floor(last in any::<u64>(), elapsed in any::<u32>(), interval in 1u64..1_000_000, floor in any::<u64>()) {
			let cost = lock_cost(u128::from(last), u64::from(elapsed), interval, u128::from(floor));
			prop_assert!(cost <= (2 * u128::from(last)).max(u128::from(floor)));
		}

		#[test]
		fn cost_does_not_rise_while_waiting(last in any::<u64>(), a in 0u64..2_000_000, b in 0u64..2_000_000, interval in 1u64..1_000_000, floor in any::<u32>()) {
			let (early, late) = (a.min(b), a.max(b));
			let floor = u128::from(floor);
			prop_assert!(lock_cost(u128::from(last), late, interval, floor) <= lock_cost(u128::from(last), early, interval, floor));
		}

		#[test]
		fn cost_is_the_floor_once_the_interval_has_passed(last in any::<u64>(), extra in 0u64..1_000, interval in 1u64..1_000_000, floor in any::<u64>()) {
			let cost = lock_cost(u128::from(last), interval + extra, interval, u128::from(floor));
			prop_assert_eq!(cost, u128::from(floor));
		}
	}
}
