//! The `gateway` role: an OpenAI-compatible endpoint for dApps that turns each call into a paid
//! on-chain request signed by the gateway's requester key, and answers with the result as soon
//! as a miner has answered on chain, with its verification status, request id, miner and
//! commitment in an `inferchain` field.
//!
//! - `POST /v1/chat/completions`, `POST /v1/completions` (streamed as server-sent events on
//!   request): `Inference.submit_text_request` on `--text-netuid`; the tokens the chain holds
//!   are read with the model's own tokenizer (`--gguf`, checked against the subnet's model id).
//! - `POST /v1/embeddings`: one `Inference.submit_request` per input on `--embedding-netuid`.
//! - `GET /v1/models`, `GET /v1/requests/{id}` (a request followed to final), `/metrics`,
//!   `/health`.
//!
//! Errors come in OpenAI's shape: `400` for what the chain refuses as input, `402` when the
//! requester key cannot pay or `--max-spend` would be exceeded, `429` when the market is busy,
//! `504` when no miner answers, `502` when the answer was found wrong before it could be served.

mod embeddings;
mod submit;
mod text;

use crate::{
	chain::Chain,
	cli::GatewayArgs,
	metrics::Metrics,
	miner::http::{error, record},
};
use anyhow::{anyhow, Context};
use axum::{
	extract::{Path, State},
	http::StatusCode,
	response::{IntoResponse, Response},
	routing::{get, post},
	Json, Router,
};
use inferchain_engine::{hex, TextFrontend};
use inferchain_inference::ModelId;
use inferchain_rpc_api::{NetUid, RequestId, TaskKind};
use std::{
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};
use subxt_signer::sr25519::Keypair;

/// A subnet the gateway serves.
#[derive(Clone, Debug)]
pub struct Served {
	/// Its netuid.
	pub netuid: NetUid,
	/// Its task's model id.
	pub model_id: ModelId,
	/// The model's registered name (what `model` may say besides the `0x` id).
	pub model_name: String,
	/// Values per input (embeddings) or the vocabulary size (text).
	pub output_dim: u32,
}

/// The chain's bounds on a request, read at start: calls past them get a `400` before anything
/// is paid.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
	/// `MaxInputLen`: bytes of an input (a chat's contents together).
	pub max_input: usize,
	/// `MaxMessages`.
	pub max_messages: usize,
	/// `MaxStops`.
	pub max_stops: usize,
	/// `MaxStopLen`.
	pub max_stop_len: usize,
}

/// Most inputs of one embeddings call (each is an on-chain request).
pub const MAX_EMBEDDING_INPUTS: usize = 64;

impl Served {
	/// Whether a request's `model` names this subnet's model.
	fn is_named(&self, model: &str) -> bool {
		model == self.model_name || model == format!("0x{}", hex(&self.model_id))
	}
}

/// What the handlers share.
pub struct Gateway {
	chain: Chain,
	requester: Keypair,
	text: Option<(Served, TextFrontend)>,
	embeddings: Option<Served>,
	spend: Spend,
	limits: Limits,
	answer_timeout: Duration,
	metrics: Arc<Metrics>,
}

/// What the gateway has committed of the requester's funds: fees held for its open requests
/// and fees paid, against `--max-spend`.
pub struct Spend {
	limit: Option<u128>,
	committed: Mutex<u128>,
}

impl Spend {
	/// Commits `fee` unless that would pass the limit.
	fn reserve(&self, fee: u128) -> bool {
		let Ok(mut committed) = self.committed.lock() else { return false };
		let after = committed.saturating_add(fee);
		if self.limit.is_some_and(|limit| after > limit) {
			return false;
		}
		*committed = after;
		true
	}

	/// Counts `amount` spent for good (a transaction fee).
	fn charge(&self, amount: u128) {
		if let Ok(mut committed) = self.committed.lock() {
			*committed = committed.saturating_add(amount);
		}
	}

	/// Gives back `amount` the chain refunded (or never took).
	fn release(&self, amount: u128) {
		if let Ok(mut committed) = self.committed.lock() {
			*committed = committed.saturating_sub(amount);
		}
	}
}

