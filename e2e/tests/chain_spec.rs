//! The chain specs committed under `chain-spec/` must be what the node builds from the current
//! runtime: a stale spec would start a different chain than the code describes.
//! Regenerate them with `scripts/regenerate-chain-specs.sh`.

use std::{path::PathBuf, process::Command};

use inferchain_e2e::node_binary;
use serde_json::Value;

fn committed(file: &str) -> Value {
	let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../chain-spec").join(file);
	let text = std::fs::read_to_string(&path)
		.unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
	serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn built(chain: &str, raw: bool) -> Value {
	let mut command = Command::new(node_binary());
	command.args(["build-spec", "--chain", chain, "--disable-default-bootnode"]);
	if raw {
		command.arg("--raw");
	}
	let output = command.output().expect("the node binary runs");
	assert!(
		output.status.success(),
		"build-spec failed: {}",
		String::from_utf8_lossy(&output.stderr)
	);
	serde_json::from_slice(&output.stdout).expect("build-spec prints JSON")
}

fn assert_fresh(chain: &str, raw: bool, file: &str) {
	let (committed, built) = (committed(file), built(chain, raw));
	if committed != built {
		let mut differing: Vec<String> = Vec::new();
		if let (Some(a), Some(b)) = (committed.as_object(), built.as_object()) {
			for key in a.keys().chain(b.keys()) {
				if a.get(key) != b.get(key) && !differing.contains(key) {
					differing.push(key.clone());
				}
			}
		}
		panic!(
			"chain-spec/{file} is stale (differs in {differing:?}); run scripts/regenerate-chain-specs.sh"
		);
	}
}

#[test]
fn committed_dev_spec_is_current() {
	assert_fresh("dev", false, "dev.json");
}

#[test]
fn committed_dev_raw_spec_is_current() {
	assert_fresh("dev", true, "dev-raw.json");
}

#[test]
fn committed_local_spec_is_current() {
	assert_fresh("local", false, "local.json");
}

#[test]
fn committed_local_raw_spec_is_current() {
	assert_fresh("local", true, "local-raw.json");
}
