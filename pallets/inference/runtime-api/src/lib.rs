//! # Inference runtime API
//!
//! What the node's `inference_*` RPC methods read: a request with its result and open review,
//! the registered models, a subnet's market settings and a miner's record. The pallet's own
//! record types are reused with plain vectors in place of bounded ones.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use inferchain_inference::ModelId;
use inferchain_primitives::NetUid;
use pallet_inference::{
	ChatMessage, MarketParams, MinerStats, ModelInfo, PanelSeat, Request, RequestId, Review,
	TextTask,
};
use scale_info::TypeInfo;

/// A request as clients see it.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct RequestView<AccountId, Balance, BlockNumber> {
	/// Its id.
	pub id: RequestId,
	/// The request record, with the miner's answer once submitted.
	pub request: RequestRecord<AccountId, Balance, BlockNumber>,
	/// The audit or challenge under way, if any.
	pub review: Option<Review<AccountId, Balance, BlockNumber, Vec<PanelSeat<AccountId>>>>,
}

/// What a text-generation request carries besides its input.
pub type TextView<Balance> = TextTask<Vec<ChatMessage<Vec<u8>>>, Vec<Vec<u8>>, Balance>;

/// The pallet's request record with plain vectors.
pub type RequestRecord<AccountId, Balance, BlockNumber> =
	Request<AccountId, Balance, BlockNumber, Vec<u8>, Vec<u8>, TextView<Balance>, Vec<u8>>;

/// A registered model.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct ModelView<AccountId, Balance, BlockNumber> {
	/// Its id.
	pub model_id: ModelId,
	/// Its record.
	pub info: ModelInfo<AccountId, Balance, BlockNumber, Vec<u8>>,
}

sp_api::decl_runtime_apis! {
	/// Reads of the inference market.
	pub trait InferenceApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Request `id` with its result and review, or `None` if unknown (or pruned).
		fn request(id: RequestId) -> Option<RequestView<AccountId, Balance, BlockNumber>>;
		/// Every registered model.
		fn models() -> Vec<ModelView<AccountId, Balance, BlockNumber>>;
		/// The market settings of `netuid`, or `None` if it is not registered.
		fn market(netuid: NetUid) -> Option<MarketParams<Balance>>;
		/// What `hotkey` did as a miner on `netuid`.
		fn miner_stats(netuid: NetUid, hotkey: AccountId) -> MinerStats;
	}
}
