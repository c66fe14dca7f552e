//! GGUF model files (llama.cpp's format: metadata, tokenizer and quantized tensors in one file),
//! read with the `ggus` crate and dequantized at load into `f32` libtorch tensors.
//!
//! Supported tensor types: F32, F16, Q8_0 and Q4_1 (what SmolLM2's Q4_1 file holds). GGML
//! lists dimensions fastest first, so a tensor of GGML shape `[ne0, ne1]` is the row-major
//! libtorch tensor `[ne1, ne0]` (a linear layer's weight `[out, in]`).

use crate::error::{EngineError, Result};
use ggus::{
	ggml_quants::{f16, DeltaMin, Quantize, Q4_1, Q8_0},
	GGmlType, GGuf, GGufMetaMapExt,
};
use std::path::{Path, PathBuf};
use tch::{Device, Kind, Tensor};

/// Bytes of one Q8_0 block (32 values): an f16 scale and 32 `i8`.
const Q8_0_BLOCK: usize = 34;
/// Bytes of one Q4_1 block (32 values): f16 scale and minimum, 16 bytes of nibbles.
const Q4_1_BLOCK: usize = 20;
/// Values per quantized block.
const BLOCK_VALUES: usize = 32;

/// A GGUF file held in memory.
pub struct GgufFile {
	path: PathBuf,
	bytes: Vec<u8>,
}

impl GgufFile {
	/// Reads the whole file.
	pub fn read(path: &Path) -> Result<Self> {
		let bytes = std::fs::read(path)
			.map_err(|source| EngineError::Io { path: path.to_path_buf(), source })?;
		let file = Self { path: path.to_path_buf(), bytes };
		file.parse()?;
		Ok(file)
	}

