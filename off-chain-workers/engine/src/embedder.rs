//! Sentence embeddings: a tokenizer and a [`Bert`] encoder loaded from a model folder, bound to
//! the model id of its files and runtime profile.

use crate::{
	bert::{Bert, BertConfig},
	device::{self, DeviceChoice},
	digest::file_digest,
	error::{EngineError, Result},
};
use inferchain_inference::{
	output_commitment, ComparisonRule, Hash32, ModelDigests, ModelId, OutputShape, OutputSpec,
	RuntimeProfile,
};
use std::path::{Path, PathBuf};
use tch::Tensor;
use tokenizers::Tokenizer;

/// The files of a sentence-embedding model, as Hugging Face lays them out.
#[derive(Clone, Debug)]
pub struct ModelFiles {
	/// `model.safetensors`.
	pub weights: PathBuf,
	/// `config.json`.
	pub config: PathBuf,
	/// `tokenizer.json`.
	pub tokenizer: PathBuf,
}

impl ModelFiles {
	/// The files in folder `dir`.
	pub fn in_dir(dir: &Path) -> Self {
		Self {
			weights: dir.join("model.safetensors"),
			config: dir.join("config.json"),
			tokenizer: dir.join("tokenizer.json"),
		}
	}

	/// The digests of these files (hashes every byte; `progress` gets (file, bytes done,
	/// bytes in all)): what `register_model` takes.
	pub fn digests(&self, progress: &mut dyn FnMut(&Path, u64, u64)) -> Result<ModelDigests> {
		let mut digest = |path: &Path| -> Result<Hash32> {
			file_digest(path, &mut |done, total| progress(path, done, total))
		};
		Ok(ModelDigests {
			weights: digest(&self.weights)?,
			config: digest(&self.config)?,
			tokenizer: Some(digest(&self.tokenizer)?),
		})
	}

	/// What the model outputs: embeddings of its configuration's `hidden_size` values.
	pub fn output(&self) -> Result<OutputSpec> {
		let dim = BertConfig::load(&self.config)?.hidden_size;
		let dim = u32::try_from(dim)
			.map_err(|_| EngineError::Profile(format!("hidden_size {dim} is out of range")))?;
		Ok(OutputSpec::embedding(dim))
	}

	/// The model id of these files under `profile` (hashes every byte, as [`Self::digests`]).
	pub fn model_id(
		&self,
		profile: &RuntimeProfile,
		progress: &mut dyn FnMut(&Path, u64, u64),
	) -> Result<ModelId> {
		Ok(self.digests(progress)?.model_id(profile, &self.output()?))
	}
}

/// How to run a model.
#[derive(Clone, Debug)]
pub struct EngineOptions {
	/// CPU or a GPU.
	pub device: DeviceChoice,
	/// The runtime profile (part of the model id).
	pub profile: RuntimeProfile,
	/// CPU threads under tolerance profiles (bitwise profiles use theirs); `None` keeps
	/// libtorch's default.
	pub threads: Option<u16>,
	/// Longest input in tokens, special tokens included (at most the model's positions).
	pub max_tokens: usize,
	/// Most inputs in one request.
	pub max_inputs: usize,
}

impl EngineOptions {
	/// CPU, `profile`, 256 tokens (sentence-transformers' limit for MiniLM), 64 inputs.
	pub fn cpu(profile: RuntimeProfile) -> Self {
		Self { device: DeviceChoice::Cpu, profile, threads: None, max_tokens: 256, max_inputs: 64 }
	}
}

/// Embeddings of a batch: `rows` vectors of `dim` values, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Embeddings {
	/// Number of inputs.
	pub rows: usize,
	/// Dimension of each vector.
	pub dim: usize,
	/// `rows × dim` values.
	pub values: Vec<f32>,
	/// Tokens read, special tokens included (what an API bills as prompt tokens).
	pub tokens: usize,
}

impl Embeddings {
	/// The vector of input `index`.
	pub fn row(&self, index: usize) -> Option<&[f32]> {
		let start = index.checked_mul(self.dim)?;
		self.values.get(start..start.checked_add(self.dim)?)
	}

	/// The output's shape.
	pub fn shape(&self) -> OutputShape {
		OutputShape {
			rows: u32::try_from(self.rows).unwrap_or(u32::MAX),
			cols: u32::try_from(self.dim).unwrap_or(u32::MAX),
		}
	}

	/// The commitment to these embeddings under `rule`.
	pub fn commitment(&self, rule: &ComparisonRule) -> Hash32 {
		output_commitment(rule, self.shape(), &self.values)
	}
}

/// A loaded sentence-embedding model.
pub struct EmbeddingModel {
	tokenizer: Tokenizer,
	bert: Bert,
	id: ModelId,
	options: EngineOptions,
}

impl EmbeddingModel {
	/// Hashes and loads `files` to run as `options` says; `progress` sees the hashing.
	pub fn load(
		files: &ModelFiles,
		options: EngineOptions,
		progress: &mut dyn FnMut(&Path, u64, u64),
	) -> Result<Self> {
		let device = device::prepare_for(&options.profile, options.device, options.threads)?;
		let id = files.model_id(&options.profile, progress)?;
		let config = BertConfig::load(&files.config)?;
		let mut tokenizer = Tokenizer::from_file(&files.tokenizer).map_err(|e| {
			EngineError::Tokenizer { path: files.tokenizer.clone(), message: e.to_string() }
		})?;
		// Inputs are checked against max_tokens (or truncated, for chain work: see
		// `tokenize_truncated`) and padded here.
		tokenizer.with_padding(None);
		tokenizer.with_truncation(None).map_err(|e| EngineError::Tokenizer {
			path: files.tokenizer.clone(),
			message: e.to_string(),
		})?;
		let max_tokens =
			options.max_tokens.min(usize::try_from(config.max_position_embeddings).unwrap_or(0));
		let bert = Bert::load(&files.weights, config, device)?;
		Ok(Self { tokenizer, bert, id, options: EngineOptions { max_tokens, ..options } })
	}

