//! `POST /v1/chat/completions` and `POST /v1/completions` through the chain: the OpenAI request
//! becomes `Inference.submit_text_request` (chat messages or plain text, `max_tokens`,
//! temperature, nucleus, stop strings and seed; no seed: the chain draws one), and the answer is
//! the miner's tokens as the chain holds them, read with the model's tokenizer. Streaming sends
//! the role at once and the text when the miner has answered.

use super::{
	counted,
	submit::{answered, submit, Submitted},
	Gateway,
};
use crate::{
	miner::http::error,
	openai_text::{BadRequest, ChatRequest, CompletionRequest, Sampling},
};
use axum::{
	body::Bytes,
	extract::State,
	http::StatusCode,
	response::{
		sse::{Event, KeepAlive, Sse},
		IntoResponse, Response,
	},
	Json,
};
use inferchain_engine::{hex, ChatMessage};
use inferchain_inference::generation_commitment;
use inferchain_rpc_api::{RequestId, RequestJson};
use std::{
	convert::Infallible,
	sync::Arc,
	time::{Instant, SystemTime, UNIX_EPOCH},
};
use subxt::dynamic::Value;

/// Which API a request came through.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Api {
	Chat,
	Completion,
}

/// `POST /v1/chat/completions`.
pub async fn chat(State(gateway): State<Arc<Gateway>>, body: Bytes) -> Response {
	serve(gateway, Api::Chat, body).await
}

/// `POST /v1/completions`.
pub async fn completions(State(gateway): State<Arc<Gateway>>, body: Bytes) -> Response {
	serve(gateway, Api::Completion, body).await
}

/// A request made ready for the chain.
struct Prepared {
	/// The `submit_text_request` call.
	call: crate::calls::Call,
	/// The most it can cost.
	fee: u128,
	/// Tokens of the rendered prompt (for `usage`).
	prompt_tokens: usize,
	max_tokens: u32,
	stop: Vec<String>,
	stream: bool,
	include_usage: bool,
}

async fn serve(gateway: Arc<Gateway>, api: Api, body: Bytes) -> Response {
	let started = Instant::now();
	let response = match prepare(&gateway, api, &body).await {
		Ok(prepared) => answer(gateway.clone(), api, prepared).await,
		Err(response) => response,
	};
	counted(&gateway, response, started)
}

fn bad_request(refusal: BadRequest) -> Response {
	error(StatusCode::BAD_REQUEST, refusal.message, Some(refusal.param), None)
}

/// Refuses a prompt of `bytes` in `messages` messages that the chain would refuse (before it
/// is rendered, tokenized or paid for).
#[allow(clippy::result_large_err)]
fn within_limits(
	gateway: &Gateway,
	bytes: usize,
	messages: usize,
	param: &'static str,
) -> Result<(), Response> {
	let limits = gateway.limits;
	if bytes > limits.max_input || messages > limits.max_messages {
		return Err(bad_request(BadRequest {
			message: format!(
				"the prompt holds {bytes} bytes in {messages} messages; the chain takes at most \
				 {} bytes in {} messages",
				limits.max_input, limits.max_messages
			),
			param,
		}));
	}
	Ok(())
}

/// The chain's `ChatRole` variant of an OpenAI role.
#[allow(clippy::result_large_err)]
fn role(role: &str) -> Result<&'static str, Response> {
	match role {
		"system" => Ok("System"),
		"user" => Ok("User"),
		"assistant" => Ok("Assistant"),
		other => Err(bad_request(BadRequest {
			message: format!("messages with role `{other}` are not served"),
			param: "messages",
		})),
	}
}

