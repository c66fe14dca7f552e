//! The inference market end to end, on CPU, with the real all-MiniLM-L6-v2 model: a dev node
//! (manual sealing, a block every 500 ms), a subnet whose owner audits every result, a miner that
//! perturbs its outputs, one validator, and later an honest miner (both miners staked). A dApp
//! submits requests with `inferchain-worker request`; the chain assigns them, the miners answer
//! on chain, the validator re-executes each audited result and commits/reveals its verdict. The
//! honest miner's results become final and are paid; the cheat's are rejected, its stake is
//! slashed, the auditor rewarded and the requester refunded.

use codec::Decode;
use inferchain_e2e::{
	free_addr,
	market::{free, inference_events, reserved, stake_of},
	model_dir, register_fast_subnet, run_worker, start_block_ticker, tx, wait_for, Node,
	NodeConfig, Worker,
};
use inferchain_inference::ComparisonRule;
use inferchain_primitives::NetUid;
use inferchain_rpc_api::{TaskKind, Verification};
use inferchain_runtime::{Runtime, RuntimeCall, StakeCall, MILLI_UNIT, UNIT};
use pallet_inference::Event as InferenceEvent;
use serde_json::{json, Value};
use sp_core::crypto::Ss58Codec;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave, DaveStash, Eve};
use std::time::Duration;

const NETUID: NetUid = NetUid(0);
/// The subnet's request fee.
const FEE: u128 = 10 * MILLI_UNIT;
/// Each miner's stake.
const MINER_STAKE: u128 = 10 * UNIT;

fn ss58(key: Sr25519Keyring) -> String {
	key.to_account_id().to_ss58check()
}

