//! A BERT encoder (the architecture of all-MiniLM-L6-v2 and other sentence-embedding models)
//! written with libtorch operations, loaded from a Hugging Face `config.json` and
//! `model.safetensors`, and mean pooling + L2 normalisation as sentence-transformers does.
//!
//! Per layer, with `x` the hidden states `[batch, tokens, hidden]` and `m` the additive mask
//! (0 on tokens, `f32::MIN` on padding):
//! `a = softmax(q·kᵀ/√d + m)·v` per head, `x = LN(x + Wₒa)`, `x = LN(x + W₂·gelu(W₁x))`.
//! Pooling: `e = Σₜ mₜxₜ / max(Σₜ mₜ, 10⁻⁹)`, output `e / max(‖e‖₂, 10⁻¹²)`.

use crate::error::{EngineError, Result};
use serde::Deserialize;
use std::{collections::HashMap, path::Path};
use tch::{Device, Kind, Tensor};

/// The fields of a Hugging Face BERT `config.json` the forward pass needs.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct BertConfig {
	/// Tokens in the vocabulary.
	pub vocab_size: i64,
	/// Hidden width.
	pub hidden_size: i64,
	/// Encoder layers.
	pub num_hidden_layers: i64,
	/// Attention heads per layer.
	pub num_attention_heads: i64,
	/// Feed-forward width.
	pub intermediate_size: i64,
	/// Activation of the feed-forward layer (only exact `gelu` is supported).
	pub hidden_act: String,
	/// Longest input in tokens.
	pub max_position_embeddings: i64,
	/// Token type vocabulary size.
	pub type_vocab_size: i64,
	/// Layer norm epsilon.
	pub layer_norm_eps: f64,
}

impl BertConfig {
	/// Reads and checks a `config.json`.
	pub fn load(path: &Path) -> Result<Self> {
		let bytes = std::fs::read(path)
			.map_err(|source| EngineError::Io { path: path.to_path_buf(), source })?;
		let config: Self = serde_json::from_slice(&bytes).map_err(|e| EngineError::Config {
			path: path.to_path_buf(),
			message: e.to_string(),
		})?;
		config
			.check()
			.map_err(|message| EngineError::Config { path: path.to_path_buf(), message })?;
		Ok(config)
	}

	fn check(&self) -> std::result::Result<(), String> {
		let sizes = [
			self.vocab_size,
			self.hidden_size,
			self.num_hidden_layers,
			self.num_attention_heads,
			self.intermediate_size,
			self.max_position_embeddings,
			self.type_vocab_size,
		];
		if sizes.iter().any(|size| *size <= 0) {
			return Err("sizes must be positive".into());
		}
		if self.hidden_size % self.num_attention_heads != 0 {
			return Err("hidden_size must be a multiple of num_attention_heads".into());
		}
		if self.hidden_act != "gelu" {
			return Err(format!("hidden_act `{}` is not supported (only `gelu`)", self.hidden_act));
		}
		Ok(())
	}
}

/// A dense layer `y = xWᵀ + b`.
struct Linear {
	weight: Tensor,
	bias: Tensor,
}

impl Linear {
	fn forward(&self, x: &Tensor) -> Result<Tensor> {
		Ok(x.f_linear(&self.weight, Some(&self.bias))?)
	}
}

/// Layer normalisation over the last dimension.
struct LayerNorm {
	weight: Tensor,
	bias: Tensor,
	eps: f64,
}

impl LayerNorm {
	fn forward(&self, x: &Tensor) -> Result<Tensor> {
		let width = self.weight.size();
		Ok(x.f_layer_norm(width.as_slice(), Some(&self.weight), Some(&self.bias), self.eps, false)?)
	}
}

/// One encoder layer.
struct EncoderLayer {
	query: Linear,
	key: Linear,
	value: Linear,
	attention_out: Linear,
	attention_norm: LayerNorm,
	intermediate: Linear,
	output: Linear,
	output_norm: LayerNorm,
}

