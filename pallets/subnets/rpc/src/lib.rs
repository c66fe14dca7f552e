//! # Subnets RPC
//!
//! `subnets_getSubnet(netuid, at?)` and `subnets_getNeurons(netuid, at?)`: one subnet and its
//! metagraph as JSON, read through [`pallet_subnets_runtime_api::SubnetsApi`] at the best block
//! (or `at`). Accounts are SS58 strings (prefix 42); balances are decimal strings, since
//! JavaScript numbers cannot hold 128-bit amounts; fractions are parts per billion.

mod json;

pub use json::{EndpointJson, HyperparamsJson, NeuronJson, SubnetJson, TaskJson};

use std::sync::Arc;

use inferchain_primitives::NetUid;
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{error::ErrorObject, ErrorObjectOwned},
};
use pallet_subnets_runtime_api::SubnetsApi as SubnetsRuntimeApi;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::crypto::AccountId32;
use sp_runtime::traits::Block as BlockT;

/// The `subnets_*` methods.
#[rpc(client, server)]
pub trait SubnetsApi<BlockHash> {
	/// The subnet `netuid` (owner, lock, hyperparameters, task, current registration burn, UID
	/// counts, total stake), or `null` if it is not registered.
	#[method(name = "subnets_getSubnet")]
	fn get_subnet(&self, netuid: u16, at: Option<BlockHash>) -> RpcResult<Option<SubnetJson>>;

	/// The occupied UIDs of `netuid` in UID order (hotkey, coldkey, stake, validator permit,
	/// endpoint…), or `null` if it is not registered.
	#[method(name = "subnets_getNeurons")]
	fn get_neurons(&self, netuid: u16, at: Option<BlockHash>)
		-> RpcResult<Option<Vec<NeuronJson>>>;
}

/// Serves the `subnets_*` methods from a client's runtime API.
pub struct Subnets<C, Block> {
	client: Arc<C>,
	_block: std::marker::PhantomData<Block>,
}

impl<C, Block> Subnets<C, Block> {
	/// Serves reads through `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, _block: Default::default() }
	}
}

/// Error code of a failed runtime API call.
const RUNTIME_ERROR: i32 = 1;

fn runtime_error(error: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, "runtime API call failed", Some(error.to_string()))
}

impl<C, Block> SubnetsApiServer<Block::Hash> for Subnets<C, Block>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: SubnetsRuntimeApi<Block, AccountId32, u128, u32>,
{
	fn get_subnet(&self, netuid: u16, at: Option<Block::Hash>) -> RpcResult<Option<SubnetJson>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let subnet = self.client.runtime_api().subnet(at, NetUid(netuid)).map_err(runtime_error)?;
		Ok(subnet.map(SubnetJson::from))
	}

	fn get_neurons(
		&self,
		netuid: u16,
		at: Option<Block::Hash>,
	) -> RpcResult<Option<Vec<NeuronJson>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let neurons =
			self.client.runtime_api().neurons(at, NetUid(netuid)).map_err(runtime_error)?;
		Ok(neurons.map(|neurons| neurons.into_iter().map(NeuronJson::from).collect()))
	}
}
