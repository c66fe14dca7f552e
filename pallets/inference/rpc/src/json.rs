//! The JSON shapes of the `inference_*` methods.

use inferchain_inference::{decode_output, ComparisonRule, TaskKind};
use pallet_inference::{MarketParams, MinerStats, RequestStatus, ReviewKind};
use pallet_inference_runtime_api::{ModelView, RequestView};
use serde::{Deserialize, Serialize};
use sp_core::crypto::{AccountId32, Ss58Codec};

type View = RequestView<AccountId32, u128, u32>;

fn ss58(account: &AccountId32) -> String {
	account.to_ss58check()
}

fn hex(bytes: &[u8]) -> String {
	let digits: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
	format!("0x{digits}")
}

/// A request.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct RequestJson {
	/// Its id.
	pub id: u64,
	/// Who asked (SS58).
	pub requester: String,
	/// The subnet.
	pub netuid: u16,
	/// Model id (`0x`-hex).
	pub model_id: String,
	/// The input text: the text to embed, or a text-generation request's plain-text prompt
	/// (empty for a chat prompt, whose messages are in `text`).
	pub input: String,
	/// What a text-generation request asks for; `null` for other tasks.
	pub text: Option<TextJson>,
	/// Fee held (decimal string, plancks): for text generation the most the request can cost.
	pub fee: String,
	/// Block of submission.
	pub submitted_at: u32,
	/// Miners assigned so far.
	pub attempts: u8,
	/// `queued`, `assigned`, `answered`, `underReview`, `final`, `rejected` or `expired`.
	pub status: String,
	/// The assigned miner (SS58) while `assigned`.
	pub assigned_miner: Option<String>,
	/// The miner's deadline while `assigned`.
	pub deadline: Option<u32>,
	/// Last block of the challenge window once answered.
	pub challenge_until: Option<u32>,
	/// Audits the result survived.
	pub audits_passed: u8,
	/// Challenges the result survived.
	pub challenges_passed: u8,
	/// Block at which the record will be pruned, once settled.
	pub prune_at: Option<u32>,
	/// The result, once answered.
	pub result: Option<ResultJson>,
	/// The open audit or challenge.
	pub review: Option<ReviewJson>,
}

/// A text-generation request's prompt messages, limits and sampling.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct TextJson {
	/// The chat messages (empty when the prompt is the request's `input`).
	pub messages: Vec<MessageJson>,
	/// Most tokens to generate.
	pub max_tokens: u32,
	/// Temperature × 1000 (below 50: greedy).
	pub temperature_milli: u32,
	/// Nucleus mass × 1000.
	pub top_p_milli: u32,
	/// The seed of the token draws, fixed at submission (decimal string: it may exceed 2⁵³).
	pub seed: String,
	/// Strings that end the generation.
	pub stop: Vec<String>,
	/// Price of each generated token (decimal string, plancks).
	pub output_token_fee: String,
}

/// One chat message.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct MessageJson {
	/// `system`, `user` or `assistant`.
	pub role: String,
	/// What is said.
	pub content: String,
}

/// A result and its verification status.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ResultJson {
	/// The request.
	pub request_id: u64,
	/// `pending` (not answered, or answered and challengeable, never reviewed), `auditing`
	/// (an audit is re-executing it), `challenged` (a committee is re-executing it), `audited`
	/// (it survived a review and is still challengeable), `final` (paid), `rejected` (found
	/// wrong: slashed and refunded) or `expired` (unanswered: refunded).
	pub status: String,
	/// The miner (SS58), once answered.
	pub miner: Option<String>,
	/// The output values, once answered (`null` for text generation).
	pub output: Option<Vec<f32>>,
	/// The generated token ids, once a text-generation request is answered.
	pub tokens: Option<Vec<u32>>,
	/// Their TOPLOC proof (`0x`-hex), once a text-generation request is answered.
	pub proof: Option<String>,
	/// The output commitment (`0x`-hex), once answered.
	pub output_commitment: Option<String>,
	/// Block of the answer.
	pub submitted_at: Option<u32>,
	/// Last block of the challenge window.
	pub challenge_until: Option<u32>,
	/// Audits the result survived.
	pub audits_passed: u8,
	/// Challenges the result survived.
	pub challenges_passed: u8,
}

