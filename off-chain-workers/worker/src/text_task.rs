//! On-chain text-generation requests as the engine runs them: the prompt tokens (the chat
//! template over the messages, or the plain text), the sampling parameters with the seed fixed
//! on chain, and the proof binding of the answering miner. The miner that generates and every
//! validator that checks build the request here, so they cannot disagree on it.

use anyhow::anyhow;
use inferchain_engine::{ChatMessage, GenerationRequest, TextFrontend};
use inferchain_inference::{proof_binding, text_request_hash, ModelId, SamplingParams};
use inferchain_rpc_api::RequestJson;

/// The engine request of chain request `request` (a text-generation request) for the miner
/// with public key `miner`.
pub fn generation_request(
	frontend: &TextFrontend,
	model_id: &ModelId,
	request: &RequestJson,
	miner: &[u8; 32],
) -> anyhow::Result<GenerationRequest> {
	let text = request.text.as_ref().ok_or_else(|| anyhow!("not a text-generation request"))?;
	let prompt = if text.messages.is_empty() {
		frontend.encode(&request.input)?
	} else {
		let messages: Vec<ChatMessage> = text
			.messages
			.iter()
			.map(|message| ChatMessage::new(message.role.as_str(), &message.content))
			.collect();
		frontend.chat_prompt(&messages)?
	};
	let params = SamplingParams {
		temperature_milli: text.temperature_milli,
		top_p_milli: text.top_p_milli,
		seed: text.seed,
	};
	Ok(bound_request(model_id, miner, prompt, params, text.max_tokens, text.stop.clone()))
}

/// The engine request for `prompt` under `params`, `max_tokens` and `stop`, its proof bound
/// to the miner with public key `miner` and to the request's hash under `model_id` (what the
/// miner's receipt signs and every checker recomputes).
pub fn bound_request(
	model_id: &ModelId,
	miner: &[u8; 32],
	prompt: Vec<u32>,
	params: SamplingParams,
	max_tokens: u32,
	stop: Vec<String>,
) -> GenerationRequest {
	let request_hash = text_request_hash(model_id, &prompt, &params, max_tokens, &stop);
	GenerationRequest {
		prompt,
		params,
		max_tokens: usize::try_from(max_tokens).unwrap_or(usize::MAX),
		stop,
		binding: proof_binding(miner, &request_hash),
	}
}

/// Tokens a chat template may add per message (role markers and separators).
const TEMPLATE_TOKENS_PER_MESSAGE: usize = 8;
/// Tokens a chat template may add once (a default system prompt, the assistant's turn).
const TEMPLATE_TOKENS: usize = 64;

/// The most context an on-chain request can need: a prompt of `max_input` bytes (a byte-level
/// tokenizer makes at most one token per byte) in up to `max_messages` messages with the
/// template's own tokens, then `max_generated` new tokens.
pub fn chain_context_need(max_input: usize, max_messages: usize, max_generated: usize) -> usize {
	max_input
		.saturating_add(max_messages.saturating_mul(TEMPLATE_TOKENS_PER_MESSAGE))
		.saturating_add(TEMPLATE_TOKENS)
		.saturating_add(max_generated)
}

/// Fails unless `frontend` can run every text request the chain accepts (see
/// [`chain_context_need`]): a miner that could not would miss deadlines and be fined, a
/// validator that could not judge would be penalised for its silence.
pub async fn ensure_serves_chain_requests(
	chain: &crate::chain::Chain,
	frontend: &TextFrontend,
) -> anyhow::Result<()> {
	let max_generated = chain.inference_constant("MaxGeneratedTokens").await?;
	let need = chain_context_need(
		chain.inference_constant("MaxInputLen").await?,
		chain.inference_constant("MaxMessages").await?,
		max_generated,
	);
	anyhow::ensure!(
		frontend.max_context() >= need && frontend.max_new_tokens() >= max_generated,
		"this model serves {} tokens of context and {} new tokens; the chain's requests may need \
		 {need} and {max_generated}: raise --max-context and --max-new-tokens (a model with a \
		 shorter context cannot serve this chain)",
		frontend.max_context(),
		frontend.max_new_tokens()
	);
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_runtimes_longest_request_fits_smollm2s_context() {
		// The runtime's MaxInputLen, MaxMessages and MaxGeneratedTokens; SmolLM2's 8192.
		let need = chain_context_need(2048, 16, 512);
		assert_eq!(need, 2048 + 128 + 64 + 512);
		assert!(need <= 8192);
	}
}
