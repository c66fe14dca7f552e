//! polkadot.js compatibility: `e2e/polkadot-js/check.mjs` drives a dev node with `@polkadot/api`
//! (what polkadot.js Apps is built on): chain properties, metadata, a signed transfer, a subnet
//! and a neuron registration, staking and unstaking. Then this test reads the same node through
//! the typed `subnets_*` RPC and raw storage, and the two clients must agree.
//! `scripts/test.sh` installs the npm dependencies (`npm ci`) first.

use std::{path::PathBuf, process::Command};

use codec::Decode;
use inferchain_e2e::{Node, NodeConfig};
use inferchain_primitives::NetUid;
use inferchain_runtime::{Runtime, UNIT};
use sp_core::crypto::Ss58Codec;
use sp_keyring::Sr25519Keyring::{Bob, Charlie, Dave};

#[tokio::test]
async fn polkadot_js_api_reads_signs_and_submits() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let config = NodeConfig::new("polkadot-js", "dev", dir.path()).with_args(["--dev"]);
	let url = config.ws_url();
	let (_node, client) = Node::start(config).await?;

	let script_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("polkadot-js");
	anyhow::ensure!(
		script_dir.join("node_modules").is_dir(),
		"run `npm ci --prefix e2e/polkadot-js` first (scripts/test.sh does)"
	);
	let output = tokio::task::spawn_blocking(move || {
		Command::new("node").arg("check.mjs").arg(url).current_dir(script_dir).output()
	})
	.await??;
	let stdout = String::from_utf8_lossy(&output.stdout);
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(output.status.success(), "check.mjs failed:\n{stdout}\n{stderr}");
	assert!(stdout.contains("polkadot.js check passed"), "unexpected output:\n{stdout}");

	// What the script wrote, read back through this client.
	let neurons = client.neurons(0, None).await?;
	assert_eq!(neurons[0].hotkey, Charlie.to_account_id().to_ss58check());
	assert_eq!(neurons[0].coldkey, Bob.to_account_id().to_ss58check());
	assert_eq!(neurons[0].stake, 0, "the script unstaked everything");
	let subnet = client.subnet(0, None).await?.expect("subnet 0");
	assert_eq!(subnet.owner, Bob.to_account_id().to_ss58check());
	let key = pallet_stake::Unbonding::<Runtime>::hashed_key_for((
		Dave.to_account_id(),
		NetUid(0),
		Charlie.to_account_id(),
	));
	let chunks = client.storage(&key, None).await?.expect("Dave's stake is unbonding");
	let chunks = Vec::<pallet_stake::UnbondingChunk<u32>>::decode(&mut &chunks[..])?;
	assert_eq!(chunks.len(), 1);
	let key =
		pallet_stake::UnbondingPools::<Runtime>::hashed_key_for(NetUid(0), Charlie.to_account_id());
	let pool = client.storage(&key, None).await?.expect("an unbonding pool exists");
	assert_eq!(pallet_stake::Pool::<u128>::decode(&mut &pool[..])?.stake, 50 * UNIT);
	Ok(())
}
