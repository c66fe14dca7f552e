//! A Llama-architecture decoder (SmolLM2 and other llama.cpp `llama` models) written with
//! libtorch operations, its weights dequantized from a GGUF file, with a per-sequence KV cache.
//!
//! Per block, with `x` the hidden states and RMSNorm `n(x) = x / √(mean(x²) + ε) · w`:
//! `x = x + Wₒ · attn(RoPE(W_q n(x)), RoPE(W_k n(x)), W_v n(x))`, then
//! `x = x + W_down (silu(W_gate n(x)) ⊙ W_up n(x))`; the output is `n_final(x)` (the states the
//! proofs commit to) and the logits `n_final(x) · Eᵀ` (embeddings tied, or `output.weight`).
//! Attention is causal, grouped-query (each KV head serves `heads / kv_heads` query heads).
//! RoPE rotates adjacent pairs `(x₂ᵢ, x₂ᵢ₊₁)` by `p · base^(−2i/d)`: GGUF's converter permuted
//! the query and key weights for this layout.

use crate::{
	error::{EngineError, Result},
	gguf::GgufFile,
};
use tch::{Device, Kind, Tensor};

/// The shape of a Llama model, from GGUF metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct LlamaConfig {
	/// Tokens in the vocabulary.
	pub vocab: i64,
	/// Hidden width.
	pub hidden: i64,
	/// Decoder blocks.
	pub blocks: i64,
	/// Query heads.
	pub heads: i64,
	/// Key/value heads.
	pub kv_heads: i64,
	/// Feed-forward width.
	pub ffn: i64,
	/// RoPE base frequency.
	pub rope_base: f64,
	/// RMSNorm epsilon.
	pub rms_eps: f64,
	/// Longest sequence (prompt and generated tokens) the model was trained for.
	pub context: i64,
}

impl LlamaConfig {
	/// Reads the shape from `file`'s `llama.*` metadata.
	pub fn from_gguf(file: &GgufFile) -> Result<Self> {
		let architecture = file.string("general.architecture")?;
		if architecture != "llama" {
			return Err(file
				.error(format!("architecture `{architecture}` is not supported (only `llama`)")));
		}
		let int = |key: &str| -> Result<i64> {
			i64::try_from(file.unsigned(key)?)
				.map_err(|_| file.error(format!("`{key}` is too large")))
		};
		let vocab = match file.unsigned("llama.vocab_size") {
			Ok(vocab) => i64::try_from(vocab).map_err(|_| file.error("vocab_size is too large"))?,
			Err(_) => i64::try_from(file.strings("tokenizer.ggml.tokens")?.len()).unwrap_or(0),
		};
		let config = Self {
			vocab,
			hidden: int("llama.embedding_length")?,
			blocks: int("llama.block_count")?,
			heads: int("llama.attention.head_count")?,
			kv_heads: int("llama.attention.head_count_kv")?,
			ffn: int("llama.feed_forward_length")?,
			rope_base: f64::from(file.float("llama.rope.freq_base").unwrap_or(10_000.0)),
			rms_eps: f64::from(file.float("llama.attention.layer_norm_rms_epsilon")?),
			context: int("llama.context_length")?,
		};
		let positive = [
			config.vocab,
			config.hidden,
			config.blocks,
			config.heads,
			config.kv_heads,
			config.ffn,
			config.context,
		];
		if positive.iter().any(|v| *v <= 0)
			|| config.hidden % config.heads != 0
			|| config.heads % config.kv_heads != 0
			|| (config.hidden / config.heads) % 2 != 0
		{
			return Err(file.error(format!("inconsistent llama shape {config:?}")));
		}
		Ok(config)
	}

	/// Width of one attention head.
	pub fn head_dim(&self) -> i64 {
		self.hidden / self.heads
	}
}

/// One decoder block's weights, with the query/key/value and gate/up projections each fused
/// into one matrix (one matrix product instead of three and two).
struct Block {
	attn_norm: Tensor,
	/// `[W_q; W_k; W_v]`: `[hidden + 2·kv, hidden]`.
	qkv: Tensor,
	o: Tensor,
	ffn_norm: Tensor,
	/// `[W_gate; W_up]`: `[2·ffn, hidden]`.
	gate_up: Tensor,
	down: Tensor,
}