/// Blocks from each request's submission to its settlement, for requests settled by `settled`.
fn latencies(
	events: &[(u32, InferenceEvent<Runtime>)],
	settled: impl Fn(&InferenceEvent<Runtime>) -> Option<u64>,
) -> Vec<u32> {
	events
		.iter()
		.filter_map(|(at, event)| {
			let id = settled(event)?;
			let submitted = events.iter().find_map(|(block, e)| match e {
				InferenceEvent::RequestSubmitted { request_id, .. } if *request_id == id => {
					Some(*block)
				},
				_ => None,
			})?;
			Some(at - submitted)
		})
		.collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_results_are_audited_and_slashed_right_ones_are_paid() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let config =
		NodeConfig::new("market", "dev", dir.path()).with_args(["--dev", "--sealing", "manual"]);
	let url = config.ws_url();
	let (_node, client) = Node::start(config).await?;
	let ticker = start_block_ticker(url.clone(), Duration::from_millis(500));

	// The owner's tool: the model registered, a subnet for it, every result audited, fast
	// epochs, the default 64 validator permits (the staked miners keep mining: permits go to
	// validators by role only). Two validators of different coldkeys: an auditor's dissent
	// alone rejects nothing, the other validator's committee decides.
	register_fast_subnet(&url, &["--audit-percent", "100", "--request-fee", &FEE.to_string()])
		.await?;
	let models = client.models().await?;
	assert_eq!(models[0].name, "all-MiniLM-L6-v2", "{models:?}");
	assert_eq!(models[0].kind, TaskKind::Embedding);
	assert_eq!(models[0].rule, ComparisonRule::Tolerance { max_abs_error_e9: 10_000 });
	// The wire format dApps parse.
	let wire = client.call("inference_listModels", vec![]).await?;
	assert_eq!(wire[0]["kind"], "embedding");
	assert_eq!(wire[0]["rule"]["tolerance"]["maxAbsErrorE9"], 10_000, "{wire}");

	let common = |extra: &[&str]| -> Vec<String> {
		let mut args: Vec<String> =
			vec!["--chain".into(), url.clone(), "--netuid".into(), "0".into()];
		args.extend(["--model-dir".into(), model_dir()]);
		args.extend(extra.iter().map(|s| s.to_string()));
		args
	};
	let miner_stake = MINER_STAKE.to_string();
	let (honest_addr, cheat_addr) = (free_addr(), free_addr());
	// The cheat starts first: it is the only miner until the honest one joins, so it answers
	// the first requests (later, the draw favours miners by their emission, which the
	// validator's weights deny the cheat).
	let mut cheat = Worker::spawn(
		"cheating-miner",
		dir.path(),
		[
			vec!["miner".to_string()],
			common(&["--coldkey-suri", "//Bob", "--hotkey-suri", "//Dave", "--perturb", "0.01"]),
			vec!["--listen".into(), cheat_addr, "--stake".into(), miner_stake.clone()],
		]
		.concat(),
	)?;
	let validator_stake = (100 * UNIT).to_string();
	let (metrics_addr, metrics_addr_2) = (free_addr(), free_addr());
	let spawn_validator = |name: &str, coldkey: &str, hotkey: &str, metrics: &str| {
		Worker::spawn(
			name,
			dir.path(),
			[
				vec!["validator".to_string()],
				common(&["--coldkey-suri", coldkey, "--hotkey-suri", hotkey]),
				vec![
					"--stake".into(),
					validator_stake.clone(),
					"--metrics-listen".into(),
					metrics.to_string(),
				],
			]
			.concat(),
		)
	};
	let mut validator = spawn_validator("validator", "//Ferdie", "//Eve", &metrics_addr)?;
	let mut validator_2 =
		spawn_validator("validator-2", "//Charlie//stash", "//Dave//stash", &metrics_addr_2)?;
	let auditors = [Eve.to_account_id(), DaveStash.to_account_id()];

	// Wait for an epoch to have given the validators, and only them, their permits (audits
	// need permitted validators; requests go to UIDs without one).
	let validator_hotkeys = [ss58(Eve), ss58(DaveStash)];
	wait_for("the validators' permits", Duration::from_secs(120), || {
		let client = &client;
		let validator_hotkeys = validator_hotkeys.clone();
		let workers_ok = [&mut cheat, &mut validator, &mut validator_2]
			.into_iter()
			.try_for_each(|w| w.assert_running());
		async move {
			workers_ok?;
			let all = client.neurons(0, None).await?;
			let uids: Vec<u16> = all
				.iter()
				.filter(|n| validator_hotkeys.contains(&n.hotkey))
				.map(|n| n.uid)
				.collect();
			let staked = all.len() == 3 && all.iter().all(|n| n.stake > 0);
			let key = pallet_emission::Permits::<Runtime>::hashed_key_for(NETUID);
			let raw = client.storage(&key, None).await?.unwrap_or_default();
			let permits = Vec::<bool>::decode(&mut &raw[..]).unwrap_or_default();
			let only_validators =
				permits.iter().enumerate().all(|(i, p)| *p == uids.contains(&(i as u16)));
			Ok((staked && uids.len() == 2 && only_validators && permits.len() == 3).then_some(()))
		}
	})
	.await?;

	let start = client.finalized_number().await?;
	let mut auditors_before = 0;
	for auditor in &auditors {
		auditors_before += free(&client, auditor).await?;
	}
	let dave_stake_before = stake_of(&client, &ss58(Dave)).await?;
	let alice_reserved_before = reserved(&client, &Alice.to_account_id()).await?;

	// The dApp: two requests (answered by the cheat), then the honest miner joins and requests
	// go on until it has answered one.
	let request = |n: usize| {
		let url = url.clone();
		async move {
			let out = run_worker([
				"request".to_string(),
				"--chain".into(),
				url,
				"--requester-suri".into(),
				"//Alice".into(),
				"--input".into(),
				format!("Inferchain request number {n} checks the work."),
				"--wait".into(),
				"answered".into(),
			])
			.await?;
			anyhow::Ok(serde_json::from_str::<Value>(&out)?)
		}
	};
	let mut answered: Vec<Value> = Vec::new();
	for n in 0..2 {
		answered.push(request(n).await?);
	}
	// The cheat's coldkey tries to move its stake away from the results under audit: refused
	// (and the slashes below take the full amount).
	let flee = RuntimeCall::Stake(StakeCall::move_stake {
		from_hotkey: Dave.to_account_id(),
		from_netuid: NETUID,
		to_hotkey: Eve.to_account_id(),
		to_netuid: NETUID,
		amount: MINER_STAKE,
	});
	let (_, events) = tx::submit(&client, Bob, flee).await?;
	assert!(
		tx::failed_with(&events, pallet_stake::Error::<Runtime>::StakeBacksOpenResults),
		"{events:?}"
	);
	let mut honest = Worker::spawn(
		"honest-miner",
		dir.path(),
		[
			vec!["miner".to_string()],
			common(&["--coldkey-suri", "//Bob", "--hotkey-suri", "//Charlie"]),
			vec!["--listen".into(), honest_addr, "--stake".into(), miner_stake.clone()],
		]
		.concat(),
	)?;
	wait_for("the honest miner's stake", Duration::from_secs(60), || {
		let client = &client;
		async move {
			let staked = stake_of(client, &ss58(Charlie)).await? > 0;
			Ok(staked.then_some(()))
		}
	})
	.await?;
	for n in 2..24 {
		answered.push(request(n).await?);
		if answered.iter().any(|r| r["miner"] == ss58(Charlie).as_str()) {
			break;
		}
	}
	let miners: Vec<&str> = answered.iter().filter_map(|r| r["miner"].as_str()).collect();
	assert!(miners.contains(&ss58(Dave).as_str()), "{miners:?}");
	assert!(miners.contains(&ss58(Charlie).as_str()), "{miners:?}");
	for result in &answered {
		assert_eq!(result["commitmentVerified"], true, "{result}");
		assert_eq!(result["dimensions"], 384, "{result}");
	}
	let ids: Vec<u64> = answered.iter().filter_map(|r| r["requestId"].as_u64()).collect();

	// Every request settles: the honest miner's final, the cheat's rejected.
	let settled = wait_for("every request to settle", Duration::from_secs(120), || {
		let client = &client;
		let ids = ids.clone();
		async move {
			let mut results = Vec::new();
			for id in ids {
				let Some(result) = client.result(id).await? else { return Ok(None) };
				if !matches!(result.status, Verification::Final | Verification::Rejected) {
					return Ok(None);
				}
				results.push(result);
			}
			Ok(Some(results))
		}
	})
	.await
	.map_err(|err| {
		anyhow::anyhow!(
			"{err:#}\nvalidator log:\n{}\nsecond validator log:\n{}\ncheat log:\n{}",
			validator.log_tail(),
			validator_2.log_tail(),
			cheat.log_tail()
		)
	})?;
	// The chain's record of it all.
	let end = client.finalized_number().await?;
	let events = inference_events(&client, start, end).await?;
	let final_after = latencies(&events, |e| match e {
		InferenceEvent::ResultFinalized { request_id, .. } => Some(*request_id),
		_ => None,
	});
	let rejected_after = latencies(&events, |e| match e {
		InferenceEvent::ResultSlashed { request_id, .. } => Some(*request_id),
		_ => None,
	});
	println!("blocks from submission to final: {final_after:?}; to rejected: {rejected_after:?}");
	let events: Vec<InferenceEvent<Runtime>> = events.into_iter().map(|(_, e)| e).collect();
	// What a dApp sees (printed with --nocapture; the README's examples come from here).
	for id in [ids[0], *ids.last().unwrap_or(&0)] {
		let mut request = client.call("inference_getRequest", vec![json!(id)]).await?;
		request["result"]["output"] = json!("…");
		println!("inference_getRequest({id}) = {request}");
	}
	println!("inference_listModels() = {wire}");
	let (charlie, dave) = (ss58(Charlie), ss58(Dave));
	let mut rejected = 0u128;
	let mut paid = 0u128;
	for result in &settled {
		if result.miner.as_deref() == Some(charlie.as_str()) {
			assert_eq!(result.status, Verification::Final, "{result:?}");
			assert_eq!(result.audits_passed, 1, "{result:?}\n{events:?}\n{}", validator.log_tail());
			paid += 1;
		} else {
			assert_eq!(result.miner.as_deref(), Some(dave.as_str()), "{result:?}");
			assert_eq!(result.status, Verification::Rejected, "{result:?}");
			rejected += 1;
		}
	}
	assert!(paid >= 1 && rejected >= 1, "{settled:?}");

	let slash = 100 * FEE;
	let slashes: Vec<_> = events
		.iter()
		.filter_map(|e| match e {
			InferenceEvent::ResultSlashed { miner, slashed, rewarded, refunded, .. } => {
				Some((miner.clone(), *slashed, *rewarded, *refunded))
			},
			_ => None,
		})
		.collect();
	assert_eq!(slashes.len() as u128, rejected, "{events:?}");
	for (miner, slashed, rewarded, refunded) in &slashes {
		assert_eq!(*miner, Dave.to_account_id());
		assert_eq!((*slashed, *rewarded, *refunded), (slash, slash / 2, FEE));
	}
	let finalized = events
		.iter()
		.filter(|e| {
			matches!(e, InferenceEvent::ResultFinalized { miner, paid, .. }
				if *miner == Charlie.to_account_id() && *paid == FEE - FEE / 10)
		})
		.count();
	assert_eq!(finalized as u128, paid, "{events:?}");
	assert!(!events.iter().any(|e| matches!(e, InferenceEvent::VerdictPenalised { .. })));

	// Each rejection went through a dispute, then the other validator's committee: the
	// auditor's dissent, or a validator's challenge when its watch saw the result first.
	let disputes = events
		.iter()
		.filter(|e| {
			matches!(e, InferenceEvent::AuditDisputed { .. } | InferenceEvent::Challenged { .. })
		})
		.count();
	assert_eq!(disputes as u128, rejected, "{events:?}");
	// The cheat lost `slash` per wrong result; the honest miner kept its stake (and earned
	// emission); the auditors together received half of each slash (less their transaction
	// fees, which are far smaller); the requester holds nothing back.
	assert_eq!(stake_of(&client, &dave).await?, dave_stake_before - rejected * slash);
	assert!(stake_of(&client, &charlie).await? >= MINER_STAKE);
	let mut auditors_after = 0;
	for auditor in &auditors {
		auditors_after += free(&client, auditor).await?;
	}
	assert!(
		auditors_after + slash / 5 >= auditors_before + rejected * slash / 2,
		"{auditors_before} → {auditors_after}"
	);
	let alice_reserved = reserved(&client, &Alice.to_account_id()).await?;
	assert_eq!(alice_reserved, alice_reserved_before, "every fee was paid out or refunded");
	let stats = client.miner_stats(0, &dave).await?;
	assert_eq!(u128::from(stats.audits_failed), rejected, "{stats:?}");
	let stats = client.miner_stats(0, &charlie).await?;
	assert_eq!(u128::from(stats.finalized), paid, "{stats:?}");
	println!("inference_getMinerStats(0, {charlie}) = {}", serde_json::to_string(&stats)?);

	// Reads of what does not exist (`null` on the wire), and bad arguments.
	assert_eq!(client.request(u64::MAX).await?, None);
	let unknown = client.call("inference_getResult", vec![json!(u64::MAX)]).await?;
	assert_eq!(unknown, Value::Null);
	let bad_hotkey =
		client.call("inference_getMinerStats", vec![json!(0), json!("nonsense")]).await;
	assert!(bad_hotkey.is_err(), "{bad_hotkey:?}");

	// A request waited to the end prints its final status.
	let out = run_worker([
		"request",
		"--chain",
		&url,
		"--requester-suri",
		"//Alice",
		"--input",
		"Verified inference.",
	])
	.await?;
	let last: Value = serde_json::from_str(&out)?;
	assert!(matches!(last["status"].as_str(), Some("final" | "rejected")), "{last}");

	let mut metrics = String::new();
	for addr in [&metrics_addr, &metrics_addr_2] {
		metrics += &reqwest::get(format!("http://{addr}/metrics")).await?.text().await?;
	}
	assert!(
		metrics.contains("inferchain_worker_reviews_total{outcome=\"disagrees\"}"),
		"{metrics}"
	);
	assert!(metrics.contains("inferchain_worker_reviews_total{outcome=\"agrees\"}"), "{metrics}");
	for worker in [&mut honest, &mut cheat, &mut validator, &mut validator_2] {
		let status = worker.terminate(Duration::from_secs(20)).await?;
		assert!(status.success(), "{} exited with {status}:\n{}", worker.name, worker.log_tail());
	}
	ticker.abort();
	Ok(())
}
