//! The miner of a text-generation subnet: loads the GGUF model, joins the subnet, publishes its
//! endpoint, answers the requests the chain assigns to it (`Inference.submit_generation`: the
//! tokens and their proof, see [`super::assignments`]) and serves `POST /v1/chat/completions` and `POST /v1/completions` (OpenAI-compatible,
//! streamed as server-sent events on request), `GET /v1/models`, `/health` and `/metrics`.
//! Every answer carries the generated tokens, the proof and a receipt signed by the hotkey (see
//! [`crate::openai_text`]). Requests are checked before anything is queued: bad ones get
//! OpenAI-style `400`s, a client with `--max-client-requests` in flight `429`, a full queue `503`.

use super::{http::error, limits, publish_endpoint};
use crate::{
	cli::MinerArgs,
	join::join_subnet,
	loader,
	metrics::Metrics,
	openai::ReceiptJson,
	openai_text::{
		AssistantMessage, BadRequest, ChatChoice, ChatRequest, ChatResponse, CompletionChoice,
		CompletionRequest, CompletionResponse, Sampling, TextProof, TextUsage,
	},
};
use anyhow::Context;
use axum::{
	body::Bytes,
	extract::{ConnectInfo, State},
	http::StatusCode,
	response::{
		sse::{Event, KeepAlive, Sse},
		IntoResponse, Response,
	},
	routing::{get, post},
	Json, Router,
};
use base64::Engine as _;
use futures::future::BoxFuture;
use inferchain_engine::{
	hex, EngineError, Generation, GenerationRequest, Lane, TextEngine, TextEngineOptions, TextEvent,
};
use inferchain_inference::{
	generation_commitment, request_seed, text_request_hash, ModelId, Receipt,
};
use inferchain_rpc_api::{RequestId, RequestJson, TaskKind};
use std::{
	convert::Infallible,
	net::SocketAddr,
	sync::{
		atomic::{AtomicU32, Ordering},
		Arc,
	},
	time::{Instant, SystemTime, UNIX_EPOCH},
};
use subxt_signer::sr25519::Keypair;

/// OpenAI's default `max_tokens` for `/v1/completions`.
pub(crate) const COMPLETION_DEFAULT_TOKENS: u32 = 16;

/// What the text handlers share.
pub struct TextMinerState {
	engine: TextEngine,
	model_id: ModelId,
	model_name: String,
	hotkey: Keypair,
	block: AtomicU32,
	/// TESTING ONLY: change one generated token (a dishonest miner, for validators to catch).
	cheat: bool,
	metrics: Arc<Metrics>,
	limits: limits::ClientLimits,
}

