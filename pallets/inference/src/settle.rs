//! Where the money goes: fees paid or refunded, bonds returned or forfeited, miners and panel
//! members slashed, settled requests pruned.
//!
//! - Final result: a generation's unused part of the held fee (`output_token_fee` per token
//!   not generated) is released to the requester; of the rest, the `due` fee,
//!   `cut = ProtocolCut × due` is burned from the requester's hold and `due − cut` moves from
//!   the hold to the miner's hotkey. Should the transfer be impossible (the hotkey account
//!   cannot be created), the fee is refunded instead.
//! - Pruning: the result's deposit is released to its miner.
//! - Rejected result: `intended = SlashMultiple × fee`; `reward = SlashRewardShare × intended`
//!   is slashed from the miner's stake to the accuser (challenger, or auditor whose dissent
//!   the committee confirmed),
//!   then `intended − reward` is slashed and burned; each is bounded by what stake is left.
//!   The requester's fee is released in full.
//! - Expired request: the fee is released in full.
//! - Challenge bond: released when the result is rejected or the review is void or
//!   inconclusive; moved to the miner when the result is upheld.
//! - Overruled dissent: an auditor whose "disagree" its committee upheld against pays
//!   `ChallengeBond` from its stake to the miner.

use crate::{
	weights::WeightInfo, Action, BalanceOf, Config, Event, HoldReason, NetUid, Pallet, RequestId,
	RequestOf, RequestStatus, Requests, Stats,
};
use frame_support::{
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
		Get,
	},
	weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;
