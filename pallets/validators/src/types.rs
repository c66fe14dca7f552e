//! The pallet's stored types.

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, DefaultNoBound, EqNoBound,
	PartialEqNoBound,
};
use scale_info::TypeInfo;
use sp_staking::SessionIndex;

/// Part of a bond on its way out: held (and slashable) until `session` starts.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
pub struct Unlock<Balance> {
	/// The first session in which it can be withdrawn.
	pub session: SessionIndex,
	/// How much.
	pub amount: Balance,
}

/// A validator's bond, all of it held from its account under `HoldReason::ValidatorBond`.
#[derive(
	CloneNoBound,
	DebugNoBound,
	DefaultNoBound,
	PartialEqNoBound,
	EqNoBound,
	Encode,
	Decode,
	MaxEncodedLen,
	TypeInfo,
)]
#[scale_info(skip_type_params(Max))]
#[codec(mel_bound(Balance: MaxEncodedLen))]
pub struct Ledger<Balance: Clone + core::fmt::Debug + PartialEq + Eq + Default, Max: Get<u32>> {
	/// The bond that counts in the election.
	pub active: Balance,
	/// Unbonding chunks, at most `Max`.
	pub unlocking: BoundedVec<Unlock<Balance>, Max>,
}