/// Runs a text-generation miner until SIGTERM/Ctrl-C.
pub async fn run(args: MinerArgs) -> anyhow::Result<()> {
	let netuid = args.chain.netuid;
	let limits = TextEngineOptions { max_batch: args.max_batch, max_queue: args.max_queue };
	let engine = loader::load_text(&args.model, limits).await?;
	let model_id = engine.id();
	let joined =
		join_subnet(&args.chain, &args.keys, &model_id, TaskKind::TextGeneration, args.max_burn)
			.await?;
	crate::text_task::ensure_serves_chain_requests(&joined.chain, engine.frontend()).await?;
	if let Some(stake) = args.stake {
		joined.chain.ensure_stake(netuid, &joined.coldkey, &joined.hotkey, stake).await?;
	}
	let listener = tokio::net::TcpListener::bind(args.listen)
		.await
		.with_context(|| format!("listening on {}", args.listen))?;
	let public = args.public_addr.unwrap_or(listener.local_addr()?);
	publish_endpoint(&joined.chain, netuid, &joined.hotkey, public).await?;
	let state = Arc::new(TextMinerState {
		engine,
		model_id,
		model_name: args.model.name(),
		hotkey: joined.hotkey,
		block: AtomicU32::new(joined.chain.finalized_number().await.unwrap_or(0)),
		cheat: args.perturb.is_some(),
		metrics: Metrics::new(),
		limits: limits::ClientLimits::new(args.max_client_requests),
	});
	if state.cheat {
		tracing::warn!(
			"--perturb is set: this miner returns WRONG tokens (testing validators only)"
		);
	}
	tracing::info!(uid = joined.uid, %netuid, %public, "serving /v1/chat/completions and /v1/completions");
	let follower = tokio::spawn(super::assignments::follow(
		args.chain.chain.clone(),
		state.clone(),
		joined.chain,
	));
	let service = router(state).into_make_service_with_connect_info::<SocketAddr>();
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

impl super::assignments::Answerer for TextMinerState {
	fn hotkey(&self) -> &Keypair {
		&self.hotkey
	}

	fn model_id(&self) -> &ModelId {
		&self.model_id
	}

	fn metrics(&self) -> &Metrics {
		&self.metrics
	}

	fn seen(&self, block: u32) {
		self.block.store(block, Ordering::Relaxed);
	}

	/// Generates the chain's request (the prompt, sampling and seed it fixed, the proof bound
	/// to this hotkey) ahead of public traffic, and submits the tokens and proof.
	fn answer(
		self: Arc<Self>,
		chain: crate::chain::Chain,
		id: RequestId,
		request: RequestJson,
	) -> BoxFuture<'static, anyhow::Result<()>> {
		Box::pin(async move {
			let me = self.hotkey.public_key().0;
			let frontend = self.engine.frontend().clone();
			let model_id = self.model_id;
			let generation_request = tokio::task::spawn_blocking(move || {
				crate::text_task::generation_request(&frontend, &model_id, &request, &me)
			})
			.await??;
			let mut generation = self.engine.generate_all(Lane::Chain, generation_request).await?;
			if self.cheat {
				edit_a_token(&mut generation);
			}
			self.metrics.inputs.inc();
			let call = crate::calls::submit_generation(id, &generation.tokens, &generation.proof);
			chain.submit_in_best_block(&self.hotkey, call).await?;
			let commitment = generation_commitment(&generation.tokens, &generation.proof);
			tracing::info!(
				request = %id,
				tokens = generation.tokens.len(),
				commitment = %format!("0x{}", hex(&commitment)),
				"generation submitted"
			);
			Ok(())
		})
	}
}

/// TESTING ONLY (`--perturb`): changes the middle token of a generation, as a cheat would.
fn edit_a_token(generation: &mut Generation) {
	let middle = generation.tokens.len() / 2;
	if let Some(token) = generation.tokens.get_mut(middle) {
		*token = if *token == 28 { 30 } else { 28 };
	}
}

/// The routes.
pub fn router(state: Arc<TextMinerState>) -> Router {
	Router::new()
		.route("/v1/chat/completions", post(chat))
		.route("/v1/completions", post(completions))
		.route("/v1/models", get(models))
		.route("/health", get(|| async { "ok" }))
		.route(
			"/metrics",
			get(|State(state): State<Arc<TextMinerState>>| async move { state.metrics.encode() }),
		)
		.with_state(state)
}

async fn models(State(state): State<Arc<TextMinerState>>) -> Json<serde_json::Value> {
	Json(serde_json::json!({
		"object": "list",
		"data": [{
			"id": state.model_name,
			"object": "model",
			"created": 0,
			"owned_by": "inferchain",
			"inferchain": {
				"modelId": format!("0x{}", hex(&state.model_id)),
				"task": "textGeneration",
				"maxContext": state.engine.frontend().max_context(),
				"maxNewTokens": state.engine.frontend().max_new_tokens(),
			},
		}],
	}))
}

/// Which API a request came through.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Api {
	Chat,
	Completion,
}

/// A request made ready for the engine.
struct Prepared {
	request: GenerationRequest,
	stream: bool,
	include_usage: bool,
}

async fn chat(
	State(state): State<Arc<TextMinerState>>,
	ConnectInfo(client): ConnectInfo<SocketAddr>,
	body: Bytes,
) -> Response {
	serve(state, client, Api::Chat, body).await
}

async fn completions(
	State(state): State<Arc<TextMinerState>>,
	ConnectInfo(client): ConnectInfo<SocketAddr>,
	body: Bytes,
) -> Response {
	serve(state, client, Api::Completion, body).await
}