	/// The model id of the loaded files and profile.
	pub fn id(&self) -> ModelId {
		self.id
	}

	/// The options it runs with.
	pub fn options(&self) -> &EngineOptions {
		&self.options
	}

	/// The embedding dimension.
	pub fn dim(&self) -> usize {
		usize::try_from(self.bert.config().hidden_size).unwrap_or(0)
	}

	/// Refuses to serve unless the loaded model is the one the chain names.
	pub fn ensure_id(&self, expected: &ModelId) -> Result<()> {
		if &self.id != expected {
			return Err(EngineError::ModelIdMismatch {
				expected: hex(expected),
				found: hex(&self.id),
			});
		}
		Ok(())
	}

	/// The most tokens one input can hold: the model's position embeddings (from its config,
	/// covered by the model id, so every host agrees).
	pub fn position_limit(&self) -> usize {
		usize::try_from(self.bert.config().max_position_embeddings).unwrap_or(0)
	}

	/// Token ids of each input for work the chain assigned: as [`Self::tokenize`], but an input
	/// longer than [`Self::position_limit`] is truncated to it (its last token kept the closing
	/// special token) instead of refused, so every request the chain accepts can be answered,
	/// the same way by every host whatever its `max_tokens`.
	pub fn tokenize_truncated<S: AsRef<str>>(&self, inputs: &[S]) -> Result<Vec<Vec<i64>>> {
		let limit = self.position_limit();
		self.tokenize_within(inputs, usize::MAX).map(|all| {
			all.into_iter()
				.map(|mut ids| {
					if ids.len() > limit {
						let last = ids.last().copied();
						ids.truncate(limit.saturating_sub(1));
						ids.extend(last);
					}
					ids
				})
				.collect()
		})
	}

	/// Token ids of each input (special tokens included), after checking the request's size and
	/// each input's length.
	pub fn tokenize<S: AsRef<str>>(&self, inputs: &[S]) -> Result<Vec<Vec<i64>>> {
		self.tokenize_within(inputs, self.options.max_tokens)
	}

	fn tokenize_within<S: AsRef<str>>(
		&self,
		inputs: &[S],
		max_tokens: usize,
	) -> Result<Vec<Vec<i64>>> {
		if inputs.is_empty() {
			return Err(EngineError::NoInputs);
		}
		if inputs.len() > self.options.max_inputs {
			return Err(EngineError::TooManyInputs {
				len: inputs.len(),
				max: self.options.max_inputs,
			});
		}
		inputs
			.iter()
			.enumerate()
			.map(|(index, input)| {
				if input.as_ref().trim().is_empty() {
					return Err(EngineError::EmptyInput { index });
				}
				let encoding = self.tokenizer.encode(input.as_ref(), true).map_err(|e| {
					EngineError::Tokenizer {
						path: PathBuf::from("tokenizer.json"),
						message: e.to_string(),
					}
				})?;
				let ids = encoding.get_ids();
				if ids.len() > max_tokens {
					return Err(EngineError::InputTooLong {
						index,
						tokens: ids.len(),
						max: max_tokens,
					});
				}
				Ok(ids.iter().map(|id| i64::from(*id)).collect())
			})
			.collect()
	}

	/// Embeds `inputs` as one batch (padded to the longest).
	pub fn embed<S: AsRef<str>>(&self, inputs: &[S]) -> Result<Embeddings> {
		let tokens = self.tokenize(inputs)?;
		self.embed_tokens(&tokens)
	}

	/// Embeds already-tokenized inputs as one batch (padded to the longest).
	pub fn embed_tokens(&self, tokens: &[Vec<i64>]) -> Result<Embeddings> {
		let rows = tokens.len();
		let width = tokens.iter().map(Vec::len).max().unwrap_or(0);
		let mut ids = Vec::with_capacity(rows.saturating_mul(width));
		let mut mask = Vec::with_capacity(rows.saturating_mul(width));
		for row in tokens {
			let padding = width.saturating_sub(row.len());
			ids.extend(row.iter().copied().chain(std::iter::repeat_n(0, padding)));
			mask.extend(
				std::iter::repeat_n(1i64, row.len()).chain(std::iter::repeat_n(0, padding)),
			);
		}
		let shape = [i64::try_from(rows).unwrap_or(0), i64::try_from(width).unwrap_or(0)];
		let ids = Tensor::f_from_slice(&ids)?.f_reshape(shape)?;
		let mask = Tensor::f_from_slice(&mask)?.f_reshape(shape)?;
		let pooled = self.bert.embed(&ids, &mask)?;
		let values = Vec::<f32>::try_from(&pooled.f_flatten(0, -1)?)?;
		let tokens = tokens.iter().map(Vec::len).sum();
		Ok(Embeddings { rows, dim: self.dim(), values, tokens })
	}
}

/// Lower-case hex of a hash.
pub fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl std::fmt::Debug for EmbeddingModel {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("EmbeddingModel")
			.field("id", &hex(&self.id))
			.field("options", &self.options)
			.finish()
	}
}
