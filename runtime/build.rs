//! Compiles this crate to Wasm with `substrate-wasm-builder` when built natively with `std`.
//!
//! Source paths are remapped so the blob (and so the committed chain specs) is the same whatever
//! folder the repository or the cargo home lives in.

#[cfg(feature = "std")]
fn main() {
	let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
	let workspace = std::path::Path::new(&manifest_dir)
		.parent()
		.map(|p| p.display().to_string())
		.unwrap_or_default();
	let cargo_home = std::env::var("CARGO_HOME")
		.unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap_or_default()));
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.append_to_rust_flags(format!("--remap-path-prefix={workspace}=/inferchain"))
		.append_to_rust_flags(format!("--remap-path-prefix={cargo_home}=/cargo"))
		.build();
}

#[cfg(not(feature = "std"))]
fn main() {}
