//! Records the pallet stores: models, market parameters, requests, results, reviews, miner
//! statistics and the agenda of timed actions.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
pub use inferchain_inference::ChatRole;
use inferchain_inference::{
	ComparisonRule, ModelDigests, ModelId, OutputSpec, RuntimeProfile, SamplingParams, TaskKind,
	Verdict,
};
use inferchain_primitives::{NetUid, Uid};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::Perbill;

/// A request's id: assigned in submission order from 0.
pub type RequestId = u64;

/// A registered model.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct ModelInfo<AccountId, Balance, BlockNumber, Name> {
	/// Who registered it (and whose deposit is held).
	pub owner: AccountId,
	/// Its files' digests (with the profile in `metadata`, the components of its id).
	pub digests: ModelDigests,
	/// Its description.
	pub metadata: ModelMetadata<Name>,
	/// The deposit held from `owner`.
	pub deposit: Balance,
	/// Block of registration.
	pub registered_at: BlockNumber,
}

/// What a model registration says about the model (its id binds the files and the profile,
/// computed on chain from the digests and `profile`).
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct ModelMetadata<Name> {
	/// Human-readable name (UTF-8, bounded).
	pub name: Name,
	/// What it computes.
	pub kind: TaskKind,
	/// How it must be run, including the comparison rule and its tolerance.
	pub profile: RuntimeProfile,
	/// Values per input for embeddings and classification; the vocabulary size for text
	/// generation. With `kind`, the [`OutputSpec`] bound into the id: results must have this
	/// shape.
	pub output_dim: u32,
}

impl<Name> ModelMetadata<Name> {
	/// What the model's answers look like (part of its id).
	pub fn output(&self) -> OutputSpec {
		OutputSpec { kind: self.kind, dim: self.output_dim }
	}
}

/// A subnet's market settings, set by its owner (defaults: the runtime's `DefaultMarket`).
///
/// An embeddings request costs `request_fee`. A text-generation request costs `request_fee +
/// input_byte_fee × prompt bytes + output_token_fee × generated tokens`; the requester holds
/// the most it can cost (with `max_tokens` generated) and gets the unused part back when the
/// result is final. Input is priced by the byte, not the token: the chain can count bytes and
/// cannot count tokens, and a count reported by the miner would be one more thing to lie about.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct MarketParams<Balance> {
	/// Fee of one request, escrowed at submission.
	pub request_fee: Balance,
	/// Probability that a result is audited.
	pub audit_probability: Perbill,
	/// Probability for miners with fewer than `NewMinerResults` finalized results.
	pub new_miner_audit_probability: Perbill,
	/// Text generation: the price of each byte of the prompt.
	pub input_byte_fee: Balance,
	/// Text generation: the price of each generated token.
	pub output_token_fee: Balance,
	/// Text generation: the most tokens one request may ask for (at most the runtime's
	/// `MaxGeneratedTokens`).
	pub max_output_tokens: u32,
}

impl<Balance: sp_runtime::Saturating + Copy + From<u32>> MarketParams<Balance> {
	/// What a text-generation request of `prompt_bytes` asking for `max_tokens` holds:
	/// `request_fee + input_byte_fee × prompt_bytes + output_token_fee × max_tokens`
	/// (`inferchain_rpc_api::MarketJson::held_fee` is the same rule for clients).
	pub fn text_fee(&self, prompt_bytes: u32, max_tokens: u32) -> Balance {
		self.request_fee
			.saturating_add(self.input_byte_fee.saturating_mul(prompt_bytes.into()))
			.saturating_add(self.output_token_fee.saturating_mul(max_tokens.into()))
	}
}

/// One message of a chat prompt.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct ChatMessage<Text> {
	/// Who speaks.
	pub role: ChatRole,
	/// What is said (UTF-8, bounded).
	pub content: Text,
}

/// What a text-generation request asks the model to continue.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub enum TextPrompt<Text, Messages> {
	/// Plain text, continued as it is (`/v1/completions`).
	Text(Text),
	/// Chat messages, rendered with the model's own chat template and answered as the
	/// assistant (`/v1/chat/completions`).
	Chat(Messages),
}

