//! Audits and challenge committees this validator sits on. For each `Inference.AuditAssigned`
//! or `Inference.CommitteeFormed` naming this hotkey: re-execute the request's input locally,
//! compare with the miner's on-chain output under the model's rule, commit
//! `verdict_commitment(hotkey, request, verdict, salt)` at once and reveal the verdict after the
//! commit period (before the reveal period ends).

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
	/// Where outcomes are counted.
	pub metrics: Arc<Metrics>,
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
		let output = request
			.result
			.and_then(|result| result.output)
			.ok_or_else(|| anyhow::anyhow!("request {id} under review has no output"))?;
		let mine = self.batcher.embed(vec![request.input]).await?;
		let agrees = outputs_agree(&self.rule, &output, &mine.values);
		let verdict = Verdict {
			agrees,
			output_commitment: output_commitment(&self.rule, mine.shape(), &mine.values),
		};
		let mut salt = [0u8; 32];
		rand::thread_rng().fill_bytes(&mut salt);
		let commitment = verdict_commitment(&self.hotkey.public_key().0, id, &verdict, &salt);
		let args = vec![Value::u128(u128::from(id)), Value::from_bytes(commitment)];
		chain.submit(&self.hotkey, "Inference", "commit_verdict", args).await?;
		tracing::info!(request = id, kind = %review.kind, agrees, "verdict committed");

		// Reveal once the commit period is over.
		loop {
			let now = chain.finalized_number().await?;
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
		chain.submit(&self.hotkey, "Inference", "reveal_verdict", args).await?;
		tracing::info!(
			request = id,
			agrees,
			commitment = %format!("0x{}", hex(&verdict.output_commitment)),
			"verdict revealed"
		);
		Ok(Some(agrees))
	}

	/// [`Self::review`], counting the outcome.
	pub async fn review_counted(&self, chain: &Chain, id: u64) {
		let outcome = match self.review(chain, id).await {
			Ok(Some(true)) => "agrees",
			Ok(Some(false)) => "disagrees",
			Ok(None) => return,
			Err(err) => {
				tracing::warn!(request = id, "review failed: {err:#}");
				"failed"
			},
		};
		self.metrics.reviews.get_or_create(&Outcome::of(outcome)).inc();
	}
}
