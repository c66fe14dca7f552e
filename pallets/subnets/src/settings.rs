//! Changing a subnet's hyperparameters and task.

use crate::{
	hyperparams::{check_consistent, check_owner_limits, Rejection},
	Config, Error, Event, Hyperparams, HyperparamsChangedAt, HyperparamsOf, NetUid, Pallet,
	SubnetTask, Subnets, Tasks, UidSlots,
};
use frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get};
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// Replaces the hyperparameters of `netuid`. `caller` is `None` for root (consistency only);
	/// the owner is also held to `OwnerLimits` and the rate limit.
	pub(crate) fn do_set_hyperparameters(
		caller: Option<T::AccountId>,
		netuid: NetUid,
		params: HyperparamsOf<T>,
	) -> DispatchResult {
		let info = Subnets::<T>::get(netuid).ok_or(Error::<T>::SubnetNotFound)?;
		if let Some(who) = &caller {
			ensure!(*who == info.owner, Error::<T>::NotSubnetOwner);
		}
		let uids_in_use =
			u16::try_from(UidSlots::<T>::decode_len(netuid).unwrap_or(0)).unwrap_or(u16::MAX);
		check_consistent(
			&params,
			Self::max_uids_limit(),
			Self::max_validators_limit(),
			uids_in_use,
		)
		.map_err(Self::rejection)?;
		let now = frame_system::Pallet::<T>::block_number();
		if caller.is_some() {
			check_owner_limits(&params, &T::OwnerLimits::get()).map_err(Self::rejection)?;
			if let Some(changed_at) = HyperparamsChangedAt::<T>::get(netuid) {
				let next_allowed = changed_at.saturating_add(T::HyperparamsRateLimit::get());
				ensure!(now >= next_allowed, Error::<T>::HyperparametersRateLimited);
			}
			HyperparamsChangedAt::<T>::insert(netuid, now);
		}
		Hyperparams::<T>::insert(netuid, params.clone());
		Self::deposit_event(Event::HyperparametersSet { netuid, params });
		Ok(())
	}

	/// Sets the task of `netuid`; `caller` is `None` for root.
	pub(crate) fn do_set_subnet_task(
		caller: Option<T::AccountId>,
		netuid: NetUid,
		task: SubnetTask,
	) -> DispatchResult {
		let info = Subnets::<T>::get(netuid).ok_or(Error::<T>::SubnetNotFound)?;
		if let Some(who) = caller {
			ensure!(who == info.owner, Error::<T>::NotSubnetOwner);
		}
		Tasks::<T>::insert(netuid, task);
		Self::deposit_event(Event::SubnetTaskSet { netuid, task });
		Ok(())
	}

	fn rejection(rejection: Rejection) -> Error<T> {
		match rejection {
			Rejection::Inconsistent => Error::<T>::InconsistentHyperparameters,
			Rejection::BelowNeuronCount => Error::<T>::MaxUidsBelowUidsInUse,
			Rejection::OutsideOwnerLimits => Error::<T>::HyperparameterOutsideOwnerLimits,
		}
	}
}
