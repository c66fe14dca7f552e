//! Audits and challenges: drawing the panel, verdict commit-reveal, and the tally.

use crate::{
	draw,
	tally::{Decision, Tally},
	weights::WeightInfo,
	Action, BalanceOf, Config, Error, Event, HoldReason, NetUid, Pallet, PanelSeat, RequestId,
	RequestStatus, Requests, Review, ReviewKind, ReviewOf, Reviews, Stats,
};
use alloc::vec::Vec;
use frame_support::{
	dispatch::DispatchResult,
	ensure,
	traits::{fungible::MutateHold, Get},
	weights::Weight,
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use inferchain_inference::{verdict_commitment, Verdict};
use inferchain_primitives::{StakeInfo, SubnetRegistry, ValidatorPermits};
use sp_core::H256;
use sp_runtime::traits::{One, SaturatedConversion, Saturating, Zero};

/// A drawn panel member: its hotkey and the weight of its verdict.
type Member<T> = (<T as frame_system::Config>::AccountId, u128);

/// The miner that answered `request`.
fn miner_of<T: Config>(request: &crate::RequestOf<T>) -> Result<&T::AccountId, Error<T>> {
	request.result.as_ref().map(|result| &result.miner).ok_or(Error::<T>::UnknownRequest)
}

impl<T: Config> Pallet<T> {
	/// The panel of up to `size` seats on a result of `netuid` ([`draw::panel_seats`]).
	/// Eligible: the UIDs permitted at the last epoch whose holder has the validator role now, weighed by the stake that earned the
	/// permit or their stake now if that is less (borrowed stake buys nothing; withdrawn stake
	/// loses its say), when that is at least `MinValidatorStake`; not one of the `parties`
	/// nor another hotkey of a party's coldkey, nor a validator that declared another model
	/// than the request's. Reads the permits and stakes once, then the hotkey, coldkey and
	/// declared model of each UID as it is offered. Returns the members and the weight of
	/// the UIDs offered and refused (the benchmarks draw no related hotkeys).
	fn draw_panel(
		netuid: NetUid,
		model_id: &inferchain_inference::ModelId,
		seed: &[u8; 32],
		size: u32,
		parties: &[&T::AccountId],
	) -> (Vec<Member<T>>, Weight) {
		let current = T::Stake::uid_stakes(netuid);
		let min = T::MinValidatorStake::get().max(One::one()).saturated_into::<u128>();
		let permitted = T::Permits::permit_stakes(netuid);
		let validators = T::Subnets::validators(netuid);
		let len = permitted.iter().map(|(uid, _)| usize::from(*uid).saturating_add(1)).max();
		let mut weights = alloc::vec![0u128; len.unwrap_or(0)];
		for (uid, at_epoch) in permitted {
			let now = current.get(usize::from(uid)).copied().unwrap_or_else(Zero::zero);
			let stake = at_epoch.min(now.saturated_into::<u128>());
			// A holder that switched to mining since the epoch (or a new holder) sits nowhere.
			let validator = validators.get(usize::from(uid)).copied().unwrap_or(false);
			if let Some(weight) = weights.get_mut(usize::from(uid)) {
				*weight = if validator && stake >= min { stake } else { 0 };
			}
		}
		let coldkeys: Vec<T::AccountId> =
			parties.iter().filter_map(|hotkey| T::Subnets::hotkey_owner(hotkey)).collect();
		let size = usize::try_from(size).unwrap_or(usize::MAX);
		let mut hotkeys = Vec::new();
		let mut refused = 0u64;
		let seats = draw::panel_seats(seed, b"panel", &weights, size, |uid| {
			let hotkey = u16::try_from(uid).ok().and_then(|uid| T::Subnets::hotkey_at(netuid, uid));
			let admitted = hotkey.filter(|hotkey| {
				!parties.contains(&hotkey)
					&& !T::Subnets::hotkey_owner(hotkey)
						.is_some_and(|cold| coldkeys.contains(&cold))
					&& Self::runs_model(netuid, hotkey, model_id)
			});
			match admitted {
				Some(hotkey) => {
					hotkeys.push((uid, hotkey));
					true
				},
				None => {
					refused = refused.saturating_add(1);
					false
				},
			}
		});
		let members = seats
			.into_iter()
			.filter_map(|(uid, votes)| {
				let hotkey = hotkeys.iter().find(|(seated, _)| *seated == uid)?.1.clone();
				Some((hotkey, votes))
			})
			.collect();
		(members, T::DbWeight::get().reads(refused.saturating_mul(3)))
	}

	/// The commit and reveal deadlines of a panel drawn at `now`.
	fn panel_deadlines(now: BlockNumberFor<T>) -> (BlockNumberFor<T>, BlockNumberFor<T>) {
		let commit_until = now.saturating_add(T::VerdictCommitPeriod::get());
		(commit_until, commit_until.saturating_add(T::VerdictRevealPeriod::get()))
	}

	/// Opens `panel` on `request_id`: schedules the tally and, until then, holds
	/// [`Self::seat_liability`] of every member's stake in [`crate::ReviewLiability`] (the
	/// miner's stake backs its result through [`crate::Liability`]; an escalation's auditor
	/// since the escalation). `None` (nothing changed) if no agenda had room.
	fn open_panel(
		request_id: RequestId,
		kind: ReviewKind<T::AccountId, BalanceOf<T>>,
		panel: Vec<Member<T>>,
		now: BlockNumberFor<T>,
		netuid: NetUid,
	) -> Option<(BlockNumberFor<T>, BlockNumberFor<T>)> {
		let (commit_until, reveal_until) = Self::panel_deadlines(now);
		Self::schedule(reveal_until.saturating_add(One::one()), Action::CloseReview(request_id))
			.ok()?;
		let penalty = Self::seat_liability(&kind);
		let seats = panel
			.into_iter()
			.map(|(validator, weight)| {
				Self::hold_review_liability(netuid, &validator, penalty, true);
				PanelSeat { validator, weight, commitment: None, verdict: None }
			})
			.collect::<Vec<_>>();
		let review: ReviewOf<T> =
			Review { kind, panel: BoundedVec::truncate_from(seats), commit_until, reveal_until };
		Reviews::<T>::insert(request_id, review);
		Some((commit_until, reveal_until))
	}

	/// Decides whether an answered result is audited (the `DrawAudit` action), with the
	/// probabilities fixed in the request at submission. Also counts the result in the miner's
	/// statistics (kept out of `submit_result`, which stays lean).
	pub(crate) fn draw_audit(request_id: RequestId, now: BlockNumberFor<T>) -> Weight {
		let Some((mut request, miner)) = Self::answered_request(request_id) else {
			return Self::stale_action(1, 0);
		};
		let netuid = request.netuid;
		let stats = Stats::<T>::mutate(netuid, &miner, |stats| {
			stats.results = stats.results.saturating_add(1);
			*stats
		});
		let weight = T::WeightInfo::draw_audit();
		let RequestStatus::Answered { challenge_until } = request.status else { return weight };
		let is_new = stats.finalized < T::NewMinerResults::get();
		let p =
			if is_new { request.new_miner_audit_probability } else { request.audit_probability };
		let seed = Self::seed(b"audit", request_id);
		if !draw::happens(&seed, b"audit", p) {
			return weight;
		}
		let (panel, skipped) = Self::draw_panel(netuid, &request.model_id, &seed, 1, &[&miner]);
		let weight = weight.saturating_add(skipped);
		let Some((validator, _)) = panel.first().cloned() else { return weight };
		let opened = Self::open_panel(request_id, ReviewKind::Audit, panel, now, netuid);
		let Some((commit_until, reveal_until)) = opened else { return weight };
		request.status = RequestStatus::UnderReview { challenge_until };
		Requests::<T>::insert(request_id, request);
		Self::deposit_event(Event::AuditAssigned {
			request_id,
			validator,
			commit_until,
			reveal_until,
		});
		weight
	}

	pub(crate) fn do_challenge(challenger: T::AccountId, request_id: RequestId) -> DispatchResult {
		let mut request = Requests::<T>::get(request_id).ok_or(Error::<T>::UnknownRequest)?;
		let RequestStatus::Answered { challenge_until } = request.status else {
			return Err(Error::<T>::NotChallengeable.into());
		};
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= challenge_until, Error::<T>::ChallengeWindowClosed);
		let miner = miner_of::<T>(&request)?.clone();
		ensure!(miner != challenger, Error::<T>::OwnResult);
		ensure!(!T::Stake::stake_of(request.netuid, &challenger).is_zero(), Error::<T>::NotStaked);
		Self::schedule(now.saturating_add(One::one()), Action::FormCommittee(request_id))?;
		let bond = T::ChallengeBond::get();
		T::Currency::hold(&HoldReason::ChallengeBond.into(), &challenger, bond)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		let review: ReviewOf<T> = Review {
			kind: ReviewKind::Challenge { challenger: challenger.clone(), bond },
			panel: BoundedVec::new(),
			commit_until: now,
			reveal_until: now,
		};
		Reviews::<T>::insert(request_id, review);
		// The miner's stake keeps backing the result through its liability until settlement.
		request.status = RequestStatus::UnderReview { challenge_until };
		Requests::<T>::insert(request_id, request);
		Self::deposit_event(Event::Challenged { request_id, challenger, bond });
		Ok(())
	}

	/// Draws the committee of a challenge or an escalated audit (the `FormCommittee`
	/// action): by stake, none of its members sharing a coldkey with the miner or the accuser.
	/// With nobody eligible the review decides nothing: a challenge is void (bond returned),
	/// an escalation inconclusive; the result stands either way.
	pub(crate) fn form_committee(request_id: RequestId, now: BlockNumberFor<T>) -> Weight {
		let Some(review) = Reviews::<T>::get(request_id) else { return Self::stale_action(1, 0) };
		let Some(accuser) = review.kind.accuser().cloned() else {
			return Self::stale_action(1, 0);
		};
		if !review.panel.is_empty() {
			return Self::stale_action(1, 0);
		}
		let Some((request, miner)) = Self::answered_request(request_id) else {
			return Self::stale_action(2, 0);
		};
		let weight = T::WeightInfo::form_committee();
		let netuid = request.netuid;
		let seed = Self::seed(b"committee", request_id);
		let (members, skipped) = Self::draw_panel(
			netuid,
			&request.model_id,
			&seed,
			T::CommitteeSize::get(),
			&[&miner, &accuser],
		);
		let weight = weight.saturating_add(skipped);
		let hotkeys: Vec<T::AccountId> = members.iter().map(|(hotkey, _)| hotkey.clone()).collect();
		let opened = if members.is_empty() {
			None
		} else {
			Self::open_panel(request_id, review.kind.clone(), members, now, netuid)
		};
		let finalized = match opened {
			Some((commit_until, reveal_until)) => {
				Self::deposit_event(Event::CommitteeFormed {
					request_id,
					members: hotkeys,
					commit_until,
					reveal_until,
				});
				Weight::zero()
			},
			None => {
				Reviews::<T>::remove(request_id);
				match review.kind {
					ReviewKind::Challenge { challenger, bond } => {
						Self::release_bond(&challenger, bond);
						Self::deposit_event(Event::ChallengeVoid { request_id });
					},
					ReviewKind::Escalation { auditor } => {
						let bond = T::ChallengeBond::get();
						Self::hold_review_liability(netuid, &auditor, bond, false);
						Self::deposit_event(Event::ReviewInconclusive { request_id });
					},
					ReviewKind::Audit => {
						Self::deposit_event(Event::ReviewInconclusive { request_id })
					},
				}
				Self::reopen(request_id, request, now)
			},
		};
		weight.saturating_add(finalized)
	}

	pub(crate) fn do_commit_verdict(
		validator: T::AccountId,
		request_id: RequestId,
		commitment: H256,
	) -> DispatchResult {
		let mut review = Reviews::<T>::get(request_id).ok_or(Error::<T>::NoReview)?;
		let now = frame_system::Pallet::<T>::block_number();
		let commit_until = review.commit_until;
		let seat = review
			.panel
			.iter_mut()
			.find(|seat| seat.validator == validator)
			.ok_or(Error::<T>::NotOnPanel)?;
		ensure!(now <= commit_until, Error::<T>::CommitPeriodOver);
		ensure!(seat.commitment.is_none(), Error::<T>::AlreadyCommitted);
		seat.commitment = Some(commitment);
		Reviews::<T>::insert(request_id, review);
		Self::deposit_event(Event::VerdictCommitted { request_id, validator });
		Ok(())
	}

	pub(crate) fn do_reveal_verdict(
		validator: T::AccountId,
		request_id: RequestId,
		verdict: Verdict,
		salt: [u8; 32],
	) -> DispatchResult {
		let mut review = Reviews::<T>::get(request_id).ok_or(Error::<T>::NoReview)?;
		let now = frame_system::Pallet::<T>::block_number();
		let (commit_until, reveal_until) = (review.commit_until, review.reveal_until);
		let seat = review
			.panel
			.iter_mut()
			.find(|seat| seat.validator == validator)
			.ok_or(Error::<T>::NotOnPanel)?;
		ensure!(now > commit_until, Error::<T>::RevealNotOpen);
		ensure!(now <= reveal_until, Error::<T>::RevealPeriodOver);
		let commitment = seat.commitment.ok_or(Error::<T>::NoCommitment)?;
		ensure!(seat.verdict.is_none(), Error::<T>::AlreadyRevealed);
		ensure!(
			verdict_commitment(&validator, request_id, &verdict, &salt) == commitment.0,
			Error::<T>::RevealDoesNotMatchCommit
		);
		seat.verdict = Some(verdict);
		Reviews::<T>::insert(request_id, review);
		Self::deposit_event(Event::VerdictRevealed {
			request_id,
			validator,
			agrees: verdict.agrees,
		});
		Ok(())
	}

	/// Tallies a review (the `CloseReview` action) by [`tally`]: revealed stake for and
	/// against, against the panel's stake.
	/// - An audit's lone "disagree" rejects nothing: it escalates to a committee
	///   (`FormCommittee` next block), the auditor becoming the accuser.
	/// - Reject: the miner is slashed, the accuser rewarded, members that revealed "agree" or
	///   nothing penalised.
	/// - Uphold: the accuser pays (a challenger's bond, or `ChallengeBond` of an overruled
	///   auditor's stake, to the miner); members that revealed "disagree" or nothing penalised.
	/// - Undecided: only silent members are penalised; a challenger's bond is returned; the
	///   result stands.
	pub(crate) fn close_review(request_id: RequestId, now: BlockNumberFor<T>) -> Weight {
		let Some(review) = Reviews::<T>::take(request_id) else {
			return Self::stale_action(1, 1);
		};
		let Some((request, miner)) = Self::answered_request(request_id) else {
			return Self::stale_action(2, 1);
		};
		let panel_size = u32::try_from(review.panel.len()).unwrap_or(u32::MAX);
		let weight = Self::close_review_weight(panel_size);
		let netuid = request.netuid;
		let mut stakes = Tally::default();
		for seat in &review.panel {
			stakes.add(seat.weight, seat.verdict.map(|v| v.agrees));
		}
		let revealed = || review.panel.iter().filter_map(|seat| seat.verdict);
		let agree = u32::try_from(revealed().filter(|v| v.agrees).count()).unwrap_or(u32::MAX);
		let disagree = u32::try_from(revealed().filter(|v| !v.agrees).count()).unwrap_or(u32::MAX);
		let decision = stakes.decide(T::ReviewQuorum::get(), T::Supermajority::get());
		let finalized = match (decision, &review.kind) {
			(Decision::Reject, ReviewKind::Audit) => {
				let auditor = review.panel.iter().find(|seat| seat.verdict.is_some());
				let auditor = auditor.map(|seat| seat.validator.clone());
				match auditor.and_then(|auditor| Self::escalate(request_id, netuid, auditor, now)) {
					// Still under review: the committee decides.
					Some(()) => Weight::zero(),
					None => {
						Self::deposit_event(Event::ReviewInconclusive { request_id });
						Self::reopen(request_id, request, now)
					},
				}
			},
			(Decision::Reject, kind) => {
				Self::penalise_panel(request_id, netuid, &review.panel, Some(false));
				let accuser = kind.accuser().cloned();
				if let ReviewKind::Challenge { challenger, bond } = kind {
					Self::release_bond(challenger, *bond);
				}
				Stats::<T>::mutate(netuid, &miner, |stats| {
					stats.audits_failed = stats.audits_failed.saturating_add(1)
				});
				Self::reject(request_id, request, &miner, accuser, now);
				Weight::zero()
			},
			(Decision::Uphold, kind) => {
				Self::penalise_panel(request_id, netuid, &review.panel, Some(true));
				match kind {
					ReviewKind::Challenge { challenger, bond } => {
						Self::forfeit_bond(challenger, &miner, *bond)
					},
					ReviewKind::Escalation { auditor } => {
						Self::overrule(request_id, netuid, auditor, &miner)
					},
					ReviewKind::Audit => {},
				}
				Stats::<T>::mutate(netuid, &miner, |stats| {
					stats.audits_passed = stats.audits_passed.saturating_add(1)
				});
				let mut request = request;
				if matches!(kind, ReviewKind::Challenge { .. }) {
					request.challenges_passed = request.challenges_passed.saturating_add(1);
				} else {
					request.audits_passed = request.audits_passed.saturating_add(1);
				}
				Self::deposit_event(Event::ResultUpheld { request_id, agree, disagree });
				Self::reopen(request_id, request, now)
			},
			(Decision::Undecided, kind) => {
				Self::penalise_panel(request_id, netuid, &review.panel, None);
				if let ReviewKind::Challenge { challenger, bond } = kind {
					Self::release_bond(challenger, *bond);
				}
				Self::deposit_event(Event::ReviewInconclusive { request_id });
				Self::reopen(request_id, request, now)
			},
		};
		// The members' (and an escalation's auditor's) stake answered for this review only
		// until now: what it held for it is released.
		let mut released = 0u64;
		let penalty = Self::seat_liability(&review.kind);
		for validator in review.panel.iter().map(|seat| &seat.validator) {
			Self::hold_review_liability(netuid, validator, penalty, false);
			released = released.saturating_add(1);
		}
		if let ReviewKind::Escalation { auditor } = &review.kind {
			Self::hold_review_liability(netuid, auditor, T::ChallengeBond::get(), false);
			released = released.saturating_add(1);
		}
		let released = T::DbWeight::get().reads_writes(released, released);
		weight.saturating_add(finalized).saturating_add(released)
	}

	/// What a seat on a panel of `kind` could cost its validator: `VerdictPenalty`, and for an
	/// audit also `ChallengeBond` (its lone "disagree" escalates, and an overruled auditor pays
	/// the bond; its verdict is sealed until the reveal, so the bond is held from the start:
	/// the auditor cannot move its stake away between committing a dissent and its escalation).
	pub(crate) fn seat_liability(kind: &ReviewKind<T::AccountId, BalanceOf<T>>) -> BalanceOf<T> {
		match kind {
			ReviewKind::Audit => T::VerdictPenalty::get().saturating_add(T::ChallengeBond::get()),
			ReviewKind::Challenge { .. } | ReviewKind::Escalation { .. } => {
				T::VerdictPenalty::get()
			},
		}
	}

	/// Turns an audit whose auditor revealed "disagree" into an escalation: a committee is
	/// drawn next block. `None` (nothing changed) if no agenda had room.
	fn escalate(
		request_id: RequestId,
		netuid: NetUid,
		auditor: T::AccountId,
		now: BlockNumberFor<T>,
	) -> Option<()> {
		Self::schedule(now.saturating_add(One::one()), Action::FormCommittee(request_id)).ok()?;
		// An overruled auditor pays `ChallengeBond` from its stake: held until the committee's
		// tally (the miner's stake backs the result through its liability).
		Self::hold_review_liability(netuid, &auditor, T::ChallengeBond::get(), true);
		let review: ReviewOf<T> = Review {
			kind: ReviewKind::Escalation { auditor: auditor.clone() },
			panel: BoundedVec::new(),
			commit_until: now,
			reveal_until: now,
		};
		Reviews::<T>::insert(request_id, review);
		Self::deposit_event(Event::AuditDisputed { request_id, auditor });
		Some(())
	}

	/// Burns `VerdictPenalty` from each member that did not reveal, or (with `winning` set)
	/// revealed the other verdict.
	fn penalise_panel(
		request_id: RequestId,
		netuid: NetUid,
		panel: &[PanelSeat<T::AccountId>],
		winning: Option<bool>,
	) {
		for seat in panel {
			let lost = match (seat.verdict, winning) {
				(None, _) => true,
				(Some(verdict), Some(agrees)) => verdict.agrees != agrees,
				(Some(_), None) => false,
			};
			if lost {
				Self::penalise(request_id, netuid, &seat.validator);
			}
		}
	}
}