/// Named tensors of a safetensors file, taken out one by one with their shapes checked.
struct Weights {
	tensors: HashMap<String, Tensor>,
	device: Device,
}

impl Weights {
	fn take(&mut self, name: &str, shape: &[i64]) -> Result<Tensor> {
		let tensor =
			self.tensors.remove(name).ok_or_else(|| EngineError::MissingTensor(name.into()))?;
		if tensor.size() != shape {
			return Err(EngineError::ShapeMismatch {
				name: name.into(),
				expected: shape.to_vec(),
				found: tensor.size(),
			});
		}
		Ok(tensor.f_to_kind(Kind::Float)?.f_to_device(self.device)?)
	}

	fn linear(&mut self, prefix: &str, inputs: i64, outputs: i64) -> Result<Linear> {
		Ok(Linear {
			weight: self.take(&format!("{prefix}.weight"), &[outputs, inputs])?,
			bias: self.take(&format!("{prefix}.bias"), &[outputs])?,
		})
	}

	fn layer_norm(&mut self, prefix: &str, width: i64, eps: f64) -> Result<LayerNorm> {
		Ok(LayerNorm {
			weight: self.take(&format!("{prefix}.weight"), &[width])?,
			bias: self.take(&format!("{prefix}.bias"), &[width])?,
			eps,
		})
	}
}

/// The BERT encoder with its weights on one device.
pub struct Bert {
	config: BertConfig,
	word_embeddings: Tensor,
	position_embeddings: Tensor,
	token_type_embeddings: Tensor,
	embedding_norm: LayerNorm,
	layers: Vec<EncoderLayer>,
	device: Device,
}

impl Bert {
	/// Loads the weights at `path` (safetensors; an optional `bert.` prefix is accepted) for
	/// `config` onto `device`, checking every tensor's presence and shape.
	pub fn load(path: &Path, config: BertConfig, device: Device) -> Result<Self> {
		let named = Tensor::read_safetensors(path).map_err(|e| EngineError::Weights {
			path: path.to_path_buf(),
			message: e.to_string(),
		})?;
		let tensors = named
			.into_iter()
			.map(|(name, tensor)| (name.strip_prefix("bert.").unwrap_or(&name).to_string(), tensor))
			.collect();
		let mut weights = Weights { tensors, device };
		let (hidden, eps) = (config.hidden_size, config.layer_norm_eps);
		let word_embeddings =
			weights.take("embeddings.word_embeddings.weight", &[config.vocab_size, hidden])?;
		let position_embeddings = weights.take(
			"embeddings.position_embeddings.weight",
			&[config.max_position_embeddings, hidden],
		)?;
		let token_type_embeddings = weights
			.take("embeddings.token_type_embeddings.weight", &[config.type_vocab_size, hidden])?;
		let embedding_norm = weights.layer_norm("embeddings.LayerNorm", hidden, eps)?;
		let layers = (0..config.num_hidden_layers)
			.map(|i| {
				let p = format!("encoder.layer.{i}");
				Ok(EncoderLayer {
					query: weights.linear(&format!("{p}.attention.self.query"), hidden, hidden)?,
					key: weights.linear(&format!("{p}.attention.self.key"), hidden, hidden)?,
					value: weights.linear(&format!("{p}.attention.self.value"), hidden, hidden)?,
					attention_out: weights.linear(
						&format!("{p}.attention.output.dense"),
						hidden,
						hidden,
					)?,
					attention_norm: weights.layer_norm(
						&format!("{p}.attention.output.LayerNorm"),
						hidden,
						eps,
					)?,
					intermediate: weights.linear(
						&format!("{p}.intermediate.dense"),
						hidden,
						config.intermediate_size,
					)?,
					output: weights.linear(
						&format!("{p}.output.dense"),
						config.intermediate_size,
						hidden,
					)?,
					output_norm: weights.layer_norm(
						&format!("{p}.output.LayerNorm"),
						hidden,
						eps,
					)?,
				})
			})
			.collect::<Result<Vec<_>>>()?;
		Ok(Self {
			config,
			word_embeddings,
			position_embeddings,
			token_type_embeddings,
			embedding_norm,
			layers,
			device,
		})
	}

