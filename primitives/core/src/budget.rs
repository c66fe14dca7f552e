//! How much of a weight-bounded batch (e.g. `on_idle` cleanup) fits in what a block has left.

use sp_runtime::Weight;

/// Items costing `per_item` each that fit in `remaining` once `base` is paid, at most `max`;
/// zero when `base` itself does not fit.
pub fn items_that_fit(remaining: Weight, base: Weight, per_item: Weight, max: u32) -> u32 {
	let Some(spare) = remaining.checked_sub(&base) else { return 0 };
	let fits = |spare: u64, cost: u64| spare.checked_div(cost).unwrap_or(u64::MAX);
	let items = fits(spare.ref_time(), per_item.ref_time())
		.min(fits(spare.proof_size(), per_item.proof_size()))
		.min(u64::from(max));
	u32::try_from(items).unwrap_or(max)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn counts_by_the_scarcer_dimension_and_caps_at_max() {
		let w = Weight::from_parts;
		assert_eq!(items_that_fit(w(100, 100), w(10, 10), w(10, 1), 1000), 9);
		assert_eq!(items_that_fit(w(100, 100), w(10, 10), w(1, 30), 1000), 3);
		assert_eq!(items_that_fit(w(100, 100), w(10, 10), w(1, 0), 5), 5);
		assert_eq!(items_that_fit(w(100, 100), w(0, 0), w(0, 0), 7), 7);
		assert_eq!(items_that_fit(w(5, 100), w(10, 10), w(1, 1), 1000), 0);
	}
}
