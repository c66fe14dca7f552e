//! Submitting a request as the gateway's requester, waiting for a miner's answer, and
//! following the request to its settlement in the background (giving back to the spending
//! limit what the chain refunded, counting the outcome).

use super::Gateway;
use crate::calls::Call;
use crate::{
	metrics::Outcome,
	miner::http::{busy, error},
};
use axum::{http::StatusCode, response::Response};
use inferchain_rpc_api::{RequestId, RequestJson, RequestState};
use std::{sync::Arc, time::Duration};
use subxt::dynamic::At;

/// How often a request's record is read while waiting for its answer.
const POLL: Duration = Duration::from_millis(300);
/// How often a request answered to the client is read until it settles.
const SETTLE_POLL: Duration = Duration::from_secs(2);

/// A request on chain: its id and the fee it holds.
#[derive(Clone, Copy, Debug)]
pub struct Submitted {
	/// The request id.
	pub id: RequestId,
	/// The fee held (for text, the most the request can cost).
	pub fee: u128,
}

/// The response for a call the chain (or its pool) refused.
fn refusal(err: &anyhow::Error) -> Response {
	let text = format!("{err:#}");
	let has = |needles: &[&str]| needles.iter().any(|needle| text.contains(needle));
	if has(&["InsufficientBalance", "Inability to pay", "Payment"]) {
		error(
			StatusCode::PAYMENT_REQUIRED,
			format!("the gateway's requester account cannot pay for this request: {text}"),
			None,
			Some("insufficient_quota"),
		)
	} else if has(&["MarketBusy"]) {
		busy(StatusCode::TOO_MANY_REQUESTS, format!("the market is busy: {text}"), "market_busy")
	} else if has(&[
		"InvalidInput",
		"InvalidTextOptions",
		"FeeAboveMax",
		"WrongTaskKind",
		"ModelNotRegistered",
		"SubnetNotFound",
	]) {
		error(StatusCode::BAD_REQUEST, format!("the chain refused the request: {text}"), None, None)
	} else {
		error(StatusCode::BAD_GATEWAY, format!("submitting the request failed: {text}"), None, None)
	}
}

/// Submits `call` (a request holding at most `fee`, reserved first against the spending
/// limit); the error is the response to send. The submission runs in a task of its own, so a
/// client that goes away meanwhile leaves the accounting whole (the request, once on chain, is
/// followed to its end).
pub async fn submit(gateway: &Arc<Gateway>, call: Call, fee: u128) -> Result<Submitted, Response> {
	match tokio::spawn(submit_now(gateway.clone(), call, fee)).await {
		Ok(submitted) => submitted,
		Err(err) => {
			Err(error(StatusCode::INTERNAL_SERVER_ERROR, format!("submission: {err}"), None, None))
		},
	}
}

async fn submit_now(gateway: Arc<Gateway>, call: Call, fee: u128) -> Result<Submitted, Response> {
	let label = call.label();
	if !gateway.spend.reserve(fee) {
		return Err(error(
			StatusCode::PAYMENT_REQUIRED,
			format!("this request would hold {fee} planck, past the gateway's spending limit"),
			None,
			Some("insufficient_quota"),
		));
	}
	// Finalized, not merely in a best block: under BABE a re-org can hand the id read from a
	// best block to another of this gateway's own requests (same requester), whose answer would
	// then be served for this one. The miner answers meanwhile, so this rarely delays the reply.
	let submitted = tokio::time::timeout(
		gateway.answer_timeout,
		gateway.chain.submit(&gateway.requester, call),
	)
	.await;
	let Ok(events) = submitted else {
		// Finality stalled. The request may still be on chain: its fee stays counted against
		// the spending limit (the chain refunds it to the requester if it expires).
		gateway.metrics.gateway.get_or_create(&Outcome::of("unfinalized")).inc();
		return Err(final_error(
			StatusCode::GATEWAY_TIMEOUT,
			format!(
				"the request was not finalized within {:?}: the chain's finality is stalled",
				gateway.answer_timeout
			),
			"not_finalized",
		));
	};
	let events = match events {
		Ok(events) => events,
		Err(err) => {
			gateway.spend.release(fee);
			gateway.metrics.gateway.get_or_create(&Outcome::of("refused")).inc();
			tracing::info!("{label} refused: {err:#}");
			return Err(refusal(&err));
		},
	};
	let submitted = events.iter().find(|event| event.name == "Inference.RequestSubmitted");
	let field = |name: &str| {
		submitted.and_then(|event| event.fields.at(name)).and_then(|value| value.as_u128())
	};
	let (Some(id), Some(held)) = (field("request_id"), field("fee")) else {
		gateway.spend.release(fee);
		return Err(error(
			StatusCode::BAD_GATEWAY,
			"the request was included without a RequestSubmitted event".into(),
			None,
			None,
		));
	};
	let id = RequestId(u64::try_from(id).unwrap_or(u64::MAX));
	// The chain never holds more than `max_fee`; what it held less is not spent. The
	// transaction's fee is spent for good.
	gateway.spend.release(fee.saturating_sub(held));
	let me = crate::keys::address(&gateway.requester);
	let tx_fee = events
		.iter()
		.filter(|event| event.name == "TransactionPayment.TransactionFeePaid")
		.filter(|event| {
			crate::market::account_field(event, "who") == Some(gateway.requester.public_key().0)
		})
		.find_map(|event| event.fields.at("actual_fee").and_then(|fee| fee.as_u128()));
	gateway.spend.charge(tx_fee.unwrap_or(0));
	tracing::debug!(request = %id, requester = %me, held, "request submitted");
	gateway.metrics.gateway.get_or_create(&Outcome::of("submitted")).inc();
	tokio::spawn(settle(gateway.clone(), Submitted { id, fee: held }));
	Ok(Submitted { id, fee: held })
}

