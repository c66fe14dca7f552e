//! From verdicts to weights: a wrong or missing answer scores 0; a correct one scores between
//! 0.8 and 1, the full score at or under the target latency, less as latency grows:
//! `score = 0.8 + 0.2 · min(1, target / latency)`. Weights are scores scaled so the best is
//! `u16::MAX`; zero scores are left out (a missing weight is a zero weight).
//!
//! A miner that refuses a probe for load (429/503, after the validator waited as told and
//! asked again) is neither judged nor paid for nothing: it keeps half of its last score from
//! this validator. Refusing every probe therefore halves a score each round and never earns
//! more than the last verified answer did, while a flood that saturates an honest miner for a
//! round costs it half a round's weight instead of all of it.
//!
//! The chain's audits and challenges discount a score: with `p` reviews passed and `f` failed,
//! `score · (p + 1) / (p + 4f + 1)` — one failed review costs as much as four passed ones earn
//! back, so emission follows verification.

use super::check::Verdict;

/// Score of a verdict in parts per million.
pub fn score(verdict: &Verdict, target_latency_ms: u64) -> u32 {
	match verdict {
		Verdict::Honest { latency_ms } => {
			let speed = if *latency_ms <= target_latency_ms {
				1_000_000
			} else {
				(u128::from(target_latency_ms) * 1_000_000 / u128::from(*latency_ms)) as u32
			};
			800_000 + speed / 5
		},
		Verdict::Wrong(_) | Verdict::Unreachable(_) | Verdict::Busy(_) => 0,
	}
}

/// The score of a miner that was busy this round, its last score being `last`: half of it.
pub fn busy(last: Option<u32>) -> u32 {
	last.unwrap_or(0) / 2
}

/// `score` discounted by the miner's on-chain review record (see the module docs).
pub fn with_audits(score: u32, passed: u32, failed: u32) -> u32 {
	let numerator = u64::from(passed) + 1;
	let denominator = numerator + 4 * u64::from(failed);
	(u64::from(score) * numerator / denominator) as u32
}

/// UIDs and `u16` weights from `(uid, score)` pairs: sorted by UID, zeros left out, the best
/// scaled to `u16::MAX` and the rest in proportion (rounded down, at least 1); a UID listed
/// twice keeps its higher score.
pub fn weights(scores: &[(u16, u32)]) -> (Vec<u16>, Vec<u16>) {
	let best = scores.iter().map(|(_, s)| *s).max().unwrap_or(0);
	let mut pairs: Vec<(u16, u16)> = scores
		.iter()
		.filter(|(_, score)| *score > 0 && best > 0)
		.map(|(uid, score)| {
			let scaled = u64::from(*score) * u64::from(u16::MAX) / u64::from(best);
			(*uid, u16::try_from(scaled).unwrap_or(u16::MAX).max(1))
		})
		.collect();
	// A UID listed twice keeps its higher weight.
	pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
	pairs.dedup_by_key(|(uid, _)| *uid);
	pairs.into_iter().unzip()
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	#[test]
	fn scores_follow_the_rule() {
		assert_eq!(score(&Verdict::Honest { latency_ms: 100 }, 500), 1_000_000);
		assert_eq!(score(&Verdict::Honest { latency_ms: 1_000 }, 500), 900_000);
		assert_eq!(score(&Verdict::Honest { latency_ms: u64::MAX }, 500), 800_000);
		assert_eq!(score(&Verdict::Wrong("x".into()), 500), 0);
		assert_eq!(score(&Verdict::Unreachable("x".into()), 500), 0);
		assert_eq!(score(&Verdict::Busy("x".into()), 500), 0);
	}

	#[test]
	fn refusing_probes_for_load_halves_the_last_score_each_round() {
		assert_eq!(busy(None), 0);
		let mut last = 1_000_000;
		for _ in 0..20 {
			let next = busy(Some(last));
			assert!(next <= last / 2);
			last = next;
		}
		assert_eq!(last, 0);
	}

	#[test]
	fn failed_audits_discount_the_score() {
		assert_eq!(with_audits(1_000_000, 0, 0), 1_000_000);
		assert_eq!(with_audits(1_000_000, 9, 0), 1_000_000);
		assert_eq!(with_audits(1_000_000, 0, 1), 200_000);
		assert_eq!(with_audits(1_000_000, 3, 1), 500_000);
		assert_eq!(with_audits(0, 5, 0), 0);
		assert!(with_audits(u32::MAX, u32::MAX, u32::MAX) < u32::MAX);
	}

	#[test]
	fn weights_scale_to_the_best_and_drop_zeros() {
		let (uids, values) = weights(&[(3, 500_000), (1, 1_000_000), (2, 0)]);
		assert_eq!(uids, vec![1, 3]);
		assert_eq!(values, vec![u16::MAX, u16::MAX / 2]);
		assert_eq!(weights(&[(1, 0), (2, 0)]), (vec![], vec![]));
		assert_eq!(weights(&[]), (vec![], vec![]));
	}

	proptest! {
		#[test]
		fn weights_are_well_formed(scores in prop::collection::vec((0u16..64, 0u32..2_000_000), 0..40)) {
			let (uids, values) = weights(&scores);
			prop_assert_eq!(uids.len(), values.len());
			prop_assert!(uids.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates");
			prop_assert!(values.iter().all(|v| *v > 0));
			if scores.iter().any(|(_, s)| *s > 0) {
				prop_assert_eq!(values.iter().max().copied(), Some(u16::MAX));
			}
			// A UID with score 0 everywhere it appears never gets weight.
			for uid in &uids {
				prop_assert!(scores.iter().any(|(u, s)| u == uid && *s > 0));
			}
		}
	}
}
