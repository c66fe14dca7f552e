//! A validator set anyone can join and that punishes double-signing, on the local network
//! (sessions shortened from an hour to [`SESSION`] blocks so the changes come within minutes):
//!
//! 1. **Join.** A fifth node (Eve's) syncs; with `@polkadot/api` (`polkadot-js/join-validator.mjs`)
//!    Eve rotates keys on it, sets them with `session.setKeys`, bonds and validates. She is
//!    elected, enters the session set, and her node authors blocks while finality goes on.
//! 2. **Leave.** Eve chills and leaves the set at a later session; finality goes on.
//! 3. **Equivocation.** Dave's keys run on a second node: both author in Dave's slots, the other
//!    nodes report the equivocation (unsigned, checked against the historical session root),
//!    Dave's bond is slashed and he leaves the set.
//!
//! No finalized block ever differs between nodes. Figures (printed): time from `setKeys` to
//! Eve's first authored block, and the finality lag while the set goes from 4 to 5.

use std::{cell::Cell, process::Command, time::Duration, time::Instant};

use codec::Decode;
use inferchain_e2e::{
	network::{
		address_of, author_of, local_spec_with_sessions_of, node_key, session_validators,
		start_local_network, wait_finalized_past, FinalizedLog, TIMEOUT,
	},
	tx, wait_for, Client, Node, NodeConfig, Worker,
};
use inferchain_runtime::{AccountId, Runtime, RuntimeCall, RuntimeEvent};
use sp_keyring::Sr25519Keyring::{Dave, Eve};

/// Blocks per session (and BABE epoch) in this test's spec.
const SESSION: u32 = 10;
/// A set change takes effect two session changes after the call that causes it.
const SET_CHANGE: Duration = Duration::from_secs(3 * 3 * SESSION as u64 + 60);

