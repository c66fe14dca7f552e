//! A runtime upgrade of the four-validator network, under load.
//!
//! The four validators of the local spec (Alice, Bob, Charlie, Dave) start on the last
//! release's runtime (`releases/v<N>/`; genesis built by that runtime from its `local_testnet`
//! preset). The subnet owner's tool registers subnet 0 for the real all-MiniLM-L6-v2 with every
//! result audited; a real miner and a real validator process join and stake; requests flow:
//! answered, audited, final; the validator's weights are revealed. Then:
//!
//! 1. **try-runtime.** A snapshot of the whole state (every key, over RPC) at a finalized block
//!    that holds subnets, neurons, stake, weights, unsettled requests and an open review is
//!    upgraded natively by this build's runtime: `Executive::try_runtime_upgrade` with every
//!    check (`pre_upgrade`/`post_upgrade` of each migration, the storage versions, every
//!    pallet's `try_state`), then again to show it is idempotent (the second run changes
//!    nothing).
//! 2. **The upgrade.** With `@polkadot/api` connected (`e2e/polkadot-js/follow-upgrade.mjs`)
//!    and requests in flight, `sudo(system.set_code)` with the runtime this node was built
//!    with. Blocks and finality go on on every node; the slots missed around the upgrade and
//!    the time from the upgrade block to the first block of the new runtime are printed;
//!    polkadot.js sees the new version and signs under it without reconnecting; the same miner
//!    and validator processes (no restart) answer, audit and set weights after it; every
//!    request settles, and the money adds up: fees held then paid, nothing left held, the
//!    miner's and the validator's stake whole. No node ever disagrees on a finalized block.
//!
//! `main`'s `spec_version` is always above the last release's (`scripts/cut-release.sh` raises
//! it right after cutting a release; `e2e/tests/release.rs` holds `main` to it), so the runtime
//! this node was built with is always an upgrade `set_code` accepts.

use std::{collections::BTreeMap, process::Command, time::Duration};

use codec::Decode;
use frame_support::traits::UpgradeCheckSelect;
use inferchain_e2e::{
	embedding_worker, free_addr,
	market::{reserved, stake_of},
	network::{
		missed_slots, start_local_network, wait_finalized_past, FinalizedLog, SLOT, TIMEOUT,
	},
	neuron_of, register_fast_subnet,
	runtime_blob::{built_spec, current_code, last_release, preset, version, write_spec_with_code},
	tx, wait_for, Client, Worker,
};
use inferchain_primitives::NetUid;
use inferchain_rpc_api::RequestState;
use inferchain_runtime::{Executive, Runtime, RuntimeCall, UNIT};
use serde_json::json;
use sp_core::crypto::Ss58Codec;
use sp_keyring::Sr25519Keyring::{Alice, Charlie, Dave, Ferdie};

const NETUID: NetUid = NetUid(0);
const MINER_STAKE: u128 = 100 * UNIT;
const VALIDATOR_STAKE: u128 = 100 * UNIT;

/// Signs `call` with `signer`, waits for its block and fails unless it succeeded.
async fn apply(
	client: &Client,
	signer: sp_keyring::Sr25519Keyring,
	call: RuntimeCall,
) -> anyhow::Result<Vec<inferchain_runtime::RuntimeEvent>> {
	let (_, events) = tx::submit(client, signer, call).await?;
	let failed = events.iter().find(|event| {
		matches!(
			event,
			inferchain_runtime::RuntimeEvent::System(frame_system::Event::ExtrinsicFailed { .. })
		)
	});
	anyhow::ensure!(failed.is_none(), "the extrinsic failed: {failed:?}");
	Ok(events)
}

