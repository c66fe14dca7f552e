//! End-to-end test harness: starts real `inferchain-node` processes on free loopback ports and
//! talks to them over JSON-RPC (WebSocket) with jsonrpsee, building signed extrinsics with the
//! runtime's own types.
//!
//! Every node is a child process owned by a [`Node`]; dropping it (at the end of a test, or while
//! unwinding from a failed assertion) kills the process, and the kernel kills it too if the test
//! process itself dies (`PR_SET_PDEATHSIG`).

pub mod market;
pub mod network;
pub mod node;
pub mod rpc;
pub mod runtime_blob;
pub mod tx;
pub mod worker;

pub use node::{node_binary, Node, NodeConfig};
pub use rpc::Client;
pub use worker::{
	embedding_worker, free_addr, llm_path, model_dir, register_fast_subnet, run_worker,
	start_block_ticker, start_block_ticker_lagging, text_worker, worker_binary, Worker,
};

use std::time::{Duration, Instant};

/// Polls `check` every 250 ms until it returns `Some`, or fails after `timeout`.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> anyhow::Result<T>
where
	F: FnMut() -> Fut,
	Fut: std::future::Future<Output = anyhow::Result<Option<T>>>,
{
	let deadline = Instant::now() + timeout;
	let mut last_error = None;
	loop {
		match check().await {
			Ok(Some(value)) => return Ok(value),
			Ok(None) => {},
			Err(error) => last_error = Some(error),
		}
		if Instant::now() >= deadline {
			anyhow::bail!(
				"timed out after {timeout:?} waiting for {what} (last error: {last_error:?})"
			);
		}
		tokio::time::sleep(Duration::from_millis(250)).await;
	}
}

/// The neuron of `hotkey` (SS58) among `neurons`.
pub fn neuron_of<'a>(
	neurons: &'a [inferchain_rpc_api::NeuronJson],
	hotkey: &str,
) -> Option<&'a inferchain_rpc_api::NeuronJson> {
	neurons.iter().find(|n| n.hotkey == hotkey)
}

/// Runs the Python script `e2e/openai/<script>` with `args`, when a Python with the official
/// `openai` package is at hand (`$INFERCHAIN_PYTHON`, which `scripts/test.sh` provides; required
/// under CI); returns its standard output, or `None` when skipped outside CI.
pub fn run_openai_script(script: &str, args: &[&str]) -> anyhow::Result<Option<String>> {
	let python = std::env::var("INFERCHAIN_PYTHON").unwrap_or_else(|_| "python3".into());
	let has_openai = std::process::Command::new(&python)
		.args(["-c", "import openai"])
		.status()
		.is_ok_and(|status| status.success());
	if !has_openai {
		anyhow::ensure!(std::env::var_os("CI").is_none(), "{python} has no `openai` package");
		println!("skipping the OpenAI client check: {python} has no `openai` package");
		return Ok(None);
	}
	let path = format!("{}/openai/{script}", env!("CARGO_MANIFEST_DIR"));
	let output = std::process::Command::new(&python).arg(path).args(args).output()?;
	anyhow::ensure!(
		output.status.success(),
		"the OpenAI client failed:\n{}{}",
		String::from_utf8_lossy(&output.stdout),
		String::from_utf8_lossy(&output.stderr)
	);
	Ok(Some(String::from_utf8(output.stdout)?))
}
