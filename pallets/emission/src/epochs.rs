//! An epoch of one subnet: Yuma, bonds, permits, and the payout of its pending emission.

use crate::{
	BalanceOf, Bonds, BondsOf, Commits, Config, DissolvedSubnets, Event, LastEpoch, NetUid, Pallet,
	Pending, PermitStakes, Permits, Uid, Weights, WeightsSetAt,
};
use alloc::vec::Vec;
use frame_support::{
	traits::{fungible::Mutate, tokens::Preservation, Get},
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use inferchain_primitives::{
	EpochParams, NeuronLifecycle, StakeInfo, StakeRewards, SubnetRegistry,
};
use inferchain_yuma::{
	epoch, permit_candidates, split_emission, top_k_permits, BondRow, BondsMode, EpochInput,
	EpochOutput, Q32,
};
use sp_runtime::traits::{SaturatedConversion, Saturating, UniqueSaturatedInto, Zero};

impl<T: Config> Pallet<T> {
	/// Runs one epoch of `netuid` and pays its pending emission; returns the UIDs it covered.
	pub(crate) fn run_epoch(netuid: NetUid, now: BlockNumberFor<T>, params: &EpochParams) -> u32 {
		let Some(owner) = T::Subnets::subnet_owner(netuid) else { return 0 };
		let registered_at = T::Subnets::registered_at(netuid);
		let n = registered_at.len();
		let uids = (0..=Uid::MAX).take(n);
		// The stake pallet's ledger: a few pages, not a read per UID.
		let mut stake: Vec<u128> = T::Stake::uid_stakes(netuid)
			.into_iter()
			.map(SaturatedConversion::saturated_into)
			.collect();
		stake.resize(n, 0);
		// The same rule as `StakeInfo::validator_permits`, from the stake just read: only
		// validators (by role) with at least `MinValidatorStake` compete.
		let min_stake = T::MinValidatorStake::get().saturated_into::<u128>();
		let candidates = permit_candidates(&stake, &T::Subnets::validators(netuid), min_stake);
		let permits = top_k_permits(&candidates, params.max_validators);
		let previous_permits = Permits::<T>::get(netuid);
		Permits::<T>::insert(netuid, BoundedVec::truncate_from(permits.clone()));
		let permit_stakes: Vec<(Uid, u128)> = uids
			.clone()
			.zip(&permits)
			.zip(&stake)
			.filter(|((_, permitted), _)| **permitted)
			.map(|((uid, _), stake)| (uid, *stake))
			.collect();
		PermitStakes::<T>::insert(netuid, BoundedVec::truncate_from(permit_stakes));
		// Weights, their blocks and bonds only count for permitted validators (Yuma masks every
		// other row), so only their rows are read: `max_validators` reads each, not `n`.
		let permitted = |uid: Uid| permits.get(usize::from(uid)).copied().unwrap_or(false);
		let now_block: u64 = now.unique_saturated_into();
		let set_at: Vec<Option<u64>> = uids
			.clone()
			.map(|uid| {
				permitted(uid)
					.then(|| WeightsSetAt::<T>::get(netuid, uid))
					.flatten()
					.map(UniqueSaturatedInto::unique_saturated_into)
			})
			.collect();
		let active: Vec<bool> = set_at
			.iter()
			.map(|at| {
				at.is_some_and(|at| {
					now_block.saturating_sub(at) <= u64::from(params.activity_cutoff)
				})
			})
			.collect();
		let set_at: Vec<u64> = set_at.into_iter().map(Option::unwrap_or_default).collect();
		let weights: Vec<Vec<(Uid, u16)>> = uids
			.clone()
			.map(|uid| {
				permitted(uid)
					.then(|| Weights::<T>::get(netuid, uid))
					.flatten()
					.map(|row| row.pairs().collect())
					.unwrap_or_default()
			})
			.collect();
		// Stored bond rows are the math's rows: no conversion either way.
		let bonds: Vec<BondRow> = uids
			.clone()
			.map(|uid| {
				permitted(uid)
					.then(|| Bonds::<T>::get(netuid, uid))
					.flatten()
					.map(|row| BondRow {
						uids: row.uids.into_inner(),
						values: row.values.into_inner(),
					})
					.unwrap_or_default()
			})
			.collect();
		let last_epoch: u64 =
			LastEpoch::<T>::get(netuid).map_or(0, UniqueSaturatedInto::unique_saturated_into);
		let EpochOutput { stake: active_stake, incentive, dividends, bonds: new_bonds, .. } =
			epoch(&EpochInput {
				stake: &stake,
				active: &active,
				permit: &permits,
				registered_at: &registered_at,
				weights: &weights,
				weights_set_at: &set_at,
				bonds: &bonds,
				last_epoch,
				kappa: Q32::from_parts_per_billion(params.kappa_parts),
				bonds_alpha: Q32::from_parts_per_billion(params.bonds_alpha_parts),
				bonds_mode: if params.relative_bonds {
					BondsMode::Relative
				} else {
					BondsMode::Absolute
				},
			});
		for ((uid, row), previous) in uids.clone().zip(new_bonds).zip(&bonds) {
			if row.is_empty() {
				// Most UIDs are miners and never hold bonds: skip their (costly) writes. Only
				// validators hold bonds, so a validator losing its permit loses them.
				let lost_permit = !permitted(uid)
					&& previous_permits.get(usize::from(uid)).copied().unwrap_or(false);
				if !previous.is_empty() || lost_permit {
					Bonds::<T>::remove(netuid, uid);
				}
			} else {
				let stored = BondsOf::<T> {
					uids: BoundedVec::truncate_from(row.uids),
					values: BoundedVec::truncate_from(row.values),
				};
				Bonds::<T>::insert(netuid, uid, stored);
			}
		}

		// Payout: the owner's cut, then miners and validators through their stake.
		let account = Self::account_id();
		let pending = Pending::<T>::get(netuid);
		let cut = T::OwnerCut::get().mul_floor(pending);
		let owner_cut = if !cut.is_zero()
			&& T::Currency::transfer(&account, &owner, cut, Preservation::Preserve).is_ok()
		{
			cut
		} else {
			Zero::zero()
		};
		let rest = pending.saturating_sub(owner_cut);
		let split = split_emission(
			rest.saturated_into(),
			Q32::from_parts_per_billion(T::MinerShare::get().deconstruct()),
			&incentive,
			&dividends,
			&active_stake,
		);
		// One batch: a single transfer of the total into the stake pallet, accrued per UID in
		// its ledger (a read and a write per page of UIDs).
		let amounts: Vec<BalanceOf<T>> = split
			.miners
			.iter()
			.zip(&split.validators)
			.map(|(miner, validator)| miner.saturating_add(*validator).saturated_into())
			.collect();
		let moved = T::Stake::reward_uids(netuid, &amounts, &account);
		let paid = moved.iter().fold(BalanceOf::<T>::zero(), |sum, m| sum.saturating_add(*m));
		let mut scores: Vec<u64> =
			moved.into_iter().map(SaturatedConversion::saturated_into).collect();
		scores.resize(n, 0);
		T::Subnets::set_pruning_scores(netuid, &scores);
		let unpaid = rest.saturating_sub(paid);
		if unpaid.is_zero() {
			Pending::<T>::remove(netuid);
		} else {
			Pending::<T>::insert(netuid, unpaid);
		}
		LastEpoch::<T>::insert(netuid, now);
		Self::deposit_event(Event::EpochRun { netuid, owner_cut, paid, unpaid });
		u32::try_from(n).unwrap_or(u32::MAX)
	}
}

/// Per-UID state goes with the neuron; a dissolved subnet's pending emission is burned at once
/// and its per-UID state queued for removal by `on_idle` ([`Pallet::clean_dissolved`]): up to
/// 4 × `MaxUids` entries would not fit in the dissolving extrinsic.
impl<T: Config> NeuronLifecycle<T::AccountId> for Pallet<T> {
	fn on_neuron_registered(_: NetUid, _: Uid, _: &T::AccountId) {}

	fn on_neuron_removed(netuid: NetUid, uid: Uid, hotkey: &T::AccountId) {
		Weights::<T>::remove(netuid, uid);
		WeightsSetAt::<T>::remove(netuid, uid);
		Bonds::<T>::remove(netuid, uid);
		Commits::<T>::remove(netuid, hotkey);
		// A permit (and the stake that earned it) belongs to the hotkey, not to the UID: the
		// UID's next holder competes at the next epoch like anyone else.
		Permits::<T>::mutate(netuid, |permits| {
			if let Some(permit) = permits.get_mut(usize::from(uid)) {
				*permit = false;
			}
		});
		PermitStakes::<T>::mutate(netuid, |entries| entries.retain(|(held, _)| *held != uid));
	}

	fn on_subnet_dissolved(netuid: NetUid) {
		let pending = Pending::<T>::take(netuid);
		if !pending.is_zero() {
			let _ = T::Currency::burn_from(
				&Self::account_id(),
				pending,
				Preservation::Preserve,
				frame_support::traits::tokens::Precision::BestEffort,
				frame_support::traits::tokens::Fortitude::Force,
			);
		}
		LastEpoch::<T>::remove(netuid);
		Permits::<T>::remove(netuid);
		PermitStakes::<T>::remove(netuid);
		DissolvedSubnets::<T>::insert(netuid, ());
	}
}

impl<T: Config> inferchain_primitives::ValidatorPermits for Pallet<T> {
	fn permits(netuid: NetUid) -> alloc::vec::Vec<bool> {
		Permits::<T>::get(netuid).into_inner()
	}

	fn permit_stakes(netuid: NetUid) -> alloc::vec::Vec<(Uid, u128)> {
		PermitStakes::<T>::get(netuid).into_inner()
	}
}
