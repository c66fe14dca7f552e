//! The `request` tool for dApps: submit a paid inference request, follow finalized blocks until
//! its result reaches the asked stage, check the output against its on-chain commitment under
//! the model's rule, and print the result with its verification status as JSON.

use crate::{
	blocks::{Blocks, Follow},
	calls,
	chain::Chain,
	cli::{RequestArgs, WaitFor},
	keys,
	market::request_ids,
};
use anyhow::{anyhow, Context};
use inferchain_inference::{output_commitment, ComparisonRule, OutputShape};
use inferchain_rpc_api::{RequestId, ResultJson, Verification};
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
	tracing::info!(request = %id, "request submitted; waiting for its result");

	let started = chain.finalized_number().await?;
	let mut blocks = Blocks::new(&args.chain.chain, Follow::Finalized, Some(chain));
	let (record, result) = loop {
		let (chain, block) = blocks.next().await;
		let record = chain.request(id).await?.ok_or_else(|| anyhow!("request {id} is gone"))?;
		let result = record.result.clone().unwrap_or_else(|| pending(id));
		if reached(&result, args.wait) {
			break (record, result);
		}
		if block.number > started.saturating_add(args.timeout_blocks) {
			anyhow::bail!(
				"request {id} is still `{}` after {} blocks",
				result.status.as_str(),
				args.timeout_blocks
			);
		}
	};
	let verified = commitment_verified(&record.rule, &result);
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

/// The result of a request that has none yet: pending, or settled without an answer.
fn pending(id: RequestId) -> ResultJson {
	ResultJson {
		request_id: id,
		status: Verification::Pending,
		miner: None,
		output: None,
		tokens: None,
		proof: None,
		output_commitment: None,
		submitted_at: None,
		challenge_until: None,
		audits_passed: 0,
		challenges_passed: 0,
	}
}

/// Whether `result` is at (or past) the stage asked for.
fn reached(result: &ResultJson, wait: WaitFor) -> bool {
	let settled = result.status.is_settled();
	match wait {
		WaitFor::Answered => result.output.is_some() || result.tokens.is_some() || settled,
		WaitFor::Final => settled,
	}
}

/// Whether the answer's commitment, recomputed here under the request's `rule`, is the one
/// the miner submitted (`None` when there is no answer).
fn commitment_verified(rule: &ComparisonRule, result: &ResultJson) -> Option<bool> {
	let claimed = result.output_commitment?.0;
	if let (Some(tokens), Some(proof)) = (&result.tokens, &result.proof) {
		return Some(inferchain_inference::generation_commitment(tokens, &proof.0) == claimed);
	}
	let output = result.output.as_ref()?;
	let shape = OutputShape { rows: 1, cols: u32::try_from(output.len()).ok()? };
	Some(output_commitment(rule, shape, output) == claimed)
}

#[cfg(test)]
mod tests {
	use super::*;
	use inferchain_rpc_api::Hex;

	fn result(status: Verification, answered: bool) -> ResultJson {
		ResultJson { status, output: answered.then(|| vec![0.5]), ..pending(RequestId(1)) }
	}

	#[test]
	fn waiting_stops_at_the_asked_stage() {
		assert!(!reached(&result(Verification::Pending, false), WaitFor::Answered));
		assert!(reached(&result(Verification::Pending, true), WaitFor::Answered));
		assert!(!reached(&result(Verification::Auditing, true), WaitFor::Final));
		use Verification::{Expired, Final, Rejected};
		for settled in [Final, Rejected, Expired] {
			assert!(reached(&result(settled, false), WaitFor::Final));
			assert!(reached(&result(settled, false), WaitFor::Answered));
		}
	}

	#[test]
	fn answers_are_checked_against_their_commitment_under_the_requests_rule() {
		let rule = ComparisonRule::Tolerance { max_abs_error_e9: 1_000 };
		let output = vec![0.5f32, -0.25];
		let commitment = output_commitment(&rule, OutputShape { rows: 1, cols: 2 }, &output);
		let answered = ResultJson {
			output: Some(output),
			output_commitment: Some(Hex(commitment)),
			..pending(RequestId(1))
		};
		assert_eq!(commitment_verified(&rule, &answered), Some(true));
		let forged = ResultJson { output: Some(vec![0.5, 0.25]), ..answered.clone() };
		assert_eq!(commitment_verified(&rule, &forged), Some(false));
		assert_eq!(commitment_verified(&rule, &pending(RequestId(1))), None);
		let tokens = vec![1, 2, 3];
		let commitment = inferchain_inference::generation_commitment(&tokens, &[7]);
		let generated = ResultJson {
			tokens: Some(tokens),
			proof: Some(Hex(vec![7])),
			output_commitment: Some(Hex(commitment)),
			..pending(RequestId(1))
		};
		assert_eq!(commitment_verified(&rule, &generated), Some(true));
		let edited = ResultJson { tokens: Some(vec![1, 2, 4]), ..generated };
		assert_eq!(commitment_verified(&rule, &edited), Some(false));
	}
}
