//! Verification against participants acting in their own interest, with real workers on the
//! real model: a dev node (manual sealing, a block every 500 ms, finality lagging 12 blocks
//! behind: more than a review's commit and reveal periods, which the workers meet by following
//! best blocks), a subnet auditing every
//! result, an honest miner whose hotkey is fresh (no balance: its coldkey funds it), a
//! validator that lies on every verdict and an honest one (different coldkeys), and a cheating
//! miner with no stake (a Sybil), which is never assigned a request. The liar's
//! dissents escalate to the honest validator's committee, which upholds the results: every
//! result is final and paid, the honest miner loses nothing and is paid the bond of each
//! overruled dissent, the liar pays it from its stake.

use codec::Decode;
use inferchain_e2e::{
	embedding_worker, free_addr,
	market::{free, inference_events, stake_of},
	register_fast_subnet, run_worker, start_block_ticker_lagging, wait_for, Node, NodeConfig,
};
use inferchain_primitives::NetUid;
use inferchain_rpc_api::{NeuronRole, Verification};
use inferchain_runtime::{Runtime, MILLI_UNIT, UNIT};
use pallet_inference::Event as InferenceEvent;
use serde_json::{json, Value};
use sp_core::{crypto::Ss58Codec, sr25519, Pair};
use sp_keyring::Sr25519Keyring::{DaveStash, Eve};
use std::time::Duration;

