//! Loading the model for a role: hashing and dequantizing (with a progress bar on a terminal)
//! and libtorch. Embedding models come from a folder (`--model-dir`), text models from one
//! GGUF file (`--gguf`).

use crate::cli::ModelArgs;
use anyhow::anyhow;
use indicatif::{ProgressBar, ProgressStyle};
use inferchain_engine::{
	gguf_output_at, text::gguf_digests, EmbeddingModel, EngineOptions, ModelFiles, TextEngine,
	TextEngineOptions, TextOptions,
};
use inferchain_inference::{ModelDigests, OutputSpec};
use std::path::PathBuf;

/// The engine options `args` describe.
pub fn options(args: &ModelArgs) -> EngineOptions {
	EngineOptions {
		device: args.device,
		profile: args.runtime_profile(),
		threads: args.threads,
		max_tokens: args.max_tokens,
		max_inputs: args.max_inputs,
	}
}

/// A byte progress bar (hidden when stderr is not a terminal).
fn progress_bar() -> ProgressBar {
	let bar = ProgressBar::new(0);
	if let Ok(style) = ProgressStyle::with_template(
		"{msg:>24} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
	) {
		bar.set_style(style.progress_chars("=> "));
	}
	bar
}

/// Shows `done` of `total` bytes of `path` hashed.
fn show_progress(bar: &ProgressBar, path: &std::path::Path, done: u64, total: u64) {
	bar.set_message(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
	bar.set_length(total);
	bar.set_position(done);
}

/// The embedding model's folder.
fn model_dir(args: &ModelArgs) -> anyhow::Result<PathBuf> {
	args.model_dir
		.clone()
		.ok_or_else(|| anyhow!("--model-dir (or INFERCHAIN_MODEL_DIR) is required"))
}

/// The digests of the files in `args` and what the model outputs (hashing and reading the
/// configuration, no loading): with the profile, the model id.
pub async fn model_files(args: &ModelArgs) -> anyhow::Result<(ModelDigests, OutputSpec)> {
	let args = args.clone();
	tokio::task::spawn_blocking(move || {
		let bar = progress_bar();
		let found = match &args.gguf {
			Some(path) => (
				gguf_digests(path, &mut |done, total| show_progress(&bar, path, done, total))?,
				gguf_output_at(path)?,
			),
			None => {
				let files = ModelFiles::in_dir(&model_dir(&args)?);
				let digests = files
					.digests(&mut |path, done, total| show_progress(&bar, path, done, total))?;
				(digests, files.output()?)
			},
		};
		bar.finish_and_clear();
		Ok(found)
	})
	.await?
}

/// The model id of the files in `args` under its profile (hashing only).
pub async fn model_id(args: &ModelArgs) -> anyhow::Result<[u8; 32]> {
	let (digests, output) = model_files(args).await?;
	Ok(digests.model_id(&args.runtime_profile(), &output))
}

/// Hashes and loads the GGUF text model `args` names onto a text engine thread (see
/// [`TextEngine::load`]), showing the hashing and the dequantization of its tensors.
pub async fn load_text(args: &ModelArgs, limits: TextEngineOptions) -> anyhow::Result<TextEngine> {
	let args = args.clone();
	let path = args.gguf.clone().ok_or_else(|| anyhow!("--gguf is required for a text model"))?;
	let started = std::time::Instant::now();
	let options = TextOptions {
		device: args.device,
		profile: args.runtime_profile(),
		threads: args.threads,
		max_context: args.max_context,
		max_new_tokens: args.max_new_tokens,
		skip_blocks: args.skip_blocks,
	};
	if args.skip_blocks > 0 {
		tracing::warn!(
			blocks = args.skip_blocks,
			"--skip-blocks is set: this worker runs a CHEAPER model (testing validators only)"
		);
	}
	let engine = tokio::task::spawn_blocking(move || {
		let bar = progress_bar();
		let shown = bar.clone();
		let file = path.clone();
		let progress = Box::new(move |stage: &str, done: u64, total: u64| {
			if stage == "load" {
				if let Ok(style) =
					ProgressStyle::with_template("{msg:>24} [{bar:30}] {pos}/{len} tensors")
				{
					shown.set_style(style.progress_chars("=> "));
				}
				shown.set_message("dequantizing");
				shown.set_length(total);
				shown.set_position(done);
			} else {
				show_progress(&shown, &file, done, total);
			}
		});
		let engine = TextEngine::load(&path, options, limits, progress);
		bar.finish_and_clear();
		engine
	})
	.await??;
	tracing::info!(
		model_id = %format!("0x{}", inferchain_engine::hex(&engine.id())),
		max_context = engine.frontend().max_context(),
		elapsed_ms = started.elapsed().as_millis() as u64,
		"text model loaded"
	);
	Ok(engine)
}

/// Hashes and loads the model `args` name.
pub async fn load(args: &ModelArgs) -> anyhow::Result<EmbeddingModel> {
	let args = args.clone();
	let dir = model_dir(&args)?;
	let started = std::time::Instant::now();
	let model = tokio::task::spawn_blocking(move || {
		let bar = progress_bar();
		let model = EmbeddingModel::load(
			&ModelFiles::in_dir(&dir),
			options(&args),
			&mut |path, done, total| show_progress(&bar, path, done, total),
		);
		bar.finish_and_clear();
		model
	})
	.await??;
	tracing::info!(
		model_id = %format!("0x{}", inferchain_engine::hex(&model.id())),
		dim = model.dim(),
		elapsed_ms = started.elapsed().as_millis() as u64,
		"model loaded"
	);
	Ok(model)
}
