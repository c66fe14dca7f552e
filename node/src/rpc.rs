//! The node's RPC extensions on top of Substrate's standard `system_*`, `chain_*`, `state_*` and
//! `author_*` methods: account nonces (`system_accountNextIndex`), fee queries (`payment_*`), the
//! manual-seal `engine_*` methods when the node runs with `--sealing manual`, and Inferchain's
//! typed reads: `subnets_getSubnet` / `subnets_getNeurons` and `inference_getRequest` /
//! `inference_getResult` / `inference_listModels` / `inference_getMinerStats`.

use std::sync::Arc;

use futures::channel::mpsc;
use inferchain_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Nonce};
use jsonrpsee::RpcModule;
use sc_consensus_manual_seal::{
	rpc::{ManualSeal, ManualSealApiServer},
	EngineCommand,
};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// Everything the RPC extensions need.
pub struct FullDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// Where `engine_*` calls send sealing commands; `Some` only with `--sealing manual`.
	pub manual_seal_sink:
		Option<mpsc::Sender<EngineCommand<<Block as sp_runtime::traits::Block>::Hash>>>,
}

/// Builds the RPC extensions.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: pallet_subnets_runtime_api::SubnetsApi<Block, AccountId, Balance, BlockNumber>,
	C::Api: pallet_inference_runtime_api::InferenceApi<Block, AccountId, Balance, BlockNumber>,
	P: TransactionPool + 'static,
{
	use pallet_inference_rpc::{Inference, InferenceApiServer};
	use pallet_subnets_rpc::{Subnets, SubnetsApiServer};
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let FullDeps { client, pool, manual_seal_sink } = deps;
	let mut module = RpcModule::new(());
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(Subnets::new(client.clone()).into_rpc())?;
	module.merge(Inference::new(client).into_rpc())?;
	if let Some(sink) = manual_seal_sink {
		module.merge(ManualSeal::new(sink).into_rpc())?;
	}
	Ok(module)
}
