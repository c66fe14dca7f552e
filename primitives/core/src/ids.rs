//! Identifiers of subnets and neurons.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Identifier of a subnet. Assigned in registration order and never reused, so a netuid names
/// one subnet for the life of the chain.
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
	PartialOrd,
	Ord,
	Hash,
	Default,
	Debug,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct NetUid(pub u16);

impl core::fmt::Display for NetUid {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		self.0.fmt(f)
	}
}

impl core::str::FromStr for NetUid {
	type Err = core::num::ParseIntError;

	/// A netuid in decimal, as command lines and URLs write it.
	fn from_str(text: &str) -> Result<Self, Self::Err> {
		text.parse().map(Self)
	}
}

/// Position of a neuron in its subnet, `0..max_uids`. A UID is reused when its neuron is
/// replaced or deregistered.
pub type Uid = u16;
