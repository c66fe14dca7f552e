//! Load generators (benchmarks, not tests: `#[ignore]`, run by `scripts/bench-market.sh`):
//! results against `Balances.transfer_keep_alive` on the same dev node in the same run, for
//! embeddings (`Inference.submit_result`, 384 values: all-MiniLM-L6-v2's size) and for text
//! generation (`Inference.submit_generation`, 256 tokens with their TOPLOC proof). Manual
//! sealing: for each kind, N signed extrinsics (one signer, nonces 0‥N−1) go into the pool, then
//! blocks are sealed back to back until all are in; throughput = N / sealing time. The results
//! answer N requests assigned to one staked miner (no validators, so no audits).
//!
//! `LOAD_N` (default 1000) extrinsics per kind.

use inferchain_e2e::{market::open_market_calls, tx, Client, Node, NodeConfig};
use inferchain_inference::{
	encode_output, generation::TextRule, output_commitment, proof::proof_bytes_per_chunk,
	ComparisonRule, Dtype, ModelDigests, OutputShape, RuntimeProfile, TaskKind,
};
use inferchain_primitives::NetUid;
use inferchain_rpc_api::RequestState;
use inferchain_runtime::{Runtime, RuntimeCall, UNIT};
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring::{self, Bob, Charlie, Dave, Ferdie};
use std::{
	collections::BTreeMap,
	time::{Duration, Instant},
};

const NETUID: NetUid = NetUid(0);
const DIGESTS: ModelDigests = ModelDigests { weights: [7; 32], config: [7; 32], tokenizer: None };

async fn context(client: &Client) -> anyhow::Result<tx::ChainContext> {
	let (spec_version, transaction_version) = client.runtime_versions().await?;
	Ok(tx::ChainContext {
		genesis: client.genesis_hash().await?,
		spec_version,
		transaction_version,
	})
}

/// Submits `call` from `signer` and seals a block with it.
async fn apply(client: &Client, signer: Sr25519Keyring, call: RuntimeCall) -> anyhow::Result<()> {
	let nonce = client.next_nonce(&signer.to_account_id()).await?;
	client.submit(&tx::signed(call, signer, nonce, context(client).await?)).await?;
	seal(client).await?;
	Ok(())
}

/// Seals (and finalizes) one block; returns the number of extrinsics in it.
async fn seal(client: &Client) -> anyhow::Result<usize> {
	let sealed =
		client.call("engine_createBlock", vec![json!(true), json!(true), Value::Null]).await?;
	let hash = sealed["hash"].as_str().unwrap_or_default().to_string();
	let block = client.call("chain_getBlock", vec![json!(hash)]).await?;
	Ok(block["block"]["extrinsics"].as_array().map_or(0, Vec::len))
}

/// Seals blocks until request `id` reads `status` (at most `max_blocks`); returns how many.
async fn seal_until(
	client: &Client,
	id: u64,
	status: RequestState,
	max_blocks: usize,
) -> anyhow::Result<usize> {
	for sealed in 1..=max_blocks {
		seal(client).await?;
		if client.request(id).await?.is_some_and(|request| request.status == status) {
			return Ok(sealed);
		}
	}
	anyhow::bail!("request {id} is not {status:?} after {max_blocks} blocks")
}

/// Puts `extrinsics` in the pool, then seals until they are all in blocks: (blocks, seconds,
/// largest block in extrinsics). Each block also carries the timestamp inherent, not counted.
/// Counting sealed extrinsics (rather than reading the pool back) keeps the measuring loop's own
/// cost out of the figure.
async fn drain(client: &Client, extrinsics: &[Vec<u8>]) -> anyhow::Result<(usize, f64, usize)> {
	for extrinsic in extrinsics {
		client.submit(extrinsic).await?;
	}
	let started = Instant::now();
	let (mut blocks, mut largest, mut sealed) = (0, 0, 0);
	while sealed < extrinsics.len() {
		let count = seal(client).await?.saturating_sub(1);
		largest = largest.max(count);
		sealed += count;
		blocks += 1;
		anyhow::ensure!(blocks < 1_000, "the pool does not drain");
	}
	Ok((blocks, started.elapsed().as_secs_f64(), largest))
}

