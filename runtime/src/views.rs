//! The subnet and metagraph views served by `SubnetsApi`: the subnets pallet's records joined
//! with the stake pallet's ledger.

use crate::{AccountId, Balance, BlockNumber, Runtime, Stake, Subnets};
use alloc::vec::Vec;
use inferchain_primitives::{NetUid, StakeInfo, SubnetRegistry};
use pallet_subnets::{Endpoints, HotkeyOwner, Hyperparams, Keys, Tasks, UidSlots};
use pallet_subnets_runtime_api::{NeuronView, SubnetView};

/// The view of `netuid`, if registered.
pub fn subnet(netuid: NetUid) -> Option<SubnetView<AccountId, Balance, BlockNumber>> {
	let info = pallet_subnets::Subnets::<Runtime>::get(netuid)?;
	let hyperparams = Hyperparams::<Runtime>::get(netuid)?;
	let slots = UidSlots::<Runtime>::get(netuid);
	let registration_burn = Subnets::current_burn_state(netuid, &hyperparams).burn;
	let count = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
	Some(SubnetView {
		netuid,
		owner: info.owner,
		locked: info.locked,
		registered_at: info.registered_at,
		hyperparams,
		task: Tasks::<Runtime>::get(netuid),
		registration_burn,
		uids_in_use: count(slots.len()),
		neurons: count(slots.iter().filter(|slot| slot.occupied).count()),
		total_stake: <Stake as StakeInfo<AccountId, Balance>>::total_stake(netuid),
	})
}

/// The occupied UIDs of `netuid` in UID order, if registered.
pub fn neurons(netuid: NetUid) -> Option<Vec<NeuronView<AccountId, Balance, BlockNumber>>> {
	if !<Subnets as SubnetRegistry<AccountId>>::subnet_exists(netuid) {
		return None;
	}
	let permits = <Stake as StakeInfo<AccountId, Balance>>::validator_permits(netuid);
	// From the stake ledger: rewards accrued by epochs and not yet folded into pools included.
	let stakes = <Stake as StakeInfo<AccountId, Balance>>::uid_stakes(netuid);
	let slots = UidSlots::<Runtime>::get(netuid);
	let neurons = (0..=u16::MAX)
		.zip(slots.iter())
		.filter_map(|(uid, slot)| {
			let hotkey = Keys::<Runtime>::get(netuid, uid)?;
			Some(NeuronView {
				uid,
				coldkey: HotkeyOwner::<Runtime>::get(&hotkey)?,
				stake: stakes.get(usize::from(uid)).copied().unwrap_or(0),
				validator_permit: permits.get(usize::from(uid)).copied().unwrap_or(false),
				validator: slot.role == pallet_subnets::NeuronRole::Validator,
				registered_at: slot.registered_at,
				pruning_score: slot.pruning_score,
				owner_neuron: slot.owner_neuron,
				endpoint: Endpoints::<Runtime>::get(netuid, uid),
				hotkey,
			})
		})
		.collect();
	Some(neurons)
}