/// Every key and value of the node's state at `at` (`state_getKeysPaged` and
/// `state_queryStorageAt`), as externalities to run the runtime natively on.
async fn snapshot(client: &Client, at: sp_core::H256) -> anyhow::Result<sp_io::TestExternalities> {
	let at = format!("{at:?}");
	let mut top = BTreeMap::new();
	let mut start: Option<String> = None;
	loop {
		let keys = client
			.call("state_getKeysPaged", vec![json!("0x"), json!(500), json!(start), json!(at)])
			.await?;
		let keys: Vec<String> = serde_json::from_value(keys)?;
		let Some(last) = keys.last().cloned() else { break };
		let values = client.call("state_queryStorageAt", vec![json!(keys), json!(at)]).await?;
		let changes = values[0]["changes"].as_array().cloned().unwrap_or_default();
		for change in changes {
			let (Some(key), Some(value)) = (change[0].as_str(), change[1].as_str()) else {
				continue;
			};
			top.insert(
				hex::decode(key.trim_start_matches("0x"))?,
				hex::decode(value.trim_start_matches("0x"))?,
			);
		}
		start = Some(last);
	}
	let number =
		[sp_io::hashing::twox_128(b"System"), sp_io::hashing::twox_128(b"Number")].concat();
	anyhow::ensure!(
		top.contains_key(b":code".as_slice()) && top.contains_key(&number),
		"a snapshot of {} keys without the code or the block number is not the chain's state",
		top.len()
	);
	println!("snapshot: {} keys", top.len());
	Ok(sp_io::TestExternalities::new(sp_core::storage::Storage {
		top,
		children_default: Default::default(),
	}))
}

/// Dave asks for an embedding; returns the request id.
async fn request(client: &Client, input: &str) -> anyhow::Result<u64> {
	let call = pallet_inference::Call::submit_request {
		netuid: NETUID,
		input: input.as_bytes().to_vec().try_into().map_err(|_| anyhow::anyhow!("long"))?,
		max_fee: UNIT,
	};
	let events = apply(client, Dave, RuntimeCall::Inference(call)).await?;
	events
		.iter()
		.find_map(|event| match event {
			inferchain_runtime::RuntimeEvent::Inference(
				pallet_inference::Event::RequestSubmitted { request_id, .. },
			) => Some(*request_id),
			_ => None,
		})
		.ok_or_else(|| anyhow::anyhow!("no RequestSubmitted: {events:?}"))
}

/// Waits until request `id` is `state`.
async fn reaches(client: &Client, id: u64, state: RequestState) -> anyhow::Result<()> {
	wait_for(&format!("request {id} {state:?}"), TIMEOUT, || async move {
		let status = client.request(id).await?.map(|request| request.status);
		Ok((status == Some(state)).then_some(()))
	})
	.await
}

/// What a snapshot holds, counted by the runtime's own storage types.
#[derive(Debug, Default)]
struct Population {
	subnets: usize,
	neurons: usize,
	stake: u128,
	weights: usize,
	unsettled: u32,
	reviews: usize,
}

impl Population {
	fn of(state: &mut sp_io::TestExternalities) -> Self {
		state.execute_with(|| Population {
			subnets: pallet_subnets::Subnets::<Runtime>::iter().count(),
			neurons: pallet_subnets::Uids::<Runtime>::iter().count(),
			stake: pallet_stake::SubnetStake::<Runtime>::iter().map(|(_, stake)| stake).sum(),
			weights: pallet_emission::Weights::<Runtime>::iter().count(),
			unsettled: pallet_inference::OpenRequests::<Runtime>::iter().map(|(_, n)| n).sum(),
			reviews: pallet_inference::Reviews::<Runtime>::iter().count(),
		})
	}

	/// Everything the upgrade must carry over is there.
	fn is_full(&self) -> bool {
		self.subnets > 0
			&& self.neurons > 1
			&& self.stake > 0
			&& self.weights > 0
			&& self.unsettled > 0
			&& self.reviews > 0
	}
}