/// How a text-generation request wants its tokens chosen, as submitted.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct TextOptions<Stops> {
	/// Most tokens to generate (at most the subnet's `max_output_tokens`).
	pub max_tokens: u32,
	/// Temperature × 1000 (below 50: greedy), at most 2000.
	pub temperature_milli: u32,
	/// Nucleus mass × 1000, from 1 to 1000.
	pub top_p_milli: u32,
	/// The seed of the token draws; none: the chain draws one when the request is submitted.
	/// Either way it is fixed before any miner is drawn, so neither the requester nor the
	/// miner can pick it once the answer could be known.
	pub seed: Option<u64>,
	/// Strings that end the generation (UTF-8, bounded).
	pub stop: Stops,
}

/// What a text-generation request carries besides its input (fixed at submission).
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct TextTask<Messages, Stops, Balance> {
	/// The chat messages; empty when the prompt is plain text (the request's `input`).
	pub messages: Messages,
	/// Most tokens to generate.
	pub max_tokens: u32,
	/// Temperature, nucleus and the seed (fixed at submission).
	pub sampling: SamplingParams,
	/// Strings that end the generation.
	pub stop: Stops,
	/// Price of each generated token (the request's `fee` holds `max_tokens` of them).
	pub output_token_fee: Balance,
}

/// Where a request stands.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub enum RequestStatus<AccountId, BlockNumber> {
	/// Waiting for a miner to be drawn (next block).
	Queued,
	/// `miner` (holding `uid`) must submit a result by `deadline`.
	Assigned { miner: AccountId, uid: Uid, deadline: BlockNumber },
	/// Answered; challengeable until `challenge_until`, then final.
	Answered { challenge_until: BlockNumber },
	/// An audit or a challenge is re-executing it.
	UnderReview { challenge_until: BlockNumber },
	/// Final: the fee went to the miner.
	Final,
	/// The result was found wrong: the miner was slashed and the requester refunded.
	Rejected,
	/// No miner answered (or none was available): the fee was refunded.
	Expired,
}

/// A request for inference, with its result once answered (one record, so answering writes
/// one storage item).
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct Request<AccountId, Balance, BlockNumber, Input, Output, Text, Proof> {
	/// Who asked and paid.
	pub requester: AccountId,
	/// The subnet serving it.
	pub netuid: NetUid,
	/// The subnet's model at submission.
	pub model_id: ModelId,
	/// That model's comparison rule (results' commitments are checked under it).
	pub rule: ComparisonRule,
	/// That model's output dimension: a result holds exactly this many values.
	pub output_dim: u32,
	/// The subnet's audit probability at submission (at least the runtime's floor): what the
	/// requester paid for, whatever the owner sets later.
	pub audit_probability: Perbill,
	/// The same for results of miners with few finalized results.
	pub new_miner_audit_probability: Perbill,
	/// The input (UTF-8 text, bounded): the text to embed, or a text-generation request's
	/// plain-text prompt (empty for a chat prompt, whose messages are in `text`).
	pub input: Input,
	/// What a text-generation request asks for; `None` for other tasks.
	pub text: Option<Text>,
	/// The fee held from `requester`: for text generation the most the request can cost
	/// (`max_tokens` generated); what the result does not use is returned when it is final.
	pub fee: Balance,
	/// The collateral its current miner's stake holds for it (`Liability`), fixed at the
	/// assignment so that releasing it gives back exactly what was held.
	pub collateral: Balance,
	/// Block of submission.
	pub submitted_at: BlockNumber,
	/// Miners assigned so far (a missed deadline reassigns).
	pub attempts: u8,
	/// The last miner that missed its deadline (not drawn again while others are left).
	pub previous_miner: Option<AccountId>,
	/// Where it stands.
	pub status: RequestStatus<AccountId, BlockNumber>,
	/// Audits its result survived.
	pub audits_passed: u8,
	/// Challenges its result survived.
	pub challenges_passed: u8,
	/// Block after which the request's record may be pruned (set once settled).
	pub prune_at: Option<BlockNumber>,
	/// The miner's answer, once submitted.
	pub result: Option<InferenceResult<AccountId, Balance, BlockNumber, Output, Proof>>,
}

