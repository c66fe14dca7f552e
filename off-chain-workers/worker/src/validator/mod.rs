//! The `validator` role. Each round (every tempo by default): probe a random sample of the
//! subnet's miners with fresh inputs, re-execute every probe locally, check each answer
//! ([`check`]), turn verdicts into weights ([`score`]), discounted by each miner's on-chain
//! audit record, and commit them; reveal them once the subnet's reveal period has passed (or
//! set them directly where commit-reveal is off). Between rounds, sit on the audits and
//! challenge committees the chain assigns to this hotkey ([`review`]).

mod check;
mod probe;
mod review;
mod score;
mod send;
mod text_check;

use crate::{
	blocks::{Blocks, Follow},
	calls,
	chain::Chain,
	cli::ValidatorArgs,
	join::{join, join_subnet, Joined},
	keys,
	market::request_ids,
	metrics::{Metrics, Outcome},
	openai::{EmbeddingsRequest, EmbeddingsResponse, Input},
};
use check::Verdict;
use inferchain_engine::{hex, BatchOptions, Batcher, TextEngine, TextEngineOptions};
use inferchain_inference::{ComparisonRule, ModelId};
use inferchain_rpc_api::{NeuronJson, NeuronRole, RequestId, TaskKind};
use rand::{seq::SliceRandom, Rng};
use review::{Judge, Reviewer};
use send::send_probe;
use std::{
	collections::{HashMap, HashSet},
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};
use subxt_signer::sr25519::Keypair;

/// The scoring version this validator's weights carry (`version_key`); bumped whenever the
/// scoring rules change.
pub const WEIGHTS_VERSION: u64 = 1;

/// Weights committed and waiting for their reveal.
struct PendingReveal {
	uids: Vec<u16>,
	values: Vec<u16>,
	salt: u64,
	version: u64,
	reveal_at: u32,
}

/// How miners' answers are re-checked.
enum Checker {
	/// Embeddings: re-executed and compared under the model's rule.
	Embedding {
		/// The local engine.
		batcher: Batcher,
		/// The comparison rule.
		rule: ComparisonRule,
	},
	/// Text generation: the proof checked by one teacher-forced prefill.
	Text(Box<TextEngine>),
}

/// The validator's fixed parts.
struct Validator {
	args: ValidatorArgs,
	hotkey: Keypair,
	checker: Checker,
	model_id: ModelId,
	http: reqwest::Client,
	metrics: Arc<Metrics>,
	/// Audits and committees of on-chain requests (embedding subnets).
	reviewer: Option<Arc<Reviewer>>,
	/// Each miner's (hotkey's) score in the last round it was scored, before the discount for
	/// its on-chain review record.
	last_scores: Mutex<HashMap<String, u32>>,
}

/// Time an embedding miner has to answer a probe, unless `--timeout-ms` says otherwise.
const EMBEDDING_PROBE_TIMEOUT_MS: u64 = 10_000;
/// Time a text miner has to answer a probe, unless `--timeout-ms` says otherwise.
const TEXT_PROBE_TIMEOUT_MS: u64 = 60_000;

/// New tokens a text probe asks for, on average (from a third to twice as many).
const TEXT_PROBE_TOKENS: usize = 48;
/// The largest text answer a validator reads (an honest one of 96 tokens is a few kB).
const MAX_ANSWER_BYTES: u64 = 1 << 20;

