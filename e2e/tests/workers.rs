//! The off-chain workers end to end, on CPU, with the real all-MiniLM-L6-v2 model: a dev node
//! (manual sealing, a block every 250 ms), a subnet registered for the model by
//! `inferchain-worker subnet`, one honest miner, one miner that perturbs its outputs, and one
//! validator. After a few tempos the honest miner has earned emission and the cheat nothing,
//! read from chain state; the miner's OpenAI-compatible API answers with receipts Substrate's
//! own sr25519 verifies; workers survive a node restart and stop cleanly on SIGTERM.

use codec::Decode;
use inferchain_e2e::{
	free_addr, model_dir, neuron_of, register_fast_subnet, start_block_ticker, wait_for, Node,
	NodeConfig, Worker,
};
use inferchain_inference::Receipt;
use inferchain_primitives::NetUid;
use inferchain_rpc_api::TaskKind;
use inferchain_runtime::{Runtime, UNIT};
use serde_json::{json, Value};
use sp_core::{crypto::Ss58Codec, sr25519, Pair};
use sp_keyring::Sr25519Keyring::{Charlie, Dave, Eve};
use std::time::Duration;

const NETUID: NetUid = NetUid(0);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_honest_miner_earns_and_a_cheating_miner_does_not() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let config =
		NodeConfig::new("workers", "dev", dir.path()).with_args(["--dev", "--sealing", "manual"]);
	let url = config.ws_url();
	let (mut node, client) = Node::start(config).await?;
	let ticker = start_block_ticker(url.clone(), Duration::from_millis(250));

	// The subnet owner's tool: a subnet whose task is the bundled model, made fast by root.
	let netuid = register_fast_subnet(&url, &[]).await?;
	assert_eq!(netuid.trim(), "0");
	let subnet = client.subnet(0, None).await?.expect("subnet 0");
	let task = subnet.task.expect("a task");
	let model_id = task.model_id.to_string();
	assert_eq!(task.kind, TaskKind::Embedding);
	assert_eq!(subnet.hyperparams.tempo, 10);

	let common = |extra: &[&str]| -> Vec<String> {
		let mut args: Vec<String> =
			vec!["--chain".into(), url.clone(), "--netuid".into(), "0".into()];
		args.extend(["--model-dir".into(), model_dir()]);
		args.extend(extra.iter().map(|s| s.to_string()));
		args
	};
	let honest_addr = free_addr();
	let cheat_addr = free_addr();
	let mut honest = Worker::spawn(
		"honest-miner",
		dir.path(),
		[
			vec!["miner".to_string()],
			common(&[
				"--coldkey-suri",
				"//Bob",
				"--hotkey-suri",
				"//Charlie",
				"--listen",
				&honest_addr,
			]),
		]
		.concat(),
	)?;
	let mut cheat = Worker::spawn(
		"cheating-miner",
		dir.path(),
		[
			vec!["miner".to_string()],
			common(&[
				"--coldkey-suri",
				"//Bob",
				"--hotkey-suri",
				"//Dave",
				"--listen",
				&cheat_addr,
				"--perturb",
				"0.01",
			]),
		]
		.concat(),
	)?;
	let stake = (100 * UNIT).to_string();
	let metrics_addr = free_addr();
	let mut validator = Worker::spawn(
		"validator",
		dir.path(),
		[
			vec!["validator".to_string()],
			common(&[
				"--coldkey-suri",
				"//Ferdie",
				"--hotkey-suri",
				"//Eve",
				"--stake",
				&stake,
				"--metrics-listen",
				&metrics_addr,
			]),
		]
		.concat(),
	)?;

	let (charlie, dave, eve) = (
		Charlie.to_account_id().to_ss58check(),
		Dave.to_account_id().to_ss58check(),
		Eve.to_account_id().to_ss58check(),
	);
	let http = reqwest::Client::new();

	// The honest miner is paid emission once the validator's weights have been revealed and an
	// epoch has run; the cheat never.
	let deadline = std::time::Instant::now() + Duration::from_secs(180);
	let neurons = loop {
		for worker in [&mut honest, &mut cheat, &mut validator] {
			worker.assert_running()?;
		}
		let neurons = client.neurons(0, None).await?;
		if neuron_of(&neurons, &charlie).is_some_and(|n| n.pruning_score > 0) {
			break neurons;
		}
		if std::time::Instant::now() > deadline {
			anyhow::bail!(
				"no emission for the honest miner after 180 s\nvalidator log:\n{}\nhonest miner log:\n{}",
				validator.log_tail(),
				honest.log_tail()
			);
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	};
	let honest_neuron = neuron_of(&neurons, &charlie).expect("registered");
	let cheat_neuron = neuron_of(&neurons, &dave).expect("registered");
	let validator_neuron = neuron_of(&neurons, &eve).expect("registered");
	assert!(honest_neuron.stake > 0, "{honest_neuron:?}");
	assert_eq!(cheat_neuron.stake, 0, "{cheat_neuron:?}");
	assert_eq!(cheat_neuron.pruning_score, 0, "{cheat_neuron:?}");
	assert!(validator_neuron.validator_permit);
	for (n, addr) in [(honest_neuron, &honest_addr), (cheat_neuron, &cheat_addr)] {
		let endpoint = n.endpoint.as_ref().expect("an endpoint");
		assert_eq!(format!("{}:{}", endpoint.ip, endpoint.port), *addr);
	}

	// The validator's weights on chain: the honest miner only.
	let validator_uid = validator_neuron.uid;
	let key = pallet_emission::Weights::<Runtime>::hashed_key_for(NETUID, validator_uid);
	let raw = client.storage(&key, None).await?.expect("the validator has weights");
	let weights: pallet_emission::WeightsOf<Runtime> = Decode::decode(&mut &raw[..])?;
	let weights: Vec<(u16, u16)> = weights.pairs().collect();
	let honest_uid = honest_neuron.uid;
	assert_eq!(weights, vec![(honest_uid, u16::MAX)]);
	assert!(validator.log().contains("vectors disagree with re-execution"));

	// A dApp's view: the OpenAI-compatible API, with a receipt sr25519 verifies.
	let inputs = ["Inferchain checks the work.", "Bittensor only sees the weights."];
	let answer: Value = http
		.post(format!("http://{honest_addr}/v1/embeddings"))
		.json(&json!({"input": inputs, "model": "all-MiniLM-L6-v2"}))
		.send()
		.await?
		.error_for_status()?
		.json()
		.await?;
	assert_eq!(answer["object"], "list");
	assert_eq!(answer["data"].as_array().map(Vec::len), Some(2));
	assert_eq!(answer["data"][1]["embedding"].as_array().map(Vec::len), Some(384));
	let receipt = &answer["inferchain"]["receipt"];
	assert_eq!(receipt["hotkey"], charlie.as_str());
	assert_eq!(receipt["modelId"], model_id.as_str());
	let hex32 = |field: &str| -> [u8; 32] {
		hex::decode(receipt[field].as_str().unwrap_or_default().trim_start_matches("0x"))
			.ok()
			.and_then(|b| b.try_into().ok())
			.unwrap_or([0; 32])
	};
	let signed = Receipt {
		request_hash: hex32("requestHash"),
		output_commitment: hex32("outputCommitment"),
		model_id: hex32("modelId"),
		block: receipt["block"].as_u64().unwrap_or_default() as u32,
	};
	assert_eq!(signed.request_hash, inferchain_inference::request_hash(&signed.model_id, &inputs));
	let signature_bytes =
		hex::decode(receipt["signature"].as_str().unwrap_or_default().trim_start_matches("0x"))?;
	let signature = sr25519::Signature::from_raw(
		signature_bytes.try_into().map_err(|_| anyhow::anyhow!("signature length"))?,
	);
	assert!(sr25519::Pair::verify(&signature, signed.signing_payload(), &Charlie.public()));

	// Bad requests get OpenAI-style errors.
	let empty = http
		.post(format!("http://{honest_addr}/v1/embeddings"))
		.json(&json!({"input": "", "model": "all-MiniLM-L6-v2"}))
		.send()
		.await?;
	assert_eq!(empty.status(), 400);
	let body: Value = empty.json().await?;
	assert_eq!(body["error"]["type"], "invalid_request_error");
	let other_model = http
		.post(format!("http://{honest_addr}/v1/embeddings"))
		.json(&json!({"input": "x", "model": "text-embedding-3-small"}))
		.send()
		.await?;
	assert_eq!(other_model.status(), 404);
	let metrics = http.get(format!("http://{honest_addr}/metrics")).send().await?.text().await?;
	assert!(metrics.contains("inferchain_worker_requests_total{outcome=\"ok\"}"), "{metrics}");
	let validator_metrics =
		http.get(format!("http://{metrics_addr}/metrics")).send().await?.text().await?;
	assert!(
		validator_metrics.contains("inferchain_worker_checks_total{outcome=\"wrong\"}"),
		"{validator_metrics}"
	);

	// The node restarts: the workers reconnect and follow its finalized blocks again.
	let before = client.finalized_number().await?;
	drop(client);
	let client = node.restart().await?;
	let finalized_seen = |addr: String| {
		let http = http.clone();
		async move {
			let text = http.get(format!("http://{addr}/metrics")).send().await?.text().await?;
			let seen = text
				.lines()
				.find_map(|l| l.strip_prefix("inferchain_worker_block "))
				.and_then(|v| v.trim().parse::<u32>().ok())
				.unwrap_or(0);
			anyhow::Ok(seen)
		}
	};
	let target = before + 8;
	wait_for("workers to follow the restarted node", Duration::from_secs(60), || {
		let (honest_addr, metrics_addr) = (honest_addr.clone(), metrics_addr.clone());
		let finalized_seen = &finalized_seen;
		async move {
			let miner = finalized_seen(honest_addr).await?;
			let validator = finalized_seen(metrics_addr).await?;
			Ok((miner >= target && validator >= target).then_some(()))
		}
	})
	.await?;
	assert!(client.finalized_number().await? >= target);

	// SIGTERM: every worker stops cleanly, within the drain time even while a client holds a
	// request open on the honest miner (headers sent, the promised body never finished: the
	// server's graceful shutdown alone would wait for it forever).
	let mut stalled = tokio::net::TcpStream::connect(&honest_addr).await?;
	let head = format!(
		"POST /v1/embeddings HTTP/1.1\r\nHost: {honest_addr}\r\nContent-Type: application/json\r\n\
		 Content-Length: 100000\r\n\r\n{{\"input\": \"never fin"
	);
	tokio::io::AsyncWriteExt::write_all(&mut stalled, head.as_bytes()).await?;
	// Let the server read the headers: the request is then in progress, not an idle connection.
	tokio::time::sleep(Duration::from_secs(1)).await;
	for worker in [&mut honest, &mut cheat, &mut validator] {
		let status = worker.terminate(Duration::from_secs(20)).await?;
		assert!(status.success(), "{} exited with {status}:\n{}", worker.name, worker.log_tail());
	}
	drop(stalled);
	ticker.abort();
	Ok(())
}
