//! Shared by the engine's tests: where the bundled model is, and how to load it.
#![allow(dead_code)]

use inferchain_engine::{EmbeddingModel, EngineOptions, ModelFiles, TextModel, TextOptions};
use inferchain_inference::RuntimeProfile;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, OnceLock};

/// all-MiniLM-L6-v2 as `scripts/setup-libtorch.sh` extracts it (`INFERCHAIN_MODEL_DIR`).
pub fn model_dir() -> PathBuf {
	std::env::var_os("INFERCHAIN_MODEL_DIR").map(PathBuf::from).unwrap_or_else(|| {
		PathBuf::from(std::env::var("HOME").unwrap())
			.join(".cache/inferchain/models/all-MiniLM-L6-v2")
	})
}

/// The tolerance the tests use: 10⁻⁵.
pub fn tolerant() -> RuntimeProfile {
	RuntimeProfile::tolerant(10_000)
}

/// Loads the bundled model with `options`.
pub fn load(options: EngineOptions) -> EmbeddingModel {
	EmbeddingModel::load(&ModelFiles::in_dir(&model_dir()), options, &mut |_, _, _| {})
		.expect("the bundled model loads (run scripts/setup-libtorch.sh)")
}

/// A folder with copies of the model's files, for tests that damage one.
pub fn copy_of_model() -> tempfile::TempDir {
	let dir = tempfile::tempdir().unwrap();
	for name in ["model.safetensors", "config.json", "tokenizer.json"] {
		std::fs::copy(model_dir().join(name), dir.path().join(name)).unwrap();
	}
	dir
}

/// Fixture path.
pub fn fixture(name: &str) -> PathBuf {
	PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// SmolLM2-135M-Instruct as `scripts/setup-libtorch.sh` extracts it (`INFERCHAIN_LLM_PATH`).
pub fn llm_path() -> PathBuf {
	std::env::var_os("INFERCHAIN_LLM_PATH").map(PathBuf::from).unwrap_or_else(|| {
		PathBuf::from(std::env::var("HOME").unwrap())
			.join(".cache/inferchain/models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
	})
}

/// The bundled LLM on the CPU, loaded once per test binary; tests take turns with it (libtorch
/// tensors are `Send` but not `Sync`).
pub fn text_model() -> MutexGuard<'static, TextModel> {
	static MODEL: OnceLock<Mutex<TextModel>> = OnceLock::new();
	MODEL
		.get_or_init(|| {
			Mutex::new(
				TextModel::load(&llm_path(), TextOptions::cpu(), &mut |_, _, _| {})
					.expect("the bundled LLM loads (run scripts/setup-libtorch.sh)"),
			)
		})
		.lock()
		.unwrap_or_else(|poisoned| poisoned.into_inner())
}
