//! The comparison rule: when two outputs of a model agree, and the commitment that binds an
//! output. Miner, validator and pallet all use these functions, so they can never disagree on
//! what "the same output" means.
//!
//! - [`ComparisonRule::Bitwise`] (deterministic CPU mode): outputs agree when every `f32` has
//!   the same bits; the commitment hashes the bits.
//! - [`ComparisonRule::Tolerance`] (GPU classes, or CPUs with other instruction sets or thread
//!   counts): outputs agree when every element differs by at most `ε = max_abs_error_e9 × 10⁻⁹`
//!   and both are finite; the commitment hashes each value quantised to the nearest multiple of
//!   `ε` (round half away from zero), so it binds the output to within `ε/2`.
//!
//! Commitment = `blake2_256("inferchain/output/v1" ‖ SCALE(rule, rows, cols) ‖ values)` with each
//! value as 4 little-endian bytes (bits) or 8 (quantised `i64`).

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::Hash32;

/// Domain tag of output commitments.
const OUTPUT_TAG: &[u8] = b"inferchain/output/v1";

/// When two outputs of a model agree: see the module docs.
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
pub enum ComparisonRule {
	/// Bit-identical `f32` values.
	Bitwise,
	/// Every element within `max_abs_error_e9` × 10⁻⁹ of the other's.
	#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
	Tolerance {
		/// The largest allowed absolute difference, in units of 10⁻⁹.
		max_abs_error_e9: u32,
	},
	/// Text generation: generated tokens and their proof are judged by
	/// [`crate::generation::check_generation`] under this rule. As plain values (the
	/// functions of this module) text outputs agree only when bit-identical.
	Text(crate::generation::TextRule),
}

impl ComparisonRule {
	/// The tolerance ε of a tolerance rule as an `f32` (zero for [`ComparisonRule::Bitwise`]).
	pub fn epsilon(&self) -> f32 {
		match self {
			Self::Bitwise | Self::Text(_) => 0.0,
			// Exact for the integer part; the product rounds once.
			Self::Tolerance { max_abs_error_e9 } => (*max_abs_error_e9 as f32) * 1e-9,
		}
	}
}

/// The shape of an output: `rows` results (one per input) of `cols` values each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct OutputShape {
	/// Number of inputs answered.
	pub rows: u32,
	/// Values per input (e.g. the embedding dimension).
	pub cols: u32,
}

/// The commitment to `values` (row-major, `shape`) under `rule`: see the module docs.
pub fn output_commitment(rule: &ComparisonRule, shape: OutputShape, values: &[f32]) -> Hash32 {
	let width = match rule {
		ComparisonRule::Bitwise | ComparisonRule::Text(_) => 4,
		ComparisonRule::Tolerance { .. } => 8,
	};
	let mut bytes = Vec::with_capacity(
		values.len().saturating_mul(width).saturating_add(OUTPUT_TAG.len().saturating_add(16)),
	);
	bytes.extend_from_slice(OUTPUT_TAG);
	(rule, shape).encode_to(&mut bytes);
	match rule {
		ComparisonRule::Bitwise | ComparisonRule::Text(_) => {
			values.iter().for_each(|v| bytes.extend_from_slice(&v.to_bits().to_le_bytes()))
		},
		ComparisonRule::Tolerance { .. } => {
			let epsilon = rule.epsilon();
			values
				.iter()
				.for_each(|v| bytes.extend_from_slice(&quantise(*v, epsilon).to_le_bytes()));
		},
	}
	sp_crypto_hashing::blake2_256(&bytes)
}

/// `value / epsilon` rounded half away from zero (saturating; NaN gives `i64::MIN`, which no
/// finite value quantises to; a zero epsilon keeps the bits).
fn quantise(value: f32, epsilon: f32) -> i64 {
	if value.is_nan() {
		return i64::MIN;
	}
	if epsilon <= 0.0 {
		return i64::from(value.to_bits());
	}
	let scaled = f64::from(value) / f64::from(epsilon);
	let rounded = if scaled >= 0.0 { scaled + 0.5 } else { scaled - 0.5 };
	// `as` truncates towards zero and saturates at the i64 range; keep MIN for NaN.
	(rounded as i64).max(i64::MIN.saturating_add(1))
}

/// Whether `a` and `b` agree under `rule`: equal length, and bit-equal (bitwise) or finite and
/// within ε element by element (tolerance).
pub fn outputs_agree(rule: &ComparisonRule, a: &[f32], b: &[f32]) -> bool {
	if a.len() != b.len() {
		return false;
	}
	match rule {
		ComparisonRule::Bitwise | ComparisonRule::Text(_) => {
			a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
		},
		ComparisonRule::Tolerance { .. } => {
			let epsilon = rule.epsilon();
			a.iter().zip(b).all(|(x, y)| x.is_finite() && y.is_finite() && (x - y).abs() <= epsilon)
		},
	}
}

/// An output as it travels on chain: each `f32` as 4 little-endian bytes, row-major.
pub fn encode_output(values: &[f32]) -> Vec<u8> {
	values.iter().flat_map(|value| value.to_le_bytes()).collect()
}

