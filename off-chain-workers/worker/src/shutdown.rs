//! Stopping on SIGTERM/Ctrl-C within a bounded time.
//!
//! An HTTP server's graceful shutdown waits for every request in progress. A miner can be in the
//! middle of a validator's probe (up to a hundred generated tokens on a busy CPU) and a gateway
//! can hold a long SSE stream, so after the signal requests get [`DRAIN`] to finish; what is
//! still open then is dropped and the process exits. A supervisor's grace period (systemd's
//! `TimeoutStopSec`, Docker's and Kubernetes' 10-30 s) is thus respected.

use std::{future::IntoFuture, time::Duration};

use tokio::sync::watch;

/// How long requests in progress may run after the signal before they are dropped.
pub const DRAIN: Duration = Duration::from_secs(10);

/// Whether SIGTERM or Ctrl-C has arrived; cheap to clone.
#[derive(Clone)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
	/// Starts listening for SIGTERM and Ctrl-C.
	pub fn on_signal() -> Self {
		let (sender, receiver) = watch::channel(false);
		tokio::spawn(async move {
			crate::shutdown_signal().await;
			let _ = sender.send(true);
		});
		Shutdown(receiver)
	}

	/// Resolves once the signal has arrived (at once if it already has).
	pub fn requested(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
		let mut receiver = self.0.clone();
		async move {
			// An error means the sender is gone without a signal: never resolve.
			if receiver.wait_for(|stopping| *stopping).await.is_err() {
				std::future::pending::<()>().await;
			}
		}
	}

	/// Runs `server` (whose graceful shutdown waits on [`Shutdown::requested`]) until it has
	/// stopped, or until [`DRAIN`] after the signal, whichever is first.
	pub async fn serve<S>(&self, server: S) -> std::io::Result<()>
	where
		S: IntoFuture<Output = std::io::Result<()>>,
	{
		let deadline = async {
			self.requested().await;
			tokio::time::sleep(DRAIN).await;
		};
		tokio::select! {
			served = server.into_future() => served,
			() = deadline => {
				tracing::warn!(drain = ?DRAIN, "requests still open after the drain time: dropped");
				Ok(())
			},
		}
	}
}
