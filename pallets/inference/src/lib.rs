//! # Inference pallet
//!
//! A market for verifiable inference: dApps pay for requests, miners drawn by incentive answer
//! with outputs bound to commitments, randomly sampled results are re-executed by validators
//! (Proof-of-Sampling), anyone staked can challenge a result before it is final, and wrong
//! results are slashed from the miner's stake.
//!
//! ## Life of a request
//! 1. [`Pallet::submit_request`]: the subnet's `request_fee` is held from the requester; the
//!    request is `Queued`. Text-generation subnets take [`Pallet::submit_text_request`]
//!    instead: a prompt (text or chat messages), sampling options and a seed fixed now, the
//!    most the request can cost held (see the `text` module).
//! 2. Next block (`on_initialize`): a miner is drawn (see [`draw`]) with randomness from a
//!    block after the submission, so the requester cannot pick it, among miners whose bonded
//!    stake covers the collateral of everything they have open plus this request
//!    ([`Pallet::collateral`]: the most the request can cost its miner): `Assigned` until
//!    `now + ResultTimeout`. From here the miner's stake backs the request (see below).
//! 3. [`Pallet::submit_result`] by the assigned hotkey before the deadline: the output's
//!    commitment is recomputed on chain under the model's comparison rule and must match
//!    ([`Pallet::submit_generation`] for text: tokens and proof, checked for size, their
//!    commitment computed here). A deposit per stored byte is held from the miner until the
//!    record is pruned.
//!    `Answered`, challengeable for `ChallengeWindow` blocks. A missed deadline burns
//!    `TimeoutPenalty` of the miner's stake and draws another miner (at most `MaxAttempts`
//!    miners; then the fee is refunded: `Expired`).
//! 4. Next block: with the audit probability fixed in the request at submission (the
//!    subnet's, at least `MinAuditProbability`; the new-miner rate while the miner has fewer
//!    than `NewMinerResults` finalized results), one validator is drawn as auditor, by stake,
//!    among permitted validators with at least `MinValidatorStake`, none sharing the miner's
//!    coldkey.
//! 5. [`Pallet::challenge`]: while `Answered`, a hotkey staked on the subnet holds
//!    `ChallengeBond`; next block a committee of up to `CommitteeSize` such validators is
//!    drawn by stake, none sharing a coldkey with the miner or the challenger.
//! 6. Panel members [`Pallet::commit_verdict`] within `VerdictCommitPeriod` blocks, then
//!    [`Pallet::reveal_verdict`] within `VerdictRevealPeriod`; the next block tallies the
//!    revealed stake (see [`tally`]): a side needs `Supermajority` of the revealed stake, and
//!    `ReviewQuorum` of the panel's stake must have revealed. An auditor's lone "disagree"
//!    never rejects: it escalates to a committee (as for a challenge, the auditor being the
//!    accuser), which decides.
//! 7. After the window, with no review open: `Final`; the fee minus `ProtocolCut` (burned)
//!    goes to the miner's hotkey. Settled requests are pruned `Retention` blocks later.
//!
//! ## Slashing (see [`settle`])
//! - Rejected result: `SlashMultiple × fee` of the miner's stake (bounded by the stake);
//!   `SlashRewardShare` of it to the accuser (challenger, or the auditor whose dissent the
//!   committee confirmed), the rest burned; the requester's fee is refunded; a challenger's
//!   bond is returned.
//! - Upheld result: a challenger's bond goes to the miner; an overruled auditor pays
//!   `ChallengeBond` from its stake to the miner. A lying accuser loses in expectation.
//! - Panel members that revealed the losing side of a decision, or did not reveal:
//!   `VerdictPenalty` burned from their stake. An undecided review (no quorum, or no side with
//!   the supermajority) penalises only the silent and leaves the result standing.
//! - Results must be finite (`NonFiniteOutput`): no reviewer can compare a NaN; and of the
//!   shape the model declares (`WrongOutputShape`): exactly its `output_dim` values, a
//!   dimension bound into the model id, so nobody can register a model's files under another
//!   shape and make every honest result fail.
//! - A hotkey's stake backs its open work **by amount**: a miner's [`Liability`] (the
//!   collateral of its unsettled requests, from assignment to settlement), a panel member's
//!   `VerdictPenalty` per open panel and an escalating auditor's `ChallengeBond`
//!   ([`ReviewLiability`], until the tally). [`inferchain_primitives::StakeExposure`] tells
//!   `pallet-stake` to keep that much of the hotkey's stake (bonded and unbonding) within
//!   reach of a slash; the rest can be withdrawn or moved at any time, so opening reviews
//!   (a griefer challenging its own results again and again) cannot lock a validator's stake
//!   beyond what its verdicts could cost it.
//!
//! ## Timed actions
//! Draws, deadlines, tallies, finalization and pruning are actions in a per-block agenda run
//! by `on_initialize` within `AgendaBudget`; what does not fit runs first in the next block
//! (see the `agenda` module), so under load actions run late rather than overfill a block.
//!
//! ## Invariants (checked by `try_state`)
//! - Each miner's [`Liability`] is the [`Pallet::collateral`] of its open requests.
//! - Each validator's [`ReviewLiability`] is `VerdictPenalty` per open panel it sits on plus
//!   `ChallengeBond` per escalation of its own dissent.
//! - Each subnet's [`OpenRequests`] counts its unsettled requests.
//! - Each account's balance held for request fees equals the fees of its unsettled requests,
//!   its balance held for challenge bonds the bonds of its open challenges, and its balance
//!   held for model deposits the deposits of its models.
//!
//! Randomness: [`ParentHashRandomness`] hashes the parent block's hash, which a block author
//! could grind; the `Randomness` type is a `Config` item so a runtime can plug in a VRF source.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod agenda;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod draw;
mod exposure;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
mod market;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::unwrap_used, clippy::indexing_slicing)]
mod mock;
mod randomness;
mod review;
pub mod settle;
pub mod tally;
#[cfg(test)]
mod tests;
mod text;
pub mod types;
pub mod weights;

