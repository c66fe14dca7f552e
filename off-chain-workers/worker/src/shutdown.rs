//! Stopping on SIGTERM/Ctrl-C within a bounded time.
//!
//! An HTTP server's graceful shutdown waits for every request in progress. A miner can be in the
//! middle of a validator's probe (up to a hundred generated tokens on a busy CPU) and a client
//! can hold a request open for ever, so after the signal requests get a drain time to finish
//! ([`DRAIN`] for miners, [`GATEWAY_DRAIN`] for the gateway, whose requests wait for a block to
//! be finalized and a miner to answer); what is still open then is dropped and the process
//! exits. A supervisor's grace period (systemd's `TimeoutStopSec`, Docker's `stop_grace_period`)
//! longer than that is thus respected.

use std::{future::IntoFuture, time::Duration};

use tokio::sync::watch;

/// How long a miner's requests in progress may run after the signal before they are dropped.
pub const DRAIN: Duration = Duration::from_secs(10);

/// How long the gateway's requests in progress may run after the signal: one that was paid on
/// chain gets the time to be finalized and answered.
pub const GATEWAY_DRAIN: Duration = Duration::from_secs(30);

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
	/// stopped, or until `drain` after the signal, whichever is first.
	pub async fn serve<S>(&self, server: S, drain: Duration) -> std::io::Result<()>
	where
		S: IntoFuture<Output = std::io::Result<()>>,
	{
		let deadline = async {
			self.requested().await;
			tokio::time::sleep(drain).await;
		};
		tokio::select! {
			served = server.into_future() => served,
			() = deadline => {
				tracing::warn!(?drain, "requests still open after the drain time: dropped");
				Ok(())
			},
		}
	}
}
