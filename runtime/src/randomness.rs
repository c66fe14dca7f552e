//! The market's randomness: the BABE VRF output of the block being executed.
//!
//! `pallet-inference` draws (who answers a request, whether a result is audited, who sits on a
//! committee) only in `on_initialize`, about transactions of earlier blocks, and
//! [`BlockVrfRandomness`] hashes the draw's subject with the VRF output in the **current**
//! block's BABE pre-digest (pallet-babe checks it on import: it is the author's VRF of the
//! epoch randomness and the slot, so the author cannot choose it).
//!
//! - **Signers cannot know the draw.** A request or result is signed before the block holding
//!   it exists, and the draw is made in a later block whose VRF output is known only to that
//!   block's author until the block is published (the author can compute it as soon as the
//!   epoch's randomness is fixed, for its own slots only).
//! - **The includer cannot choose it.** The author of the block that includes a transaction
//!   does not know the next block's VRF output (another author's secret key), unless it also
//!   holds the next slot.
//! - **What an author can still do.** The author of the drawing block knows the draw before
//!   publishing and can withhold the block: the slot's secondary author (or the next slot's)
//!   then produces another block with another VRF output, one re-roll per withheld block. It
//!   costs the withholder its block (and, with every withheld slot, the chain's liveness
//!   counts against it in the operator metrics). A validator that also holds the next slot of
//!   the block including its own transaction can predict the draw before including it; with
//!   `n` validators that is about one block in `n`, and only for its own slots.
//!
//! A block without a VRF output (dev sealing's secondary-plain blocks) falls back to the parent
//! block's hash, as the pallet's own `ParentHashRandomness` does.

use codec::Encode;
use frame_support::traits::Randomness;
use sp_runtime::traits::{BlakeTwo256, Hash as _};

use super::{BlockNumber, Hash, Runtime, System};

/// `random(subject) = blake2_256(subject ‖ VRF pre-output of this block)`, see the module docs.
pub struct BlockVrfRandomness;

impl Randomness<Hash, BlockNumber> for BlockVrfRandomness {
	fn random(subject: &[u8]) -> (Hash, BlockNumber) {
		let mut material = subject.to_vec();
		let vrf = pallet_babe::Initialized::<Runtime>::get()
			.flatten()
			.and_then(|digest| digest.vrf_signature().map(|vrf| vrf.pre_output.encode()));
		match vrf {
			Some(pre_output) => material.extend_from_slice(&pre_output),
			None => material.extend_from_slice(System::parent_hash().as_ref()),
		}
		(BlakeTwo256::hash(&material), System::block_number())
	}
}
