//! Steps 3–6: consensus, clipping, validator trust and incentive.

use crate::{
	fixed::{normalize, Q32},
	SparseMatrix, Uid,
};
use alloc::vec::Vec;

/// Bits of a packed column entry that hold the validator's row (a [`crate::Uid`] fits).
const ROW_BITS: u32 = 16;

/// `Cⱼ = max { w : Σ_{i : Wᵢⱼ ≥ w} Sᵢ ≥ κ }`, zero when less than κ of the stake weights `j`.
/// Rows must be sorted by column without duplicates (as [`crate::mask_weights`] makes them).
/// The staked rows are transposed a block of columns at a time into a buffer of
/// [`BLOCK_ENTRIES`] packed `weight << 16 | row` words (plain `u64`s: half the bytes of
/// `(weight, stake)` pairs and no key extraction), one slot per staked row in each column, so
/// every write lands in a cache-sized buffer (scattering all columns at once into one
/// nnz-sized buffer missed the cache on almost every write) and no counting pass is needed;
/// each column's κ-quantile is then found by quickselect ([`kappa_quantile`]): expected
/// O(nnz) in all, where sorting every column cost O(nnz · log validators).
pub fn consensus(weights: &SparseMatrix, stake: &[Q32], kappa: Q32) -> Vec<Q32> {
	let n = stake.len();
	// Each staked row's entries not yet transposed, and its index.
	let mut rows: Vec<(u16, &[(Uid, Q32)])> = weights
		.iter()
		.zip(stake)
		.enumerate()
		.filter(|(_, (_, s))| !s.is_zero())
		.filter_map(|(i, (row, _))| Some((u16::try_from(i).ok()?, row.as_slice())))
		.collect();
	let height = rows.len().max(1);
	let width = BLOCK_ENTRIES.checked_div(height).unwrap_or(1).clamp(1, n.max(1));
	let mut entries = alloc::vec![0u64; width.saturating_mul(height)];
	let mut lengths = alloc::vec![0usize; width];
	// A row weight is at most one (2³²), far below the 48 bits left for it.
	let max_weight = u64::MAX >> ROW_BITS;
	let mut consensus = Vec::with_capacity(n);
	for first in (0..n).step_by(width) {
		lengths.fill(0);
		for (i, rest) in rows.iter_mut() {
			let mut taken = 0usize;
			for (j, w) in rest.iter() {
				let Some(column) =
					usize::from(*j).checked_sub(first).filter(|column| *column < width)
				else {
					break;
				};
				if let Some(length) = lengths.get_mut(column) {
					let slot = column.saturating_mul(height).saturating_add(*length);
					if let Some(entry) = entries.get_mut(slot).filter(|_| *length < height) {
						*entry = (w.0.min(max_weight) << ROW_BITS) | u64::from(*i);
						*length = length.saturating_add(1);
					}
				}
				taken = taken.saturating_add(1);
			}
			*rest = rest.get(taken..).unwrap_or_default();
		}
		let columns = entries.chunks_mut(height).zip(&lengths).take(n.saturating_sub(first));
		consensus.extend(columns.map(|(column, length)| {
			column
				.get_mut(..*length)
				.map_or(Q32::ZERO, |column| kappa_quantile(column, stake, kappa))
		}));
	}
	consensus
}

/// Entries of a transposition block: 128 KiB of packed words, which stay in cache while a
/// block is filled.
const BLOCK_ENTRIES: usize = 16 * 1024;

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
