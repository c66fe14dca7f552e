//! TOPLOC-style activation proofs: a compact commitment to the final hidden states behind each
//! chunk of generated tokens, checked against a validator's own recomputation.
//!
//! For a chunk (at most [`CHUNK_TOKENS`] generated tokens), take the final-norm hidden states
//! that chose those tokens, flattened row-major (`tokens × hidden` values), and their `k`
//! largest by magnitude (ties: the lower index). Each value becomes its bfloat16 bits (round to
//! nearest even), each index `i` becomes `x = (i mod m + o) mod m`, where the modulus
//! `m ≤ 65521` is the largest that keeps the `k` values of `x` distinct and the offset `o` is
//! drawn from the proof's *binding* ([`chunk_offset`]: the miner's hotkey and the request), so a
//! proof made for one miner does not pass for another that relays it. The proof is the
//! polynomial of degree `< k` over GF(65521) through the points `(x, bits)`: `m` and its `k`
//! coefficients, two bytes each, little endian — `2 + 2k` bytes (258 for `k = 128`, per 32
//! tokens). A chunk of at most 65521 values must use `m = 65521` (the honest search stops
//! there at once); larger chunks a modulus within [`MODULUS_SLACK`] of it.
//!
//! The check recomputes the states, takes its own top `k`, and evaluates the polynomial at each
//! of those indices. Where the sets agree the polynomial returns the claimed bits; where they
//! do not it returns an unrelated field element. [`ChunkCheck`] counts the sign or exponent
//! mismatches (and mantissa differences above [`MAX_MANTISSA_DIFF`], which only an unrelated
//! value shows) and the mantissa differences of the rest, for the tolerance of
//! [`crate::generation::TextRule`] to judge.

use alloc::vec::Vec;

/// Generated tokens per proof chunk.
pub const CHUNK_TOKENS: usize = 32;
/// The prime field of the polynomial: the largest prime below 2¹⁶. Every finite bfloat16's
/// bits (at most `0xFF7F`) are below it.
pub const FIELD: u32 = 65_521;
/// How far below [`FIELD`] the modulus of a chunk of more than [`FIELD`] values may be.
pub const MODULUS_SLACK: u32 = 4_096;
/// A mantissa difference above this (of 127) counts as a mismatch, like another exponent.
pub const MAX_MANTISSA_DIFF: u16 = 16;
/// Domain tag of chunk offsets.
const OFFSET_TAG: &[u8] = b"inferchain/proof-offset/v1";

/// The index offset of chunk `chunk` of a proof bound to `binding` (see
/// [`crate::generation::proof_binding`]): `blake2_256(SCALE((tag, binding, chunk)))`'s first
/// four bytes (little endian) mod [`FIELD`].
pub fn chunk_offset(binding: &crate::Hash32, chunk: u32) -> u32 {
	let hash = sp_crypto_hashing::blake2_256(&codec::Encode::encode(&(OFFSET_TAG, binding, chunk)));
	let mut head = [0u8; 4];
	head.copy_from_slice(hash.get(..4).unwrap_or(&[0; 4]));
	u32::from_le_bytes(head) % FIELD
}

/// Whether `modulus` is the one an honest proof of `values` values uses.
pub fn standard_modulus(modulus: u16, values: usize) -> bool {
	let modulus = u32::from(modulus);
	if values <= FIELD as usize {
		modulus == FIELD
	} else {
		modulus <= FIELD && modulus > FIELD.saturating_sub(MODULUS_SLACK)
	}
}

/// One chunk's proof: see the module docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkProof {
	/// The index modulus `m`.
	pub modulus: u16,
	/// The polynomial's coefficients, constant term first.
	pub coefficients: Vec<u16>,
}

/// Why a chunk cannot be proven.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofError {
	/// A value is NaN or infinite.
	NonFinite,
	/// Fewer values than `k`, or `k` is 0.
	TooFewValues,
	/// No modulus keeps the indices distinct (cannot happen for `k ≤ 32768`).
	NoModulus,
}

