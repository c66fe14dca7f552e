//! The OpenAI-compatible embeddings API (`POST /v1/embeddings`) that miners serve, plus the
//! signed receipt Inferchain adds to each answer. Clients written for OpenAI's API work as they
//! are; they ignore the extra `inferchain` field.

use inferchain_inference::Receipt;
use serde::{Deserialize, Serialize};

/// `input` is one string or a list of strings.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Input {
	/// One input.
	One(String),
	/// Several inputs.
	Many(Vec<String>),
}

impl Input {
	/// The inputs as a list.
	pub fn into_vec(self) -> Vec<String> {
		match self {
			Self::One(text) => vec![text],
			Self::Many(texts) => texts,
		}
	}
}

/// The request body.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct EmbeddingsRequest {
	/// What to embed.
	pub input: Input,
	/// The model: its name or its `0x` model id.
	pub model: String,
	/// `float` (the default) or `base64`.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub encoding_format: Option<String>,
	/// Not supported: the model's dimension is fixed (refused unless equal to it).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub dimensions: Option<usize>,
	/// Free-form caller id (ignored).
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub user: Option<String>,
}

/// A vector as `float` (JSON numbers) or `base64` (little-endian `f32` bytes) encoding gives it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Vector {
	/// JSON numbers.
	Float(Vec<f32>),
	/// Base64 of the little-endian `f32` bytes (what OpenAI's Python client asks for).
	Base64(String),
}

impl Vector {
	/// Encodes `values` as `format` asks (`base64`, else float).
	pub fn encode(values: &[f32], format: Option<&str>) -> Self {
		use base64::Engine;
		match format {
			Some("base64") => {
				let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
				Self::Base64(base64::engine::general_purpose::STANDARD.encode(bytes))
			},
			_ => Self::Float(values.to_vec()),
		}
	}

	/// The values, whichever the encoding.
	pub fn decode(&self) -> Option<Vec<f32>> {
		use base64::Engine;
		match self {
			Self::Float(values) => Some(values.clone()),
			Self::Base64(text) => {
				let bytes = base64::engine::general_purpose::STANDARD.decode(text).ok()?;
				if bytes.len() % 4 != 0 {
					return None;
				}
				Some(
					bytes
						.chunks_exact(4)
						.map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
						.collect(),
				)
			},
		}
	}
}

/// One embedding.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct EmbeddingData {
	/// Always `embedding`.
	pub object: String,
	/// Position of the input.
	pub index: usize,
	/// The vector.
	pub embedding: Vector,
}

/// Token counts.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Usage {
	/// Tokens read.
	pub prompt_tokens: usize,
	/// Same as `prompt_tokens` (embeddings generate none).
	pub total_tokens: usize,
}

/// The signed receipt of an answer (hex fields are `0x`-prefixed).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptJson {
	/// `request_hash(model_id, inputs)`.
	pub request_hash: String,
	/// Commitment to the returned vectors under the model's comparison rule.
	pub output_commitment: String,
	/// The model id.
	pub model_id: String,
	/// Latest finalized block the miner had seen.
	pub block: u32,
	/// The miner's hotkey (SS58).
	pub hotkey: String,
	/// sr25519 signature by the hotkey over `Receipt::signing_payload`.
	pub signature: String,
}

impl ReceiptJson {
	/// `receipt` signed by `hotkey`, as the API returns it.
	pub fn signed(receipt: &Receipt, hotkey: &subxt_signer::sr25519::Keypair) -> Self {
		let hex = inferchain_engine::hex;
		let signature = hotkey.sign(&receipt.signing_payload());
		Self {
			request_hash: format!("0x{}", hex(&receipt.request_hash)),
			output_commitment: format!("0x{}", hex(&receipt.output_commitment)),
			model_id: format!("0x{}", hex(&receipt.model_id)),
			block: receipt.block,
			hotkey: crate::keys::address(hotkey),
			signature: format!("0x{}", hex(&signature.0)),
		}
	}

