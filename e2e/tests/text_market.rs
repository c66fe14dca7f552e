//! Text generation on the on-chain market, end to end with real workers on the real
//! SmolLM2-135M-Instruct (CPU): a dev node (a block a second, each finalized at once), a text
//! subnet auditing every result, two validators of different coldkeys, and Eve paying for
//! requests with `Inference.submit_text_request`.
//!
//! 1. A miner that edits a token of each generation (`--perturb`), staked for one request's
//!    collateral only, answers the first request. The auditor's prefill check disagrees, the
//!    dissent escalates to the other validator, whose prefill disagrees too: the miner is
//!    slashed `SlashMultiple ×` the held fee, Eve is refunded in full, and the cheat's stake no
//!    longer backs another request.
//!    Then a miner that runs a cheaper model under the registered id (`--skip-blocks 10`: a
//!    third of the decoder blocks dropped) answers the next request and is slashed the same
//!    way.
//! 2. An honest miner answers a chat request: the audit agrees, and once final Eve has paid
//!    `request_fee + input_byte_fee × prompt bytes + output_token_fee × tokens generated`, to
//!    the planck, plus her transaction fee; the unused tokens' part came back.
//! 3. `inferchain-worker request --max-tokens` (the dApp tool) asks the honest miner to continue
//!    plain text, waits for it to be final and checks the generation's commitment.

use inferchain_e2e::{
	free_addr, llm_path,
	market::{account, inference_events, stake_of},
	neuron_of, register_fast_subnet, run_worker, start_block_ticker, text_worker, tx, wait_for,
	Client, Node, NodeConfig, Worker,
};
use inferchain_primitives::NetUid;
use inferchain_rpc_api::RequestState;
use inferchain_runtime::{
	AccountId, Runtime, RuntimeCall, RuntimeEvent, MICRO_UNIT, MILLI_UNIT, UNIT,
};
use pallet_inference::{
	ChatMessage, ChatRole, Event as InferenceEvent, InputOf, TextOptions, TextPrompt,
};
use sp_core::crypto::Ss58Codec;
use sp_keyring::Sr25519Keyring::{Charlie, Dave, Eve};
use std::time::Duration;

const NETUID: NetUid = NetUid(0);
/// The subnet's base fee per request.
const FEE: u128 = 5 * MILLI_UNIT;
/// The subnet's price of a generated token.
const TOKEN_FEE: u128 = 100 * MICRO_UNIT;
/// The runtime's `input_byte_fee` default.
const BYTE_FEE: u128 = MICRO_UNIT;
/// Tokens each request asks for.
const MAX_TOKENS: u32 = 24;
/// The runtime's `SlashMultiple`.
const SLASH_MULTIPLE: u128 = 100;
/// The cheat's stake, the runtime's least: one request's collateral (`SlashMultiple ×` its fee,
/// about 0.75 INFER), and after its slash not enough for another.
const CHEAT_STAKE: u128 = UNIT;

/// Waits until `hotkey` (SS58) is a neuron with `stake` and, for validators, a permit.
async fn wait_neuron(
	client: &Client,
	workers: &mut [&mut Worker],
	hotkey: &str,
	stake: u128,
	validator: bool,
) -> anyhow::Result<()> {
	let tail = |workers: &[&mut Worker]| -> String {
		workers.iter().map(|w| format!("{}:\n{}\n", w.name, w.log_tail())).collect()
	};
	let found = wait_for(hotkey, Duration::from_secs(240), || {
		let running = workers.iter_mut().try_for_each(|worker| worker.assert_running());
		async move {
			running?;
			let neurons = client.neurons(0, None).await?;
			let ready = neuron_of(&neurons, hotkey)
				.is_some_and(|n| !validator || n.validator_permit)
				&& stake_of(client, hotkey).await? >= stake;
			Ok(ready.then_some(()))
		}
	})
	.await;
	found.map_err(|err| anyhow::anyhow!("{err:#}\n{}", tail(workers)))
}

