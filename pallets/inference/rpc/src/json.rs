//! From the runtime API's records to the JSON of [`inferchain_rpc_api`].

use inferchain_inference::decode_output;
use inferchain_rpc_api::{
	Hex, MarketJson, MessageJson, ModelJson, RequestId, RequestJson, RequestState, ResultJson,
	ReviewJson, ReviewStage, SeatJson, StatsJson, TextJson, Verification,
};
use pallet_inference::{MarketParams, MinerStats, RequestStatus, ReviewKind};
use pallet_inference_runtime_api::{ModelView, RequestView};
use sp_core::crypto::{AccountId32, Ss58Codec};

type View = RequestView<AccountId32, u128, u32>;

fn ss58(account: &AccountId32) -> String {
	account.to_ss58check()
}

/// A subnet's market settings.
pub fn market(market: MarketParams<u128>) -> MarketJson {
	MarketJson {
		request_fee: market.request_fee,
		audit_probability: market.audit_probability.deconstruct(),
		new_miner_audit_probability: market.new_miner_audit_probability.deconstruct(),
		input_byte_fee: market.input_byte_fee,
		output_token_fee: market.output_token_fee,
		max_output_tokens: market.max_output_tokens,
	}
}

/// A miner's record.
pub fn stats(stats: MinerStats) -> StatsJson {
	StatsJson {
		results: stats.results,
		finalized: stats.finalized,
		audits_passed: stats.audits_passed,
		audits_failed: stats.audits_failed,
		timeouts: stats.timeouts,
	}
}

/// Token ids stored as 4 little-endian bytes each.
fn decode_tokens(bytes: &[u8]) -> Vec<u32> {
	bytes
		.chunks_exact(4)
		.filter_map(|chunk| <[u8; 4]>::try_from(chunk).ok())
		.map(u32::from_le_bytes)
		.collect()
}

fn state(status: &RequestStatus<AccountId32, u32>) -> RequestState {
	match status {
		RequestStatus::Queued => RequestState::Queued,
		RequestStatus::Assigned { .. } => RequestState::Assigned,
		RequestStatus::Answered { .. } => RequestState::Answered,
		RequestStatus::UnderReview { .. } => RequestState::UnderReview,
		RequestStatus::Final => RequestState::Final,
		RequestStatus::Rejected => RequestState::Rejected,
		RequestStatus::Expired => RequestState::Expired,
	}
}

fn challenge_until(status: &RequestStatus<AccountId32, u32>) -> Option<u32> {
	match status {
		RequestStatus::Answered { challenge_until }
		| RequestStatus::UnderReview { challenge_until } => Some(*challenge_until),
		_ => None,
	}
}

/// A request with its result and open review.
pub fn request(view: View) -> RequestJson {
	let request = &view.request;
	let (assigned_miner, deadline) = match &request.status {
		RequestStatus::Assigned { miner, deadline, .. } => (Some(ss58(miner)), Some(*deadline)),
		_ => (None, None),
	};
	let review = view.review.as_ref().map(|review| ReviewJson {
		kind: match review.kind {
			ReviewKind::Audit => ReviewStage::Audit,
			ReviewKind::Challenge { .. } => ReviewStage::Challenge,
			ReviewKind::Escalation { .. } => ReviewStage::Escalation,
		},
		challenger: match &review.kind {
			ReviewKind::Challenge { challenger, .. } => Some(ss58(challenger)),
			_ => None,
		},
		auditor: match &review.kind {
			ReviewKind::Escalation { auditor } => Some(ss58(auditor)),
			_ => None,
		},
		panel: review
			.panel
			.iter()
			.map(|seat| SeatJson {
				validator: ss58(&seat.validator),
				weight: seat.weight,
				committed: seat.commitment.is_some(),
				agrees: seat.verdict.map(|verdict| verdict.agrees),
			})
			.collect(),
		commit_until: review.commit_until,
		reveal_until: review.reveal_until,
	});
	RequestJson {
		id: RequestId(view.id),
		requester: ss58(&request.requester),
		netuid: request.netuid,
		model_id: Hex(request.model_id),
		rule: request.rule,
		output_dim: request.output_dim,
		input: String::from_utf8_lossy(&request.input).into_owned(),
		text: request.text.as_ref().map(|text| TextJson {
			messages: text
				.messages
				.iter()
				.map(|message| MessageJson {
					role: message.role,
					content: String::from_utf8_lossy(&message.content).into_owned(),
				})
				.collect(),
			max_tokens: text.max_tokens,
			temperature_milli: text.sampling.temperature_milli,
			top_p_milli: text.sampling.top_p_milli,
			seed: text.sampling.seed,
			stop: text.stop.iter().map(|stop| String::from_utf8_lossy(stop).into_owned()).collect(),
			output_token_fee: text.output_token_fee,
		}),
		fee: request.fee,
		submitted_at: request.submitted_at,
		attempts: request.attempts,
		status: state(&request.status),
		assigned_miner,
		deadline,
		challenge_until: challenge_until(&request.status),
		audits_passed: request.audits_passed,
		challenges_passed: request.challenges_passed,
		prune_at: request.prune_at,
		review,
		result: view.request.result.is_some().then(|| result(&view)),
	}
}

