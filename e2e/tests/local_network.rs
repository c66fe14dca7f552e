//! The four-validator `--chain local` network on loopback: GRANDPA needs 3 of 4 voters
//! (f = 1 faulty out of 3f + 1). One validator down: blocks and finality go on. Two down: blocks
//! may go on, finality stops, and resumes when one returns. Restarted nodes sync to the head, and
//! no finalized block is ever lost or changed.

use inferchain_e2e::network::{
	start_local_network, wait_best_past, wait_finalized_past, FinalizedLog, SLOT,
};

/// The committed raw spec, as an operator would start the network.
const LOCAL_SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../chain-spec/local-raw.json");

#[tokio::test]
async fn four_validators_tolerate_one_fault_and_finality_recovers() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let mut nodes = start_local_network(LOCAL_SPEC, dir.path()).await?;

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

	// Charlie down too: two of four cannot finalize, but BABE still authors in their slots.
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
