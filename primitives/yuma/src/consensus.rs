//! Steps 3–6: consensus, clipping, validator trust and incentive.

use crate::{
	fixed::{normalize, Q32},
	SparseMatrix,
};
use alloc::vec::Vec;

/// Bits of a packed column entry that hold the validator's row (a [`crate::Uid`] fits).
const ROW_BITS: u32 = 16;

/// `Cⱼ = max { w : Σ_{i : Wᵢⱼ ≥ w} Sᵢ ≥ κ }`, zero when less than κ of the stake weights `j`.
/// Transposes the rows into one flat column-major buffer (two passes: count, then fill;
/// O(nnz), one allocation) of packed `weight << 16 | row` words, sorts each column's slice
/// (plain `u64`s: half the bytes of `(weight, stake)` pairs and no key extraction) and walks
/// it from the largest weight, adding each row's stake.
pub fn consensus(weights: &SparseMatrix, stake: &[Q32], kappa: Q32) -> Vec<Q32> {
	let n = stake.len();
	let staked = || weights.iter().enumerate().zip(stake).filter(|(_, s)| !s.is_zero());
	// Column starts: `starts[j]..starts[j + 1]` is column `j`'s slice.
	let mut starts = alloc::vec![0usize; n.saturating_add(1)];
	for ((_, row), _) in staked() {
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
	let mut entries = alloc::vec![0u64; starts.last().copied().unwrap_or(0)];
	// A row weight is at most one (2³²), far below the 48 bits left for it.
	let max_weight = u64::MAX >> ROW_BITS;
	for ((i, row), _) in staked() {
		let Ok(i) = u16::try_from(i) else { continue };
		for (j, w) in row {
			if let Some(slot) = next.get_mut(usize::from(*j)) {
				if let Some(entry) = entries.get_mut(*slot) {
					*entry = (w.0.min(max_weight) << ROW_BITS) | u64::from(i);
				}
				*slot = slot.saturating_add(1);
			}
		}
	}
	let row_mask = (1u64 << ROW_BITS).saturating_sub(1);
	starts
		.windows(2)
		.map(|bounds| {
			let (start, end) = match bounds {
				[start, end] => (*start, *end),
				_ => return Q32::ZERO,
			};
			let Some(column) = entries.get_mut(start..end) else { return Q32::ZERO };
			// Sorting beat a weighted quickselect here (measured): a column holds at most one
			// entry per validator, and `sort_unstable` on a few hundred words is very fast.
			column.sort_unstable();
			let mut support = Q32::ZERO;
			for packed in column.iter().rev() {
				let row = usize::try_from(packed & row_mask).unwrap_or(usize::MAX);
				support = support.saturating_add(stake.get(row).copied().unwrap_or_default());
				if support >= kappa {
					return Q32(packed >> ROW_BITS);
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
			let clipped = row.iter().map(|(j, w)| {
				(*j, (*w).min(consensus.get(usize::from(*j)).copied().unwrap_or_default()))
			});
			crate::collect_within(row.len(), clipped.filter(|(_, w)| !w.is_zero()))
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
