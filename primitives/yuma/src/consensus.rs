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
/// O(nnz), one allocation) of packed `weight << 16 | row` words (plain `u64`s: half the bytes
/// of `(weight, stake)` pairs and no key extraction) and finds each column's κ-quantile by
/// quickselect ([`kappa_quantile`]): expected O(nnz) in all, where sorting every column cost
/// O(nnz · log validators).
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
	starts
		.windows(2)
		.map(|bounds| match bounds {
			[start, end] => entries
				.get_mut(*start..*end)
				.map_or(Q32::ZERO, |column| kappa_quantile(column, stake, kappa)),
			_ => Q32::ZERO,
		})
		.collect()
}

/// Columns this short are sorted and walked; longer ones are split by quickselect first.
const SORTED_COLUMN: usize = 32;

/// The weight of the packed entry at which the stake of `column`'s entries, taken from the
/// largest `weight << 16 | row` down, first reaches `kappa` (zero if it never does): what
/// sorting the column and walking it from the top finds, in expected linear time. Each round
/// splits the column around its middle entry (`select_nth_unstable`); if the entries above it
/// hold enough stake the answer is among them, else it is the middle entry or, with their
/// stake counted, below it.
fn kappa_quantile(mut column: &mut [u64], stake: &[Q32], kappa: Q32) -> Q32 {
	let row_mask = (1u64 << ROW_BITS).saturating_sub(1);
	let stake_of = |packed: &u64| {
		let row = usize::try_from(packed & row_mask).unwrap_or(usize::MAX);
		stake.get(row).copied().unwrap_or_default()
	};
	let mut needed = kappa;
	while column.len() > SORTED_COLUMN {
		let middle = column.len() / 2;
		let (below, pivot, above) = column.select_nth_unstable(middle);
		let above_stake = crate::fixed::sum(above.iter().map(stake_of));
		if !above.is_empty() && above_stake >= needed {
			column = above;
			continue;
		}
		let through_pivot = above_stake.saturating_add(stake_of(pivot));
		if through_pivot >= needed {
			return Q32(*pivot >> ROW_BITS);
		}
		needed = needed.saturating_sub(through_pivot);
		column = below;
	}
	column.sort_unstable();
	let mut support = Q32::ZERO;
	for packed in column.iter().rev() {
		support = support.saturating_add(stake_of(packed));
		if support >= needed {
			return Q32(packed >> ROW_BITS);
		}
	}
	Q32::ZERO
}

/// Steps 4–6 in one pass over the entries, clipping the weights in place (the unclipped ones
/// are not needed afterwards):
/// - clipping: `W̄ᵢⱼ = min(Wᵢⱼ, Cⱼ)`, dropping entries that clip to zero;
/// - validator trust: `Tᵢ = Σⱼ W̄ᵢⱼ`;
/// - incentive: `Iⱼ = Rⱼ / Σ R` with `Rⱼ = Σᵢ Sᵢ W̄ᵢⱼ`.
///
/// Returns `(trust, incentive)`.
pub fn clip_trust_incentive(
	weights: &mut SparseMatrix,
	consensus: &[Q32],
	stake: &[Q32],
) -> (Vec<Q32>, Vec<Q32>) {
	let mut ranks = alloc::vec![Q32::ZERO; stake.len()];
	let stakes = stake.iter().copied().chain(core::iter::repeat(Q32::ZERO));
	let trust = weights
		.iter_mut()
		.zip(stakes)
		.map(|(row, s)| {
			let mut trust = Q32::ZERO;
			row.retain_mut(|(j, w)| {
				let j = usize::from(*j);
				*w = (*w).min(consensus.get(j).copied().unwrap_or_default());
				if w.is_zero() {
					return false;
				}
				trust = trust.saturating_add(*w);
				if let Some(rank) = ranks.get_mut(j) {
					*rank = rank.saturating_add(s.mul_floor(*w));
				}
				true
			});
			trust
		})
		.collect();
	normalize(&mut ranks);
	(trust, ranks)
}