impl ChunkProof {
	/// The proof of one chunk's `states` with `k` values, indices offset by `offset`.
	pub fn build(states: &[f32], k: usize, offset: u32) -> Result<Self, ProofError> {
		if states.iter().any(|v| !v.is_finite()) {
			return Err(ProofError::NonFinite);
		}
		let top = top_k(states, k).ok_or(ProofError::TooFewValues)?;
		let modulus = injective_modulus(&top).ok_or(ProofError::NoModulus)?;
		let points: Vec<(u32, u32)> = top
			.iter()
			.map(|(index, value)| (position(*index, modulus, offset), u32::from(bf16_bits(*value))))
			.collect();
		let coefficients = interpolate(&points).into_iter().map(field_to_u16).collect();
		Ok(Self { modulus, coefficients })
	}

	/// The polynomial at index `index` (offset by `offset`), as bfloat16 bits.
	pub fn value_at(&self, index: usize, offset: u32) -> u16 {
		let x = position(index, self.modulus, offset);
		let mut acc = 0u32;
		for c in self.coefficients.iter().rev() {
			acc = add(mul(acc, x), u32::from(*c));
		}
		field_to_u16(acc)
	}

	/// `m` then the coefficients, two bytes each, little endian.
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut bytes =
			Vec::with_capacity(self.coefficients.len().saturating_add(1).saturating_mul(2));
		bytes.extend_from_slice(&self.modulus.to_le_bytes());
		for c in &self.coefficients {
			bytes.extend_from_slice(&c.to_le_bytes());
		}
		bytes
	}

	/// Reads one chunk of `k` coefficients; `None` unless `bytes` is exactly `2 + 2k` bytes of a
	/// non-zero modulus and coefficients inside the field.
	pub fn from_bytes(bytes: &[u8], k: usize) -> Option<Self> {
		if bytes.len() != proof_bytes_per_chunk(k) {
			return None;
		}
		let mut words = bytes
			.chunks_exact(2)
			.map(|pair| <[u8; 2]>::try_from(pair).map_or(0, u16::from_le_bytes));
		let modulus = words.next().filter(|m| *m != 0)?;
		let coefficients: Vec<u16> = words.collect();
		if coefficients.iter().any(|c| u32::from(*c) >= FIELD) {
			return None;
		}
		Some(Self { modulus, coefficients })
	}
}

/// Bytes of one chunk's proof with `k` values.
pub const fn proof_bytes_per_chunk(k: usize) -> usize {
	k.saturating_add(1).saturating_mul(2)
}

/// Chunks in the proof of `tokens` generated tokens.
pub const fn chunk_count(tokens: usize) -> usize {
	tokens.div_ceil(CHUNK_TOKENS)
}

/// The proof of a whole generation: each chunk's bytes, one after the other.
pub fn encode_chunks(chunks: &[ChunkProof]) -> Vec<u8> {
	chunks.iter().flat_map(ChunkProof::to_bytes).collect()
}

/// Splits a generation's proof into its chunks of `k` values; `None` if malformed.
pub fn decode_chunks(bytes: &[u8], k: usize) -> Option<Vec<ChunkProof>> {
	let size = proof_bytes_per_chunk(k);
	if k == 0 || bytes.len().checked_rem(size) != Some(0) {
		return None;
	}
	bytes.chunks_exact(size).map(|chunk| ChunkProof::from_bytes(chunk, k)).collect()
}

/// How a recomputation compares with a chunk's proof.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChunkCheck {
	/// Of the recomputed top `k`, how many claimed values differ in sign or exponent.
	pub exponent_mismatches: u32,
	/// Mean absolute mantissa difference (in bfloat16 units) of the others.
	pub mean_mantissa_diff: f64,
	/// Median absolute mantissa difference of the others.
	pub median_mantissa_diff: u32,
}