/// Parses and checks a request body into the chain call (nothing submitted yet); the error
/// is the response to send.
async fn prepare(gateway: &Gateway, api: Api, body: &[u8]) -> Result<Prepared, Response> {
	let Some((served, frontend)) = &gateway.text else {
		return Err(error(
			StatusCode::NOT_FOUND,
			"this gateway serves no text-generation subnet".into(),
			None,
			Some("model_not_found"),
		));
	};
	let invalid = |err: serde_json::Error| {
		error(StatusCode::BAD_REQUEST, format!("invalid request body: {err}"), None, None)
	};
	let (model, prompt, prompt_tokens, bytes, sampling, max_tokens): (
		String,
		Value,
		usize,
		usize,
		Sampling,
		Option<u32>,
	) = match api {
		Api::Chat => {
			let request: ChatRequest = serde_json::from_slice(body).map_err(invalid)?;
			let messages: Vec<ChatMessage> = request.chat_messages().map_err(bad_request)?;
			let bytes: usize = messages.iter().map(|message| message.content.len()).sum();
			within_limits(gateway, bytes, messages.len(), "messages")?;
			let mut values = Vec::new();
			for message in &messages {
				values.push(Value::named_composite([
					("role", Value::unnamed_variant(role(&message.role)?, [])),
					("content", Value::from_bytes(message.content.as_bytes())),
				]));
			}
			let tokens = frontend.chat_prompt(&messages).map_err(|err| {
				error(StatusCode::BAD_REQUEST, err.to_string(), Some("messages"), None)
			})?;
			let max_tokens = request.max_completion_tokens.or(request.max_tokens);
			let prompt = Value::unnamed_variant("Chat", [Value::unnamed_composite(values)]);
			(request.model, prompt, tokens.len(), bytes, request.sampling, max_tokens)
		},
		Api::Completion => {
			let request: CompletionRequest = serde_json::from_slice(body).map_err(invalid)?;
			let text = request.prompt_text().map_err(bad_request)?;
			within_limits(gateway, text.len(), 1, "prompt")?;
			let tokens = frontend.encode(text).map_err(|err| {
				error(StatusCode::BAD_REQUEST, err.to_string(), Some("prompt"), None)
			})?;
			let prompt = Value::unnamed_variant("Text", [Value::from_bytes(text.as_bytes())]);
			let bytes = text.len();
			(
				request.model.clone(),
				prompt,
				tokens.len(),
				bytes,
				request.sampling,
				// OpenAI's default for completions.
				Some(request.max_tokens.unwrap_or(crate::miner::text::COMPLETION_DEFAULT_TOKENS)),
			)
		},
	};
	if !served.is_named(&model) {
		let message = format!(
			"model `{model}` is not served here; this gateway serves `{}` (0x{})",
			served.model_name,
			hex(&served.model_id)
		);
		return Err(error(StatusCode::NOT_FOUND, message, Some("model"), Some("model_not_found")));
	}
	// Checks `n`, `logprobs`, temperature and nucleus; the seed stays the client's or none.
	let params = sampling.params(0).map_err(bad_request)?;
	let stop = sampling.stop_strings().map_err(bad_request)?;
	let limits = gateway.limits;
	if stop.len() > limits.max_stops || stop.iter().any(|s| s.len() > limits.max_stop_len) {
		return Err(bad_request(BadRequest {
			message: format!(
				"at most {} stop strings of at most {} bytes each",
				limits.max_stops, limits.max_stop_len
			),
			param: "stop",
		}));
	}
	let market = gateway.chain.market(served.netuid).await.ok().flatten().ok_or_else(|| {
		error(StatusCode::BAD_GATEWAY, "cannot read the market".into(), None, None)
	})?;
	// No `max_tokens`: as many as the subnet allows.
	let max_tokens = max_tokens.unwrap_or(market.max_output_tokens);
	if max_tokens == 0 || max_tokens > market.max_output_tokens {
		return Err(bad_request(BadRequest {
			message: format!(
				"max_tokens must be from 1 to {} on this subnet",
				market.max_output_tokens
			),
			param: "max_tokens",
		}));
	}
	let bytes = u32::try_from(bytes).unwrap_or(u32::MAX);
	let fee = market.held_fee(Some((bytes, max_tokens)));
	let seed = match sampling.seed {
		Some(seed) => Value::unnamed_variant("Some", [Value::u128(u128::from(seed))]),
		None => Value::unnamed_variant("None", []),
	};
	let options = Value::named_composite([
		("max_tokens", Value::u128(u128::from(max_tokens))),
		("temperature_milli", Value::u128(u128::from(params.temperature_milli))),
		("top_p_milli", Value::u128(u128::from(params.top_p_milli))),
		("seed", seed),
		("stop", Value::unnamed_composite(stop.iter().map(|s| Value::from_bytes(s.as_bytes())))),
	]);
	let call = crate::calls::submit_text_request(served.netuid, prompt, options, fee);
	let (stream, include_usage) = sampling.streaming();
	Ok(Prepared { call, fee, prompt_tokens, max_tokens, stop, stream, include_usage })
}

