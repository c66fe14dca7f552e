//! polkadot.js compatibility: `e2e/polkadot-js/check.mjs` drives a dev node with `@polkadot/api`
//! (what polkadot.js Apps is built on): chain properties, metadata, a signed transfer and a
//! subnet registration. `scripts/test.sh` installs its npm dependencies (`npm ci`) first.

use std::{path::PathBuf, process::Command};

use inferchain_e2e::{Node, NodeConfig};

#[tokio::test]
async fn polkadot_js_api_reads_signs_and_submits() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let config = NodeConfig::new("polkadot-js", "dev", dir.path()).with_args(["--dev"]);
	let url = config.ws_url();
	let (_node, _client) = Node::start(config).await?;

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
	Ok(())
}
