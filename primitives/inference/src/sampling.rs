//! The sampling rule: how a seed and a row of logits choose the next token. Miner and validator
//! both call these functions, so a validator reproduces a miner's choice from the logits it
//! recomputes itself.
//!
//! For generation step `s` (0 for the first new token) with logits `z` over the vocabulary:
//! - **Greedy** (`temperature_milli` below [`MIN_SAMPLED_TEMPERATURE_MILLI`], 0.05): the token
//!   of the largest logit, the lowest id on ties. Below that temperature a draw would be decided
//!   by rounding differences between hosts (they are divided by `T`), so it is not made.
//! - **Sampled**: `pᵢ = exp((zᵢ − max z)/T) / Σⱼ exp((zⱼ − max z)/T)` in `f64` (`exp` from
//!   `libm`, so every host computes the same bits). The nucleus keeps every token with
//!   `pᵢ ≥ τ`, where `τ` is the largest probability such that the tokens at or above it hold at
//!   least `top_p` of the mass (`top_p = 1` keeps all). With `u = draw(seed, s) ∈ [0, 1)`, the
//!   chosen token is the first kept token, in id order, whose running kept mass exceeds
//!   `u · Σ_{kept} pᵢ`.
//! - `draw(seed, s)` = the first 8 bytes (little endian) of
//!   `blake2_256(SCALE(("inferchain/sample/v1", seed, s)))`, top 53 bits, divided by `2⁵³`.
//!
//! Walking the kept tokens in id order (rather than by probability) draws from the same
//! distribution and spares the sort of the whole vocabulary at every step.
//!
//! A validator's logits differ from the miner's by rounding (other thread counts, devices), so
//! [`check_token`] accepts a token when it is the rule's choice within [`TokenTolerance`].

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Domain tag of the token draws.
const DRAW_TAG: &[u8] = b"inferchain/sample/v1";
/// The largest temperature accepted, × 1000 (OpenAI's range is 0 to 2).
pub const MAX_TEMPERATURE_MILLI: u32 = 2_000;
/// The lowest temperature (× 1000) that samples; lower ones decode greedily.
pub const MIN_SAMPLED_TEMPERATURE_MILLI: u32 = 50;
/// `top_p` of 1 (× 1000): every token kept.
pub const FULL_TOP_P_MILLI: u32 = 1_000;

/// How a generation chooses its tokens; fixed with the request, before anything is generated.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct SamplingParams {
	/// Temperature × 1000, at most [`MAX_TEMPERATURE_MILLI`]; below
	/// [`MIN_SAMPLED_TEMPERATURE_MILLI`] (0 included) greedy decoding.
	pub temperature_milli: u32,
	/// Nucleus mass × 1000, from 1 to [`FULL_TOP_P_MILLI`] (every token kept).
	pub top_p_milli: u32,
	/// Seed of the token draws (unused when greedy).
	pub seed: u64,
}

/// Why sampling parameters are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SamplingError {
	/// The temperature is above [`MAX_TEMPERATURE_MILLI`].
	TemperatureTooHigh,
	/// `top_p` is 0 or above 1.
	TopPOutOfRange,
}

impl SamplingParams {
	/// Greedy decoding.
	pub const GREEDY: Self = Self { temperature_milli: 0, top_p_milli: FULL_TOP_P_MILLI, seed: 0 };

	/// Checks the ranges.
	pub fn check(&self) -> Result<(), SamplingError> {
		if self.temperature_milli > MAX_TEMPERATURE_MILLI {
			return Err(SamplingError::TemperatureTooHigh);
		}
		if self.top_p_milli == 0 || self.top_p_milli > FULL_TOP_P_MILLI {
			return Err(SamplingError::TopPOutOfRange);
		}
		Ok(())
	}

	/// Whether tokens are chosen greedily.
	pub fn is_greedy(&self) -> bool {
		self.temperature_milli < MIN_SAMPLED_TEMPERATURE_MILLI
	}

	/// `top_p` as a fraction.
	fn top_p(&self) -> f64 {
		f64::from(self.top_p_milli.min(FULL_TOP_P_MILLI)) / 1000.0
	}
}

/// The uniform draw in `[0, 1)` of step `step` under `seed`: see the module docs.
pub fn draw(seed: u64, step: u32) -> f64 {
	let hash = sp_crypto_hashing::blake2_256(&(DRAW_TAG, seed, step).encode());
	let mut head = [0u8; 8];
	head.copy_from_slice(hash.get(..8).unwrap_or(&[0; 8]));
	let bits = u64::from_le_bytes(head) >> 11;
	// 2⁵³: every 53-bit integer is exact in f64.
	bits as f64 / 9_007_199_254_740_992.0
}