/// A miner's answer to a request.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct InferenceResult<AccountId, Balance, BlockNumber, Output, Proof> {
	/// The miner's hotkey.
	pub miner: AccountId,
	/// The output, 4 little-endian bytes per value (bounded): `f32` values, or the generated
	/// token ids (`u32`) of a text-generation request.
	pub output: Output,
	/// A generation's TOPLOC proof ([`inferchain_inference::proof`]); empty for other tasks.
	pub proof: Proof,
	/// [`inferchain_inference::output_commitment`] of the output under the model's rule, or
	/// [`inferchain_inference::generation_commitment`] of a generation's tokens and proof.
	pub output_commitment: H256,
	/// Held from the miner for the bytes this result keeps in state (`ResultDepositPerByte`
	/// × output and proof bytes), returned when the request is pruned.
	pub deposit: Balance,
	/// Block of submission.
	pub submitted_at: BlockNumber,
}

/// Why a result is being re-executed.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub enum ReviewKind<AccountId, Balance> {
	/// Drawn at random (Proof-of-Sampling): one validator re-executes it.
	Audit,
	/// `challenger` disputed it, holding `bond`; a committee decides.
	Challenge { challenger: AccountId, bond: Balance },
	/// `auditor`'s audit revealed "disagree": a lone dissent never rejects, a committee
	/// decides, and the auditor pays if it is overruled.
	Escalation { auditor: AccountId },
}

impl<AccountId, Balance> ReviewKind<AccountId, Balance> {
	/// Who accused the result (challenger, or auditor of an escalation): excluded from the
	/// committee with every hotkey of its coldkey, rewarded or charged by the decision.
	pub fn accuser(&self) -> Option<&AccountId> {
		match self {
			Self::Audit => None,
			Self::Challenge { challenger, .. } => Some(challenger),
			Self::Escalation { auditor } => Some(auditor),
		}
	}
}

/// One validator of a review panel.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct PanelSeat<AccountId> {
	/// The validator's hotkey.
	pub validator: AccountId,
	/// The weight of its verdict: its stake when every eligible validator sits on the panel,
	/// the number of times it was drawn when the panel is a sample (see
	/// [`crate::draw::panel_seats`]).
	pub weight: u128,
	/// Its verdict commitment, once committed.
	pub commitment: Option<H256>,
	/// Its verdict, once revealed.
	pub verdict: Option<Verdict>,
}

/// A re-execution of a result by a panel of validators (one for an audit, a committee for a
/// challenge or an escalated audit), each committing then revealing a verdict.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct Review<AccountId, Balance, BlockNumber, Panel> {
	/// Audit or challenge.
	pub kind: ReviewKind<AccountId, Balance>,
	/// The validators, [`PanelSeat`]s (empty until a challenge's committee is drawn).
	pub panel: Panel,
	/// Last block for commits.
	pub commit_until: BlockNumber,
	/// Last block for reveals; the review closes in the next block.
	pub reveal_until: BlockNumber,
}

/// What is known of a miner on a subnet.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct MinerStats {
	/// Results submitted (counted the block after each, when its audit is drawn).
	pub results: u32,
	/// Results finalized (fee paid).
	pub finalized: u32,
	/// Audits and challenges the miner's result survived.
	pub audits_passed: u32,
	/// Audits and challenges that found the miner's result wrong.
	pub audits_failed: u32,
	/// Deadlines missed.
	pub timeouts: u32,
}

/// A timed action, kept in the agenda of the block it is due in.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
	/// Draw a miner for a queued request.
	Assign(RequestId),
	/// The assigned miner's deadline (of that attempt) has passed.
	Timeout(RequestId, u8),
	/// Decide whether a result is audited, and by whom.
	DrawAudit(RequestId),
	/// Draw the committee of a challenge or an escalated audit.
	FormCommittee(RequestId),
	/// Tally a review's verdicts.
	CloseReview(RequestId),
	/// The challenge window ended: pay the miner.
	Finalize(RequestId),
	/// Remove a settled request's records.
	Prune(RequestId),
}