/// A `5xx` the OpenAI SDKs must not retry on their own: retrying would pay for a new request
/// while this one may still be answered.
fn final_error(status: StatusCode, message: String, code: &str) -> Response {
	let mut response = error(status, message, None, Some(code));
	response.headers_mut().insert(
		axum::http::HeaderName::from_static("x-should-retry"),
		axum::http::HeaderValue::from_static("false"),
	);
	response
}

/// Waits until request `id` has a miner's answer; returns the request's record.
pub async fn answered(gateway: &Gateway, id: RequestId) -> Result<RequestJson, Response> {
	let deadline = tokio::time::Instant::now() + gateway.answer_timeout;
	let me = crate::keys::address(&gateway.requester);
	loop {
		match gateway.chain.request(id).await {
			// A re-org can give the id to another requester's request: never serve it.
			Ok(Some(record)) if !record.requester.is_empty() && record.requester != me => {
				return Err(final_error(
					StatusCode::BAD_GATEWAY,
					format!("request {id} was lost in a re-org of the chain; retry"),
					"request_lost",
				));
			},
			Ok(Some(record)) => {
				let has_answer = record
					.result
					.as_ref()
					.is_some_and(|result| result.output.is_some() || result.tokens.is_some());
				match record.status {
					RequestState::Rejected => {
						return Err(final_error(
							StatusCode::BAD_GATEWAY,
							format!("request {id}'s answer was found wrong and refunded; retry"),
							"answer_rejected",
						))
					},
					RequestState::Expired => {
						return Err(final_error(
							StatusCode::GATEWAY_TIMEOUT,
							format!("no miner answered request {id} (none was free to back it, or none answered in time); its fee was refunded"),
							"no_miner_answered",
						))
					},
					_ if has_answer => return Ok(record),
					_ => {},
				}
			},
			Ok(None) => {},
			Err(err) => tracing::warn!(request = %id, "reading the request: {err:#}"),
		}
		if tokio::time::Instant::now() >= deadline {
			return Err(final_error(
				StatusCode::GATEWAY_TIMEOUT,
				format!(
					"no answer to request {id} within {} s (it may still be answered: GET \
					 /v1/requests/{id})",
					gateway.answer_timeout.as_secs()
				),
				"timeout",
			));
		}
		tokio::time::sleep(POLL).await;
	}
}

/// Follows `request` until it settles: gives back to the spending limit what the chain
/// refunded (a generation's unused tokens, or everything when rejected or expired) and
/// counts the outcome.
async fn settle(gateway: Arc<Gateway>, request: Submitted) {
	loop {
		tokio::time::sleep(SETTLE_POLL).await;
		let record = match gateway.chain.request(request.id).await {
			Ok(Some(record)) => record,
			// Pruned before we saw it settle (or the node is away): nothing more to learn.
			Ok(None) => return,
			Err(_) => continue,
		};
		if !record.requester.is_empty()
			&& record.requester != crate::keys::address(&gateway.requester)
		{
			// Lost in a re-org: what it held is not ours to count.
			gateway.spend.release(request.fee);
			return;
		}
		let refunded = match record.status {
			RequestState::Final => final_refund(&record).min(request.fee),
			RequestState::Rejected | RequestState::Expired => request.fee,
			_ => continue,
		};
		gateway.spend.release(refunded);
		gateway.metrics.gateway.get_or_create(&Outcome::of(record.status.as_str())).inc();
		return;
	}
}

/// What the chain gave back of a final request's fee: the unused tokens' part.
fn final_refund(record: &RequestJson) -> u128 {
	let (Some(text), Some(tokens)) =
		(&record.text, record.result.as_ref().and_then(|result| result.tokens.as_ref()))
	else {
		return 0;
	};
	let unused = u128::from(text.max_tokens).saturating_sub(tokens.len() as u128);
	unused.saturating_mul(text.output_token_fee)
}
