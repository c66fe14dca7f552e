//! # Inference RPC
//!
//! The node's side of [`inferchain_rpc_api::InferenceApi`]: typed JSON reads of the inference
//! market through [`pallet_inference_runtime_api::InferenceApi`], at the best block (or `at`):
//! `inference_getRequest(id)`, `inference_getResult(id)`, `inference_listModels()`,
//! `inference_getMinerStats(netuid, hotkey)`, `inference_getMarket(netuid)`. The JSON shapes
//! are [`inferchain_rpc_api`]'s (clients use that crate's `InferenceApiClient`).
//!
//! Waiting for a result: subscribe to new heads (`chain_subscribeNewHeads`) or to the
//! `Inference` events (`state_subscribeStorage` on `System.Events`, as `@polkadot/api`'s
//! `api.query.system.events` does) and call `inference_getResult` when `ResultSubmitted` /
//! `ResultFinalized` names the request.

mod json;

pub use inferchain_rpc_api::{InferenceApiClient, InferenceApiServer};

use std::sync::Arc;

use inferchain_primitives::NetUid;
use inferchain_rpc_api::{MarketJson, ModelJson, RequestId, RequestJson, ResultJson, StatsJson};
use jsonrpsee::{
	core::RpcResult,
	types::{error::ErrorObject, ErrorObjectOwned},
};
use pallet_inference_runtime_api::InferenceApi as InferenceRuntimeApi;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::crypto::{AccountId32, Ss58Codec};
use sp_runtime::traits::Block as BlockT;

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
	fn get_request(
		&self,
		id: RequestId,
		at: Option<Block::Hash>,
	) -> RpcResult<Option<RequestJson>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let view = self.client.runtime_api().request(at, id.0).map_err(runtime_error)?;
		Ok(view.map(json::request))
	}

	fn get_result(&self, id: RequestId, at: Option<Block::Hash>) -> RpcResult<Option<ResultJson>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let view = self.client.runtime_api().request(at, id.0).map_err(runtime_error)?;
		Ok(view.as_ref().map(json::result))
	}

	fn list_models(&self, at: Option<Block::Hash>) -> RpcResult<Vec<ModelJson>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let models = self.client.runtime_api().models(at).map_err(runtime_error)?;
		Ok(models.into_iter().map(json::model).collect())
	}

	fn get_miner_stats(
		&self,
		netuid: NetUid,
		hotkey: String,
		at: Option<Block::Hash>,
	) -> RpcResult<StatsJson> {
		let hotkey = AccountId32::from_ss58check(&hotkey).map_err(|error| {
			ErrorObject::owned(INVALID_ARGUMENT, "invalid SS58 hotkey", Some(format!("{error:?}")))
		})?;
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let stats =
			self.client.runtime_api().miner_stats(at, netuid, hotkey).map_err(runtime_error)?;
		Ok(json::stats(stats))
	}

	fn get_market(&self, netuid: NetUid, at: Option<Block::Hash>) -> RpcResult<Option<MarketJson>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let market = self.client.runtime_api().market(at, netuid).map_err(runtime_error)?;
		Ok(market.map(json::market))
	}
}
