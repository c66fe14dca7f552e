//! Receipts: what a miner signs with its hotkey for each answer, so that a wrong answer is
//! attributable (and, with issue 6's challenges, slashable).

use crate::{Hash32, ModelId};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Domain tag of request hashes.
const REQUEST_TAG: &[u8] = b"inferchain/request/v1";
/// Domain tag of receipt signatures.
const RECEIPT_TAG: &[u8] = b"inferchain/receipt/v1";

/// The hash of a request: `blake2_256(SCALE(("inferchain/request/v1", model_id, inputs)))`.
pub fn request_hash<S: AsRef<str>>(model_id: &ModelId, inputs: &[S]) -> Hash32 {
	let inputs: Vec<&str> = inputs.iter().map(AsRef::as_ref).collect();
	sp_crypto_hashing::blake2_256(&(REQUEST_TAG, model_id, inputs).encode())
}

/// A miner's statement "for this request, with this model, at this block, my output has this
/// commitment".
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
pub struct Receipt {
	/// [`request_hash`] of the inputs.
	pub request_hash: Hash32,
	/// [`crate::output_commitment`] of the output under the model's rule.
	pub output_commitment: Hash32,
	/// The model that produced the output.
	pub model_id: ModelId,
	/// The latest finalized block the miner had seen.
	pub block: u32,
}

impl Receipt {
	/// The bytes the hotkey signs: `SCALE(("inferchain/receipt/v1", receipt))`.
	pub fn signing_payload(&self) -> Vec<u8> {
		(RECEIPT_TAG, self).encode()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn request_hash_depends_on_model_and_every_input() {
		let base = request_hash(&[1; 32], &["a", "b"]);
		assert_ne!(base, request_hash(&[2; 32], &["a", "b"]));
		assert_ne!(base, request_hash(&[1; 32], &["b", "a"]));
		assert_ne!(base, request_hash(&[1; 32], &["ab"]));
		assert_eq!(base, request_hash(&[1; 32], &[String::from("a"), String::from("b")]));
	}

	#[test]
	fn the_payload_is_tagged_and_covers_every_field() {
		let receipt = Receipt {
			request_hash: [1; 32],
			output_commitment: [2; 32],
			model_id: [3; 32],
			block: 7,
		};
		let payload = receipt.signing_payload();
		assert!(payload.starts_with(&[(RECEIPT_TAG.len() as u8) << 2]));
		let other = Receipt { block: 8, ..receipt };
		assert_ne!(payload, other.signing_payload());
	}
}