use inferchain_primitives::{Slash, SlashTarget};
use sp_runtime::traits::{One, Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Ends a review that did not reject the result: back to `Answered`, or final at once if
	/// the challenge window is over (its `Finalize` action found the review open and left).
	/// Returns the weight of that finalization (the caller's benchmark covers the rest).
	pub(crate) fn reopen(
		request_id: RequestId,
		mut request: RequestOf<T>,
		now: BlockNumberFor<T>,
	) -> Weight {
		let challenge_until = match request.status {
			RequestStatus::UnderReview { challenge_until } => challenge_until,
			_ => return Weight::zero(),
		};
		request.status = RequestStatus::Answered { challenge_until };
		Requests::<T>::insert(request_id, request);
		if now > challenge_until {
			return Self::finalize(request_id, now);
		}
		Weight::zero()
	}

	/// Pays a result whose window closed with no review open (the `Finalize` action).
	pub(crate) fn finalize(request_id: RequestId, now: BlockNumberFor<T>) -> Weight {
		let Some(mut request) = Requests::<T>::get(request_id) else {
			return Self::stale_action(1, 0);
		};
		let RequestStatus::Answered { challenge_until } = request.status else {
			return Self::stale_action(1, 0);
		};
		if now <= challenge_until {
			return Self::stale_action(1, 0);
		}
		let Some(miner) = request.result.as_ref().map(|result| result.miner.clone()) else {
			return Self::stale_action(1, 0);
		};
		let reason = HoldReason::RequestFee.into();
		let refunded = Self::release_fee(&request.requester, Self::unused_fee(&request));
		let due = request.fee.saturating_sub(refunded);
		let cut = T::ProtocolCut::get().mul_floor(due);
		let burned = T::Currency::burn_held(
			&reason,
			&request.requester,
			cut,
			Precision::BestEffort,
			Fortitude::Force,
		)
		.unwrap_or_else(|_| Zero::zero());
		let rest = due.saturating_sub(burned);
		let paid = T::Currency::transfer_on_hold(
			&reason,
			&request.requester,
			&miner,
			rest,
			Precision::BestEffort,
			Restriction::Free,
			Fortitude::Force,
		)
		.unwrap_or_else(|_| Self::release_fee(&request.requester, rest));
		Stats::<T>::mutate(request.netuid, &miner, |stats| {
			stats.finalized = stats.finalized.saturating_add(1)
		});
		Self::hold_collateral(request.netuid, &miner, request.collateral, false);
		request.status = RequestStatus::Final;
		Self::retire(request_id, request, now);
		Self::deposit_event(Event::ResultFinalized { request_id, miner, paid, burned, refunded });
		T::WeightInfo::finalize()
	}

	/// Slashes the miner of a rejected result and refunds the requester.
	pub(crate) fn reject(
		request_id: RequestId,
		mut request: RequestOf<T>,
		miner: &T::AccountId,
		beneficiary: Option<T::AccountId>,
		now: BlockNumberFor<T>,
	) {
		let intended = request.fee.saturating_mul(T::SlashMultiple::get().into());
		let reward_part = T::SlashRewardShare::get().mul_floor(intended);
		let rewarded = match beneficiary {
			Some(beneficiary) => T::Stake::slash(
				request.netuid,
				miner,
				reward_part,
				SlashTarget::Account(beneficiary),
			)
			.unwrap_or_else(|_| Zero::zero()),
			None => Zero::zero(),
		};
		let burned = T::Stake::slash(
			request.netuid,
			miner,
			intended.saturating_sub(rewarded),
			SlashTarget::Burn,
		)
		.unwrap_or_else(|_| Zero::zero());
		let refunded = Self::release_fee(&request.requester, request.fee);
		Self::hold_collateral(request.netuid, miner, request.collateral, false);
		request.status = RequestStatus::Rejected;
		Self::retire(request_id, request, now);
		Self::deposit_event(Event::ResultSlashed {
			request_id,
			miner: miner.clone(),
			slashed: rewarded.saturating_add(burned),
			rewarded,
			refunded,
		});
	}

	/// Refunds a request nobody answered.
	pub(crate) fn expire(request_id: RequestId, mut request: RequestOf<T>, now: BlockNumberFor<T>) {
		let refunded = Self::release_fee(&request.requester, request.fee);
		request.status = RequestStatus::Expired;
		Self::retire(request_id, request, now);
		Self::deposit_event(Event::RequestExpired { request_id, refunded });
	}

	/// Stores a settled request with its prune block and schedules the pruning (left for good
	/// if no agenda has room: the record stays readable).
	fn retire(request_id: RequestId, mut request: RequestOf<T>, now: BlockNumberFor<T>) {
		crate::OpenRequests::<T>::mutate_exists(request.netuid, |open| {
			*open = open.map(|open| open.saturating_sub(1)).filter(|open| *open > 0);
		});
		let prune_at = now.saturating_add(T::Retention::get()).saturating_add(One::one());
		request.prune_at = Self::schedule(prune_at, Action::Prune(request_id)).ok();
		Requests::<T>::insert(request_id, request);
	}

	/// Removes a settled request and its result (the `Prune` action).
	pub(crate) fn prune(request_id: RequestId) -> Weight {
		let Some(request) = Requests::<T>::get(request_id) else { return Self::stale_action(1, 0) };
		if !matches!(
			request.status,
			RequestStatus::Final | RequestStatus::Rejected | RequestStatus::Expired
		) {
			return Self::stale_action(1, 0);
		}
		let deposit_returned = match &request.result {
			Some(result) => T::Currency::release(
				&HoldReason::ResultDeposit.into(),
				&result.miner,
				result.deposit,
				Precision::BestEffort,
			)
			.unwrap_or_else(|_| Zero::zero()),
			None => Zero::zero(),
		};
		Requests::<T>::remove(request_id);
		Self::deposit_event(Event::RequestPruned { request_id, deposit_returned });
		T::WeightInfo::prune()
	}

	/// Releases up to `amount` of `who`'s held request fees; returns what was released.
	fn release_fee(who: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
		T::Currency::release(&HoldReason::RequestFee.into(), who, amount, Precision::BestEffort)
			.unwrap_or_else(|_| Zero::zero())
	}

	/// Returns a challenger's bond.
	pub(crate) fn release_bond(challenger: &T::AccountId, bond: BalanceOf<T>) {
		let _released = T::Currency::release(
			&HoldReason::ChallengeBond.into(),
			challenger,
			bond,
			Precision::BestEffort,
		);
	}

	/// Moves a losing challenger's bond to the miner (returned instead if that fails).
	pub(crate) fn forfeit_bond(
		challenger: &T::AccountId,
		miner: &T::AccountId,
		bond: BalanceOf<T>,
	) {
		let moved = T::Currency::transfer_on_hold(
			&HoldReason::ChallengeBond.into(),
			challenger,
			miner,
			bond,
			Precision::BestEffort,
			Restriction::Free,
			Fortitude::Force,
		);
		if moved.is_err() {
			Self::release_bond(challenger, bond);
		}
	}

	/// Charges an auditor whose dissent its committee overruled: `ChallengeBond` (what a
	/// losing challenger forfeits) from its stake, paid to the miner it accused.
	pub(crate) fn overrule(
		request_id: RequestId,
		netuid: NetUid,
		auditor: &T::AccountId,
		miner: &T::AccountId,
	) {
		let paid = T::Stake::slash(
			netuid,
			auditor,
			T::ChallengeBond::get(),
			SlashTarget::Account(miner.clone()),
		)
		.unwrap_or_else(|_| Zero::zero());
		Self::deposit_event(Event::DissentOverruled { request_id, auditor: auditor.clone(), paid });
	}

	/// Burns `VerdictPenalty` from a panel member's stake.
	pub(crate) fn penalise(request_id: RequestId, netuid: NetUid, validator: &T::AccountId) {
		let amount =
			T::Stake::slash(netuid, validator, T::VerdictPenalty::get(), SlashTarget::Burn)
				.unwrap_or_else(|_| Zero::zero());
		Self::deposit_event(Event::VerdictPenalised {
			request_id,
			validator: validator.clone(),
			amount,
		});
	}
}