/// Eve submits a text request for `prompt`; returns its id, the fee held and her transaction
/// fee.
async fn submit_text(
	client: &Client,
	prompt: pallet_inference::TextPromptOf<Runtime>,
) -> anyhow::Result<(u64, u128, u128)> {
	let options = TextOptions {
		max_tokens: MAX_TOKENS,
		temperature_milli: 0,
		top_p_milli: 1000,
		seed: None,
		stop: Default::default(),
	};
	let call = RuntimeCall::Inference(pallet_inference::Call::submit_text_request {
		netuid: NETUID,
		prompt,
		options,
		max_fee: UNIT,
	});
	let (_, events) = tx::submit(client, Eve, call).await?;
	let submitted = events.iter().find_map(|event| match event {
		RuntimeEvent::Inference(InferenceEvent::RequestSubmitted { request_id, fee, .. }) => {
			Some((*request_id, *fee))
		},
		_ => None,
	});
	let tx_fee = tx::fee_paid(&events, &Eve.to_account_id());
	match (submitted, tx_fee) {
		(Some((id, fee)), Some(tx_fee)) => Ok((id, fee, tx_fee)),
		_ => anyhow::bail!("no RequestSubmitted or TransactionFeePaid: {events:?}"),
	}
}

/// Waits until request `id` is settled; returns its status.
async fn settle(client: &Client, id: u64, workers: &[&Worker]) -> anyhow::Result<RequestState> {
	let settled = wait_for("the request to settle", Duration::from_secs(240), || async move {
		let status = client.request(id).await?.map(|request| request.status);
		Ok(status.filter(|status| status.is_settled()))
	})
	.await;
	settled.map_err(|err| {
		let logs: String =
			workers.iter().map(|w| format!("{}:\n{}\n", w.name, w.log_tail())).collect();
		anyhow::anyhow!("{err:#}\n{logs}")
	})
}

