//! Step 2: masking and row normalisation of the submitted weights.

use crate::{
	fixed::{WeightScale, Q32},
	SparseMatrix, Uid,
};
use alloc::vec::Vec;

/// The weights that count, each row normalised to one. `weights[i]` is validator `i`'s
/// submission as `(uid, weight)` pairs; `set_at[i]` the block it was submitted in;
/// `registered_at[j]` the block UID `j`'s neuron registered in. A row counts only when its
/// validator has active stake (`stake[i] > 0`: active with a permit); an entry only when it is not
/// a self weight, names a UID below `n`, is non-zero, and was set no earlier than its target
/// registered.
pub fn mask_weights(
	weights: &[Vec<(Uid, u16)>],
	set_at: &[u64],
	registered_at: &[u64],
	stake: &[Q32],
) -> SparseMatrix {
	let n = stake.len();
	(0..n)
		.map(|i| {
			let has_stake = stake.get(i).is_some_and(|s| !s.is_zero());
			let row = weights.get(i).filter(|_| has_stake);
			let set_at_i = set_at.get(i).copied().unwrap_or(0);
			let submitted = row.map_or(0, Vec::len);
			let kept = || {
				row.into_iter().flatten().copied().filter(|(j, w)| {
					let j = usize::from(*j);
					*w > 0
						&& j != i && j < n && registered_at.get(j).is_some_and(|at| *at <= set_at_i)
				})
			};
			// Two passes over the submission (the total, then the scaled entries) rather than
			// a copy of the kept entries.
			let total = kept().fold(0u64, |sum, (_, w)| sum.saturating_add(u64::from(w)));
			let scale = WeightScale::new(total);
			let normalised = kept().map(|(j, w)| (j, scale.apply(w)));
			let mut row: Vec<(Uid, Q32)> =
				crate::collect_within(submitted, normalised.filter(|(_, w)| !w.is_zero()));
			if !row.is_sorted_by_key(|(j, _)| *j) {
				row.sort_unstable_by_key(|(j, _)| *j);
			}
			row.dedup_by_key(|(j, _)| *j);
			row
		})
		.collect()
}