/// An open audit or challenge.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ReviewJson {
	/// `audit`, `challenge`, or `escalation` (an audit whose auditor dissented, before a
	/// committee).
	pub kind: String,
	/// The challenger (SS58), for challenges.
	pub challenger: Option<String>,
	/// The dissenting auditor (SS58), for escalations.
	pub auditor: Option<String>,
	/// The panel.
	pub panel: Vec<SeatJson>,
	/// Last block for verdict commits.
	pub commit_until: u32,
	/// Last block for verdict reveals.
	pub reveal_until: u32,
}

/// One panel member.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SeatJson {
	/// Validator hotkey (SS58).
	pub validator: String,
	/// The weight of its verdict (its stake in plancks when every eligible validator sits,
	/// else the times it was drawn), as a decimal string.
	pub weight: String,
	/// Whether it committed.
	pub committed: bool,
	/// Its revealed verdict (`true`: the miner's output agrees), once revealed.
	pub agrees: Option<bool>,
}

/// A registered model.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ModelJson {
	/// Model id (`0x`-hex).
	pub model_id: String,
	/// Who registered it (SS58).
	pub owner: String,
	/// Its name.
	pub name: String,
	/// `embedding`, `classification` or `textGeneration`.
	pub kind: TaskKind,
	/// `f32`, `f16` or `bf16`.
	pub dtype: String,
	/// The comparison rule.
	pub rule: ComparisonRule,
	/// CPU threads a bitwise profile pins (0 otherwise).
	pub cpu_threads: u16,
	/// Values per input (embeddings, classification) or the vocabulary size (text
	/// generation): results must have this shape.
	pub output_dim: u32,
	/// Deposit held (decimal string).
	pub deposit: String,
	/// Block of registration.
	pub registered_at: u32,
}

/// A subnet's market settings.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct MarketJson {
	/// Fee of a request (decimal string, plancks): the whole fee of an embeddings request, the
	/// base of a text-generation request's.
	pub request_fee: String,
	/// Probability that a result is audited, in parts per billion.
	pub audit_probability: u32,
	/// The same for miners with few finalized results.
	pub new_miner_audit_probability: u32,
	/// Text generation: price of a prompt byte (decimal string).
	pub input_byte_fee: String,
	/// Text generation: price of a generated token (decimal string).
	pub output_token_fee: String,
	/// Text generation: most tokens a request may ask for.
	pub max_output_tokens: u32,
}

impl From<MarketParams<u128>> for MarketJson {
	fn from(market: MarketParams<u128>) -> Self {
		Self {
			request_fee: market.request_fee.to_string(),
			audit_probability: market.audit_probability.deconstruct(),
			new_miner_audit_probability: market.new_miner_audit_probability.deconstruct(),
			input_byte_fee: market.input_byte_fee.to_string(),
			output_token_fee: market.output_token_fee.to_string(),
			max_output_tokens: market.max_output_tokens,
		}
	}
}

/// A miner's record on a subnet.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct StatsJson {
	/// Results submitted.
	pub results: u32,
	/// Results finalized (paid).
	pub finalized: u32,
	/// Audits and challenges survived.
	pub audits_passed: u32,
	/// Audits and challenges failed.
	pub audits_failed: u32,
	/// Deadlines missed.
	pub timeouts: u32,
}

