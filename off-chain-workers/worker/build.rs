//! Gives the worker binary a RUNPATH to libtorch: torch-sys links them
//! against it but records no path, so they would fail to find `libtorch_cpu.so` at run time.
fn main() {
	if let Ok(lib) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
		println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
	}
}