fn bad_request(refusal: BadRequest) -> Response {
	error(StatusCode::BAD_REQUEST, refusal.message, Some(refusal.param), None)
}

/// Admits, prepares and answers one request, counting it in the metrics.
#[allow(clippy::result_large_err)]
async fn serve(state: Arc<TextMinerState>, client: SocketAddr, api: Api, body: Bytes) -> Response {
	let started = Instant::now();
	let response = match state.limits.admit(client.ip()) {
		Some(slot) => {
			// Rendering and tokenizing a long prompt is CPU work: off the async threads.
			let (ready, body_state) = (state.clone(), body);
			let prepared =
				tokio::task::spawn_blocking(move || prepare(&ready, api, &body_state)).await;
			match prepared {
				Ok(Ok(prepared)) => answer(state.clone(), api, prepared, slot).await,
				Ok(Err(response)) => response,
				Err(err) => error(StatusCode::INTERNAL_SERVER_ERROR, err.to_string(), None, None),
			}
		},
		None => super::http::too_many_in_flight(),
	};
	super::http::record(&state.metrics, &response, started);
	response
}

/// Parses and checks a request body into an engine request (nothing queued yet); the error is
/// the response to send.
#[allow(clippy::result_large_err)]
fn prepare(state: &TextMinerState, api: Api, body: &[u8]) -> Result<Prepared, Response> {
	let invalid = |err: serde_json::Error| {
		error(StatusCode::BAD_REQUEST, format!("invalid request body: {err}"), None, None)
	};
	let frontend = state.engine.frontend();
	let engine_error = |err: EngineError, param: &'static str| match err {
		EngineError::Tokenizer { .. } | EngineError::Template(_) => {
			error(StatusCode::INTERNAL_SERVER_ERROR, err.to_string(), None, None)
		},
		err => error(StatusCode::BAD_REQUEST, err.to_string(), Some(param), None),
	};
	let (model, prompt, sampling, max_tokens): (String, Vec<u32>, Sampling, Option<u32>) = match api
	{
		Api::Chat => {
			let request: ChatRequest = serde_json::from_slice(body).map_err(invalid)?;
			let messages = request.chat_messages().map_err(bad_request)?;
			let prompt =
				frontend.chat_prompt(&messages).map_err(|e| engine_error(e, "messages"))?;
			let max_tokens = request.max_completion_tokens.or(request.max_tokens);
			(request.model, prompt, request.sampling, max_tokens)
		},
		Api::Completion => {
			let request: CompletionRequest = serde_json::from_slice(body).map_err(invalid)?;
			let text = request.prompt_text().map_err(bad_request)?;
			let prompt = frontend.encode(text).map_err(|e| engine_error(e, "prompt"))?;
			(
				request.model.clone(),
				prompt,
				request.sampling,
				Some(request.max_tokens.unwrap_or(COMPLETION_DEFAULT_TOKENS)),
			)
		},
	};
	let id_hex = format!("0x{}", hex(&state.model_id));
	if model != state.model_name && model != id_hex {
		let message = format!(
			"model `{model}` is not served here; this miner serves `{}` ({id_hex})",
			state.model_name
		);
		return Err(error(StatusCode::NOT_FOUND, message, Some("model"), Some("model_not_found")));
	}
	let stop = sampling.stop_strings().map_err(bad_request)?;
	// Chat without max_tokens: as much as the context and the cap leave.
	let room =
		frontend.max_context().saturating_sub(prompt.len()).min(frontend.max_new_tokens()).max(1);
	let max_tokens = max_tokens.map_or(room, |n| n as usize);
	let max_tokens_u32 = u32::try_from(max_tokens).unwrap_or(u32::MAX);
	let mut params = sampling.params(0).map_err(bad_request)?;
	if sampling.seed.is_none() {
		// Not the miner's choice: drawn from the request, so anyone can check the draws.
		let (temperature, top_p) = (params.temperature_milli, params.top_p_milli);
		params.seed =
			request_seed(&state.model_id, &prompt, temperature, top_p, max_tokens_u32, &stop);
	}
	let me = state.hotkey.public_key().0;
	let request =
		crate::text_task::bound_request(&state.model_id, &me, prompt, params, max_tokens_u32, stop);
	frontend.check_request(&request).map_err(|err| {
		let param = match err {
			EngineError::MaxTokens { .. } => "max_tokens",
			EngineError::Sampling(_) => "temperature",
			_ => "messages",
		};
		engine_error(err, param)
	})?;
	let (stream, include_usage) = sampling.streaming();
	Ok(Prepared { request, stream, include_usage })
}

