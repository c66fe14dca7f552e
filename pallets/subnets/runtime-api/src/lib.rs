//! # Subnets runtime API
//!
//! What the node's `subnets_getSubnet` and `subnets_getNeurons` RPC methods read: one subnet's
//! record and its metagraph (every occupied UID with hotkey, coldkey, stake, validator permit
//! and endpoint), assembled by the runtime from the subnets and stake pallets.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use inferchain_primitives::{NetUid, Uid};
use pallet_subnets::{Endpoint, SubnetHyperparams, SubnetTask};
use scale_info::TypeInfo;

/// A subnet as clients see it.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct SubnetView<AccountId, Balance, BlockNumber> {
	/// The subnet.
	pub netuid: NetUid,
	/// Its owner (coldkey).
	pub owner: AccountId,
	/// The lock held from the owner.
	pub locked: Balance,
	/// Block of registration.
	pub registered_at: BlockNumber,
	/// Its hyperparameters.
	pub hyperparams: SubnetHyperparams<Balance>,
	/// Its task, once set.
	pub task: Option<SubnetTask>,
	/// The burn a registration pays in the current block.
	pub registration_burn: Balance,
	/// UIDs in use (occupied or vacant).
	pub uids_in_use: u16,
	/// Occupied UIDs.
	pub neurons: u16,
	/// Bonded stake on all of its hotkeys.
	pub total_stake: Balance,
}

/// One neuron of a subnet's metagraph.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct NeuronView<AccountId, Balance, BlockNumber> {
	/// Its UID.
	pub uid: Uid,
	/// Its hotkey.
	pub hotkey: AccountId,
	/// The coldkey owning the hotkey.
	pub coldkey: AccountId,
	/// Bonded stake on the hotkey in this subnet (own and delegated).
	pub stake: Balance,
	/// Whether it holds a validator permit.
	pub validator_permit: bool,
	/// Whether its coldkey declared it a validator (else it mines).
	pub validator: bool,
	/// Block of registration.
	pub registered_at: BlockNumber,
	/// Latest emission, used for pruning.
	pub pruning_score: u64,
	/// Whether the subnet owner's coldkey registered it (never pruned).
	pub owner_neuron: bool,
	/// Where it serves, if published.
	pub endpoint: Option<Endpoint<BlockNumber>>,
}

sp_api::decl_runtime_apis! {
	/// Reads of subnets and their neurons.
	pub trait SubnetsApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// The subnet `netuid`, or `None` if it is not registered.
		fn subnet(netuid: NetUid) -> Option<SubnetView<AccountId, Balance, BlockNumber>>;
		/// The occupied UIDs of `netuid` in UID order, or `None` if it is not registered.
		fn neurons(netuid: NetUid) -> Option<Vec<NeuronView<AccountId, Balance, BlockNumber>>>;
	}
}
