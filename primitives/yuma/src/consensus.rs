//! Steps 3–6: consensus, clipping, validator trust and incentive.

use crate::{
	fixed::{normalize, Q32},
	SparseMatrix,
};
use alloc::vec::Vec;

/// `Cⱼ = max { w : Σ_{i : Wᵢⱼ ≥ w} Sᵢ ≥ κ }`, zero when less than κ of the stake weights `j`.
/// Transposes the rows into columns (O(nnz)) and sorts each column by weight.
pub fn consensus(weights: &SparseMatrix, stake: &[Q32], kappa: Q32) -> Vec<Q32> {
	let n = stake.len();
	let mut columns: Vec<Vec<(Q32, Q32)>> = alloc::vec![Vec::new(); n];
	for (row, s) in weights.iter().zip(stake) {
		if s.is_zero() {
			continue;
		}
		for (j, w) in row {
			if let Some(column) = columns.get_mut(usize::from(*j)) {
				column.push((*w, *s));
			}
		}
	}
	columns
		.into_iter()
		.map(|mut column| {
			column.sort_unstable_by_key(|(w, _)| core::cmp::Reverse(*w));
			let mut support = Q32::ZERO;
			for (w, s) in column {
				support = support.saturating_add(s);
				if support >= kappa {
					return w;
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
