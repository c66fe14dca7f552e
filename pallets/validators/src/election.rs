//! The election rule: who produces blocks in a session, from the candidates' bonds.
//!
//! ```text
//! eligible = { c ∈ candidates : bond(c) ≥ min_bond ∧ has_keys(c) }
//! elected  = the first `max` of eligible, sorted by bond descending, then ticket ascending
//! ```
//!
//! A ticket is the order in which candidates declared themselves (`validate`), so among equal
//! bonds the earlier candidate wins, and a tie never depends on account ids (which anyone can
//! grind) or on storage iteration order. The result is sorted the same way: position 0 holds
//! the largest bond.

use alloc::vec::Vec;

/// One candidate as the election sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate<AccountId, Balance> {
	/// The candidate's account (its validator id).
	pub who: AccountId,
	/// Its active bond (unbonding chunks do not count).
	pub bond: Balance,
	/// When it declared itself: lower is earlier.
	pub ticket: u64,
	/// Whether it has session keys for the next session.
	pub has_keys: bool,
}

/// The top `max` eligible candidates by bond, ties to the lower ticket (see the module docs).
pub fn elect<AccountId, Balance: Ord + Copy>(
	mut candidates: Vec<Candidate<AccountId, Balance>>,
	min_bond: Balance,
	max: usize,
) -> Vec<AccountId> {
	candidates.retain(|c| c.has_keys && c.bond >= min_bond);
	candidates.sort_by(|a, b| b.bond.cmp(&a.bond).then(a.ticket.cmp(&b.ticket)));
	candidates.into_iter().take(max).map(|c| c.who).collect()
}

/// The candidate the election ranks last, the one a newcomer displaces when the list is full:
/// ineligible ones (no keys, or under `min_bond`) first, then the smallest bond, then the latest
/// ticket. `None` when there are no candidates.
pub fn last_ranked<AccountId, Balance: Ord + Copy>(
	candidates: &[Candidate<AccountId, Balance>],
	min_bond: Balance,
) -> Option<&Candidate<AccountId, Balance>> {
	candidates.iter().min_by(|a, b| {
		let eligible = |c: &Candidate<AccountId, Balance>| c.has_keys && c.bond >= min_bond;
		eligible(a).cmp(&eligible(b)).then(a.bond.cmp(&b.bond)).then(b.ticket.cmp(&a.ticket))
	})
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	fn candidate(who: u64, bond: u64, ticket: u64) -> Candidate<u64, u64> {
		Candidate { who, bond, ticket, has_keys: true }
	}

	#[test]
	fn the_largest_bonds_win_in_bond_order() {
		let all = vec![candidate(1, 10, 0), candidate(2, 30, 1), candidate(3, 20, 2)];
		assert_eq!(elect(all.clone(), 0, 2), vec![2, 3]);
		assert_eq!(elect(all, 0, 5), vec![2, 3, 1]);
	}

	#[test]
	fn equal_bonds_go_to_the_earlier_ticket_whatever_the_account_or_input_order() {
		let all = vec![candidate(9, 10, 5), candidate(1, 10, 7), candidate(5, 10, 2)];
		assert_eq!(elect(all, 0, 2), vec![5, 9]);
	}

	#[test]
	fn below_the_minimum_or_without_keys_is_never_elected() {
		let mut keyless = candidate(4, 100, 0);
		keyless.has_keys = false;
		let all = vec![keyless, candidate(2, 9, 1), candidate(3, 10, 2)];
		assert_eq!(elect(all, 10, 5), vec![3]);
	}

	#[test]
	fn the_last_ranked_is_ineligible_first_then_smallest_then_latest() {
		let mut keyless = candidate(4, 100, 0);
		keyless.has_keys = false;
		let all = vec![candidate(1, 10, 0), candidate(2, 10, 3), candidate(3, 50, 1), keyless];
		assert_eq!(last_ranked(&all, 0).map(|c| c.who), Some(4));
		assert_eq!(last_ranked(&all[..3], 0).map(|c| c.who), Some(2));
		assert_eq!(last_ranked(&all[..3], 20).map(|c| c.who), Some(2));
		assert!(last_ranked(&all[..0], 0).is_none());
	}

	#[test]
	fn nobody_eligible_elects_nobody() {
		assert!(elect(vec![candidate(1, 1, 0)], 2, 4).is_empty());
		assert!(elect(Vec::<Candidate<u64, u64>>::new(), 0, 4).is_empty());
	}

	proptest! {
		/// Against a brute-force reference: every elected candidate is eligible; no one left
		/// out beats anyone elected (bond, then ticket); the count is min(max, eligible); the
		/// result does not depend on the input order.
		#[test]
		fn elects_exactly_the_top_bonds(
			raw in proptest::collection::vec((0u64..50, any::<bool>()), 0..40),
			min_bond in 0u64..30,
			max in 0usize..10,
			rotate in 0usize..40,
		) {
			let all: Vec<_> = raw.iter().enumerate().map(|(i, (bond, keys))| Candidate {
				who: i as u64, bond: *bond, ticket: (i * 7 % 41) as u64, has_keys: *keys,
			}).collect();
			let elected = elect(all.clone(), min_bond, max);
			let eligible: Vec<_> = all.iter().filter(|c| c.has_keys && c.bond >= min_bond).collect();
			prop_assert_eq!(elected.len(), max.min(eligible.len()));
			let rank = |c: &Candidate<u64, u64>| (u64::MAX - c.bond, c.ticket);
			let worst_in = elected.iter().map(|w| rank(&all[*w as usize])).max();
			for c in &eligible {
				if !elected.contains(&c.who) {
					prop_assert!(worst_in.is_none_or(|worst| rank(c) > worst));
				}
			}
			let mut shuffled = all.clone();
			shuffled.rotate_left(rotate.min(all.len()));
			prop_assert_eq!(elect(shuffled, min_bond, max), elected);
		}
	}
}