/// A `Vec<u16>` call argument (UIDs or weight values).
/// Runs the validator until SIGTERM/Ctrl-C.
pub async fn run(args: ValidatorArgs) -> anyhow::Result<()> {
	if args.model.gguf.is_some() {
		return run_text(args).await;
	}
	let Joined { coldkey, hotkey, model, chain, uid } =
		join(&args.chain, &args.keys, &args.model, args.max_burn).await?;
	let model_id = model.id();
	let rule = model.options().profile.rule;
	chain.ensure_validator_role(args.chain.netuid, &coldkey, &hotkey).await?;
	if let Some(stake) = args.stake {
		chain.ensure_stake(args.chain.netuid, &coldkey, &hotkey, stake).await?;
	}
	let batcher =
		// A validator serves no public API: its queue holds only chain work.
		Batcher::start(
			model,
			BatchOptions { max_batch: 64, max_wait: Duration::from_millis(2), max_queue: 0 },
		)?;
	let metrics = Metrics::new();
	let metrics_server = tokio::spawn(serve_metrics(args.metrics_listen, metrics.clone()));
	let http = reqwest::Client::builder()
		.timeout(Duration::from_millis(args.timeout_ms.unwrap_or(EMBEDDING_PROBE_TIMEOUT_MS)))
		.build()?;
	tracing::info!(uid, netuid = %args.chain.netuid, model_id = %format!("0x{}", hex(&model_id)), "validating");
	let reviewer = Arc::new(Reviewer {
		hotkey: hotkey.clone(),
		judge: Judge::Embedding { batcher: batcher.clone(), rule },
		model_id,
		metrics: metrics.clone(),
		lie: args.lie,
	});
	let checker = Checker::Embedding { batcher, rule };
	let reviewer = Some(reviewer);
	let last_scores = Default::default();
	let validator =
		Validator { args, hotkey, checker, model_id, http, metrics, reviewer, last_scores };
	tokio::select! {
		() = validator.follow(chain) => {},
		() = crate::shutdown_signal() => tracing::info!("validator stopped"),
	}
	metrics_server.abort();
	Ok(())
}

/// Runs the validator of a text-generation subnet: probes miners with fresh chat prompts and
/// checks each answer's proof by one prefill.
async fn run_text(args: ValidatorArgs) -> anyhow::Result<()> {
	// A validator serves no public API: its queue holds only its own checks.
	let limits = TextEngineOptions { max_batch: 4, max_queue: 0 };
	let engine = crate::loader::load_text(&args.model, limits).await?;
	let model_id = engine.id();
	let joined =
		join_subnet(&args.chain, &args.keys, &model_id, TaskKind::TextGeneration, args.max_burn)
			.await?;
	let (coldkey, hotkey, chain) = (joined.coldkey, joined.hotkey, joined.chain);
	crate::text_task::ensure_serves_chain_requests(&chain, engine.frontend()).await?;
	chain.ensure_validator_role(args.chain.netuid, &coldkey, &hotkey).await?;
	if let Some(stake) = args.stake {
		chain.ensure_stake(args.chain.netuid, &coldkey, &hotkey, stake).await?;
	}
	let metrics = Metrics::new();
	let metrics_server = tokio::spawn(serve_metrics(args.metrics_listen, metrics.clone()));
	let http = reqwest::Client::builder()
		.timeout(Duration::from_millis(args.timeout_ms.unwrap_or(TEXT_PROBE_TIMEOUT_MS)))
		.build()?;
	tracing::info!(uid = joined.uid, netuid = %args.chain.netuid, model_id = %format!("0x{}", hex(&model_id)), "validating text generation");
	let reviewer = Arc::new(Reviewer {
		hotkey: hotkey.clone(),
		judge: Judge::Text(Box::new(engine.clone())),
		model_id,
		metrics: metrics.clone(),
		lie: args.lie,
	});
	let checker = Checker::Text(Box::new(engine));
	let (reviewer, last_scores) = (Some(reviewer), Default::default());
	let validator =
		Validator { args, hotkey, checker, model_id, http, metrics, reviewer, last_scores };
	tokio::select! {
		() = validator.follow(chain) => {},
		() = crate::shutdown_signal() => tracing::info!("validator stopped"),
	}
	metrics_server.abort();
	Ok(())
}

/// `/metrics` and `/health` on `addr`.
async fn serve_metrics(addr: std::net::SocketAddr, metrics: Arc<Metrics>) {
	let app = axum::Router::new()
		.route("/metrics", axum::routing::get(move || async move { metrics.encode() }))
		.route("/health", axum::routing::get(|| async { "ok" }));
	match tokio::net::TcpListener::bind(addr).await {
		Ok(listener) => {
			if let Err(err) = axum::serve(listener, app).await {
				tracing::warn!("metrics server: {err}");
			}
		},
		Err(err) => tracing::warn!("metrics server cannot listen on {addr}: {err}"),
	}
}