/// One sequence's keys and values: per block, `[kv_heads, capacity, head_dim]` each, the first
/// `len` positions filled.
pub struct KvCache {
	keys: Vec<Tensor>,
	values: Vec<Tensor>,
	len: i64,
	capacity: i64,
}

impl KvCache {
	/// Positions held.
	pub fn len(&self) -> usize {
		usize::try_from(self.len).unwrap_or(0)
	}

	/// Whether nothing is held yet.
	pub fn is_empty(&self) -> bool {
		self.len == 0
	}

	/// Positions it can hold.
	pub fn capacity(&self) -> usize {
		usize::try_from(self.capacity).unwrap_or(0)
	}
}

/// The outputs of a forward pass for the rows asked for.
pub struct Outputs {
	/// Final-norm hidden states, `[rows, hidden]`, on the CPU.
	pub states: Tensor,
	/// Logits, `[rows, vocab]`, on the CPU.
	pub logits: Tensor,
}

/// A Llama model on one device.
pub struct Llama {
	config: LlamaConfig,
	embeddings: Tensor,
	lm_head: Tensor,
	blocks: Vec<Block>,
	final_norm: Tensor,
	/// `[context, head_dim / 2]` unit complex numbers `e^{iθ}` of the RoPE angles.
	rotations: Tensor,
	device: Device,
	/// The element type it computes in (`f32`; `f16`/`bf16` under half-precision profiles).
	kind: Kind,
}

impl Llama {
	/// Dequantizes `file`'s weights onto `device` in `f32`; `progress(done, total)` sees each
	/// tensor.
	pub fn load(
		file: &GgufFile,
		device: Device,
		progress: &mut dyn FnMut(u64, u64),
	) -> Result<Self> {
		Self::load_as(file, device, Kind::Float, progress)
	}

	/// As [`Self::load`], computing in `kind` (`Float`, `Half` or `BFloat16`): weights, caches
	/// and activations in `kind`; RoPE rotations in `f32`; states and logits returned in `f32`.
	pub fn load_as(
		file: &GgufFile,
		device: Device,
		kind: Kind,
		progress: &mut dyn FnMut(u64, u64),
	) -> Result<Self> {
		let config = LlamaConfig::from_gguf(file)?;
		let (h, kv, ffn) = (config.hidden, config.kv_heads * config.head_dim(), config.ffn);
		let names = file.tensor_names()?;
		let tied = !names.iter().any(|name| name == "output.weight");
		let total = u64::try_from(config.blocks * 9 + 3).unwrap_or(0);
		let mut done = 0u64;
		let mut take = |name: &str, shape: &[i64]| -> Result<Tensor> {
			let tensor = file.tensor(name, shape, device)?.f_to_kind(kind)?;
			done = done.saturating_add(1);
			progress(done, total);
			Ok(tensor)
		};
		let embeddings = take("token_embd.weight", &[config.vocab, h])?;
		let lm_head = if tied {
			embeddings.shallow_clone()
		} else {
			take("output.weight", &[config.vocab, h])?
		};
		let final_norm = take("output_norm.weight", &[h])?;
		let blocks = (0..config.blocks)
			.map(|i| {
				let p = format!("blk.{i}");
				let attn_norm = take(&format!("{p}.attn_norm.weight"), &[h])?;
				let q = take(&format!("{p}.attn_q.weight"), &[h, h])?;
				let k = take(&format!("{p}.attn_k.weight"), &[kv, h])?;
				let v = take(&format!("{p}.attn_v.weight"), &[kv, h])?;
				let o = take(&format!("{p}.attn_output.weight"), &[h, h])?;
				let ffn_norm = take(&format!("{p}.ffn_norm.weight"), &[h])?;
				let gate = take(&format!("{p}.ffn_gate.weight"), &[ffn, h])?;
				let up = take(&format!("{p}.ffn_up.weight"), &[ffn, h])?;
				let down = take(&format!("{p}.ffn_down.weight"), &[h, ffn])?;
				Ok(Block {
					attn_norm,
					qkv: Tensor::f_cat(&[q, k, v], 0)?,
					o,
					ffn_norm,
					gate_up: Tensor::f_cat(&[gate, up], 0)?,
					down,
				})
			})
			.collect::<Result<Vec<_>>>()?;
		progress(total, total);
		let rotations = rope_table(&config, device)?;
		Ok(Self { config, embeddings, lm_head, blocks, final_norm, rotations, device, kind })
	}