#[tokio::test]
async fn validators_join_leave_and_equivocators_are_slashed() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let spec = local_spec_with_sessions_of(dir.path(), SESSION)?;
	let mut nodes = start_local_network(&spec, dir.path()).await?;
	let bootnode = address_of(&nodes[0].0, &nodes[0].1).await?;
	let client = Client::connect(&nodes[0].0.config.ws_url()).await?;
	let client = &client;
	let mut log = FinalizedLog::default();
	wait_finalized_past(client, 2, "finality with four validators").await?;

	// 1. Eve's node: a validator process without keys yet, synced to the network.
	let eve_config = NodeConfig::new("eve", &spec, dir.path()).with_args([
		"--validator".to_string(),
		"--node-key".into(),
		node_key(4),
		"--bootnodes".into(),
		bootnode.clone(),
		"--rpc-methods".into(),
		"unsafe".into(),
	]);
	let (eve_node, eve_client) = Node::start(eve_config).await?;
	let head = client.best_number().await?;
	wait_for("eve to sync", TIMEOUT, || async {
		Ok((eve_client.best_number().await? >= head).then_some(()))
	})
	.await?;

	let js_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/polkadot-js");
	let mut join = Command::new("node");
	join.current_dir(js_dir).args([
		"join-validator.mjs",
		&eve_node.config.ws_url(),
		"//Eve",
		"2000",
	]);
	let started = Instant::now();
	let mut joiner = Worker::spawn_command("join-validator", dir.path(), join)?;
	let status = joiner.wait(TIMEOUT).await?;
	assert!(status.success(), "join-validator.mjs failed:\n{}", joiner.log());
	println!("{}", joiner.log().trim());
	let keys_set = started;

	let eve = Eve.to_account_id();
	let lag_before = finality_lag(client).await?;
	let entered = wait_for("eve in the session set", SET_CHANGE, || async {
		let set = session_validators(client, None).await?;
		Ok(set.contains(&eve).then_some(client.best_number().await?))
	})
	.await?;
	let set_size = session_validators(client, None).await?.len();
	assert_eq!(set_size, 5, "the set is not 4 + Eve");
	let max_lag = Cell::new(lag_before);
	let scanned = Cell::new(entered.saturating_sub(1));
	let (max_lag_ref, scanned_ref, eve_ref) = (&max_lag, &scanned, &eve);
	let first_block = wait_for("a block authored by eve", SET_CHANGE, || async move {
		max_lag_ref.set(max_lag_ref.get().max(finality_lag(client).await?));
		let best = client.best_number().await?;
		for number in scanned_ref.get() + 1..=best {
			if author_of(client, number).await? == *eve_ref {
				return Ok(Some(number));
			}
			scanned_ref.set(number);
		}
		Ok(None)
	})
	.await?;
	let max_lag = max_lag.get();
	let to_first_block = keys_set.elapsed();
	wait_finalized_past(client, first_block, "finality past eve's block").await?;
	wait_finalized_past(&eve_client, first_block, "eve's node to finalize her block").await?;
	println!(
		"validator_set: setKeys → eve's first authored block {first_block}: {:.0} s; finality lag \
		 (best − finalized) before the change {lag_before}, at most {max_lag} while 4 → 5",
		to_first_block.as_secs_f64()
	);
	log.record(client).await?;

	// 2. Eve chills: she leaves at a later session, and finality goes on without her.
	let (_, events) =
		tx::submit(client, Eve, RuntimeCall::Validators(pallet_validators::Call::chill {})).await?;
	assert!(events.iter().any(|e| matches!(
		e,
		RuntimeEvent::Validators(pallet_validators::Event::Chilled { who }) if *who == eve
	)));
	leaves_and_finality_goes_on(client, &eve, "eve").await?;
	log.record(client).await?;

	// 3. Dave's keys on a second node: both author in his slots.
	let dave = Dave.to_account_id();
	let bond_before = pallet_bond(client, &dave).await?;
	let twin_config = NodeConfig::new("dave-twin", &spec, dir.path()).with_args([
		"--dave".to_string(),
		"--validator".into(),
		"--node-key".into(),
		node_key(5),
		"--bootnodes".into(),
		bootnode,
	]);
	let twin_start = client.best_number().await?;
	let (mut twin, _) = Node::start(twin_config).await?;
	wait_for("dave's equivocation slashed", SET_CHANGE, || async {
		Ok((pallet_bond(client, &dave).await? < bond_before).then_some(()))
	})
	.await
	.map_err(|error| anyhow::anyhow!("{error:#}\n{}", twin.log_tail()))?;
	let mut slashed = None;
	for number in twin_start..=client.best_number().await? {
		let hash = client.block_hash(number).await?.unwrap_or_default();
		for record in client.events(hash).await? {
			match record.event {
				RuntimeEvent::Offences(pallet_offences::Event::Offence { kind, .. }) => {
					println!(
						"validator_set: offence {} reported in block {number}",
						hex::encode(kind)
					);
				},
				RuntimeEvent::Validators(pallet_validators::Event::Slashed {
					who, amount, ..
				}) if who == dave => slashed = slashed.or(Some((number, amount))),
				_ => {},
			}
		}
	}
	let (slash_block, amount) =
		slashed.ok_or_else(|| anyhow::anyhow!("no Slashed event for dave"))?;
	twin.kill();
	println!("validator_set: dave's equivocation slashed {amount} in block {slash_block}");
	assert!(pallet_bond(client, &dave).await? < bond_before);
	let candidates = pallet_validators::Candidates::<Runtime>::hashed_key_for(&dave);
	assert!(client.storage(&candidates, None).await?.is_none(), "dave is still a candidate");
	leaves_and_finality_goes_on(client, &dave, "dave").await?;

	// No node ever disagrees on a finalized block.
	log.record(client).await?;
	for (node, client) in &mut nodes {
		node.assert_running()?;
		log.check(client).await?;
	}
	log.check(&eve_client).await?;
	Ok(())
}

/// Waits until `who` is out of the session set, then until a block after that is finalized.
async fn leaves_and_finality_goes_on(
	client: &Client,
	who: &AccountId,
	name: &str,
) -> anyhow::Result<()> {
	let left = wait_for(&format!("{name} out of the session set"), SET_CHANGE, || async {
		let set = session_validators(client, None).await?;
		Ok((!set.contains(who)).then_some(client.best_number().await?))
	})
	.await?;
	wait_finalized_past(client, left, &format!("finality after {name} left")).await?;
	Ok(())
}

/// Best minus finalized height.
async fn finality_lag(client: &Client) -> anyhow::Result<u32> {
	Ok(client.best_number().await?.saturating_sub(client.finalized_number().await?))
}

/// Everything `who` has bonded as a validator (active and unbonding).
async fn pallet_bond(client: &Client, who: &AccountId) -> anyhow::Result<u128> {
	let key = pallet_validators::Ledgers::<Runtime>::hashed_key_for(who);
	let raw = client.storage(&key, None).await?;
	let ledger =
		raw.map(|raw| pallet_validators::LedgerOf::<Runtime>::decode(&mut &raw[..])).transpose()?;
	Ok(ledger.map(|l| l.total()).unwrap_or_default())
}