const NETUID: NetUid = NetUid(0);
const FEE: u128 = 10 * MILLI_UNIT;
const MINER_STAKE: u128 = 10 * UNIT;
const VALIDATOR_STAKE: u128 = 100 * UNIT;
/// What an overruled dissent costs its auditor (the runtime's `ChallengeBond`).
const BOND: u128 = UNIT;
/// Blocks finality lags behind the best block: more than a review's 4 + 4 blocks.
const FINALITY_LAG: usize = 12;
/// A hotkey nobody funded.
const FRESH_MINER: &str = "//Bob//fresh-miner";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lying_validator_cannot_slash_an_honest_miner_and_pays_for_each_lie() -> anyhow::Result<()>
{
	let dir = tempfile::tempdir()?;
	let config = NodeConfig::new("adversaries", "dev", dir.path()).with_args([
		"--dev",
		"--sealing",
		"manual",
	]);
	let url = config.ws_url();
	let (_node, client) = Node::start(config).await?;
	let ticker = start_block_ticker_lagging(url.clone(), Duration::from_millis(500), FINALITY_LAG);
	register_fast_subnet(&url, &["--audit-percent", "100", "--request-fee", &FEE.to_string()])
		.await?;

	let miner_key = sr25519::Pair::from_string(FRESH_MINER, None)?;
	let miner = miner_key.public().to_ss58check();
	assert_eq!(free(&client, &miner_key.public().into()).await?, 0, "the hotkey starts empty");
	let miner_addr = free_addr();
	let miner_stake = MINER_STAKE.to_string();
	let mut honest = embedding_worker(
		dir.path(),
		&url,
		"miner",
		"honest-miner",
		("//Bob", FRESH_MINER),
		&["--listen", &miner_addr, "--stake", &miner_stake, "--max-client-requests", "1"],
	)?;
	let validator_stake = VALIDATOR_STAKE.to_string();
	let validator = |name: &str, coldkey: &str, hotkey: &str, extra: &[&str]| {
		let metrics = free_addr();
		let args = [&["--stake", &validator_stake, "--metrics-listen", &metrics], extra].concat();
		embedding_worker(dir.path(), &url, "validator", name, (coldkey, hotkey), &args)
	};
	// A Sybil: a registered miner with no stake behind it, perturbing its outputs (so it earns
	// no emission either, which would become stake). It never gets a request.
	let stakeless_addr = free_addr();
	let mut stakeless = embedding_worker(
		dir.path(),
		&url,
		"miner",
		"stakeless-miner",
		("//Alice//stash", "//Alice//stash//sybil"),
		&["--listen", &stakeless_addr, "--perturb", "0.01"],
	)?;
	let mut liar = validator("lying-validator", "//Ferdie", "//Eve", &["--lie"])?;
	let mut truthful = validator("validator", "//Charlie//stash", "//Dave//stash", &[])?;
	let validators = [Eve.to_account_id().to_ss58check(), DaveStash.to_account_id().to_ss58check()];

	// Both validators permitted; the staked miner (a miner by role) is not.
	wait_for("the validators' permits", Duration::from_secs(180), || {
		let client = &client;
		let hotkeys = validators.clone();
		let running = [&mut honest, &mut stakeless, &mut liar, &mut truthful]
			.into_iter()
			.try_for_each(|w| w.assert_running());
		async move {
			running?;
			let all = client.neurons(0, None).await?;
			let permitted =
				|hotkey: &str| all.iter().any(|n| n.hotkey == hotkey && n.validator_permit);
			let key = pallet_emission::Permits::<Runtime>::hashed_key_for(NETUID);
			let raw = client.storage(&key, None).await?.unwrap_or_default();
			let epoch = Vec::<bool>::decode(&mut &raw[..]).unwrap_or_default();
			let ready = all.len() == 4
				&& hotkeys.iter().all(|h| permitted(h))
				&& epoch.iter().filter(|p| **p).count() == 2;
			Ok(ready.then_some(()))
		}
	})
	.await?;
	let neurons = client.neurons(0, None).await?;
	let miner_neuron = neurons.iter().find(|n| n.hotkey == *miner).expect("the miner's neuron");
	assert_eq!(miner_neuron.role, NeuronRole::Miner, "{miner_neuron:?}");
	assert!(!miner_neuron.validator_permit, "{miner_neuron:?}");

	// The miner serves once its (finalized) set-up is done.
	let http = reqwest::Client::new();
	let health = format!("http://{miner_addr}/health");
	wait_for("the miner's API", Duration::from_secs(120), || {
		let request = http.get(&health).send();
		async move { Ok(request.await.ok().filter(|r| r.status().is_success()).map(|_| ())) }
	})
	.await?;

	// A client flooding the public API gets 429 beyond its one request in flight (each of
	// these 64-input requests keeps the engine busy for a while), with Retry-After. It calls
	// from 127.0.0.2, so the validators' probes (from 127.0.0.1) do not share its limit.
	let flooder =
		reqwest::Client::builder().local_address(std::net::IpAddr::from([127, 0, 0, 2])).build()?;
	let api = format!("http://{miner_addr}/v1/embeddings");
	let long: Vec<String> = (0..64)
		.map(|i| format!("A long sentence, number {i}, to keep the engine busy. ").repeat(8))
		.collect();
	let body = json!({ "input": long, "model": "all-MiniLM-L6-v2" });
	let mut flood = tokio::task::JoinSet::new();
	for _ in 0..4 {
		flood.spawn(flooder.post(&api).json(&body).send());
	}
	let mut statuses = Vec::new();
	while let Some(response) = flood.join_next().await {
		let response = response??;
		let status = response.status().as_u16();
		if status == 429 {
			assert_eq!(response.headers()["retry-after"], "1");
			let error: Value = response.json().await?;
			assert_eq!(error["error"]["code"], "rate_limit_exceeded", "{error}");
		}
		statuses.push(status);
	}
	assert!(statuses.contains(&200) && statuses.contains(&429), "{statuses:?}");
	assert!(statuses.iter().all(|s| *s == 200 || *s == 429), "{statuses:?}");

	let start = client.best_number().await?;
	let miner_stake = stake_of(&client, &miner).await?;
	let miner_free = free(&client, &miner_key.public().into()).await?;
	assert!(miner_stake >= MINER_STAKE);

	// Requests until the liar has audited (and been overruled on) at least one.
	let mut ids = Vec::new();
	for n in 0..16 {
		let out = run_worker([
			"request".to_string(),
			"--chain".into(),
			url.clone(),
			"--requester-suri".into(),
			"//Alice".into(),
			"--input".into(),
			format!("An honest answer, number {n}."),
			"--wait".into(),
			"answered".into(),
		])
		.await?;
		let answered: Value = serde_json::from_str(&out)?;
		assert_eq!(answered["miner"], miner.as_str(), "{answered}");
		ids.extend(answered["requestId"].as_u64());
		let now = client.best_number().await?;
		let overruled = inference_events(&client, start, now)
			.await?
			.iter()
			.any(|(_, e)| matches!(e, InferenceEvent::DissentOverruled { .. }));
		if overruled {
			break;
		}
	}

	// Every request settles final: none rejected.
	wait_for("every request to be final", Duration::from_secs(180), || {
		let client = &client;
		let ids = ids.clone();
		async move {
			for id in ids {
				let result = client.result(id).await?;
				match result.as_ref().map(|result| result.status) {
					Some(Verification::Final) => {},
					Some(Verification::Rejected) => {
						anyhow::bail!("an honest result was rejected: {result:?}")
					},
					_ => return Ok(None),
				}
			}
			Ok(Some(()))
		}
	})
	.await
	.map_err(|err| {
		anyhow::anyhow!(
			"{err:#}\nliar log:\n{}\nvalidator log:\n{}",
			liar.log_tail(),
			truthful.log_tail()
		)
	})?;

	let end = client.best_number().await?;
	let events: Vec<InferenceEvent<Runtime>> =
		inference_events(&client, start, end).await?.into_iter().map(|(_, e)| e).collect();
	assert!(!events.iter().any(|e| matches!(e, InferenceEvent::ResultSlashed { .. })));
	// Each of the liar's dissents went to a committee and was overruled: the liar paid the
	// bond from its stake, to the miner.
	let overruled: Vec<_> = events
		.iter()
		.filter_map(|e| match e {
			InferenceEvent::DissentOverruled { auditor, paid, .. } => {
				Some((auditor.clone(), *paid))
			},
			_ => None,
		})
		.collect();
	assert!(!overruled.is_empty(), "{events:?}");
	assert!(overruled.iter().all(|o| *o == (Eve.to_account_id(), BOND)), "{overruled:?}");
	let disputed =
		events.iter().filter(|e| matches!(e, InferenceEvent::AuditDisputed { .. })).count();
	assert_eq!(disputed, overruled.len(), "{events:?}");
	// The honest miner kept its stake (plus emission) and received the bonds and its fees
	// (less its transaction fees, far below a bond).
	assert!(stake_of(&client, &miner).await? >= miner_stake);
	let miner_free_after = free(&client, &miner_key.public().into()).await?;
	let bonds = overruled.len() as u128 * BOND;
	assert!(
		miner_free_after + BOND / 10 >= miner_free + bonds,
		"{miner_free} → {miner_free_after}"
	);

	for worker in [&mut honest, &mut stakeless, &mut liar, &mut truthful] {
		let status = worker.terminate(Duration::from_secs(20)).await?;
		assert!(status.success(), "{} exited with {status}:\n{}", worker.name, worker.log_tail());
	}
	ticker.abort();
	Ok(())
}
