//! The miner's HTTP API: `POST /v1/embeddings` (OpenAI-compatible, plus a signed receipt),
//! `GET /v1/models`, `GET /health`, `GET /metrics`. Embeddings requests queue behind the work
//! the chain assigned; a client with `--max-client-requests` in flight gets `429`, and a full
//! queue (`--max-queue`) gets `503`, both with `Retry-After`.

use super::MinerState;
use crate::{
	metrics::{Metrics, Outcome},
	openai::{
		EmbeddingData, EmbeddingsRequest, EmbeddingsResponse, ErrorBody, ErrorDetail, Inferchain,
		ReceiptJson, Usage, Vector,
	},
};
use axum::{
	body::Bytes,
	extract::{ConnectInfo, State},
	http::{header, StatusCode},
	response::{IntoResponse, Response},
	routing::{get, post},
	Json, Router,
};
use inferchain_engine::{hex, EngineError};
use inferchain_inference::{output_commitment, request_hash, Receipt};
use std::{net::SocketAddr, sync::Arc, time::Instant};

/// The routes.
pub fn router(state: Arc<MinerState>) -> Router {
	Router::new()
		.route("/v1/embeddings", post(embeddings))
		.route("/v1/models", get(models))
		.route("/health", get(|| async { "ok" }))
		.route("/metrics", get(metrics))
		.with_state(state)
}

/// An OpenAI-style error response.
pub(crate) fn error(
	status: StatusCode,
	message: String,
	param: Option<&str>,
	code: Option<&str>,
) -> Response {
	let kind = if status.is_server_error() { "server_error" } else { "invalid_request_error" };
	let body = ErrorBody {
		error: ErrorDetail {
			message,
			kind: kind.into(),
			param: param.map(Into::into),
			code: code.map(Into::into),
		},
	};
	(status, Json(body)).into_response()
}

/// A refusal for load (`429` for one client, `503` for everyone), with `Retry-After`.
pub(crate) fn busy(status: StatusCode, message: String, code: &str) -> Response {
	let mut response = error(status, message, None, Some(code));
	response
		.headers_mut()
		.insert(header::RETRY_AFTER, header::HeaderValue::from_static(RETRY_AFTER_SECONDS));
	response
}

async fn metrics(State(state): State<Arc<MinerState>>) -> String {
	state.metrics.encode()
}

async fn models(State(state): State<Arc<MinerState>>) -> Json<serde_json::Value> {
	Json(serde_json::json!({
		"object": "list",
		"data": [{
			"id": state.model_name,
			"object": "model",
			"owned_by": "inferchain",
			"inferchain": { "modelId": format!("0x{}", hex(&state.model_id)) },
		}],
	}))
}

/// `Retry-After` of a refused request, in seconds.
const RETRY_AFTER_SECONDS: &str = "1";

async fn embeddings(
	State(state): State<Arc<MinerState>>,
	ConnectInfo(client): ConnectInfo<SocketAddr>,
	body: Bytes,
) -> Response {
	let started = Instant::now();
	let response = match state.limits.admit(client.ip()) {
		Some(_slot) => answer(&state, &body).await,
		None => too_many_in_flight(),
	};
	record(&state.metrics, &response, started);
	response
}

/// The `429` of a client with `--max-client-requests` in flight.
pub(super) fn too_many_in_flight() -> Response {
	let message = "too many requests in flight from this client; retry later".into();
	busy(StatusCode::TOO_MANY_REQUESTS, message, "rate_limit_exceeded")
}

/// Counts an API answer by outcome and latency.
pub(crate) fn record(metrics: &Metrics, response: &Response, started: Instant) {
	let outcome = match response.status() {
		StatusCode::OK => "ok",
		StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => "refused",
		status if status.is_client_error() => "bad_request",
		_ => "error",
	};
	metrics.requests.get_or_create(&Outcome::of(outcome)).inc();
	metrics.latency.observe(started.elapsed().as_secs_f64());
}

async fn answer(state: &MinerState, body: &[u8]) -> Response {
	let request: EmbeddingsRequest = match serde_json::from_slice(body) {
		Ok(request) => request,
		Err(err) => {
			return error(
				StatusCode::BAD_REQUEST,
				format!("invalid request body: {err}"),
				None,
				None,
			)
		},
	};
	let id_hex = format!("0x{}", hex(&state.model_id));
	if request.model != state.model_name && request.model != id_hex {
		let message = format!(
			"model `{}` is not served here; this miner serves `{}` ({id_hex})",
			request.model, state.model_name
		);
		return error(StatusCode::NOT_FOUND, message, Some("model"), Some("model_not_found"));
	}
	let format = request.encoding_format.clone();
	if !matches!(format.as_deref(), None | Some("float") | Some("base64")) {
		return error(
			StatusCode::BAD_REQUEST,
			"encoding_format must be float or base64".into(),
			Some("encoding_format"),
			None,
		);
	}
	if let Some(dimensions) = request.dimensions.filter(|d| *d != state.batcher.dim()) {
		let message = format!(
			"this model's dimension is {}; {dimensions} is not available",
			state.batcher.dim()
		);
		return error(StatusCode::BAD_REQUEST, message, Some("dimensions"), None);
	}
	let inputs = request.input.into_vec();
	let mut output = match state.batcher.embed_public(inputs.clone()).await {
		Ok(output) => output,
		Err(EngineError::Busy) => {
			let message = "the miner is busy: too many requests are waiting; retry later".into();
			return busy(StatusCode::SERVICE_UNAVAILABLE, message, "server_busy");
		},
		Err(
			err @ (EngineError::NoInputs
			| EngineError::EmptyInput { .. }
			| EngineError::InputTooLong { .. }
			| EngineError::TooManyInputs { .. }),
		) => return error(StatusCode::BAD_REQUEST, err.to_string(), Some("input"), None),
		Err(err) => return error(StatusCode::INTERNAL_SERVER_ERROR, err.to_string(), None, None),
	};
	if let Some(delta) = state.perturb {
		output.values.iter_mut().for_each(|v| *v += delta);
	}
	state.metrics.inputs.inc_by(output.rows as u64);
	let receipt = Receipt {
		request_hash: request_hash(&state.model_id, &inputs),
		output_commitment: output_commitment(&state.rule, output.shape(), &output.values),
		model_id: state.model_id,
		block: state.block.load(std::sync::atomic::Ordering::Relaxed),
	};
	let data = (0..output.rows)
		.map(|index| EmbeddingData {
			object: "embedding".into(),
			index,
			embedding: Vector::encode(output.row(index).unwrap_or_default(), format.as_deref()),
		})
		.collect();
	Json(EmbeddingsResponse {
		object: "list".into(),
		data,
		model: state.model_name.clone(),
		usage: Usage { prompt_tokens: output.tokens, total_tokens: output.tokens },
		inferchain: Inferchain { receipt: ReceiptJson::signed(&receipt, &state.hotkey) },
	})
	.into_response()
}
