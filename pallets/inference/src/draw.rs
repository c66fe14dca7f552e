//! Random draws from a 32-byte seed, free of storage: which miner serves a request, whether a
//! result is audited, which validators review it. Each draw hashes the seed with a tag and a
//! counter, so one seed yields independent values.
//!
//! - Miner: weight `wᵢ = scoreᵢ + s̄/10 + 1` for every occupied UID without a validator permit
//!   (`scoreᵢ` its latest emission, `s̄` the mean over candidates): proportional to incentive,
//!   with a floor so new miners get requests (and a history).
//! - Audit: `u mod 10⁹ < p` with `u` a uniform 64-bit value and `p` in parts per billion
//!   (bias below 10⁻⁹).
//! - Panel: a partial Fisher–Yates shuffle of the candidates.

use alloc::vec::Vec;
use codec::Encode;
use sp_runtime::Perbill;

/// A uniform 64-bit value: the first 8 bytes of `blake2_256(seed ‖ tag ‖ counter)`.
pub fn uniform(seed: &[u8; 32], tag: &[u8], counter: u32) -> u64 {
	let hash = sp_io::hashing::blake2_256(&(seed, tag, counter).encode());
	let mut bytes = [0u8; 8];
	bytes.copy_from_slice(hash.get(..8).unwrap_or(&[0; 8]));
	u64::from_le_bytes(bytes)
}

/// Whether an event of probability `p` happens.
pub fn happens(seed: &[u8; 32], tag: &[u8], p: Perbill) -> bool {
	let parts = uniform(seed, tag, 0).checked_rem(1_000_000_000).unwrap_or(0);
	parts < u64::from(p.deconstruct())
}

/// Index drawn with probability proportional to `weights[i]`; `None` if all are zero.
pub fn weighted_index(seed: &[u8; 32], tag: &[u8], weights: &[u64]) -> Option<usize> {
	let total: u128 = weights.iter().map(|w| u128::from(*w)).sum();
	if total == 0 {
		return None;
	}
	// Two uniform halves make a 128-bit value, so the modulo bias is below 2⁻⁶⁴.
	let wide = (u128::from(uniform(seed, tag, 0)) << 64) | u128::from(uniform(seed, tag, 1));
	let mut point = wide.checked_rem(total)?;
	for (index, weight) in weights.iter().enumerate() {
		let weight = u128::from(*weight);
		if point < weight {
			return Some(index);
		}
		point = point.saturating_sub(weight);
	}
	None
}

/// The miner weights of the module docs for `scores` (`None`: not a candidate).
pub fn miner_weights(scores: &[Option<u64>]) -> Vec<u64> {
	let candidates: Vec<u64> = scores.iter().flatten().copied().collect();
	let count = u128::try_from(candidates.len()).unwrap_or(u128::MAX).max(1);
	let sum: u128 = candidates.iter().map(|s| u128::from(*s)).sum();
	let mean_tenth = sum.checked_div(count.saturating_mul(10)).unwrap_or(0);
	let floor = u64::try_from(mean_tenth).unwrap_or(u64::MAX).saturating_add(1);
	scores.iter().map(|score| score.map_or(0, |s| s.saturating_add(floor))).collect()
}

/// Up to `k` distinct items of `candidates`, drawn uniformly without replacement.
pub fn sample<T: Clone>(seed: &[u8; 32], tag: &[u8], candidates: &[T], k: usize) -> Vec<T> {
	let mut pool: Vec<T> = candidates.to_vec();
	let mut chosen = Vec::with_capacity(k.min(pool.len()));
	let mut counter = 0u32;
	while chosen.len() < k && !pool.is_empty() {
		let len = u64::try_from(pool.len()).unwrap_or(u64::MAX);
		let index = uniform(seed, tag, counter).checked_rem(len).unwrap_or(0);
		chosen.push(pool.swap_remove(usize::try_from(index).unwrap_or(0)));
		counter = counter.saturating_add(1);
	}
	chosen
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	fn seed(n: u64) -> [u8; 32] {
		sp_io::hashing::blake2_256(&n.encode())
	}

	#[test]
	fn weighted_index_follows_the_weights() {
		let weights = [1u64, 0, 3];
		let mut counts = [0u32; 3];
		for n in 0..4_000 {
			counts[weighted_index(&seed(n), b"t", &weights).unwrap()] += 1;
		}
		assert_eq!(counts[1], 0);
		// 1:3 within a few standard deviations (σ ≈ 27 of 1000).
		assert!((880..1_120).contains(&counts[0]), "{counts:?}");
		assert_eq!(weighted_index(&seed(1), b"t", &[0, 0]), None);
		assert_eq!(weighted_index(&seed(1), b"t", &[]), None);
	}

	#[test]
	fn happens_matches_its_probability() {
		let p = Perbill::from_percent(20);
		let hits = (0..10_000).filter(|n| happens(&seed(*n), b"a", p)).count();
		assert!((1_880..2_120).contains(&hits), "{hits}");
		assert!(!(0..100).any(|n| happens(&seed(n), b"a", Perbill::zero())));
		assert!((0..100).all(|n| happens(&seed(n), b"a", Perbill::one())));
	}

	#[test]
	fn miner_weights_give_newcomers_a_floor() {
		assert_eq!(miner_weights(&[Some(100), None, Some(0)]), vec![106, 0, 6]);
		assert_eq!(miner_weights(&[None, None]), vec![0, 0]);
		assert_eq!(miner_weights(&[Some(0)]), vec![1]);
	}

	proptest! {
		#[test]
		fn samples_are_distinct_members(n in 0usize..20, k in 0usize..25, s in any::<u64>()) {
			let candidates: Vec<usize> = (0..n).collect();
			let chosen = sample(&seed(s), b"p", &candidates, k);
			prop_assert_eq!(chosen.len(), k.min(n));
			let mut sorted = chosen.clone();
			sorted.sort();
			sorted.dedup();
			prop_assert_eq!(sorted.len(), chosen.len());
			prop_assert!(chosen.iter().all(|c| *c < n));
		}

		#[test]
		fn weighted_index_never_picks_zero_weight(
			weights in prop::collection::vec(0u64..5, 1..10), s in any::<u64>()
		) {
			if let Some(i) = weighted_index(&seed(s), b"w", &weights) {
				prop_assert!(weights[i] > 0);
			} else {
				prop_assert!(weights.iter().all(|w| *w == 0));
			}
		}
	}
}
