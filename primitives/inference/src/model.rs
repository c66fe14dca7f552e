//! Model ids and runtime profiles.
//!
//! A model id is `blake2_256(SCALE(("inferchain/model/v2", weights, config, tokenizer,
//! profile, output)))` where `weights`, `config` and `tokenizer` are the BLAKE2b-256 digests of
//! those files (`tokenizer` is all zeros for models without one) and `output` the
//! [`OutputSpec`] (task kind and output dimension) the chain checks results against. Two hosts
//! serve "the same model" only when every byte of those files, the profile and the output
//! agree; and nobody can register a model's files under another output shape without getting
//! another id.

use crate::{compare::ComparisonRule, task::TaskKind, Hash32};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A model id: see the module docs.
pub type ModelId = Hash32;

/// Domain tag of model ids.
const MODEL_TAG: &[u8] = b"inferchain/model/v2";

/// Element type the model computes in.
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
#[cfg_attr(feature = "std", serde(rename_all = "lowercase"))]
pub enum Dtype {
	/// 32-bit IEEE floats.
	F32,
	/// 16-bit IEEE floats.
	F16,
	/// bfloat16.
	Bf16,
}

/// How a model must be run for its outputs to be comparable: part of its id.
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
pub struct RuntimeProfile {
	/// Element type.
	pub dtype: Dtype,
	/// When two outputs agree.
	pub rule: ComparisonRule,
	/// CPU threads every host must use: a reduction's result depends on the thread count, so
	/// [`ComparisonRule::Bitwise`] pins it. Zero under tolerance rules (any thread count).
	pub cpu_threads: u16,
}

impl RuntimeProfile {
	/// Bitwise-reproducible CPU execution in `f32` with `threads` threads.
	pub fn bitwise_cpu(threads: u16) -> Self {
		Self { dtype: Dtype::F32, rule: ComparisonRule::Bitwise, cpu_threads: threads }
	}

	/// Text generation in `f32` on CPUs at any thread count, judged by `rule`.
	pub fn text_cpu(rule: crate::generation::TextRule) -> Self {
		Self::text(Dtype::F32, rule)
	}

	/// Text generation computing in `dtype` (half precision for GPUs), judged by `rule`.
	pub fn text(dtype: Dtype, rule: crate::generation::TextRule) -> Self {
		Self { dtype, rule: ComparisonRule::Text(rule), cpu_threads: 0 }
	}

	/// `f32` on any device and thread count, outputs agreeing within `max_abs_error_e9` × 10⁻⁹.
	pub fn tolerant(max_abs_error_e9: u32) -> Self {
		Self {
			dtype: Dtype::F32,
			rule: ComparisonRule::Tolerance { max_abs_error_e9 },
			cpu_threads: 0,
		}
	}
}

/// The BLAKE2b-256 digests of a model's files: with a [`RuntimeProfile`], the components of its
/// id. The chain takes these and computes the id itself (`register_model`), so an id always
/// names the profile it was registered with.
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
pub struct ModelDigests {
	/// The weights file.
	pub weights: Hash32,
	/// The configuration file.
	pub config: Hash32,
	/// The tokenizer file, for models that have one.
	pub tokenizer: Option<Hash32>,
}

impl ModelDigests {
	/// The model id of these files run under `profile`, answering as `output` says.
	pub fn model_id(&self, profile: &RuntimeProfile, output: &OutputSpec) -> ModelId {
		model_id(&self.weights, &self.config, self.tokenizer.as_ref(), profile, output)
	}
}

/// What a model's answers look like, as the chain checks them: part of the model id.
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
pub struct OutputSpec {
	/// What the model computes.
	pub kind: TaskKind,
	/// Values per input for embeddings and classification (the vector length, the number of
	/// classes); the vocabulary size for text generation (every token id is below it).
	pub dim: u32,
}

impl OutputSpec {
	/// Embeddings of `dim` values.
	pub const fn embedding(dim: u32) -> Self {
		Self { kind: TaskKind::Embedding, dim }
	}

	/// Text generation over a vocabulary of `vocab` tokens.
	pub const fn text(vocab: u32) -> Self {
		Self { kind: TaskKind::TextGeneration, dim: vocab }
	}
}

/// The model id of files with these digests run under `profile`, answering as `output` says.
pub fn model_id(
	weights: &Hash32,
	config: &Hash32,
	tokenizer: Option<&Hash32>,
	profile: &RuntimeProfile,
	output: &OutputSpec,
) -> ModelId {
	let tokenizer = tokenizer.copied().unwrap_or([0u8; 32]);
	sp_crypto_hashing::blake2_256(
		&(MODEL_TAG, weights, config, tokenizer, profile, output).encode(),
	)
}

#[cfg(test)]
mod tests {
	use super::*;

	const OUT: OutputSpec = OutputSpec::embedding(384);

	#[test]
	fn every_part_changes_the_id() {
		let profile = RuntimeProfile::tolerant(100_000);
		let base = model_id(&[1; 32], &[2; 32], Some(&[3; 32]), &profile, &OUT);
		assert_ne!(base, model_id(&[9; 32], &[2; 32], Some(&[3; 32]), &profile, &OUT));
		assert_ne!(base, model_id(&[1; 32], &[9; 32], Some(&[3; 32]), &profile, &OUT));
		assert_ne!(base, model_id(&[1; 32], &[2; 32], Some(&[9; 32]), &profile, &OUT));
		assert_ne!(base, model_id(&[1; 32], &[2; 32], None, &profile, &OUT));
		assert_ne!(
			base,
			model_id(&[1; 32], &[2; 32], Some(&[3; 32]), &RuntimeProfile::tolerant(1), &OUT)
		);
		assert_ne!(
			base,
			model_id(&[1; 32], &[2; 32], Some(&[3; 32]), &RuntimeProfile::bitwise_cpu(1), &OUT)
		);
		for other in [OutputSpec::embedding(385), OutputSpec::text(384)] {
			assert_ne!(base, model_id(&[1; 32], &[2; 32], Some(&[3; 32]), &profile, &other));
		}
		assert_eq!(base, model_id(&[1; 32], &[2; 32], Some(&[3; 32]), &profile, &OUT));
	}

	#[test]
	fn bitwise_profiles_differ_by_thread_count() {
		let id = |threads| {
			model_id(&[1; 32], &[2; 32], None, &RuntimeProfile::bitwise_cpu(threads), &OUT)
		};
		assert_ne!(id(1), id(2));
	}
}
