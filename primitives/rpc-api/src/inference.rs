//! `inference_*`: requests with their results and verification status, models, miners' records
//! and subnets' market settings.
//!
//! A dApp verifies a result with one call: [`RequestJson`] carries the model, the comparison
//! rule and the output shape the result was checked against, the result with its commitment,
//! and where verification stands ([`Verification`]).

use crate::wire::{decimal, Hex};
use inferchain_inference::{ChatRole, ComparisonRule, Dtype, RuntimeProfile, TaskKind};
use inferchain_primitives::NetUid;
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use serde::{Deserialize, Serialize};

/// The id of an inference request: assigned at submission, in order, never reused.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[serde(transparent)]
pub struct RequestId(pub u64);

impl std::fmt::Display for RequestId {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		self.0.fmt(f)
	}
}

/// The `inference_*` methods, read at the best block or at `at`.
#[rpc(client, server)]
pub trait InferenceApi<BlockHash> {
	/// Request `id`: requester, subnet, model, rule, input, fee, status (with the assigned miner
	/// and deadline, or the challenge window), the result if any and the open review; `null` if
	/// unknown or pruned.
	#[method(name = "inference_getRequest")]
	fn get_request(&self, id: RequestId, at: Option<BlockHash>) -> RpcResult<Option<RequestJson>>;

	/// The result of request `id` with its verification status; `null` if unknown or pruned.
	#[method(name = "inference_getResult")]
	fn get_result(&self, id: RequestId, at: Option<BlockHash>) -> RpcResult<Option<ResultJson>>;

	/// Every registered model.
	#[method(name = "inference_listModels")]
	fn list_models(&self, at: Option<BlockHash>) -> RpcResult<Vec<ModelJson>>;

	/// What `hotkey` (SS58) did as a miner on `netuid`: results, finalized, audits passed and
	/// failed, timeouts.
	#[method(name = "inference_getMinerStats")]
	fn get_miner_stats(
		&self,
		netuid: NetUid,
		hotkey: String,
		at: Option<BlockHash>,
	) -> RpcResult<StatsJson>;

	/// The market settings of `netuid` (its owner's, else the runtime's defaults): what a
	/// request costs and how often results are audited; `null` if no such subnet.
	#[method(name = "inference_getMarket")]
	fn get_market(&self, netuid: NetUid, at: Option<BlockHash>) -> RpcResult<Option<MarketJson>>;
}

/// Where a request is in its life.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
pub enum RequestState {
	/// Waiting for a miner.
	Queued,
	/// A miner must answer by `deadline`.
	Assigned,
	/// Answered; challengeable until `challengeUntil`.
	Answered,
	/// Answered, and an audit or challenge is re-executing it.
	UnderReview,
	/// Settled: the miner was paid.
	Final,
	/// Found wrong: the miner was slashed and the requester refunded.
	Rejected,
	/// Nobody answered in time: refunded.
	Expired,
}

impl RequestState {
	/// Whether it can no longer change.
	pub fn is_settled(self) -> bool {
		matches!(self, Self::Final | Self::Rejected | Self::Expired)
	}

	/// Its JSON name (`underReview`…).
	pub fn as_str(self) -> &'static str {
		match self {
			Self::Queued => "queued",
			Self::Assigned => "assigned",
			Self::Answered => "answered",
			Self::UnderReview => "underReview",
			Self::Final => "final",
			Self::Rejected => "rejected",
			Self::Expired => "expired",
		}
	}
}

/// Where a result's verification stands.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
pub enum Verification {
	/// Not answered, or answered and challengeable but never reviewed.
	Pending,
	/// An audit is re-executing it.
	Auditing,
	/// A committee is re-executing it.
	Challenged,
	/// It survived a review and is still challengeable.
	Audited,
	/// Paid: no longer challengeable.
	Final,
	/// Found wrong: slashed and refunded.
	Rejected,
	/// Unanswered: refunded.
	Expired,
}

impl Verification {
	/// Its JSON name (`auditing`…).
	pub fn as_str(self) -> &'static str {
		match self {
			Self::Pending => "pending",
			Self::Auditing => "auditing",
			Self::Challenged => "challenged",
			Self::Audited => "audited",
			Self::Final => "final",
			Self::Rejected => "rejected",
			Self::Expired => "expired",
		}
	}

	/// Whether it can no longer change.
	pub fn is_settled(self) -> bool {
		matches!(self, Self::Final | Self::Rejected | Self::Expired)
	}
}

