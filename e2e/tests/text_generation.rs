//! Text generation end to end, on CPU, with the real SmolLM2-135M-Instruct: a dev node, a
//! text-generation subnet registered by `inferchain-worker subnet --gguf`, one honest miner,
//! one miner that edits a token of each answer (re-signing it), and one validator that probes
//! both and checks each answer's proof by one prefill. After a few tempos the honest miner has
//! earned emission and the cheat nothing; the official OpenAI Python client works against the
//! honest miner (chat, streaming, completions, models, errors).

use codec::Decode;
use inferchain_e2e::{
	free_addr, llm_path, neuron_of, register_fast_subnet, run_openai_script, start_block_ticker,
	Node, NodeConfig, Worker,
};
use inferchain_primitives::NetUid;
use inferchain_rpc_api::TaskKind;
use inferchain_runtime::{Runtime, UNIT};
use sp_core::crypto::Ss58Codec;
use sp_keyring::Sr25519Keyring::{Charlie, Dave, Eve};
use std::time::Duration;

/// The official `openai` client's test against the miner at `base_url`.
fn run_openai_client(base_url: &str) -> anyhow::Result<()> {
	run_openai_script("text_client.py", &[base_url]).map(|_| ())
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
	// --gguf makes it a text-generation subnet (the embedding model's folder is then ignored).
	let netuid = register_fast_subnet(&url, &["--gguf", &gguf]).await?;
	assert_eq!(netuid.trim(), "0");
	let subnet = client.subnet(0, None).await?.expect("subnet 0");
	assert_eq!(subnet.task.map(|task| task.kind), Some(TaskKind::TextGeneration));
	let models = client.models().await?;
	assert!(models.iter().any(|model| model.name.contains("SmolLM2-135M-Instruct")), "{models:?}");

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
		let neurons = client.neurons(0, None).await?;
		if neuron_of(&neurons, &charlie).is_some_and(|n| n.pruning_score > 0) {
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
	let honest_neuron = neuron_of(&neurons, &charlie).expect("registered");
	let cheat_neuron = neuron_of(&neurons, &dave).expect("registered");
	let validator_neuron = neuron_of(&neurons, &eve).expect("registered");
	assert_eq!(cheat_neuron.pruning_score, 0, "{cheat_neuron:?}");
	assert!(validator_neuron.validator_permit);

	// The validator's weights on chain: the honest miner only; the cheat was caught by the
	// prefill check of its edited token.
	let validator_uid = validator_neuron.uid;
	let key = pallet_emission::Weights::<Runtime>::hashed_key_for(NetUid(0), validator_uid);
	let raw = client.storage(&key, None).await?.expect("the validator has weights");
	let weights: pallet_emission::WeightsOf<Runtime> = Decode::decode(&mut &raw[..])?;
	let weights: Vec<(u16, u16)> = weights.pairs().collect();
	let honest_uid = honest_neuron.uid;
	assert_eq!(weights, vec![(honest_uid, u16::MAX)]);
	// The cheat may have been unreachable (still loading) in the rounds that paid the honest
	// miner: wait for a round that checked its answer.
	let deadline = std::time::Instant::now() + Duration::from_secs(180);
	while !validator.log().contains("is not the sampling rule's choice") {
		anyhow::ensure!(
			std::time::Instant::now() < deadline,
			"the validator never caught the edited token\n{}\ncheating miner log:\n{}\nhonest miner log:\n{}",
			validator.log_tail(),
			cheat.log_tail(),
			honest.log_tail()
		);
		tokio::time::sleep(Duration::from_millis(500)).await;
	}

	run_openai_client(&format!("http://{honest_addr}"))?;
	for worker in [&mut honest, &mut cheat, &mut validator] {
		worker.assert_running()?;
	}
	Ok(())
}
