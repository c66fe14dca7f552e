//! Runtime blobs outside a node: the one the node builds (from `build-spec --raw`), the released
//! ones under `releases/`, and what executing them says: version, metadata, the storage layout
//! of each pallet and the storage versions its genesis writes.

use std::{
	collections::{BTreeMap, BTreeSet},
	path::{Path, PathBuf},
	process::Command,
};

use anyhow::Context;
use codec::{Decode, Encode};
use frame_metadata::{
	v14::{RuntimeMetadataV14, StorageEntryType},
	RuntimeMetadata, RuntimeMetadataPrefixed,
};
use sc_executor::WasmExecutor;
use sc_executor_common::runtime_blob::RuntimeBlob;
use scale_info::{form::PortableForm, PortableRegistry, TypeDef};
use serde_json::Value;
use sp_version::RuntimeVersion;

use crate::node_binary;

/// Storage key of the runtime code (`:code`) in a raw spec.
pub const CODE_KEY: &str = "0x3a636f6465";

/// The chain spec the node builds for `chain` (`dev`, `local`), plain or raw.
pub fn built_spec(chain: &str, raw: bool) -> anyhow::Result<Value> {
	let mut command = Command::new(node_binary());
	command.args(["build-spec", "--chain", chain, "--disable-default-bootnode"]);
	if raw {
		command.arg("--raw");
	}
	let output = command.output().context("running the node's build-spec")?;
	anyhow::ensure!(
		output.status.success(),
		"build-spec failed: {}",
		String::from_utf8_lossy(&output.stderr)
	);
	Ok(serde_json::from_slice(&output.stdout)?)
}

/// The runtime code of a spec (raw or plain), removed from it.
pub fn take_code(spec: &mut Value) -> anyhow::Result<Vec<u8>> {
	let genesis = &mut spec["genesis"];
	let code = if genesis.get("raw").is_some() {
		genesis["raw"]["top"].as_object_mut().and_then(|top| top.remove(CODE_KEY))
	} else {
		genesis["runtimeGenesis"].as_object_mut().and_then(|g| g.remove("code"))
	};
	let code = code.context("the spec holds no runtime code")?;
	let text = code.as_str().context("the code is not a hex string")?;
	Ok(hex::decode(text.trim_start_matches("0x"))?)
}

/// The runtime the node was built with (its dev spec's code, compressed as the node has it).
pub fn current_code() -> anyhow::Result<Vec<u8>> {
	take_code(&mut built_spec("dev", true)?)
}

/// The `releases/` folder of the repository.
pub fn releases_dir() -> PathBuf {
	PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../releases")
}

/// The latest release: its spec version (the folder `v<spec_version>`) and its runtime blob.
pub fn last_release() -> anyhow::Result<(u32, Vec<u8>)> {
	let mut versions: Vec<u32> = std::fs::read_dir(releases_dir())?
		.filter_map(Result::ok)
		.filter_map(|entry| entry.file_name().to_str()?.strip_prefix('v')?.parse().ok())
		.collect();
	versions.sort_unstable();
	let version = *versions.last().context("no release under releases/")?;
	let path = release_blob(version);
	let code = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
	Ok((version, code))
}

/// Where release `spec_version` keeps its runtime.
pub fn release_blob(spec_version: u32) -> PathBuf {
	releases_dir()
		.join(format!("v{spec_version}"))
		.join("inferchain_runtime.compact.compressed.wasm")
}

/// Executes `method(args)` of the runtime `code` against `state`.
pub fn call(
	code: &[u8],
	state: &mut sp_io::TestExternalities,
	method: &str,
	args: &[u8],
) -> anyhow::Result<Vec<u8>> {
	let blob = RuntimeBlob::uncompress_if_needed(code)?;
	let executor = WasmExecutor::<sp_io::SubstrateHostFunctions>::builder().build();
	let mut ext = state.ext();
	Ok(executor.uncached_call(blob, &mut ext, false, method, args)?)
}

/// Executes `method` (no arguments) of `code` on empty state.
pub fn call_on_empty(code: &[u8], method: &str) -> anyhow::Result<Vec<u8>> {
	call(code, &mut sp_io::TestExternalities::default(), method, &[])
}

/// `Core_version` of `code`.
pub fn version(code: &[u8]) -> anyhow::Result<RuntimeVersion> {
	Ok(RuntimeVersion::decode(&mut &call_on_empty(code, "Core_version")?[..])?)
}

/// `Metadata_metadata` of `code` (v14).
pub fn metadata(code: &[u8]) -> anyhow::Result<RuntimeMetadataV14> {
	let opaque = Vec::<u8>::decode(&mut &call_on_empty(code, "Metadata_metadata")?[..])?;
	match RuntimeMetadataPrefixed::decode(&mut &opaque[..])?.1 {
		RuntimeMetadata::V14(metadata) => Ok(metadata),
		_ => anyhow::bail!("Metadata_metadata is not v14"),
	}
}

/// The storage layout of each pallet: per storage item, its kind, hashers, key and value types
/// written structurally (names, paths and docs left out: only what decides the encoding).
pub fn storage_layouts(metadata: &RuntimeMetadataV14) -> Layouts {
	let types = &metadata.types;
	metadata
		.pallets
		.iter()
		.map(|pallet| {
			let items = pallet.storage.iter().flat_map(|storage| &storage.entries);
			let layout = items
				.map(|item| {
					let shape = match &item.ty {
						StorageEntryType::Plain(value) => {
							format!("plain {}", shape(types, value.id))
						},
						StorageEntryType::Map { hashers, key, value } => format!(
							"map {hashers:?} {} -> {}",
							shape(types, key.id),
							shape(types, value.id)
						),
					};
					(item.name.clone(), format!("{:?} {shape}", item.modifier))
				})
				.collect();
			(pallet.name.clone(), layout)
		})
		.collect()
}

