//! Inference primitives shared by the runtime, the engine and the workers, free of storage:
//!
//! - [`model`]: model ids (a hash over weights, config, tokenizer and runtime profile) and the
//!   runtime profile a model id pins;
//! - [`compare`]: the comparison rule and output commitments — the one place that decides
//!   whether two outputs of a model agree, used by miner, validator and pallet alike;
//! - [`sampling`]: how a seed and a row of logits choose the next generated token;
//! - [`proof`]: TOPLOC-style compact proofs of the hidden states behind generated tokens;
//! - [`generation`]: the comparison rule for text — when recomputed logits and states accept a
//!   generation and its proof;
//! - [`receipt`]: what a miner signs with each answer;
//! - [`verdict`]: what auditors and challenge committees commit to and reveal;
//! - [`task`]: the kinds of work a model does;
//! - [`weights`]: the commitment validators publish before revealing their weights.
//!
//! Everything is `no_std`; hashes are BLAKE2b-256 over SCALE encodings with a domain tag.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod compare;
pub mod generation;
pub mod model;
pub mod proof;
pub mod receipt;
pub mod sampling;
pub mod task;
pub mod verdict;
pub mod weights;

pub use compare::{
	decode_output, encode_output, output_commitment, outputs_agree, ComparisonRule, OutputShape,
};
pub use generation::{
	check_generation, generation_commitment, proof_binding, request_seed, text_request_hash,
	TextRule,
};
pub use model::{model_id, Dtype, ModelDigests, ModelId, OutputSpec, RuntimeProfile};
pub use receipt::{request_hash, Receipt};
pub use sampling::{choose_token, SamplingParams};
pub use task::{ChatRole, TaskKind};
pub use verdict::{verdict_commitment, Verdict};
pub use weights::weights_commitment;

/// A 32-byte BLAKE2b hash.
pub type Hash32 = [u8; 32];