/// A request's result and where its verification stands.
pub fn result(view: &View) -> ResultJson {
	let request = &view.request;
	let reviewed = request.audits_passed > 0 || request.challenges_passed > 0;
	let status = match (&request.status, &view.review) {
		(RequestStatus::UnderReview { .. }, Some(review)) => match review.kind {
			ReviewKind::Audit => Verification::Auditing,
			ReviewKind::Challenge { .. } | ReviewKind::Escalation { .. } => {
				Verification::Challenged
			},
		},
		(RequestStatus::Answered { .. }, _) if reviewed => Verification::Audited,
		(RequestStatus::Final, _) => Verification::Final,
		(RequestStatus::Rejected, _) => Verification::Rejected,
		(RequestStatus::Expired, _) => Verification::Expired,
		_ => Verification::Pending,
	};
	let result = request.result.as_ref();
	let text = request.text.is_some();
	ResultJson {
		request_id: RequestId(view.id),
		status,
		miner: result.map(|r| ss58(&r.miner)),
		output: result.filter(|_| !text).and_then(|r| decode_output(&r.output)),
		tokens: result.filter(|_| text).map(|r| decode_tokens(&r.output)),
		proof: result.filter(|_| text).map(|r| Hex(r.proof.clone())),
		output_commitment: result.map(|r| Hex(r.output_commitment.0)),
		submitted_at: result.map(|r| r.submitted_at),
		challenge_until: challenge_until(&request.status),
		audits_passed: request.audits_passed,
		challenges_passed: request.challenges_passed,
	}
}