/// A request: what was asked, under which rule, and what became of it.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct RequestJson {
	/// Its id.
	pub id: RequestId,
	/// Who asked (SS58).
	pub requester: String,
	/// The subnet.
	pub netuid: NetUid,
	/// Model id.
	pub model_id: Hex<[u8; 32]>,
	/// The rule the result is compared by (fixed at submission).
	pub rule: ComparisonRule,
	/// Values per input (embeddings) or the vocabulary size (text generation).
	pub output_dim: u32,
	/// The input text: the text to embed, or a text-generation request's plain-text prompt
	/// (empty for a chat prompt, whose messages are in `text`).
	pub input: String,
	/// What a text-generation request asks for; `null` for other tasks.
	pub text: Option<TextJson>,
	/// Fee held (plancks): for text generation the most the request can cost.
	#[serde(with = "decimal")]
	pub fee: u128,
	/// Block of submission.
	pub submitted_at: u32,
	/// Miners assigned so far.
	pub attempts: u8,
	/// Where the request is.
	pub status: RequestState,
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
	/// The seed of the token draws, fixed at submission (a decimal string: it may exceed 2⁵³).
	#[serde(with = "decimal")]
	pub seed: u64,
	/// Strings that end the generation.
	pub stop: Vec<String>,
	/// Price of each generated token (plancks).
	#[serde(with = "decimal")]
	pub output_token_fee: u128,
}

/// One chat message.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct MessageJson {
	/// Who says it.
	pub role: ChatRole,
	/// What is said.
	pub content: String,
}

/// A result and its verification status.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ResultJson {
	/// The request.
	pub request_id: RequestId,
	/// Where its verification stands.
	pub status: Verification,
	/// The miner (SS58), once answered.
	pub miner: Option<String>,
	/// The output values, once answered (`null` for text generation).
	pub output: Option<Vec<f32>>,
	/// The generated token ids, once a text-generation request is answered.
	pub tokens: Option<Vec<u32>>,
	/// Their TOPLOC proof, once a text-generation request is answered.
	pub proof: Option<Hex<Vec<u8>>>,
	/// The output commitment, once answered.
	pub output_commitment: Option<Hex<[u8; 32]>>,
	/// Block of the answer.
	pub submitted_at: Option<u32>,
	/// Last block of the challenge window.
	pub challenge_until: Option<u32>,
	/// Audits the result survived.
	pub audits_passed: u8,
	/// Challenges the result survived.
	pub challenges_passed: u8,
}

/// Which review is open.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
pub enum ReviewStage {
	/// A sampled audit.
	Audit,
	/// A bonded challenge before a committee.
	Challenge,
	/// An audit whose auditor dissented, before a committee.
	Escalation,
}

/// An open audit or challenge.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ReviewJson {
	/// Which review.
	pub kind: ReviewStage,
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
	/// else the times it was drawn).
	#[serde(with = "decimal")]
	pub weight: u128,
	/// Whether it committed.
	pub committed: bool,
	/// Its revealed verdict (`true`: the miner's output agrees), once revealed.
	pub agrees: Option<bool>,
}

/// A registered model.
#[derive(Serialize, Deserialize, Clone, PartialEq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ModelJson {
	/// Model id.
	pub model_id: Hex<[u8; 32]>,
	/// Who registered it (SS58).
	pub owner: String,
	/// Its name.
	pub name: String,
	/// `embedding`, `classification` or `textGeneration`.
	pub kind: TaskKind,
	/// `f32`, `f16` or `bf16`.
	pub dtype: Dtype,
	/// The comparison rule.
	pub rule: ComparisonRule,
	/// CPU threads a bitwise profile pins (0 otherwise).
	pub cpu_threads: u16,
	/// Values per input (embeddings, classification) or the vocabulary size (text
	/// generation): results must have this shape.
	pub output_dim: u32,
	/// Deposit held (plancks).
	#[serde(with = "decimal")]
	pub deposit: u128,
	/// Block of registration.
	pub registered_at: u32,
}

impl ModelJson {
	/// The runtime profile it was registered with.
	pub fn profile(&self) -> RuntimeProfile {
		RuntimeProfile { dtype: self.dtype, rule: self.rule, cpu_threads: self.cpu_threads }
	}
}

/// A subnet's market settings.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct MarketJson {
	/// Fee of a request (plancks): the whole fee of an embeddings request, the base of a
	/// text-generation request's.
	#[serde(with = "decimal")]
	pub request_fee: u128,
	/// Probability that a result is audited, in parts per billion.
	pub audit_probability: u32,
	/// The same for miners with few finalized results.
	pub new_miner_audit_probability: u32,
	/// Text generation: price of a prompt byte (plancks).
	#[serde(with = "decimal")]
	pub input_byte_fee: u128,
	/// Text generation: price of a generated token (plancks).
	#[serde(with = "decimal")]
	pub output_token_fee: u128,
	/// Text generation: most tokens a request may ask for.
	pub max_output_tokens: u32,
}

impl MarketJson {
	/// What a request holds at submission: the base fee, and for text (`prompt_bytes`,
	/// `max_tokens`) priced as the subnet says (the pallet's `MarketParams::text_fee`).
	pub fn held_fee(&self, text: Option<(u32, u32)>) -> u128 {
		let Some((prompt_bytes, max_tokens)) = text else { return self.request_fee };
		self.request_fee
			.saturating_add(self.input_byte_fee.saturating_mul(u128::from(prompt_bytes)))
			.saturating_add(self.output_token_fee.saturating_mul(u128::from(max_tokens)))
	}
}

/// A miner's record on a subnet.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Default)]
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
