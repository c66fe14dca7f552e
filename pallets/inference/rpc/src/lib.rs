//! # Inference RPC
//!
//! Typed JSON reads of the inference market through
//! [`pallet_inference_runtime_api::InferenceApi`], at the best block (or `at`):
//! `inference_getRequest(id)`, `inference_getResult(id)`, `inference_listModels()`,
//! `inference_getMinerStats(netuid, hotkey)`. Accounts are SS58 strings (prefix 42), balances
//! decimal strings, hashes `0x`-hex, outputs arrays of numbers (`f32`).
//!
//! Waiting for a result: subscribe to new heads (`chain_subscribeNewHeads`) or to the
//! `Inference` events (`state_subscribeStorage` on `System.Events`, as `@polkadot/api`'s
//! `api.query.system.events` does) and call `inference_getResult` when `ResultSubmitted` /
//! `ResultFinalized` names the request.

mod json;

pub use json::{
	MarketJson, MessageJson, ModelJson, RequestJson, ResultJson, ReviewJson, SeatJson, StatsJson,
	TextJson,
};

use std::sync::Arc;

use inferchain_primitives::NetUid;
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{error::ErrorObject, ErrorObjectOwned},
};
use pallet_inference_runtime_api::InferenceApi as InferenceRuntimeApi;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::crypto::{AccountId32, Ss58Codec};
use sp_runtime::traits::Block as BlockT;

/// The `inference_*` methods.
#[rpc(client, server)]
pub trait InferenceApi<BlockHash> {
	/// Request `id`: requester, subnet, model, input, fee, status (with the assigned miner and
	/// deadline, or the challenge window), the result if any and the open review; `null` if
	/// unknown or pruned.
	#[method(name = "inference_getRequest")]
	fn get_request(&self, id: u64, at: Option<BlockHash>) -> RpcResult<Option<RequestJson>>;

	/// The result of request `id` with its verification status (`pending`, `auditing`,
	/// `challenged`, `audited`, `final`, `rejected`, `expired`); `null` if unknown or pruned.
	#[method(name = "inference_getResult")]
	fn get_result(&self, id: u64, at: Option<BlockHash>) -> RpcResult<Option<ResultJson>>;

	/// Every registered model.
	#[method(name = "inference_listModels")]
	fn list_models(&self, at: Option<BlockHash>) -> RpcResult<Vec<ModelJson>>;

	/// What `hotkey` (SS58) did as a miner on `netuid`: results, finalized, audits passed and
	/// failed, timeouts.
	#[method(name = "inference_getMinerStats")]
	fn get_miner_stats(
		&self,
		netuid: u16,
		hotkey: String,
		at: Option<BlockHash>,
	) -> RpcResult<StatsJson>;

	/// The market settings of `netuid` (its owner's, else the runtime's defaults): what a
	/// request costs and how often results are audited; `null` if no such subnet.
	#[method(name = "inference_getMarket")]
	fn get_market(&self, netuid: u16, at: Option<BlockHash>) -> RpcResult<Option<MarketJson>>;
}

/// Serves the `inference_*` methods from a client's runtime API.
pub struct Inference<C, Block> {
	client: Arc<C>,
	_block: std::marker::PhantomData<Block>,
}

impl<C, Block> Inference<C, Block> {
	/// Serves reads through `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, _block: Default::default() }
	}
}

/// Error code of a failed runtime API call.
const RUNTIME_ERROR: i32 = 1;
/// Error code of a malformed argument.
const INVALID_ARGUMENT: i32 = 2;

fn runtime_error(error: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, "runtime API call failed", Some(error.to_string()))
}

impl<C, Block> InferenceApiServer<Block::Hash> for Inference<C, Block>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: InferenceRuntimeApi<Block, AccountId32, u128, u32>,
{
	fn get_request(&self, id: u64, at: Option<Block::Hash>) -> RpcResult<Option<RequestJson>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let view = self.client.runtime_api().request(at, id).map_err(runtime_error)?;
		Ok(view.map(RequestJson::from))
	}

	fn get_result(&self, id: u64, at: Option<Block::Hash>) -> RpcResult<Option<ResultJson>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let view = self.client.runtime_api().request(at, id).map_err(runtime_error)?;
		Ok(view.as_ref().map(ResultJson::from))
	}

	fn list_models(&self, at: Option<Block::Hash>) -> RpcResult<Vec<ModelJson>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let models = self.client.runtime_api().models(at).map_err(runtime_error)?;
		Ok(models.into_iter().map(ModelJson::from).collect())
	}

	fn get_miner_stats(
		&self,
		netuid: u16,
		hotkey: String,
		at: Option<Block::Hash>,
	) -> RpcResult<StatsJson> {
		let hotkey = AccountId32::from_ss58check(&hotkey).map_err(|error| {
			ErrorObject::owned(INVALID_ARGUMENT, "invalid SS58 hotkey", Some(format!("{error:?}")))
		})?;
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let stats = self
			.client
			.runtime_api()
			.miner_stats(at, NetUid(netuid), hotkey)
			.map_err(runtime_error)?;
		Ok(StatsJson::from(stats))
	}

	fn get_market(&self, netuid: u16, at: Option<Block::Hash>) -> RpcResult<Option<MarketJson>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let market = self.client.runtime_api().market(at, NetUid(netuid)).map_err(runtime_error)?;
		Ok(market.map(MarketJson::from))
	}
}
