//! Audits and challenge committees this validator sits on. For each `Inference.AuditAssigned`
//! or `Inference.CommitteeFormed` naming this hotkey: judge the miner's on-chain answer
//! ([`Judge`]: embeddings re-executed and compared under the model's rule; a generation's
//! tokens and proof checked by one teacher-forced prefill), commit
//! `verdict_commitment(hotkey, request, verdict, salt)` at once and reveal the verdict after the
//! commit period (before the reveal period ends). Also watches a sample of the subnet's answered
//! results (`Inference.ResultSubmitted`) and challenges those it re-executes differently.

use crate::{
	calls,
	chain::{account_bytes, Chain},
	keys,
	metrics::{Metrics, Outcome},
};
use anyhow::anyhow;
use inferchain_engine::{hex, Batcher, Lane, TextEngine, TextVerdict};
use inferchain_inference::{
	generation_commitment, output_commitment, outputs_agree, verdict_commitment, ComparisonRule,
	Hash32, ModelId, Verdict,
};
use inferchain_rpc_api::{NetUid, RequestId, RequestJson, RequestState};
use rand::RngCore;
use std::{sync::Arc, time::Duration};
use subxt_signer::sr25519::Keypair;

/// How a result under review is judged.
pub enum Judge {
	/// Embeddings: re-executed by the local engine and compared under the model's rule.
	Embedding {
		/// The local engine.
		batcher: Batcher,
		/// The model's comparison rule.
		rule: ComparisonRule,
	},
	/// Text generation: the miner's tokens and proof checked by one teacher-forced prefill of
	/// the request as the chain fixed it ([`crate::text_task`]).
	Text(Box<TextEngine>),
}

impl Judge {
	/// Whether the answer to `request` is right, and the commitment of what was judged (our
	/// own output for embeddings, the miner's generation for text).
	async fn judge(
		&self,
		request: &RequestJson,
		model_id: &ModelId,
	) -> anyhow::Result<(bool, Hash32)> {
		let result = request.result.as_ref().ok_or_else(|| anyhow!("the request has no result"))?;
		match self {
			Self::Embedding { batcher, rule } => {
				let output = result.output.as_ref().ok_or_else(|| anyhow!("no output values"))?;
				let mine = batcher.embed(vec![request.input.clone()]).await?;
				let agrees = outputs_agree(rule, output, &mine.values);
				Ok((agrees, output_commitment(rule, mine.shape(), &mine.values)))
			},
			Self::Text(engine) => {
				let tokens = result.tokens.clone().ok_or_else(|| anyhow!("no generated tokens"))?;
				let proof = result.proof.clone().ok_or_else(|| anyhow!("no proof"))?.0;
				let miner = account_bytes(result.miner.as_deref().unwrap_or_default())?;
				let frontend = engine.frontend().clone();
				let (model, info) = (*model_id, request.clone());
				let generation = tokio::task::spawn_blocking(move || {
					crate::text_task::generation_request(&frontend, &model, &info, &miner)
				})
				.await??;
				let commitment = generation_commitment(&tokens, &proof);
				let verdict = engine.verify(Lane::Chain, generation, tokens, proof).await?;
				if let TextVerdict::Rejected(reason) = &verdict {
					tracing::info!(%reason, "the generation fails the prefill check");
				}
				Ok((verdict == TextVerdict::Accepted, commitment))
			},
		}
	}
}

/// What reviewing needs.
pub struct Reviewer {
	/// The validator's hotkey.
	pub hotkey: Keypair,
	/// How answers are judged.
	pub judge: Judge,
	/// The local model's id, `0x`-hex: requests for another model (a subnet whose task changed
	/// after they were submitted) are not ours to judge.
	pub model_id: ModelId,
	/// Where outcomes are counted.
	pub metrics: Arc<Metrics>,
	/// TESTING ONLY (`--lie`): every verdict and watch decision inverted.
	pub lie: bool,
}

impl Reviewer {
	/// Reviews request `id` if this hotkey sits on its open panel and has not committed yet;
	/// returns the verdict given (`None`: nothing to do).
	pub async fn review(&self, chain: &Chain, id: RequestId) -> anyhow::Result<Option<bool>> {
		let me = keys::address(&self.hotkey);
		let Some(request) = chain.request(id).await? else { return Ok(None) };
		let Some(review) = request.review.clone() else { return Ok(None) };
		if !review.panel.iter().any(|seat| seat.validator == me && !seat.committed) {
			return Ok(None);
		}
		if request.model_id.0 != self.model_id {
			anyhow::bail!(
				"request {id} is for model {}, this validator runs 0x{}: not re-executed",
				request.model_id,
				hex(&self.model_id)
			);
		}
		let (right, judged) = self.judge.judge(&request, &self.model_id).await?;
		let agrees = right != self.lie;
		let verdict = Verdict { agrees, output_commitment: judged };
		let mut salt = [0u8; 32];
		rand::thread_rng().fill_bytes(&mut salt);
		let commitment = verdict_commitment(&self.hotkey.public_key().0, id.0, &verdict, &salt);
		chain.submit_in_best_block(&self.hotkey, calls::commit_verdict(id, commitment)).await?;
		tracing::info!(request = %id, kind = ?review.kind, agrees, "verdict committed");

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
		chain.submit_in_best_block(&self.hotkey, calls::reveal_verdict(id, &verdict, salt)).await?;
		tracing::info!(
			request = %id,
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
	pub async fn watch(
		&self,
		chain: &Chain,
		id: RequestId,
		netuid: NetUid,
	) -> anyhow::Result<Option<bool>> {
		let Some(request) = chain.request(id).await? else { return Ok(None) };
		if request.netuid != netuid
			|| request.status != RequestState::Answered
			|| request.model_id.0 != self.model_id
		{
			return Ok(None);
		}
		if request.result.is_none() {
			return Ok(None);
		}
		let (right, _) = self.judge.judge(&request, &self.model_id).await?;
		if right != self.lie {
			return Ok(Some(true));
		}
		chain.submit(&self.hotkey, calls::challenge(id)).await?;
		tracing::info!(request = %id, "result disagrees with re-execution: challenged");
		Ok(Some(false))
	}

	/// [`Self::watch`], counting the outcome (`watched_agrees`, `challenged`, `watch_failed`).
	pub async fn watch_counted(&self, chain: &Chain, id: RequestId, netuid: NetUid) {
		let outcome = self.watch(chain, id, netuid).await;
		self.count(id, outcome, ["watched_agrees", "challenged", "watch_failed"]);
	}

	/// Counts `outcome` under `[agreed, disagreed, failed]` (nothing done: not counted).
	fn count(&self, id: RequestId, outcome: anyhow::Result<Option<bool>>, names: [&str; 3]) {
		let [agreed, disagreed, failed] = names;
		let name = match outcome {
			Ok(Some(true)) => agreed,
			Ok(Some(false)) => disagreed,
			Ok(None) => return,
			Err(err) => {
				tracing::warn!(request = %id, "{failed}: {err:#}");
				failed
			},
		};
		self.metrics.reviews.get_or_create(&Outcome::of(name)).inc();
	}

	/// [`Self::review`], counting the outcome.
	pub async fn review_counted(&self, chain: &Chain, id: RequestId) {
		let outcome = self.review(chain, id).await;
		self.count(id, outcome, ["agrees", "disagrees", "failed"]);
	}
}