/// The author's account of `blocks` blocks built after `skip` earlier ones, waiting (up to 5 s)
/// for the node to write its log lines.
async fn proposals_of(
	node: &Node,
	skip: usize,
	blocks: usize,
) -> (usize, u64, BTreeMap<String, usize>) {
	for _ in 0..50 {
		let seen = proposals(&node.log(), skip);
		if seen.0 >= blocks {
			return seen;
		}
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
	proposals(&node.log(), skip)
}

/// The block author's account of the blocks built since `skip` earlier ones (its
/// "Prepared block" log lines): (blocks seen, milliseconds spent building, why each stopped).
fn proposals(log: &str, skip: usize) -> (usize, u64, BTreeMap<String, usize>) {
	let (mut count, mut millis, mut ends) = (0, 0, BTreeMap::new());
	for line in log.lines().filter(|line| line.contains("Prepared block for proposing")).skip(skip)
	{
		count += 1;
		let took = line.split(" ms)").next().and_then(|head| head.rsplit('(').next());
		millis += took.and_then(|ms| ms.trim().parse::<u64>().ok()).unwrap_or(0);
		let end = line.split("end: ").nth(1).and_then(|tail| tail.split(';').next());
		*ends.entry(end.unwrap_or("?").to_string()).or_insert(0) += 1;
	}
	(count, millis, ends)
}

/// A subnet (0) serving `metadata`'s model, with one miner: Charlie, Bob's hotkey, staked with
/// `stake` so that it can back every request of the run.
async fn market(
	client: &Client,
	metadata: pallet_inference::ModelMetadataOf<Runtime>,
	stake: u128,
) -> anyhow::Result<()> {
	for (signer, call) in open_market_calls(DIGESTS, metadata, stake) {
		apply(client, signer, call).await?;
	}
	Ok(())
}

/// Requests `requests` (N of them, from Dave), drawn for the one miner; then N results
/// (`result(id)`, from Charlie) and N transfers from Bob to Ferdie, each drained separately.
/// Prints the table of the two.
async fn race(
	node: &Node,
	client: &Client,
	n: u32,
	requests: &[Vec<u8>],
	result: impl Fn(u64) -> RuntimeCall,
	label: &str,
) -> anyhow::Result<()> {
	let chain = context(client).await?;
	let (request_blocks, request_seconds, _) = drain(client, requests).await?;
	// The draws run within the agenda's budget, over a few blocks: seal until the last is
	// drawn (the first deadlines are `ResultTimeout` blocks after the first draws).
	let draw_blocks = seal_until(client, u64::from(n) - 1, RequestState::Assigned, 50).await?;
	let first = client.request(0).await?.map(|request| request.status);
	anyhow::ensure!(first == Some(RequestState::Assigned), "request 0 is {first:?}");

	let results: Vec<Vec<u8>> =
		(0..n).map(|nonce| tx::signed(result(u64::from(nonce)), Charlie, nonce, chain)).collect();
	let bob_nonce = client.next_nonce(&Bob.to_account_id()).await?;
	let transfers: Vec<Vec<u8>> = (0..n)
		.map(|i| tx::signed(tx::transfer(Ferdie, UNIT / 100), Bob, bob_nonce + i, chain))
		.collect();
	// One "Prepared block" line per sealed block; let the last ones reach the log first.
	tokio::time::sleep(Duration::from_secs(1)).await;
	let before_results = proposals(&node.log(), 0).0;
	let (result_blocks, result_seconds, result_largest) = drain(client, &results).await?;
	let result_building = proposals_of(node, before_results, result_blocks).await;
	let answered = client.request(u64::from(n) - 1).await?.map(|request| request.status);
	anyhow::ensure!(
		answered == Some(RequestState::Answered),
		"the last result was not accepted: {answered:?}"
	);
	let before_transfers = before_results + result_blocks;
	let (transfer_blocks, transfer_seconds, transfer_largest) = drain(client, &transfers).await?;
	let transfer_building = proposals_of(node, before_transfers, transfer_blocks).await;

	// Every result settles: the audit draws and finalizations the burst scheduled run within
	// the agenda's per-block budget, late if need be, and none is lost.
	let settle_blocks = seal_until(client, u64::from(n) - 1, RequestState::Final, 200).await?;
	for id in 0..u64::from(n) {
		let status = client.request(id).await?.map(|request| request.status);
		anyhow::ensure!(status == Some(RequestState::Final), "request {id} is {status:?}");
	}

	let rate = |seconds: f64| f64::from(n) / seconds.max(1e-9);
	println!(
		"N = {n} per kind (requests: {request_blocks} blocks, {request_seconds:.2} s; \
		 all drawn {draw_blocks} blocks later)"
	);
	println!("| extrinsic | blocks | largest block | seconds | per second |");
	println!("|---|---:|---:|---:|---:|");
	println!(
		"| `{label}` | {result_blocks} | {result_largest} | {result_seconds:.2} | {:.0} |",
		rate(result_seconds)
	);
	println!(
		"| `Balances.transfer_keep_alive` | {transfer_blocks} | {transfer_largest} | {transfer_seconds:.2} | {:.0} |",
		rate(transfer_seconds)
	);
	for (kind, (blocks, millis, ends)) in
		[("result", result_building), ("transfer_keep_alive", transfer_building)]
	{
		println!("{kind}: {blocks} blocks built in {millis} ms by the author; ends: {ends:?}");
	}
	println!("all {n} results final {settle_blocks} blocks after the transfers");
	println!("ratio result / transfer: {:.2}", rate(result_seconds) / rate(transfer_seconds));
	tokio::time::sleep(Duration::from_millis(10)).await;
	Ok(())
}

/// `LOAD_N`, and a dev node sealing by hand with room in its pool for the whole run.
async fn load_node(dir: &std::path::Path) -> anyhow::Result<(u32, Node, Client)> {
	let n: u32 = std::env::var("LOAD_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000);
	let config = NodeConfig::new("load", "dev", dir).with_args([
		"--dev",
		"--sealing",
		"manual",
		"--pool-limit",
		"100000",
		"--pool-kbytes",
		"1000000",
	]);
	let (node, client) = Node::start(config).await?;
	Ok((n, node, client))
}

#[tokio::test]
#[ignore = "a benchmark: scripts/bench-market.sh"]
async fn submit_result_throughput_against_transfers() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let (n, node, client) = load_node(dir.path()).await?;
	let profile = RuntimeProfile::tolerant(10_000);
	let metadata = pallet_inference::ModelMetadata {
		name: b"all-MiniLM-L6-v2".to_vec().try_into().map_err(|_| anyhow::anyhow!("name"))?,
		kind: TaskKind::Embedding,
		profile,
		output_dim: 384,
	};
	// Each request's collateral is `SlashMultiple` (100) × its fee (0.01 INFER).
	market(&client, metadata, u128::from(n) * UNIT + UNIT).await?;

	let chain = context(&client).await?;
	let input: Vec<u8> = b"Inferchain checks the work.".to_vec();
	let requests: Vec<Vec<u8>> = (0..n)
		.map(|nonce| {
			let call = RuntimeCall::Inference(pallet_inference::Call::submit_request {
				netuid: NETUID,
				input: input.clone().try_into().unwrap_or_default(),
				max_fee: UNIT,
			});
			tx::signed(call, Dave, nonce, chain)
		})
		.collect();
	let values: Vec<f32> = (0..384).map(|i| (i as f32).sin() / 20.0).collect();
	let commitment = output_commitment(&profile.rule, OutputShape { rows: 1, cols: 384 }, &values);
	let output = encode_output(&values);
	let result = |request_id| {
		RuntimeCall::Inference(pallet_inference::Call::submit_result {
			request_id,
			output: output.clone().try_into().unwrap_or_default(),
			output_commitment: sp_core::H256(commitment),
		})
	};
	race(&node, &client, n, &requests, result, "Inference.submit_result (384 values)").await
}

#[tokio::test]
#[ignore = "a benchmark: scripts/bench-market.sh"]
async fn submit_generation_throughput_against_transfers() -> anyhow::Result<()> {
	const TOKENS: u32 = 256;
	let dir = tempfile::tempdir()?;
	let (n, node, client) = load_node(dir.path()).await?;
	let rule = TextRule::CPU_F32;
	let metadata = pallet_inference::ModelMetadata {
		name: b"SmolLM2-135M-Instruct".to_vec().try_into().map_err(|_| anyhow::anyhow!("name"))?,
		kind: TaskKind::TextGeneration,
		profile: RuntimeProfile {
			dtype: Dtype::F32,
			rule: ComparisonRule::Text(rule),
			cpu_threads: 0,
		},
		output_dim: 49_152,
	};
	// A 256-token request holds about 0.036 INFER under the default market: its collateral
	// (100 × that) is below 4 INFER.
	market(&client, metadata, u128::from(n) * 4 * UNIT + UNIT).await?;

	let chain = context(&client).await?;
	let prompt = b"Write a short poem about verifiable inference.".to_vec();
	let requests: Vec<Vec<u8>> = (0..n)
		.map(|nonce| {
			let call = RuntimeCall::Inference(pallet_inference::Call::submit_text_request {
				netuid: NETUID,
				prompt: pallet_inference::TextPrompt::Text(
					prompt.clone().try_into().unwrap_or_default(),
				),
				options: pallet_inference::TextOptions {
					max_tokens: TOKENS,
					temperature_milli: 0,
					top_p_milli: 1_000,
					seed: Some(7),
					stop: Default::default(),
				},
				max_fee: UNIT,
			});
			tx::signed(call, Dave, nonce, chain)
		})
		.collect();
	let tokens: Vec<u32> = (0..TOKENS).map(|i| 1 + i * 97 % 49_000).collect();
	let chunks = TOKENS.div_ceil(32) as usize;
	let proof = vec![0x5a; chunks * proof_bytes_per_chunk(usize::from(rule.top_k))];
	let result = |request_id| {
		RuntimeCall::Inference(pallet_inference::Call::submit_generation {
			request_id,
			tokens: tokens.clone().try_into().unwrap_or_default(),
			proof: proof.clone().try_into().unwrap_or_default(),
		})
	};
	let label = "Inference.submit_generation (256 tokens and their proof)";
	race(&node, &client, n, &requests, result, label).await
}
