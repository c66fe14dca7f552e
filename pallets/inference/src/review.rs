//! Audits and challenges: drawing the panel, verdict commit-reveal, and the tally.

use crate::{
	draw, weights::WeightInfo, Action, Config, Error, Event, HoldReason, NetUid, Pallet, PanelSeat,
	RequestId, RequestStatus, Requests, Review, ReviewKind, ReviewOf, Reviews, Stats,
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
use sp_runtime::traits::{One, Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Up to `size` permitted validators of `netuid`, drawn uniformly, none of them in
	/// `excluded`. Reads only the hotkeys of the drawn UIDs.
	fn draw_panel(
		netuid: NetUid,
		seed: &[u8; 32],
		size: u32,
		excluded: &[&T::AccountId],
	) -> Vec<T::AccountId> {
		let permitted: Vec<u16> = T::Permits::permits(netuid)
			.iter()
			.enumerate()
			.filter(|(_, permitted)| **permitted)
			.filter_map(|(uid, _)| u16::try_from(uid).ok())
			.collect();
		let size = usize::try_from(size).unwrap_or(usize::MAX);
		let drawn = draw::sample(seed, b"panel", &permitted, size.saturating_add(excluded.len()));
		drawn
			.into_iter()
			.filter_map(|uid| T::Subnets::hotkey_at(netuid, uid))
			.filter(|hotkey| !excluded.contains(&hotkey))
			.take(size)
			.collect()
	}

	/// The commit and reveal deadlines of a panel drawn at `now`.
	fn panel_deadlines(now: BlockNumberFor<T>) -> (BlockNumberFor<T>, BlockNumberFor<T>) {
		let commit_until = now.saturating_add(T::VerdictCommitPeriod::get());
		(commit_until, commit_until.saturating_add(T::VerdictRevealPeriod::get()))
	}

	/// Opens `panel` on `request_id`: schedules the tally and exposes the miner until then.
	/// `None` (nothing changed) if no agenda had room.
	fn open_panel(
		request_id: RequestId,
		kind: ReviewKind<T::AccountId, crate::BalanceOf<T>>,
		panel: Vec<T::AccountId>,
		now: BlockNumberFor<T>,
		netuid: NetUid,
		miner: &T::AccountId,
	) -> Option<(BlockNumberFor<T>, BlockNumberFor<T>)> {
		let (commit_until, reveal_until) = Self::panel_deadlines(now);
		let closes_at = Self::schedule(
			reveal_until.saturating_add(One::one()),
			Action::CloseReview(request_id),
		)
		.ok()?;
		let seats = panel
			.into_iter()
			.map(|validator| PanelSeat { validator, commitment: None, verdict: None })
			.collect::<Vec<_>>();
		let review: ReviewOf<T> =
			Review { kind, panel: BoundedVec::truncate_from(seats), commit_until, reveal_until };
		Reviews::<T>::insert(request_id, review);
		Self::expose(netuid, miner, closes_at);
		Some((commit_until, reveal_until))
	}

	/// Decides whether an answered result is audited (the `DrawAudit` action).
	/// Also counts the result in the miner's statistics (kept out of `submit_result`, which
	/// stays lean).
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
		let market = Self::market(netuid);
		let is_new = stats.finalized < T::NewMinerResults::get();
		let p = if is_new { market.new_miner_audit_probability } else { market.audit_probability };
		let seed = Self::seed(b"audit", request_id);
		if !draw::happens(&seed, b"audit", p) {
			return weight;
		}
		let panel = Self::draw_panel(netuid, &seed, 1, &[&miner]);
		let Some(validator) = panel.first().cloned() else { return weight };
		let opened = Self::open_panel(request_id, ReviewKind::Audit, panel, now, netuid, &miner);
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
		let miner = request.result.as_ref().map(|result| &result.miner);
		ensure!(*miner.ok_or(Error::<T>::UnknownRequest)? != challenger, Error::<T>::OwnResult);
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
		request.status = RequestStatus::UnderReview { challenge_until };
		Requests::<T>::insert(request_id, request);
		Self::deposit_event(Event::Challenged { request_id, challenger, bond });
		Ok(())
	}

	/// Draws a challenge's committee (the `FormCommittee` action); with nobody eligible the
	/// challenge is void and the bond returned.
	pub(crate) fn form_committee(request_id: RequestId, now: BlockNumberFor<T>) -> Weight {
		let Some(review) = Reviews::<T>::get(request_id) else { return Self::stale_action(1, 0) };
		let ReviewKind::Challenge { challenger, bond } = review.kind.clone() else {
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
		let members =
			Self::draw_panel(netuid, &seed, T::CommitteeSize::get(), &[&miner, &challenger]);
		let opened = if members.is_empty() {
			None
		} else {
			Self::open_panel(request_id, review.kind, members.clone(), now, netuid, &miner)
		};
		let finalized = match opened {
			Some((commit_until, reveal_until)) => {
				Self::deposit_event(Event::CommitteeFormed {
					request_id,
					members,
					commit_until,
					reveal_until,
				});
				Weight::zero()
			},
			None => {
				Reviews::<T>::remove(request_id);
				Self::release_bond(&challenger, bond);
				Self::deposit_event(Event::ChallengeVoid { request_id });
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

	/// Tallies a review (the `CloseReview` action): more revealed "disagree" than "agree"
	/// rejects the result; otherwise, with at least one reveal, it is upheld; with none the
	/// review decides nothing. Members on the losing side or silent are penalised.
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
		let revealed = || review.panel.iter().filter_map(|seat| seat.verdict);
		let agree = u32::try_from(revealed().filter(|v| v.agrees).count()).unwrap_or(u32::MAX);
		let disagree = u32::try_from(revealed().filter(|v| !v.agrees).count()).unwrap_or(u32::MAX);
		let challenger = match &review.kind {
			ReviewKind::Challenge { challenger, bond } => Some((challenger.clone(), *bond)),
			ReviewKind::Audit => None,
		};
		let finalized = if agree.saturating_add(disagree) == 0 {
			Self::penalise_panel(request_id, netuid, &review.panel, None);
			if let Some((challenger, bond)) = challenger {
				Self::release_bond(&challenger, bond);
			}
			Self::deposit_event(Event::ReviewInconclusive { request_id });
			Self::reopen(request_id, request, now)
		} else if disagree > agree {
			Self::penalise_panel(request_id, netuid, &review.panel, Some(false));
			let beneficiary = match &challenger {
				Some((challenger, _)) => Some(challenger.clone()),
				None => review
					.panel
					.iter()
					.find(|seat| seat.verdict.is_some_and(|v| !v.agrees))
					.map(|seat| seat.validator.clone()),
			};
			if let Some((challenger, bond)) = &challenger {
				Self::release_bond(challenger, *bond);
			}
			Stats::<T>::mutate(netuid, &miner, |stats| {
				stats.audits_failed = stats.audits_failed.saturating_add(1)
			});
			Self::reject(request_id, request, &miner, beneficiary, now);
			Weight::zero()
		} else {
			Self::penalise_panel(request_id, netuid, &review.panel, Some(true));
			if let Some((challenger, bond)) = &challenger {
				Self::forfeit_bond(challenger, &miner, *bond);
			}
			Stats::<T>::mutate(netuid, &miner, |stats| {
				stats.audits_passed = stats.audits_passed.saturating_add(1)
			});
			let mut request = request;
			if challenger.is_some() {
				request.challenges_passed = request.challenges_passed.saturating_add(1);
			} else {
				request.audits_passed = request.audits_passed.saturating_add(1);
			}
			Self::deposit_event(Event::ResultUpheld { request_id, agree, disagree });
			Self::reopen(request_id, request, now)
		};
		weight.saturating_add(finalized)
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
