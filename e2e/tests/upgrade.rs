//! A runtime upgrade on a live chain, with requests in flight.
//!
//! A dev node starts on the last release's runtime (`releases/v<N>/`, genesis built by that
//! runtime itself). The subnet owner's tool registers subnet 0 for the real all-MiniLM-L6-v2, a
//! real miner process joins, stakes and answers two requests; a third is queued. Then:
//!
//! 1. **try-runtime.** A snapshot of the node's whole state (every key, over RPC) is upgraded
//!    natively by this build's runtime: `Executive::try_runtime_upgrade` with every check
//!    (`pre_upgrade`/`post_upgrade` of each migration, the storage versions, every pallet's
//!    `try_state`), then again to show it is idempotent (the second run changes nothing).
//! 2. **The upgrade.** `sudo(system.set_code)` with the runtime the node was built with. Blocks
//!    go on, the node reports the new `spec_version`, the same miner process (no restart)
//!    answers a request made after the upgrade, every request settles, and the money adds up:
//!    the requester's fees were held and paid out, nothing stays held, the miner's stake is
//!    whole.
//!
//! When this build's runtime is the release itself (just after cutting one), the upgrade uses
//! `set_code_without_checks`, as `set_code` refuses a code of the same version.

use std::{collections::BTreeMap, time::Duration};

use codec::Decode;
use frame_support::traits::UpgradeCheckSelect;
use inferchain_e2e::{
	embedding_worker, free_addr,
	market::{reserved, stake_of},
	register_fast_subnet,
	runtime_blob::{built_spec, current_code, last_release, version, write_spec_with_code},
	start_block_ticker, tx, wait_for, Client, Node, NodeConfig,
};
use inferchain_primitives::NetUid;
use inferchain_rpc_api::RequestState;
use inferchain_runtime::{Executive, Runtime, RuntimeCall, UNIT};
use serde_json::{json, Value};
use sp_core::crypto::Ss58Codec;
use sp_keyring::Sr25519Keyring::{Alice, Charlie, Dave};

