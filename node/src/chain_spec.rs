//! Chain specifications built from the runtime's genesis presets.
//!
//! `dev` and `local` come from the runtime's `development` and `local_testnet` presets; any other
//! `--chain` value is a path to a chain spec JSON file (plain or raw), such as those committed
//! under `chain-spec/`.

use inferchain_runtime::{SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL, WASM_BINARY};
use sc_service::{ChainType, Properties};
use sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};

/// Inferchain's chain spec: no client extensions.
pub type ChainSpec = sc_service::GenericChainSpec;

/// Token symbol, decimals and SS58 format, so wallets show balances correctly.
pub fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

/// The genesis runtime code: the built Wasm runtime, zstd-compressed.
///
/// Debug builds embed the uncompressed ("bloaty") blob and release builds a compacted one;
/// compressing here keeps chain spec files small either way, and the level is fixed so the same
/// runtime always gives the same spec.
fn genesis_code() -> Result<Vec<u8>, String> {
	let wasm = WASM_BINARY
		.ok_or_else(|| "the Wasm runtime was not built (SKIP_WASM_BUILD was set)".to_string())?;
	let limit = sp_maybe_compressed_blob::CODE_BLOB_BOMB_LIMIT;
	let plain = sp_maybe_compressed_blob::decompress(wasm, limit)
		.map_err(|e| format!("the built Wasm runtime is corrupt: {e}"))?;
	sp_maybe_compressed_blob::compress_weakly(&plain, limit)
		.ok_or_else(|| "the Wasm runtime is too large to compress".to_string())
}

fn spec(name: &str, id: &str, chain_type: ChainType, preset: &str) -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(&genesis_code()?, None)
		.with_name(name)
		.with_id(id)
		.with_protocol_id("infer")
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build())
}

/// Single-validator development chain (Alice).
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	spec("Inferchain Development", "inferchain_dev", ChainType::Development, DEV_RUNTIME_PRESET)
}

/// Four-validator local testnet (Alice, Bob, Charlie, Dave).
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	spec(
		"Inferchain Local Testnet",
		"inferchain_local",
		ChainType::Local,
		LOCAL_TESTNET_RUNTIME_PRESET,
	)
}

/// Resolves a `--chain` value: `dev`, `local` (or empty), or a path to a chain spec file.
pub fn load(id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	Ok(match id {
		"dev" => Box::new(development_chain_spec()?),
		"" | "local" => Box::new(local_chain_spec()?),
		path => {
			let path = std::path::PathBuf::from(path);
			if !path.is_file() {
				return Err(format!(
					"unknown chain `{id}`: expected `dev`, `local` or the path of a chain spec file"
				));
			}
			Box::new(
				ChainSpec::from_json_file(path.clone())
					.map_err(|e| format!("invalid chain spec file {}: {e}", path.display()))?,
			)
		},
	})
}
