//! What other pallets (through [`SubnetRegistry`]) and the emission pallet use.

use crate::{
	BondsMode, Config, HotkeyOwner, Hyperparams, Keys, NetUid, NeuronRole, Pallet, Subnets, Tasks,
	Uid, UidSlots, Uids,
};
use alloc::vec::Vec;
use frame_support::traits::Get;
use inferchain_primitives::{EpochParams, SubnetRegistry};
use sp_runtime::traits::UniqueSaturatedInto;

impl<T: Config> Pallet<T> {
	/// `MaxUidsLimit` as a UID count.
	pub fn max_uids_limit() -> u16 {
		u16::try_from(T::MaxUidsLimit::get()).unwrap_or(u16::MAX)
	}

	/// `MaxValidatorsLimit` as a count of UIDs.
	pub fn max_validators_limit() -> u16 {
		u16::try_from(T::MaxValidatorsLimit::get()).unwrap_or(u16::MAX)
	}

	/// Records the latest emission of each UID of `netuid` as its pruning score (the lowest is
	/// replaced first). `scores` is indexed by UID; extra entries are ignored, missing ones
	/// leave the score as it was.
	pub fn set_pruning_scores(netuid: NetUid, scores: &[u64]) {
		UidSlots::<T>::mutate_exists(netuid, |slots| {
			for (slot, score) in slots.iter_mut().flat_map(|slots| slots.iter_mut()).zip(scores) {
				slot.pruning_score = *score;
			}
		});
	}
}

impl<T: Config> SubnetRegistry<T::AccountId> for Pallet<T> {
	fn subnet_exists(netuid: NetUid) -> bool {
		Subnets::<T>::contains_key(netuid)
	}

	fn subnet_owner(netuid: NetUid) -> Option<T::AccountId> {
		Subnets::<T>::get(netuid).map(|info| info.owner)
	}

	fn uid_of(netuid: NetUid, hotkey: &T::AccountId) -> Option<Uid> {
		Uids::<T>::get(netuid, hotkey)
	}

	fn hotkeys(netuid: NetUid) -> Vec<Option<T::AccountId>> {
		let uids_in_use = UidSlots::<T>::decode_len(netuid).unwrap_or(0);
		(0..=Uid::MAX).take(uids_in_use).map(|uid| Keys::<T>::get(netuid, uid)).collect()
	}

	fn hotkey_owner(hotkey: &T::AccountId) -> Option<T::AccountId> {
		HotkeyOwner::<T>::get(hotkey)
	}

	fn max_validators(netuid: NetUid) -> Option<u16> {
		Hyperparams::<T>::get(netuid).map(|params| params.max_validators)
	}

	fn netuids() -> Vec<NetUid> {
		let mut netuids: Vec<NetUid> = Subnets::<T>::iter_keys().collect();
		netuids.sort();
		netuids
	}

	fn epoch_params(netuid: NetUid) -> Option<EpochParams> {
		Hyperparams::<T>::get(netuid).map(|p| EpochParams {
			tempo: p.tempo,
			kappa_parts: p.kappa.deconstruct(),
			bonds_alpha_parts: p.bonds_moving_average.deconstruct(),
			relative_bonds: p.bonds_mode == BondsMode::Relative,
			activity_cutoff: p.activity_cutoff,
			commit_reveal: p.commit_reveal,
			reveal_period: p.reveal_period,
			weights_rate_limit: p.weights_rate_limit,
			max_validators: p.max_validators,
			weights_version: p.weights_version,
		})
	}

	fn registered_at(netuid: NetUid) -> Vec<u64> {
		UidSlots::<T>::get(netuid)
			.iter()
			.map(|slot| if slot.occupied { slot.registered_at.unique_saturated_into() } else { 0 })
			.collect()
	}

	fn occupied(netuid: NetUid) -> Vec<bool> {
		UidSlots::<T>::get(netuid).iter().map(|slot| slot.occupied).collect()
	}

	fn validators(netuid: NetUid) -> Vec<bool> {
		UidSlots::<T>::get(netuid)
			.iter()
			.map(|slot| slot.occupied && slot.role == NeuronRole::Validator)
			.collect()
	}

	fn set_pruning_scores(netuid: NetUid, scores: &[u64]) {
		Pallet::<T>::set_pruning_scores(netuid, scores)
	}

	fn hotkey_at(netuid: NetUid, uid: Uid) -> Option<T::AccountId> {
		Keys::<T>::get(netuid, uid)
	}

	fn uid_scores(netuid: NetUid) -> Vec<Option<u64>> {
		UidSlots::<T>::get(netuid)
			.iter()
			.map(|slot| slot.occupied.then_some(slot.pruning_score))
			.collect()
	}

	fn subnet_model(netuid: NetUid) -> Option<[u8; 32]> {
		Tasks::<T>::get(netuid).map(|task| task.model_id.0)
	}
}