/// Runs the gateway until SIGTERM/Ctrl-C.
pub async fn run(args: GatewayArgs) -> anyhow::Result<()> {
	anyhow::ensure!(
		args.text_netuid.is_some() || args.embedding_netuid.is_some(),
		"serve at least one subnet: --text-netuid and/or --embedding-netuid"
	);
	let requester = crate::keys::load(
		"requester",
		args.requester_suri.as_deref(),
		args.requester_file.as_deref(),
	)?;
	let chain = Chain::connect(&args.chain).await?;
	let text = match args.text_netuid {
		Some(netuid) => {
			let served = served(&chain, netuid, TaskKind::TextGeneration).await?;
			let gguf = args
				.gguf
				.as_deref()
				.ok_or_else(|| anyhow!("--gguf is required with --text-netuid"))?;
			let frontend = load_frontend(gguf, &chain, &served).await?;
			Some((served, frontend))
		},
		None => None,
	};
	let embeddings = match args.embedding_netuid {
		Some(netuid) => Some(served(&chain, netuid, TaskKind::Embedding).await?),
		None => None,
	};
	let limits = limits(&chain).await?;
	let listener = tokio::net::TcpListener::bind(args.listen)
		.await
		.with_context(|| format!("listening on {}", args.listen))?;
	let address = crate::keys::address(&requester);
	let gateway = Arc::new(Gateway {
		chain,
		requester,
		text,
		embeddings,
		spend: Spend { limit: args.max_spend, committed: Mutex::new(0) },
		limits,
		answer_timeout: Duration::from_secs(args.answer_timeout_secs),
		metrics: Metrics::new(),
	});
	tracing::info!(
		listen = %listener.local_addr()?,
		requester = %address,
		text_netuid = ?args.text_netuid,
		embedding_netuid = ?args.embedding_netuid,
		"gateway serving /v1 (OpenAI-compatible)"
	);
	let shutdown = crate::shutdown::Shutdown::on_signal();
	shutdown
		.serve(
			axum::serve(listener, router(gateway)).with_graceful_shutdown(shutdown.requested()),
			crate::shutdown::GATEWAY_DRAIN,
		)
		.await?;
	tracing::info!("gateway stopped");
	Ok(())
}

/// The chain's bounds on requests (its `Inference` constants).
async fn limits(chain: &Chain) -> anyhow::Result<Limits> {
	Ok(Limits {
		max_input: chain.inference_constant("MaxInputLen").await?,
		max_messages: chain.inference_constant("MaxMessages").await?,
		max_stops: chain.inference_constant("MaxStops").await?,
		max_stop_len: chain.inference_constant("MaxStopLen").await?,
	})
}

/// The subnet `netuid`, which must have a `kind` task whose model is registered.
async fn served(chain: &Chain, netuid: NetUid, kind: TaskKind) -> anyhow::Result<Served> {
	let subnet = chain.subnet(netuid).await?.ok_or_else(|| anyhow!("no subnet {netuid}"))?;
	let task = subnet.task.ok_or_else(|| anyhow!("subnet {netuid} has no task"))?;
	anyhow::ensure!(task.kind == kind, "subnet {netuid}'s task is {:?}, not {kind:?}", task.kind);
	let model = chain
		.models()
		.await?
		.into_iter()
		.find(|model| model.model_id == task.model_id)
		.ok_or_else(|| anyhow!("subnet {netuid}'s model {} is not registered", task.model_id))?;
	Ok(Served {
		netuid,
		model_id: model.model_id.0,
		model_name: model.name,
		output_dim: model.output_dim,
	})
}

/// The tokenizer and chat template of the GGUF file at `path`, once its digest and output
/// under the subnet's registered profile give the subnet's model id.
async fn load_frontend(
	path: &std::path::Path,
	chain: &Chain,
	served: &Served,
) -> anyhow::Result<TextFrontend> {
	let model = chain
		.models()
		.await?
		.into_iter()
		.find(|model| model.model_id.0 == served.model_id)
		.ok_or_else(|| anyhow!("the subnet's model is gone"))?;
	let profile = model.profile();
	let path = path.to_path_buf();
	let (frontend, id) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
		let digests = inferchain_engine::text::gguf_digests(&path, &mut |_, _| {})?;
		let id = digests.model_id(&profile, &inferchain_engine::gguf_output_at(&path)?);
		Ok((TextFrontend::from_gguf(&path, usize::MAX, usize::MAX)?, id))
	})
	.await??;
	anyhow::ensure!(
		id == served.model_id,
		"the GGUF file is model 0x{}, subnet {} serves 0x{}",
		hex(&id),
		served.netuid,
		hex(&served.model_id)
	);
	Ok(frontend)
}