	/// TESTING ONLY: forgets the last `count` decoder blocks, so every forward pass costs less
	/// and computes something else (a cheaper model passed off as this one).
	pub fn drop_last_blocks(&mut self, count: usize) {
		self.blocks.truncate(self.blocks.len().saturating_sub(count));
	}

	/// The model's shape.
	pub fn config(&self) -> &LlamaConfig {
		&self.config
	}

	/// The device it runs on.
	pub fn device(&self) -> Device {
		self.device
	}

	/// An empty cache for a sequence of at most `capacity` positions (at most the context).
	pub fn new_cache(&self, capacity: usize) -> Result<KvCache> {
		let capacity = i64::try_from(capacity).unwrap_or(i64::MAX).min(self.config.context).max(1);
		let shape = [self.config.kv_heads, capacity, self.config.head_dim()];
		let blank = || Tensor::f_zeros(shape, (self.kind, self.device));
		let keys =
			self.blocks.iter().map(|_| blank()).collect::<std::result::Result<Vec<_>, _>>()?;
		let values =
			self.blocks.iter().map(|_| blank()).collect::<std::result::Result<Vec<_>, _>>()?;
		Ok(KvCache { keys, values, len: 0, capacity })
	}

	/// Runs `tokens` (one sequence, any length) after what `cache` holds, appends their keys
	/// and values to it, and returns the outputs of the last `keep` positions.
	pub fn prefill(&self, cache: &mut KvCache, tokens: &[u32], keep: usize) -> Result<Outputs> {
		let _guard = tch::no_grad_guard();
		let count = i64::try_from(tokens.len())
			.map_err(|_| EngineError::Profile("too many tokens".into()))?;
		if count == 0 || cache.len + count > cache.capacity {
			return Err(EngineError::Profile(format!(
				"{count} tokens do not fit after {} of {} cached positions",
				cache.len, cache.capacity
			)));
		}
		let start = cache.len;
		let ids: Vec<i64> = tokens.iter().map(|t| i64::from(*t)).collect();
		let ids = Tensor::f_from_slice(&ids)?.f_to_device(self.device)?.f_unsqueeze(0)?;
		let mut x = Tensor::f_embedding(&self.embeddings, &ids, -1, false, false)?;
		// Causal mask over [cached + new] keys for the new queries: 0 allowed, −∞ masked.
		let total = start + count;
		let hidden =
			Tensor::f_ones([count, total], (Kind::Bool, self.device))?.f_triu(start + 1)?;
		let mask = Tensor::f_zeros([count, total], (self.kind, self.device))?
			.f_masked_fill(&hidden, f64::NEG_INFINITY)?;
		// [count, 1, d/2]: broadcast over heads.
		let rotations = self.rotations.f_narrow(0, start, count)?.f_unsqueeze(1)?;
		for (index, block) in self.blocks.iter().enumerate() {
			let normed = rms_norm(&x, &block.attn_norm, self.config.rms_eps)?;
			let (q, k, v) = self.project(block, &normed, 1, count, &rotations)?;
			let (keys, values) = (&mut cache.keys[index], &mut cache.values[index]);
			keys.f_narrow(1, start, count)?.f_copy_(&k.f_squeeze_dim(0)?)?;
			values.f_narrow(1, start, count)?.f_copy_(&v.f_squeeze_dim(0)?)?;
			let keys = keys.f_narrow(1, 0, total)?.f_unsqueeze(0)?;
			let values = values.f_narrow(1, 0, total)?.f_unsqueeze(0)?;
			let attended = self.attend(&q, &keys, &values, Some(&mask))?;
			x = x.f_add(&attended.f_linear::<&Tensor>(&block.o, None)?)?;
			x = self.feed_forward(block, x)?;
		}
		cache.len = total;
		let keep = i64::try_from(keep).unwrap_or(count).clamp(1, count);
		self.outputs(&x.f_narrow(1, count - keep, keep)?.f_squeeze_dim(0)?)
	}