/// What the client gets of an answered request.
struct Answer {
	text: String,
	finish_reason: &'static str,
	completion_tokens: usize,
	/// The `inferchain` field.
	extension: serde_json::Value,
}

/// The answer in `record` (answered) to `submitted`: the text of its tokens, why it ended and
/// what the chain says of it.
#[allow(clippy::result_large_err)]
fn read_answer(
	gateway: &Gateway,
	submitted: Submitted,
	record: &RequestJson,
	prepared: &Prepared,
) -> Result<Answer, Response> {
	let Some((served, frontend)) = &gateway.text else {
		return Err(error(StatusCode::INTERNAL_SERVER_ERROR, "no text subnet".into(), None, None));
	};
	let result = record.result.as_ref();
	let tokens = result.and_then(|result| result.tokens.clone()).unwrap_or_default();
	let proof = result.and_then(|result| result.proof.as_ref()).map(|proof| proof.0.as_slice());
	let claimed = result.and_then(|result| result.output_commitment);
	let verified = claimed.is_some_and(|claimed| {
		generation_commitment(&tokens, proof.unwrap_or_default()) == claimed.0
	});
	let (text, stopped) = frontend.visible_text(&tokens, &prepared.stop).map_err(|err| {
		error(StatusCode::BAD_GATEWAY, format!("reading the tokens: {err}"), None, None)
	})?;
	let ended = stopped || tokens.last().is_some_and(|token| frontend.is_end_token(*token));
	let finish_reason =
		if ended || tokens.len() < prepared.max_tokens as usize { "stop" } else { "length" };
	let extension = serde_json::json!({
		"requestId": submitted.id,
		"netuid": served.netuid,
		"modelId": format!("0x{}", hex(&served.model_id)),
		"miner": result.and_then(|result| result.miner.clone()),
		"status": result.map(|result| result.status),
		"outputCommitment": claimed,
		"commitmentVerified": verified,
		"tokens": tokens,
		"feeHeld": submitted.fee.to_string(),
	});
	Ok(Answer { text, finish_reason, completion_tokens: tokens.len(), extension })
}

/// Submits, waits for the miner's answer and responds, whole or streamed.
async fn answer(gateway: Arc<Gateway>, api: Api, prepared: Prepared) -> Response {
	let started = Instant::now();
	let submitted = match submit(&gateway, prepared.call.clone(), prepared.fee).await {
		Ok(submitted) => submitted,
		Err(response) => return response,
	};
	let header =
		Header::new(api, submitted.id, gateway.text.as_ref().map(|(s, _)| s.model_name.clone()));
	if prepared.stream {
		return stream(gateway, api, prepared, submitted, header).into_response();
	}
	let record = match answered(&gateway, submitted.id).await {
		Ok(record) => record,
		Err(response) => return response,
	};
	let seen = started.elapsed();
	let mut answer = match read_answer(&gateway, submitted, &record, &prepared) {
		Ok(answer) => answer,
		Err(response) => return response,
	};
	// From the call's submission: to the answer seen on chain, and to the response ready.
	answer.extension["timing"] = serde_json::json!({
		"answerSeenMs": seen.as_millis() as u64,
		"respondedMs": started.elapsed().as_millis() as u64,
	});
	let usage = usage(prepared.prompt_tokens, answer.completion_tokens);
	let choice = match api {
		Api::Chat => serde_json::json!({
			"index": 0,
			"message": { "role": "assistant", "content": answer.text },
			"finish_reason": answer.finish_reason,
			"logprobs": null,
		}),
		Api::Completion => serde_json::json!({
			"index": 0,
			"text": answer.text,
			"finish_reason": answer.finish_reason,
			"logprobs": null,
		}),
	};
	Json(serde_json::json!({
		"id": header.id,
		"object": header.object(false),
		"created": header.created,
		"model": header.model,
		"choices": [choice],
		"usage": usage,
		"inferchain": answer.extension,
	}))
	.into_response()
}