/// A registered model.
pub fn model(view: ModelView<AccountId32, u128, u32>) -> ModelJson {
	let profile = view.info.metadata.profile;
	ModelJson {
		model_id: Hex(view.model_id),
		owner: ss58(&view.info.owner),
		name: String::from_utf8_lossy(&view.info.metadata.name).into_owned(),
		kind: view.info.metadata.kind,
		dtype: profile.dtype,
		rule: profile.rule,
		cpu_threads: profile.cpu_threads,
		output_dim: view.info.metadata.output_dim,
		deposit: view.info.deposit,
		registered_at: view.info.registered_at,
	}
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
	use super::*;
	use inferchain_inference::{encode_output, ComparisonRule};
	use pallet_inference::{
		ChatMessage, ChatRole, InferenceResult, PanelSeat, Request, Review, TextTask,
	};
	use sp_core::H256;
	use sp_runtime::Perbill;

	fn view(status: RequestStatus<AccountId32, u32>, answered: bool) -> View {
		let miner = AccountId32::new([2; 32]);
		View {
			id: 7,
			request: Request {
				requester: AccountId32::new([1; 32]),
				netuid: inferchain_primitives::NetUid(3),
				model_id: [0xab; 32],
				rule: ComparisonRule::Tolerance { max_abs_error_e9: 10_000 },
				output_dim: 2,
				audit_probability: Perbill::from_percent(10),
				new_miner_audit_probability: Perbill::from_percent(50),
				input: b"hello".to_vec(),
				text: None,
				fee: 10_000_000_000,
				collateral: 1_000_000_000_000,
				submitted_at: 5,
				attempts: 1,
				previous_miner: None,
				status,
				audits_passed: 0,
				challenges_passed: 0,
				prune_at: None,
				result: answered.then(|| InferenceResult {
					miner: miner.clone(),
					output: encode_output(&[0.5, -0.25]),
					proof: vec![],
					output_commitment: H256::repeat_byte(9),
					deposit: 8,
					submitted_at: 6,
				}),
			},
			review: None,
		}
	}

	#[test]
	fn a_request_serializes_with_camel_case_fields_and_its_result() {
		let json = serde_json::to_value(request(view(
			RequestStatus::Answered { challenge_until: 26 },
			true,
		)))
		.unwrap();
		assert_eq!(json["status"], "answered");
		assert_eq!(json["challengeUntil"], 26);
		assert_eq!(json["input"], "hello");
		assert_eq!(json["fee"], "10000000000");
		assert_eq!(json["modelId"], format!("0x{}", "ab".repeat(32)));
		assert_eq!(json["result"]["output"], serde_json::json!([0.5, -0.25]));
		assert_eq!(json["result"]["status"], "pending");
		assert_eq!(json["rule"], serde_json::json!({"tolerance": {"maxAbsErrorE9": 10_000}}));
		assert_eq!(json["outputDim"], 2);
		assert!(json["requester"].as_str().unwrap().starts_with('5'));
	}

	#[test]
	fn a_text_request_shows_its_messages_options_tokens_and_proof() {
		let mut view = view(RequestStatus::Final, true);
		view.request.input = vec![];
		view.request.text = Some(TextTask {
			messages: vec![ChatMessage { role: ChatRole::User, content: b"Hi".to_vec() }],
			max_tokens: 16,
			sampling: inferchain_inference::SamplingParams {
				temperature_milli: 700,
				top_p_milli: 900,
				seed: u64::MAX,
			},
			stop: vec![b"\n".to_vec()],
			output_token_fee: 5,
		});
		let result = view.request.result.as_mut().unwrap();
		result.output = [7u32, 300].iter().flat_map(|t| t.to_le_bytes()).collect();
		result.proof = vec![1, 2];
		let json = serde_json::to_value(request(view)).unwrap();
		assert_eq!(
			json["text"]["messages"][0],
			serde_json::json!({"role": "user", "content": "Hi"})
		);
		assert_eq!(json["text"]["maxTokens"], 16);
		assert_eq!(json["text"]["seed"], u64::MAX.to_string());
		assert_eq!(json["text"]["stop"], serde_json::json!(["\n"]));
		assert_eq!(json["result"]["tokens"], serde_json::json!([7, 300]));
		assert_eq!(json["result"]["proof"], "0x0102");
		assert_eq!(json["result"]["output"], serde_json::Value::Null);
	}

	#[test]
	fn result_status_follows_the_request_and_its_review() {
		let status = |view: View| serde_json::to_value(result(&view).status).unwrap();
		assert_eq!(status(view(RequestStatus::Queued, false)), "pending");
		assert_eq!(status(view(RequestStatus::Final, true)), "final");
		assert_eq!(status(view(RequestStatus::Rejected, true)), "rejected");
		assert_eq!(status(view(RequestStatus::Expired, false)), "expired");
		let mut audited = view(RequestStatus::Answered { challenge_until: 9 }, true);
		audited.request.audits_passed = 1;
		assert_eq!(status(audited), "audited");
		let mut under = view(RequestStatus::UnderReview { challenge_until: 9 }, true);
		under.review = Some(Review {
			kind: ReviewKind::Challenge { challenger: AccountId32::new([4; 32]), bond: 1 },
			panel: vec![PanelSeat {
				validator: AccountId32::new([5; 32]),
				weight: 3,
				commitment: Some(H256::zero()),
				verdict: None,
			}],
			commit_until: 10,
			reveal_until: 12,
		});
		assert_eq!(status(under.clone()), "challenged");
		let json = serde_json::to_value(request(under)).unwrap();
		assert_eq!(json["review"]["kind"], "challenge");
		assert_eq!(json["review"]["panel"][0]["committed"], true);
		assert_eq!(json["review"]["panel"][0]["weight"], "3");
		assert_eq!(json["review"]["panel"][0]["agrees"], serde_json::Value::Null);
	}

	#[test]
	fn clients_price_a_text_request_as_the_pallet_does() {
		let params = MarketParams {
			request_fee: 1_000u128,
			audit_probability: Perbill::from_percent(10),
			new_miner_audit_probability: Perbill::from_percent(50),
			input_byte_fee: 3,
			output_token_fee: 11,
			max_output_tokens: 256,
		};
		for (bytes, tokens) in [(0, 0), (1, 1), (2048, 256), (u32::MAX, u32::MAX)] {
			assert_eq!(
				market(params).held_fee(Some((bytes, tokens))),
				params.text_fee(bytes, tokens)
			);
		}
		let huge = MarketParams { request_fee: u128::MAX, ..params };
		assert_eq!(market(huge).held_fee(Some((9, 9))), huge.text_fee(9, 9));
	}
}
