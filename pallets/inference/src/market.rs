//! Models, market settings, requests, miner assignment, results and deadlines.

use crate::{
	draw, weights::WeightInfo, Action, BalanceOf, Config, Error, Event, HoldReason, Liability,
	MarketParams, Markets, ModelInfo, ModelMetadataOf, Models, NextRequestId, Pallet, Request,
	RequestId, RequestOf, RequestStatus, Requests, Stats,
};
use alloc::vec::Vec;
use frame_support::{
	dispatch::DispatchResult,
	ensure,
	traits::{fungible::MutateHold, Get, Randomness},
	weights::Weight,
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use inferchain_inference::{
	decode_output, output_commitment, ComparisonRule, ModelDigests, ModelId, OutputShape, TaskKind,
};
use inferchain_primitives::{
	NetUid, Slash, SlashTarget, StakeInfo, SubnetRegistry, ValidatorPermits,
};
use sp_core::H256;
use sp_runtime::{
	traits::{One, Saturating, Zero},
	DispatchError,
};

/// Most candidates one assignment draws before it gives up (the request expires, refunded): a
/// bound on its cost however many miners lack the collateral.
pub const MAX_DRAW_ROUNDS: u32 = 64;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_model(
		owner: T::AccountId,
		digests: ModelDigests,
		metadata: ModelMetadataOf<T>,
	) -> DispatchResult {
		// An all-zero tokenizer digest would give the same id as no tokenizer at all.
		ensure!(digests.tokenizer != Some([0; 32]), Error::<T>::InvalidDigests);
		let output = metadata.output();
		// A vector model's results must fit `MaxOutputLen`; a text model's vocabulary cannot be
		// empty.
		let max_values = T::MaxOutputLen::get() / 4;
		let fits = match output.kind {
			TaskKind::TextGeneration => true,
			TaskKind::Embedding | TaskKind::Classification => output.dim <= max_values,
		};
		ensure!(output.dim > 0 && fits, Error::<T>::InvalidOutputDim);
		// Results of a text model are judged by a text rule, whose proofs must fit on chain;
		// vector results by a vector rule.
		let rule_fits = match (output.kind, &metadata.profile.rule) {
			(TaskKind::TextGeneration, ComparisonRule::Text(rule)) => {
				Self::proof_len(rule, T::MaxGeneratedTokens::get())
					.is_some_and(|len| len <= T::MaxProofLen::get())
			},
			(TaskKind::TextGeneration, _) | (_, ComparisonRule::Text(_)) => false,
			_ => true,
		};
		ensure!(rule_fits, Error::<T>::RuleDoesNotFitTask);
		let model_id = digests.model_id(&metadata.profile, &output);
		ensure!(!Models::<T>::contains_key(model_id), Error::<T>::ModelAlreadyRegistered);
		ensure!(
			!metadata.name.is_empty() && core::str::from_utf8(&metadata.name).is_ok(),
			Error::<T>::InvalidModelName
		);
		let deposit = T::ModelDeposit::get();
		T::Currency::hold(&HoldReason::ModelDeposit.into(), &owner, deposit)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		let registered_at = frame_system::Pallet::<T>::block_number();
		Models::<T>::insert(
			model_id,
			ModelInfo { owner: owner.clone(), digests, metadata, deposit, registered_at },
		);
		Self::deposit_event(Event::ModelRegistered { model_id, owner });
		Ok(())
	}

	pub(crate) fn do_deregister_model(owner: T::AccountId, model_id: ModelId) -> DispatchResult {
		let model = Models::<T>::get(model_id).ok_or(Error::<T>::UnknownModel)?;
		ensure!(model.owner == owner, Error::<T>::NotModelOwner);
		let in_use = T::Subnets::netuids()
			.into_iter()
			.any(|netuid| T::Subnets::subnet_model(netuid) == Some(model_id));
		ensure!(!in_use, Error::<T>::ModelInUse);
		let refunded = T::Currency::release(
			&HoldReason::ModelDeposit.into(),
			&owner,
			model.deposit,
			frame_support::traits::tokens::Precision::BestEffort,
		)
		.unwrap_or_else(|_| Zero::zero());
		Models::<T>::remove(model_id);
		Self::deposit_event(Event::ModelDeregistered { model_id, owner, refunded });
		Ok(())
	}

	pub(crate) fn do_declare_model(
		hotkey: T::AccountId,
		netuid: NetUid,
		model_id: ModelId,
	) -> DispatchResult {
		ensure!(T::Subnets::subnet_exists(netuid), Error::<T>::SubnetNotFound);
		ensure!(T::Subnets::uid_of(netuid, &hotkey).is_some(), Error::<T>::NotANeuron);
		ensure!(Models::<T>::contains_key(model_id), Error::<T>::UnknownModel);
		crate::ServedModels::<T>::insert(netuid, &hotkey, model_id);
		Self::deposit_event(Event::ModelDeclared { netuid, hotkey, model_id });
		Ok(())
	}

	/// Whether `hotkey` may work on requests for `model_id` on `netuid`: it declared that
	/// model, or none.
	pub(crate) fn runs_model(netuid: NetUid, hotkey: &T::AccountId, model_id: &ModelId) -> bool {
		crate::ServedModels::<T>::get(netuid, hotkey).is_none_or(|declared| &declared == model_id)
	}

	pub(crate) fn do_set_market_params(
		origin: T::RuntimeOrigin,
		netuid: NetUid,
		params: MarketParams<BalanceOf<T>>,
	) -> DispatchResult {
		let owner = T::Subnets::subnet_owner(netuid).ok_or(Error::<T>::SubnetNotFound)?;
		match origin.into() {
			Ok(RawOrigin::Root) => {},
			Ok(RawOrigin::Signed(caller)) if caller == owner => {},
			Ok(RawOrigin::Signed(_)) => return Err(Error::<T>::NotSubnetOwner.into()),
			_ => return Err(DispatchError::BadOrigin),
		}
		let floor = T::MinAuditProbability::get();
		ensure!(
			params.request_fee >= T::MinRequestFee::get()
				&& !params.audit_probability.is_zero()
				&& params.audit_probability >= floor
				&& params.new_miner_audit_probability >= floor
				&& !params.new_miner_audit_probability.is_zero()
				&& params.max_output_tokens > 0
				&& params.max_output_tokens <= T::MaxGeneratedTokens::get(),
			Error::<T>::InvalidMarketParams
		);
		Markets::<T>::insert(netuid, params);
		Self::deposit_event(Event::MarketParamsSet { netuid, params });
		Ok(())
	}

	/// The market settings of `netuid` (its owner's, else the default).
	pub fn market(netuid: NetUid) -> MarketParams<BalanceOf<T>> {
		Markets::<T>::get(netuid).unwrap_or_else(T::DefaultMarket::get)
	}

	pub(crate) fn do_submit_request(
		requester: T::AccountId,
		netuid: NetUid,
		input: BoundedVec<u8, T::MaxInputLen>,
		max_fee: BalanceOf<T>,
	) -> DispatchResult {
		let (model_id, metadata) = Self::task_model(netuid)?;
		// Text models take `submit_text_request`.
		ensure!(metadata.kind != TaskKind::TextGeneration, Error::<T>::WrongTaskKind);
		let market = Self::market(netuid);
		let fee = market.request_fee;
		ensure!(fee <= max_fee, Error::<T>::FeeAboveMax);
		// Every input the chain takes can be served: text with something besides white space
		// (engines truncate chain inputs past the model's position limit, never refuse them).
		ensure!(Self::is_text(&input), Error::<T>::InvalidInput);
		Self::open_request(requester, netuid, (model_id, metadata), market, input, None, fee)
	}

	/// The model of `netuid`'s task and its metadata.
	pub(crate) fn task_model(netuid: NetUid) -> Result<(ModelId, ModelMetadataOf<T>), Error<T>> {
		ensure!(T::Subnets::subnet_exists(netuid), Error::<T>::SubnetNotFound);
		T::Subnets::subnet_model(netuid)
			.and_then(|model| Models::<T>::get(model).map(|info| (model, info.metadata)))
			.ok_or(Error::<T>::ModelNotRegistered)
	}

	/// Whether `bytes` are UTF-8 with something besides white space.
	pub(crate) fn is_text(bytes: &[u8]) -> bool {
		core::str::from_utf8(bytes).is_ok_and(|text| !text.trim().is_empty())
	}

	/// Stores a new request for `model` on `netuid` (checked by the caller), holding `fee`
	/// from `requester` and scheduling the draw of its miner.
	pub(crate) fn open_request(
		requester: T::AccountId,
		netuid: NetUid,
		model: (ModelId, ModelMetadataOf<T>),
		market: MarketParams<BalanceOf<T>>,
		input: crate::InputOf<T>,
		text: Option<crate::TextTaskOf<T>>,
		fee: BalanceOf<T>,
	) -> DispatchResult {
		let (model_id, metadata) = model;
		let (rule, output_dim) = (metadata.profile.rule, metadata.output_dim);
		// Fixed now, so an owner cannot lower the audit rate of requests already paid for.
		let floor = T::MinAuditProbability::get();
		let request_id = NextRequestId::<T>::get();
		let next = request_id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(Self::agenda_delay(now) <= crate::SCHEDULE_TRIES.into(), Error::<T>::MarketBusy);
		Self::schedule(now.saturating_add(One::one()), Action::Assign(request_id))?;
		T::Currency::hold(&HoldReason::RequestFee.into(), &requester, fee)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		NextRequestId::<T>::put(next);
		crate::OpenRequests::<T>::mutate(netuid, |open| *open = open.saturating_add(1));
		Requests::<T>::insert(
			request_id,
			Request {
				requester: requester.clone(),
				netuid,
				model_id,
				rule,
				output_dim,
				audit_probability: market.audit_probability.max(floor),
				new_miner_audit_probability: market.new_miner_audit_probability.max(floor),
				input,
				text,
				fee,
				collateral: Zero::zero(),
				submitted_at: now,
				attempts: 0,
				previous_miner: None,
				audits_passed: 0,
				challenges_passed: 0,
				status: RequestStatus::Queued,
				prune_at: None,
				result: None,
			},
		);
		Self::deposit_event(Event::RequestSubmitted {
			request_id,
			requester,
			netuid,
			model_id,
			fee,
		});
		Ok(())
	}

	/// What a request can cost its miner at most: `max(SlashMultiple × fee, TimeoutPenalty)`
	/// (a wrong answer or a missed deadline, never both for one miner). Held against the
	/// miner's stake in [`crate::Liability`] while the request is open.
	pub fn collateral(fee: BalanceOf<T>) -> BalanceOf<T> {
		fee.saturating_mul(T::SlashMultiple::get().into()).max(T::TimeoutPenalty::get())
	}

	/// Adds (`open`) or removes a request's collateral `amount` to or from `miner`'s liability.
	pub(crate) fn hold_collateral(
		netuid: NetUid,
		miner: &T::AccountId,
		amount: BalanceOf<T>,
		open: bool,
	) {
		Liability::<T>::mutate_exists(netuid, miner, |liability| {
			*liability = crate::exposure::adjusted::<T>(*liability, amount, open);
		});
	}

	/// Draws a miner for a queued request (the `Assign` action): every occupied UID whose
	/// holder has the miner role (`pallet-subnets`) and whose bonded stake covers its [`crate::Liability`] plus this request's
	/// [`Self::collateral`], weighted as in [`draw::miner_weights`], the previous miner
	/// excluded when anyone else is left. Candidates are drawn one at a time and their
	/// liability read as they come up. None: the request expires.
	pub(crate) fn assign(request_id: RequestId, now: BlockNumberFor<T>) -> Weight {
		let Some(mut request) = Requests::<T>::get(request_id) else {
			return Self::stale_action(1, 0);
		};
		if request.status != RequestStatus::Queued {
			return Self::stale_action(1, 0);
		}
		let netuid = request.netuid;
		let mut scores = T::Subnets::uid_scores(netuid);
		let mut weight = T::WeightInfo::assign(Self::uid_count(scores.len()));
		let validators = T::Subnets::validators(netuid);
		// A permit from the last epoch counts too: switching to "miner" after winning one does
		// not make a hotkey both a validator (weights for the tempo) and a miner.
		let permits = T::Permits::permits(netuid);
		let stakes = T::Stake::uid_stakes(netuid);
		let needed = Self::collateral(request.fee);
		for (uid, score) in scores.iter_mut().enumerate() {
			let validator = validators.get(uid).copied().unwrap_or(false)
				|| permits.get(uid).copied().unwrap_or(false);
			let stake = stakes.get(uid).copied().unwrap_or_else(Zero::zero);
			if validator || stake < needed {
				*score = None;
			}
		}
		if let Some(previous) = &request.previous_miner {
			if let Some(uid) = T::Subnets::uid_of(netuid, previous) {
				let others =
					scores.iter().enumerate().any(|(i, s)| s.is_some() && i != usize::from(uid));
				if others {
					if let Some(score) = scores.get_mut(usize::from(uid)) {
						*score = None;
					}
				}
			}
		}
		let seed = Self::seed(b"assign", request_id);
		let mut weights: Vec<u128> =
			draw::miner_weights(&scores).into_iter().map(u128::from).collect();
		let mut round = 0u32;
		let chosen = loop {
			if round >= MAX_DRAW_ROUNDS {
				break None;
			}
			let Some(index) = draw::weighted_round(&seed, b"miner", round, &weights) else {
				break None;
			};
			round = round.saturating_add(1);
			if let Some(candidate) = weights.get_mut(index) {
				*candidate = 0;
			}
			let Some(uid) = u16::try_from(index).ok() else { continue };
			let Some(miner) = T::Subnets::hotkey_at(netuid, uid) else { continue };
			let stake = stakes.get(index).copied().unwrap_or_else(Zero::zero);
			if Liability::<T>::get(netuid, &miner).saturating_add(needed) <= stake
				&& Self::runs_model(netuid, &miner, &request.model_id)
			{
				break Some((uid, miner));
			}
		};
		// The first candidate's reads are in the benchmark; each one skipped costs three more.
		let skipped = u64::from(round.saturating_sub(1));
		weight.saturating_accrue(T::DbWeight::get().reads(skipped.saturating_mul(3)));
		let Some((uid, miner)) = chosen else {
			Self::expire(request_id, request, now);
			return weight;
		};
		let timeout = match request.text {
			Some(_) => T::TextResultTimeout::get(),
			None => T::ResultTimeout::get(),
		};
		let deadline = now.saturating_add(timeout);
		request.attempts = request.attempts.saturating_add(1);
		let timeout = Action::Timeout(request_id, request.attempts);
		if Self::schedule(deadline.saturating_add(One::one()), timeout).is_err() {
			Self::expire(request_id, request, now);
			return weight;
		}
		// The miner's stake backs the request from now until it settles (its liability, which
		// `pallet-stake` keeps within reach of a slash), so answering writes only the request.
		Self::hold_collateral(netuid, &miner, needed, true);
		request.collateral = needed;
		request.status = RequestStatus::Assigned { miner: miner.clone(), uid, deadline };
		Requests::<T>::insert(request_id, request);
		Self::deposit_event(Event::RequestAssigned { request_id, netuid, miner, uid, deadline });
		weight
	}

	/// Request `request_id` and the miner that answered it; `None` if unknown or unanswered.
	pub(crate) fn answered_request(request_id: RequestId) -> Option<(RequestOf<T>, T::AccountId)> {
		let request = Requests::<T>::get(request_id)?;
		let miner = request.result.as_ref()?.miner.clone();
		Some((request, miner))
	}

	/// A 32-byte seed for draws about `request_id`, from [`Config::Randomness`].
	pub(crate) fn seed(tag: &[u8], request_id: RequestId) -> [u8; 32] {
		let mut subject = tag.to_vec();
		subject.extend_from_slice(&request_id.to_le_bytes());
		let (random, _) = T::Randomness::random(&subject);
		sp_io::hashing::blake2_256(random.as_ref())
	}

	pub(crate) fn do_submit_result(
		miner: T::AccountId,
		request_id: RequestId,
		output: BoundedVec<u8, T::MaxOutputLen>,
		commitment: H256,
	) -> DispatchResult {
		let request = Self::awaiting_result(request_id, &miner)?;
		ensure!(request.text.is_none(), Error::<T>::WrongTaskKind);
		let values = decode_output(&output).ok_or(Error::<T>::MalformedOutput)?;
		// A NaN's quantised commitment matches itself, but no reviewer can compare it.
		ensure!(values.iter().all(|value| value.is_finite()), Error::<T>::NonFiniteOutput);
		let cols = u32::try_from(values.len()).map_err(|_| Error::<T>::MalformedOutput)?;
		ensure!(cols == request.output_dim, Error::<T>::WrongOutputShape);
		let shape = OutputShape { rows: 1, cols };
		let expected = output_commitment(&request.rule, shape, &values);
		ensure!(expected == commitment.0, Error::<T>::CommitmentMismatch);
		Self::record_result(request_id, request, miner, output, Default::default(), commitment)
	}

	/// Request `request_id`, if `miner` is the miner assigned to it and its deadline has not
	/// passed.
	pub(crate) fn awaiting_result(
		request_id: RequestId,
		miner: &T::AccountId,
	) -> Result<RequestOf<T>, DispatchError> {
		let request = Requests::<T>::get(request_id).ok_or(Error::<T>::UnknownRequest)?;
		let RequestStatus::Assigned { miner: assigned, deadline, .. } = &request.status else {
			return Err(Error::<T>::NotAwaitingResult.into());
		};
		ensure!(assigned == miner, Error::<T>::NotAssignedMiner);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= *deadline, Error::<T>::DeadlinePassed);
		Ok(request)
	}

	/// Stores a checked result (holding its deposit from the miner) and schedules its audit
	/// draw and its finalization.
	pub(crate) fn record_result(
		request_id: RequestId,
		mut request: RequestOf<T>,
		miner: T::AccountId,
		output: BoundedVec<u8, T::MaxOutputLen>,
		proof: crate::ProofOf<T>,
		commitment: H256,
	) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		let challenge_until = now.saturating_add(T::ChallengeWindow::get());
		Self::schedule(now.saturating_add(One::one()), Action::DrawAudit(request_id))?;
		Self::schedule(challenge_until.saturating_add(One::one()), Action::Finalize(request_id))?;
		let bytes = output.len().saturating_add(proof.len());
		let deposit = T::ResultDepositPerByte::get()
			.saturating_mul(u32::try_from(bytes).unwrap_or(u32::MAX).into());
		T::Currency::hold(&HoldReason::ResultDeposit.into(), &miner, deposit)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		request.status = RequestStatus::Answered { challenge_until };
		request.result = Some(crate::InferenceResult {
			miner: miner.clone(),
			output,
			proof,
			output_commitment: commitment,
			deposit,
			submitted_at: now,
		});
		// The miner's stake has backed this result since the assignment (see `assign`).
		Requests::<T>::insert(request_id, request);
		Self::deposit_event(Event::ResultSubmitted {
			request_id,
			miner,
			output_commitment: commitment,
			challenge_until,
		});
		Ok(())
	}

	/// A deadline passed (the `Timeout` action): if the request still waits for that attempt,
	/// the miner is penalised and the request reassigned, or expires after `MaxAttempts`.
	pub(crate) fn timeout(request_id: RequestId, attempt: u8, now: BlockNumberFor<T>) -> Weight {
		let Some(mut request) = Requests::<T>::get(request_id) else {
			return Self::stale_action(1, 0);
		};
		let RequestStatus::Assigned { miner, .. } = request.status.clone() else {
			return Self::stale_action(1, 0);
		};
		if request.attempts != attempt {
			return Self::stale_action(1, 0);
		}
		let penalty =
			T::Stake::slash(request.netuid, &miner, T::TimeoutPenalty::get(), SlashTarget::Burn)
				.unwrap_or_else(|_| Zero::zero());
		Stats::<T>::mutate(request.netuid, &miner, |stats| {
			stats.timeouts = stats.timeouts.saturating_add(1)
		});
		Self::hold_collateral(request.netuid, &miner, request.collateral, false);
		request.previous_miner = Some(miner.clone());
		Self::deposit_event(Event::MinerTimedOut { request_id, miner, penalty });
		let weight = Self::timeout_weight();
		if request.attempts >= T::MaxAttempts::get() {
			Self::expire(request_id, request, now);
			return weight;
		}
		request.status = RequestStatus::Queued;
		Requests::<T>::insert(request_id, request);
		weight.saturating_add(Self::assign(request_id, now))
	}
}

impl<T: Config> inferchain_primitives::SubnetWork for Pallet<T> {
	fn open_requests(netuid: NetUid) -> u32 {
		crate::OpenRequests::<T>::get(netuid)
	}
}
