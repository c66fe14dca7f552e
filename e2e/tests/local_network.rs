//! The four-validator `--chain local` network on loopback: GRANDPA needs 3 of 4 voters
//! (f = 1 faulty out of 3f + 1). One validator down: blocks and finality go on. Two down: blocks
//! may go on, finality stops, and resumes when one returns. Restarted nodes sync to the head, and
//! no finalized block is ever lost or changed.

use std::{collections::BTreeMap, time::Duration};

use inferchain_e2e::{wait_for, Client, Node, NodeConfig};
use inferchain_runtime::Hash;

/// The committed raw spec, as an operator would start the network.
const LOCAL_SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../chain-spec/local-raw.json");

const TIMEOUT: Duration = Duration::from_secs(180);
/// Aura slot: a block every 3 seconds when its author is up.
const SLOT: Duration = Duration::from_secs(3);

/// Finalized hashes seen so far, by height.
#[derive(Default)]
struct FinalizedLog(BTreeMap<u32, Hash>);

impl FinalizedLog {
	/// Records every finalized block of `client` from 1 up to its finalized head.
	async fn record(&mut self, client: &Client) -> anyhow::Result<u32> {
		let head = client.finalized_number().await?;
		for number in 1..=head {
			let hash = client.block_hash(number).await?.expect("a finalized block is known");
			if let Some(previous) = self.0.insert(number, hash) {
				anyhow::ensure!(
					previous == hash,
					"finalized block {number} changed: {previous:?} -> {hash:?}"
				);
			}
		}
		Ok(head)
	}

	/// Fails unless `client` has every recorded finalized block with the same hash.
	async fn check(&self, client: &Client) -> anyhow::Result<()> {
		for (number, hash) in &self.0 {
			let theirs = client.block_hash(*number).await?;
			anyhow::ensure!(
				theirs == Some(*hash),
				"block {number}: expected {hash:?}, node has {theirs:?}"
			);
		}
		Ok(())
	}
}

async fn wait_finalized_past(client: &Client, height: u32, what: &str) -> anyhow::Result<u32> {
	wait_for(what, TIMEOUT, || async {
		let finalized = client.finalized_number().await?;
		Ok((finalized > height).then_some(finalized))
	})
	.await
}

async fn wait_best_past(client: &Client, height: u32, what: &str) -> anyhow::Result<u32> {
	wait_for(what, TIMEOUT, || async {
		let best = client.best_number().await?;
		Ok((best > height).then_some(best))
	})
	.await
}

#[tokio::test]
async fn four_validators_tolerate_one_fault_and_finality_recovers() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let names = ["alice", "bob", "charlie", "dave"];

	// Alice first, then the others bootstrap from her.
	let alice_config = NodeConfig::new("alice", LOCAL_SPEC, dir.path()).with_args([
		"--alice",
		"--validator",
		"--node-key",
		&format!("{:064x}", 1),
	]);
	let (alice, alice_rpc) = Node::start(alice_config).await?;
	let peer_id = alice_rpc.call("system_localPeerId", vec![]).await?;
	let bootnode = format!(
		"/ip4/127.0.0.1/tcp/{}/p2p/{}",
		alice.config.p2p_port,
		peer_id.as_str().unwrap_or_default()
	);
	let mut nodes = vec![(alice, alice_rpc)];
	for (index, name) in names.iter().enumerate().skip(1) {
		let config = NodeConfig::new(name, LOCAL_SPEC, dir.path()).with_args([
			format!("--{name}"),
			"--validator".into(),
			"--node-key".into(),
			format!("{:064x}", index + 1),
			"--bootnodes".into(),
			bootnode.clone(),
		]);
		nodes.push(Node::start(config).await?);
	}

	let mut log = FinalizedLog::default();

	// All four up: blocks finalize everywhere.
	for (node, client) in &nodes {
		wait_finalized_past(client, 2, &format!("finality on {}", node.config.name)).await?;
	}
	log.record(&nodes[0].1).await?;

	// Dave down: three voters are a supermajority, finality continues.
	nodes[3].0.kill();
	let finalized = log.record(&nodes[0].1).await?;
	wait_finalized_past(&nodes[0].1, finalized + 2, "finality with three validators").await?;
	log.record(&nodes[0].1).await?;

	// Charlie down too: two of four cannot finalize, but Aura still authors in their slots.
	nodes[2].0.kill();
	// A round already under way may still complete; let it settle.
	tokio::time::sleep(SLOT * 4).await;
	let stalled = log.record(&nodes[0].1).await?;
	let best = nodes[0].1.best_number().await?;
	wait_best_past(&nodes[0].1, best + 2, "blocks with two validators").await?;
	tokio::time::sleep(SLOT * 4).await;
	for (node, client) in &nodes[..2] {
		let finalized = client.finalized_number().await?;
		assert!(
			finalized <= stalled,
			"{} finalized {finalized} with only two of four voters (stalled at {stalled})",
			node.config.name
		);
	}

	// Charlie returns: three voters again, finality resumes past the stall and Charlie syncs.
	let charlie = nodes[2].0.restart().await?;
	nodes[2].1 = charlie;
	let head = nodes[0].1.best_number().await?;
	wait_finalized_past(&nodes[0].1, stalled, "finality to resume").await?;
	wait_best_past(&nodes[2].1, head.saturating_sub(1), "charlie to sync to the head").await?;
	log.record(&nodes[0].1).await?;

	// Dave returns and catches up with everything finalized meanwhile.
	let dave = nodes[3].0.restart().await?;
	nodes[3].1 = dave;

	// No finalized block was lost or changed, on any node.
	let finalized = log.record(&nodes[0].1).await?;
	for (node, client) in &mut nodes {
		let what = format!("{} to finalize block {finalized}", node.config.name);
		wait_finalized_past(client, finalized.saturating_sub(1), &what).await?;
		node.assert_running()?;
		log.check(client).await?;
	}
	Ok(())
}