impl From<MinerStats> for StatsJson {
	fn from(stats: MinerStats) -> Self {
		Self {
			results: stats.results,
			finalized: stats.finalized,
			audits_passed: stats.audits_passed,
			audits_failed: stats.audits_failed,
			timeouts: stats.timeouts,
		}
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

fn status_name(status: &RequestStatus<AccountId32, u32>) -> &'static str {
	match status {
		RequestStatus::Queued => "queued",
		RequestStatus::Assigned { .. } => "assigned",
		RequestStatus::Answered { .. } => "answered",
		RequestStatus::UnderReview { .. } => "underReview",
		RequestStatus::Final => "final",
		RequestStatus::Rejected => "rejected",
		RequestStatus::Expired => "expired",
	}
}

fn challenge_until(status: &RequestStatus<AccountId32, u32>) -> Option<u32> {
	match status {
		RequestStatus::Answered { challenge_until }
		| RequestStatus::UnderReview { challenge_until } => Some(*challenge_until),
		_ => None,
	}
}

impl From<View> for RequestJson {
	fn from(view: View) -> Self {
		let request = &view.request;
		let (assigned_miner, deadline) = match &request.status {
			RequestStatus::Assigned { miner, deadline, .. } => (Some(ss58(miner)), Some(*deadline)),
			_ => (None, None),
		};
		let review = view.review.as_ref().map(|review| ReviewJson {
			kind: match review.kind {
				ReviewKind::Audit => "audit".into(),
				ReviewKind::Challenge { .. } => "challenge".into(),
				ReviewKind::Escalation { .. } => "escalation".into(),
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
					weight: seat.weight.to_string(),
					committed: seat.commitment.is_some(),
					agrees: seat.verdict.map(|verdict| verdict.agrees),
				})
				.collect(),
			commit_until: review.commit_until,
			reveal_until: review.reveal_until,
		});
		Self {
			id: view.id,
			requester: ss58(&request.requester),
			netuid: request.netuid.0,
			model_id: hex(&request.model_id),
			input: String::from_utf8_lossy(&request.input).into_owned(),
			text: request.text.as_ref().map(|text| TextJson {
				messages: text
					.messages
					.iter()
					.map(|message| MessageJson {
						role: message.role.as_str().into(),
						content: String::from_utf8_lossy(&message.content).into_owned(),
					})
					.collect(),
				max_tokens: text.max_tokens,
				temperature_milli: text.sampling.temperature_milli,
				top_p_milli: text.sampling.top_p_milli,
				seed: text.sampling.seed.to_string(),
				stop: text
					.stop
					.iter()
					.map(|stop| String::from_utf8_lossy(stop).into_owned())
					.collect(),
				output_token_fee: text.output_token_fee.to_string(),
			}),
			fee: request.fee.to_string(),
			submitted_at: request.submitted_at,
			attempts: request.attempts,
			status: status_name(&request.status).into(),
			assigned_miner,
			deadline,
			challenge_until: challenge_until(&request.status),
			audits_passed: request.audits_passed,
			challenges_passed: request.challenges_passed,
			prune_at: request.prune_at,
			review,
			result: view.request.result.is_some().then(|| ResultJson::from(&view)),
		}
	}
}

impl From<&View> for ResultJson {
	fn from(view: &View) -> Self {
		let request = &view.request;
		let reviewed = request.audits_passed > 0 || request.challenges_passed > 0;
		let status = match (&request.status, &view.review) {
			(RequestStatus::UnderReview { .. }, Some(review)) => match review.kind {
				ReviewKind::Audit => "auditing",
				ReviewKind::Challenge { .. } | ReviewKind::Escalation { .. } => "challenged",
			},
			(RequestStatus::Answered { .. }, _) if reviewed => "audited",
			(RequestStatus::Final, _) => "final",
			(RequestStatus::Rejected, _) => "rejected",
			(RequestStatus::Expired, _) => "expired",
			_ => "pending",
		};
		let result = request.result.as_ref();
		let text = request.text.is_some();
		Self {
			request_id: view.id,
			status: status.into(),
			miner: result.map(|r| ss58(&r.miner)),
			output: result.filter(|_| !text).and_then(|r| decode_output(&r.output)),
			tokens: result.filter(|_| text).map(|r| decode_tokens(&r.output)),
			proof: result.filter(|_| text).map(|r| hex(&r.proof)),
			output_commitment: result.map(|r| hex(r.output_commitment.as_bytes())),
			submitted_at: result.map(|r| r.submitted_at),
			challenge_until: challenge_until(&request.status),
			audits_passed: request.audits_passed,
			challenges_passed: request.challenges_passed,
		}
	}
}

impl From<ModelView<AccountId32, u128, u32>> for ModelJson {
	fn from(view: ModelView<AccountId32, u128, u32>) -> Self {
		let profile = view.info.metadata.profile;
		Self {
			model_id: hex(&view.model_id),
			owner: ss58(&view.info.owner),
			name: String::from_utf8_lossy(&view.info.metadata.name).into_owned(),
			kind: view.info.metadata.kind,
			dtype: format!("{:?}", profile.dtype).to_lowercase(),
			rule: profile.rule,
			cpu_threads: profile.cpu_threads,
			output_dim: view.info.metadata.output_dim,
			deposit: view.info.deposit.to_string(),
			registered_at: view.info.registered_at,
		}
	}
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
	use super::*;
	use inferchain_inference::encode_output;
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
		let json = serde_json::to_value(RequestJson::from(view(
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
		let json = serde_json::to_value(RequestJson::from(view)).unwrap();
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
		let status = |view: View| ResultJson::from(&view).status;
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
		let json = serde_json::to_value(RequestJson::from(under)).unwrap();
		assert_eq!(json["review"]["kind"], "challenge");
		assert_eq!(json["review"]["panel"][0]["committed"], true);
		assert_eq!(json["review"]["panel"][0]["weight"], "3");
		assert_eq!(json["review"]["panel"][0]["agrees"], serde_json::Value::Null);
	}
}
