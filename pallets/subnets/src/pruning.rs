//! Which UID a new neuron gets: a pure function of the subnet's UID slots.
//!
//! 1. the lowest vacant UID (left by a deregistration), else
//! 2. the next UID while the subnet holds fewer than `max_uids`, else
//! 3. the UID of the neuron with the lowest pruning score among those that are not immune
//!    (ties: the oldest registration, then the lowest UID). A neuron is immune while
//!    `now < registered_at + immunity_period`, and always when the subnet owner registered it.
//!
//! One pass over the slots, no allocation: O(UIDs) in memory for one storage read.

use crate::types::UidSlot;
use inferchain_primitives::Uid;
use sp_runtime::traits::Saturating;

/// Where a new neuron goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UidChoice {
	/// A UID nobody holds (vacant, or one past the end).
	Free(Uid),
	/// A UID whose neuron is replaced.
	Replace(Uid),
}

/// Chooses the UID for a new neuron, or `None` when the subnet is full and every neuron is
/// immune.
pub fn choose_uid<B: Ord + Copy + Saturating>(
	slots: &[UidSlot<B>],
	max_uids: u16,
	now: B,
	immunity_period: B,
) -> Option<UidChoice> {
	let mut vacant = None;
	let mut weakest: Option<(u64, B, Uid)> = None;
	for (uid, slot) in (0..=Uid::MAX).zip(slots) {
		if !slot.occupied {
			vacant = Some(uid);
			break;
		}
		let immune = slot.owner_neuron || now < slot.registered_at.saturating_add(immunity_period);
		let key = (slot.pruning_score, slot.registered_at, uid);
		if !immune && weakest.is_none_or(|best| key < best) {
			weakest = Some(key);
		}
	}
	if let Some(uid) = vacant {
		return Some(UidChoice::Free(uid));
	}
	match u16::try_from(slots.len()) {
		Ok(len) if len < max_uids => Some(UidChoice::Free(len)),
		_ => weakest.map(|(_, _, uid)| UidChoice::Replace(uid)),
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	fn slot(registered_at: u64, pruning_score: u64) -> UidSlot<u64> {
		UidSlot {
			occupied: true,
			registered_at,
			pruning_score,
			owner_neuron: false,
			role: Default::default(),
		}
	}

	#[test]
	fn appends_while_there_is_room() {
		assert_eq!(choose_uid::<u64>(&[], 2, 0, 10), Some(UidChoice::Free(0)));
		assert_eq!(choose_uid(&[slot(0, 0)], 2, 0, 10), Some(UidChoice::Free(1)));
	}

	#[test]
	fn reuses_the_lowest_vacant_uid_first() {
		let mut slots = vec![slot(0, 0), slot(0, 0), slot(0, 0)];
		slots[1].occupied = false;
		slots[2].occupied = false;
		assert_eq!(choose_uid(&slots, 5, 100, 0), Some(UidChoice::Free(1)));
	}

	#[test]
	fn replaces_the_lowest_score_then_the_oldest_then_the_lowest_uid() {
		let slots = [slot(5, 9), slot(3, 2), slot(1, 2), slot(1, 2)];
		assert_eq!(choose_uid(&slots, 4, 100, 10), Some(UidChoice::Replace(2)));
	}

	#[test]
	fn immune_and_owner_neurons_are_never_replaced() {
		let mut slots = [slot(95, 0), slot(0, 5), slot(0, 1)];
		slots[2].owner_neuron = true;
		// UID 0 is immune until block 105; UID 2 belongs to the owner.
		assert_eq!(choose_uid(&slots, 3, 100, 10), Some(UidChoice::Replace(1)));
		slots[1].owner_neuron = true;
		assert_eq!(choose_uid(&slots, 3, 100, 10), None);
		assert_eq!(choose_uid(&slots, 3, 105, 10), Some(UidChoice::Replace(0)));
	}

	proptest! {
		#[test]
		fn a_replaced_neuron_is_never_immune_and_no_eligible_one_scores_lower(
			raw in prop::collection::vec((0u64..50, 0u64..5, any::<bool>()), 1..64),
			now in 0u64..100, immunity in 0u64..60,
		) {
			let slots: Vec<_> = raw.iter().map(|&(at, score, owner)| UidSlot {
				occupied: true,
				registered_at: at,
				pruning_score: score,
				owner_neuron: owner,
				role: Default::default(),
			}).collect();
			let eligible = |s: &UidSlot<u64>| !s.owner_neuron && now >= s.registered_at + immunity;
			let max = slots.len() as u16;
			match choose_uid(&slots, max, now, immunity) {
				Some(UidChoice::Replace(uid)) => {
					let chosen = &slots[uid as usize];
					prop_assert!(eligible(chosen));
					for s in slots.iter().filter(|s| eligible(s)) {
						prop_assert!((s.pruning_score, s.registered_at) >= (chosen.pruning_score, chosen.registered_at));
					}
				}
				Some(UidChoice::Free(_)) => prop_assert!(false, "a full subnet has no free UID"),
				None => prop_assert!(slots.iter().all(|s| !eligible(s))),
			}
		}
	}
}