fn usage(prompt: usize, completion: usize) -> serde_json::Value {
	serde_json::json!({
		"prompt_tokens": prompt,
		"completion_tokens": completion,
		"total_tokens": prompt.saturating_add(completion),
	})
}

/// The fields every chunk repeats.
struct Header {
	id: String,
	created: u64,
	model: String,
	api: Api,
}

impl Header {
	fn new(api: Api, request: RequestId, model: Option<String>) -> Self {
		let prefix = if api == Api::Chat { "chatcmpl" } else { "cmpl" };
		let created =
			SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
		Self {
			id: format!("{prefix}-inferchain-{request}"),
			created,
			model: model.unwrap_or_default(),
			api,
		}
	}

	fn object(&self, chunk: bool) -> &'static str {
		match (self.api, chunk) {
			(Api::Chat, false) => "chat.completion",
			(Api::Chat, true) => "chat.completion.chunk",
			(Api::Completion, _) => "text_completion",
		}
	}

	/// One chunk: `text` (none: the role, for chat's first), a finish reason.
	fn chunk(&self, text: Option<&str>, finish: Option<&str>) -> serde_json::Value {
		let choice = match self.api {
			Api::Chat => {
				let delta = match text {
					Some(text) => serde_json::json!({ "content": text }),
					None if finish.is_none() => {
						serde_json::json!({ "role": "assistant", "content": "" })
					},
					None => serde_json::json!({}),
				};
				serde_json::json!({ "index": 0, "delta": delta, "finish_reason": finish, "logprobs": null })
			},
			Api::Completion => serde_json::json!({
				"index": 0, "text": text.unwrap_or(""), "finish_reason": finish, "logprobs": null,
			}),
		};
		serde_json::json!({
			"id": self.id, "object": self.object(true), "created": self.created, "model": self.model,
			"choices": [choice],
		})
	}
}

/// The answer as server-sent events: the role at once (chat), the text once the miner has
/// answered, a last chunk with the finish reason and the `inferchain` field, the usage chunk
/// when asked for, then `[DONE]`; an error (no answer, a refunded answer) as an `error` event.
fn stream(
	gateway: Arc<Gateway>,
	api: Api,
	prepared: Prepared,
	submitted: Submitted,
	header: Header,
) -> Sse<impl futures::Stream<Item = Result<Event, Infallible>>> {
	let (sender, receiver) = tokio::sync::mpsc::channel::<Event>(8);
	tokio::spawn(async move {
		let send = |value: serde_json::Value| sender.send(Event::default().data(value.to_string()));
		if api == Api::Chat && send(header.chunk(None, None)).await.is_err() {
			return;
		}
		let answer = match answered(&gateway, submitted.id).await {
			Ok(record) => read_answer(&gateway, submitted, &record, &prepared),
			Err(response) => Err(response),
		};
		let answer = match answer {
			Ok(answer) => answer,
			Err(response) => {
				let body = axum::body::to_bytes(response.into_body(), 1 << 16).await;
				let body =
					body.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
				let _ = sender.send(Event::default().event("error").data(body)).await;
				return;
			},
		};
		if send(header.chunk(Some(&answer.text), None)).await.is_err() {
			return;
		}
		let mut last = header.chunk(None, Some(answer.finish_reason));
		last["inferchain"] = answer.extension;
		if send(last).await.is_err() {
			return;
		}
		if prepared.include_usage {
			let mut chunk = header.chunk(None, None);
			chunk["choices"] = serde_json::json!([]);
			chunk["usage"] = usage(prepared.prompt_tokens, answer.completion_tokens);
			if send(chunk).await.is_err() {
				return;
			}
		}
		let _ = sender.send(Event::default().data("[DONE]")).await;
	});
	let events = futures::stream::unfold(receiver, |mut receiver| async move {
		receiver.recv().await.map(|event| (Ok(event), receiver))
	});
	Sse::new(events).keep_alive(KeepAlive::default())
}
