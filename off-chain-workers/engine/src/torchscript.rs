//! TorchScript models: a module exported with `torch.jit.script`/`trace` and saved as one file,
//! loaded without Python. Its model id hashes the module file (there is no separate config or
//! tokenizer: both are inside the module).

use crate::{
	device::{self, DeviceChoice},
	digest::file_digest,
	error::{EngineError, Result},
};
use inferchain_inference::{model_id, ModelId, OutputSpec, RuntimeProfile};
use std::path::Path;
use tch::{CModule, Kind, Tensor};

/// Config digest used for TorchScript files: `blake2_256("torchscript")`.
fn torchscript_config() -> [u8; 32] {
	sp_crypto_hashing::blake2_256(b"torchscript")
}

/// A loaded TorchScript module taking one `f32` tensor and returning one.
pub struct TorchScriptModel {
	module: CModule,
	id: ModelId,
	device: tch::Device,
}

impl TorchScriptModel {
	/// Loads the module at `path` onto `device` under `profile`, declared to answer as `output`
	/// says (part of its id).
	pub fn load(
		path: &Path,
		device: DeviceChoice,
		profile: RuntimeProfile,
		output: OutputSpec,
	) -> Result<Self> {
		let device = device::prepare_for(&profile, device, None)?;
		let digest = file_digest(path, &mut |_, _| {})?;
		let id = model_id(&digest, &torchscript_config(), None, &profile, &output);
		let mut module = CModule::load_on_device(path, device).map_err(|e| {
			EngineError::Weights { path: path.to_path_buf(), message: e.to_string() }
		})?;
		module.f_set_eval()?;
		Ok(Self { module, id, device })
	}

	/// The model id.
	pub fn id(&self) -> ModelId {
		self.id
	}

	/// Runs the module on `input` (`f32`, any shape the module accepts), returning its output
	/// as row-major values with its shape.
	pub fn forward(&self, input: &Tensor) -> Result<(Vec<i64>, Vec<f32>)> {
		let _guard = tch::no_grad_guard();
		let input = input.f_to_kind(Kind::Float)?.f_to_device(self.device)?;
		let output = self.module.forward_ts(&[input])?.f_to_device(tch::Device::Cpu)?;
		let shape = output.size();
		let values = Vec::<f32>::try_from(&output.f_flatten(0, -1)?)?;
		Ok((shape, values))
	}
}

impl std::fmt::Debug for TorchScriptModel {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("TorchScriptModel")
			.field("id", &crate::hex(&self.id))
			.field("device", &self.device)
			.finish()
	}
}
