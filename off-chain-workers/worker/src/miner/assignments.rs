//! Answering the requests the chain assigns to this miner's hotkey: each best block's
//! `Inference.RequestAssigned` events are read (deadlines count best blocks; finality may lag
//! behind; blocks missed while disconnected are replayed, see [`crate::blocks`]), and each
//! request for this hotkey is run through the engine (ahead of public API traffic) and answered
//! with `Inference.submit_result` (output and its commitment under the model's rule) before its
//! deadline, returning once it is in a best block.

use super::MinerState;
use crate::{
	blocks::{Blocks, Follow},
	chain::Chain,
	keys,
	market::request_ids,
	metrics::Outcome,
};
use inferchain_engine::hex;
use inferchain_inference::{encode_output, output_commitment};
use std::{
	collections::HashSet,
	sync::{atomic::Ordering, Arc, Mutex},
};
use subxt::dynamic::Value;

/// Follows best blocks (reconnecting whenever the node goes away, replaying what it missed):
/// keeps the receipt block current and answers every request assigned to this hotkey.
pub async fn follow(url: String, state: Arc<MinerState>, chain: Chain) {
	let mut blocks = Blocks::new(&url, Follow::Best, Some(chain));
	let in_flight: Arc<Mutex<HashSet<u64>>> = Arc::default();
	loop {
		let (chain, block) = blocks.next().await;
		state.block.store(block.number, Ordering::Relaxed);
		state.metrics.block_seen.set(i64::from(block.number));
		let events = match block.events().await {
			Ok(events) => events,
			Err(err) => {
				tracing::warn!(block = block.number, "cannot read events: {err:#}");
				continue;
			},
		};
		for id in request_ids(&events, "RequestAssigned") {
			let fresh = in_flight.lock().map(|mut set| set.insert(id)).unwrap_or(false);
			if !fresh {
				continue;
			}
			let (chain, state, in_flight) = (chain.clone(), state.clone(), in_flight.clone());
			tokio::spawn(async move {
				let outcome = match answer(&chain, &state, id).await {
					Ok(true) => "answered",
					Ok(false) => "not_mine",
					Err(err) => {
						tracing::warn!(request = id, "answering failed: {err:#}");
						"failed"
					},
				};
				state.metrics.assignments.get_or_create(&Outcome::of(outcome)).inc();
				if let Ok(mut set) = in_flight.lock() {
					set.remove(&id);
				}
			});
		}
	}
}

/// Answers request `id` if it is assigned to this hotkey; `Ok(false)` if it is not.
async fn answer(chain: &Chain, state: &MinerState, id: u64) -> anyhow::Result<bool> {
	let me = keys::address(&state.hotkey);
	let Some(request) = chain.request(id).await? else { return Ok(false) };
	if request.status != "assigned" || request.assigned_miner.as_deref() != Some(me.as_str()) {
		return Ok(false);
	}
	let model = format!("0x{}", hex(&state.model_id));
	anyhow::ensure!(
		request.model_id == model,
		"request {id} is for model {}, this miner serves {model}",
		request.model_id
	);
	let mut output = state.batcher.embed(vec![request.input]).await?;
	if let Some(delta) = state.perturb {
		output.values.iter_mut().for_each(|v| *v += delta);
	}
	if state.nan_output {
		output.values.fill(f32::NAN);
	}
	state.metrics.inputs.inc_by(output.rows as u64);
	let commitment = output_commitment(&state.rule, output.shape(), &output.values);
	let args = vec![
		Value::u128(u128::from(id)),
		Value::from_bytes(encode_output(&output.values)),
		Value::from_bytes(commitment),
	];
	chain.submit_in_best_block(&state.hotkey, "Inference", "submit_result", args).await?;
	tracing::info!(request = id, commitment = %format!("0x{}", hex(&commitment)), "result submitted");
	Ok(true)
}