/// The spec version of the runtime in block `number`'s state (the block that sets the code
/// already holds the new one; the block after it is the first the new runtime executes).
async fn spec_at(client: &Client, number: u32) -> anyhow::Result<u32> {
	let hash = client.block_hash(number).await?.ok_or_else(|| anyhow::anyhow!("no {number}"))?;
	let version = client.call("state_getRuntimeVersion", vec![json!(format!("{hash:?}"))]).await?;
	Ok(u32::try_from(version["specVersion"].as_u64().unwrap_or_default())?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_network_upgrades_its_runtime_under_load() -> anyhow::Result<()> {
	let js_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("polkadot-js");
	anyhow::ensure!(
		js_dir.join("node_modules").is_dir(),
		"run `npm ci --prefix e2e/polkadot-js` first (scripts/test.sh does)"
	);
	let dir = tempfile::tempdir()?;
	let (release, released_code) = last_release()?;
	let current = current_code()?;
	let current_version = version(&current)?.spec_version;
	anyhow::ensure!(
		current_version > release,
		"this build's spec_version {current_version} is not above the release v{release}: \
		 raise it (scripts/cut-release.sh does, right after cutting)"
	);
	// Genesis built by the released runtime itself, from its own local preset.
	let spec_path = dir.path().join(format!("local-v{release}.json"));
	let mut spec = built_spec("local", false)?;
	spec["genesis"]["runtimeGenesis"]["patch"] =
		preset(&released_code, Some(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET))?;
	write_spec_with_code(spec, &released_code, &spec_path)?;
	let mut nodes = start_local_network(&spec_path.to_string_lossy(), dir.path()).await?;
	let url = nodes[0].0.config.ws_url();
	let client = &nodes[0].1;
	assert_eq!(client.runtime_versions().await?.0, release, "the network runs the release");

	// The chain at work: subnet 0 for the real model, every result audited; a miner (Bob's
	// coldkey, Charlie's hotkey) and a validator (Eve's coldkey, Ferdie's hotkey).
	register_fast_subnet(&url, &["--audit-percent", "100"]).await?;
	let (miner_stake, validator_stake) = (MINER_STAKE.to_string(), VALIDATOR_STAKE.to_string());
	let miner_addr = free_addr();
	let mut miner = embedding_worker(
		dir.path(),
		&url,
		"miner",
		"miner",
		("//Bob", "//Charlie"),
		&["--listen", &miner_addr, "--stake", &miner_stake],
	)?;
	let mut validator = embedding_worker(
		dir.path(),
		&url,
		"validator",
		"validator",
		("//Eve", "//Ferdie"),
		&["--stake", &validator_stake],
	)?;
	let (charlie, ferdie) =
		(Charlie.to_account_id().to_ss58check(), Ferdie.to_account_id().to_ss58check());
	let logs = |miner: &Worker, validator: &Worker| {
		format!("miner log:\n{}\nvalidator log:\n{}", miner.log_tail(), validator.log_tail())
	};
	let (client_ref, charlie_ref, ferdie_ref) = (client, &charlie, &ferdie);
	wait_for("the workers' stake", TIMEOUT, || async move {
		let miner = stake_of(client_ref, charlie_ref).await?;
		let validator = stake_of(client_ref, ferdie_ref).await?;
		Ok((miner >= MINER_STAKE && validator >= VALIDATOR_STAKE).then_some(()))
	})
	.await
	.map_err(|err| anyhow::anyhow!("{err:#}\n{}", logs(&miner, &validator)))?;

	// Requests until a finalized block holds everything: weights revealed, a request unsettled
	// and its audit open. That block's state is the snapshot.
	// Dave is also a genesis validator: his validator bond is held from genesis on.
	let dave_bond = reserved(client, &Dave.to_account_id()).await?;
	let mut requests = Vec::new();
	let started = std::time::Instant::now();
	let (at, mut state) = loop {
		let at = client.finalized_hash().await?;
		let mut state = snapshot(client, at).await?;
		let population = Population::of(&mut state);
		if population.is_full() {
			println!("snapshot at {at:?}: {population:?}");
			break (at, state);
		}
		anyhow::ensure!(
			started.elapsed() < TIMEOUT * 2,
			"no finalized block held every kind of state: {population:?}\n{}",
			logs(&miner, &validator)
		);
		if population.reviews == 0 {
			requests.push(request(client, &format!("request {}", requests.len())).await?);
		} else {
			tokio::time::sleep(SLOT).await;
		}
	};

	// 1. try-runtime on the snapshot: every check, then idempotency.
	let (weight, root, again, root_again) = state.execute_with(|| {
		let weight = Executive::try_runtime_upgrade(UpgradeCheckSelect::All);
		let root = sp_io::storage::root(sp_core::storage::StateVersion::V1);
		let again = Executive::try_runtime_upgrade(UpgradeCheckSelect::PreAndPost);
		let root_again = sp_io::storage::root(sp_core::storage::StateVersion::V1);
		(weight, root, again, root_again)
	});
	let weight = weight.map_err(|error| anyhow::anyhow!("try-runtime failed: {error:?}"))?;
	again.map_err(|error| anyhow::anyhow!("the second upgrade failed: {error:?}"))?;
	assert_eq!(root, root_again, "a second upgrade changed the state: not idempotent");
	println!(
		"try-runtime at {at:?}: on_runtime_upgrade v{release} → v{current_version}: {weight:?}"
	);

	// 2. The upgrade, with polkadot.js connected and a request queued behind it.
	let mut follower = Command::new("node");
	follower.current_dir(&js_dir).args(["follow-upgrade.mjs", &url, &current_version.to_string()]);
	let mut follower = Worker::spawn_command("polkadot-js", dir.path(), follower)?;
	let follower_ref = &follower;
	wait_for("polkadot.js to connect", Duration::from_secs(60), || async move {
		Ok(follower_ref.log().contains("ready at").then_some(()))
	})
	.await?;
	requests.push(request(client, "queued at the upgrade").await?);
	let mut in_flight = Vec::new();
	for id in &requests {
		in_flight.push(client.request(*id).await?.map(|request| request.status));
	}
	println!("in flight at the upgrade: {in_flight:?}");
	let mut log = FinalizedLog::default();
	log.record(client).await?;
	let set_code = frame_system::Call::set_code { code: current.clone() };
	let sudo = pallet_sudo::Call::sudo { call: Box::new(RuntimeCall::System(set_code)) };
	let events = apply(client, Alice, RuntimeCall::Sudo(sudo)).await?;
	assert!(
		events.iter().any(|event| matches!(
			event,
			inferchain_runtime::RuntimeEvent::System(frame_system::Event::CodeUpdated { .. })
		)),
		"no CodeUpdated: {events:?}"
	);

	// Every node runs the new runtime and finalizes past it.
	for (node, client) in &nodes {
		wait_for("the new runtime", TIMEOUT, || async move {
			Ok((client.runtime_versions().await?.0 == current_version).then_some(()))
		})
		.await
		.map_err(|err| anyhow::anyhow!("{}: {err:#}", node.config.name))?;
	}
	let best = client.best_number().await?;
	for (node, client) in &nodes {
		let what = format!("{} to finalize past the upgrade", node.config.name);
		wait_finalized_past(client, best + 10, &what).await?;
	}
	// On the finalized chain: the block that set the code, and the slots around it.
	let finalized = log.record(client).await?;
	let mut upgrade_block = None;
	for number in (1..=finalized).rev() {
		if spec_at(client, number).await? == release {
			upgrade_block = Some(number + 1);
			break;
		}
	}
	let upgrade_block = upgrade_block.ok_or_else(|| anyhow::anyhow!("no block of v{release}"))?;
	let first_new = upgrade_block + 1;
	let to_first_new = missed_slots(client, upgrade_block, first_new).await? + 1;
	let (from, to) = (upgrade_block.saturating_sub(10), (upgrade_block + 10).min(finalized));
	let missed = missed_slots(client, from, to).await?;
	println!(
		"upgrade: code set in block {upgrade_block}, the new runtime's first block \
		 {first_new} {} s later ({to_first_new} slot(s)); slots missed in blocks {from}..={to}: \
		 {missed}",
		SLOT.as_secs() * to_first_new
	);
	// The first block the new runtime executed ran its `on_runtime_upgrade` and recorded it.
	let key = frame_system::LastRuntimeUpgrade::<Runtime>::hashed_key();
	let raw = client.storage(&key, None).await?.unwrap_or_default();
	let last = frame_system::LastRuntimeUpgradeInfo::decode(&mut &raw[..])?;
	assert_eq!(last.spec_version.0, current_version);

	// polkadot.js followed it without reconnecting.
	let status = follower.wait(TIMEOUT).await?;
	assert!(status.success(), "follow-upgrade.mjs failed:\n{}", follower.log());
	println!("{}", follower.log().trim());

	// The same worker processes go on: a request made after the upgrade is answered and
	// audited; everything in flight settles; the validator sets weights under the new runtime.
	requests.push(request(client, "after the upgrade").await?);
	for id in &requests {
		reaches(client, *id, RequestState::Final)
			.await
			.map_err(|err| anyhow::anyhow!("{err:#}\n{}", logs(&miner, &validator)))?;
	}
	let neurons = client.neurons(NETUID.0, None).await?;
	let validator_uid = neuron_of(&neurons, &ferdie)
		.map(|n| n.uid)
		.ok_or_else(|| anyhow::anyhow!("the validator holds no UID"))?;
	let key = pallet_emission::WeightsSetAt::<Runtime>::hashed_key_for(NETUID, validator_uid);
	let (client_ref, key_ref) = (client, &key);
	wait_for("weights set under the new runtime", TIMEOUT, || async move {
		let raw = client_ref.storage(key_ref, None).await?;
		let set_at = raw.map(|raw| u32::decode(&mut &raw[..])).transpose()?.unwrap_or_default();
		Ok((set_at > upgrade_block).then_some(set_at))
	})
	.await
	.map_err(|err| anyhow::anyhow!("{err:#}\n{}", logs(&miner, &validator)))?;
	assert_eq!(reserved(client, &Dave.to_account_id()).await?, dave_bond, "a fee stayed held");
	// Stake only grows by emission: nothing was slashed or fined.
	assert!(stake_of(client, &charlie).await? >= MINER_STAKE, "the miner lost stake");
	assert!(stake_of(client, &ferdie).await? >= VALIDATOR_STAKE, "the validator lost stake");
	let stats = client.miner_stats(NETUID.0, &charlie).await?;
	assert_eq!(stats.finalized, u32::try_from(requests.len())?, "{stats:?}");
	assert_eq!((stats.timeouts, stats.audits_failed), (0, 0), "{stats:?}");
	miner.assert_running()?;
	validator.assert_running()?;

	// The node's market metrics counted it all, from the finalized blocks' events (those of the
	// old runtime too).
	let total = requests.len() as f64;
	let metrics = format!("http://127.0.0.1:{}/metrics", nodes[0].0.config.prometheus_port);
	let counted = wait_for("the market metrics", Duration::from_secs(30), || {
		let metrics = metrics.clone();
		async move {
			let text = reqwest::get(&metrics).await?.text().await?;
			// `name{labels…} value`; the node adds a `chain` label.
			let value = |series: &str| -> f64 {
				text.lines()
					.find(|line| line.starts_with(series))
					.and_then(|line| line.rsplit(' ').next())
					.and_then(|value| value.parse().ok())
					.unwrap_or(0.0)
			};
			let counts = ["submitted", "assigned", "answered", "final"].map(|event| {
				value(&format!("inferchain_market_requests_total{{event=\"{event}\""))
			});
			let audits = value("inferchain_market_reviews_total{kind=\"audit\"");
			let paid = value("inferchain_market_paid_planck_total{");
			let fined = value("inferchain_market_slashed_planck_total{")
				+ value("inferchain_market_verdicts_penalised_total{");
			// Nothing left open once everything settled; each epoch's block weight observed.
			let open = value("inferchain_market_requests_open{")
				+ value("inferchain_market_reviews_open{");
			let epochs = value("inferchain_emission_epoch_block_weight_seconds_count{");
			let done = counts == [total; 4] && audits > 0.0 && open == 0.0 && epochs > 0.0;
			Ok(done.then_some((paid, fined)))
		}
	})
	.await;
	let counted = match counted {
		Ok(counted) => counted,
		Err(err) => {
			let text = reqwest::get(&metrics).await?.text().await?;
			let ours: Vec<&str> = text.lines().filter(|l| l.starts_with("inferchain_")).collect();
			anyhow::bail!("{err:#}\n{}", ours.join("\n"))
		},
	};
	let (paid, fined) = counted;
	assert!(paid > 0.0, "fees paid to the miner are counted");
	assert_eq!(fined, 0.0, "nobody was slashed or fined");

	// No node disagrees on a finalized block, before or after the upgrade.
	let finalized = log.record(client).await?;
	for (node, client) in &mut nodes {
		let what = format!("{} to finalize block {finalized}", node.config.name);
		wait_finalized_past(client, finalized.saturating_sub(1), &what).await?;
		node.assert_running()?;
		log.check(client).await?;
	}
	Ok(())
}
