//! Sending a probe: a miner refusing it for load (429/503) gets the `Retry-After` it asks
//! for; the validator then sends a fresh probe (new inputs, so refusing the inputs it would
//! rather not answer gains a miner nothing), a bounded number of times, before it counts the
//! miner as busy.

use super::check::Verdict;
use std::time::Duration;

/// Probes sent (each with fresh inputs) before a miner that refuses them all for load
/// counts as busy.
pub const PROBE_TRIES: u32 = 3;
/// Longest wait a miner's `Retry-After` gets before the next probe.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(2);

/// Sends one probe. A 429 or 503 is [`Verdict::Busy`], returned after waiting the
/// `Retry-After` the miner gives (at most [`MAX_RETRY_AFTER`], half a second when it gives
/// none), so the caller can send a fresh probe at once; any other failure is
/// [`Verdict::Unreachable`].
pub async fn send_probe(request: reqwest::RequestBuilder) -> Result<reqwest::Response, Verdict> {
	let response = request.send().await.map_err(|err| Verdict::Unreachable(err.to_string()))?;
	let status = response.status();
	if status.is_success() {
		return Ok(response);
	}
	let busy = status == reqwest::StatusCode::TOO_MANY_REQUESTS
		|| status == reqwest::StatusCode::SERVICE_UNAVAILABLE;
	if !busy {
		return Err(Verdict::Unreachable(format!("HTTP {status}")));
	}
	let wait = response
		.headers()
		.get(reqwest::header::RETRY_AFTER)
		.and_then(|value| value.to_str().ok()?.trim().parse::<u64>().ok())
		.map_or(Duration::from_millis(500), Duration::from_secs)
		.min(MAX_RETRY_AFTER);
	tokio::time::sleep(wait).await;
	Err(Verdict::Busy(format!("HTTP {status}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
	use super::*;
	use std::sync::{
		atomic::{AtomicU32, Ordering},
		Arc,
	};

	/// A server answering `refusals` times with `status` (and `Retry-After: 0`), then 200.
	async fn server(status: u16, refusals: u32) -> (String, Arc<AtomicU32>) {
		let calls = Arc::new(AtomicU32::new(0));
		let seen = calls.clone();
		let app = axum::Router::new().route(
			"/",
			axum::routing::post(move || {
				let calls = seen.clone();
				async move {
					let call = calls.fetch_add(1, Ordering::SeqCst);
					let status = if call < refusals { status } else { 200 };
					let status = axum::http::StatusCode::from_u16(status).unwrap();
					(status, [(axum::http::header::RETRY_AFTER, "0")], "ok")
				}
			}),
		);
		let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
		let url = format!("http://{}/", listener.local_addr().unwrap());
		tokio::spawn(async move { axum::serve(listener, app).await });
		(url, calls)
	}

	async fn probe(url: &str) -> Result<u16, Verdict> {
		let request = reqwest::Client::new().post(url).body("probe");
		send_probe(request).await.map(|response| response.status().as_u16())
	}

	#[tokio::test]
	async fn a_refusal_for_load_is_busy_after_the_wait_and_other_errors_unreachable() {
		let (url, calls) = server(503, 1).await;
		assert!(matches!(probe(&url).await, Err(Verdict::Busy(_))));
		assert_eq!(probe(&url).await, Ok(200));
		assert_eq!(calls.load(Ordering::SeqCst), 2);
		let (url, _) = server(429, 1).await;
		assert!(matches!(probe(&url).await, Err(Verdict::Busy(_))));
		let (url, calls) = server(404, u32::MAX).await;
		assert!(matches!(probe(&url).await, Err(Verdict::Unreachable(_))));
		assert_eq!(calls.load(Ordering::SeqCst), 1);
	}
}