/// Runs the generation and answers, whole or streamed.
async fn answer(
	state: Arc<TextMinerState>,
	api: Api,
	prepared: Prepared,
	slot: limits::Admitted,
) -> Response {
	let events = match state.engine.generate(Lane::Public, prepared.request.clone()) {
		Ok(events) => events,
		Err(EngineError::Busy) => {
			let message = "the miner is busy: too many requests are waiting; retry later".into();
			return super::http::busy(StatusCode::SERVICE_UNAVAILABLE, message, "server_busy");
		},
		Err(err) => return error(StatusCode::BAD_REQUEST, err.to_string(), None, None),
	};
	let id = format!(
		"{}-{}",
		if api == Api::Chat { "chatcmpl" } else { "cmpl" },
		hex(&rand::random::<[u8; 12]>())
	);
	let created = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
	if prepared.stream {
		return stream(state, api, prepared, events, Header { id, created }, slot).into_response();
	}
	let mut events = events;
	let generation = loop {
		match events.recv().await {
			Some(TextEvent::Text(_)) => {},
			Some(TextEvent::Done(Ok(generation))) => break generation,
			Some(TextEvent::Done(Err(err))) => {
				return error(StatusCode::INTERNAL_SERVER_ERROR, err.to_string(), None, None)
			},
			None => {
				return error(
					StatusCode::INTERNAL_SERVER_ERROR,
					"the engine stopped".into(),
					None,
					None,
				)
			},
		}
	};
	drop(slot);
	let (generation, proof) = finish(&state, &prepared.request, generation);
	let usage = usage(&generation);
	let header = Header { id, created };
	let body = match api {
		Api::Chat => serde_json::to_value(ChatResponse {
			id: header.id,
			object: "chat.completion".into(),
			created,
			model: state.model_name.clone(),
			choices: vec![ChatChoice {
				index: 0,
				message: AssistantMessage { role: "assistant".into(), content: generation.text },
				finish_reason: generation.finish.as_str().into(),
				logprobs: None,
			}],
			usage,
			inferchain: proof,
		}),
		Api::Completion => serde_json::to_value(CompletionResponse {
			id: header.id,
			object: "text_completion".into(),
			created,
			model: state.model_name.clone(),
			choices: vec![CompletionChoice {
				text: generation.text,
				index: 0,
				finish_reason: generation.finish.as_str().into(),
				logprobs: None,
			}],
			usage,
			inferchain: proof,
		}),
	};
	match body {
		Ok(body) => Json(body).into_response(),
		Err(err) => error(StatusCode::INTERNAL_SERVER_ERROR, err.to_string(), None, None),
	}
}

/// A response's id and creation time.
struct Header {
	id: String,
	created: u64,
}

fn usage(generation: &Generation) -> TextUsage {
	TextUsage {
		prompt_tokens: generation.prompt_tokens,
		completion_tokens: generation.tokens.len(),
		total_tokens: generation.prompt_tokens.saturating_add(generation.tokens.len()),
	}
}

/// Signs the receipt of a finished generation (after the `--perturb` cheat, when testing).
fn finish(
	state: &TextMinerState,
	request: &GenerationRequest,
	mut generation: Generation,
) -> (Generation, TextProof) {
	if state.cheat {
		// A consistent lie: the text and the receipt follow the edited tokens, so only the
		// proof check can tell.
		edit_a_token(&mut generation);
		if let Ok(text) = state.engine.frontend().decode(&generation.tokens) {
			generation.text = text;
		}
	}
	state.metrics.inputs.inc();
	let max_tokens = u32::try_from(request.max_tokens).unwrap_or(u32::MAX);
	let receipt = Receipt {
		request_hash: text_request_hash(
			&state.model_id,
			&request.prompt,
			&request.params,
			max_tokens,
			&request.stop,
		),
		output_commitment: generation_commitment(&generation.tokens, &generation.proof),
		model_id: state.model_id,
		block: state.block.load(Ordering::Relaxed),
	};
	let proof = TextProof {
		prompt_tokens: request.prompt.clone(),
		tokens: generation.tokens.clone(),
		proof: base64::engine::general_purpose::STANDARD.encode(&generation.proof),
		sampling: request.params,
		max_tokens,
		stop: request.stop.clone(),
		receipt: ReceiptJson::signed(&receipt, &state.hotkey),
	};
	(generation, proof)
}