/// The routes.
pub fn router(gateway: Arc<Gateway>) -> Router {
	Router::new()
		.route("/v1/chat/completions", post(text::chat))
		.route("/v1/completions", post(text::completions))
		.route("/v1/embeddings", post(embeddings::embeddings))
		.route("/v1/models", get(models))
		.route("/v1/requests/{id}", get(request))
		.route("/health", get(|| async { "ok" }))
		.route(
			"/metrics",
			get(|State(gateway): State<Arc<Gateway>>| async move { gateway.metrics.encode() }),
		)
		.with_state(gateway)
}

/// Counts `response` in the metrics.
fn counted(gateway: &Gateway, response: Response, started: Instant) -> Response {
	record(&gateway.metrics, &response, started);
	response
}

async fn models(State(gateway): State<Arc<Gateway>>) -> Json<serde_json::Value> {
	let entry = |served: &Served, task: TaskKind| {
		serde_json::json!({
			"id": served.model_name,
			"object": "model",
			"created": 0,
			"owned_by": "inferchain",
			"inferchain": {
				"modelId": format!("0x{}", hex(&served.model_id)),
				"netuid": served.netuid,
				"task": task,
			},
		})
	};
	let mut data = Vec::new();
	if let Some((served, _)) = &gateway.text {
		data.push(entry(served, TaskKind::TextGeneration));
	}
	if let Some(served) = &gateway.embeddings {
		data.push(entry(served, TaskKind::Embedding));
	}
	Json(serde_json::json!({ "object": "list", "data": data }))
}

/// `GET /v1/requests/{id}`: the chain's record of request `id` (`inference_getRequest`), with
/// the generated text when it is a text request this gateway can read.
async fn request(State(gateway): State<Arc<Gateway>>, Path(id): Path<u64>) -> Response {
	match gateway.chain.request(RequestId(id)).await {
		Ok(Some(record)) => {
			// Only the text model's tokens are this tokenizer's to read.
			let frontend = gateway
				.text
				.as_ref()
				.filter(|(served, _)| record.model_id.0 == served.model_id)
				.map(|(_, frontend)| frontend);
			let tokens = record.result.as_ref().and_then(|result| result.tokens.as_deref());
			let stop = record.text.as_ref().map(|text| text.stop.as_slice()).unwrap_or_default();
			let text = frontend
				.zip(tokens)
				.and_then(|(frontend, tokens)| frontend.visible_text(tokens, stop).ok())
				.map(|(text, _)| text);
			let mut json = serde_json::to_value(&record).unwrap_or_default();
			if let (Some(text), Some(result)) = (text, json.get_mut("result")) {
				result["text"] = serde_json::json!(text);
			}
			Json(json).into_response()
		},
		Ok(None) => error(
			StatusCode::NOT_FOUND,
			format!("no request {id} (unknown, or pruned after its retention)"),
			Some("id"),
			Some("request_not_found"),
		),
		Err(err) => error(StatusCode::BAD_GATEWAY, format!("{err:#}"), None, None),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn spend(limit: Option<u128>) -> Spend {
		Spend { limit, committed: Mutex::new(0) }
	}

	fn committed(spend: &Spend) -> u128 {
		spend.committed.lock().map(|c| *c).unwrap_or(u128::MAX)
	}

	#[test]
	fn the_spending_limit_refuses_what_would_pass_it_and_commits_nothing() {
		let spend = spend(Some(100));
		assert!(spend.reserve(60));
		// A second request that would pass the limit: refused, nothing more committed.
		assert!(!spend.reserve(41));
		assert_eq!(committed(&spend), 60);
		// Transaction fees count for good; refunds come back.
		spend.charge(30);
		assert!(!spend.reserve(11));
		spend.release(50);
		assert_eq!(committed(&spend), 40);
		assert!(spend.reserve(60));
		assert_eq!(committed(&spend), 100);
		// More released than committed (a refund counted twice) never wraps.
		spend.release(u128::MAX);
		assert_eq!(committed(&spend), 0);
	}

	#[test]
	fn without_a_limit_everything_is_counted_and_nothing_overflows() {
		let spend = spend(None);
		assert!(spend.reserve(u128::MAX));
		assert!(spend.reserve(1));
		spend.charge(7);
		assert_eq!(committed(&spend), u128::MAX);
	}
}
