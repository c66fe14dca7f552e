//! Step 7: bonds.

use crate::{fixed::Q32, BondsMode, SparseMatrix, SparseRow};
use alloc::{borrow::Cow, vec::Vec};

/// New bonds from the previous ones and the clipped weights (see the crate docs for the
/// formulas). Bonds in the row or column of a UID registered after `last_epoch` are dropped
/// first: a new neuron in a UID inherits nothing.
pub fn update_bonds(
	previous: &SparseMatrix,
	clipped: &SparseMatrix,
	stake: &[Q32],
	registered_at: &[u64],
	last_epoch: u64,
	alpha: Q32,
	mode: BondsMode,
) -> SparseMatrix {
	let n = stake.len();
	let fresh = |uid: usize| registered_at.get(uid).is_some_and(|at| *at > last_epoch);
	// Usually nobody registered since the last epoch: then the previous rows are used as they
	// are, not copied.
	let any_fresh = registered_at.iter().take(n).any(|at| *at > last_epoch);
	let empty = Vec::new();
	let previous_row = |i: usize| -> Cow<'_, SparseRow> {
		let row = previous.get(i).unwrap_or(&empty);
		if !any_fresh {
			return Cow::Borrowed(row);
		}
		if fresh(i) {
			return Cow::Owned(Vec::new());
		}
		Cow::Owned(crate::collect_within(
			row.len(),
			row.iter().filter(|(j, _)| !fresh(usize::from(*j))).copied(),
		))
	};
	let relative;
	let observed: &SparseMatrix = match mode {
		BondsMode::Absolute => clipped,
		BondsMode::Relative => {
			relative = column_normalized(&stake_weighted(clipped, stake), n);
			&relative
		},
	};
	let keep = Q32::ONE.saturating_sub(alpha);
	let bonds: SparseMatrix = (0..n)
		.map(|i| {
			let observed = observed.get(i).unwrap_or(&empty);
			merge(&previous_row(i), observed, |b, w| {
				keep.mul_floor(b).saturating_add(alpha.mul_floor(w))
			})
		})
		.collect();
	match mode {
		BondsMode::Absolute => bonds,
		BondsMode::Relative => column_normalized(&bonds, n),
	}
}

/// `Sᵢ W̄ᵢⱼ`.
fn stake_weighted(matrix: &SparseMatrix, stake: &[Q32]) -> SparseMatrix {
	matrix
		.iter()
		.zip(stake)
		.map(|(row, s)| {
			let weighted = row.iter().map(|(j, w)| (*j, s.mul_floor(*w)));
			crate::collect_within(row.len(), weighted.filter(|(_, v)| !v.is_zero()))
		})
		.collect()
}

/// Each column divided by its sum.
fn column_normalized(matrix: &SparseMatrix, n: usize) -> SparseMatrix {
	let mut sums = alloc::vec![Q32::ZERO; n];
	for (j, v) in matrix.iter().flatten() {
		if let Some(sum) = sums.get_mut(usize::from(*j)) {
			*sum = sum.saturating_add(*v);
		}
	}
	matrix
		.iter()
		.map(|row| {
			let normalised = row.iter().map(|(j, v)| {
				(*j, v.div_floor(sums.get(usize::from(*j)).copied().unwrap_or_default()))
			});
			crate::collect_within(row.len(), normalised.filter(|(_, v)| !v.is_zero()))
		})
		.collect()
}

/// The union of two rows sorted by column, each column's value `f(a, b)` (a missing side
/// counts as zero); zero results are dropped.
fn merge(a: &SparseRow, b: &SparseRow, f: impl Fn(Q32, Q32) -> Q32) -> SparseRow {
	let mut out = Vec::with_capacity(a.len().max(b.len()));
	let (mut x, mut y) = (0usize, 0usize);
	while let (Some((ja, va)), Some((jb, vb))) = (a.get(x), b.get(y)) {
		let (j, value) = match ja.cmp(jb) {
			core::cmp::Ordering::Equal => {
				x = x.wrapping_add(1);
				y = y.wrapping_add(1);
				(*ja, f(*va, *vb))
			},
			core::cmp::Ordering::Less => {
				x = x.wrapping_add(1);
				(*ja, f(*va, Q32::ZERO))
			},
			core::cmp::Ordering::Greater => {
				y = y.wrapping_add(1);
				(*jb, f(Q32::ZERO, *vb))
			},
		};
		if !value.is_zero() {
			out.push((j, value));
		}
	}
	let rest_a = a.get(x..).unwrap_or_default().iter().map(|(j, va)| (*j, f(*va, Q32::ZERO)));
	let rest_b = b.get(y..).unwrap_or_default().iter().map(|(j, vb)| (*j, f(Q32::ZERO, *vb)));
	out.extend(rest_a.chain(rest_b).filter(|(_, value)| !value.is_zero()));
	out
}
