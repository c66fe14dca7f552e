//! Load generator (a benchmark, not a test: `#[ignore]`, run by `scripts/bench-market.sh`):
//! `Inference.submit_result` throughput against `Balances.transfer_keep_alive` on the same dev
//! node in the same run. Manual sealing: for each kind, N signed extrinsics (one signer, nonces
//! 0‥N−1) go into the pool, then blocks are sealed back to back until all are in; throughput =
//! N / sealing time. The results answer N requests assigned to one miner (no validators, so no
//! audits), each a 384-value output (all-MiniLM-L6-v2's size) with its commitment.
//!
//! `LOAD_N` (default 1000) extrinsics per kind.

use inferchain_e2e::{tx, Client, Node, NodeConfig};
use inferchain_inference::{
	encode_output, output_commitment, ModelDigests, OutputShape, RuntimeProfile, TaskKind,
};
use inferchain_primitives::NetUid;
use inferchain_runtime::{RuntimeCall, UNIT};
use serde_json::{json, Value};
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave, Ferdie};
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
	status: &str,
	max_blocks: usize,
) -> anyhow::Result<usize> {
	for sealed in 1..=max_blocks {
		seal(client).await?;
		let request = client.call("inference_getRequest", vec![json!(id)]).await?;
		if request["status"] == status {
			return Ok(sealed);
		}
	}
	anyhow::bail!("request {id} is not {status} after {max_blocks} blocks")
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

#[tokio::test]
#[ignore = "a benchmark: scripts/bench-market.sh"]
async fn submit_result_throughput_against_transfers() -> anyhow::Result<()> {
	let n: u32 = std::env::var("LOAD_N").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000);
	let dir = tempfile::tempdir()?;
	let config = NodeConfig::new("load", "dev", dir.path()).with_args([
		"--dev",
		"--sealing",
		"manual",
		"--pool-limit",
		"100000",
		"--pool-kbytes",
		"1000000",
	]);
	let (node, client) = Node::start(config).await?;

	// A subnet for a registered model, one miner (Charlie, Bob's hotkey) and no validator.
	let subnets = |call| RuntimeCall::Subnets(call);
	apply(
		&client,
		Alice,
		subnets(pallet_subnets::Call::register_subnet { max_lock_cost: 1_000 * UNIT }),
	)
	.await?;
	let profile = RuntimeProfile::tolerant(10_000);
	let metadata = pallet_inference::ModelMetadata {
		name: b"all-MiniLM-L6-v2".to_vec().try_into().map_err(|_| anyhow::anyhow!("name"))?,
		kind: TaskKind::Embedding,
		profile,
		output_dim: 384,
	};
	let metadata_output = metadata.output();
	apply(
		&client,
		Alice,
		RuntimeCall::Inference(pallet_inference::Call::register_model {
			digests: DIGESTS,
			metadata,
		}),
	)
	.await?;
	let model_id = sp_core::H256(DIGESTS.model_id(&profile, &metadata_output));
	let task = pallet_subnets::SubnetTask { kind: TaskKind::Embedding, model_id };
	apply(&client, Alice, subnets(pallet_subnets::Call::set_subnet_task { netuid: NETUID, task }))
		.await?;
	apply(
		&client,
		Bob,
		subnets(pallet_subnets::Call::register_neuron {
			netuid: NETUID,
			hotkey: Charlie.to_account_id(),
			max_burn: 10 * UNIT,
		}),
	)
	.await?;

	// N requests from Dave, drawn (all to Charlie) in the following blocks.
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
	let (request_blocks, request_seconds, _) = drain(&client, &requests).await?;
	// The draws run within the agenda's budget, over a few blocks: seal until the last is
	// drawn (the first deadlines are `ResultTimeout` blocks after the first draws).
	let draw_blocks = seal_until(&client, u64::from(n) - 1, "assigned", 50).await?;
	let first = client.call("inference_getRequest", vec![json!(0u64)]).await?;
	anyhow::ensure!(first["status"] == "assigned", "request 0 was not assigned: {first}");

	// N results from Charlie, and N transfers from Bob to Ferdie, each drained separately.
	let values: Vec<f32> = (0..384).map(|i| (i as f32).sin() / 20.0).collect();
	let commitment = output_commitment(&profile.rule, OutputShape { rows: 1, cols: 384 }, &values);
	let output = encode_output(&values);
	let results: Vec<Vec<u8>> = (0..n)
		.map(|nonce| {
			let call = RuntimeCall::Inference(pallet_inference::Call::submit_result {
				request_id: u64::from(nonce),
				output: output.clone().try_into().unwrap_or_default(),
				output_commitment: sp_core::H256(commitment),
			});
			tx::signed(call, Charlie, nonce, chain)
		})
		.collect();
	let bob_nonce = client.next_nonce(&Bob.to_account_id()).await?;
	let transfers: Vec<Vec<u8>> = (0..n)
		.map(|i| tx::signed(tx::transfer(Ferdie, UNIT / 100), Bob, bob_nonce + i, chain))
		.collect();
	// One "Prepared block" line per sealed block; let the last ones reach the log first.
	tokio::time::sleep(Duration::from_secs(1)).await;
	let before_results = proposals(&node.log(), 0).0;
	let (result_blocks, result_seconds, result_largest) = drain(&client, &results).await?;
	let result_building = proposals_of(&node, before_results, result_blocks).await;
	let answered = client.call("inference_getRequest", vec![json!(u64::from(n) - 1)]).await?;
	anyhow::ensure!(
		answered["status"] == "answered",
		"the last result was not accepted: {answered}"
	);
	let before_transfers = before_results + result_blocks;
	let (transfer_blocks, transfer_seconds, transfer_largest) = drain(&client, &transfers).await?;
	let transfer_building = proposals_of(&node, before_transfers, transfer_blocks).await;

	// Every result settles: the audit draws and finalizations the burst scheduled run within
	// the agenda's per-block budget, late if need be, and none is lost.
	let settle_blocks = seal_until(&client, u64::from(n) - 1, "final", 200).await?;
	for id in 0..u64::from(n) {
		let request = client.call("inference_getRequest", vec![json!(id)]).await?;
		anyhow::ensure!(request["status"] == "final", "request {id} did not settle: {request}");
	}

	let rate = |seconds: f64| f64::from(n) / seconds.max(1e-9);
	println!(
		"N = {n} per kind (requests: {request_blocks} blocks, {request_seconds:.2} s; \
		 all drawn {draw_blocks} blocks later)"
	);
	println!("| extrinsic | blocks | largest block | seconds | per second |");
	println!("|---|---:|---:|---:|---:|");
	println!(
		"| `Inference.submit_result` (384 values) | {result_blocks} | {result_largest} | {result_seconds:.2} | {:.0} |",
		rate(result_seconds)
	);
	println!(
		"| `Balances.transfer_keep_alive` | {transfer_blocks} | {transfer_largest} | {transfer_seconds:.2} | {:.0} |",
		rate(transfer_seconds)
	);
	for (kind, (blocks, millis, ends)) in
		[("submit_result", result_building), ("transfer_keep_alive", transfer_building)]
	{
		println!("{kind}: {blocks} blocks built in {millis} ms by the author; ends: {ends:?}");
	}
	println!("all {n} results final {settle_blocks} blocks after the transfers");
	println!(
		"ratio submit_result / transfer: {:.2}",
		rate(result_seconds) / rate(transfer_seconds)
	);
	tokio::time::sleep(Duration::from_millis(10)).await;
	Ok(())
}