	/// The receipt these fields state.
	pub fn receipt(&self) -> anyhow::Result<Receipt> {
		use crate::chain::hash_from_hex;
		Ok(Receipt {
			request_hash: hash_from_hex(&self.request_hash)?,
			output_commitment: hash_from_hex(&self.output_commitment)?,
			model_id: hash_from_hex(&self.model_id)?,
			block: self.block,
		})
	}
}

/// Inferchain's addition to the response.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Inferchain {
	/// The signed receipt.
	pub receipt: ReceiptJson,
}

/// The response body.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct EmbeddingsResponse {
	/// Always `list`.
	pub object: String,
	/// One entry per input, in order.
	pub data: Vec<EmbeddingData>,
	/// The model's name.
	pub model: String,
	/// Token counts.
	pub usage: Usage,
	/// The receipt.
	pub inferchain: Inferchain,
}

impl EmbeddingsResponse {
	/// The vectors, row-major, if every row has `dim` values and indices are in order.
	pub fn values(&self, dim: usize) -> Option<Vec<f32>> {
		let mut values = Vec::with_capacity(self.data.len().saturating_mul(dim));
		for (i, item) in self.data.iter().enumerate() {
			let vector = item.embedding.decode()?;
			if item.index != i || vector.len() != dim {
				return None;
			}
			values.extend_from_slice(&vector);
		}
		Some(values)
	}
}

/// OpenAI's error body.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ErrorBody {
	/// The error.
	pub error: ErrorDetail,
}

/// OpenAI's error fields.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ErrorDetail {
	/// What went wrong.
	pub message: String,
	/// `invalid_request_error` or `server_error`.
	#[serde(rename = "type")]
	pub kind: String,
	/// The offending parameter.
	pub param: Option<String>,
	/// A short code, e.g. `model_not_found`.
	pub code: Option<String>,
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn requests_take_a_string_or_a_list() {
		let one: EmbeddingsRequest = serde_json::from_str(r#"{"input":"hi","model":"m"}"#).unwrap();
		assert_eq!(one.input.into_vec(), vec!["hi".to_string()]);
		let many: EmbeddingsRequest =
			serde_json::from_str(r#"{"input":["a","b"],"model":"m","encoding_format":"float"}"#)
				.unwrap();
		assert_eq!(many.input.into_vec(), vec!["a".to_string(), "b".to_string()]);
		assert!(serde_json::from_str::<EmbeddingsRequest>(r#"{"input":3,"model":"m"}"#).is_err());
	}

	#[test]
	fn base64_vectors_round_trip() {
		let values = [0.25f32, -1.5, 3.0e-8];
		let encoded = Vector::encode(&values, Some("base64"));
		assert!(matches!(encoded, Vector::Base64(_)));
		assert_eq!(encoded.decode().unwrap(), values);
		let json = serde_json::to_string(&encoded).unwrap();
		assert_eq!(serde_json::from_str::<Vector>(&json).unwrap().decode().unwrap(), values);
		assert_eq!(Vector::Base64("AAA=".into()).decode(), None);
	}

	#[test]
	fn values_check_order_and_width() {
		let item = |index, n| EmbeddingData {
			object: "embedding".into(),
			index,
			embedding: Vector::encode(
				&vec![0.5; n],
				if index == 0 { None } else { Some("base64") },
			),
		};
		let receipt = ReceiptJson {
			request_hash: String::new(),
			output_commitment: String::new(),
			model_id: String::new(),
			block: 0,
			hotkey: String::new(),
			signature: String::new(),
		};
		let response = |data| EmbeddingsResponse {
			object: "list".into(),
			data,
			model: "m".into(),
			usage: Usage { prompt_tokens: 1, total_tokens: 1 },
			inferchain: Inferchain { receipt: receipt.clone() },
		};
		assert_eq!(response(vec![item(0, 2), item(1, 2)]).values(2), Some(vec![0.5; 4]));
		assert_eq!(response(vec![item(1, 2), item(0, 2)]).values(2), None);
		assert_eq!(response(vec![item(0, 3)]).values(2), None);
	}
}
