//! Steps 3–6: consensus, clipping, validator trust and incentive.

use crate::{
	fixed::{normalize, Q32},
	SparseMatrix,
};
use alloc::vec::Vec;

/// `Cⱼ = max { w : Σ_{i : Wᵢⱼ ≥ w} Sᵢ ≥ κ }`, zero when less than κ of the stake weights `j`.
/// Transposes the rows into one flat column-major buffer (two passes: count, then fill;
/// O(nnz), one allocation) and sorts each column's slice by weight.
pub fn consensus(weights: &SparseMatrix, stake: &[Q32], kappa: Q32) -> Vec<Q32> {
	let n = stake.len();
	let staked = || weights.iter().zip(stake).filter(|(_, s)| !s.is_zero());
	// Column starts: `starts[j]..starts[j + 1]` is column `j`'s slice.
	let mut starts = alloc::vec![0usize; n.saturating_add(1)];
	for (row, _) in staked() {
		for (j, _) in row {
			if let Some(count) = starts.get_mut(usize::from(*j).saturating_add(1)) {
				*count = count.saturating_add(1);
			}
		}
	}
	for j in 1..starts.len() {
		let previous = starts.get(j.saturating_sub(1)).copied().unwrap_or(0);
		if let Some(start) = starts.get_mut(j) {
			*start = start.saturating_add(previous);
		}
	}
	let mut next = starts.clone();
	let mut entries = alloc::vec![(Q32::ZERO, Q32::ZERO); starts.last().copied().unwrap_or(0)];
	for (row, s) in staked() {
		for (j, w) in row {
			if let Some(slot) = next.get_mut(usize::from(*j)) {
				if let Some(entry) = entries.get_mut(*slot) {
					*entry = (*w, *s);
				}
				*slot = slot.saturating_add(1);
			}
		}
	}
	starts
		.windows(2)
		.map(|bounds| {
			let (start, end) = match bounds {
				[start, end] => (*start, *end),
				_ => return Q32::ZERO,
			};
			let Some(column) = entries.get_mut(start..end) else { return Q32::ZERO };
			// Sorting beat a weighted quickselect here (measured): a column holds at most one
			// entry per validator, and `sort_unstable` on a few hundred pairs is very fast.
			column.sort_unstable_by_key(|(w, _)| core::cmp::Reverse(*w));
			let mut support = Q32::ZERO;
			for (w, s) in column.iter() {
				support = support.saturating_add(*s);
				if support >= kappa {
					return *w;
				}
			}
			Q32::ZERO
		})
		.collect()
}

/// `W̄ᵢⱼ = min(Wᵢⱼ, Cⱼ)`, dropping entries that clip to zero.
pub fn clip(weights: &SparseMatrix, consensus: &[Q32]) -> SparseMatrix {
	weights
		.iter()
		.map(|row| {
			row.iter()
				.map(|(j, w)| {
					(*j, (*w).min(consensus.get(usize::from(*j)).copied().unwrap_or_default()))
				})
				.filter(|(_, w)| !w.is_zero())
				.collect()
		})
		.collect()
}

/// `Tᵢ = Σⱼ W̄ᵢⱼ`.
pub fn validator_trust(clipped: &SparseMatrix) -> Vec<Q32> {
	clipped.iter().map(|row| crate::fixed::sum(row.iter().map(|(_, w)| *w))).collect()
}

/// `Iⱼ = Rⱼ / Σ R` with `Rⱼ = Σᵢ Sᵢ W̄ᵢⱼ`.
pub fn incentive(clipped: &SparseMatrix, stake: &[Q32]) -> Vec<Q32> {
	let mut ranks = alloc::vec![Q32::ZERO; stake.len()];
	for (row, s) in clipped.iter().zip(stake) {
		for (j, w) in row {
			if let Some(rank) = ranks.get_mut(usize::from(*j)) {
				*rank = rank.saturating_add(s.mul_floor(*w));
			}
		}
	}
	normalize(&mut ranks);
	ranks
}