/// The token the rule chooses at step `step` (see the module docs); `None` when `logits` is
/// empty or holds a value that is not finite.
pub fn choose_token(logits: &[f32], params: &SamplingParams, step: u32) -> Option<u32> {
	if params.is_greedy() {
		return argmax(logits);
	}
	let nucleus = Nucleus::of(logits, params, params.top_p())?;
	let target = draw(params.seed, step) * nucleus.mass;
	let mut running = 0.0f64;
	let mut last_kept = None;
	for (index, p) in nucleus.probs.iter().enumerate() {
		if *p >= nucleus.threshold {
			running += p;
			last_kept = Some(index);
			if running > target {
				return u32::try_from(index).ok();
			}
		}
	}
	// Rounding left the target at the very top of the mass: the last kept token owns it.
	last_kept.and_then(|index| u32::try_from(index).ok())
}

/// How far a validator's recomputed logits may move a choice and still accept it.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub struct TokenTolerance {
	/// Greedy: the claimed token's logit may be this far (× 10⁻⁶) below the largest.
	pub greedy_logit_margin_e6: u32,
	/// Sampled: the draw may fall this far (× 10⁻⁹ of the kept mass) outside the claimed
	/// token's interval, and its probability this far below the nucleus threshold.
	pub sample_mass_e9: u32,
}

/// What [`check_token`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenCheck {
	/// The claimed token is the rule's choice within the tolerance.
	Consistent,
	/// The claimed token is outside the vocabulary.
	OutOfVocabulary,
	/// The logits are empty or not finite.
	BadLogits,
	/// Greedy: another token's logit is larger by more than the margin.
	NotTheLargest,
	/// Sampled: the claimed token is outside the nucleus.
	OutsideNucleus,
	/// Sampled: the draw does not fall in the claimed token's interval.
	NotTheDraw,
}

/// Whether `token` is the rule's choice at `step` from `logits`, within `tolerance`.
pub fn check_token(
	logits: &[f32],
	params: &SamplingParams,
	step: u32,
	token: u32,
	tolerance: &TokenTolerance,
) -> TokenCheck {
	let Some(index) = usize::try_from(token).ok().filter(|index| *index < logits.len()) else {
		return TokenCheck::OutOfVocabulary;
	};
	if params.is_greedy() {
		let Some(best) = argmax(logits).and_then(|best| logits.get(best as usize)) else {
			return TokenCheck::BadLogits;
		};
		let claimed = logits.get(index).copied().unwrap_or(f32::NEG_INFINITY);
		let margin = f64::from(tolerance.greedy_logit_margin_e6) * 1e-6;
		return if f64::from(*best) - f64::from(claimed) <= margin {
			TokenCheck::Consistent
		} else {
			TokenCheck::NotTheLargest
		};
	}
	let slack = f64::from(tolerance.sample_mass_e9) * 1e-9;
	let top_p = params.top_p();
	let Some(nucleus) = Nucleus::of(logits, params, top_p) else {
		return TokenCheck::BadLogits;
	};
	let first = nucleus.check(index, draw(params.seed, step), slack);
	if first == TokenCheck::Consistent || params.top_p_milli >= FULL_TOP_P_MILLI {
		return first;
	}
	// The nucleus boundary may sit within rounding of `top_p`: then the miner's nucleus can hold
	// one token more or less than the validator's. Either is accepted.
	for nearby in [top_p - slack, top_p + slack] {
		let accepted = Nucleus::of(logits, params, nearby).is_some_and(|other| {
			other.check(index, draw(params.seed, step), slack) == TokenCheck::Consistent
		});
		if accepted {
			return TokenCheck::Consistent;
		}
	}
	first
}

/// The index of the largest finite logit, the lowest on ties; `None` when empty or any logit
/// is not finite.
fn argmax(logits: &[f32]) -> Option<u32> {
	let mut best: Option<(usize, f32)> = None;
	for (index, value) in logits.iter().enumerate() {
		if !value.is_finite() {
			return None;
		}
		if best.is_none_or(|(_, top)| *value > top) {
			best = Some((index, *value));
		}
	}
	best.and_then(|(index, _)| u32::try_from(index).ok())
}

/// The tempered distribution over the vocabulary and its nucleus.
struct Nucleus {
	/// `pᵢ`, summing to 1.
	probs: Vec<f64>,
	/// `τ`: tokens with `pᵢ ≥ τ` are kept.
	threshold: f64,
	/// `Σ_{kept} pᵢ`.
	mass: f64,
}

