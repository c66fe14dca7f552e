//! The `miner` role: checks the local model is the subnet's, registers the hotkey, publishes the
//! endpoint, follows finalized blocks and serves the OpenAI-compatible embeddings API with a
//! signed receipt per answer.

mod http;

use crate::{
	chain::{hash_from_hex, Chain},
	cli::MinerArgs,
	keys, loader,
	metrics::Metrics,
};
use anyhow::{anyhow, bail, Context};
use inferchain_engine::{hex, BatchOptions, Batcher};
use inferchain_inference::{ComparisonRule, ModelId};
use std::{
	net::{IpAddr, SocketAddr},
	sync::{atomic::AtomicU32, Arc},
	time::Duration,
};
use subxt::dynamic::Value;
use subxt_signer::sr25519::Keypair;

/// What the HTTP handlers share.
pub struct MinerState {
	batcher: Batcher,
	model_id: ModelId,
	model_name: String,
	rule: ComparisonRule,
	hotkey: Keypair,
	/// Latest finalized block seen (receipts carry it).
	block: AtomicU32,
	perturb: Option<f32>,
	metrics: Arc<Metrics>,
}

/// Checks that the chain's subnet `netuid` serves `model_id`; returns the chain's id.
pub async fn check_subnet_model(
	chain: &Chain,
	netuid: u16,
	model_id: &ModelId,
) -> anyhow::Result<()> {
	let subnet =
		chain.subnet(netuid).await?.ok_or_else(|| anyhow!("there is no subnet {netuid}"))?;
	let task = subnet.task.ok_or_else(|| {
		anyhow!("subnet {netuid} has no task yet: its owner sets one (`inferchain-worker subnet`)")
	})?;
	if task.kind != "embedding" {
		bail!("subnet {netuid}'s task is `{}`; this worker serves embeddings", task.kind);
	}
	let expected = hash_from_hex(&task.model_id)?;
	if &expected != model_id {
		bail!(
			"refusing to serve: subnet {netuid} runs model {}, these files and profile are 0x{}",
			task.model_id,
			hex(model_id)
		);
	}
	Ok(())
}

/// Runs the miner until SIGTERM/Ctrl-C.
pub async fn run(args: MinerArgs) -> anyhow::Result<()> {
	let coldkey = keys::load(
		"coldkey",
		args.keys.coldkey_suri.as_deref(),
		args.keys.coldkey_file.as_deref(),
	)?;
	let hotkey =
		keys::load("hotkey", args.keys.hotkey_suri.as_deref(), args.keys.hotkey_file.as_deref())?;
	let netuid = args.chain.netuid;
	let model = loader::load(&args.model).await?;
	let model_id = model.id();
	let rule = model.options().profile.rule;

	let chain = Chain::connect_retrying(&args.chain.chain).await;
	check_subnet_model(&chain, netuid, &model_id).await?;
	let uid = chain.ensure_registered(netuid, &coldkey, &hotkey, args.max_burn).await?;

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
		},
	)?;
	let metrics = Metrics::new();
	let state = Arc::new(MinerState {
		batcher,
		model_id,
		model_name: args.model.model_name.clone(),
		rule,
		hotkey,
		block: AtomicU32::new(chain.finalized_number().await.unwrap_or(0)),
		perturb: args.perturb,
		metrics,
	});
	if args.perturb.is_some() {
		tracing::warn!("--perturb is set: this miner returns WRONG outputs (testing audits only)");
	}
	let follower =
		tokio::spawn(follow_finalized(args.chain.chain.clone(), state.clone(), Some(chain)));
	tracing::info!(uid, netuid, %public, "serving /v1/embeddings");
	axum::serve(listener, http::router(state))
		.with_graceful_shutdown(crate::shutdown_signal())
		.await?;
	follower.abort();
	tracing::info!("miner stopped");
	Ok(())
}

/// Publishes `addr` as the hotkey's HTTP endpoint unless the chain already has it.
async fn publish_endpoint(
	chain: &Chain,
	netuid: u16,
	hotkey: &Keypair,
	addr: SocketAddr,
) -> anyhow::Result<()> {
	let current = chain.neuron_of(netuid, hotkey).await?.and_then(|n| n.endpoint);
	if let Some(endpoint) = current {
		if endpoint.ip == addr.ip().to_string()
			&& endpoint.port == addr.port()
			&& endpoint.protocol == "http"
		{
			return Ok(());
		}
	}
	let ip = match addr.ip() {
		IpAddr::V4(ip) => Value::unnamed_variant("V4", [Value::from_bytes(ip.octets())]),
		IpAddr::V6(ip) => Value::unnamed_variant("V6", [Value::from_bytes(ip.octets())]),
	};
	let args = vec![
		Value::u128(u128::from(netuid)),
		ip,
		Value::u128(u128::from(addr.port())),
		Value::unnamed_variant("Http", []),
	];
	chain.submit(hotkey, "Subnets", "serve_endpoint", args).await?;
	tracing::info!(%addr, "endpoint published");
	Ok(())
}

/// Keeps `state.block` at the latest finalized block, reconnecting whenever the node goes away.
async fn follow_finalized(url: String, state: Arc<MinerState>, mut chain: Option<Chain>) {
	loop {
		let connected = match chain.take() {
			Some(chain) => chain,
			None => Chain::connect_retrying(&url).await,
		};
		match connected.api.stream_blocks().await {
			Ok(mut blocks) => {
				while let Some(block) = blocks.next().await {
					match block {
						Ok(block) => {
							let number = u32::try_from(block.number()).unwrap_or(u32::MAX);
							state.block.store(number, std::sync::atomic::Ordering::Relaxed);
							state.metrics.finalized_block.set(i64::from(number));
						},
						Err(err) => {
							tracing::warn!("finalized block stream: {err}");
							break;
						},
					}
				}
			},
			Err(err) => tracing::warn!("cannot follow finalized blocks: {err}"),
		}
		tracing::warn!("lost the node; reconnecting");
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}
