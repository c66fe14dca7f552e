//! Registering and dissolving subnets.

use crate::{
	lock_cost::lock_cost, weights::WeightInfo, BalanceOf, BurnState, Burns, Config,
	DissolvedSubnets, Endpoints, Error, Event, HoldReason, Hyperparams, HyperparamsChangedAt, Keys,
	LastLockBlock, LastLockCost, NetUid, NextNetUid, Pallet, SubnetCount, SubnetInfo, Subnets,
	Tasks, UidSlots, Uids,
};
use frame_support::{
	ensure,
	pallet_prelude::{DispatchResult, Weight},
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use inferchain_primitives::{NeuronLifecycle, SubnetWork};
use sp_runtime::traits::{Saturating, UniqueSaturatedInto};

impl<T: Config> Pallet<T> {
	/// The lock a registration in the current block must put up (see [`crate::lock_cost`]).
	pub fn current_lock_cost() -> BalanceOf<T> {
		let now = frame_system::Pallet::<T>::block_number();
		let elapsed: u64 = now.saturating_sub(LastLockBlock::<T>::get()).unique_saturated_into();
		let interval: u64 = T::LockReductionInterval::get().unique_saturated_into();
		lock_cost(LastLockCost::<T>::get(), elapsed, interval, T::MinLockCost::get())
	}

	/// Registers a subnet for `owner`, holding the current lock cost if it is at most
	/// `max_lock_cost`. Checks everything before changing anything.
	pub(crate) fn do_register_subnet(
		owner: T::AccountId,
		max_lock_cost: BalanceOf<T>,
	) -> DispatchResult {
		let count = SubnetCount::<T>::get();
		ensure!(count < T::MaxSubnets::get(), Error::<T>::TooManySubnets);
		let netuid = NextNetUid::<T>::get();
		let next = netuid.0.checked_add(1).ok_or(Error::<T>::NetUidsExhausted)?;
		let locked = Self::current_lock_cost();
		ensure!(locked <= max_lock_cost, Error::<T>::LockCostAboveLimit);
		T::Currency::hold(&HoldReason::SubnetLock.into(), &owner, locked)
			.map_err(|_| Error::<T>::InsufficientBalance)?;

		let now = frame_system::Pallet::<T>::block_number();
		let params = T::DefaultHyperparams::get();
		Burns::<T>::insert(
			netuid,
			BurnState { burn: params.min_burn, interval_start: now, registrations: 0 },
		);
		Hyperparams::<T>::insert(netuid, params);
		Subnets::<T>::insert(
			netuid,
			SubnetInfo { owner: owner.clone(), locked, registered_at: now },
		);
		SubnetCount::<T>::put(count.saturating_add(1));
		NextNetUid::<T>::put(NetUid(next));
		LastLockCost::<T>::put(locked);
		LastLockBlock::<T>::put(now);
		Self::deposit_event(Event::SubnetRegistered { netuid, owner, locked });
		Ok(())
	}

	/// Dissolves `netuid`. `caller` is `None` for root, which may dissolve any subnet; a signed
	/// caller must own it. The lock goes back to the owner either way.
	pub(crate) fn do_dissolve_subnet(
		caller: Option<T::AccountId>,
		netuid: NetUid,
	) -> DispatchResult {
		let info = Subnets::<T>::get(netuid).ok_or(Error::<T>::SubnetNotFound)?;
		if let Some(who) = caller {
			ensure!(who == info.owner, Error::<T>::NotSubnetOwner);
		}
		ensure!(T::Work::open_requests(netuid) == 0, Error::<T>::SubnetHasOpenRequests);
		// Best effort: a hold may have been slashed elsewhere; the event reports what was actually
		// returned.
		let released = T::Currency::release(
			&HoldReason::SubnetLock.into(),
			&info.owner,
			info.locked,
			Precision::BestEffort,
		)?;
		UidSlots::<T>::remove(netuid);
		DissolvedSubnets::<T>::insert(netuid, ());
		Hyperparams::<T>::remove(netuid);
		HyperparamsChangedAt::<T>::remove(netuid);
		Tasks::<T>::remove(netuid);
		Burns::<T>::remove(netuid);
		Subnets::<T>::remove(netuid);
		SubnetCount::<T>::mutate(|count| *count = count.saturating_sub(1));
		T::NeuronLifecycle::on_subnet_dissolved(netuid);
		Self::deposit_event(Event::SubnetDissolved { netuid, owner: info.owner, released });
		Ok(())
	}

	/// Removes per-UID entries of dissolved subnets within `remaining` weight (the `on_idle`
	/// hook); returns the weight used. One subnet per block, as many UIDs as fit.
	pub(crate) fn clean_dissolved(remaining: Weight) -> Weight {
		let lookup = T::DbWeight::get().reads(1);
		let Some(netuid) = DissolvedSubnets::<T>::iter_keys().next() else { return lookup };
		let base = T::WeightInfo::clean_dissolved(0).saturating_add(lookup);
		let per_uid =
			T::WeightInfo::clean_dissolved(1).saturating_sub(T::WeightInfo::clean_dissolved(0));
		let limit =
			inferchain_primitives::items_that_fit(remaining, base, per_uid, T::MaxUidsLimit::get());
		if limit == 0 {
			return lookup;
		}
		let keys = Keys::<T>::clear_prefix(netuid, limit, None);
		let uids = Uids::<T>::clear_prefix(netuid, limit, None);
		let endpoints = Endpoints::<T>::clear_prefix(netuid, limit, None);
		if keys.maybe_cursor.is_none()
			&& uids.maybe_cursor.is_none()
			&& endpoints.maybe_cursor.is_none()
		{
			DissolvedSubnets::<T>::remove(netuid);
		}
		T::WeightInfo::clean_dissolved(limit).saturating_add(lookup)
	}
}
