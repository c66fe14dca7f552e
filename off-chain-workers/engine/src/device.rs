//! Devices and determinism: which libtorch device runs the model, and what deterministic mode
//! pins so that a validator can reproduce a miner's output.
//!
//! Deterministic mode pins: the intra-op thread count (a reduction's result depends on how it
//! is split), one inter-op thread, no cuDNN autotuning (`benchmark` off) and no cuDNN, and
//! `CUBLAS_WORKSPACE_CONFIG=:4096:8` for deterministic cuBLAS. Matmuls stay in full `f32`
//! (libtorch's default: no TF32). Bitwise agreement is then expected between CPU hosts with the
//! same instruction set and libtorch build; across others, use a tolerance profile.

use crate::error::{EngineError, Result};
use inferchain_inference::{ComparisonRule, RuntimeProfile};
use std::{str::FromStr, sync::Once};

/// Where the model runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceChoice {
	/// The CPU.
	Cpu,
	/// A CUDA GPU by index.
	Cuda(usize),
}

impl FromStr for DeviceChoice {
	type Err = String;

	/// `cpu`, `cuda` (GPU 0) or `cuda:N`.
	fn from_str(s: &str) -> std::result::Result<Self, String> {
		match s {
			"cpu" => Ok(Self::Cpu),
			"cuda" => Ok(Self::Cuda(0)),
			_ => s
				.strip_prefix("cuda:")
				.and_then(|n| n.parse().ok())
				.map(Self::Cuda)
				.ok_or_else(|| format!("`{s}` is not a device: use cpu, cuda or cuda:N")),
		}
	}
}

impl std::fmt::Display for DeviceChoice {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Self::Cpu => write!(f, "cpu"),
			Self::Cuda(n) => write!(f, "cuda:{n}"),
		}
	}
}

/// Loads libtorch's CUDA backend. The linker drops `libtorch_cuda.so` from binaries that do not
/// call into it directly (`--as-needed`), so without this CUDA would silently be unavailable.
fn load_cuda_backend() -> std::result::Result<(), String> {
	static LOADED: std::sync::OnceLock<std::result::Result<(), String>> =
		std::sync::OnceLock::new();
	LOADED
		.get_or_init(|| {
			// SAFETY: a NUL-terminated name; the handle is deliberately kept for the process.
			let handle = unsafe {
				libc::dlopen(c"libtorch_cuda.so".as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL)
			};
			if handle.is_null() {
				// SAFETY: dlerror returns a thread-local C string or null.
				let reason = unsafe {
					let err = libc::dlerror();
					if err.is_null() {
						"unknown dlopen error".to_string()
					} else {
						std::ffi::CStr::from_ptr(err).to_string_lossy().into_owned()
					}
				};
				return Err(format!(
					"cannot load libtorch_cuda.so ({reason}); a CPU-only libtorch?"
				));
			}
			Ok(())
		})
		.clone()
}

/// Prepares libtorch to run on `choice`: loads the CUDA backend if needed, checks the device
/// exists, sets the CPU thread count (when given) and, in deterministic mode, what the module
/// docs list. Returns the tch device.
pub fn prepare(
	choice: DeviceChoice,
	threads: Option<u16>,
	deterministic: bool,
) -> Result<tch::Device> {
	let unavailable =
		|reason: String| EngineError::DeviceUnavailable { device: choice.to_string(), reason };
	if deterministic {
		static DETERMINISM: Once = Once::new();
		DETERMINISM.call_once(|| {
			// Before any CUDA context exists; read by cuBLAS at handle creation.
			std::env::set_var("CUBLAS_WORKSPACE_CONFIG", ":4096:8");
			tch::set_num_interop_threads(1);
		});
	}
	if let Some(threads) = threads {
		tch::set_num_threads(i32::from(threads.max(1)));
	}
	match choice {
		DeviceChoice::Cpu => Ok(tch::Device::Cpu),
		DeviceChoice::Cuda(index) => {
			load_cuda_backend().map_err(unavailable)?;
			let count = usize::try_from(tch::Cuda::device_count()).unwrap_or(0);
			if index >= count {
				return Err(unavailable(format!("{count} CUDA device(s) visible")));
			}
			if deterministic {
				tch::Cuda::cudnn_set_benchmark(false);
				tch::Cuda::set_user_enabled_cudnn(false);
			}
			Ok(tch::Device::Cuda(index))
		},
	}
}

/// [`prepare`] as a runtime profile requires: a bitwise profile runs deterministically on the
/// CPU with the thread count it pins (refused on GPUs or with zero threads); a tolerance profile
/// runs anywhere with `threads` (or libtorch's default).
pub fn prepare_for(
	profile: &RuntimeProfile,
	choice: DeviceChoice,
	threads: Option<u16>,
) -> Result<tch::Device> {
	match profile.rule {
		ComparisonRule::Bitwise => {
			if choice != DeviceChoice::Cpu {
				return Err(EngineError::Profile(
					"bitwise profiles run on the CPU; use a tolerance profile on GPUs".into(),
				));
			}
			if profile.cpu_threads == 0 {
				return Err(EngineError::Profile("bitwise profiles need cpu_threads ≥ 1".into()));
			}
			prepare(choice, Some(profile.cpu_threads), true)
		},
		ComparisonRule::Tolerance { .. } | ComparisonRule::Text(_) => {
			prepare(choice, threads, false)
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn parses_devices() {
		assert_eq!("cpu".parse(), Ok(DeviceChoice::Cpu));
		assert_eq!("cuda".parse(), Ok(DeviceChoice::Cuda(0)));
		assert_eq!("cuda:3".parse(), Ok(DeviceChoice::Cuda(3)));
		assert!("gpu".parse::<DeviceChoice>().is_err());
		assert!("cuda:x".parse::<DeviceChoice>().is_err());
		assert_eq!(DeviceChoice::Cuda(2).to_string(), "cuda:2");
	}

	#[test]
	fn a_missing_gpu_is_a_clear_error() {
		if tch::Cuda::is_available() {
			return;
		}
		let err = prepare(DeviceChoice::Cuda(7), None, false).unwrap_err();
		assert!(matches!(err, EngineError::DeviceUnavailable { .. }), "{err}");
	}
}