	/// The model's config.
	pub fn config(&self) -> &BertConfig {
		&self.config
	}

	/// Sentence embeddings `[batch, hidden]` (mean-pooled, L2-normalised) of `ids` and `mask`,
	/// both `[batch, tokens]` `i64` on any device.
	pub fn embed(&self, ids: &Tensor, mask: &Tensor) -> Result<Tensor> {
		let _guard = tch::no_grad_guard();
		let ids = ids.f_to_device(self.device)?;
		let mask = mask.f_to_device(self.device)?.f_to_kind(Kind::Float)?;
		let hidden = self.encode(&ids, &mask)?;
		// Mean over real tokens, then unit length.
		let weights = mask.f_unsqueeze(-1)?;
		let summed =
			hidden.f_mul(&weights)?.f_sum_dim_intlist([1i64].as_slice(), false, Kind::Float)?;
		let counts =
			weights.f_sum_dim_intlist([1i64].as_slice(), false, Kind::Float)?.f_clamp_min(1e-9)?;
		let mean = summed.f_div(&counts)?;
		let norms =
			mean.f_linalg_norm(2.0, [1i64].as_slice(), true, Kind::Float)?.f_clamp_min(1e-12)?;
		Ok(mean.f_div(&norms)?.f_to_device(Device::Cpu)?)
	}

	/// Hidden states of the last layer, `[batch, tokens, hidden]`.
	fn encode(&self, ids: &Tensor, mask: &Tensor) -> Result<Tensor> {
		let size = ids.size();
		let (batch, tokens) = match size.as_slice() {
			[batch, tokens] => (*batch, *tokens),
			_ => {
				return Err(EngineError::Profile(format!(
					"ids must be [batch, tokens], not {size:?}"
				)))
			},
		};
		let positions = Tensor::f_arange(tokens, (Kind::Int64, self.device))?.f_unsqueeze(0)?;
		let types = ids.f_zeros_like()?;
		let embedded = Tensor::f_embedding(&self.word_embeddings, ids, -1, false, false)?
			.f_add(&Tensor::f_embedding(&self.position_embeddings, &positions, -1, false, false)?)?
			.f_add(&Tensor::f_embedding(&self.token_type_embeddings, &types, -1, false, false)?)?;
		let mut x = self.embedding_norm.forward(&embedded)?;
		// 0 where attended, the lowest f32 where padded, broadcast over heads and queries.
		let additive = mask
			.f_neg()?
			.f_add_scalar(1.0)?
			.f_mul_scalar(f64::from(f32::MIN))?
			.f_reshape([batch, 1, 1, tokens])?;
		let heads = self.config.num_attention_heads;
		let head_width = self.config.hidden_size / heads;
		let split = |t: Tensor| -> Result<Tensor> {
			Ok(t.f_reshape([batch, tokens, heads, head_width])?.f_transpose(1, 2)?)
		};
		let scale = 1.0 / (head_width as f64).sqrt();
		for layer in &self.layers {
			let q = split(layer.query.forward(&x)?)?;
			let k = split(layer.key.forward(&x)?)?;
			let v = split(layer.value.forward(&x)?)?;
			let scores =
				q.f_matmul(&k.f_transpose(-1, -2)?)?.f_mul_scalar(scale)?.f_add(&additive)?;
			let context = scores
				.f_softmax(-1, Kind::Float)?
				.f_matmul(&v)?
				.f_transpose(1, 2)?
				.f_contiguous()?
				.f_reshape([batch, tokens, self.config.hidden_size])?;
			x = layer.attention_norm.forward(&layer.attention_out.forward(&context)?.f_add(&x)?)?;
			let inner = layer.intermediate.forward(&x)?.f_gelu("none")?;
			x = layer.output_norm.forward(&layer.output.forward(&inner)?.f_add(&x)?)?;
		}
		Ok(x)
	}
}
