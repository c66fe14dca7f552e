//! The comparison rule for text generation: when a validator accepts a miner's generated tokens
//! and their [`crate::proof`], from one teacher-forced prefill of its own over prompt + tokens.
//!
//! A generation of `n` tokens passes when
//! 1. its proof has exactly `⌈n / 32⌉` chunks of `k` values with the standard modulus
//!    ([`crate::proof`]), bound to the miner and the request ([`proof_binding`]);
//! 2. each token is the sampling rule's choice from the recomputed logits of its step, within
//!    [`TokenTolerance`] ([`crate::sampling::check_token`]): exact argmax for greedy up to a
//!    rounding margin, the seeded draw's interval when sampled;
//! 3. each chunk's recomputed top-`k` final hidden states agree with the proof: at most
//!    `max_exponent_mismatches` sign/exponent mismatches, and mantissa differences of mean at
//!    most `max_mean_mantissa_diff_milli / 1000` and median at most `max_median_mantissa_diff`.
//!
//! The thresholds of [`TextRule::CPU_F32`] come from measurements (see its docs).

use crate::{
	proof::{
		check_chunk, chunk_count, chunk_offset, decode_chunks, standard_modulus, ChunkCheck,
		ChunkProof, CHUNK_TOKENS,
	},
	sampling::{check_token, SamplingParams, TokenCheck, TokenTolerance},
	Hash32, ModelId,
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// When a validator accepts a generation: see the module docs.
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
pub struct TextRule {
	/// Values per chunk proof (`k`).
	pub top_k: u16,
	/// Sign/exponent mismatches allowed per chunk.
	pub max_exponent_mismatches: u16,
	/// Largest mean mantissa difference per chunk, × 1000 (bfloat16 units).
	pub max_mean_mantissa_diff_milli: u32,
	/// Largest median mantissa difference per chunk (bfloat16 units).
	pub max_median_mantissa_diff: u16,
	/// How far recomputed logits may move a token choice.
	pub tokens: TokenTolerance,
}

impl TextRule {
	/// The rule for `f32` on CPUs at any thread count and batch composition.
	///
	/// Measured with SmolLM2-135M-Instruct (engine test `text_proofs`, 96-token generations,
	/// 2026-12-01, 2-core x86-64): honest generations recomputed at another thread count have
	/// 0 sign/exponent mismatches per chunk, a mean mantissa difference of at most 0.008 and a
	/// median of 0; generations of other models show a mean of at least 1.08 (1 % noise on one
	/// weight matrix per block), 1.57 (embedding re-quantized to 4 bits) and 12 (a skipped
	/// block), with up to 38 mismatches. The mean threshold (0.5) sits between, 60× above the
	/// honest worst; the mismatch allowance (8) absorbs top-k boundary swaps. Logits of the
	/// engine and PyTorch differ by at most 5·10⁻⁵, inside the greedy margin (2·10⁻³, 40× more).
	pub const CPU_F32: Self = Self {
		top_k: 128,
		max_exponent_mismatches: 8,
		max_mean_mantissa_diff_milli: 500,
		max_median_mantissa_diff: 1,
		tokens: TokenTolerance { greedy_logit_margin_e6: 2_000, sample_mass_e9: 100_000 },
	};

	/// Whether a chunk's comparison passes.
	pub fn accepts(&self, check: &ChunkCheck) -> bool {
		check.exponent_mismatches <= u32::from(self.max_exponent_mismatches)
			&& check.mean_mantissa_diff * 1000.0 <= f64::from(self.max_mean_mantissa_diff_milli)
			&& check.median_mantissa_diff <= u32::from(self.max_median_mantissa_diff)
	}

	/// The proof's chunks, if it has the shape a generation of `tokens` tokens needs.
	pub fn proof_chunks(&self, tokens: usize, proof: &[u8]) -> Result<Vec<ChunkProof>, Fault> {
		let chunks = decode_chunks(proof, usize::from(self.top_k)).ok_or(Fault::MalformedProof)?;
		if chunks.len() != chunk_count(tokens) {
			return Err(Fault::WrongChunkCount {
				expected: chunk_count(tokens),
				found: chunks.len(),
			});
		}
		Ok(chunks)
	}
}

/// Domain tag of text request hashes.
const TEXT_REQUEST_TAG: &[u8] = b"inferchain/text-request/v1";
/// Domain tag of proof bindings.
const BINDING_TAG: &[u8] = b"inferchain/proof-binding/v1";
/// Domain tag of seeds drawn from a request.
const SEED_TAG: &[u8] = b"inferchain/seed/v1";

/// What a generation's proof is bound to: `blake2_256(SCALE(("inferchain/proof-binding/v1",
/// miner, request_hash)))`, with `miner` the public key of the hotkey that signs the answer.
/// Each chunk's indices are offset by [`chunk_offset`] of it, so a proof relayed from another
/// miner (or another request) fails.
pub fn proof_binding(miner: &[u8; 32], request_hash: &Hash32) -> Hash32 {
	sp_crypto_hashing::blake2_256(&(BINDING_TAG, miner, request_hash).encode())
}

/// The seed of a request that names none: drawn from everything else that decides the tokens
/// (`blake2_256(SCALE((tag, model_id, prompt, temperature_milli, top_p_milli, max_tokens,
/// stop)))`'s first 8 bytes), so the miner cannot choose a seed that suits it and anyone can
/// check the draws. Identical unseeded requests therefore get identical answers.
pub fn request_seed(
	model_id: &ModelId,
	prompt: &[u32],
	temperature_milli: u32,
	top_p_milli: u32,
	max_tokens: u32,
	stop: &[alloc::string::String],
) -> u64 {
	let hash = sp_crypto_hashing::blake2_256(
		&(SEED_TAG, model_id, prompt, temperature_milli, top_p_milli, max_tokens, stop).encode(),
	);
	let mut head = [0u8; 8];
	head.copy_from_slice(hash.get(..8).unwrap_or(&[0; 8]));
	u64::from_le_bytes(head)
}
/// Domain tag of generation commitments.
const GENERATION_TAG: &[u8] = b"inferchain/generation/v1";

/// The hash of a text-generation request: `blake2_256(SCALE(("inferchain/text-request/v1",
/// model_id, prompt, params, max_tokens, stop)))` — everything that decides the tokens.
pub fn text_request_hash(
	model_id: &ModelId,
	prompt: &[u32],
	params: &SamplingParams,
	max_tokens: u32,
	stop: &[alloc::string::String],
) -> Hash32 {
	sp_crypto_hashing::blake2_256(
		&(TEXT_REQUEST_TAG, model_id, prompt, params, max_tokens, stop).encode(),
	)
}

/// The commitment to a generation: `blake2_256(SCALE(("inferchain/generation/v1", tokens,
/// proof)))`, what a miner's receipt signs.
pub fn generation_commitment(tokens: &[u32], proof: &[u8]) -> Hash32 {
	sp_crypto_hashing::blake2_256(&(GENERATION_TAG, tokens, proof).encode())
}

/// Why a generation fails the rule.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fault {
	/// The proof's bytes are not whole chunks of `k` values.
	MalformedProof,
	/// The proof has another number of chunks than the tokens need.
	WrongChunkCount {
		/// `⌈tokens / 32⌉`.
		expected: usize,
		/// In the proof.
		found: usize,
	},
	/// A token is not the sampling rule's choice.
	Token {
		/// The step (0 for the first generated token).
		step: usize,
		/// What the check found.
		check: TokenCheck,
	},
	/// A chunk's hidden states disagree with its proof.
	Activations {
		/// The chunk.
		chunk: usize,
		/// The comparison.
		check: ChunkCheck,
	},
	/// The recomputation has the wrong size or values that are not finite.
	BadRecomputation,
}

