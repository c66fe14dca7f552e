//! `inferchain-worker gateway` end to end: a dev node (a block a second) with an embeddings
//! subnet (all-MiniLM-L6-v2) and a text subnet (SmolLM2-135M-Instruct), a staked miner on each
//! and no validators (results are final after the challenge window), and a gateway paying for
//! requests from Eve's account.
//!
//! The official OpenAI Python client (`e2e/openai/gateway_client.py`) gets chat (plain and
//! streamed), a completion and embeddings through the gateway, each a paid on-chain request
//! whose `inferchain` field names the request, miner and commitment, plus OpenAI-shaped errors;
//! `GET /v1/requests/{id}` then follows each request to `final` (with the generated text for
//! text requests); a second gateway whose spending limit is below one request's fee answers
//! `402`.

use inferchain_e2e::{
	free_addr, llm_path, model_dir, register_fast_subnet, run_openai_script, start_block_ticker,
	wait_for, Node, NodeConfig, Worker,
};
use inferchain_runtime::UNIT;
use serde_json::{json, Value};
use sp_core::crypto::Ss58Codec;
use sp_keyring::Sr25519Keyring::{Charlie, Dave};
use std::{path::Path, time::Duration};

/// Each miner's stake.
const MINER_STAKE: u128 = 10 * UNIT;

/// Starts a miner of subnet `netuid` (`model` are the model's flags) for `hotkey`.
fn miner(
	dir: &Path,
	url: &str,
	(name, netuid): (&str, &str),
	hotkey: &str,
	model: &[&str],
) -> anyhow::Result<Worker> {
	let (addr, stake) = (free_addr(), MINER_STAKE.to_string());
	let args = [
		"miner",
		"--chain",
		url,
		"--netuid",
		netuid,
		"--coldkey-suri",
		"//Bob",
		"--hotkey-suri",
		hotkey,
		"--listen",
		&addr,
		"--stake",
		&stake,
	];
	Worker::spawn(name, dir, args.iter().chain(model))
}

/// Starts a gateway for both subnets on `addr`, paying from Eve, with `extra` arguments.
fn gateway(
	dir: &Path,
	url: &str,
	name: &str,
	addr: &str,
	extra: &[&str],
) -> anyhow::Result<Worker> {
	let gguf = llm_path();
	let args = [
		"gateway",
		"--chain",
		url,
		"--text-netuid",
		"1",
		"--embedding-netuid",
		"0",
		"--gguf",
		&gguf,
		"--requester-suri",
		"//Eve",
		"--listen",
		addr,
	];
	Worker::spawn(name, dir, args.iter().chain(extra))
}

/// Waits until `addr` answers `/health`.
async fn wait_healthy(addr: &str, worker: &mut Worker) -> anyhow::Result<()> {
	let http = reqwest::Client::new();
	wait_for("the gateway to serve", Duration::from_secs(120), || {
		let running = worker.assert_running();
		let http = &http;
		async move {
			running?;
			let health = http.get(format!("http://{addr}/health")).send().await;
			Ok(health.is_ok_and(|response| response.status().is_success()).then_some(()))
		}
	})
	.await
}

