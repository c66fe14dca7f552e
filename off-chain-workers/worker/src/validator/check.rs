//! Checking one miner's answer: the receipt must be signed by the miner's hotkey over this
//! request, this model and the returned vectors, and the vectors must agree with the
//! validator's own re-execution under the model's comparison rule.

use crate::{
	chain::account_bytes,
	openai::{EmbeddingsResponse, ReceiptJson},
};
use inferchain_engine::Embeddings;
use inferchain_inference::{
	output_commitment, outputs_agree, request_hash, ComparisonRule, Hash32, ModelId, OutputShape,
	Receipt,
};
use subxt_signer::sr25519::{verify, PublicKey, Signature};

/// What a check found.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
	/// Correct and signed, answered in `latency_ms`.
	Honest {
		/// Round-trip time.
		latency_ms: u64,
	},
	/// Answered, but wrongly (or unsigned, or signed by someone else): weight 0.
	Wrong(String),
	/// No usable answer (connection error, timeout, HTTP error, malformed body): weight 0.
	Unreachable(String),
	/// Refused for load (HTTP 429 or 503) every time it was asked: the miner keeps half of its
	/// last score from this validator (see [`super::score::busy`]).
	Busy(String),
}

/// Checks `response` to `inputs` from the miner with hotkey `hotkey_ss58` against the
/// validator's own `expected` output.
pub fn verify_answer(
	response: &EmbeddingsResponse,
	inputs: &[String],
	hotkey_ss58: &str,
	model_id: &ModelId,
	rule: &ComparisonRule,
	expected: &Embeddings,
) -> Result<(), String> {
	let receipt_json = &response.inferchain.receipt;
	let receipt =
		verify_receipt(receipt_json, hotkey_ss58, model_id, &request_hash(model_id, inputs))?;
	let values = response.values(expected.dim).ok_or("vectors of the wrong size or order")?;
	if response.data.len() != inputs.len() {
		return Err(format!("{} vectors for {} inputs", response.data.len(), inputs.len()));
	}
	let shape = OutputShape { rows: inputs.len() as u32, cols: expected.dim as u32 };
	if output_commitment(rule, shape, &values) != receipt.output_commitment {
		return Err("vectors do not match the receipt's commitment".into());
	}
	if !outputs_agree(rule, &values, &expected.values) {
		let worst =
			values.iter().zip(&expected.values).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
		return Err(format!("vectors disagree with re-execution (max abs error {worst:e})"));
	}
	Ok(())
}

/// Checks a receipt names `model_id` and `request`, is by `hotkey_ss58`, and is signed by it;
/// returns it for the output check.
pub fn verify_receipt(
	receipt_json: &ReceiptJson,
	hotkey_ss58: &str,
	model_id: &ModelId,
	request: &Hash32,
) -> Result<Receipt, String> {
	let receipt = receipt_json.receipt().map_err(|e| format!("malformed receipt: {e}"))?;
	if &receipt.model_id != model_id {
		return Err("receipt names another model".into());
	}
	if &receipt.request_hash != request {
		return Err("receipt is for another request".into());
	}
	if receipt_json.hotkey != hotkey_ss58 {
		return Err(format!("receipt signed by {}, not the neuron's hotkey", receipt_json.hotkey));
	}
	let public = PublicKey(account_bytes(hotkey_ss58).map_err(|e| e.to_string())?);
	let signature: [u8; 64] = hex::decode(receipt_json.signature.trim_start_matches("0x"))
		.ok()
		.and_then(|bytes| bytes.try_into().ok())
		.ok_or("malformed signature")?;
	if !verify(&Signature(signature), receipt.signing_payload(), &public) {
		return Err("bad receipt signature".into());
	}
	Ok(receipt)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::openai::{EmbeddingData, Inferchain, Usage, Vector};
	use inferchain_engine::hex;
	use subxt_signer::sr25519::dev;

	const RULE: ComparisonRule = ComparisonRule::Tolerance { max_abs_error_e9: 10_000 };
	const MODEL: ModelId = [7; 32];

	fn expected() -> Embeddings {
		Embeddings { rows: 2, dim: 3, values: vec![0.1, 0.2, 0.3, 0.4, 0.5, 0.6], tokens: 8 }
	}

	fn inputs() -> Vec<String> {
		vec!["a".into(), "b".into()]
	}

	/// An answer signed by `signer` carrying `values`.
	fn answer(
		signer: &subxt_signer::sr25519::Keypair,
		values: &[f32],
		model: ModelId,
	) -> EmbeddingsResponse {
		let shape = OutputShape { rows: 2, cols: 3 };
		let receipt = Receipt {
			request_hash: request_hash(&model, &inputs()),
			output_commitment: output_commitment(&RULE, shape, values),
			model_id: model,
			block: 9,
		};
		let signature = signer.sign(&receipt.signing_payload());
		EmbeddingsResponse {
			object: "list".into(),
			data: values
				.chunks(3)
				.enumerate()
				.map(|(index, row)| EmbeddingData {
					object: "embedding".into(),
					index,
					embedding: Vector::Float(row.to_vec()),
				})
				.collect(),
			model: "m".into(),
			usage: Usage { prompt_tokens: 8, total_tokens: 8 },
			inferchain: Inferchain {
				receipt: ReceiptJson {
					request_hash: format!("0x{}", hex(&receipt.request_hash)),
					output_commitment: format!("0x{}", hex(&receipt.output_commitment)),
					model_id: format!("0x{}", hex(&model)),
					block: 9,
					hotkey: crate::keys::address(signer),
					signature: format!("0x{}", hex(&signature.0)),
				},
			},
		}
	}

	fn check(response: &EmbeddingsResponse, hotkey: &str) -> Result<(), String> {
		verify_answer(response, &inputs(), hotkey, &MODEL, &RULE, &expected())
	}

	#[test]
	fn an_honest_answer_passes() {
		let alice = dev::alice();
		let close: Vec<f32> = expected().values.iter().map(|v| v + 5e-6).collect();
		assert_eq!(check(&answer(&alice, &close, MODEL), &crate::keys::address(&alice)), Ok(()));
	}

	#[test]
	fn wrong_vectors_fail_even_when_signed() {
		let alice = dev::alice();
		let perturbed: Vec<f32> = expected().values.iter().map(|v| v + 1e-3).collect();
		let err =
			check(&answer(&alice, &perturbed, MODEL), &crate::keys::address(&alice)).unwrap_err();
		assert!(err.contains("disagree"), "{err}");
	}

	#[test]
	fn forged_or_mismatched_receipts_fail() {
		let (alice, bob) = (dev::alice(), dev::bob());
		let values = expected().values;
		let alice_ss58 = crate::keys::address(&alice);
		// Signed by another key than the neuron's.
		assert!(check(&answer(&bob, &values, MODEL), &alice_ss58).is_err());
		// Claims the neuron's hotkey but signed by another key.
		let mut forged = answer(&bob, &values, MODEL);
		forged.inferchain.receipt.hotkey = alice_ss58.clone();
		assert_eq!(check(&forged, &alice_ss58), Err("bad receipt signature".into()));
		// Another model.
		assert!(check(&answer(&alice, &values, [8; 32]), &alice_ss58).is_err());
		// Vectors changed after signing.
		let mut swapped = answer(&alice, &values, MODEL);
		swapped.data[0].embedding = Vector::Float(vec![0.1, 0.2, 0.31]);
		assert!(check(&swapped, &alice_ss58).unwrap_err().contains("commitment"));
		// A missing row.
		let mut short = answer(&alice, &values, MODEL);
		short.data.pop();
		assert!(check(&short, &alice_ss58).is_err());
	}
}
