//! Sending a probe: a miner refusing it for load (429/503) is asked again after the
//! `Retry-After` it gives, a bounded number of times, before it counts as busy.

use super::check::Verdict;
use std::time::Duration;

/// Times a probe refused for load (429/503) is asked again before the miner counts as busy.
const BUSY_RETRIES: u32 = 2;
/// Longest wait a miner's `Retry-After` gets before asking again.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(2);

/// Sends a probe; a 429 or 503 is asked again after the `Retry-After` the miner gives (at most
/// [`MAX_RETRY_AFTER`]), [`BUSY_RETRIES`] times, then the miner is [`Verdict::Busy`]. Any other
/// failure is [`Verdict::Unreachable`].
pub async fn send_probe(request: reqwest::RequestBuilder) -> Result<reqwest::Response, Verdict> {
	let mut tries = 0;
	loop {
		let attempt = request
			.try_clone()
			.ok_or_else(|| Verdict::Unreachable("the probe cannot be sent again".into()))?;
		let response = attempt.send().await.map_err(|err| Verdict::Unreachable(err.to_string()))?;
		let status = response.status();
		if status.is_success() {
			return Ok(response);
		}
		let busy = status == reqwest::StatusCode::TOO_MANY_REQUESTS
			|| status == reqwest::StatusCode::SERVICE_UNAVAILABLE;
		if !busy {
			return Err(Verdict::Unreachable(format!("HTTP {status}")));
		}
		if tries >= BUSY_RETRIES {
			return Err(Verdict::Busy(format!("HTTP {status} after {tries} retries")));
		}
		tries += 1;
		let wait = response
			.headers()
			.get(reqwest::header::RETRY_AFTER)
			.and_then(|value| value.to_str().ok()?.trim().parse::<u64>().ok())
			.map_or(Duration::from_millis(500), Duration::from_secs)
			.min(MAX_RETRY_AFTER);
		tokio::time::sleep(wait).await;
	}
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
	async fn a_miner_busy_for_a_moment_is_asked_again_and_judged() {
		let (url, calls) = server(503, BUSY_RETRIES).await;
		assert_eq!(probe(&url).await, Ok(200));
		assert_eq!(calls.load(Ordering::SeqCst), BUSY_RETRIES + 1);
		let (url, _) = server(429, 1).await;
		assert_eq!(probe(&url).await, Ok(200));
	}

	#[tokio::test]
	async fn a_miner_that_stays_busy_is_busy_and_other_errors_are_unreachable() {
		let (url, calls) = server(503, u32::MAX).await;
		assert!(matches!(probe(&url).await, Err(Verdict::Busy(_))));
		assert_eq!(calls.load(Ordering::SeqCst), BUSY_RETRIES + 1);
		let (url, calls) = server(404, u32::MAX).await;
		assert!(matches!(probe(&url).await, Err(Verdict::Unreachable(_))));
		assert_eq!(calls.load(Ordering::SeqCst), 1);
	}
}