/// The OpenAI Python client's run against the gateway at `base_url`: the request ids it made.
fn run_openai_client(base_url: &str) -> anyhow::Result<Option<Vec<u64>>> {
	let Some(stdout) = run_openai_script("gateway_client.py", &[base_url])? else {
		return Ok(None);
	};
	let last = stdout.lines().last().unwrap_or("[]");
	Ok(Some(serde_json::from_str(last)?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_client_gets_paid_verified_answers_through_the_gateway() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let config =
		NodeConfig::new("node", "dev", dir.path()).with_args(["--dev", "--sealing", "manual"]);
	let url = config.ws_url();
	let (_node, client) = Node::start(config).await?;
	let ticker = start_block_ticker(url.clone(), Duration::from_millis(1000));
	let gguf = llm_path();
	assert_eq!(register_fast_subnet(&url, &[]).await?.trim(), "0");
	assert_eq!(register_fast_subnet(&url, &["--gguf", &gguf]).await?.trim(), "1");

	let model = model_dir();
	let mut embedder =
		miner(dir.path(), &url, ("embeddings-miner", "0"), "//Charlie", &["--model-dir", &model])?;
	let mut generator = miner(dir.path(), &url, ("text-miner", "1"), "//Dave", &["--gguf", &gguf])?;
	let addr = free_addr();
	let mut main = gateway(dir.path(), &url, "gateway", &addr, &[])?;
	let limited_addr = free_addr();
	let mut limited =
		gateway(dir.path(), &url, "limited-gateway", &limited_addr, &["--max-spend", "1"])?;
	// Both miners staked on their subnets (`subnets_getNeurons` of each).
	for (netuid, hotkey) in [(0u16, Charlie), (1, Dave)] {
		let hotkey = hotkey.to_account_id().to_ss58check();
		let client = &client;
		let hotkey = &hotkey;
		let staked = wait_for("the miners' stake", Duration::from_secs(240), || async move {
			let neurons = client.neurons(netuid, None).await?;
			let stake = neurons.iter().find(|n| n.hotkey == *hotkey).map_or(0, |n| n.stake);
			Ok((stake >= MINER_STAKE).then_some(()))
		})
		.await;
		if let Err(err) = staked {
			anyhow::bail!(
				"{err:#}\n{}\n{}\n{}",
				embedder.log_tail(),
				generator.log_tail(),
				main.log_tail()
			);
		}
	}
	wait_healthy(&addr, &mut main).await?;
	wait_healthy(&limited_addr, &mut limited).await?;

	let ids = match run_openai_client(&format!("http://{addr}")) {
		Ok(ids) => ids,
		Err(err) => anyhow::bail!(
			"{err:#}\ngateway log:\n{}\ntext miner log:\n{}\nembeddings miner log:\n{}",
			main.log_tail(),
			generator.log_tail(),
			embedder.log_tail()
		),
	};

	// Each request the client made, followed to final through the gateway.
	let http = reqwest::Client::new();
	for id in ids.unwrap_or_default() {
		let http = &http;
		let url = format!("http://{addr}/v1/requests/{id}");
		let url = &url;
		let record: Value =
			wait_for("the request to be final", Duration::from_secs(120), || async move {
				let record: Value = http.get(url).send().await?.json().await?;
				Ok((record["status"] == "final").then_some(record))
			})
			.await?;
		if record["text"].is_object() {
			assert!(record["result"]["text"].as_str().is_some_and(|t| !t.is_empty()), "{record}");
		} else {
			assert_eq!(record["result"]["output"].as_array().map(Vec::len), Some(384), "{record}");
		}
	}
	let missing = http.get(format!("http://{addr}/v1/requests/999999")).send().await?;
	assert_eq!(missing.status(), 404);
	let metrics = http.get(format!("http://{addr}/metrics")).send().await?.text().await?;
	assert!(
		metrics.contains("inferchain_worker_gateway_requests_total{outcome=\"final\"}"),
		"{metrics}"
	);

	// A spending limit below one request's fee: 402, nothing submitted.
	let refused = http
		.post(format!("http://{limited_addr}/v1/chat/completions"))
		.json(&json!({
			"model": "SmolLM2-135M-Instruct",
			"messages": [{"role": "user", "content": "Hi"}],
			"max_tokens": 4,
		}))
		.send()
		.await?;
	assert_eq!(refused.status(), 402);
	let body: Value = refused.json().await?;
	assert_eq!(body["error"]["code"], "insufficient_quota", "{body}");

	for worker in [&mut main, &mut limited, &mut embedder, &mut generator] {
		let status = worker.terminate(Duration::from_secs(30)).await?;
		assert!(status.success(), "{} exited with {status}:\n{}", worker.name, worker.log_tail());
	}
	ticker.abort();
	Ok(())
}