impl Validator {
	/// Follows best blocks forever (reconnecting, replaying what it missed): starts reviews as
	/// soon as a block assigns them (commit and reveal periods count best blocks, and finality
	/// may lag behind), and runs rounds and reveals when due. The two run side by side, so a slow
	/// round never delays a review past its commit period.
	async fn follow(&self, chain: Chain) {
		let (latest, blocks) = tokio::sync::watch::channel(None);
		tokio::join!(self.watch_blocks(chain, latest), self.run_rounds(blocks));
	}

	/// Reads each best block's events, starts the reviews they assign, and publishes the block
	/// to [`Self::run_rounds`].
	async fn watch_blocks(
		&self,
		chain: Chain,
		latest: tokio::sync::watch::Sender<Option<(Chain, u32)>>,
	) {
		let mut blocks = Blocks::new(&self.args.chain.chain, Follow::Best, Some(chain));
		let reviewing: Arc<Mutex<HashSet<RequestId>>> = Arc::default();
		loop {
			let (chain, block) = blocks.next().await;
			self.metrics.block_seen.set(i64::from(block.number));
			match block.events().await {
				Ok(events) => self.start_reviews(&chain, &events, &reviewing),
				Err(err) => tracing::warn!(block = block.number, "cannot read events: {err:#}"),
			}
			latest.send_replace(Some((chain, block.number)));
		}
	}

	/// Runs a round when one is due and reveals committed weights when their period is over,
	/// at the latest finalized block (blocks that pass during a round are skipped).
	async fn run_rounds(&self, mut blocks: tokio::sync::watch::Receiver<Option<(Chain, u32)>>) {
		let mut next_round = 0u32;
		let mut pending: Option<PendingReveal> = None;
		while blocks.changed().await.is_ok() {
			let Some((chain, number)) = blocks.borrow_and_update().clone() else { continue };
			if let Some(reveal) = pending.take_if(|p| number >= p.reveal_at) {
				if let Err(err) = self.reveal(&chain, &reveal).await {
					tracing::warn!("reveal failed: {err:#}");
				}
			}
			if round_due(number, next_round, pending.as_ref()) {
				match self.round(&chain, number).await {
					Ok((interval, committed)) => {
						next_round = number.saturating_add(interval.max(1));
						if committed.is_some() {
							pending = committed;
						}
					},
					Err(err) => {
						tracing::warn!("round failed: {err:#}");
						next_round = number.saturating_add(1);
					},
				}
			}
		}
	}

	/// Starts a review task for each audit or committee among `events` (those not for this
	/// hotkey end at once), and a watch task for a `--watch-percent` sample of the answered
	/// results.
	fn start_reviews(
		&self,
		chain: &Chain,
		events: &[crate::chain::EventInfo],
		reviewing: &Arc<Mutex<HashSet<RequestId>>>,
	) {
		let Some(reviewer) = &self.reviewer else { return };
		let ids = request_ids(events, "AuditAssigned")
			.into_iter()
			.chain(request_ids(events, "CommitteeFormed"));
		let netuid = self.args.chain.netuid;
		for id in request_ids(events, "ResultSubmitted") {
			if rand::random::<f64>() * 100.0 >= f64::from(self.args.watch_percent) {
				continue;
			}
			let (chain, reviewer) = (chain.clone(), reviewer.clone());
			tokio::spawn(async move { reviewer.watch_counted(&chain, id, netuid).await });
		}
		for id in ids {
			if !reviewing.lock().map(|mut set| set.insert(id)).unwrap_or(false) {
				continue;
			}
			let (chain, reviewer, reviewing) = (chain.clone(), reviewer.clone(), reviewing.clone());
			tokio::spawn(async move {
				reviewer.review_counted(&chain, id).await;
				if let Ok(mut set) = reviewing.lock() {
					set.remove(&id);
				}
			});
		}
	}