	/// One decode step for several sequences: `tokens[i]` follows what `caches[i]` holds. Returns
	/// one output row per sequence.
	pub fn decode(&self, caches: &mut [&mut KvCache], tokens: &[u32]) -> Result<Outputs> {
		let _guard = tch::no_grad_guard();
		let batch = i64::try_from(tokens.len()).unwrap_or(0);
		if batch == 0 || caches.len() != tokens.len() {
			return Err(EngineError::Profile("decode needs one token per sequence".into()));
		}
		if let Some(full) = caches.iter().find(|c| c.len >= c.capacity) {
			return Err(EngineError::Profile(format!(
				"a sequence is full at {} positions",
				full.capacity
			)));
		}
		let ids: Vec<i64> = tokens.iter().map(|t| i64::from(*t)).collect();
		let ids = Tensor::f_from_slice(&ids)?.f_to_device(self.device)?.f_unsqueeze(1)?;
		let mut x = Tensor::f_embedding(&self.embeddings, &ids, -1, false, false)?;
		let positions: Vec<i64> = caches.iter().map(|c| c.len).collect();
		let longest = positions.iter().copied().max().unwrap_or(0) + 1;
		let index = Tensor::f_from_slice(&positions)?.f_to_device(self.device)?;
		// [batch, 1, 1, d/2]: each sequence's own position, broadcast over heads.
		let rotations = self.rotations.f_index_select(0, &index)?.f_unsqueeze(1)?.f_unsqueeze(1)?;
		// Key j of sequence b is visible when j ≤ its position (none hidden for one sequence).
		let mask = if batch == 1 {
			None
		} else {
			let hidden = Tensor::f_arange(longest, (Kind::Int64, self.device))?
				.f_unsqueeze(0)?
				.f_gt_tensor(&index.f_unsqueeze(1)?)?;
			Some(
				Tensor::f_zeros([batch, longest], (self.kind, self.device))?
					.f_masked_fill(&hidden, f64::NEG_INFINITY)?
					.f_unsqueeze(1)?
					.f_unsqueeze(1)?,
			)
		};
		for (layer, block) in self.blocks.iter().enumerate() {
			let normed = rms_norm(&x, &block.attn_norm, self.config.rms_eps)?;
			let (q, k, v) = self.project(block, &normed, batch, 1, &rotations)?;
			let mut keys = Vec::with_capacity(caches.len());
			let mut values = Vec::with_capacity(caches.len());
			for (row, cache) in caches.iter_mut().enumerate() {
				let row = i64::try_from(row).unwrap_or(0);
				let (cache_k, cache_v) = (&mut cache.keys[layer], &mut cache.values[layer]);
				cache_k.f_narrow(1, cache.len, 1)?.f_copy_(&k.f_select(0, row)?)?;
				cache_v.f_narrow(1, cache.len, 1)?.f_copy_(&v.f_select(0, row)?)?;
				let used = (cache.len + 1).min(longest);
				keys.push(pad_positions(&cache_k.f_narrow(1, 0, used)?, longest)?);
				values.push(pad_positions(&cache_v.f_narrow(1, 0, used)?, longest)?);
			}
			let (keys, values) = if batch == 1 {
				(keys.swap_remove(0).f_unsqueeze(0)?, values.swap_remove(0).f_unsqueeze(0)?)
			} else {
				(Tensor::f_stack(&keys, 0)?, Tensor::f_stack(&values, 0)?)
			};
			let attended = self.attend(&q, &keys, &values, mask.as_ref())?;
			x = x.f_add(&attended.f_linear::<&Tensor>(&block.o, None)?)?;
			x = self.feed_forward(block, x)?;
		}
		for cache in caches.iter_mut() {
			cache.len += 1;
		}
		self.outputs(&x.f_squeeze_dim(1)?)
	}

	/// Queries `[batch, heads, count, d]`, keys and values `[batch, kv_heads, count, d]` of
	/// `count` new positions of each of `batch` sequences, queries and keys rotated by
	/// `rotations` (broadcast against `[batch, count, heads, d/2]`).
	fn project(
		&self,
		block: &Block,
		x: &Tensor,
		batch: i64,
		count: i64,
		rotations: &Tensor,
	) -> Result<(Tensor, Tensor, Tensor)> {
		let (d, heads, kv_heads) =
			(self.config.head_dim(), self.config.heads, self.config.kv_heads);
		let qkv = x.f_linear::<&Tensor>(&block.qkv, None)?;
		let q = qkv.f_narrow(-1, 0, heads * d)?;
		let k = qkv.f_narrow(-1, heads * d, kv_heads * d)?;
		let v = qkv.f_narrow(-1, (heads + kv_heads) * d, kv_heads * d)?;
		let rotate = |t: &Tensor, heads: i64| -> Result<Tensor> {
			// Adjacent pairs as complex numbers (in f32), times e^{iθ}.
			let t = if self.kind == Kind::Float {
				t.shallow_clone()
			} else {
				t.f_to_kind(Kind::Float)?
			};
			let pairs = t.f_reshape([batch, count, heads, d / 2, 2])?.f_view_as_complex()?;
			let rotated =
				pairs.f_mul(rotations)?.f_view_as_real()?.f_reshape([batch, count, heads, d])?;
			let rotated =
				if self.kind == Kind::Float { rotated } else { rotated.f_to_kind(self.kind)? };
			Ok(rotated.f_transpose(1, 2)?)
		};
		let v = v.f_reshape([batch, count, kv_heads, d])?.f_transpose(1, 2)?;
		Ok((rotate(&q, heads)?, rotate(&k, kv_heads)?, v))
	}

