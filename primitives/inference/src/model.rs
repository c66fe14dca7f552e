//! Model ids and runtime profiles.
//!
//! A model id is `blake2_256(SCALE(("inferchain/model/v1", weights, config, tokenizer,
//! profile)))` where `weights`, `config` and `tokenizer` are the BLAKE2b-256 digests of those
//! files (`tokenizer` is all zeros for models without one). Two hosts serve "the same model" only
//! when every byte of those files and the profile agree.

use crate::{compare::ComparisonRule, Hash32};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A model id: see the module docs.
pub type ModelId = Hash32;

/// Domain tag of model ids.
const MODEL_TAG: &[u8] = b"inferchain/model/v1";

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
	/// The model id of these files run under `profile`.
	pub fn model_id(&self, profile: &RuntimeProfile) -> ModelId {
		model_id(&self.weights, &self.config, self.tokenizer.as_ref(), profile)
	}
}

/// The model id of files with these digests run under `profile`.
pub fn model_id(
	weights: &Hash32,
	config: &Hash32,
	tokenizer: Option<&Hash32>,
	profile: &RuntimeProfile,
) -> ModelId {
	let tokenizer = tokenizer.copied().unwrap_or([0u8; 32]);
	sp_crypto_hashing::blake2_256(&(MODEL_TAG, weights, config, tokenizer, profile).encode())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn every_part_changes_the_id() {
		let profile = RuntimeProfile::tolerant(100_000);
		let base = model_id(&[1; 32], &[2; 32], Some(&[3; 32]), &profile);
		assert_ne!(base, model_id(&[9; 32], &[2; 32], Some(&[3; 32]), &profile));
		assert_ne!(base, model_id(&[1; 32], &[9; 32], Some(&[3; 32]), &profile));
		assert_ne!(base, model_id(&[1; 32], &[2; 32], Some(&[9; 32]), &profile));
		assert_ne!(base, model_id(&[1; 32], &[2; 32], None, &profile));
		assert_ne!(
			base,
			model_id(&[1; 32], &[2; 32], Some(&[3; 32]), &RuntimeProfile::tolerant(1))
		);
		assert_ne!(
			base,
			model_id(&[1; 32], &[2; 32], Some(&[3; 32]), &RuntimeProfile::bitwise_cpu(1))
		);
		assert_eq!(base, model_id(&[1; 32], &[2; 32], Some(&[3; 32]), &profile));
	}

	#[test]
	fn bitwise_profiles_differ_by_thread_count() {
		let id =
			|threads| model_id(&[1; 32], &[2; 32], None, &RuntimeProfile::bitwise_cpu(threads));
		assert_ne!(id(1), id(2));
	}
}
