//! # Subnets RPC
//!
//! The node's side of [`inferchain_rpc_api::SubnetsApi`]: `subnets_getSubnet(netuid, at?)` and
//! `subnets_getNeurons(netuid, at?)`, one subnet and its metagraph, read through
//! [`pallet_subnets_runtime_api::SubnetsApi`] at the best block (or `at`). The JSON shapes are
//! [`inferchain_rpc_api`]'s (clients use that crate's `SubnetsApiClient`).

mod json;

pub use inferchain_rpc_api::{SubnetsApiClient, SubnetsApiServer};

use std::sync::Arc;

use inferchain_primitives::NetUid;
use inferchain_rpc_api::{NeuronJson, SubnetJson};
use jsonrpsee::{
	core::RpcResult,
	types::{error::ErrorObject, ErrorObjectOwned},
};
use pallet_subnets_runtime_api::SubnetsApi as SubnetsRuntimeApi;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::crypto::AccountId32;
use sp_runtime::traits::Block as BlockT;

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
	fn get_subnet(&self, netuid: NetUid, at: Option<Block::Hash>) -> RpcResult<Option<SubnetJson>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let subnet = self.client.runtime_api().subnet(at, netuid).map_err(runtime_error)?;
		Ok(subnet.map(json::subnet))
	}

	fn get_neurons(
		&self,
		netuid: NetUid,
		at: Option<Block::Hash>,
	) -> RpcResult<Option<Vec<NeuronJson>>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let neurons = self.client.runtime_api().neurons(at, netuid).map_err(runtime_error)?;
		Ok(neurons.map(|neurons| neurons.into_iter().map(json::neuron).collect()))
	}
}