/// The encoding of type `id`, written out (a recursive type stops at its second visit).
pub fn shape(types: &PortableRegistry, id: u32) -> String {
	fn go(types: &PortableRegistry, id: u32, seen: &mut Vec<u32>) -> String {
		if seen.contains(&id) {
			return format!("rec#{}", seen.iter().position(|s| *s == id).unwrap_or_default());
		}
		let Some(ty) = types.resolve(id) else { return format!("?{id}") };
		seen.push(id);
		let fields = |fields: &[scale_info::Field<PortableForm>], seen: &mut Vec<u32>| {
			fields.iter().map(|f| go(types, f.ty.id, seen)).collect::<Vec<_>>().join(",")
		};
		let out = match &ty.type_def {
			TypeDef::Composite(c) => format!("({})", fields(&c.fields, seen)),
			TypeDef::Variant(v) => {
				let variants: Vec<String> = v
					.variants
					.iter()
					.map(|v| format!("{}:({})", v.index, fields(&v.fields, seen)))
					.collect();
				format!("enum[{}]", variants.join("|"))
			},
			TypeDef::Sequence(s) => format!("vec<{}>", go(types, s.type_param.id, seen)),
			TypeDef::Array(a) => format!("[{};{}]", go(types, a.type_param.id, seen), a.len),
			TypeDef::Tuple(t) => {
				let items: Vec<String> = t.fields.iter().map(|f| go(types, f.id, seen)).collect();
				format!("tuple({})", items.join(","))
			},
			TypeDef::Primitive(p) => format!("{p:?}"),
			TypeDef::Compact(c) => format!("compact<{}>", go(types, c.type_param.id, seen)),
			TypeDef::BitSequence(b) => format!(
				"bits<{},{}>",
				go(types, b.bit_store_type.id, seen),
				go(types, b.bit_order_type.id, seen)
			),
		};
		seen.pop();
		out
	}
	go(types, id, &mut Vec::new())
}

/// The genesis preset `id` of runtime `code` (`None`: its default config), as JSON.
pub fn preset(code: &[u8], id: Option<&str>) -> anyhow::Result<Value> {
	let id = id.map(sp_genesis_builder::PresetId::from);
	let mut state = sp_io::TestExternalities::default();
	let json = call(code, &mut state, "GenesisBuilder_get_preset", &id.encode())?;
	let json = Option::<Vec<u8>>::decode(&mut &json[..])?.context("no such preset")?;
	Ok(serde_json::from_slice(&json)?)
}

/// The storage version each of `pallets` writes at genesis (`:__STORAGE_VERSION__:`), from the
/// dev preset built by `code` itself.
pub fn genesis_storage_versions(
	code: &[u8],
	pallets: impl IntoIterator<Item = String>,
) -> anyhow::Result<BTreeMap<String, u16>> {
	// The default config with the development preset's patch over it, as the node builds it.
	let mut config = preset(code, None)?;
	sc_chain_spec::json_merge(
		&mut config,
		preset(code, Some(sp_genesis_builder::DEV_RUNTIME_PRESET))?,
	);
	let json = serde_json::to_vec(&config)?;
	let mut state = sp_io::TestExternalities::default();
	let built = call(code, &mut state, "GenesisBuilder_build_state", &json.encode())?;
	Result::<(), String>::decode(&mut &built[..])?
		.map_err(|error| anyhow::anyhow!("building genesis: {error}"))?;
	let suffix = sp_io::hashing::twox_128(b":__STORAGE_VERSION__:");
	Ok(state.execute_with(|| {
		pallets
			.into_iter()
			.filter_map(|pallet| {
				let key = [sp_io::hashing::twox_128(pallet.as_bytes()), suffix].concat();
				let version = sp_io::storage::get(&key)?;
				Some((pallet, u16::decode(&mut &version[..]).ok()?))
			})
			.collect()
	}))
}

/// Storage layouts by pallet, then item (see [`storage_layouts`]).
pub type Layouts = BTreeMap<String, BTreeMap<String, String>>;

/// The pallets whose storage layout changed from `released` to `current` while their storage
/// version did not rise, each with the items that changed (pallets new since the release are
/// not changes).
pub fn unversioned_changes(
	(released, released_versions): (&Layouts, &BTreeMap<String, u16>),
	(current, current_versions): (&Layouts, &BTreeMap<String, u16>),
) -> Vec<(String, Vec<String>)> {
	current
		.iter()
		.filter_map(|(pallet, after)| {
			let before = released.get(pallet)?;
			if before == after || current_versions.get(pallet) > released_versions.get(pallet) {
				return None;
			}
			let items: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
			let changed =
				items.into_iter().filter(|item| before.get(*item) != after.get(*item)).cloned();
			Some((pallet.clone(), changed.collect()))
		})
		.collect()
}

/// Writes `spec` (raw, or plain: its genesis then built by `code` itself) with its runtime code
/// replaced by `code` to `path`.
pub fn write_spec_with_code(mut spec: Value, code: &[u8], path: &Path) -> anyhow::Result<()> {
	let code = Value::String(format!("0x{}", hex::encode(code)));
	let genesis = &mut spec["genesis"];
	let slot = if genesis.get("raw").is_some() {
		genesis["raw"]["top"].as_object_mut().context("no raw storage")?.get_mut(CODE_KEY)
	} else {
		genesis["runtimeGenesis"].as_object_mut().context("no runtime genesis")?.get_mut("code")
	};
	*slot.context("the spec holds no runtime code")? = code;
	std::fs::write(path, serde_json::to_vec(&spec)?)?;
	Ok(())
}
