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

use std::path::PathBuf;

use inferchain_e2e::runtime_blob::{built_spec, call_on_empty, take_code};
use serde_json::Value;

fn committed(file: &str) -> Value {
	let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../chain-spec").join(file);
	let text = std::fs::read_to_string(&path)
		.unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
	serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn assert_fresh(chain: &str, raw: bool, file: &str) {
	let (mut committed, mut built) = (committed(file), built_spec(chain, raw).expect("build-spec"));
	let committed_code = take_code(&mut committed).expect("the committed spec's code");
	let built_code = take_code(&mut built).expect("the built spec's code");
	let hint = "run scripts/regenerate-chain-specs.sh";
	assert!(committed == built, "chain-spec/{file}: genesis or spec fields are stale; {hint}");
	for method in ["Core_version", "Metadata_metadata"] {
		assert!(
			call_on_empty(&committed_code, method).expect("runs")
				== call_on_empty(&built_code, method).expect("runs"),
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
