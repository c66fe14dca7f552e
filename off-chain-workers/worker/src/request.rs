//! The `request` tool for dApps: submit a paid inference request, follow finalized blocks until
//! its result reaches the asked stage, check the output against its on-chain commitment under
//! the model's rule, and print the result with its verification status as JSON.

use crate::{
	blocks::{Blocks, Follow},
	calls,
	chain::Chain,
	cli::{RequestArgs, WaitFor},
	keys,
	market::{request_ids, ResultInfo},
};
use anyhow::{anyhow, Context};
use inferchain_inference::{output_commitment, OutputShape};
use subxt::dynamic::Value;

/// Submits the request and prints its result.
pub async fn run(args: RequestArgs) -> anyhow::Result<()> {
	let requester =
		keys::load("requester", args.requester_suri.as_deref(), args.requester_file.as_deref())?;
	let chain = Chain::connect(&args.chain.chain).await?;
	let call = match args.max_tokens {
		Some(max_tokens) => text_request(&args, max_tokens),
		None => calls::submit_request(args.chain.netuid, args.input.as_bytes(), args.max_fee),
	};
	let events = chain.submit(&requester, call).await.context("submitting the request")?;
	let id = *request_ids(&events, "RequestSubmitted")
		.first()
		.ok_or_else(|| anyhow!("no RequestSubmitted event"))?;
	tracing::info!(request = id, "request submitted; waiting for its result");

	let started = chain.finalized_number().await?;
	let mut blocks = Blocks::new(&args.chain.chain, Follow::Finalized, Some(chain));
	let (chain, result) = loop {
		let (chain, block) = blocks.next().await;
		let result = chain.result(id).await?.ok_or_else(|| anyhow!("request {id} is gone"))?;
		if reached(&result, args.wait) {
			break (chain, result);
		}
		if block.number > started.saturating_add(args.timeout_blocks) {
			anyhow::bail!(
				"request {id} is still `{}` after {} blocks",
				result.status,
				args.timeout_blocks
			);
		}
	};
	let verified = commitment_verified(&chain, id, &result).await?;
	let mut json = serde_json::to_value(&result)?;
	json["commitmentVerified"] = serde_json::json!(verified);
	if !args.print_output && result.tokens.is_none() {
		let dimensions = result.output.as_ref().map(Vec::len);
		json["output"] = serde_json::json!(null);
		json["dimensions"] = serde_json::json!(dimensions);
	}
	println!("{}", serde_json::to_string_pretty(&json)?);
	Ok(())
}

/// `Inference.submit_text_request` for `args`.
fn text_request(args: &RequestArgs, max_tokens: u32) -> calls::Call {
	let message = |role: &str, content: &str| {
		Value::named_composite([
			("role", Value::unnamed_variant(role, [])),
			("content", Value::from_bytes(content.as_bytes())),
		])
	};
	let prompt = if args.chat {
		let system = args.system.as_deref().map(|text| message("System", text));
		let messages = system.into_iter().chain([message("User", &args.input)]);
		Value::unnamed_variant("Chat", [Value::unnamed_composite(messages)])
	} else {
		Value::unnamed_variant("Text", [Value::from_bytes(args.input.as_bytes())])
	};
	let milli = |x: f64| Value::u128((x * 1000.0).round().max(0.0) as u128);
	let seed = match args.seed {
		Some(seed) => Value::unnamed_variant("Some", [Value::u128(u128::from(seed))]),
		None => Value::unnamed_variant("None", []),
	};
	let options = Value::named_composite([
		("max_tokens", Value::u128(u128::from(max_tokens))),
		("temperature_milli", milli(args.temperature)),
		("top_p_milli", milli(args.top_p)),
		("seed", seed),
		(
			"stop",
			Value::unnamed_composite(args.stop.iter().map(|s| Value::from_bytes(s.as_bytes()))),
		),
	]);
	calls::submit_text_request(args.chain.netuid, prompt, options, args.max_fee)
}

/// Whether `result` is at (or past) the stage asked for.
fn reached(result: &ResultInfo, wait: WaitFor) -> bool {
	let settled = matches!(result.status.as_str(), "final" | "rejected" | "expired");
	match wait {
		WaitFor::Answered => result.output.is_some() || result.tokens.is_some() || settled,
		WaitFor::Final => settled,
	}
}

/// Whether the output's commitment under the model's rule is the one the miner submitted
/// (`None` when there is no output).
async fn commitment_verified(
	chain: &Chain,
	id: u64,
	result: &ResultInfo,
) -> anyhow::Result<Option<bool>> {
	let Some(claimed) = &result.output_commitment else { return Ok(None) };
	if let (Some(tokens), Some(proof)) = (&result.tokens, &result.proof) {
		let proof = hex::decode(proof.trim_start_matches("0x"))?;
		let commitment = inferchain_inference::generation_commitment(tokens, &proof);
		return Ok(Some(crate::chain::hash_from_hex(claimed)? == commitment));
	}
	let Some(output) = &result.output else { return Ok(None) };
	let request = chain.request(id).await?.ok_or_else(|| anyhow!("request {id} is gone"))?;
	let model = chain
		.models()
		.await?
		.into_iter()
		.find(|model| model.model_id == request.model_id)
		.ok_or_else(|| anyhow!("model {} is not registered", request.model_id))?;
	let shape = OutputShape { rows: 1, cols: u32::try_from(output.len())? };
	let commitment = output_commitment(&model.rule, shape, output);
	Ok(Some(crate::chain::hash_from_hex(claimed)? == commitment))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn result(status: &str, answered: bool) -> ResultInfo {
		ResultInfo {
			request_id: 1,
			status: status.into(),
			miner: None,
			output: answered.then(|| vec![0.5]),
			tokens: None,
			proof: None,
			output_commitment: None,
			submitted_at: None,
			challenge_until: None,
			audits_passed: 0,
			challenges_passed: 0,
		}
	}

	#[test]
	fn waiting_stops_at_the_asked_stage() {
		assert!(!reached(&result("pending", false), WaitFor::Answered));
		assert!(reached(&result("pending", true), WaitFor::Answered));
		assert!(!reached(&result("auditing", true), WaitFor::Final));
		for settled in ["final", "rejected", "expired"] {
			assert!(reached(&result(settled, false), WaitFor::Final));
			assert!(reached(&result(settled, false), WaitFor::Answered));
		}
	}
}