/// Compares `proof` (indices offset by `offset`) with the recomputed `states` of its chunk;
/// `None` when they cannot be compared (non-finite or too few values).
pub fn check_chunk(proof: &ChunkProof, states: &[f32], offset: u32) -> Option<ChunkCheck> {
	if states.iter().any(|v| !v.is_finite()) {
		return None;
	}
	let top = top_k(states, proof.coefficients.len())?;
	let mut mismatches = 0u32;
	let mut diffs: Vec<u32> = Vec::with_capacity(top.len());
	for (index, value) in top {
		let claimed = proof.value_at(index, offset);
		let recomputed = bf16_bits(value);
		let mantissa = (claimed & 0x7F).abs_diff(recomputed & 0x7F);
		// Sign and 8 exponent bits, or a mantissa no rounding explains.
		if claimed >> 7 != recomputed >> 7 || mantissa > MAX_MANTISSA_DIFF {
			mismatches = mismatches.saturating_add(1);
		} else {
			diffs.push(u32::from(mantissa));
		}
	}
	diffs.sort_unstable();
	let mean = if diffs.is_empty() {
		f64::INFINITY
	} else {
		diffs.iter().map(|d| f64::from(*d)).sum::<f64>() / diffs.len() as f64
	};
	let median = diffs.get(diffs.len() / 2).copied().unwrap_or(u32::MAX);
	Some(ChunkCheck {
		exponent_mismatches: mismatches,
		mean_mantissa_diff: mean,
		median_mantissa_diff: median,
	})
}

/// The bfloat16 bits of `value`, rounded to nearest even (finite values only).
pub fn bf16_bits(value: f32) -> u16 {
	let bits = value.to_bits();
	let rounding = 0x7FFFu32.saturating_add((bits >> 16) & 1);
	u16::try_from(bits.saturating_add(rounding) >> 16).unwrap_or(u16::MAX)
}

/// The `k` values of largest magnitude with their indices (ties: the lower index), in index
/// order; `None` if `k` is 0 or above the number of values.
fn top_k(values: &[f32], k: usize) -> Option<Vec<(usize, f32)>> {
	if k == 0 || k > values.len() {
		return None;
	}
	let by_magnitude =
		|a: &(usize, f32), b: &(usize, f32)| b.1.abs().total_cmp(&a.1.abs()).then(a.0.cmp(&b.0));
	let mut all: Vec<(usize, f32)> = values.iter().copied().enumerate().collect();
	if k < all.len() {
		all.select_nth_unstable_by(k.saturating_sub(1), by_magnitude);
		all.truncate(k);
	}
	all.sort_unstable_by_key(|(index, _)| *index);
	Some(all)
}

/// The largest modulus `m ≤ FIELD` under which the indices stay distinct.
fn injective_modulus(top: &[(usize, f32)]) -> Option<u16> {
	let mut seen: Vec<u32> = Vec::with_capacity(top.len());
	let largest = u16::try_from(FIELD).unwrap_or(u16::MAX);
	(u16::try_from(top.len()).ok()?..=largest).rev().find(|m| {
		seen.clear();
		seen.extend(top.iter().map(|(index, _)| reduce(*index, *m)));
		seen.sort_unstable();
		seen.windows(2).all(|pair| pair.first() != pair.get(1))
	})
}

// Field arithmetic on values below FIELD < 2¹⁶: products stay below 2³², so none overflows.

/// `(index mod m + offset) mod m`: a shift of the reduced indices, as injective as they are.
fn position(index: usize, modulus: u16, offset: u32) -> u32 {
	let m = u32::from(modulus.max(1));
	let shift = offset.checked_rem(m).unwrap_or(0);
	reduce(index, modulus).wrapping_add(shift).checked_rem(m).unwrap_or(0)
}

fn reduce(index: usize, modulus: u16) -> u32 {
	index.checked_rem(usize::from(modulus)).and_then(|x| u32::try_from(x).ok()).unwrap_or(0)
}

fn add(a: u32, b: u32) -> u32 {
	a.wrapping_add(b) % FIELD
}

fn sub(a: u32, b: u32) -> u32 {
	a.wrapping_add(FIELD).wrapping_sub(b) % FIELD
}

fn mul(a: u32, b: u32) -> u32 {
	a.wrapping_mul(b) % FIELD
}

