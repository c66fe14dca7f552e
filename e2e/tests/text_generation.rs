//! Text generation end to end, on CPU, with the real SmolLM2-135M-Instruct: a dev node, a
//! text-generation subnet registered by `inferchain-worker subnet --gguf`, one honest miner,
//! one miner that edits a token of each answer (re-signing it), and one validator that probes
//! both and checks each answer's proof by one prefill. After a few tempos the honest miner has
//! earned emission and the cheat nothing; the official OpenAI Python client works against the
//! honest miner (chat, streaming, completions, models, errors).

use codec::Decode;
use inferchain_e2e::{
	free_addr, llm_path, run_worker, start_block_ticker, Node, NodeConfig, Worker,
};
use inferchain_primitives::NetUid;
use inferchain_runtime::{Runtime, UNIT};
use serde_json::{json, Value};
use sp_core::crypto::Ss58Codec;
use sp_keyring::Sr25519Keyring::{Charlie, Dave, Eve};
use std::time::Duration;

fn neuron<'a>(neurons: &'a Value, hotkey: &str) -> Option<&'a Value> {
	neurons.as_array()?.iter().find(|n| n["hotkey"] == hotkey)
}

fn amount(neuron: &Value, field: &str) -> u128 {
	match &neuron[field] {
		Value::String(text) => text.parse().unwrap_or(0),
		Value::Number(number) => number.as_u64().map(u128::from).unwrap_or(0),
		_ => 0,
	}
}

/// The official `openai` client's test, when a Python with `openai` is at hand
/// (`$INFERCHAIN_PYTHON`, which `scripts/test.sh` provides; required under CI).
fn run_openai_client(base_url: &str) -> anyhow::Result<()> {
	let python = std::env::var("INFERCHAIN_PYTHON").unwrap_or_else(|_| "python3".into());
	let has_openai = std::process::Command::new(&python)
		.args(["-c", "import openai"])
		.status()
		.is_ok_and(|status| status.success());
	if !has_openai {
		anyhow::ensure!(std::env::var_os("CI").is_none(), "{python} has no `openai` package");
		println!("skipping the OpenAI client check: {python} has no `openai` package");
		return Ok(());
	}
	let script = concat!(env!("CARGO_MANIFEST_DIR"), "/openai/text_client.py");
	let output = std::process::Command::new(&python).args([script, base_url]).output()?;
	anyhow::ensure!(
		output.status.success(),
		"the OpenAI client failed:\n{}{}",
		String::from_utf8_lossy(&output.stdout),
		String::from_utf8_lossy(&output.stderr)
	);
	Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_honest_text_miner_earns_and_a_token_editing_miner_does_not() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let config =
		NodeConfig::new("text", "dev", dir.path()).with_args(["--dev", "--sealing", "manual"]);
	let url = config.ws_url();
	let (_node, client) = Node::start(config).await?;
	let _ticker = start_block_ticker(url.clone(), Duration::from_millis(250));

	let gguf = llm_path();
	let netuid = run_worker([
		"subnet",
		"--chain",
		&url,
		"--owner-suri",
		"//Alice",
		"--gguf",
		&gguf,
		"--tempo",
		"10",
		"--reveal-period",
		"2",
		"--weights-rate-limit",
		"0",
	])
	.await?;
	assert_eq!(netuid.trim(), "0");
	let subnet = client.call("subnets_getSubnet", vec![json!(0)]).await?;
	assert_eq!(subnet["task"]["kind"], "textGeneration");
	let models = client.call("inference_listModels", vec![]).await?;
	assert!(models.to_string().contains("SmolLM2-135M-Instruct"), "{models}");

	let common = |extra: &[&str]| -> Vec<String> {
		let mut args: Vec<String> = vec![
			"--chain".into(),
			url.clone(),
			"--netuid".into(),
			"0".into(),
			"--gguf".into(),
			gguf.clone(),
		];
		args.extend(extra.iter().map(|s| s.to_string()));
		args
	};
	let (honest_addr, cheat_addr, metrics_addr) = (free_addr(), free_addr(), free_addr());
	let miner = |name: &str, hotkey: &str, addr: &str, extra: &[&str]| {
		let mut args = vec!["miner".to_string()];
		args.extend(common(
			&[&["--coldkey-suri", "//Bob", "--hotkey-suri", hotkey, "--listen", addr], extra]
				.concat(),
		));
		Worker::spawn(name, dir.path(), args)
	};
	let mut honest = miner("honest-text-miner", "//Charlie", &honest_addr, &[])?;
	let mut cheat = miner("token-editing-miner", "//Dave", &cheat_addr, &["--perturb", "1"])?;
	let stake = (100 * UNIT).to_string();
	let mut validator_args = vec!["validator".to_string()];
	validator_args.extend(common(&[
		"--coldkey-suri",
		"//Ferdie",
		"--hotkey-suri",
		"//Eve",
		"--stake",
		&stake,
		"--metrics-listen",
		&metrics_addr,
		"--interval",
		"5",
	]));
	let mut validator = Worker::spawn("text-validator", dir.path(), validator_args)?;

	let (charlie, dave, eve) = (
		Charlie.to_account_id().to_ss58check(),
		Dave.to_account_id().to_ss58check(),
		Eve.to_account_id().to_ss58check(),
	);
	let deadline = std::time::Instant::now() + Duration::from_secs(300);
	let neurons = loop {
		for worker in [&mut honest, &mut cheat, &mut validator] {
			worker.assert_running()?;
		}
		let neurons = client.call("subnets_getNeurons", vec![json!(0)]).await?;
		if neuron(&neurons, &charlie).is_some_and(|n| amount(n, "pruningScore") > 0) {
			break neurons;
		}
		anyhow::ensure!(
			std::time::Instant::now() < deadline,
			"no emission for the honest text miner after 300 s\nvalidator log:\n{}\nhonest miner log:\n{}",
			validator.log_tail(),
			honest.log_tail()
		);
		tokio::time::sleep(Duration::from_millis(500)).await;
	};
	let honest_neuron = neuron(&neurons, &charlie).expect("registered");
	let cheat_neuron = neuron(&neurons, &dave).expect("registered");
	let validator_neuron = neuron(&neurons, &eve).expect("registered");
	assert_eq!(amount(cheat_neuron, "pruningScore"), 0, "{cheat_neuron}");
	assert_eq!(validator_neuron["validatorPermit"], true);

	// The validator's weights on chain: the honest miner only; the cheat was caught by the
	// prefill check of its edited token.
	let validator_uid = validator_neuron["uid"].as_u64().unwrap_or_default() as u16;
	let key = pallet_emission::Weights::<Runtime>::hashed_key_for(NetUid(0), validator_uid);
	let raw = client.storage(&key, None).await?.expect("the validator has weights");
	let weights: pallet_emission::WeightsOf<Runtime> = Decode::decode(&mut &raw[..])?;
	let weights: Vec<(u16, u16)> = weights.pairs().collect();
	let honest_uid = honest_neuron["uid"].as_u64().unwrap_or_default() as u16;
	assert_eq!(weights, vec![(honest_uid, u16::MAX)]);
	let log = validator.log();
	assert!(log.contains("is not the sampling rule's choice"), "{}", validator.log_tail());

	run_openai_client(&format!("http://{honest_addr}"))?;
	for worker in [&mut honest, &mut cheat, &mut validator] {
		worker.assert_running()?;
	}
	Ok(())
}