	/// One round at block `number`: returns the blocks until the next one and the weights
	/// committed (to reveal later), if any.
	async fn round(
		&self,
		chain: &Chain,
		number: u32,
	) -> anyhow::Result<(u32, Option<PendingReveal>)> {
		let netuid = self.args.chain.netuid;
		let subnet = chain
			.subnet(netuid)
			.await?
			.ok_or_else(|| anyhow::anyhow!("subnet {netuid} is gone"))?;
		// Weights can change at most once per rate-limit window.
		let interval = self
			.args
			.interval
			.unwrap_or(u32::from(subnet.hyperparams.tempo))
			.max(subnet.hyperparams.weights_rate_limit);
		let me = keys::address(&self.hotkey);
		let neurons = chain.neurons(netuid).await?;
		if !neurons.iter().any(|n| n.hotkey == me && n.validator_permit) {
			tracing::warn!(
				block = number,
				"this hotkey holds no validator permit (too little stake, or before the subnet's first epoch): weights will be refused"
			);
		}
		let mut miners: Vec<NeuronJson> = neurons
			.into_iter()
			.filter(|n| n.hotkey != me && n.role != NeuronRole::Validator)
			.filter(|n| n.endpoint.as_ref().and_then(|e| e.base_url()).is_some())
			.collect();
		miners.shuffle(&mut rand::thread_rng());
		miners.truncate(self.args.sample);
		self.metrics.rounds.inc();
		if miners.is_empty() {
			tracing::info!(block = number, "no miners with endpoints yet");
			return Ok((interval, None));
		}
		let verdicts =
			futures::future::join_all(miners.iter().map(|miner| self.check_miner(miner))).await;
		let mut scores = Vec::with_capacity(miners.len());
		for (miner, verdict) in miners.iter().zip(&verdicts) {
			let label = match verdict {
				Verdict::Honest { .. } => "honest",
				Verdict::Wrong(_) => "wrong",
				Verdict::Unreachable(_) => "unreachable",
				Verdict::Busy(_) => "busy",
			};
			self.metrics.checks.get_or_create(&Outcome::of(label)).inc();
			let audits = chain.miner_stats(netuid, &miner.hotkey).await.unwrap_or_default();
			let score = {
				let mut last_scores =
					self.last_scores.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
				let raw = match verdict {
					Verdict::Busy(_) => score::busy(last_scores.get(&miner.hotkey).copied()),
					_ => score::score(verdict, self.args.target_latency_ms),
				};
				last_scores.insert(miner.hotkey.clone(), raw);
				// The review record discounts a busy miner's carried score as any other.
				score::with_audits(raw, audits.audits_passed, audits.audits_failed)
			};
			tracing::info!(
				block = number,
				uid = miner.uid,
				?verdict,
				?audits,
				score,
				"checked miner"
			);
			scores.push((miner.uid, score));
		}
		let required = subnet.hyperparams.weights_version;
		let version = self.args.weights_version;
		if version < required {
			anyhow::bail!(
				"subnet {netuid} requires weights version {required}; this validator is {version}: upgrade it"
			);
		}
		let (uids, values) = score::weights(&scores);
		if uids.is_empty() {
			tracing::info!(block = number, "no miner answered correctly; no weights this round");
			return Ok((interval, None));
		}
		if !subnet.hyperparams.commit_reveal {
			chain.submit(&self.hotkey, calls::set_weights(netuid, &uids, &values, version)).await?;
			self.metrics.weights_submitted.inc();
			tracing::info!(block = number, ?uids, ?values, "weights set");
			return Ok((interval, None));
		}
		let salt: u64 = rand::thread_rng().gen();
		let hash = inferchain_inference::weights_commitment(
			&self.hotkey.public_key().0,
			netuid.0,
			&uids,
			&values,
			salt,
			version,
		);
		chain.submit(&self.hotkey, calls::commit_weights(netuid, hash)).await?;
		self.metrics.weights_submitted.inc();
		let committed_by = chain.finalized_number().await?;
		let reveal_at = committed_by.saturating_add(subnet.hyperparams.reveal_period);
		tracing::info!(block = number, ?uids, ?values, reveal_at, "weights committed");
		Ok((interval, Some(PendingReveal { uids, values, salt, version, reveal_at })))
	}

