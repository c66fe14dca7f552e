//! Inference primitives shared by the runtime, the engine and the workers, free of storage:
//!
//! - [`model`]: model ids (a hash over weights, config, tokenizer and runtime profile) and the
//!   runtime profile a model id pins;
//! - [`compare`]: the comparison rule and output commitments — the one place that decides
//!   whether two outputs of a model agree, used by miner, validator and pallet alike;
//! - [`receipt`]: what a miner signs with each answer.
//!
//! Everything is `no_std`; hashes are BLAKE2b-256 over SCALE encodings with a domain tag.
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod compare;
pub mod model;
pub mod receipt;

pub use compare::{output_commitment, outputs_agree, ComparisonRule, OutputShape};
pub use model::{model_id, Dtype, ModelId, RuntimeProfile};
pub use receipt::{request_hash, Receipt};

/// A 32-byte BLAKE2b hash.
pub type Hash32 = [u8; 32];
