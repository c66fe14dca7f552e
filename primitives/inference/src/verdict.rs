//! Verdicts: what an auditor or a challenge committee member says about a miner's result, and
//! the commitment it publishes first so that members of one panel cannot copy each other.
//!
//! Commitment = `blake2_256(SCALE(("inferchain/verdict/v1", validator, request_id, verdict,
//! salt)))`; the reveal must reproduce it exactly.

use crate::Hash32;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Domain tag of verdict commitments.
const VERDICT_TAG: &[u8] = b"inferchain/verdict/v1";

/// A validator's finding after re-executing a request.
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
pub struct Verdict {
	/// Whether the miner's output agrees with the validator's under the model's rule.
	pub agrees: bool,
	/// The validator's own output commitment (evidence for later inspection).
	pub output_commitment: Hash32,
}

/// The commitment `validator` publishes for `verdict` on request `request_id`.
pub fn verdict_commitment<A: Encode>(
	validator: &A,
	request_id: u64,
	verdict: &Verdict,
	salt: &Hash32,
) -> Hash32 {
	sp_crypto_hashing::blake2_256(&(VERDICT_TAG, validator, request_id, verdict, salt).encode())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn every_field_changes_the_commitment() {
		let verdict = Verdict { agrees: true, output_commitment: [1; 32] };
		let base = verdict_commitment(&7u64, 3, &verdict, &[2; 32]);
		assert_ne!(base, verdict_commitment(&8u64, 3, &verdict, &[2; 32]));
		assert_ne!(base, verdict_commitment(&7u64, 4, &verdict, &[2; 32]));
		assert_ne!(
			base,
			verdict_commitment(&7u64, 3, &Verdict { agrees: false, ..verdict }, &[2; 32])
		);
		assert_ne!(
			base,
			verdict_commitment(
				&7u64,
				3,
				&Verdict { output_commitment: [9; 32], ..verdict },
				&[2; 32]
			)
		);
		assert_ne!(base, verdict_commitment(&7u64, 3, &verdict, &[3; 32]));
		assert_eq!(base, verdict_commitment(&7u64, 3, &verdict, &[2; 32]));
	}
}
