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

/// Who speaks in a chat message.
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
pub enum ChatRole {
	/// Instructions to the model.
	System,
	/// The user.
	User,
	/// The model's earlier answers.
	Assistant,
}

impl ChatRole {
	/// The role as chat templates name it.
	pub fn as_str(&self) -> &'static str {
		match self {
			Self::System => "system",
			Self::User => "user",
			Self::Assistant => "assistant",
		}
	}
}
