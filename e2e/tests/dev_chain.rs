//! A single `--dev` node: block production and finality, signed transfers, rejected bad
//! extrinsics, and the instant/manual sealing modes.

use std::time::Duration;

use inferchain_e2e::{tx, wait_for, Client, Node, NodeConfig};
use inferchain_runtime::{RuntimeEvent, UNIT};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie};

const TIMEOUT: Duration = Duration::from_secs(120);

async fn dev_node(dir: &std::path::Path, sealing: &str) -> anyhow::Result<(Node, Client)> {
	Node::start(NodeConfig::new(&format!("dev-{sealing}"), "dev", dir).with_args([
		"--dev",
		"--sealing",
		sealing,
	]))
	.await
}

async fn chain_context(client: &Client) -> anyhow::Result<tx::ChainContext> {
	let (spec_version, transaction_version) = client.runtime_versions().await?;
	Ok(tx::ChainContext {
		genesis: client.genesis_hash().await?,
		spec_version,
		transaction_version,
	})
}

#[tokio::test]
async fn dev_chain_produces_and_finalizes_blocks() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let (_node, client) = dev_node(dir.path(), "babe").await?;
	wait_for("block 3", TIMEOUT, || async { Ok((client.best_number().await? >= 3).then_some(())) })
		.await?;
	wait_for("finalized block 2", TIMEOUT, || async {
		Ok((client.finalized_number().await? >= 2).then_some(()))
	})
	.await?;
	let properties = client.properties().await?;
	assert_eq!(properties["tokenSymbol"], "INFER");
	assert_eq!(properties["tokenDecimals"], 12);
	Ok(())
}

#[tokio::test]
async fn signed_transfer_is_included_and_its_event_seen() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let (_node, client) = dev_node(dir.path(), "babe").await?;
	let chain = chain_context(&client).await?;
	let nonce = client.next_nonce(&Alice.to_account_id()).await?;
	let amount = 5 * UNIT;
	let extrinsic = tx::signed(tx::transfer(Bob, amount), Alice, nonce, chain);

	let block = client.submit_and_wait_finalized(&extrinsic).await?;

	let events = client.events(block).await?;
	let transferred = events.iter().any(|record| {
		matches!(
			&record.event,
			RuntimeEvent::Balances(pallet_balances::Event::Transfer { from, to, amount: a })
				if *from == Alice.to_account_id() && *to == Bob.to_account_id() && *a == amount
		)
	});
	assert!(transferred, "no Transfer event in block {block:?}: {events:?}");
	assert_eq!(client.next_nonce(&Alice.to_account_id()).await?, nonce + 1);
	Ok(())
}

#[tokio::test]
async fn malformed_and_forged_extrinsics_are_rejected_and_the_chain_goes_on() -> anyhow::Result<()>
{
	let dir = tempfile::tempdir()?;
	let (_node, client) = dev_node(dir.path(), "babe").await?;
	let chain = chain_context(&client).await?;

	let garbage = client.submit(&[0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]).await;
	let error = garbage.expect_err("garbage bytes must be rejected").to_string();
	assert!(error.contains("decode") || error.contains("Decode"), "unexpected error: {error}");

	let nonce = client.next_nonce(&Charlie.to_account_id()).await?;
	// Claims to be Charlie, signed with Bob's key.
	let forged = tx::signed_with_key(tx::transfer(Bob, UNIT), Charlie, Bob, nonce, chain);
	let error = client.submit(&forged).await.expect_err("a forged signature must be rejected");
	assert!(
		error.to_string().contains("bad signature") || error.to_string().contains("BadProof"),
		"unexpected error: {error}"
	);
	assert_eq!(client.next_nonce(&Charlie.to_account_id()).await?, nonce, "nothing was applied");

	let height = client.best_number().await?;
	wait_for("two more blocks", TIMEOUT, || async {
		Ok((client.best_number().await? >= height + 2).then_some(()))
	})
	.await?;
	Ok(())
}

#[tokio::test]
async fn instant_sealing_includes_and_finalizes_a_transfer_at_once() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let (_node, client) = dev_node(dir.path(), "instant").await?;
	assert_eq!(
		client.best_number().await?,
		0,
		"instant sealing makes no block without a transaction"
	);
	let chain = chain_context(&client).await?;
	for nonce in 0..3 {
		let extrinsic = tx::signed(tx::transfer(Bob, UNIT), Alice, nonce, chain);
		client.submit_and_wait_finalized(&extrinsic).await?;
	}
	wait_for("block 3 finalized", TIMEOUT, || async {
		Ok((client.finalized_number().await? >= 3).then_some(()))
	})
	.await?;
	Ok(())
}

#[tokio::test]
async fn manual_sealing_makes_blocks_on_request() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let (_node, client) = dev_node(dir.path(), "manual").await?;
	for expected in 1..=2u32 {
		let created = client
			.call("engine_createBlock", vec![true.into(), true.into(), serde_json::Value::Null])
			.await?;
		assert!(created["hash"].is_string(), "unexpected answer: {created}");
		assert_eq!(client.best_number().await?, expected);
	}
	assert_eq!(client.finalized_number().await?, 2);
	Ok(())
}