impl Nucleus {
	/// The distribution of `logits` at the temperature of `params`, with the nucleus of
	/// `top_p` (1 or more keeps every token).
	fn of(logits: &[f32], params: &SamplingParams, top_p: f64) -> Option<Self> {
		if logits.is_empty() || logits.iter().any(|z| !z.is_finite()) {
			return None;
		}
		let temperature = f64::from(params.temperature_milli.max(1)) / 1000.0;
		let top = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
		let mut probs: Vec<f64> = logits
			.iter()
			.map(|z| libm::exp((f64::from(*z) - f64::from(top)) / temperature))
			.collect();
		let total: f64 = probs.iter().sum();
		probs.iter_mut().for_each(|p| *p /= total);
		let threshold = if top_p >= 1.0 { 0.0 } else { threshold(&probs, top_p) };
		let mass = probs.iter().filter(|p| **p >= threshold).sum();
		Some(Self { probs, threshold, mass })
	}

	/// Whether token `index` is the draw `u`'s within `slack`.
	fn check(&self, index: usize, u: f64, slack: f64) -> TokenCheck {
		let p = self.probs.get(index).copied().unwrap_or(0.0);
		if p < self.threshold - slack {
			return TokenCheck::OutsideNucleus;
		}
		// The claimed token's interval among the kept tokens, in id order.
		let below: f64 = self.probs.iter().take(index).filter(|q| **q >= self.threshold).sum();
		let (low, high) = (below / self.mass, (below + p) / self.mass);
		if u + slack >= low && u - slack < high {
			TokenCheck::Consistent
		} else {
			TokenCheck::NotTheDraw
		}
	}
}

/// The largest `τ` such that the probabilities `≥ τ` hold at least `top_p` of the mass: the
/// smallest of the largest probabilities whose running sum first reaches `top_p`. Sorts only
/// as many of the largest as it needs (64, then 4× more).
fn threshold(probs: &[f64], top_p: f64) -> f64 {
	let descending = |a: &f64, b: &f64| b.total_cmp(a);
	let mut scratch: Vec<f64> = probs.to_vec();
	let mut wanted = 64usize;
	loop {
		let count = wanted.min(scratch.len());
		if count < scratch.len() {
			scratch.select_nth_unstable_by(count, descending);
		}
		let head = scratch.get_mut(..count).unwrap_or_default();
		head.sort_unstable_by(descending);
		let mut running = 0.0f64;
		for p in head.iter() {
			running += p;
			if running >= top_p {
				return *p;
			}
		}
		if count >= scratch.len() {
			// Rounding kept the whole sum just under top_p: keep every token.
			return 0.0;
		}
		wanted = wanted.saturating_mul(4);
	}
}

#[cfg(test)]
mod tests {
	#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
	use super::*;
	use proptest::prelude::*;

	const EXACT: TokenTolerance = TokenTolerance { greedy_logit_margin_e6: 0, sample_mass_e9: 0 };

	fn sampled(temperature_milli: u32, top_p_milli: u32, seed: u64) -> SamplingParams {
		SamplingParams { temperature_milli, top_p_milli, seed }
	}

	#[test]
	fn greedy_takes_the_largest_and_the_lowest_id_on_ties() {
		assert_eq!(choose_token(&[0.1, 3.0, -2.0, 3.0], &SamplingParams::GREEDY, 0), Some(1));
		assert_eq!(choose_token(&[], &SamplingParams::GREEDY, 0), None);
		assert_eq!(choose_token(&[1.0, f32::NAN], &SamplingParams::GREEDY, 0), None);
	}

	#[test]
	fn draws_are_uniform_enough_and_fixed_by_seed_and_step() {
		assert_eq!(draw(7, 3), draw(7, 3));
		assert_ne!(draw(7, 3), draw(7, 4));
		assert_ne!(draw(7, 3), draw(8, 3));
		let mean = (0..10_000).map(|step| draw(42, step)).sum::<f64>() / 10_000.0;
		assert!((mean - 0.5).abs() < 0.01, "mean {mean}");
		assert!((0..10_000).all(|step| (0.0..1.0).contains(&draw(1, step))));
	}

	#[test]
	fn sampling_follows_the_tempered_distribution() {
		// logits ln(1), ln(3): at T = 1, token 1 three times as often as token 0.
		let logits = [0.0f32, 3.0f32.ln()];
		let ones = (0..20_000)
			.filter(|step| choose_token(&logits, &sampled(1000, 1000, 9), *step) == Some(1))
			.count();
		let share = ones as f64 / 20_000.0;
		assert!((share - 0.75).abs() < 0.015, "share {share}");
	}

	#[test]
	fn top_p_keeps_only_the_nucleus() {
		// p ≈ 0.6, 0.3, 0.1: top_p 0.5 keeps only the first; 0.8 the first two.
		let logits = [0.6f32.ln(), 0.3f32.ln(), 0.1f32.ln()];
		for step in 0..500 {
			assert_eq!(choose_token(&logits, &sampled(1000, 500, 3), step), Some(0));
			assert_ne!(choose_token(&logits, &sampled(1000, 800, 3), step), Some(2));
		}
	}