	/// Reveals committed weights.
	async fn reveal(&self, chain: &Chain, pending: &PendingReveal) -> anyhow::Result<()> {
		let reveal = calls::reveal_weights(
			self.args.chain.netuid,
			&pending.uids,
			&pending.values,
			pending.salt,
			pending.version,
		);
		chain.submit(&self.hotkey, reveal).await?;
		self.metrics.weights_submitted.inc();
		tracing::info!(uids = ?pending.uids, "weights revealed");
		Ok(())
	}

	/// Probes one miner with fresh inputs and checks its answer.
	async fn check_miner(&self, miner: &NeuronJson) -> Verdict {
		let Some(url) = miner.endpoint.as_ref().and_then(|e| e.base_url()) else {
			return Verdict::Unreachable("no HTTP endpoint".into());
		};
		// A miner busy for a moment gets fresh probes (see `send`), not the same one again.
		let mut tries = 0;
		loop {
			let verdict = match &self.checker {
				Checker::Embedding { batcher, rule } => {
					self.check_embeddings(miner, &url, batcher, rule).await
				},
				Checker::Text(engine) => self.check_text(miner, &url, engine).await,
			};
			tries += 1;
			match verdict {
				Verdict::Busy(reason) if tries >= send::PROBE_TRIES => {
					return Verdict::Busy(format!("{reason} to {tries} fresh probes"));
				},
				Verdict::Busy(_) => continue,
				verdict => return verdict,
			}
		}
	}

	/// Probes a text miner with a fresh chat prompt and checks the answer's proof.
	async fn check_text(&self, miner: &NeuronJson, url: &str, engine: &TextEngine) -> Verdict {
		use inferchain_inference::{request_seed, SamplingParams};
		// Probes vary as client requests do: length, temperature, top_p, seed given or not,
		// the model by name or by id.
		let (question, temperature_milli, top_p_milli, max_tokens, given_seed, by_name) = {
			let mut rng = rand::thread_rng();
			let question = probe::question(&mut rng);
			let temperature_milli = *[0u32, 300, 700, 1000].choose(&mut rng).unwrap_or(&0);
			let top_p_milli = *[1000u32, 950, 900].choose(&mut rng).unwrap_or(&1000);
			let max_tokens = rng.gen_range(TEXT_PROBE_TOKENS / 3..=TEXT_PROBE_TOKENS * 2);
			let seed: Option<u64> = rng.gen_bool(0.5).then(|| rng.gen());
			(question, temperature_milli, top_p_milli, max_tokens, seed, rng.gen_bool(0.5))
		};
		let messages = [inferchain_engine::ChatMessage::new("user", &question)];
		let prompt = match engine.frontend().chat_prompt(&messages) {
			Ok(prompt) => prompt,
			Err(err) => return Verdict::Unreachable(format!("cannot render the probe: {err}")),
		};
		let max_tokens_u32 = u32::try_from(max_tokens).unwrap_or(u32::MAX);
		// Without a seed, the miner must draw the one the request itself gives.
		let seed = given_seed.unwrap_or_else(|| {
			request_seed(
				&self.model_id,
				&prompt,
				temperature_milli,
				top_p_milli,
				max_tokens_u32,
				&[],
			)
		});
		let params = SamplingParams { temperature_milli, top_p_milli, seed };
		let miner_key = match crate::chain::account_bytes(&miner.hotkey) {
			Ok(key) => key,
			Err(err) => return Verdict::Unreachable(format!("bad hotkey: {err}")),
		};
		let request = crate::text_task::bound_request(
			&self.model_id,
			&miner_key,
			prompt,
			params,
			max_tokens_u32,
			vec![],
		);
		let model =
			if by_name { self.args.model.name() } else { format!("0x{}", hex(&self.model_id)) };
		let mut body = serde_json::json!({
			"model": model,
			"messages": [{ "role": "user", "content": question }],
			"max_tokens": max_tokens,
			"temperature": f64::from(temperature_milli) / 1000.0,
			"top_p": f64::from(top_p_milli) / 1000.0,
		});
		if let Some(seed) = given_seed {
			body["seed"] = serde_json::json!(seed);
		}
		let started = Instant::now();
		let response = match send_probe(
			self.http.post(format!("{url}/v1/chat/completions")).json(&body),
		)
		.await
		{
			Ok(response) => response,
			Err(verdict) => return verdict,
		};
		if response.content_length().is_some_and(|length| length > MAX_ANSWER_BYTES) {
			return Verdict::Wrong("the answer is larger than any honest one".into());
		}
		let bytes = match response.bytes().await {
			Ok(bytes) if bytes.len() as u64 <= MAX_ANSWER_BYTES => bytes,
			Ok(_) => return Verdict::Wrong("the answer is larger than any honest one".into()),
			Err(err) => return Verdict::Unreachable(err.to_string()),
		};
		let answer: crate::openai_text::ChatResponse = match serde_json::from_slice(&bytes) {
			Ok(answer) => answer,
			Err(err) => return Verdict::Unreachable(format!("malformed answer: {err}")),
		};
		let latency_ms = started.elapsed().as_millis() as u64;
		let probe = text_check::Probe { request };
		text_check::check_answer(engine, &answer, &probe, &miner.hotkey, latency_ms).await
	}

