//! Registering, replacing and deregistering neurons, and their endpoints.

use crate::{
	address::{check_address, AddressRejection},
	burn::burn_state_at,
	pruning::{choose_uid, UidChoice},
	weights::WeightInfo,
	AllowPrivateEndpoints, BalanceOf, BurnState, Burns, Config, Endpoint, Endpoints, Error, Event,
	HotkeyOwner, Hyperparams, HyperparamsOf, IpAddress, Keys, NetUid, NeuronRole, Pallet, Protocol,
	Subnets, Uid, UidSlot, UidSlots, Uids,
};
use frame_support::{
	dispatch::DispatchResultWithPostInfo,
	ensure,
	pallet_prelude::DispatchResult,
	traits::{
		fungible::Mutate,
		tokens::{Fortitude, Precision, Preservation},
	},
	weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;
use inferchain_primitives::{NeuronLifecycle, SubnetWork};
use sp_runtime::traits::{Saturating, UniqueSaturatedFrom, UniqueSaturatedInto};

impl<T: Config> Pallet<T> {
	/// The burn state of `netuid` at the current block (adjustments applied, not stored).
	pub fn current_burn_state(
		netuid: NetUid,
		params: &HyperparamsOf<T>,
	) -> BurnState<BalanceOf<T>, BlockNumberFor<T>> {
		let stored = Burns::<T>::get(netuid).unwrap_or_default();
		let now: u64 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
		let state = burn_state_at(
			BurnState {
				burn: stored.burn.unique_saturated_into(),
				interval_start: stored.interval_start.unique_saturated_into(),
				registrations: stored.registrations,
			},
			now,
			params.adjustment_interval.into(),
			params.target_registrations_per_interval,
			params.min_burn.unique_saturated_into(),
			params.max_burn.unique_saturated_into(),
		);
		BurnState {
			burn: BalanceOf::<T>::unique_saturated_from(state.burn),
			interval_start: BlockNumberFor::<T>::unique_saturated_from(state.interval_start),
			registrations: state.registrations,
		}
	}

	/// Registers `hotkey` of `coldkey` on `netuid` (see [`Pallet::register_neuron`]).
	pub(crate) fn do_register_neuron(
		coldkey: T::AccountId,
		netuid: NetUid,
		hotkey: T::AccountId,
		max_burn: BalanceOf<T>,
	) -> DispatchResultWithPostInfo {
		let info = Subnets::<T>::get(netuid).ok_or(Error::<T>::SubnetNotFound)?;
		let params = Hyperparams::<T>::get(netuid).ok_or(Error::<T>::SubnetNotFound)?;
		ensure!(!Uids::<T>::contains_key(netuid, &hotkey), Error::<T>::HotkeyAlreadyRegistered);
		if let Some(owner) = HotkeyOwner::<T>::get(&hotkey) {
			ensure!(owner == coldkey, Error::<T>::NotHotkeyOwner);
		}
		let mut burn_state = Self::current_burn_state(netuid, &params);
		let burned = burn_state.burn;
		ensure!(burned <= max_burn, Error::<T>::BurnAboveLimit);

		let now = frame_system::Pallet::<T>::block_number();
		let mut slots = UidSlots::<T>::get(netuid);
		let choice = choose_uid(&slots, params.max_uids, now, params.immunity_period.into())
			.ok_or(Error::<T>::SubnetFullOfImmuneNeurons)?;
		T::Currency::burn_from(
			&coldkey,
			burned,
			Preservation::Preserve,
			Precision::Exact,
			Fortitude::Polite,
		)
		.map_err(|_| Error::<T>::InsufficientBalance)?;

		let slot = UidSlot {
			occupied: true,
			registered_at: now,
			pruning_score: 0,
			owner_neuron: coldkey == info.owner,
			role: NeuronRole::Miner,
		};
		let uid = match choice {
			UidChoice::Free(uid) | UidChoice::Replace(uid) => uid,
		};
		let mut weight = Weight::zero();
		if let UidChoice::Replace(uid) = choice {
			if let Some(old) = Self::clear_neuron(netuid, uid) {
				weight = T::NeuronLifecycle::removal_overhead();
				Self::deposit_event(Event::NeuronReplaced { netuid, uid, hotkey: old });
			}
		}
		match slots.get_mut(usize::from(uid)) {
			Some(existing) => *existing = slot,
			// `choose_uid` only returns one past the end while below `max_uids` ≤ the bound.
			None => slots.try_push(slot).map_err(|_| Error::<T>::SubnetFullOfImmuneNeurons)?,
		}
		let uids_in_use = u32::try_from(slots.len()).unwrap_or(u32::MAX);
		UidSlots::<T>::insert(netuid, slots);
		Keys::<T>::insert(netuid, uid, hotkey.clone());
		Uids::<T>::insert(netuid, hotkey.clone(), uid);
		HotkeyOwner::<T>::insert(&hotkey, coldkey.clone());
		T::NeuronLifecycle::on_neuron_registered(netuid, uid, &hotkey);
		burn_state.registrations = burn_state.registrations.saturating_add(1);
		Burns::<T>::insert(netuid, burn_state);
		Self::deposit_event(Event::NeuronRegistered { netuid, uid, hotkey, coldkey, burned });
		Ok(Some(T::WeightInfo::register_neuron(uids_in_use).saturating_add(weight)).into())
	}

	/// Frees `uid` on `netuid` (see [`Pallet::deregister_neuron`]). `caller` is `None` for root.
	pub(crate) fn do_set_neuron_role(
		coldkey: T::AccountId,
		netuid: NetUid,
		hotkey: T::AccountId,
		role: NeuronRole,
	) -> DispatchResultWithPostInfo {
		ensure!(Subnets::<T>::contains_key(netuid), Error::<T>::SubnetNotFound);
		let uid = Uids::<T>::get(netuid, &hotkey).ok_or(Error::<T>::HotkeyNotRegistered)?;
		ensure!(HotkeyOwner::<T>::get(&hotkey) == Some(coldkey), Error::<T>::NotHotkeyOwner);
		let mut slots = UidSlots::<T>::get(netuid);
		let uids_in_use = u32::try_from(slots.len()).unwrap_or(u32::MAX);
		let slot = slots.get_mut(usize::from(uid)).ok_or(Error::<T>::HotkeyNotRegistered)?;
		slot.role = role;
		UidSlots::<T>::insert(netuid, slots);
		Self::deposit_event(Event::NeuronRoleSet { netuid, uid, hotkey, role });
		Ok(Some(T::WeightInfo::set_neuron_role(uids_in_use)).into())
	}

	pub(crate) fn do_deregister_neuron(
		caller: Option<T::AccountId>,
		netuid: NetUid,
		uid: Uid,
	) -> DispatchResultWithPostInfo {
		let info = Subnets::<T>::get(netuid).ok_or(Error::<T>::SubnetNotFound)?;
		let hotkey = Keys::<T>::get(netuid, uid).ok_or(Error::<T>::UidNotFound)?;
		let mut slots = UidSlots::<T>::get(netuid);
		if let Some(who) = caller {
			let owns_hotkey = HotkeyOwner::<T>::get(&hotkey).as_ref() == Some(&who);
			ensure!(who == info.owner || owns_hotkey, Error::<T>::NotAllowedToDeregister);
			// An owner removing validators while requests are open could leave a review without
			// the committee it needs (the owner siding with a cheat): refused until they settle.
			let validator =
				slots.get(usize::from(uid)).is_some_and(|slot| slot.role == NeuronRole::Validator);
			ensure!(
				owns_hotkey || !validator || T::Work::open_requests(netuid) == 0,
				Error::<T>::ValidatorNeededForReviews
			);
		}
		if let Some(slot) = slots.get_mut(usize::from(uid)) {
			slot.occupied = false;
			slot.owner_neuron = false;
			slot.pruning_score = 0;
		}
		let uids_in_use = u32::try_from(slots.len()).unwrap_or(u32::MAX);
		UidSlots::<T>::insert(netuid, slots);
		Self::clear_neuron(netuid, uid);
		Self::deposit_event(Event::NeuronDeregistered { netuid, uid, hotkey });
		let weight = T::WeightInfo::deregister_neuron(uids_in_use)
			.saturating_add(T::NeuronLifecycle::removal_overhead());
		Ok(Some(weight).into())
	}

	/// Removes the hotkey maps and endpoint of `uid` and tells `NeuronLifecycle`; the slot is
	/// the caller's to update. Returns the hotkey that held the UID.
	fn clear_neuron(netuid: NetUid, uid: Uid) -> Option<T::AccountId> {
		let hotkey = Keys::<T>::take(netuid, uid)?;
		Uids::<T>::remove(netuid, &hotkey);
		Endpoints::<T>::remove(netuid, uid);
		T::NeuronLifecycle::on_neuron_removed(netuid, uid, &hotkey);
		Some(hotkey)
	}

	/// Publishes the endpoint of `hotkey` on `netuid` (see [`Pallet::serve_endpoint`]).
	pub(crate) fn do_serve_endpoint(
		hotkey: T::AccountId,
		netuid: NetUid,
		ip: IpAddress,
		port: u16,
		protocol: Protocol,
	) -> DispatchResult {
		let uid = Uids::<T>::get(netuid, &hotkey).ok_or(Error::<T>::HotkeyNotRegistered)?;
		let params = Hyperparams::<T>::get(netuid).ok_or(Error::<T>::SubnetNotFound)?;
		check_address(&ip, port, AllowPrivateEndpoints::<T>::get()).map_err(|rejection| {
			match rejection {
				AddressRejection::Unreachable => Error::<T>::EndpointUnreachable,
				AddressRejection::NotPublic => Error::<T>::EndpointNotPublic,
			}
		})?;
		let now = frame_system::Pallet::<T>::block_number();
		if let Some(previous) = Endpoints::<T>::get(netuid, uid) {
			let next_allowed = previous.updated_at.saturating_add(params.serving_rate_limit.into());
			ensure!(now >= next_allowed, Error::<T>::ServingRateLimited);
		}
		Endpoints::<T>::insert(netuid, uid, Endpoint { ip, port, protocol, updated_at: now });
		Self::deposit_event(Event::EndpointServed { netuid, uid, ip, port, protocol });
		Ok(())
	}
}