/// One streamed chunk's JSON: `delta` text (or the role, first), an optional finish reason and
/// proof, as the API's chunk object.
fn chunk(
	state: &TextMinerState,
	api: Api,
	header: &Header,
	text: Option<&str>,
	finish: Option<&str>,
) -> serde_json::Value {
	match api {
		Api::Chat => {
			let delta = match text {
				Some(text) => serde_json::json!({ "content": text }),
				None if finish.is_none() => {
					serde_json::json!({ "role": "assistant", "content": "" })
				},
				None => serde_json::json!({}),
			};
			serde_json::json!({
				"id": header.id, "object": "chat.completion.chunk", "created": header.created, "model": state.model_name,
				"choices": [{ "index": 0, "delta": delta, "finish_reason": finish, "logprobs": null }],
			})
		},
		Api::Completion => serde_json::json!({
			"id": header.id, "object": "text_completion", "created": header.created, "model": state.model_name,
			"choices": [{ "index": 0, "text": text.unwrap_or(""), "finish_reason": finish, "logprobs": null }],
		}),
	}
}

/// The answer as server-sent events: a first chunk (the role, for chat), one chunk per piece of
/// text, a last chunk with the finish reason and the `inferchain` proof, the usage chunk when
/// asked for, then `[DONE]`. A task forwards the engine's events; when the client goes away the
/// forwarding stops, which ends the generation at the engine's next step.
fn stream(
	state: Arc<TextMinerState>,
	api: Api,
	prepared: Prepared,
	mut events: tokio::sync::mpsc::UnboundedReceiver<TextEvent>,
	header: Header,
	slot: limits::Admitted,
) -> Sse<impl futures::Stream<Item = Result<Event, Infallible>>> {
	let (sender, receiver) = tokio::sync::mpsc::channel::<Event>(64);
	tokio::spawn(async move {
		let _slot = slot;
		let send = |value: serde_json::Value| sender.send(Event::default().data(value.to_string()));
		if api == Api::Chat && send(chunk(&state, api, &header, None, None)).await.is_err() {
			return;
		}
		while let Some(event) = events.recv().await {
			match event {
				TextEvent::Text(text) => {
					if send(chunk(&state, api, &header, Some(&text), None)).await.is_err() {
						return;
					}
				},
				TextEvent::Done(Ok(generation)) => {
					let (generation, proof) = finish(&state, &prepared.request, generation);
					let mut last =
						chunk(&state, api, &header, None, Some(generation.finish.as_str()));
					last["inferchain"] = serde_json::to_value(&proof).unwrap_or_default();
					if send(last).await.is_err() {
						return;
					}
					if prepared.include_usage {
						let object = if api == Api::Chat {
							"chat.completion.chunk"
						} else {
							"text_completion"
						};
						let usage = serde_json::json!({
							"id": header.id, "object": object, "created": header.created,
							"model": state.model_name, "choices": [], "usage": usage(&generation),
						});
						if send(usage).await.is_err() {
							return;
						}
					}
					break;
				},
				TextEvent::Done(Err(err)) => {
					let failure = serde_json::json!({
						"error": { "message": err.to_string(), "type": "server_error", "param": null, "code": null },
					});
					let _ = send(failure).await;
					break;
				},
			}
		}
		let _ = sender.send(Event::default().data("[DONE]")).await;
	});
	let body = futures::stream::unfold(receiver, |mut receiver| async move {
		receiver.recv().await.map(|event| (Ok(event), receiver))
	});
	Sse::new(body).keep_alive(KeepAlive::default())
}
