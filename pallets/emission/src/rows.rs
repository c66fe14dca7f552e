//! Sparse rows as stored (weights, bonds): the UIDs and the values in two columns, so each row
//! decodes and encodes as two blocks of memory. SCALE copies a vector of numbers whole but
//! decodes a vector of pairs pair by pair, which made reading and writing a 4096-UID subnet's
//! rows a large part of its epoch.

use crate::Uid;
use alloc::vec::Vec;
use codec::{Decode, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, DefaultNoBound, EqNoBound,
	PartialEqNoBound,
};
use scale_info::TypeInfo;

/// A sparse row: `values[k]` at column `uids[k]`, columns ascending, at most `Bound` entries.
#[derive(
	Encode,
	Decode,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	DefaultNoBound,
)]
#[scale_info(skip_type_params(Bound))]
#[codec(mel_bound(Value: MaxEncodedLen, Bound: Get<u32>))]
pub struct StoredRow<Value: Copy + Eq + Debug, Bound: Get<u32>> {
	/// The columns, ascending.
	pub uids: BoundedVec<Uid, Bound>,
	/// The value in each of `uids`.
	pub values: BoundedVec<Value, Bound>,
}

impl<Value: Copy + Eq + Debug, Bound: Get<u32>> StoredRow<Value, Bound> {
	/// The row of `pairs` (ascending columns), cut at `Bound` entries.
	pub fn from_pairs(pairs: impl IntoIterator<Item = (Uid, Value)>) -> Self {
		let (uids, values): (Vec<Uid>, Vec<Value>) = pairs.into_iter().unzip();
		StoredRow {
			uids: BoundedVec::truncate_from(uids),
			values: BoundedVec::truncate_from(values),
		}
	}

	/// The `(uid, value)` pairs, in column order.
	pub fn pairs(&self) -> impl Iterator<Item = (Uid, Value)> + '_ {
		self.uids.iter().copied().zip(self.values.iter().copied())
	}

	/// Number of entries.
	pub fn len(&self) -> usize {
		self.uids.len().min(self.values.len())
	}

	/// Whether the row has no entry.
	pub fn is_empty(&self) -> bool {
		self.len() == 0
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_support::traits::ConstU32;

	#[test]
	fn a_row_is_stored_as_two_columns_and_cut_at_its_bound() {
		let row = StoredRow::<u32, ConstU32<2>>::from_pairs([(1, 5), (3, 7), (4, 9)]);
		assert_eq!(row.pairs().collect::<Vec<_>>(), vec![(1, 5), (3, 7)]);
		assert_eq!(row.len(), 2);
		// Compact length 2, the UIDs (u16), compact length 2, the values (u32).
		let expected = [8u8, 1, 0, 3, 0, 8, 5, 0, 0, 0, 7, 0, 0, 0];
		assert_eq!(row.encode(), expected.to_vec());
		assert_eq!(StoredRow::<u32, ConstU32<2>>::decode(&mut &expected[..]), Ok(row));
		assert!(StoredRow::<u16, ConstU32<2>>::default().is_empty());
	}
}
