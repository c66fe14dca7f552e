//! `POST /v1/embeddings` through the chain: one `Inference.submit_request` per input (all
//! submitted at once), answered when every input's miner has answered on chain.

use super::{
	counted,
	submit::{answered, submit},
	Gateway,
};
use crate::{
	miner::http::error,
	openai::{EmbeddingsRequest, Vector},
};
use axum::{
	body::Bytes,
	extract::State,
	http::StatusCode,
	response::{IntoResponse, Response},
	Json,
};
use inferchain_engine::hex;
use std::{sync::Arc, time::Instant};

/// `POST /v1/embeddings`.
pub async fn embeddings(State(gateway): State<Arc<Gateway>>, body: Bytes) -> Response {
	let started = Instant::now();
	let response = serve(&gateway, &body).await;
	counted(&gateway, response, started)
}

async fn serve(gateway: &Arc<Gateway>, body: &[u8]) -> Response {
	let Some(served) = &gateway.embeddings else {
		return error(
			StatusCode::NOT_FOUND,
			"this gateway serves no embeddings subnet".into(),
			None,
			Some("model_not_found"),
		);
	};
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
	if !served.is_named(&request.model) {
		let message = format!(
			"model `{}` is not served here; this gateway serves `{}` (0x{})",
			request.model,
			served.model_name,
			hex(&served.model_id)
		);
		return error(StatusCode::NOT_FOUND, message, Some("model"), Some("model_not_found"));
	}
	let format = request.encoding_format.clone();
	let inputs = request.input.into_vec();
	let limits = gateway.limits;
	let refused = if inputs.is_empty() || inputs.len() > super::MAX_EMBEDDING_INPUTS {
		Some(format!("from 1 to {} inputs per call", super::MAX_EMBEDDING_INPUTS))
	} else if inputs.iter().any(|input| input.trim().is_empty()) {
		Some("every input must hold text".into())
	} else if inputs.iter().any(|input| input.len() > limits.max_input) {
		Some(format!("every input must be at most {} bytes", limits.max_input))
	} else {
		None
	};
	if let Some(message) = refused {
		return error(StatusCode::BAD_REQUEST, message, Some("input"), None);
	}
	if request.dimensions.is_some_and(|dimensions| dimensions != served.output_dim as usize) {
		let message = format!("this model's vectors have {} dimensions", served.output_dim);
		return error(StatusCode::BAD_REQUEST, message, Some("dimensions"), None);
	}
	let fee = match gateway.chain.market(served.netuid).await.ok().flatten() {
		Some(market) => market.held_fee(None),
		None => return error(StatusCode::BAD_GATEWAY, "cannot read the market".into(), None, None),
	};
	let requests = inputs.iter().map(|input| {
		let call = crate::calls::submit_request(served.netuid, input.as_bytes(), fee);
		async move {
			let submitted = submit(gateway, call, fee).await?;
			let record = answered(gateway, submitted.id).await?;
			Ok::<_, Response>((submitted, record))
		}
	});
	let answers = match futures::future::try_join_all(requests).await {
		Ok(answers) => answers,
		Err(response) => return response,
	};
	let mut data = Vec::new();
	let mut extension = Vec::new();
	for (index, (submitted, record)) in answers.into_iter().enumerate() {
		let Some(result) = record.result else {
			return error(StatusCode::BAD_GATEWAY, "the answer vanished".into(), None, None);
		};
		let values = result.output.clone().unwrap_or_default();
		data.push(serde_json::json!({
			"object": "embedding",
			"index": index,
			"embedding": Vector::encode(&values, format.as_deref()),
		}));
		extension.push(serde_json::json!({
			"requestId": submitted.id,
			"miner": result.miner,
			"status": result.status,
			"outputCommitment": result.output_commitment,
			"feeHeld": submitted.fee.to_string(),
		}));
	}
	Json(serde_json::json!({
		"object": "list",
		"data": data,
		"model": served.model_name,
		// The gateway has no tokenizer of the embeddings model: tokens are not counted.
		"usage": { "prompt_tokens": 0, "total_tokens": 0 },
		"inferchain": { "netuid": served.netuid, "requests": extension },
	}))
	.into_response()
}