pub use agenda::SCHEDULE_TRIES;
pub use inferchain_primitives::{NetUid, Uid};
pub use randomness::ParentHashRandomness;
pub use types::{
	Action, ChatMessage, ChatRole, InferenceResult, MarketParams, MinerStats, ModelInfo,
	ModelMetadata, PanelSeat, Request, RequestId, RequestStatus, Review, ReviewKind, TextOptions,
	TextPrompt, TextTask,
};
pub use weights::WeightInfo;

/// Builds subnets with miners and permitted validators for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// A subnet with `miners` miners and `validators` permitted validators (all funded and
	/// staked), its task set to `model_id`; returns the netuid, the miners and the validators.
	fn subnet(
		miners: u32,
		validators: u32,
		model_id: [u8; 32],
	) -> (NetUid, alloc::vec::Vec<AccountId>, alloc::vec::Vec<AccountId>);
}

// FRAME's pallet macros expand to `expect` calls spanned on this module, which clippy cannot tell
// from ours, so this module allows `expect_used`. It holds only declarations and one-line
// delegations; the logic lives in the other modules, where every lint applies.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate, MutateHold},
			Randomness,
		},
	};
	use frame_system::pallet_prelude::*;
	use inferchain_inference::ModelId;
	use inferchain_primitives::{Slash, StakeInfo, SubnetRegistry, ValidatorPermits};
	use sp_runtime::Perbill;

	/// Balance type of the fee currency.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	/// A model record.
	pub type ModelInfoOf<T> = ModelInfo<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		BlockNumberFor<T>,
		BoundedVec<u8, <T as Config>::MaxModelName>,
	>;
	/// A model's metadata.
	pub type ModelMetadataOf<T> = ModelMetadata<BoundedVec<u8, <T as Config>::MaxModelName>>;
	/// Request input text (or a chat message's content).
	pub type InputOf<T> = BoundedVec<u8, <T as Config>::MaxInputLen>;
	/// A text-generation request's chat messages.
	pub type MessagesOf<T> = BoundedVec<ChatMessage<InputOf<T>>, <T as Config>::MaxMessages>;
	/// A text-generation request's stop strings.
	pub type StopsOf<T> =
		BoundedVec<BoundedVec<u8, <T as Config>::MaxStopLen>, <T as Config>::MaxStops>;
	/// A text-generation request's prompt, as submitted.
	pub type TextPromptOf<T> = TextPrompt<InputOf<T>, MessagesOf<T>>;
	/// A text-generation request's options, as submitted.
	pub type TextOptionsOf<T> = TextOptions<StopsOf<T>>;
	/// What a text-generation request carries besides its input.
	pub type TextTaskOf<T> = TextTask<MessagesOf<T>, StopsOf<T>, BalanceOf<T>>;
	/// A generation's proof.
	pub type ProofOf<T> = BoundedVec<u8, <T as Config>::MaxProofLen>;
	/// A request record.
	pub type RequestOf<T> = Request<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		BlockNumberFor<T>,
		InputOf<T>,
		BoundedVec<u8, <T as Config>::MaxOutputLen>,
		TextTaskOf<T>,
		ProofOf<T>,
	>;
	/// A result record.
	pub type ResultOf<T> = InferenceResult<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		BlockNumberFor<T>,
		BoundedVec<u8, <T as Config>::MaxOutputLen>,
		ProofOf<T>,
	>;
	/// A review record.
	pub type ReviewOf<T> = Review<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		BlockNumberFor<T>,
		BoundedVec<PanelSeat<<T as frame_system::Config>::AccountId>, <T as Config>::CommitteeSize>,
	>;
	/// A request's status.
	pub type StatusOf<T> = RequestStatus<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	/// The actions due in one block.
	pub type AgendaOf<T> = BoundedVec<Action, <T as Config>::MaxAgendaLen>;

	/// The layout of this pallet's storage. A change to it raises this version and ships with a
	/// versioned migration from the last release's layout (see `releases/README.md`).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The fee currency (fees, bonds and deposits are held in it).
		type Currency: Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;
		/// Subnets, their neurons and their task's model.
		type Subnets: SubnetRegistry<Self::AccountId>;
		/// Stake (who may challenge) and slashing.
		type Stake: StakeInfo<Self::AccountId, BalanceOf<Self>>
			+ Slash<Self::AccountId, BalanceOf<Self>>;
		/// Validator permits as of each subnet's last epoch.
		type Permits: ValidatorPermits;
		/// Randomness for assignment, audits and committees.
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;
		/// Deposit held for a model registration.
		#[pallet::constant]
		type ModelDeposit: Get<BalanceOf<Self>>;
		/// Longest model name, in bytes.
		#[pallet::constant]
		type MaxModelName: Get<u32>;
		/// Longest request input, in bytes.
		#[pallet::constant]
		type MaxInputLen: Get<u32>;
		/// Longest result output, in bytes.
		#[pallet::constant]
		type MaxOutputLen: Get<u32>;
		/// Most messages in a chat prompt (their contents together at most `MaxInputLen`).
		#[pallet::constant]
		type MaxMessages: Get<u32>;
		/// Most stop strings of a text-generation request.
		#[pallet::constant]
		type MaxStops: Get<u32>;
		/// Longest stop string, in bytes.
		#[pallet::constant]
		type MaxStopLen: Get<u32>;
		/// Most tokens one generation may hold (4 bytes each must fit `MaxOutputLen`).
		#[pallet::constant]
		type MaxGeneratedTokens: Get<u32>;
		/// Longest generation proof, in bytes: a text model is registered only if the proof of
		/// `MaxGeneratedTokens` tokens under its rule fits.
		#[pallet::constant]
		type MaxProofLen: Get<u32>;
		/// Held from a miner per byte its result keeps in state (output and proof), returned
		/// when the request is pruned.
		#[pallet::constant]
		type ResultDepositPerByte: Get<BalanceOf<Self>>;
		/// Market settings of subnets whose owner set none.
		#[pallet::constant]
		type DefaultMarket: Get<MarketParams<BalanceOf<Self>>>;
		/// Lowest request fee an owner may set.
		#[pallet::constant]
		type MinRequestFee: Get<BalanceOf<Self>>;
		/// Lowest audit probability (for known and new miners alike): owners cannot set less,
		/// and a request never gets less.
		#[pallet::constant]
		type MinAuditProbability: Get<Perbill>;
		/// Least stake a permitted validator needs to be drawn for a panel (a UID's permit from
		/// the last epoch does not make its next holder an auditor).
		#[pallet::constant]
		type MinValidatorStake: Get<BalanceOf<Self>>;
		/// Share of a committee's stake that must reveal for it to decide anything (q).
		#[pallet::constant]
		type ReviewQuorum: Get<Perbill>;
		/// Share of the revealed stake a side needs to decide (t); see [`crate::tally`].
		#[pallet::constant]
		type Supermajority: Get<Perbill>;
		/// Blocks an assigned miner has to submit its result.
		#[pallet::constant]
		type ResultTimeout: Get<BlockNumberFor<Self>>;
		/// Blocks an assigned miner has to submit a generation (text takes longer).
		#[pallet::constant]
		type TextResultTimeout: Get<BlockNumberFor<Self>>;
		/// Most miners assigned to one request before it expires.
		#[pallet::constant]
		type MaxAttempts: Get<u8>;
		/// Blocks after a result during which it can be challenged (W).
		#[pallet::constant]
		type ChallengeWindow: Get<BlockNumberFor<Self>>;
		/// Blocks a panel has to commit verdicts.
		#[pallet::constant]
		type VerdictCommitPeriod: Get<BlockNumberFor<Self>>;
		/// Blocks a panel has to reveal verdicts, after the commit period.
		#[pallet::constant]
		type VerdictRevealPeriod: Get<BlockNumberFor<Self>>;
		/// Validators drawn for a committee (bound of every panel): by stake, none sharing a
		/// coldkey with the miner or the accuser.
		#[pallet::constant]
		type CommitteeSize: Get<u32>;
		/// Bond a challenger holds; an audit dissent that its committee overrules costs the
		/// auditor as much, from its stake, paid to the miner.
		#[pallet::constant]
		type ChallengeBond: Get<BalanceOf<Self>>;
		/// A wrong result costs its miner this many times the fee.
		#[pallet::constant]
		type SlashMultiple: Get<u32>;
		/// Share of a miner's slash paid to the accuser (challenger or dissenting auditor).
		#[pallet::constant]
		type SlashRewardShare: Get<Perbill>;
		/// Burned from a panel member on the losing side or who did not reveal.
		#[pallet::constant]
		type VerdictPenalty: Get<BalanceOf<Self>>;
		/// Burned from a miner that misses a deadline.
		#[pallet::constant]
		type TimeoutPenalty: Get<BalanceOf<Self>>;
		/// Share of each final fee that is burned.
		#[pallet::constant]
		type ProtocolCut: Get<Perbill>;
		/// Finalized results under which a miner counts as new.
		#[pallet::constant]
		type NewMinerResults: Get<u32>;
		/// Blocks a settled request stays readable before it is pruned.
		#[pallet::constant]
		type Retention: Get<BlockNumberFor<Self>>;
		/// Most subnets (the worst case of `deregister_model`'s check that no subnet uses it).
		#[pallet::constant]
		type MaxSubnets: Get<u32>;
		/// Most UIDs a subnet holds (the worst case of a miner draw's scan, for benchmarks).
		#[pallet::constant]
		type MaxUids: Get<u32>;
		/// Most actions due in one block (bounds each agenda's storage).
		#[pallet::constant]
		type MaxAgendaLen: Get<u32>;
		/// Most weight `on_initialize` spends on actions in one block; the rest wait for the
		/// next block, and new requests are refused while the agenda is more than
		/// [`crate::SCHEDULE_TRIES`] blocks behind.
		#[pallet::constant]
		type AgendaBudget: Get<Weight>;
		/// Weights of this pallet's calls and actions, generated by its benchmarks.
		type WeightInfo: WeightInfo;
		/// Builds subnets for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::BenchmarkHelper<Self::AccountId>;
	}

	/// Why this pallet holds balance.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A registered model's deposit.
		ModelDeposit,
		/// A request's fee, until it is paid or refunded.
		RequestFee,
		/// A challenger's bond, until the challenge is decided.
		ChallengeBond,
		/// A miner's deposit for the bytes of a result, until the request is pruned.
		ResultDeposit,
	}

	/// Registered models.
	#[pallet::storage]
	pub type Models<T: Config> = StorageMap<_, Identity, ModelId, ModelInfoOf<T>>;

	/// Market settings of subnets whose owner set them.
	#[pallet::storage]
	pub type Markets<T: Config> = StorageMap<_, Twox64Concat, NetUid, MarketParams<BalanceOf<T>>>;

	/// The id the next request gets.
	#[pallet::storage]
	pub type NextRequestId<T> = StorageValue<_, RequestId, ValueQuery>;

	/// Requests, with their results once answered, until pruned.
	#[pallet::storage]
	pub type Requests<T: Config> = StorageMap<_, Twox64Concat, RequestId, RequestOf<T>>;

	/// Open audits and challenges.
	#[pallet::storage]
	pub type Reviews<T: Config> = StorageMap<_, Twox64Concat, RequestId, ReviewOf<T>>;

	/// The model each neuron says it runs on a subnet (`declare_model`): requests for another
	/// model are never assigned to it and reviews of them never seat it, so a subnet owner
	/// switching the task's model cannot fine the miners and validators still running the old
	/// one for requests they cannot serve. Undeclared neurons are drawn for any model.
	#[pallet::storage]
	pub type ServedModels<T: Config> =
		StorageDoubleMap<_, Twox64Concat, NetUid, Blake2_128Concat, T::AccountId, ModelId>;

	/// Unsettled requests of each subnet (not final, rejected or expired): a subnet with any
	/// cannot be dissolved (see [`inferchain_primitives::SubnetWork`]).
	#[pallet::storage]
	pub type OpenRequests<T: Config> = StorageMap<_, Twox64Concat, NetUid, u32, ValueQuery>;

	/// What each miner did on each subnet.
	#[pallet::storage]
	pub type Stats<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		NetUid,
		Blake2_128Concat,
		T::AccountId,
		MinerStats,
		ValueQuery,
	>;

	/// What a miner's open work could still cost it, per subnet: [`Pallet::collateral`] of
	/// each request assigned to it and not yet settled. A miner is drawn only while its bonded
	/// stake covers this plus one more request, so every slash can be paid in full.
	#[pallet::storage]
	pub type Liability<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		NetUid,
		Blake2_128Concat,
		T::AccountId,
		BalanceOf<T>,
		ValueQuery,
	>;

	/// What a validator's verdicts on open reviews could still cost it, per subnet:
	/// `VerdictPenalty` for each panel it sits on until that panel's tally, and `ChallengeBond`
	/// while its own dissent is escalated (an overruled auditor pays it). With [`Liability`],
	/// the stake `pallet-stake` keeps within reach of a slash.
	#[pallet::storage]
	pub type ReviewLiability<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		NetUid,
		Blake2_128Concat,
		T::AccountId,
		BalanceOf<T>,
		ValueQuery,
	>;

	/// Actions due in each block.
	#[pallet::storage]
	pub type Agenda<T: Config> =
		StorageMap<_, Twox64Concat, BlockNumberFor<T>, AgendaOf<T>, ValueQuery>;

	/// Where the agenda goes on next block when the last one ran out of `AgendaBudget`: the
	/// oldest block with actions left and the position of the first of them.
	#[pallet::storage]
	pub type AgendaCursor<T: Config> = StorageValue<_, (BlockNumberFor<T>, u32)>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A model was registered.
		ModelRegistered { model_id: ModelId, owner: T::AccountId },
		/// A model was removed and its deposit returned.
		ModelDeregistered { model_id: ModelId, owner: T::AccountId, refunded: BalanceOf<T> },
		/// A neuron declared the model it runs on a subnet.
		ModelDeclared { netuid: NetUid, hotkey: T::AccountId, model_id: ModelId },
		/// A subnet's market settings were set.
		MarketParamsSet { netuid: NetUid, params: MarketParams<BalanceOf<T>> },
		/// A request was submitted and its fee held.
		RequestSubmitted {
			request_id: RequestId,
			requester: T::AccountId,
			netuid: NetUid,
			model_id: ModelId,
			fee: BalanceOf<T>,
		},
		/// A miner was drawn for a request.
		RequestAssigned {
			request_id: RequestId,
			netuid: NetUid,
			miner: T::AccountId,
			uid: Uid,
			deadline: BlockNumberFor<T>,
		},
		/// The assigned miner answered.
		ResultSubmitted {
			request_id: RequestId,
			miner: T::AccountId,
			output_commitment: sp_core::H256,
			challenge_until: BlockNumberFor<T>,
		},
		/// The assigned miner missed its deadline and was penalised.
		MinerTimedOut { request_id: RequestId, miner: T::AccountId, penalty: BalanceOf<T> },
		/// The request found no miner in time; its fee was refunded.
		RequestExpired { request_id: RequestId, refunded: BalanceOf<T> },
		/// A result was drawn for audit.
		AuditAssigned {
			request_id: RequestId,
			validator: T::AccountId,
			commit_until: BlockNumberFor<T>,
			reveal_until: BlockNumberFor<T>,
		},
		/// A result was challenged.
		Challenged { request_id: RequestId, challenger: T::AccountId, bond: BalanceOf<T> },
		/// The auditor revealed "disagree": a committee decides (drawn in the next block).
		AuditDisputed { request_id: RequestId, auditor: T::AccountId },
		/// The committee of a challenge or an escalated audit was drawn.
		CommitteeFormed {
			request_id: RequestId,
			members: alloc::vec::Vec<T::AccountId>,
			commit_until: BlockNumberFor<T>,
			reveal_until: BlockNumberFor<T>,
		},
		/// A challenge found no eligible validator; the bond was returned.
		ChallengeVoid { request_id: RequestId },
		/// A panel member committed its verdict.
		VerdictCommitted { request_id: RequestId, validator: T::AccountId },
		/// A panel member revealed its verdict.
		VerdictRevealed { request_id: RequestId, validator: T::AccountId, agrees: bool },
		/// A review found the result right.
		ResultUpheld { request_id: RequestId, agree: u32, disagree: u32 },
		/// A review found the result wrong: the miner was slashed, the requester refunded.
		ResultSlashed {
			request_id: RequestId,
			miner: T::AccountId,
			slashed: BalanceOf<T>,
			rewarded: BalanceOf<T>,
			refunded: BalanceOf<T>,
		},
		/// Too little stake revealed, no side reached the supermajority, or no committee could
		/// be drawn: the review decided nothing and the result stands.
		ReviewInconclusive { request_id: RequestId },
		/// The committee upheld a result its auditor disputed: the auditor paid the miner.
		DissentOverruled { request_id: RequestId, auditor: T::AccountId, paid: BalanceOf<T> },
		/// A panel member on the losing side, or silent, was penalised.
		VerdictPenalised { request_id: RequestId, validator: T::AccountId, amount: BalanceOf<T> },
		/// The challenge window ended: the fee went to the miner; what a generation did not use
		/// of the held fee was `refunded` to the requester.
		ResultFinalized {
			request_id: RequestId,
			miner: T::AccountId,
			paid: BalanceOf<T>,
			burned: BalanceOf<T>,
			refunded: BalanceOf<T>,
		},
		/// A settled request's records were removed and the result's deposit returned.
		RequestPruned { request_id: RequestId, deposit_returned: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// A model with this id is registered already.
		ModelAlreadyRegistered,
		/// The model name is empty or not UTF-8.
		InvalidModelName,
		/// The tokenizer digest is all zeros (the id of a model without a tokenizer).
		InvalidDigests,
		/// No model with this id is registered.
		UnknownModel,
		/// Only the model's owner may do this.
		NotModelOwner,
		/// A subnet's task names this model.
		ModelInUse,
		/// The caller cannot pay the deposit, fee or bond.
		InsufficientBalance,
		/// No subnet with this netuid.
		SubnetNotFound,
		/// Only the subnet's owner (or root) may do this.
		NotSubnetOwner,
		/// The request fee is below `MinRequestFee`, a probability below
		/// `MinAuditProbability`, or `max_output_tokens` zero or above `MaxGeneratedTokens`.
		InvalidMarketParams,
		/// The subnet has no task, or its model is not registered.
		ModelNotRegistered,
		/// The subnet's request fee is above the caller's `max_fee`.
		FeeAboveMax,
		/// The input is not UTF-8, or holds nothing but white space.
		InvalidInput,
		/// Every block the request's next action could go in is full, or (for new requests) the
		/// agenda is more than `SCHEDULE_TRIES` blocks behind; try later.
		MarketBusy,
		/// No request with this id.
		UnknownRequest,
		/// The request is not waiting for a result (answered, settled or not yet assigned).
		NotAwaitingResult,
		/// The caller is not the miner assigned to this request.
		NotAssignedMiner,
		/// The request's deadline has passed.
		DeadlinePassed,
		/// The output is empty or not a whole number of `f32` values.
		MalformedOutput,
		/// The output holds a NaN or an infinity.
		NonFiniteOutput,
		/// The output commitment is not the commitment of the output under the model's rule.
		CommitmentMismatch,
		/// The caller has no stake on the request's subnet.
		NotStaked,
		/// The result is not open to challenge (not answered, or already under review).
		NotChallengeable,
		/// The challenge window has closed.
		ChallengeWindowClosed,
		/// A miner cannot challenge its own result.
		OwnResult,
		/// No audit or challenge is open on this request.
		NoReview,
		/// The caller is not on the review's panel.
		NotOnPanel,
		/// The commit period is over.
		CommitPeriodOver,
		/// The caller committed already.
		AlreadyCommitted,
		/// The reveal period has not started.
		RevealNotOpen,
		/// The reveal period is over.
		RevealPeriodOver,
		/// The caller did not commit.
		NoCommitment,
		/// The caller revealed already.
		AlreadyRevealed,
		/// The reveal does not reproduce the commitment.
		RevealDoesNotMatchCommit,
		/// Request ids are exhausted.
		Overflow,
		/// The output dimension is zero, or its values could never fit a result.
		InvalidOutputDim,
		/// The call is for another kind of task than the subnet's (or the request's): text
		/// subnets take `submit_text_request` and `submit_generation`, others `submit_request`
		/// and `submit_result`.
		WrongTaskKind,
		/// The text options are out of range: no tokens or more than the subnet allows, a
		/// temperature or nucleus out of range, or an empty or non-UTF-8 stop string.
		InvalidTextOptions,
		/// The generation is empty, longer than the request allows, or holds a token outside
		/// the vocabulary.
		MalformedGeneration,
		/// The proof is not the size the model's rule gives the generated tokens.
		MalformedProof,
		/// A text model's proof for `MaxGeneratedTokens` would not fit `MaxProofLen`, or a
		/// model's comparison rule is not for its task kind.
		RuleDoesNotFitTask,
		/// The output does not have the model's declared dimension.
		WrongOutputShape,
		/// The caller is not a neuron of the subnet.
		NotANeuron,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::run_agenda(now)
		}

		fn integrity_test() {
			// A generation's tokens are stored as the output's bytes.
			assert!(
				T::MaxGeneratedTokens::get().saturating_mul(4) <= T::MaxOutputLen::get(),
				"MaxGeneratedTokens tokens must fit MaxOutputLen"
			);
			assert!(T::MaxGeneratedTokens::get() > 0, "MaxGeneratedTokens must be positive");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register a model: its id is computed here from its files' `digests`, the profile and
		/// the output (kind and dimension) in `metadata`
		/// ([`inferchain_inference::ModelDigests::model_id`]; the engine computes the same:
		/// `inferchain-worker model-id`), so an id always names the profile (dtype, comparison
		/// rule, threads) and output shape it was registered with and cannot be squatted with
		/// others.
		///
		/// Origin: signed; holds `ModelDeposit`. Errors: [`Error::InvalidDigests`],
		/// [`Error::InvalidOutputDim`], [`Error::ModelAlreadyRegistered`],
		/// [`Error::InvalidModelName`], [`Error::InsufficientBalance`].
		/// Event: [`Event::ModelRegistered`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_model())]
		pub fn register_model(
			origin: OriginFor<T>,
			digests: inferchain_inference::ModelDigests,
			metadata: ModelMetadataOf<T>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_register_model(owner, digests, metadata)
		}

		/// Set a subnet's request fee and audit probabilities.
		///
		/// Origin: the subnet's owner or root. Errors: [`Error::SubnetNotFound`],
		/// [`Error::NotSubnetOwner`], [`Error::InvalidMarketParams`].
		/// Event: [`Event::MarketParamsSet`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_market_params())]
		pub fn set_market_params(
			origin: OriginFor<T>,
			netuid: NetUid,
			params: MarketParams<BalanceOf<T>>,
		) -> DispatchResult {
			Self::do_set_market_params(origin, netuid, params)
		}

		/// Ask `netuid`'s miners to run its model on `input`; holds the subnet's request fee,
		/// which must not exceed `max_fee`. A miner is drawn in the next block.
		///
		/// Origin: signed. Errors: [`Error::SubnetNotFound`], [`Error::ModelNotRegistered`],
		/// [`Error::WrongTaskKind`], [`Error::FeeAboveMax`], [`Error::InvalidInput`],
		/// [`Error::InsufficientBalance`],
		/// [`Error::MarketBusy`], [`Error::Overflow`]. Event: [`Event::RequestSubmitted`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::submit_request(input.len().try_into().unwrap_or(u32::MAX)))]
		pub fn submit_request(
			origin: OriginFor<T>,
			netuid: NetUid,
			input: BoundedVec<u8, T::MaxInputLen>,
			max_fee: BalanceOf<T>,
		) -> DispatchResult {
			let requester = ensure_signed(origin)?;
			Self::do_submit_request(requester, netuid, input, max_fee)
		}

		/// Answer an assigned request: `output` is the `f32` values (4 little-endian bytes each)
		/// and `output_commitment` their commitment under the model's rule, checked here. The
		/// weight grows with the number of values.
		///
		/// Origin: the assigned miner's hotkey. Errors: [`Error::UnknownRequest`],
		/// [`Error::NotAwaitingResult`] (not assigned, or answered: replays),
		/// [`Error::NotAssignedMiner`], [`Error::DeadlinePassed`], [`Error::WrongTaskKind`],
		/// [`Error::MalformedOutput`], [`Error::NonFiniteOutput`], [`Error::WrongOutputShape`],
		/// [`Error::CommitmentMismatch`], [`Error::InsufficientBalance`] (the result's deposit),
		/// [`Error::MarketBusy`]. Event: [`Event::ResultSubmitted`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::submit_result(
			output.len().saturating_div(4).try_into().unwrap_or(u32::MAX)
		))]
		pub fn submit_result(
			origin: OriginFor<T>,
			request_id: RequestId,
			output: BoundedVec<u8, T::MaxOutputLen>,
			output_commitment: sp_core::H256,
		) -> DispatchResult {
			let miner = ensure_signed(origin)?;
			Self::do_submit_result(miner, request_id, output, output_commitment)
		}

		/// Commit a verdict on a result under review:
		/// [`inferchain_inference::verdict_commitment`] of (caller, request, verdict, salt).
		///
		/// Origin: a hotkey on the review's panel. Errors: [`Error::NoReview`],
		/// [`Error::NotOnPanel`], [`Error::CommitPeriodOver`], [`Error::AlreadyCommitted`].
		/// Event: [`Event::VerdictCommitted`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::commit_verdict())]
		pub fn commit_verdict(
			origin: OriginFor<T>,
			request_id: RequestId,
			commitment: sp_core::H256,
		) -> DispatchResult {
			let validator = ensure_signed(origin)?;
			Self::do_commit_verdict(validator, request_id, commitment)
		}

		/// Reveal a committed verdict, after the commit period.
		///
		/// Origin: the panel member that committed. Errors: [`Error::NoReview`],
		/// [`Error::NotOnPanel`], [`Error::RevealNotOpen`], [`Error::RevealPeriodOver`],
		/// [`Error::NoCommitment`], [`Error::AlreadyRevealed`],
		/// [`Error::RevealDoesNotMatchCommit`]. Event: [`Event::VerdictRevealed`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::reveal_verdict())]
		pub fn reveal_verdict(
			origin: OriginFor<T>,
			request_id: RequestId,
			verdict: inferchain_inference::Verdict,
			salt: [u8; 32],
		) -> DispatchResult {
			let validator = ensure_signed(origin)?;
			Self::do_reveal_verdict(validator, request_id, verdict, salt)
		}

		/// Dispute an answered result within its challenge window, holding `ChallengeBond`.
		/// A committee is drawn in the next block.
		///
		/// Origin: a hotkey with stake on the request's subnet, not the miner.
		/// Errors: [`Error::UnknownRequest`], [`Error::NotChallengeable`],
		/// [`Error::ChallengeWindowClosed`], [`Error::OwnResult`], [`Error::NotStaked`],
		/// [`Error::InsufficientBalance`], [`Error::MarketBusy`]. Event: [`Event::Challenged`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::challenge())]
		pub fn challenge(origin: OriginFor<T>, request_id: RequestId) -> DispatchResult {
			let challenger = ensure_signed(origin)?;
			Self::do_challenge(challenger, request_id)
		}

		/// Remove a model no subnet's task names, returning its deposit. Requests already
		/// submitted for it carry its comparison rule and settle as before.
		///
		/// Origin: the model's owner. Errors: [`Error::UnknownModel`],
		/// [`Error::NotModelOwner`], [`Error::ModelInUse`]. Event: [`Event::ModelDeregistered`].
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::deregister_model()
			.saturating_add(T::DbWeight::get().reads(u64::from(T::MaxSubnets::get()))))]
		pub fn deregister_model(origin: OriginFor<T>, model_id: ModelId) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_deregister_model(owner, model_id)
		}

		/// Declare the model this neuron runs on `netuid` (a worker does at start): requests for
		/// other models are not assigned to it, and reviews of them do not seat it.
		///
		/// Origin: the neuron's hotkey. Errors: [`Error::SubnetNotFound`],
		/// [`Error::NotANeuron`], [`Error::UnknownModel`]. Event: [`Event::ModelDeclared`].
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::declare_model())]
		pub fn declare_model(
			origin: OriginFor<T>,
			netuid: NetUid,
			model_id: ModelId,
		) -> DispatchResult {
			let hotkey = ensure_signed(origin)?;
			Self::do_declare_model(hotkey, netuid, model_id)
		}

		/// Ask a text-generation subnet's miners to continue `prompt` (plain text or chat
		/// messages, their bytes together at most `MaxInputLen`) under `options`. Holds the most
		/// it can cost, `request_fee + input_byte_fee × prompt bytes + output_token_fee ×
		/// max_tokens` (see [`MarketParams`]), which must not exceed `max_fee`; a result of
		/// fewer tokens is charged for those only. The seed is fixed here: the requester's, or
		/// one drawn from the chain's randomness. A miner is drawn in the next block.
		///
		/// Origin: signed. Errors: [`Error::SubnetNotFound`], [`Error::ModelNotRegistered`],
		/// [`Error::WrongTaskKind`], [`Error::InvalidInput`], [`Error::InvalidTextOptions`],
		/// [`Error::FeeAboveMax`], [`Error::InsufficientBalance`], [`Error::MarketBusy`],
		/// [`Error::Overflow`]. Event: [`Event::RequestSubmitted`].
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::submit_text_request(crate::text::prompt_len::<T>(prompt)))]
		pub fn submit_text_request(
			origin: OriginFor<T>,
			netuid: NetUid,
			prompt: TextPromptOf<T>,
			options: TextOptionsOf<T>,
			max_fee: BalanceOf<T>,
		) -> DispatchResult {
			let requester = ensure_signed(origin)?;
			Self::do_submit_text_request(requester, netuid, prompt, options, max_fee)
		}

		/// Answer an assigned text-generation request with the generated `tokens` and their
		/// TOPLOC `proof` (bound to the caller and the request,
		/// [`inferchain_inference::proof_binding`]). The chain checks sizes only (at most the
		/// request's `max_tokens`, every token in the vocabulary, `⌈tokens / 32⌉` proof chunks
		/// of the model's `top_k`) and stores the commitment
		/// [`inferchain_inference::generation_commitment`]; audits and challenges judge the
		/// tokens by a teacher-forced prefill. Holds `ResultDepositPerByte` per stored byte.
		///
		/// Origin: the assigned miner's hotkey. Errors: [`Error::UnknownRequest`],
		/// [`Error::NotAwaitingResult`], [`Error::NotAssignedMiner`], [`Error::DeadlinePassed`],
		/// [`Error::WrongTaskKind`], [`Error::MalformedGeneration`], [`Error::MalformedProof`],
		/// [`Error::InsufficientBalance`], [`Error::MarketBusy`].
		/// Event: [`Event::ResultSubmitted`].
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::submit_generation(
			tokens.len().try_into().unwrap_or(u32::MAX)
		))]
		pub fn submit_generation(
			origin: OriginFor<T>,
			request_id: RequestId,
			tokens: BoundedVec<u32, T::MaxGeneratedTokens>,
			proof: ProofOf<T>,
		) -> DispatchResult {
			let miner = ensure_signed(origin)?;
			Self::do_submit_generation(miner, request_id, tokens, proof)
		}
	}
}
