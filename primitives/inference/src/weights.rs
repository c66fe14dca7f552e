//! The weights commitment a validator publishes before revealing its weights (commit-reveal,
//! `pallet-emission`): `blake2_256(SCALE((hotkey, netuid, uids, values, salt, version_key)))`.
//! The pallet checks reveals and the validator worker commits with this one function.

use crate::Hash32;
use codec::Encode;

/// The commitment to `hotkey`'s weights `(uids, values)` on subnet `netuid`.
pub fn weights_commitment<A: Encode>(
	hotkey: &A,
	netuid: u16,
	uids: &[u16],
	values: &[u16],
	salt: u64,
	version_key: u64,
) -> Hash32 {
	sp_crypto_hashing::blake2_256(&(hotkey, netuid, uids, values, salt, version_key).encode())
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::vec;

	#[test]
	fn the_layout_is_scale_of_the_tuple() {
		// 32 hotkey bytes, netuid u16 LE, compact-length vectors of u16 LE, salt and version
		// u64 LE.
		let mut bytes = vec![1u8; 32];
		bytes.extend_from_slice(&[2, 0]);
		bytes.extend_from_slice(&[2 << 2, 3, 0, 4, 0]);
		bytes.extend_from_slice(&[2 << 2, 5, 0, 6, 0]);
		bytes.extend_from_slice(&7u64.to_le_bytes());
		bytes.extend_from_slice(&8u64.to_le_bytes());
		assert_eq!(
			weights_commitment(&[1u8; 32], 2, &[3, 4], &[5, 6], 7, 8),
			sp_crypto_hashing::blake2_256(&bytes)
		);
	}
}
