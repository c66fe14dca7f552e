//! The views served by `InferenceApi`: the inference pallet's records with plain vectors.

use crate::{AccountId, Balance, BlockNumber, Runtime};
use alloc::vec::Vec;
use inferchain_primitives::{NetUid, SubnetRegistry};
use pallet_inference::{
	ChatMessage, InferenceResult, MinerStats, ModelInfo, Models, Request, RequestId, Requests,
	Review, Reviews, TextTask,
};
use pallet_inference_runtime_api::{ModelView, RequestView};

/// Request `id` with its result and review, if known.
pub fn request(id: RequestId) -> Option<RequestView<AccountId, Balance, BlockNumber>> {
	let r = Requests::<Runtime>::get(id)?;
	let request = Request {
		requester: r.requester,
		netuid: r.netuid,
		model_id: r.model_id,
		rule: r.rule,
		output_dim: r.output_dim,
		audit_probability: r.audit_probability,
		new_miner_audit_probability: r.new_miner_audit_probability,
		input: r.input.into_inner(),
		text: r.text.map(|text| TextTask {
			messages: text
				.messages
				.into_iter()
				.map(|message| ChatMessage {
					role: message.role,
					content: message.content.into_inner(),
				})
				.collect(),
			max_tokens: text.max_tokens,
			sampling: text.sampling,
			stop: text.stop.into_iter().map(|stop| stop.into_inner()).collect(),
			output_token_fee: text.output_token_fee,
		}),
		fee: r.fee,
		collateral: r.collateral,
		submitted_at: r.submitted_at,
		attempts: r.attempts,
		previous_miner: r.previous_miner,
		status: r.status,
		audits_passed: r.audits_passed,
		challenges_passed: r.challenges_passed,
		prune_at: r.prune_at,
		result: r.result.map(|result| InferenceResult {
			miner: result.miner,
			output: result.output.into_inner(),
			proof: result.proof.into_inner(),
			output_commitment: result.output_commitment,
			deposit: result.deposit,
			submitted_at: result.submitted_at,
		}),
	};
	let review = Reviews::<Runtime>::get(id).map(|review| Review {
		kind: review.kind,
		panel: review.panel.into_inner(),
		commit_until: review.commit_until,
		reveal_until: review.reveal_until,
	});
	Some(RequestView { id, request, review })
}

/// Every registered model.
pub fn models() -> Vec<ModelView<AccountId, Balance, BlockNumber>> {
	Models::<Runtime>::iter()
		.map(|(model_id, info)| ModelView {
			model_id,
			info: ModelInfo {
				owner: info.owner,
				digests: info.digests,
				metadata: pallet_inference::ModelMetadata {
					name: info.metadata.name.into_inner(),
					kind: info.metadata.kind,
					profile: info.metadata.profile,
					output_dim: info.metadata.output_dim,
				},
				deposit: info.deposit,
				registered_at: info.registered_at,
			},
		})
		.collect()
}

/// The market settings of `netuid`, if registered.
pub fn market(netuid: NetUid) -> Option<pallet_inference::MarketParams<Balance>> {
	<crate::Subnets as SubnetRegistry<AccountId>>::subnet_exists(netuid)
		.then(|| pallet_inference::Pallet::<Runtime>::market(netuid))
}

/// What `hotkey` did as a miner on `netuid`.
pub fn miner_stats(netuid: NetUid, hotkey: AccountId) -> MinerStats {
	pallet_inference::Stats::<Runtime>::get(netuid, hotkey)
}