fn inverse(a: u32) -> u32 {
	// Fermat: a^(p−2).
	let (mut base, mut exponent, mut acc) = (a % FIELD, FIELD.wrapping_sub(2), 1u32);
	while exponent > 0 {
		if exponent & 1 == 1 {
			acc = mul(acc, base);
		}
		base = mul(base, base);
		exponent >>= 1;
	}
	acc
}

fn field_to_u16(value: u32) -> u16 {
	u16::try_from(value).unwrap_or(0)
}

/// The coefficients (constant first) of the polynomial of degree `< n` through the `n` points
/// with distinct `x`: Lagrange's form, `Σᵢ yᵢ · Πⱼ≠ᵢ (x − xⱼ)/(xᵢ − xⱼ)`, expanded through the
/// master polynomial `M(x) = Πⱼ (x − xⱼ)` and one synthetic division per point — O(n²).
fn interpolate(points: &[(u32, u32)]) -> Vec<u32> {
	let n = points.len();
	// M(x), constant first, degree n.
	let mut master = alloc::vec![0u32; n.saturating_add(1)];
	if let Some(first) = master.first_mut() {
		*first = 1;
	}
	for (degree, (x, _)) in points.iter().enumerate() {
		// Multiply by (X − x).
		for i in (0..=degree.saturating_add(1)).rev() {
			let lower =
				if i == 0 { 0 } else { master.get(i.wrapping_sub(1)).copied().unwrap_or(0) };
			let here = master.get(i).copied().unwrap_or(0);
			if let Some(slot) = master.get_mut(i) {
				*slot = sub(lower, mul(here, *x));
			}
		}
	}
	let mut result = alloc::vec![0u32; n];
	let mut quotient = alloc::vec![0u32; n];
	for (i, (xi, yi)) in points.iter().enumerate() {
		// quotient = M(X) / (X − xᵢ), by synthetic division from the top.
		let mut carry = 0u32;
		for d in (0..n).rev() {
			carry = add(master.get(d.saturating_add(1)).copied().unwrap_or(0), mul(carry, *xi));
			if let Some(slot) = quotient.get_mut(d) {
				*slot = carry;
			}
		}
		// Πⱼ≠ᵢ (xᵢ − xⱼ) is the quotient at xᵢ.
		let denominator = points
			.iter()
			.enumerate()
			.filter(|(j, _)| *j != i)
			.fold(1u32, |acc, (_, (xj, _))| mul(acc, sub(*xi, *xj)));
		let scale = mul(*yi, inverse(denominator));
		for (slot, q) in result.iter_mut().zip(&quotient) {
			*slot = add(*slot, mul(scale, *q));
		}
	}
	result
}

#[cfg(test)]
mod tests {
	#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
	use super::*;
	use proptest::prelude::*;

	#[test]
	fn bf16_rounds_to_nearest_even() {
		assert_eq!(bf16_bits(1.0), 0x3F80);
		assert_eq!(bf16_bits(-2.0), 0xC000);
		// 1 + 2⁻⁸ is halfway between 1 and 1 + 2⁻⁷: ties to even (1.0).
		assert_eq!(bf16_bits(1.0 + 1.0 / 256.0), 0x3F80);
		assert_eq!(bf16_bits(1.0 + 3.0 / 256.0), 0x3F82);
		assert!(u32::from(bf16_bits(-f32::MAX)) < FIELD);
	}

	#[test]
	fn the_proof_is_258_bytes_for_128_values() {
		let states: Vec<f32> = (0..32 * 576).map(|i| ((i * 7919) % 1000) as f32 - 500.0).collect();
		let proof = ChunkProof::build(&states, 128, 0).unwrap();
		assert_eq!(proof.to_bytes().len(), 258);
		assert_eq!(proof_bytes_per_chunk(128), 258);
	}

