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
	// Usually every UID registered before any row was set: then no entry needs the check (a
	// UID without a registration block never counts, so the shortcut needs all `n` of them).
	let latest_registration = (registered_at.len() >= n)
		.then(|| registered_at.iter().take(n).copied().max().unwrap_or(0));
	(0..n)
		.map(|i| {
			let has_stake = stake.get(i).is_some_and(|s| !s.is_zero());
			let Some(row) = weights.get(i).filter(|_| has_stake) else { return Vec::new() };
			let set_at_i = set_at.get(i).copied().unwrap_or(0);
			let all_registered = latest_registration.is_some_and(|latest| latest <= set_at_i);
			let kept = |j: Uid, w: u16| {
				let j = usize::from(j);
				w > 0
					&& j != i && j < n
					&& (all_registered || registered_at.get(j).is_some_and(|at| *at <= set_at_i))
			};
			// Two passes over the submission (the total and whether its columns ascend, then
			// the scaled entries) rather than a copy of the kept entries.
			let mut total = 0u64;
			let mut ascending = true;
			let mut previous = None;
			for &(j, w) in row {
				if kept(j, w) {
					total = total.saturating_add(u64::from(w));
					ascending &= previous < Some(j);
					previous = Some(j);
				}
			}
			let scale = WeightScale::new(total);
			let mut normalised = Vec::with_capacity(row.len());
			for &(j, w) in row {
				if kept(j, w) {
					let w = scale.apply(w);
					if !w.is_zero() {
						normalised.push((j, w));
					}
				}
			}
			if !ascending {
				normalised.sort_unstable_by_key(|(j, _)| *j);
				normalised.dedup_by_key(|(j, _)| *j);
			}
			normalised
		})
		.collect()
}