	/// The parsed view of the file.
	pub fn parse(&self) -> Result<GGuf<'_>> {
		GGuf::new(&self.bytes).map_err(|e| self.error(format!("not a GGUF v3 file: {e}")))
	}

	/// The file's path.
	pub fn path(&self) -> &Path {
		&self.path
	}

	/// An error about this file.
	pub fn error(&self, message: impl Into<String>) -> EngineError {
		EngineError::Weights { path: self.path.clone(), message: message.into() }
	}

	/// A metadata string.
	pub fn string(&self, key: &str) -> Result<String> {
		self.parse()?
			.get_str(key)
			.map(str::to_owned)
			.map_err(|e| self.error(format!("metadata `{key}`: {e:?}")))
	}

	/// A metadata unsigned integer.
	pub fn unsigned(&self, key: &str) -> Result<usize> {
		self.parse()?.get_usize(key).map_err(|e| self.error(format!("metadata `{key}`: {e:?}")))
	}

	/// A metadata `f32`.
	pub fn float(&self, key: &str) -> Result<f32> {
		self.parse()?.get_f32(key).map_err(|e| self.error(format!("metadata `{key}`: {e:?}")))
	}

	/// A metadata array of strings.
	pub fn strings(&self, key: &str) -> Result<Vec<String>> {
		let gguf = self.parse()?;
		let array =
			gguf.get_str_arr(key).map_err(|e| self.error(format!("metadata `{key}`: {e:?}")))?;
		array
			.map(|item| {
				item.map(str::to_owned).map_err(|e| self.error(format!("metadata `{key}`: {e:?}")))
			})
			.collect()
	}

	/// A metadata array of `i32`.
	pub fn integers(&self, key: &str) -> Result<Vec<i32>> {
		let gguf = self.parse()?;
		let array =
			gguf.get_i32_arr(key).map_err(|e| self.error(format!("metadata `{key}`: {e:?}")))?;
		array.map(|item| item.map_err(|e| self.error(format!("metadata `{key}`: {e:?}")))).collect()
	}

	/// The names of the file's tensors, in file order.
	pub fn tensor_names(&self) -> Result<Vec<String>> {
		Ok(self.parse()?.tensors.keys().map(|name| (*name).to_owned()).collect())
	}

	/// Where tensor `name`'s data lies in the file, and its GGML type.
	pub fn tensor_bytes(&self, name: &str) -> Result<(GGmlType, std::ops::Range<usize>)> {
		let gguf = self.parse()?;
		let meta = gguf.tensors.get(name).ok_or_else(|| EngineError::MissingTensor(name.into()))?;
		let info = meta.to_info();
		let data_start = (gguf.data.as_ptr() as usize).saturating_sub(self.bytes.as_ptr() as usize);
		let start = data_start.saturating_add(info.offset());
		Ok((info.ty(), start..start.saturating_add(info.nbytes())))
	}

	/// Tensor `name` dequantized to `f32` on `device`, checked to have libtorch `shape`.
	pub fn tensor(&self, name: &str, shape: &[i64], device: Device) -> Result<Tensor> {
		let values = self.dequantize(name)?;
		let expected: i64 = shape.iter().product();
		if i64::try_from(values.len()).ok() != Some(expected) {
			return Err(EngineError::ShapeMismatch {
				name: name.into(),
				expected: shape.to_vec(),
				found: vec![i64::try_from(values.len()).unwrap_or(-1)],
			});
		}
		Ok(Tensor::f_from_slice(&values)?
			.f_reshape(shape)?
			.f_to_kind(Kind::Float)?
			.f_to_device(device)?)
	}

	/// Tensor `name`'s values as `f32`, row-major (libtorch order).
	pub fn dequantize(&self, name: &str) -> Result<Vec<f32>> {
		let gguf = self.parse()?;
		let meta = gguf.tensors.get(name).ok_or_else(|| EngineError::MissingTensor(name.into()))?;
		let info = meta.to_info();
		let count = info
			.shape()
			.iter()
			.try_fold(1usize, |acc, d| acc.checked_mul(usize::try_from(*d).ok()?));
		let count = count.ok_or_else(|| self.error(format!("tensor `{name}` is too large")))?;
		let start = info.offset();
		let bytes = start
			.checked_add(info.nbytes())
			.and_then(|end| gguf.data.get(start..end))
			.ok_or_else(|| self.error(format!("tensor `{name}` lies outside the file")))?;
		match info.ty() {
			GGmlType::F32 => Ok(bytes
				.chunks_exact(4)
				.map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
				.take(count)
				.collect()),
			GGmlType::F16 => Ok(bytes
				.chunks_exact(2)
				.map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
				.take(count)
				.collect()),
			GGmlType::Q8_0 => Ok(blocks(bytes, Q8_0_BLOCK, count, name, self)?
				.flat_map(|b| {
					let block = Q8_0 {
						delta: f16::from_le_bytes([b[0], b[1]]),
						quants: std::array::from_fn(|i| b[2 + i] as i8),
					};
					Quantize::<f32, BLOCK_VALUES>::dequantize(&block)
				})
				.collect()),
			GGmlType::Q4_1 => Ok(blocks(bytes, Q4_1_BLOCK, count, name, self)?
				.flat_map(|b| {
					let block = Q4_1 {
						delta_min: DeltaMin {
							delta: f16::from_le_bytes([b[0], b[1]]),
							min: f16::from_le_bytes([b[2], b[3]]),
						},
						quants: std::array::from_fn(|i| b[4 + i]),
					};
					Quantize::<f32, BLOCK_VALUES>::dequantize(&block)
				})
				.collect()),
			other => {
				Err(self
					.error(format!("tensor `{name}` has type {other:?}, which is not supported")))
			},
		}
	}
}

/// The `count / 32` blocks of `size` bytes of a quantized tensor.
fn blocks<'a>(
	bytes: &'a [u8],
	size: usize,
	count: usize,
	name: &str,
	file: &GgufFile,
) -> Result<std::slice::ChunksExact<'a, u8>> {
	if !count.is_multiple_of(BLOCK_VALUES) || bytes.len() != count / BLOCK_VALUES * size {
		return Err(file.error(format!("tensor `{name}` has a partial block")));
	}
	Ok(bytes.chunks_exact(size))
}