	/// Grouped-query attention (libtorch's fused kernel): `q` `[b, heads, n, d]`,
	/// `keys`/`values` `[b, kv_heads, t, d]`, `mask` additive, broadcast to `[b, heads, n, t]`.
	/// Returns `[b, n, hidden]`.
	fn attend(
		&self,
		q: &Tensor,
		keys: &Tensor,
		values: &Tensor,
		mask: Option<&Tensor>,
	) -> Result<Tensor> {
		let context =
			Tensor::f_scaled_dot_product_attention(q, keys, values, mask, 0.0, false, None, true)?;
		let size = context.size();
		let (batch, count) = (size[0], size[2]);
		Ok(context.f_transpose(1, 2)?.f_reshape([batch, count, self.config.hidden])?)
	}

	fn feed_forward(&self, block: &Block, x: Tensor) -> Result<Tensor> {
		let normed = rms_norm(&x, &block.ffn_norm, self.config.rms_eps)?;
		let gate_up = normed.f_linear::<&Tensor>(&block.gate_up, None)?;
		let ffn = self.config.ffn;
		let gate = gate_up.f_narrow(-1, 0, ffn)?.f_silu()?;
		let up = gate_up.f_narrow(-1, ffn, ffn)?;
		Ok(x.f_add(&gate.f_mul(&up)?.f_linear::<&Tensor>(&block.down, None)?)?)
	}

	/// Final norm and logits of `x` `[rows, hidden]`.
	fn outputs(&self, x: &Tensor) -> Result<Outputs> {
		let states = rms_norm(x, &self.final_norm, self.config.rms_eps)?;
		let logits = states.f_linear::<&Tensor>(&self.lm_head, None)?;
		Ok(Outputs {
			states: states.f_to_kind(Kind::Float)?.f_to_device(Device::Cpu)?,
			logits: logits.f_to_kind(Kind::Float)?.f_to_device(Device::Cpu)?,
		})
	}
}

/// `x / √(mean(x²) + ε) · w` over the last dimension (libtorch's fused RMSNorm).
fn rms_norm(x: &Tensor, weight: &Tensor, eps: f64) -> Result<Tensor> {
	let width = weight.size();
	Ok(x.f_rms_norm(width.as_slice(), Some(weight), eps)?)
}

/// The RoPE table: `e^{iθ}` with `θ = p · base^(−2i/d)` for positions `p < context`, the angles
/// computed in `f32` as Hugging Face's Llama does.
fn rope_table(config: &LlamaConfig, device: Device) -> Result<Tensor> {
	let d = config.head_dim();
	let exponents = Tensor::f_arange_start_step(0, d, 2, (Kind::Int64, Device::Cpu))?
		.f_to_kind(Kind::Float)?
		.f_div_scalar(d as f64)?;
	let inverse =
		Tensor::f_from_slice(&[config.rope_base as f32])?.f_pow(&exponents)?.f_reciprocal()?;
	let positions =
		Tensor::f_arange(config.context, (Kind::Int64, Device::Cpu))?.f_to_kind(Kind::Float)?;
	let angles = positions.f_unsqueeze(1)?.f_mul(&inverse.f_unsqueeze(0)?)?;
	Ok(Tensor::f_polar(&angles.f_ones_like()?, &angles)?.f_to_device(device)?)
}

/// `x` `[kv_heads, used, d]` padded with zeros to `[kv_heads, length, d]`.
fn pad_positions(x: &Tensor, length: i64) -> Result<Tensor> {
	let used = x.size()[1];
	if used >= length {
		return Ok(x.shallow_clone());
	}
	Ok(x.f_constant_pad_nd([0i64, 0, 0, length - used].as_slice())?)
}
