//! Records the pallet stores.

use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// A share pool: `stake` owned by `shares` shares. When a slash empties the stake while shares
/// remain, the next deposit starts a new `generation` and older positions are worth nothing.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Default)]
pub struct Pool<Balance> {
	/// Balance the pool holds.
	pub stake: Balance,
	/// Shares outstanding in the current generation.
	pub shares: u128,
	/// Bumped when a wiped-out pool is refilled.
	pub generation: u32,
}

/// A coldkey's shares in a pool.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Default)]
pub struct Position {
	/// Shares owned.
	pub shares: u128,
	/// Generation of the pool the shares were minted in.
	pub generation: u32,
}

/// Stake on its way out: shares of the hotkey's unbonding pool, withdrawable from `unlocks_at`.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct UnbondingChunk<BlockNumber> {
	/// Shares of the unbonding pool.
	pub shares: u128,
	/// Generation of the unbonding pool the shares were minted in.
	pub generation: u32,
	/// First block in which the chunk may be withdrawn.
	pub unlocks_at: BlockNumber,
}

/// A hotkey's validator take: the cut of its rewards paid to its owner before the rest is
/// shared among all its stakers.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct Take<BlockNumber> {
	/// The cut.
	pub take: Perbill,
	/// Block of the latest change (increases are rate-limited).
	pub changed_at: BlockNumber,
}

/// UIDs per page of a subnet's stake ledger (`Ledger`): an epoch reads and writes
/// `MaxUids / LEDGER_PAGE` pages, a call touching one pool one page.
pub const LEDGER_PAGE: u16 = 128;

/// A registered UID in its subnet's stake ledger: what an epoch needs of the hotkey holding it,
/// without reading its pool.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct LedgerEntry<AccountId, Balance> {
	/// The hotkey holding the UID.
	pub hotkey: AccountId,
	/// The stake of its bonded pool (kept equal to the pool's `stake`).
	pub bonded: Balance,
	/// Rewards paid to it by epochs and not yet added to its pool: they count as its stake at
	/// once and are split with the take when the pool is next touched (or the UID is left).
	pub accrued: Balance,
}

impl<AccountId, Balance: sp_runtime::Saturating + Copy> LedgerEntry<AccountId, Balance> {
	/// The hotkey's bonded stake, accrued rewards included.
	pub fn stake(&self) -> Balance {
		self.bonded.saturating_add(self.accrued)
	}
}