/// Everything `who` holds, free and held.
async fn total(client: &Client, who: &AccountId) -> anyhow::Result<u128> {
	let data = account(client, who).await?;
	Ok(data.free + data.reserved)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_requests_are_generated_audited_paid_by_the_token_and_cheats_slashed(
) -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let config =
		NodeConfig::new("node", "dev", dir.path()).with_args(["--dev", "--sealing", "manual"]);
	let url = config.ws_url();
	let (_node, client) = Node::start(config).await?;
	// A block every 2 s: a review's commit window (4 blocks) must hold an auditor's replay even
	// when it queues behind its own probe of a miner on a CI machine's busy cores (with 1 s
	// blocks the auditor missed the window there once and was fined).
	let ticker = start_block_ticker(url.clone(), Duration::from_millis(2000));
	let gguf = llm_path();
	let (fee, token_fee) = (FEE.to_string(), TOKEN_FEE.to_string());
	let max_tokens = MAX_TOKENS.to_string();
	register_fast_subnet(
		&url,
		&[
			"--gguf",
			&gguf,
			"--request-fee",
			&fee,
			"--output-token-fee",
			&token_fee,
			"--max-output-tokens",
			&max_tokens,
			"--audit-percent",
			"100",
		],
	)
	.await?;

	let stake = (100 * UNIT).to_string();
	let (metrics_one, metrics_two) = (free_addr(), free_addr());
	let args_one = ["--stake", &stake, "--metrics-listen", &metrics_one, "--interval", "30"];
	let args_two = ["--stake", &stake, "--metrics-listen", &metrics_two, "--interval", "30"];
	let (v_one, v_two) = ("//Ferdie//validator", "//Alice//validator");
	let mut validator_one = text_worker(
		dir.path(),
		&url,
		"validator",
		"validator-one",
		("//Ferdie", v_one),
		&args_one,
	)?;
	let mut validator_two =
		text_worker(dir.path(), &url, "validator", "validator-two", ("//Alice", v_two), &args_two)?;
	let (cheat_addr, cheat_stake) = (free_addr(), CHEAT_STAKE.to_string());
	let mut cheat = text_worker(
		dir.path(),
		&url,
		"miner",
		"token-editing-miner",
		("//Bob", "//Dave"),
		&["--listen", &cheat_addr, "--stake", &cheat_stake, "--perturb", "1"],
	)?;
	let ss58 = |suri: &str| -> anyhow::Result<String> {
		let pair = <sp_core::sr25519::Pair as sp_core::Pair>::from_string(suri, None)
			.map_err(|e| anyhow::anyhow!("{e:?}"))?;
		Ok(sp_core::Pair::public(&pair).to_ss58check())
	};
	let dave = Dave.to_account_id();
	{
		let mut all = [&mut validator_one, &mut validator_two, &mut cheat];
		for hotkey in [ss58(v_one)?, ss58(v_two)?] {
			wait_neuron(&client, &mut all, &hotkey, 100 * UNIT, true).await?;
		}
		wait_neuron(&client, &mut all, &dave.to_ss58check(), CHEAT_STAKE, false).await?;
	}
	// A permit records the stake behind it at the epoch that granted it, which may have come
	// before the stake: one more epoch (tempo 10) and both validators can sit on panels.
	let staked = client.best_number().await?;
	let client_ref = &client;
	wait_for("an epoch after the stakes", Duration::from_secs(60), || async move {
		Ok((client_ref.best_number().await? > staked + 11).then_some(()))
	})
	.await?;

	// 1. The cheat answers, is audited, escalated and slashed; Eve gets everything back.
	let start = client.best_number().await?;
	let eve_before = total(&client, &Eve.to_account_id()).await?;
	let cheat_stake_before = stake_of(&client, &dave.to_ss58check()).await?;
	let prompt = TextPrompt::Text(
		b"The three primary colours are"
			.to_vec()
			.try_into()
			.map_err(|_| anyhow::anyhow!("long"))?,
	);
	let (cheated, held, tx_fee) = submit_text(&client, prompt).await?;
	assert_eq!(held, FEE + BYTE_FEE * 29 + TOKEN_FEE * u128::from(MAX_TOKENS));
	let status = settle(&client, cheated, &[&cheat, &validator_one, &validator_two]).await?;
	let events = inference_events(&client, start, client.best_number().await?).await?;
	assert_eq!(
		status,
		RequestState::Rejected,
		"{events:?}\n{}\n{}\n{}",
		cheat.log_tail(),
		validator_one.log_tail(),
		validator_two.log_tail()
	);
	let disputed = events.iter().any(|(_, event)| {
		matches!(event, InferenceEvent::AuditDisputed { request_id, .. } if *request_id == cheated)
	});
	assert!(disputed, "the auditor did not dissent: {events:?}");
	let slashed = events.iter().find_map(|(_, event)| match event {
		InferenceEvent::ResultSlashed { request_id, miner, slashed, refunded, .. }
			if *request_id == cheated =>
		{
			Some((miner.clone(), *slashed, *refunded))
		},
		_ => None,
	});
	assert_eq!(slashed, Some((dave.clone(), SLASH_MULTIPLE * held, held)), "{events:?}");
	assert_eq!(total(&client, &Eve.to_account_id()).await?, eve_before - tx_fee);
	assert_eq!(
		stake_of(&client, &dave.to_ss58check()).await?,
		cheat_stake_before - SLASH_MULTIPLE * held
	);

	// 1b. A miner running a cheaper model under the registered id (the last 10 of the 30
	// decoder blocks dropped) is caught the same way: every other miner's stake is spent.
	let cheap_addr = free_addr();
	let cheap_suri = "//Bob//cheaper-model";
	let mut cheap = text_worker(
		dir.path(),
		&url,
		"miner",
		"cheaper-model-miner",
		("//Bob", cheap_suri),
		&["--listen", &cheap_addr, "--stake", &cheat_stake, "--skip-blocks", "10"],
	)?;
	let cheap_hotkey = ss58(cheap_suri)?;
	wait_neuron(&client, &mut [&mut cheap], &cheap_hotkey, CHEAT_STAKE, false).await?;
	let start = client.best_number().await?;
	let cheap_stake_before = stake_of(&client, &cheap_hotkey).await?;
	let prompt = TextPrompt::Text(
		b"The largest planet of the solar system is"
			.to_vec()
			.try_into()
			.map_err(|_| anyhow::anyhow!("long"))?,
	);
	let (swapped, held, _) = submit_text(&client, prompt).await?;
	let status = settle(&client, swapped, &[&cheap, &validator_one, &validator_two]).await?;
	let events = inference_events(&client, start, client.best_number().await?).await?;
	assert_eq!(
		status,
		RequestState::Rejected,
		"{events:?}\n{}\n{}\n{}",
		cheap.log_tail(),
		validator_one.log_tail(),
		validator_two.log_tail()
	);
	let slashed = events.iter().find_map(|(_, event)| match event {
		InferenceEvent::ResultSlashed { request_id, miner, slashed, .. }
			if *request_id == swapped =>
		{
			Some((miner.to_ss58check(), *slashed))
		},
		_ => None,
	});
	assert_eq!(slashed, Some((cheap_hotkey.clone(), SLASH_MULTIPLE * held)), "{events:?}");
	assert_eq!(stake_of(&client, &cheap_hotkey).await?, cheap_stake_before - SLASH_MULTIPLE * held);
	drop(cheap);

	// 2. The honest miner answers a chat; the audit agrees; Eve pays for the tokens generated.
	let honest_addr = free_addr();
	let honest_stake = (10 * UNIT).to_string();
	let mut honest = text_worker(
		dir.path(),
		&url,
		"miner",
		"honest-text-miner",
		("//Bob", "//Charlie"),
		&["--listen", &honest_addr, "--stake", &honest_stake],
	)?;
	let charlie = Charlie.to_account_id();
	wait_neuron(&client, &mut [&mut honest], &charlie.to_ss58check(), 10 * UNIT, false).await?;
	let start = client.best_number().await?;
	let eve_before = total(&client, &Eve.to_account_id()).await?;
	let message = |role, text: &str| -> anyhow::Result<ChatMessage<InputOf<Runtime>>> {
		Ok(ChatMessage {
			role,
			content: text.as_bytes().to_vec().try_into().map_err(|_| anyhow::anyhow!("long"))?,
		})
	};
	let messages = vec![
		message(ChatRole::System, "Answer in one short sentence.")?,
		message(ChatRole::User, "What is the capital of France?")?,
	];
	let bytes = messages.iter().map(|m| m.content.len() as u128).sum::<u128>();
	let chat = TextPrompt::Chat(messages.try_into().map_err(|_| anyhow::anyhow!("too many"))?);
	let (answered, held, tx_fee) = submit_text(&client, chat).await?;
	assert_eq!(held, FEE + BYTE_FEE * bytes + TOKEN_FEE * u128::from(MAX_TOKENS));
	let status = settle(&client, answered, &[&honest, &validator_one, &validator_two]).await?;
	assert_eq!(status, RequestState::Final);
	let request = client.request(answered).await?.expect("the request");
	let result = request.result.as_ref().expect("its result");
	let tokens = result.tokens.as_ref().map(Vec::len).unwrap_or_default() as u128;
	assert!(tokens > 0 && tokens <= u128::from(MAX_TOKENS), "{request:?}");
	assert_eq!(result.miner, Some(charlie.to_ss58check()));
	let text = request.text.as_ref().expect("a text request");
	assert_eq!(text.messages[1].content, "What is the capital of France?");
	assert_eq!(text.messages[1].role, ChatRole::User);
	let events = inference_events(&client, start, client.best_number().await?).await?;
	let agreed = events.iter().any(|(_, event)| {
		matches!(event, InferenceEvent::VerdictRevealed { request_id, agrees: true, .. } if *request_id == answered)
	});
	assert!(agreed, "the auditor did not agree: {events:?}");
	let refund = TOKEN_FEE * (u128::from(MAX_TOKENS) - tokens);
	let finalized = events.iter().find_map(|(_, event)| match event {
		InferenceEvent::ResultFinalized { request_id, paid, burned, refunded, .. }
			if *request_id == answered =>
		{
			Some((*paid + *burned, *refunded))
		},
		_ => None,
	});
	assert_eq!(finalized, Some((held - refund, refund)), "{events:?}");
	assert_eq!(total(&client, &Eve.to_account_id()).await?, eve_before - tx_fee - (held - refund));

	// 3. The dApp tool: plain text continued, followed to final, its commitment checked.
	let output = run_worker([
		"request",
		"--chain",
		&url,
		"--netuid",
		"0",
		"--requester-suri",
		"//Eve",
		"--input",
		"Paris is the capital of",
		"--max-tokens",
		"8",
		"--wait",
		"final",
	])
	.await?;
	let printed: serde_json::Value = serde_json::from_str(&output)?;
	assert_eq!(printed["status"], "final", "{printed}");
	assert_eq!(printed["commitmentVerified"], true, "{printed}");
	assert!(
		printed["tokens"].as_array().is_some_and(|t| !t.is_empty() && t.len() <= 8),
		"{printed}"
	);

	for worker in [&mut honest, &mut cheat, &mut validator_one, &mut validator_two] {
		let status = worker.terminate(Duration::from_secs(30)).await?;
		assert!(status.success(), "{} exited with {status}:\n{}", worker.name, worker.log_tail());
	}
	ticker.abort();
	Ok(())
}
