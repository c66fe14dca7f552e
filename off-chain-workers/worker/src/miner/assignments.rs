//! Answering the requests the chain assigns to this miner's hotkey: each best block's
//! `Inference.RequestAssigned` events naming this hotkey are read (deadlines count best blocks; finality may lag
//! behind; blocks missed while disconnected are replayed, see [`crate::blocks`]), and each
//! request for this hotkey is run through the engine (ahead of public API traffic) and answered
//! before its deadline, returning once the answer is in a best block: embeddings with
//! `Inference.submit_result` (output and its commitment under the model's rule), text with
//! `Inference.submit_generation` (tokens and proof, see [`super::text`]).

use super::MinerState;
use crate::{
	blocks::{Blocks, Follow},
	calls,
	chain::Chain,
	keys,
	market::assigned_to,
	metrics::{Metrics, Outcome},
};
use futures::future::BoxFuture;
use inferchain_engine::hex;
use inferchain_inference::{encode_output, output_commitment, ModelId};
use inferchain_rpc_api::{RequestId, RequestJson, RequestState};
use std::{
	collections::HashSet,
	sync::{atomic::Ordering, Arc, Mutex},
};
use subxt_signer::sr25519::Keypair;

/// A miner that answers the chain's assignments.
pub trait Answerer: Send + Sync + 'static {
	/// The hotkey assignments name.
	fn hotkey(&self) -> &Keypair;
	/// The model it serves.
	fn model_id(&self) -> &ModelId;
	/// Where outcomes are counted.
	fn metrics(&self) -> &Metrics;
	/// Records the latest best block (receipts carry it).
	fn seen(&self, block: u32);
	/// Runs request `id` (assigned to this hotkey, for its model) and submits the answer.
	fn answer(
		self: Arc<Self>,
		chain: Chain,
		id: RequestId,
		request: RequestJson,
	) -> BoxFuture<'static, anyhow::Result<()>>;
}

/// Follows best blocks (reconnecting whenever the node goes away, replaying what it missed):
/// keeps the receipt block current and answers every request assigned to this hotkey.
pub async fn follow<A: Answerer>(url: String, state: Arc<A>, chain: Chain) {
	let mut blocks = Blocks::new(&url, Follow::Best, Some(chain));
	let in_flight: Arc<Mutex<HashSet<RequestId>>> = Arc::default();
	loop {
		let (chain, block) = blocks.next().await;
		state.seen(block.number);
		state.metrics().block_seen.set(i64::from(block.number));
		let events = match block.events().await {
			Ok(events) => events,
			Err(err) => {
				tracing::warn!(block = block.number, "cannot read events: {err:#}");
				continue;
			},
		};
		// Only this hotkey's assignments are read over RPC: the event names the miner.
		for id in assigned_to(&events, &state.hotkey().public_key().0) {
			let fresh = in_flight.lock().map(|mut set| set.insert(id)).unwrap_or(false);
			if !fresh {
				continue;
			}
			let (chain, state, in_flight) = (chain.clone(), state.clone(), in_flight.clone());
			tokio::spawn(async move {
				let outcome = match answer_if_mine(&chain, state.clone(), id).await {
					Ok(true) => "answered",
					Ok(false) => "not_mine",
					Err(err) => {
						tracing::warn!(request = %id, "answering failed: {err:#}");
						"failed"
					},
				};
				state.metrics().assignments.get_or_create(&Outcome::of(outcome)).inc();
				if let Ok(mut set) = in_flight.lock() {
					set.remove(&id);
				}
			});
		}
	}
}

/// Answers request `id` if it is assigned to this hotkey; `Ok(false)` if it is not.
async fn answer_if_mine<A: Answerer>(
	chain: &Chain,
	state: Arc<A>,
	id: RequestId,
) -> anyhow::Result<bool> {
	let me = keys::address(state.hotkey());
	let Some(request) = chain.request(id).await? else { return Ok(false) };
	if request.status != RequestState::Assigned
		|| request.assigned_miner.as_deref() != Some(me.as_str())
	{
		return Ok(false);
	}
	anyhow::ensure!(
		&request.model_id.0 == state.model_id(),
		"request {id} is for model {}, this miner serves 0x{}",
		request.model_id,
		hex(state.model_id())
	);
	state.answer(chain.clone(), id, request).await?;
	Ok(true)
}

impl Answerer for MinerState {
	fn hotkey(&self) -> &Keypair {
		&self.hotkey
	}

	fn model_id(&self) -> &ModelId {
		&self.model_id
	}

	fn metrics(&self) -> &Metrics {
		&self.metrics
	}

	fn seen(&self, block: u32) {
		self.block.store(block, Ordering::Relaxed);
	}

	fn answer(
		self: Arc<Self>,
		chain: Chain,
		id: RequestId,
		request: RequestJson,
	) -> BoxFuture<'static, anyhow::Result<()>> {
		Box::pin(async move {
			let mut output = self.batcher.embed(vec![request.input]).await?;
			if let Some(delta) = self.perturb {
				output.values.iter_mut().for_each(|v| *v += delta);
			}
			if self.nan_output {
				output.values.fill(f32::NAN);
			}
			self.metrics.inputs.inc_by(output.rows as u64);
			let commitment = output_commitment(&self.rule, output.shape(), &output.values);
			let call = calls::submit_result(id, encode_output(&output.values), commitment);
			chain.submit_in_best_block(&self.hotkey, call).await?;
			tracing::info!(request = %id, commitment = %format!("0x{}", hex(&commitment)), "result submitted");
			Ok(())
		})
	}
}
