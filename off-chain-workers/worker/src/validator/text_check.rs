//! Checking one text miner's answer to a probe: the answer must be for the validator's own
//! prompt and sampling parameters, signed by the miner's hotkey over those and the returned
//! tokens and proof, its text must be the text of its tokens, and the tokens and proof must
//! pass the model's text rule in the validator's own teacher-forced prefill (see
//! `inferchain_engine::TextModel::verify`).

use super::check::{verify_receipt, Verdict};
use crate::openai_text::ChatResponse;
use base64::Engine as _;
use inferchain_engine::{GenerationRequest, Lane, TextEngine, TextVerdict};
use inferchain_inference::{generation_commitment, text_request_hash, ModelId, TextRule};

/// What the probe asked for.
pub struct Probe {
	/// The prompt tokens the validator rendered itself.
	pub request: GenerationRequest,
}

/// Checks the answer's fields (everything but the prefill): returns the tokens and proof.
pub fn check_fields(
	response: &ChatResponse,
	probe: &Probe,
	hotkey_ss58: &str,
	model_id: &ModelId,
	rule: &TextRule,
	decode: impl Fn(&[u32]) -> Option<String>,
) -> Result<(Vec<u32>, Vec<u8>), String> {
	let extension = &response.inferchain;
	let request = &probe.request;
	// Sizes first: nothing is hashed or decoded for an answer no honest miner gives.
	if extension.tokens.len() > request.max_tokens {
		return Err(format!(
			"{} tokens where at most {} were asked for",
			extension.tokens.len(),
			request.max_tokens
		));
	}
	let chunk = inferchain_inference::proof::proof_bytes_per_chunk(usize::from(rule.top_k));
	let proof_bytes =
		inferchain_inference::proof::chunk_count(extension.tokens.len()).saturating_mul(chunk);
	if extension.proof.len() > proof_bytes.saturating_mul(4).div_ceil(3).saturating_add(4) {
		return Err("the proof is longer than the tokens need".into());
	}
	if extension.prompt_tokens != request.prompt {
		return Err("the answer is for another prompt".into());
	}
	if extension.sampling != request.params {
		return Err("the answer used other sampling parameters".into());
	}
	let max_tokens = u32::try_from(request.max_tokens).unwrap_or(u32::MAX);
	if extension.max_tokens != max_tokens || extension.stop != request.stop {
		return Err("the answer used other limits".into());
	}
	let request_hash =
		text_request_hash(model_id, &request.prompt, &request.params, max_tokens, &request.stop);
	let receipt = verify_receipt(&extension.receipt, hotkey_ss58, model_id, &request_hash)?;
	let proof = base64::engine::general_purpose::STANDARD
		.decode(&extension.proof)
		.map_err(|e| format!("malformed proof: {e}"))?;
	if generation_commitment(&extension.tokens, &proof) != receipt.output_commitment {
		return Err("tokens and proof do not match the receipt's commitment".into());
	}
	let [choice] = response.choices.as_slice() else {
		return Err(format!("{} choices where one was asked for", response.choices.len()));
	};
	let text = decode(&extension.tokens).ok_or("tokens outside the vocabulary")?;
	// The text is the tokens' text, cut before a stop string when one ended it.
	let cut =
		request.stop.iter().filter_map(|stop| text.find(stop.as_str())).min().unwrap_or(text.len());
	if choice.message.content != text.get(..cut).unwrap_or_default() {
		return Err("the text is not the text of the tokens".into());
	}
	if response.usage.completion_tokens != extension.tokens.len() {
		return Err("usage miscounts the tokens".into());
	}
	Ok((extension.tokens.clone(), proof))
}

