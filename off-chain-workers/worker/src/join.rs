//! What both roles do first: load the keys and the model, connect, check the subnet serves
//! this model, fund the hotkey's fees from the coldkey, register the hotkey, and declare the
//! model it runs.

use crate::{
	chain::Chain,
	cli::{ChainArgs, KeyArgs, ModelArgs},
	keys, loader,
};
use anyhow::{anyhow, bail};
use inferchain_engine::{hex, EmbeddingModel};
use inferchain_inference::ModelId;
use inferchain_rpc_api::{NetUid, TaskKind};
use subxt_signer::sr25519::Keypair;

/// A worker that has joined its subnet.
pub struct Joined {
	/// Pays registration and stake.
	pub coldkey: Keypair,
	/// The neuron's key.
	pub hotkey: Keypair,
	/// The loaded model (its id is the subnet's).
	pub model: EmbeddingModel,
	/// The connection.
	pub chain: Chain,
	/// The hotkey's UID.
	pub uid: u16,
}

/// A worker registered on its subnet (its model loaded by the caller).
pub struct JoinedSubnet {
	/// Pays registration and stake.
	pub coldkey: Keypair,
	/// The neuron's key.
	pub hotkey: Keypair,
	/// The connection.
	pub chain: Chain,
	/// The hotkey's UID.
	pub uid: u16,
}

/// Keys, embedding model, connection, model check, registration.
pub async fn join(
	chain_args: &ChainArgs,
	key_args: &KeyArgs,
	model_args: &ModelArgs,
	max_burn: u128,
) -> anyhow::Result<Joined> {
	let model = loader::load(model_args).await?;
	let JoinedSubnet { coldkey, hotkey, chain, uid } =
		join_subnet(chain_args, key_args, &model.id(), TaskKind::Embedding, max_burn).await?;
	Ok(Joined { coldkey, hotkey, model, chain, uid })
}

/// Keys, connection, the check that the subnet's task is `kind` with `model_id`, funding and
/// registration.
pub async fn join_subnet(
	chain_args: &ChainArgs,
	key_args: &KeyArgs,
	model_id: &ModelId,
	kind: TaskKind,
	max_burn: u128,
) -> anyhow::Result<JoinedSubnet> {
	let coldkey =
		keys::load("coldkey", key_args.coldkey_suri.as_deref(), key_args.coldkey_file.as_deref())?;
	let hotkey =
		keys::load("hotkey", key_args.hotkey_suri.as_deref(), key_args.hotkey_file.as_deref())?;
	let chain = Chain::connect_retrying(&chain_args.chain).await;
	check_subnet_model(&chain, chain_args.netuid, model_id, kind).await?;
	chain.ensure_funded(&coldkey, &hotkey, key_args.hotkey_funds).await?;
	let uid = chain.ensure_registered(chain_args.netuid, &coldkey, &hotkey, max_burn).await?;
	// Only this model's requests and reviews: a switch of the subnet's model never fines it.
	chain.declare_model(chain_args.netuid, &hotkey, model_id).await?;
	Ok(JoinedSubnet { coldkey, hotkey, chain, uid })
}

/// Fails unless subnet `netuid` exists, has a task of `kind`,
/// and names `model_id`.
pub async fn check_subnet_model(
	chain: &Chain,
	netuid: NetUid,
	model_id: &ModelId,
	kind: TaskKind,
) -> anyhow::Result<()> {
	let subnet =
		chain.subnet(netuid).await?.ok_or_else(|| anyhow!("there is no subnet {netuid}"))?;
	let task = subnet.task.ok_or_else(|| {
		anyhow!("subnet {netuid} has no task yet: its owner sets one (`inferchain-worker subnet`)")
	})?;
	if task.kind != kind {
		bail!("subnet {netuid}'s task is {:?}; this worker serves {kind:?}", task.kind);
	}
	if &task.model_id.0 != model_id {
		bail!(
			"refusing to serve: subnet {netuid} runs model {}, these files and profile are 0x{}",
			task.model_id,
			hex(model_id)
		);
	}
	Ok(())
}