/// The values of an on-chain output: `None` when `bytes` is empty or not a whole number of
/// `f32`s.
pub fn decode_output(bytes: &[u8]) -> Option<Vec<f32>> {
	if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
		return None;
	}
	Some(
		bytes
			.chunks_exact(4)
			.filter_map(|chunk| <[u8; 4]>::try_from(chunk).ok())
			.map(f32::from_le_bytes)
			.collect(),
	)
}

#[cfg(test)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	const SHAPE: OutputShape = OutputShape { rows: 1, cols: 3 };
	const TOLERANT: ComparisonRule = ComparisonRule::Tolerance { max_abs_error_e9: 1_000_000 };

	#[test]
	fn bitwise_sees_the_last_bit() {
		let a = [0.5f32, -0.25, 1.0];
		let mut b = a;
		b[1] = f32::from_bits(b[1].to_bits() + 1);
		assert!(outputs_agree(&ComparisonRule::Bitwise, &a, &a));
		assert!(!outputs_agree(&ComparisonRule::Bitwise, &a, &b));
		assert_ne!(
			output_commitment(&ComparisonRule::Bitwise, SHAPE, &a),
			output_commitment(&ComparisonRule::Bitwise, SHAPE, &b)
		);
	}

	#[test]
	fn tolerance_accepts_small_and_refuses_large_differences() {
		let a = [0.5f32, -0.25, 1.0];
		assert!(outputs_agree(&TOLERANT, &a, &[0.5009, -0.2509, 1.0]));
		assert!(!outputs_agree(&TOLERANT, &a, &[0.502, -0.25, 1.0]));
		assert!(!outputs_agree(&TOLERANT, &a, &[f32::NAN, -0.25, 1.0]));
		assert!(!outputs_agree(&TOLERANT, &[f32::INFINITY], &[f32::INFINITY]));
		assert!(!outputs_agree(&TOLERANT, &a, &a[..2]));
	}

	#[test]
	fn the_commitment_binds_rule_shape_and_values() {
		let a = [0.5f32, -0.25, 1.0];
		let base = output_commitment(&TOLERANT, SHAPE, &a);
		assert_ne!(base, output_commitment(&ComparisonRule::Bitwise, SHAPE, &a));
		assert_ne!(base, output_commitment(&TOLERANT, OutputShape { rows: 3, cols: 1 }, &a));
		assert_ne!(base, output_commitment(&TOLERANT, SHAPE, &[0.5, -0.25, 1.01]));
		// Within half a quantum the commitment does not move.
		assert_eq!(base, output_commitment(&TOLERANT, SHAPE, &[0.5000004, -0.2500004, 1.0]));
	}

	#[test]
	fn outputs_round_trip_through_bytes() {
		let values = [0.5f32, -0.0, f32::MIN_POSITIVE, 3.25];
		let bytes = encode_output(&values);
		assert_eq!(bytes.len(), 16);
		let back = decode_output(&bytes).unwrap();
		assert!(values.iter().zip(&back).all(|(a, b)| a.to_bits() == b.to_bits()));
		assert_eq!(decode_output(&[]), None);
		assert_eq!(decode_output(&bytes[..15]), None);
	}

	#[test]
	fn quantise_rounds_half_away_from_zero_and_saturates() {
		assert_eq!(quantise(2.5, 1.0), 3);
		assert_eq!(quantise(-2.5, 1.0), -3);
		assert_eq!(quantise(0.4, 1.0), 0);
		assert_eq!(quantise(f32::MAX, 1e-9), i64::MAX);
		assert_eq!(quantise(f32::MIN, 1e-9), i64::MIN + 1);
		assert_eq!(quantise(f32::NAN, 1.0), i64::MIN);
	}

	proptest! {
		#[test]
		fn agreement_is_reflexive_and_symmetric(
			a in prop::collection::vec(-10.0f32..10.0, 0..32),
			noise in prop::collection::vec(-2e-3f32..2e-3, 32),
		) {
			let b: Vec<f32> = a.iter().zip(&noise).map(|(x, n)| x + n).collect();
			for rule in [ComparisonRule::Bitwise, TOLERANT] {
				prop_assert!(outputs_agree(&rule, &a, &a));
				prop_assert_eq!(outputs_agree(&rule, &a, &b), outputs_agree(&rule, &b, &a));
			}
		}

		#[test]
		fn equal_quantised_values_agree_within_one_epsilon(
			a in prop::collection::vec(-10.0f32..10.0, 1..32),
			noise in prop::collection::vec(-2e-3f32..2e-3, 32),
		) {
			// Same commitment ⇒ every pair within one quantum (ε) of each other.
			let b: Vec<f32> = a.iter().zip(&noise).map(|(x, n)| x + n).collect();
			let shape = OutputShape { rows: 1, cols: a.len() as u32 };
			if output_commitment(&TOLERANT, shape, &a) == output_commitment(&TOLERANT, shape, &b) {
				let epsilon = TOLERANT.epsilon() * 1.0001;
				prop_assert!(a.iter().zip(&b).all(|(x, y)| (x - y).abs() <= epsilon));
			}
		}
	}
}
