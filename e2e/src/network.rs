//! The four-validator `--chain local` network on loopback (Alice, Bob, Charlie and Dave, the
//! authorities of the `local_testnet` preset), and what its nodes must agree on.

use std::{collections::BTreeMap, path::Path, time::Duration};

use codec::Decode;
use inferchain_runtime::{AccountId, Hash, Runtime};
use serde_json::Value;
use sp_consensus_babe::{digests::PreDigest, BABE_ENGINE_ID};
use sp_runtime::DigestItem;

use crate::{node_binary, wait_for, Client, Node, NodeConfig};

/// The validators of the local spec, in the order they start.
pub const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// BABE slot of the local spec: a block every 3 seconds when its author is up.
pub const SLOT: Duration = Duration::from_secs(3);

/// How long a step of a network test may take before it fails.
pub const TIMEOUT: Duration = Duration::from_secs(180);

/// Starts the four validators of `spec` (a path or a built-in name) under `dir`: Alice first,
/// then the others with her as bootnode. Each has a fixed node key (1 to 4).
pub async fn start_local_network(spec: &str, dir: &Path) -> anyhow::Result<Vec<(Node, Client)>> {
	let mut nodes: Vec<(Node, Client)> = Vec::new();
	let mut bootnode = None;
	for (index, name) in VALIDATORS.iter().enumerate() {
		let mut args =
			vec![format!("--{name}"), "--validator".into(), "--node-key".into(), node_key(index)];
		if let Some(bootnode) = &bootnode {
			args.extend(["--bootnodes".to_string(), String::clone(bootnode)]);
		}
		let (node, client) = Node::start(NodeConfig::new(name, spec, dir).with_args(args)).await?;
		if bootnode.is_none() {
			bootnode = Some(address_of(&node, &client).await?);
		}
		nodes.push((node, client));
	}
	Ok(nodes)
}

/// The libp2p address of `node` (for `--bootnodes`).
pub async fn address_of(node: &Node, client: &Client) -> anyhow::Result<String> {
	let peer_id = client.call("system_localPeerId", vec![]).await?;
	Ok(format!(
		"/ip4/127.0.0.1/tcp/{}/p2p/{}",
		node.config.p2p_port,
		peer_id.as_str().unwrap_or_default()
	))
}

/// The libp2p key of the `index`-th node: fixed, so its peer id is known in advance.
pub fn node_key(index: usize) -> String {
	format!("{:064x}", index + 1)
}

/// Writes under `dir` the local spec with sessions (and BABE epochs) of `blocks` blocks instead
/// of an hour, so a test sees validators join and leave within minutes; returns its path.
pub fn local_spec_with_sessions_of(dir: &Path, blocks: u32) -> anyhow::Result<String> {
	let output = std::process::Command::new(node_binary())
		.args(["build-spec", "--chain", "local", "--disable-default-bootnode"])
		.output()?;
	anyhow::ensure!(output.status.success(), "build-spec failed: {output:?}");
	let mut spec: Value = serde_json::from_slice(&output.stdout)?;
	let patch = spec
		.pointer_mut("/genesis/runtimeGenesis/patch")
		.and_then(Value::as_object_mut)
		.ok_or_else(|| anyhow::anyhow!("the local spec has no genesis patch"))?;
	patch
		.entry("validators")
		.or_insert_with(|| Value::Object(Default::default()))
		.as_object_mut()
		.ok_or_else(|| anyhow::anyhow!("the validators genesis is not an object"))?
		.insert("sessionLength".into(), blocks.into());
	let path = dir.join(format!("local-sessions-of-{blocks}.json"));
	std::fs::write(&path, serde_json::to_vec_pretty(&spec)?)?;
	Ok(path.to_string_lossy().into_owned())
}