	#[test]
	fn temperatures_below_the_minimum_decode_greedily() {
		let logits = [0.0f32, 0.00005, 0.0];
		let nearly_zero = sampled(MIN_SAMPLED_TEMPERATURE_MILLI - 1, 1000, 7);
		assert!(nearly_zero.is_greedy());
		assert!((0..100).all(|step| choose_token(&logits, &nearly_zero, step) == Some(1)));
		assert!(!sampled(MIN_SAMPLED_TEMPERATURE_MILLI, 1000, 7).is_greedy());
	}

	#[test]
	fn a_nucleus_boundary_within_rounding_of_top_p_accepts_either_side() {
		// p = 0.5, 0.3, 0.2: top_p 0.8 keeps the first two exactly at the boundary. A validator
		// whose logits are a hair lower for token 1 keeps one token fewer; the miner's choice of
		// token 1 must still be accepted.
		let miner = [0.5f32.ln(), 0.3f32.ln(), 0.2f32.ln()];
		let validator = [0.5f32.ln(), 0.3f32.ln() - 1e-6, 0.2f32.ln()];
		let tolerance = TokenTolerance { greedy_logit_margin_e6: 0, sample_mass_e9: 100_000 };
		let params = sampled(1000, 800, 0);
		for step in 0..200 {
			let token = choose_token(&miner, &params, step).unwrap();
			let check = check_token(&validator, &params, step, token, &tolerance);
			assert_eq!(check, TokenCheck::Consistent, "step {step}, token {token}");
		}
	}

	#[test]
	fn parameters_out_of_range_are_refused() {
		assert_eq!(sampled(2001, 1000, 0).check(), Err(SamplingError::TemperatureTooHigh));
		assert_eq!(sampled(700, 0, 0).check(), Err(SamplingError::TopPOutOfRange));
		assert_eq!(sampled(700, 1001, 0).check(), Err(SamplingError::TopPOutOfRange));
		assert_eq!(sampled(700, 950, 0).check(), Ok(()));
	}

	#[test]
	fn check_token_names_what_is_wrong() {
		let logits = [0.0f32, 5.0, 1.0];
		let greedy = SamplingParams::GREEDY;
		assert_eq!(check_token(&logits, &greedy, 0, 1, &EXACT), TokenCheck::Consistent);
		assert_eq!(check_token(&logits, &greedy, 0, 2, &EXACT), TokenCheck::NotTheLargest);
		assert_eq!(check_token(&logits, &greedy, 0, 3, &EXACT), TokenCheck::OutOfVocabulary);
		let lenient = TokenTolerance { greedy_logit_margin_e6: 4_000_001, sample_mass_e9: 0 };
		assert_eq!(check_token(&logits, &greedy, 0, 2, &lenient), TokenCheck::Consistent);
		let nucleus = sampled(1000, 500, 1);
		assert_eq!(check_token(&logits, &nucleus, 0, 0, &EXACT), TokenCheck::OutsideNucleus);
		assert_eq!(
			check_token(&[f32::INFINITY, 0.0], &nucleus, 0, 0, &EXACT),
			TokenCheck::BadLogits
		);
	}

	proptest! {
		#[test]
		fn the_chosen_token_always_checks(
			logits in proptest::collection::vec(-20.0f32..20.0, 2..300),
			temperature in 0u32..=2000,
			top_p in 1u32..=1000,
			seed in any::<u64>(),
			step in any::<u32>(),
		) {
			let params = sampled(temperature, top_p, seed);
			let token = choose_token(&logits, &params, step).unwrap();
			prop_assert!((token as usize) < logits.len());
			prop_assert_eq!(check_token(&logits, &params, step, token, &EXACT), TokenCheck::Consistent);
		}

		#[test]
		fn a_token_below_the_threshold_is_never_chosen(
			logits in proptest::collection::vec(-5.0f32..5.0, 2..100),
			top_p in 1u32..1000,
			seed in any::<u64>(),
		) {
			let params = sampled(1000, top_p, seed);
			let nucleus = Nucleus::of(&logits, &params, f64::from(top_p) / 1000.0).unwrap();
			let kept: f64 = nucleus.probs.iter().filter(|p| **p >= nucleus.threshold).sum();
			prop_assert!(kept >= f64::from(top_p) / 1000.0 - 1e-9);
			let token = choose_token(&logits, &params, 0).unwrap();
			prop_assert!(nucleus.probs[token as usize] >= nucleus.threshold);
		}
	}
}