	#[test]
	fn non_finite_or_short_states_are_refused() {
		assert_eq!(ChunkProof::build(&[1.0, f32::NAN], 1, 0), Err(ProofError::NonFinite));
		assert_eq!(ChunkProof::build(&[1.0, 2.0], 3, 0), Err(ProofError::TooFewValues));
		assert_eq!(ChunkProof::build(&[1.0, 2.0], 0, 0), Err(ProofError::TooFewValues));
	}

	#[test]
	fn only_the_standard_modulus_is_accepted() {
		assert!(standard_modulus(65_521, 32 * 576));
		assert!(!standard_modulus(576, 32 * 576));
		assert!(!standard_modulus(1, 32 * 576));
		assert!(standard_modulus(65_000, 100_000));
		assert!(!standard_modulus(60_000, 100_000));
	}

	#[test]
	fn malformed_bytes_are_refused() {
		assert_eq!(ChunkProof::from_bytes(&[1, 0, 2], 1), None);
		assert_eq!(ChunkProof::from_bytes(&[0, 0, 2, 0], 1), None);
		assert_eq!(ChunkProof::from_bytes(&[1, 0, 0xFF, 0xFF], 1), None);
		assert_eq!(decode_chunks(&[1, 0, 2, 0, 1], 1), None);
		assert_eq!(decode_chunks(&[], 0), None);
		assert_eq!(chunk_count(0), 0);
		assert_eq!(chunk_count(33), 2);
	}

	fn states_strategy() -> impl Strategy<Value = Vec<f32>> {
		proptest::collection::vec(-1000.0f32..1000.0, 128..2000)
	}

	proptest! {
		#[test]
		fn a_proof_round_trips_and_matches_its_own_states(states in states_strategy(), k in 1usize..128, offset in 0u32..FIELD) {
			let proof = ChunkProof::build(&states, k, offset).unwrap();
			let bytes = proof.to_bytes();
			prop_assert_eq!(bytes.len(), proof_bytes_per_chunk(k));
			prop_assert_eq!(ChunkProof::from_bytes(&bytes, k).unwrap(), proof.clone());
			let two = encode_chunks(&[proof.clone(), proof.clone()]);
			prop_assert_eq!(decode_chunks(&two, k).unwrap(), alloc::vec![proof.clone(), proof.clone()]);
			prop_assert!(standard_modulus(proof.modulus, states.len()));
			let check = check_chunk(&proof, &states, offset).unwrap();
			prop_assert_eq!(check.exponent_mismatches, 0);
			prop_assert_eq!(check.median_mantissa_diff, 0);
			prop_assert_eq!(check.mean_mantissa_diff, 0.0);
		}

		#[test]
		fn the_polynomial_passes_through_every_point(states in states_strategy(), offset in 0u32..FIELD) {
			let proof = ChunkProof::build(&states, 64, offset).unwrap();
			for (index, value) in top_k(&states, 64).unwrap() {
				prop_assert_eq!(proof.value_at(index, offset), bf16_bits(value));
			}
		}

		#[test]
		fn a_proof_bound_to_another_offset_fails(states in states_strategy(), binding in any::<[u8; 32]>()) {
			// A relayed proof: made for one binding, checked under another.
			let (mine, theirs) = (chunk_offset(&binding, 0), chunk_offset(&binding, 1));
			prop_assume!(mine != theirs);
			let proof = ChunkProof::build(&states, 128, theirs).unwrap();
			let check = check_chunk(&proof, &states, mine).unwrap();
			prop_assert!(check.exponent_mismatches > 64, "{:?}", check);
		}

		#[test]
		fn other_states_are_seen(states in states_strategy(), seed in any::<u64>()) {
			let proof = ChunkProof::build(&states, 128, 0).unwrap();
			// Unrelated states of the same size: almost every recomputed top value mismatches.
			let other: Vec<f32> = (0..states.len())
				.map(|i| (((i as u64).wrapping_mul(6364136223846793005).wrapping_add(seed) >> 33) % 2000) as f32 - 1000.0)
				.collect();
			let check = check_chunk(&proof, &other, 0).unwrap();
			prop_assert!(check.exponent_mismatches > 32 || check.mean_mantissa_diff > 10.0);
		}
	}
}
