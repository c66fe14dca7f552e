//! Validator permits: a pure function of the stake and role per UID (used by `pallet-stake`
//! for `StakeInfo::validator_permits` and by the emission epoch, from the stake it already
//! read): [`permit_candidates`], then [`top_k_permits`].

use alloc::vec::Vec;

/// The stake that competes for permits: a UID's stake when its holder declared the validator
/// role and holds at least `min_stake`, else zero (never permitted). Miners' stake never
/// competes, so staking a miner never turns it into a validator.
pub fn permit_candidates(stakes: &[u128], validators: &[bool], min_stake: u128) -> Vec<u128> {
	stakes
		.iter()
		.enumerate()
		.map(|(uid, stake)| {
			let validator = validators.get(uid).copied().unwrap_or(false);
			if validator && *stake >= min_stake {
				*stake
			} else {
				0
			}
		})
		.collect()
}

/// Permits indexed by UID: the `k` UIDs with the most stake get one (ties: lower UID); UIDs with
/// zero stake never do. O(n log n).
pub fn top_k_permits(stakes: &[u128], k: u16) -> Vec<bool> {
	let mut order: Vec<usize> = (0..stakes.len()).collect();
	order.sort_by(|a, b| {
		let stake = |i: &usize| stakes.get(*i).copied().unwrap_or(0);
		stake(b).cmp(&stake(a)).then(a.cmp(b))
	});
	let mut permits = alloc::vec![false; stakes.len()];
	for uid in order.into_iter().take(usize::from(k)) {
		if stakes.get(uid).is_some_and(|stake| *stake > 0) {
			if let Some(permit) = permits.get_mut(uid) {
				*permit = true;
			}
		}
	}
	permits
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
	use super::*;

	#[test]
	fn only_validators_with_enough_stake_compete() {
		let stakes = [50, 500, 300, 0];
		let candidates = permit_candidates(&stakes, &[true, false, true, true], 100);
		assert_eq!(candidates, vec![0, 0, 300, 0]);
		assert_eq!(top_k_permits(&candidates, 4), vec![false, false, true, false]);
		assert_eq!(permit_candidates(&stakes, &[true], 0), vec![50, 0, 0, 0]);
	}
	use proptest::prelude::*;

	#[test]
	fn the_top_k_by_stake_get_permits_and_ties_go_to_the_lower_uid() {
		assert_eq!(top_k_permits(&[5, 9, 5, 1], 2), vec![true, true, false, false]);
		assert_eq!(top_k_permits(&[0, 0, 3], 2), vec![false, false, true]);
		assert_eq!(top_k_permits(&[], 3), Vec::<bool>::new());
	}

	proptest! {
		#[test]
		fn at_most_k_permits_and_no_unpermitted_uid_outranks_a_permitted_one(
			stakes in proptest::collection::vec(0u128..20, 0..64), k in 0u16..70,
		) {
			let permits = top_k_permits(&stakes, k);
			prop_assert_eq!(permits.len(), stakes.len());
			prop_assert!(permits.iter().filter(|p| **p).count() <= usize::from(k));
			for (i, permitted) in permits.iter().enumerate() {
				if *permitted {
					prop_assert!(stakes[i] > 0);
					for (j, other) in permits.iter().enumerate() {
						if !other {
							prop_assert!((stakes[i], core::cmp::Reverse(i)) > (stakes[j], core::cmp::Reverse(j)) || stakes[j] == 0);
						}
					}
				}
			}
		}
	}
}
