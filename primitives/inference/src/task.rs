//! Task kinds: what a subnet's miners compute and what a registered model does.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// What a model computes (and a subnet's miners serve).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
#[cfg_attr(feature = "std", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "std", serde(rename_all = "camelCase"))]
pub enum TaskKind {
	/// Sentence or document embeddings (vectors).
	Embedding,
	/// Class scores or labels.
	Classification,
	/// Generated text.
	TextGeneration,
}