	/// Probes an embedding miner with fresh inputs and checks its answer against a local
	/// re-execution.
	async fn check_embeddings(
		&self,
		miner: &NeuronJson,
		url: &str,
		batcher: &Batcher,
		rule: &ComparisonRule,
	) -> Verdict {
		let inputs = probe::sentences(&mut rand::thread_rng(), self.args.probe_inputs.max(1));
		let request = EmbeddingsRequest {
			input: Input::Many(inputs.clone()),
			model: format!("0x{}", hex(&self.model_id)),
			encoding_format: Some("float".into()),
			dimensions: None,
			user: None,
		};
		let started = Instant::now();
		let (answer, expected) = tokio::join!(
			send_probe(self.http.post(format!("{url}/v1/embeddings")).json(&request)),
			batcher.embed(inputs.clone()),
		);
		let expected = match expected {
			Ok(expected) => expected,
			Err(err) => return Verdict::Unreachable(format!("local re-execution failed: {err}")),
		};
		let response = match answer {
			Ok(response) => response,
			Err(verdict) => return verdict,
		};
		let body: EmbeddingsResponse = match response.json().await {
			Ok(body) => body,
			Err(err) => return Verdict::Unreachable(format!("malformed answer: {err}")),
		};
		let latency_ms = started.elapsed().as_millis() as u64;
		match check::verify_answer(&body, &inputs, &miner.hotkey, &self.model_id, rule, &expected) {
			Ok(()) => Verdict::Honest { latency_ms },
			Err(reason) => Verdict::Wrong(reason),
		}
	}
}

/// Whether a round runs at block `number`: its time has come and no committed weights wait to
/// be revealed. A round that committed while an earlier commit waited would replace it before
/// its reveal, so on a slow machine (a round longer than the reveal period) no weights would
/// ever be revealed.
fn round_due(number: u32, next_round: u32, pending: Option<&PendingReveal>) -> bool {
	number >= next_round && pending.is_none()
}

#[cfg(test)]
mod round_tests {
	use super::*;

	#[test]
	fn no_round_commits_while_weights_wait_for_their_reveal() {
		let pending =
			PendingReveal { uids: vec![0], values: vec![1], salt: 7, version: 0, reveal_at: 50 };
		assert!(round_due(40, 40, None));
		assert!(!round_due(39, 40, None));
		assert!(!round_due(45, 40, Some(&pending)));
	}
}