/// Waits until `client` has finalized a block above `height`; returns its finalized height.
pub async fn wait_finalized_past(client: &Client, height: u32, what: &str) -> anyhow::Result<u32> {
	wait_for(what, TIMEOUT, || async {
		let finalized = client.finalized_number().await?;
		Ok((finalized > height).then_some(finalized))
	})
	.await
}

/// Waits until `client`'s best block is above `height`; returns its best height.
pub async fn wait_best_past(client: &Client, height: u32, what: &str) -> anyhow::Result<u32> {
	wait_for(what, TIMEOUT, || async {
		let best = client.best_number().await?;
		Ok((best > height).then_some(best))
	})
	.await
}

/// The BABE slot block `number` of `client`'s canonical chain was authored in (its header's
/// pre-runtime digest).
pub async fn babe_slot(client: &Client, number: u32) -> anyhow::Result<u64> {
	Ok(*babe_digest(client, number).await?.slot())
}

/// The account that authored block `number` of `client`'s canonical chain: its BABE
/// pre-digest's authority index in that block's session validators.
pub async fn author_of(client: &Client, number: u32) -> anyhow::Result<AccountId> {
	let index = babe_digest(client, number).await?.authority_index();
	let hash =
		client.block_hash(number).await?.ok_or_else(|| anyhow::anyhow!("no block {number}"))?;
	session_validators(client, Some(hash))
		.await?
		.get(usize::try_from(index)?)
		.cloned()
		.ok_or_else(|| anyhow::anyhow!("block {number}: authority {index} is not a validator"))
}

/// The validators of the session running at `at` (the best block when `None`).
pub async fn session_validators(
	client: &Client,
	at: Option<Hash>,
) -> anyhow::Result<Vec<AccountId>> {
	let key = pallet_session::Validators::<Runtime>::hashed_key();
	let raw = client.storage(&key, at).await?.unwrap_or_default();
	Ok(Vec::<AccountId>::decode(&mut &raw[..])?)
}

/// The BABE pre-runtime digest of block `number` of `client`'s canonical chain.
async fn babe_digest(client: &Client, number: u32) -> anyhow::Result<PreDigest> {
	let hash =
		client.block_hash(number).await?.ok_or_else(|| anyhow::anyhow!("no block {number}"))?;
	let header = client.call("chain_getHeader", vec![Value::String(format!("{hash:?}"))]).await?;
	let logs = header["digest"]["logs"].as_array().cloned().unwrap_or_default();
	for log in logs {
		let bytes = hex::decode(log.as_str().unwrap_or_default().trim_start_matches("0x"))?;
		let item = DigestItem::decode(&mut &bytes[..])?;
		if let Some(digest) = item.pre_runtime_try_to::<PreDigest>(&BABE_ENGINE_ID) {
			return Ok(digest);
		}
	}
	anyhow::bail!("block {number} has no BABE pre-runtime digest")
}

/// Slots without a block between blocks `from` and `to` of `client`'s chain (0 when every
/// slot had its block).
pub async fn missed_slots(client: &Client, from: u32, to: u32) -> anyhow::Result<u64> {
	let first = babe_slot(client, from).await?;
	let last = babe_slot(client, to).await?;
	let blocks = u64::from(to.saturating_sub(from));
	Ok(last.saturating_sub(first).saturating_sub(blocks))
}

/// Finalized hashes seen so far, by height: a finalized block must never change or vanish.
#[derive(Default)]
pub struct FinalizedLog(BTreeMap<u32, Hash>);

impl FinalizedLog {
	/// Records every finalized block of `client` from 1 up to its finalized head; fails if one
	/// differs from what was recorded before. Returns the finalized height.
	pub async fn record(&mut self, client: &Client) -> anyhow::Result<u32> {
		let head = client.finalized_number().await?;
		for number in 1..=head {
			let hash = client
				.block_hash(number)
				.await?
				.ok_or_else(|| anyhow::anyhow!("finalized block {number} is unknown"))?;
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
	pub async fn check(&self, client: &Client) -> anyhow::Result<()> {
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
