//! The `request` tool for dApps: submit a paid inference request, follow finalized blocks until
//! its result reaches the asked stage, check the output against its on-chain commitment under
//! the model's rule, and print the result with its verification status as JSON.

use crate::{
	blocks::{Blocks, Follow},
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
	let call_args = vec![
		Value::u128(u128::from(args.chain.netuid)),
		Value::from_bytes(args.input.as_bytes()),
		Value::u128(args.max_fee),
	];
	let events = chain
		.submit(&requester, "Inference", "submit_request", call_args)
		.await
		.context("submitting the request")?;
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
	if !args.print_output {
		let dimensions = result.output.as_ref().map(Vec::len);
		json["output"] = serde_json::json!(null);
		json["dimensions"] = serde_json::json!(dimensions);
	}
	println!("{}", serde_json::to_string_pretty(&json)?);
	Ok(())
}

/// Whether `result` is at (or past) the stage asked for.
fn reached(result: &ResultInfo, wait: WaitFor) -> bool {
	let settled = matches!(result.status.as_str(), "final" | "rejected" | "expired");
	match wait {
		WaitFor::Answered => result.output.is_some() || settled,
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
	let (Some(output), Some(claimed)) = (&result.output, &result.output_commitment) else {
		return Ok(None);
	};
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