/// Checks `tokens` and `proof` (bound to `binding`) against a recomputation: `states` holds,
/// row-major, the final hidden states (`hidden` values each) that chose each token, and
/// `logits` the logits (`vocab` values each) of the same rows.
#[allow(clippy::too_many_arguments)]
pub fn check_generation(
	rule: &TextRule,
	params: &SamplingParams,
	binding: &Hash32,
	tokens: &[u32],
	proof: &[u8],
	states: &[f32],
	hidden: usize,
	logits: &[f32],
	vocab: usize,
) -> Result<(), Fault> {
	let rows = tokens.len();
	if hidden == 0
		|| vocab == 0
		|| Some(states.len()) != rows.checked_mul(hidden)
		|| Some(logits.len()) != rows.checked_mul(vocab)
	{
		return Err(Fault::BadRecomputation);
	}
	let chunks = rule.proof_chunks(rows, proof)?;
	for (step, (token, row)) in tokens.iter().zip(logits.chunks_exact(vocab)).enumerate() {
		let step_u32 = u32::try_from(step).map_err(|_| Fault::BadRecomputation)?;
		let check = check_token(row, params, step_u32, *token, &rule.tokens);
		if check != TokenCheck::Consistent {
			return Err(Fault::Token { step, check });
		}
	}
	let per_chunk = CHUNK_TOKENS.saturating_mul(hidden);
	for (chunk, (proof, states)) in chunks.iter().zip(states.chunks(per_chunk)).enumerate() {
		if !standard_modulus(proof.modulus, states.len()) {
			return Err(Fault::MalformedProof);
		}
		let offset = chunk_offset(binding, u32::try_from(chunk).unwrap_or(u32::MAX));
		let check = check_chunk(proof, states, offset).ok_or(Fault::BadRecomputation)?;
		if !rule.accepts(&check) {
			return Err(Fault::Activations { chunk, check });
		}
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
	use super::*;
	use crate::proof::decode_chunks;
	use crate::{proof::encode_chunks, sampling::choose_token};

	const HIDDEN: usize = 16;
	const VOCAB: usize = 8;

	fn rule() -> TextRule {
		TextRule { top_k: 8, ..TextRule::CPU_F32 }
	}

	/// A made-up "model": states and logits that depend on the step.
	fn recomputation(rows: usize) -> (Vec<f32>, Vec<f32>) {
		let states = (0..rows * HIDDEN).map(|i| ((i * 37) % 101) as f32 / 7.0 - 7.0).collect();
		let logits = (0..rows * VOCAB).map(|i| ((i * 13) % 17) as f32 / 3.0).collect();
		(states, logits)
	}

	const BINDING: Hash32 = [3; 32];

	fn honest(rows: usize, params: &SamplingParams) -> (Vec<u32>, Vec<u8>) {
		honest_bound(rows, params, &BINDING)
	}

	fn honest_bound(rows: usize, params: &SamplingParams, binding: &Hash32) -> (Vec<u32>, Vec<u8>) {
		let (states, logits) = recomputation(rows);
		let tokens = logits
			.chunks_exact(VOCAB)
			.enumerate()
			.map(|(step, row)| choose_token(row, params, step as u32).unwrap())
			.collect();
		let chunks: Vec<ChunkProof> = states
			.chunks(CHUNK_TOKENS * HIDDEN)
			.enumerate()
			.map(|(i, chunk)| ChunkProof::build(chunk, 8, chunk_offset(binding, i as u32)).unwrap())
			.collect();
		(tokens, encode_chunks(&chunks))
	}

	fn check(params: &SamplingParams, tokens: &[u32], proof: &[u8]) -> Result<(), Fault> {
		let (states, logits) = recomputation(tokens.len());
		check_generation(&rule(), params, &BINDING, tokens, proof, &states, HIDDEN, &logits, VOCAB)
	}

	#[test]
	fn an_honest_generation_passes() {
		for params in [
			SamplingParams::GREEDY,
			SamplingParams { temperature_milli: 800, top_p_milli: 900, seed: 5 },
		] {
			let (tokens, proof) = honest(70, &params);
			assert_eq!(check(&params, &tokens, &proof), Ok(()));
		}
	}

	#[test]
	fn a_truncated_or_padded_proof_fails() {
		let (tokens, proof) = honest(70, &SamplingParams::GREEDY);
		let short = &proof[..proof.len() - 18];
		assert_eq!(
			check(&SamplingParams::GREEDY, &tokens, short),
			Err(Fault::WrongChunkCount { expected: 3, found: 2 })
		);
		assert_eq!(
			check(&SamplingParams::GREEDY, &tokens, &proof[..proof.len() - 1]),
			Err(Fault::MalformedProof)
		);
	}

	#[test]
	fn an_edited_token_fails() {
		let (mut tokens, proof) = honest(40, &SamplingParams::GREEDY);
		tokens[33] = (tokens[33] + 1) % VOCAB as u32;
		assert!(matches!(
			check(&SamplingParams::GREEDY, &tokens, &proof),
			Err(Fault::Token { step: 33, .. })
		));
	}

	#[test]
	fn a_proof_of_other_states_fails() {
		let (tokens, _) = honest(40, &SamplingParams::GREEDY);
		let other: Vec<f32> = (0..40 * HIDDEN).map(|i| ((i * 53) % 89) as f32 - 44.0).collect();
		let chunks: Vec<ChunkProof> = other
			.chunks(CHUNK_TOKENS * HIDDEN)
			.enumerate()
			.map(|(i, chunk)| {
				ChunkProof::build(chunk, 8, chunk_offset(&BINDING, i as u32)).unwrap()
			})
			.collect();
		assert!(matches!(
			check(&SamplingParams::GREEDY, &tokens, &encode_chunks(&chunks)),
			Err(Fault::Activations { chunk: 0, .. })
		));
	}

	#[test]
	fn a_proof_made_for_another_miner_fails() {
		// Miner B's honest answer, relayed and re-signed by miner A: bound to B, checked for A.
		let params = SamplingParams::GREEDY;
		let for_b = proof_binding(&[0xB; 32], &[9; 32]);
		let (tokens, proof) = honest_bound(40, &params, &for_b);
		assert!(matches!(
			check(&params, &tokens, &proof),
			Err(Fault::Activations { chunk: 0, .. })
		));
		assert_ne!(proof_binding(&[0xA; 32], &[9; 32]), for_b);
		assert_ne!(proof_binding(&[0xB; 32], &[8; 32]), for_b);
	}

	#[test]
	fn a_non_standard_modulus_is_refused() {
		let (tokens, proof) = honest(40, &SamplingParams::GREEDY);
		let mut chunks = decode_chunks(&proof, 8).unwrap();
		chunks[0].modulus = HIDDEN as u16;
		assert_eq!(
			check(&SamplingParams::GREEDY, &tokens, &encode_chunks(&chunks)),
			Err(Fault::MalformedProof)
		);
	}

	#[test]
	fn request_seeds_follow_the_request() {
		let seed = |prompt: &[u32], t| request_seed(&[1; 32], prompt, t, 1000, 16, &[]);
		assert_eq!(seed(&[1, 2], 700), seed(&[1, 2], 700));
		assert_ne!(seed(&[1, 2], 700), seed(&[1, 3], 700));
		assert_ne!(seed(&[1, 2], 700), seed(&[1, 2], 800));
	}

	#[test]
	fn request_hashes_and_commitments_bind_every_part() {
		let params = SamplingParams::GREEDY;
		let base = text_request_hash(&[1; 32], &[1, 2], &params, 10, &[]);
		assert_ne!(base, text_request_hash(&[2; 32], &[1, 2], &params, 10, &[]));
		assert_ne!(base, text_request_hash(&[1; 32], &[1, 3], &params, 10, &[]));
		let seeded = SamplingParams { seed: 1, ..params };
		assert_ne!(base, text_request_hash(&[1; 32], &[1, 2], &seeded, 10, &[]));
		assert_ne!(base, text_request_hash(&[1; 32], &[1, 2], &params, 11, &[]));
		assert_ne!(base, text_request_hash(&[1; 32], &[1, 2], &params, 10, &["x".into()]));
		assert_ne!(generation_commitment(&[1], &[2]), generation_commitment(&[1], &[3]));
		assert_ne!(generation_commitment(&[1], &[2]), generation_commitment(&[2], &[2]));
	}

	#[test]
	fn a_recomputation_of_the_wrong_size_is_refused() {
		let (tokens, proof) = honest(10, &SamplingParams::GREEDY);
		let (states, logits) = recomputation(9);
		assert_eq!(
			check_generation(
				&rule(),
				&SamplingParams::GREEDY,
				&BINDING,
				&tokens,
				&proof,
				&states,
				HIDDEN,
				&logits,
				VOCAB
			),
			Err(Fault::BadRecomputation)
		);
	}
}
