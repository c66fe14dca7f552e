//! Compiles this crate to Wasm with `substrate-wasm-builder` when built natively with `std`.

fn main() {
	#[cfg(feature = "std")]
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}
