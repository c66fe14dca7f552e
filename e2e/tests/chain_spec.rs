//! The chain specs committed under `chain-spec/` must describe what the node builds from the
//! current runtime: a stale spec would start a different chain than the code describes.
//! Regenerate them with `scripts/regenerate-chain-specs.sh`.
//!
//! Everything in a spec is compared exactly except the runtime blob's bytes: the Wasm build
//! embeds symbol hashes that depend on the checkout's path, so the same source built in two
//! folders differs in its name section. For the code, the runtime's version (`Core_version`:
//! spec/impl/transaction versions and API set) and its metadata (`Metadata_metadata`: every call,
//! event, error, storage item and constant) must match instead; both are obtained by executing
//! each blob.

use std::{path::PathBuf, process::Command};

use inferchain_e2e::node_binary;
use sc_executor::WasmExecutor;
use sc_executor_common::runtime_blob::RuntimeBlob;
use serde_json::Value;

/// Storage key of the runtime code (`:code`) in a raw spec.
const CODE_KEY: &str = "0x3a636f6465";

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

/// Removes the runtime code from a spec and returns it.
fn take_code(spec: &mut Value) -> Vec<u8> {
	let genesis = &mut spec["genesis"];
	let code = if genesis.get("raw").is_some() {
		genesis["raw"]["top"].as_object_mut().and_then(|top| top.remove(CODE_KEY))
	} else {
		genesis["runtimeGenesis"].as_object_mut().and_then(|g| g.remove("code"))
	};
	let code = code.expect("the spec holds runtime code");
	let hex_code = code.as_str().expect("code is a hex string");
	hex::decode(hex_code.trim_start_matches("0x")).expect("code is valid hex")
}

/// Executes `method` (no arguments) of a runtime blob on empty state.
fn call_runtime(code: &[u8], method: &str) -> Vec<u8> {
	let blob = RuntimeBlob::uncompress_if_needed(code).expect("a valid runtime blob");
	let executor = WasmExecutor::<sp_io::SubstrateHostFunctions>::builder().build();
	let mut state = sp_io::TestExternalities::default();
	let mut ext = state.ext();
	executor.uncached_call(blob, &mut ext, false, method, &[]).expect("the runtime call succeeds")
}

fn assert_fresh(chain: &str, raw: bool, file: &str) {
	let (mut committed, mut built) = (committed(file), built(chain, raw));
	let (committed_code, built_code) = (take_code(&mut committed), take_code(&mut built));
	let hint = "run scripts/regenerate-chain-specs.sh";
	assert!(committed == built, "chain-spec/{file}: genesis or spec fields are stale; {hint}");
	for method in ["Core_version", "Metadata_metadata"] {
		assert!(
			call_runtime(&committed_code, method) == call_runtime(&built_code, method),
			"chain-spec/{file}: the runtime's {method} differs from the built runtime's; {hint}"
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
