//! Random draws from a 32-byte seed, free of storage: which miner serves a request, whether a
//! result is audited, which validators review it. Each draw hashes the seed with a tag and a
//! counter, so one seed yields independent values.
//!
//! - Miner: weight `wᵢ = scoreᵢ + s̄/10 + 1` for every candidate UID (`scoreᵢ` its latest
//!   emission, `s̄` the mean over candidates): proportional to incentive, with a floor so new
//!   miners get requests (and a history); drawn in rounds without replacement
//!   ([`weighted_round`]) until one has the collateral for the request.
//! - Audit: `u mod 10⁹ < p` with `u` a uniform 64-bit value and `p` in parts per billion
//!   (bias below 10⁻⁹).
//! - Panel: every eligible validator when they fit, else a stake-proportional sample with
//!   replacement ([`panel_seats`]); the caller skips ineligible ones (same coldkey as a party)
//!   as they come up.

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

/// Round `round` of a draw without replacement: an index with probability proportional to
/// `weights[i]` (the caller zeroes the weights of indices already drawn); `None` if all are
/// zero. 128-bit weights (stakes); the total saturates, which only skews draws among stakes
/// summing past 2¹²⁸.
pub fn weighted_round(seed: &[u8; 32], tag: &[u8], round: u32, weights: &[u128]) -> Option<usize> {
	let total = weights.iter().fold(0u128, |sum, w| sum.saturating_add(*w));
	if total == 0 {
		return None;
	}
	let first = round.saturating_mul(2);
	let wide = (u128::from(uniform(seed, tag, first)) << 64)
		| u128::from(uniform(seed, tag, first.saturating_add(1)));
	let mut point = wide.checked_rem(total)?;
	for (index, weight) in weights.iter().enumerate() {
		if point < *weight {
			return Some(index);
		}
		point = point.saturating_sub(*weight);
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

/// The seats of a panel of `size` among candidates weighted by `weights` (stake; zero: not
/// eligible), each admitted by `accept` when first offered (exclusions that cost reads), as
/// `(index, votes)`:
/// - at most `size` eligible candidates: every admitted one, its votes its weight;
/// - more: `size` draws **with** replacement in proportion to weight ([`weighted_round`]),
///   an index drawn `m` times holding `m` votes (a stake-proportional sample, so each side's
///   expected share of the votes is its share of the stake); an index `accept` refuses is
///   never offered again.
///
/// Every index is offered to `accept` at most once; the draw ends after at most
/// `size + weights.len()` rounds.
pub fn panel_seats(
	seed: &[u8; 32],
	tag: &[u8],
	weights: &[u128],
	size: usize,
	mut accept: impl FnMut(usize) -> bool,
) -> Vec<(usize, u128)> {
	let eligible = weights.iter().filter(|weight| **weight > 0).count();
	if eligible <= size {
		return weights
			.iter()
			.enumerate()
			.filter(|(index, weight)| **weight > 0 && accept(*index))
			.map(|(index, weight)| (index, *weight))
			.collect();
	}
	let mut left = weights.to_vec();
	let mut seats: Vec<(usize, u128)> = Vec::new();
	let mut votes = 0usize;
	let mut round = 0u32;
	while votes < size {
		let Some(index) = weighted_round(seed, tag, round, &left) else { break };
		round = round.saturating_add(1);
		if let Some(seat) = seats.iter_mut().find(|(seated, _)| *seated == index) {
			seat.1 = seat.1.saturating_add(1);
			votes = votes.saturating_add(1);
		} else if accept(index) {
			seats.push((index, 1));
			votes = votes.saturating_add(1);
		} else if let Some(weight) = left.get_mut(index) {
			*weight = 0;
		}
	}
	seats
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

	#[test]
	fn weighted_rounds_follow_stake_and_skip_zero_weights() {
		let weights = [1u128, 0, 3];
		let mut counts = [0u32; 3];
		for n in 0..4_000 {
			counts[weighted_round(&seed(n), b"p", 0, &weights).unwrap()] += 1;
		}
		assert_eq!(counts[1], 0);
		assert!((880..1_120).contains(&counts[0]), "{counts:?}");
		assert_eq!(weighted_round(&seed(1), b"p", 0, &[0, 0]), None);
		// Rounds are independent draws from one seed.
		let rounds: Vec<_> =
			(0..64).map(|r| weighted_round(&seed(1), b"p", r, &[1, 1]).unwrap()).collect();
		assert!(rounds.contains(&0) && rounds.contains(&1));
	}

	proptest! {
		#[test]
		fn panel_seats_are_distinct_admitted_and_stake_weighted(
			weights in prop::collection::vec(0u128..4, 0..20),
			size in 1usize..10,
			s in any::<u64>(),
		) {
			let mut offered = Vec::new();
			let seats = panel_seats(&seed(s), b"p", &weights, size, |i| {
				offered.push(i);
				i % 3 != 0
			});
			let mut sorted = offered.clone();
			sorted.sort();
			sorted.dedup();
			prop_assert_eq!(sorted.len(), offered.len(), "an index was offered twice");
			prop_assert!(seats.iter().all(|(i, votes)| weights[*i] > 0 && i % 3 != 0 && *votes > 0));
			let mut indices: Vec<usize> = seats.iter().map(|(i, _)| *i).collect();
			indices.dedup();
			prop_assert_eq!(indices.len(), seats.len());
			let eligible = weights.iter().filter(|w| **w > 0).count();
			let admitted = weights.iter().enumerate().filter(|(i, w)| **w > 0 && i % 3 != 0);
			if eligible <= size {
				// Everyone admitted, with its stake as its votes.
				prop_assert_eq!(seats.len(), admitted.clone().count());
				prop_assert!(seats.iter().all(|(i, votes)| *votes == weights[*i]));
			} else if admitted.count() > 0 {
				prop_assert_eq!(seats.iter().map(|(_, v)| *v).sum::<u128>(), size as u128);
			}
		}

		#[test]
		fn weighted_rounds_never_pick_zero_weight(
			weights in prop::collection::vec(0u128..5, 1..10), s in any::<u64>(), r in 0u32..4
		) {
			if let Some(i) = weighted_round(&seed(s), b"w", r, &weights) {
				prop_assert!(weights[i] > 0);
			} else {
				prop_assert!(weights.iter().all(|w| *w == 0));
			}
		}
	}
}