const NETUID: NetUid = NetUid(0);
const MINER_STAKE: u128 = 100 * UNIT;

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
	wait_for(&format!("request {id} {state:?}"), Duration::from_secs(60), || async move {
		let status = client.request(id).await?.map(|request| request.status);
		Ok((status == Some(state)).then_some(()))
	})
	.await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runtime_upgrades_in_place_with_requests_in_flight() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let (release, released_code) = last_release()?;
	let current = current_code()?;
	let current_version = version(&current)?.spec_version;
	// Genesis built by the released runtime itself, from the dev preset.
	let spec_path = dir.path().join(format!("dev-v{release}.json"));
	write_spec_with_code(built_spec("dev", false)?, &released_code, &spec_path)?;
	let spec_arg = spec_path.to_string_lossy().into_owned();
	let config = NodeConfig::new("upgrade", &spec_arg, dir.path()).with_args([
		"--dev",
		"--sealing",
		"manual",
	]);
	let url = config.ws_url();
	let (node, client) = Node::start(config).await?;
	// Half-second blocks: the 20-block challenge window outlasts the snapshot and the upgrade.
	let _ticker = start_block_ticker(url.clone(), Duration::from_millis(500));
	assert_eq!(client.runtime_versions().await?.0, release, "the node runs the release");

	// The chain at work: the owner's tool registers subnet 0 for the real all-MiniLM-L6-v2, a
	// real miner (Charlie, Bob's hotkey) joins and stakes, and answers two requests.
	register_fast_subnet(&url, &[]).await?;
	let miner_addr = free_addr();
	let stake = MINER_STAKE.to_string();
	let mut miner = embedding_worker(
		dir.path(),
		&url,
		"miner",
		"miner",
		("//Bob", "//Charlie"),
		&["--listen", &miner_addr, "--stake", &stake],
	)?;
	let charlie = Charlie.to_account_id().to_ss58check();
	let (client_ref, charlie_ref) = (&client, &charlie);
	wait_for("the miner's stake", Duration::from_secs(120), || async move {
		Ok((stake_of(client_ref, charlie_ref).await? >= MINER_STAKE).then_some(()))
	})
	.await?;
	let (first, second) = (request(&client, "one").await?, request(&client, "two").await?);
	for id in [first, second] {
		reaches(&client, id, RequestState::Answered)
			.await
			.map_err(|err| anyhow::anyhow!("{err:#}\nminer log:\n{}", miner.log_tail()))?;
	}
	let dave_reserved = reserved(&client, &Dave.to_account_id()).await?;
	assert!(dave_reserved > 0, "the fees are held");

	// 1. try-runtime on a snapshot: every check, then idempotency.
	let at = client.finalized_hash().await?;
	let mut state = snapshot(&client, at).await?;
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
	println!("try-runtime: on_runtime_upgrade of v{release} → v{current_version}: {weight:?}");

	// 2. The upgrade, with a request queued behind it.
	let queued = request(&client, "three").await?;
	let mut in_flight = Vec::new();
	for id in [first, second, queued] {
		in_flight.push(client.request(id).await?.map(|request| request.status));
	}
	println!("in flight at the upgrade: {in_flight:?}");
	let before = client.best_number().await?;
	let set_code = if current_version > release {
		frame_system::Call::set_code { code: current.clone() }
	} else {
		frame_system::Call::set_code_without_checks { code: current.clone() }
	};
	let sudo = pallet_sudo::Call::sudo { call: Box::new(RuntimeCall::System(set_code)) };
	let events = apply(&client, Alice, RuntimeCall::Sudo(sudo)).await?;
	let upgraded_in = client.best_number().await?;
	assert!(
		events.iter().any(|event| matches!(
			event,
			inferchain_runtime::RuntimeEvent::System(frame_system::Event::CodeUpdated { .. })
		)),
		"no CodeUpdated: {events:?}"
	);
	let client_ref = &client;
	wait_for("the new runtime", Duration::from_secs(30), || async move {
		Ok((client_ref.runtime_versions().await?.0 == current_version).then_some(()))
	})
	.await?;
	let reported = client.best_number().await?;
	// The first block the new runtime executes runs its `on_runtime_upgrade` and records it.
	let key = frame_system::LastRuntimeUpgrade::<Runtime>::hashed_key();
	let (client_ref, key_ref) = (&client, &key);
	let first_new =
		wait_for("the first block of the new runtime", Duration::from_secs(30), || async move {
			let raw = client_ref.storage(key_ref, None).await?.unwrap_or_default();
			let last = frame_system::LastRuntimeUpgradeInfo::decode(&mut &raw[..])?;
			let best = client_ref.best_number().await?;
			Ok((last.spec_version.0 == current_version).then_some(best))
		})
		.await?;
	println!(
		"upgrade: submitted after block {before}, included in block {upgraded_in}, new version \
		 reported from block {reported}, its first block executed by block {first_new}"
	);

	// The same miner process answers a request made after the upgrade: it signs under the new
	// runtime's version without a restart. Everything in flight settles.
	let after_upgrade = request(&client, "four").await?;
	for id in [first, second, queued, after_upgrade] {
		reaches(&client, id, RequestState::Final).await.map_err(|err| {
			anyhow::anyhow!(
				"{err:#}\nnode log:\n{}\nminer log:\n{}",
				node.log_tail(),
				miner.log_tail()
			)
		})?;
	}
	assert_eq!(reserved(&client, &Dave.to_account_id()).await?, 0, "a fee stayed held");
	assert_eq!(stake_of(&client, &charlie).await?, MINER_STAKE);
	let stats = client.miner_stats(0, &charlie).await?;
	assert_eq!(stats.finalized, 4, "{stats:?}");
	miner.assert_running()?;
	let after = client.best_number().await?;
	assert!(after > first_new + 20, "blocks stopped after the upgrade ({first_new} → {after})");
	let _: Value = client.call("system_health", vec![]).await?;

	// The node's market metrics counted it all, from the finalized blocks' events (those of the
	// old runtime too).
	let metrics = format!("http://127.0.0.1:{}/metrics", node.config.prometheus_port);
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
			Ok((counts == [4.0; 4]).then_some(value("inferchain_market_paid_planck_total{")))
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
	assert!(counted > 0.0, "fees paid to the miner are counted");
	Ok(())
}
