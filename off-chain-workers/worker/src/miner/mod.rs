//! The `miner` role: checks the local model is the subnet's, registers the hotkey, publishes the
//! endpoint, answers the requests the chain assigns to it ([`assignments`]) and serves the
//! OpenAI-compatible embeddings API with a signed receipt per answer; with `--gguf`, a text
//! generation model's chat and completion APIs instead ([`text`]).

pub(crate) mod assignments;
pub(crate) mod http;
mod limits;
pub(crate) mod text;

use crate::{
	chain::Chain,
	cli::MinerArgs,
	join::{join, Joined},
	metrics::Metrics,
};
use anyhow::Context;
use inferchain_engine::{BatchOptions, Batcher};
use inferchain_inference::{ComparisonRule, ModelId};
use inferchain_rpc_api::{NetUid, ProtocolJson};
use std::{
	net::SocketAddr,
	sync::{atomic::AtomicU32, Arc},
	time::Duration,
};
use subxt_signer::sr25519::Keypair;

/// What the HTTP handlers share.
pub struct MinerState {
	batcher: Batcher,
	model_id: ModelId,
	model_name: String,
	rule: ComparisonRule,
	hotkey: Keypair,
	/// Latest best block followed (receipts carry it).
	block: AtomicU32,
	perturb: Option<f32>,
	/// Answer assignments with NaN values (`--nan-output`).
	nan_output: bool,
	metrics: Arc<Metrics>,
	/// Requests in flight per client of the public API.
	limits: limits::ClientLimits,
}

/// Runs the miner until SIGTERM/Ctrl-C.
pub async fn run(args: MinerArgs) -> anyhow::Result<()> {
	if args.model.gguf.is_some() {
		return text::run(args).await;
	}
	let netuid = args.chain.netuid;
	let Joined { coldkey, hotkey, model, chain, uid } =
		join(&args.chain, &args.keys, &args.model, args.max_burn).await?;
	if let Some(stake) = args.stake {
		chain.ensure_stake(netuid, &coldkey, &hotkey, stake).await?;
	}
	let model_id = model.id();
	let rule = model.options().profile.rule;

	let listener = tokio::net::TcpListener::bind(args.listen)
		.await
		.with_context(|| format!("listening on {}", args.listen))?;
	let public = args.public_addr.unwrap_or(listener.local_addr()?);
	publish_endpoint(&chain, netuid, &hotkey, public).await?;

	let batcher = Batcher::start(
		model,
		BatchOptions {
			max_batch: args.max_batch,
			max_wait: Duration::from_millis(args.max_wait_ms),
			max_queue: args.max_queue,
		},
	)?;
	let metrics = Metrics::new();
	let state = Arc::new(MinerState {
		batcher,
		model_id,
		model_name: args.model.name(),
		rule,
		hotkey,
		block: AtomicU32::new(chain.finalized_number().await.unwrap_or(0)),
		perturb: args.perturb,
		nan_output: args.nan_output,
		metrics,
		limits: limits::ClientLimits::new(args.max_client_requests),
	});
	if args.perturb.is_some() {
		tracing::warn!("--perturb is set: this miner returns WRONG outputs (testing audits only)");
	}
	if args.nan_output {
		tracing::warn!("--nan-output is set: this miner answers assignments with NaN (testing)");
	}
	let follower =
		tokio::spawn(assignments::follow(args.chain.chain.clone(), state.clone(), chain));
	tracing::info!(uid, %netuid, %public, "serving /v1/embeddings");
	let service = http::router(state).into_make_service_with_connect_info::<SocketAddr>();
	let shutdown = crate::shutdown::Shutdown::on_signal();
	shutdown
		.serve(
			axum::serve(listener, service).with_graceful_shutdown(shutdown.requested()),
			crate::shutdown::DRAIN,
		)
		.await?;
	follower.abort();
	tracing::info!("miner stopped");
	Ok(())
}

/// Publishes `addr` as the hotkey's HTTP endpoint unless the chain already has it.
async fn publish_endpoint(
	chain: &Chain,
	netuid: NetUid,
	hotkey: &Keypair,
	addr: SocketAddr,
) -> anyhow::Result<()> {
	let current = chain.neuron_of(netuid, hotkey).await?.and_then(|n| n.endpoint);
	if let Some(endpoint) = current {
		if endpoint.ip == addr.ip().to_string()
			&& endpoint.port == addr.port()
			&& endpoint.protocol == ProtocolJson::Http
		{
			return Ok(());
		}
	}
	chain.submit(hotkey, crate::calls::serve_endpoint(netuid, addr)).await?;
	tracing::info!(%addr, "endpoint published");
	Ok(())
}
