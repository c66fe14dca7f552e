//! The pallet's invariants, checked by `try_state` (and after every step of the tests).

use crate::{
	BalanceOf, Config, HoldReason, Liability, Models, NetUid, Pallet, RequestStatus, Requests,
	ReviewKind, ReviewLiability, Reviews,
};
use alloc::collections::BTreeMap;
use frame_support::{
	ensure,
	traits::{fungible::InspectHold, Get},
};
use sp_runtime::{traits::Saturating, TryRuntimeError};

/// Sums per account.
type Totals<T> = BTreeMap<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

fn add<T: Config>(totals: &mut Totals<T>, who: &T::AccountId, amount: BalanceOf<T>) {
	let entry = totals.entry(who.clone()).or_default();
	*entry = entry.saturating_add(amount);
}

impl<T: Config> Pallet<T> {
	/// Checks every invariant listed in the crate docs: what each account has on hold for
	/// fees, bonds and deposits is exactly what the open requests, open challenges and models
	/// account for.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut fees = Totals::<T>::new();
		let mut result_deposits = Totals::<T>::new();
		let mut open_requests = BTreeMap::<NetUid, u32>::new();
		for request in Requests::<T>::iter_values() {
			if let Some(result) = &request.result {
				add::<T>(&mut result_deposits, &result.miner, result.deposit);
			}
			let open = matches!(
				request.status,
				RequestStatus::Queued
					| RequestStatus::Assigned { .. }
					| RequestStatus::Answered { .. }
					| RequestStatus::UnderReview { .. }
			);
			if open {
				add::<T>(&mut fees, &request.requester, request.fee);
				let count = open_requests.entry(request.netuid).or_default();
				*count = count.saturating_add(1);
			}
		}
		let counted: BTreeMap<_, _> = crate::OpenRequests::<T>::iter().collect();
		ensure!(
			counted == open_requests,
			"a subnet's open-request count differs from its requests"
		);
		let mut bonds = Totals::<T>::new();
		for review in Reviews::<T>::iter_values() {
			if let ReviewKind::Challenge { challenger, bond } = review.kind {
				add::<T>(&mut bonds, &challenger, bond);
			}
		}
		// Each miner's liability is the collateral of its open requests.
		let mut liabilities = BTreeMap::<(NetUid, T::AccountId), BalanceOf<T>>::new();
		for request in Requests::<T>::iter_values() {
			let miner = match (&request.status, &request.result) {
				(RequestStatus::Assigned { miner, .. }, _) => miner,
				(RequestStatus::Answered { .. } | RequestStatus::UnderReview { .. }, Some(r)) => {
					&r.miner
				},
				_ => continue,
			};
			let entry = liabilities.entry((request.netuid, miner.clone())).or_default();
			*entry = entry.saturating_add(request.collateral);
		}
		let stored: BTreeMap<_, _> = Liability::<T>::iter()
			.map(|(netuid, miner, amount)| ((netuid, miner), amount))
			.collect();
		ensure!(
			stored == liabilities,
			"a miner's liability differs from the collateral of its open requests"
		);
		// Each validator's review liability is its open panels' penalties and its escalated
		// dissents' bonds.
		let mut review_liabilities = BTreeMap::<(NetUid, T::AccountId), BalanceOf<T>>::new();
		for (request_id, review) in Reviews::<T>::iter() {
			let Some(netuid) = Requests::<T>::get(request_id).map(|request| request.netuid) else {
				continue;
			};
			let mut owe = |who: &T::AccountId, amount: BalanceOf<T>| {
				let entry = review_liabilities.entry((netuid, who.clone())).or_default();
				*entry = entry.saturating_add(amount);
			};
			for seat in &review.panel {
				owe(&seat.validator, Pallet::<T>::seat_liability(&review.kind));
			}
			if let ReviewKind::Escalation { auditor } = &review.kind {
				owe(auditor, T::ChallengeBond::get());
			}
		}
		let stored: BTreeMap<_, _> = ReviewLiability::<T>::iter()
			.map(|(netuid, who, amount)| ((netuid, who), amount))
			.collect();
		ensure!(
			stored == review_liabilities,
			"a validator's review liability differs from its open panels and dissents"
		);
		let mut deposits = Totals::<T>::new();
		for model in Models::<T>::iter_values() {
			add::<T>(&mut deposits, &model.owner, model.deposit);
		}
		for (reason, totals) in [
			(HoldReason::RequestFee, fees),
			(HoldReason::ChallengeBond, bonds),
			(HoldReason::ModelDeposit, deposits),
			(HoldReason::ResultDeposit, result_deposits),
		] {
			for (who, expected) in totals {
				ensure!(
					T::Currency::balance_on_hold(&reason.into(), &who) == expected,
					"an account's hold differs from what its requests, challenges or models account for"
				);
			}
		}
		Ok(())
	}
}
