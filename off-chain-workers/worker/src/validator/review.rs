//! Audits and challenge committees this validator sits on. For each `Inference.AuditAssigned`
//! or `Inference.CommitteeFormed` naming this hotkey: re-execute the request's input locally,
//! compare with the miner's on-chain output under the model's rule, commit
//! `verdict_commitment(hotkey, request, verdict, salt)` at once and reveal the verdict after the
//! commit period (before the reveal period ends). Also watches a sample of the subnet's answered
//! results (`Inference.ResultSubmitted`) and challenges those it re-executes differently.

use crate::{chain::Chain, keys, metrics::Metrics, metrics::Outcome};
use inferchain_engine::{hex, Batcher};
use inferchain_inference::{
	output_commitment, outputs_agree, verdict_commitment, ComparisonRule, Verdict,
};
use rand::RngCore;
use std::{sync::Arc, time::Duration};
use subxt::dynamic::Value;
use subxt_signer::sr25519::Keypair;

/// What reviewing needs.
pub struct Reviewer {
	/// The validator's hotkey.
	pub hotkey: Keypair,
	/// The local engine.
	pub batcher: Batcher,
	/// The model's comparison rule.
	pub rule: ComparisonRule,
	/// The local model's id, `0x`-hex: requests for another model (a subnet whose task changed
	/// after they were submitted) are not ours to judge.
	pub model_id: String,
	/// Where outcomes are counted.
	pub metrics: Arc<Metrics>,
	/// TESTING ONLY (`--lie`): every verdict and watch decision inverted.
	pub lie: bool,
}

impl Reviewer {
	/// Reviews request `id` if this hotkey sits on its open panel and has not committed yet;
	/// returns the verdict given (`None`: nothing to do).
	pub async fn review(&self, chain: &Chain, id: u64) -> anyhow::Result<Option<bool>> {
		let me = keys::address(&self.hotkey);
		let Some(request) = chain.request(id).await? else { return Ok(None) };
		let Some(review) = request.review else { return Ok(None) };
		if !review.panel.iter().any(|seat| seat.validator == me && !seat.committed) {
			return Ok(None);
		}
		if request.model_id != self.model_id {
			anyhow::bail!(
				"request {id} is for model {}, this validator runs {}: not re-executed",
				request.model_id,
				self.model_id
			);
		}
		let output = request
			.result
			.and_then(|result| result.output)
			.ok_or_else(|| anyhow::anyhow!("request {id} under review has no output"))?;
		let mine = self.batcher.embed(vec![request.input]).await?;
		let agrees = outputs_agree(&self.rule, &output, &mine.values) != self.lie;
		let verdict = Verdict {
			agrees,
			output_commitment: output_commitment(&self.rule, mine.shape(), &mine.values),
		};
		let mut salt = [0u8; 32];
		rand::thread_rng().fill_bytes(&mut salt);
		let commitment = verdict_commitment(&self.hotkey.public_key().0, id, &verdict, &salt);
		let args = vec![Value::u128(u128::from(id)), Value::from_bytes(commitment)];
		chain.submit_in_best_block(&self.hotkey, "Inference", "commit_verdict", args).await?;
		tracing::info!(request = id, kind = %review.kind, agrees, "verdict committed");

		// Reveal once the commit period is over.
		loop {
			let now = chain.best_number().await?;
			if now > review.reveal_until {
				anyhow::bail!("the reveal period of request {id} ended before we could reveal");
			}
			if now >= review.commit_until {
				break;
			}
			tokio::time::sleep(Duration::from_millis(200)).await;
		}
		let verdict_value = Value::named_composite([
			("agrees", Value::bool(verdict.agrees)),
			("output_commitment", Value::from_bytes(verdict.output_commitment)),
		]);
		let args = vec![Value::u128(u128::from(id)), verdict_value, Value::from_bytes(salt)];
		chain.submit_in_best_block(&self.hotkey, "Inference", "reveal_verdict", args).await?;
		tracing::info!(
			request = id,
			agrees,
			commitment = %format!("0x{}", hex(&verdict.output_commitment)),
			"verdict revealed"
		);
		Ok(Some(agrees))
	}

	/// Watches an answered result of `netuid` (a sample of them, see `--watch-percent`):
	/// re-executes it and challenges it (`Inference.challenge`, holding the bond) when the
	/// output disagrees with ours, so a wrong result is disputed without waiting for an audit.
	/// Returns whether it agreed (`None`: not this subnet's, or no longer challengeable).
	pub async fn watch(&self, chain: &Chain, id: u64, netuid: u16) -> anyhow::Result<Option<bool>> {
		let Some(request) = chain.request(id).await? else { return Ok(None) };
		if request.netuid != netuid
			|| request.status != "answered"
			|| request.model_id != self.model_id
		{
			return Ok(None);
		}
		let Some(output) = request.result.and_then(|result| result.output) else {
			return Ok(None);
		};
		let mine = self.batcher.embed(vec![request.input]).await?;
		if outputs_agree(&self.rule, &output, &mine.values) != self.lie {
			return Ok(Some(true));
		}
		chain
			.submit(&self.hotkey, "Inference", "challenge", vec![Value::u128(u128::from(id))])
			.await?;
		tracing::info!(request = id, "result disagrees with re-execution: challenged");
		Ok(Some(false))
	}

	/// [`Self::watch`], counting the outcome (`watched_agrees`, `challenged`, `watch_failed`).
	pub async fn watch_counted(&self, chain: &Chain, id: u64, netuid: u16) {
		let outcome = self.watch(chain, id, netuid).await;
		self.count(id, outcome, ["watched_agrees", "challenged", "watch_failed"]);
	}

	/// Counts `outcome` under `[agreed, disagreed, failed]` (nothing done: not counted).
	fn count(&self, id: u64, outcome: anyhow::Result<Option<bool>>, names: [&str; 3]) {
		let [agreed, disagreed, failed] = names;
		let name = match outcome {
			Ok(Some(true)) => agreed,
			Ok(Some(false)) => disagreed,
			Ok(None) => return,
			Err(err) => {
				tracing::warn!(request = id, "{failed}: {err:#}");
				failed
			},
		};
		self.metrics.reviews.get_or_create(&Outcome::of(name)).inc();
	}

	/// [`Self::review`], counting the outcome.
	pub async fn review_counted(&self, chain: &Chain, id: u64) {
		let outcome = self.review(chain, id).await;
		self.count(id, outcome, ["agrees", "disagrees", "failed"]);
	}
}