/// Checks `response` to `probe` from the miner with hotkey `hotkey_ss58`, the prefill run by
/// `engine`; `latency_ms` is how long the miner took.
pub async fn check_answer(
	engine: &TextEngine,
	response: &ChatResponse,
	probe: &Probe,
	hotkey_ss58: &str,
	latency_ms: u64,
) -> Verdict {
	let frontend = engine.frontend();
	let fields =
		check_fields(response, probe, hotkey_ss58, &engine.id(), engine.rule(), |tokens| {
			frontend.decode(tokens).ok()
		});
	let (tokens, proof) = match fields {
		Ok(fields) => fields,
		Err(reason) => return Verdict::Wrong(reason),
	};
	match engine.verify(Lane::Chain, probe.request.clone(), tokens, proof).await {
		Ok(TextVerdict::Accepted) => Verdict::Honest { latency_ms },
		Ok(TextVerdict::Rejected(reason)) => Verdict::Wrong(reason),
		Err(err) => Verdict::Unreachable(format!("local check failed: {err}")),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::openai::ReceiptJson;
	use crate::openai_text::{AssistantMessage, ChatChoice, TextProof, TextUsage};
	use inferchain_engine::hex;
	use inferchain_inference::{Receipt, SamplingParams};
	use subxt_signer::sr25519::dev;

	const MODEL: ModelId = [9; 32];

	fn probe() -> Probe {
		Probe {
			request: GenerationRequest {
				prompt: vec![1, 2, 3],
				params: SamplingParams { temperature_milli: 700, top_p_milli: 1000, seed: 4 },
				max_tokens: 8,
				stop: vec![],
				binding: [0; 32],
			},
		}
	}

	/// The answer an honest miner signs for `probe` with `tokens` (text: token ids as letters).
	fn answer(probe: &Probe, tokens: Vec<u32>, proof: Vec<u8>) -> ChatResponse {
		let keypair = dev::bob();
		let request = &probe.request;
		let receipt = Receipt {
			request_hash: text_request_hash(
				&MODEL,
				&request.prompt,
				&request.params,
				8,
				&request.stop,
			),
			output_commitment: generation_commitment(&tokens, &proof),
			model_id: MODEL,
			block: 1,
		};
		let signature = keypair.sign(&receipt.signing_payload());
		ChatResponse {
			id: "chatcmpl-1".into(),
			object: "chat.completion".into(),
			created: 0,
			model: "m".into(),
			choices: vec![ChatChoice {
				index: 0,
				message: AssistantMessage { role: "assistant".into(), content: letters(&tokens) },
				finish_reason: "length".into(),
				logprobs: None,
			}],
			usage: TextUsage {
				prompt_tokens: 3,
				completion_tokens: tokens.len(),
				total_tokens: 3 + tokens.len(),
			},
			inferchain: TextProof {
				prompt_tokens: request.prompt.clone(),
				tokens,
				proof: base64::engine::general_purpose::STANDARD.encode(&proof),
				sampling: request.params,
				max_tokens: 8,
				stop: vec![],
				receipt: ReceiptJson {
					request_hash: format!("0x{}", hex(&receipt.request_hash)),
					output_commitment: format!("0x{}", hex(&receipt.output_commitment)),
					model_id: format!("0x{}", hex(&MODEL)),
					block: 1,
					hotkey: crate::keys::address(&keypair),
					signature: format!("0x{}", hex(&signature.0)),
				},
			},
		}
	}

	fn letters(tokens: &[u32]) -> String {
		tokens.iter().map(|t| char::from(b'a' + (*t % 26) as u8)).collect()
	}

	fn check(response: &ChatResponse) -> Result<(Vec<u32>, Vec<u8>), String> {
		let bob = crate::keys::address(&dev::bob());
		check_fields(response, &probe(), &bob, &MODEL, &TextRule::CPU_F32, |tokens| {
			Some(letters(tokens))
		})
	}

	#[test]
	fn an_honest_answer_passes_the_field_checks() {
		let response = answer(&probe(), vec![1, 2, 3], vec![7; 10]);
		assert_eq!(check(&response), Ok((vec![1, 2, 3], vec![7; 10])));
	}

	#[test]
	fn every_field_is_bound() {
		let honest = answer(&probe(), vec![1, 2, 3], vec![7; 10]);
		let mut other_prompt = honest.clone();
		other_prompt.inferchain.prompt_tokens = vec![1, 2];
		let mut other_seed = honest.clone();
		other_seed.inferchain.sampling.seed = 5;
		let mut swapped_tokens = honest.clone();
		swapped_tokens.inferchain.tokens = vec![1, 2, 4];
		let mut other_text = honest.clone();
		other_text.choices[0].message.content = "something else".into();
		let mut foreign = honest.clone();
		foreign.inferchain.receipt.hotkey = crate::keys::address(&dev::charlie());
		let mut miscounted = honest.clone();
		miscounted.usage.completion_tokens = 2;
		for (case, response) in [
			("prompt", other_prompt),
			("seed", other_seed),
			("tokens", swapped_tokens),
			("text", other_text),
			("signer", foreign),
			("usage", miscounted),
		] {
			assert!(check(&response).is_err(), "{case} passed");
		}
	}
}
