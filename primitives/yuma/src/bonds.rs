//! Step 7: bonds.

use crate::{fixed::Q32, BondsMode, SparseMatrix, SparseRow, Uid};
use alloc::{borrow::Cow, vec::Vec};

/// A row of bonds as the chain stores it, in two columns: the bond `values[k]` on UID
/// `uids[k]`, columns ascending, no zeros. Each bond is a 32-bit fraction (`value / 2³²`): a
/// bond of one, possible only with α = 1 or a relative column of one validator, is kept as the
/// largest fraction below it.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct BondRow {
	/// The columns, ascending.
	pub uids: Vec<Uid>,
	/// The bond on each of `uids`, in units of 2⁻³².
	pub values: Vec<u32>,
}

/// Bond rows indexed by validator UID.
pub type BondMatrix = Vec<BondRow>;

/// A bond as stored: its 32-bit fraction, one and above kept as the largest fraction below one.
fn stored(bond: Q32) -> u32 {
	u32::try_from(bond.0).unwrap_or(u32::MAX)
}

/// A stored bond as a [`Q32`].
fn bond(value: u32) -> Q32 {
	Q32(u64::from(value))
}

impl BondRow {
	/// An empty row with room for `capacity` bonds.
	pub fn with_capacity(capacity: usize) -> BondRow {
		BondRow { uids: Vec::with_capacity(capacity), values: Vec::with_capacity(capacity) }
	}

	/// The row of `pairs` (columns ascending, non-zero bonds).
	pub fn from_pairs(pairs: impl IntoIterator<Item = (Uid, Q32)>) -> BondRow {
		let mut row = BondRow::default();
		for (uid, bond) in pairs {
			row.push(uid, bond);
		}
		row
	}

	/// Appends the bond `bond` on `uid` (a column above the last), as a 32-bit fraction.
	pub fn push(&mut self, uid: Uid, bond: Q32) {
		self.uids.push(uid);
		self.values.push(stored(bond));
	}

	/// The `(uid, bond)` pairs, in column order.
	pub fn pairs(&self) -> impl Iterator<Item = (Uid, Q32)> + '_ {
		self.uids.iter().zip(&self.values).map(|(uid, value)| (*uid, bond(*value)))
	}

	/// Number of bonds.
	pub fn len(&self) -> usize {
		self.uids.len().min(self.values.len())
	}

	/// Whether the row holds no bond.
	pub fn is_empty(&self) -> bool {
		self.len() == 0
	}
}

/// New bonds from the previous ones and the clipped weights (see the crate docs for the
/// formulas), as 32-bit fractions ([`BondRow`]). Bonds in the row or column of a UID registered
/// after `last_epoch` are dropped first: a new neuron in a UID inherits nothing.
pub fn update_bonds(
	previous: &[BondRow],
	clipped: &SparseMatrix,
	stake: &[Q32],
	registered_at: &[u64],
	last_epoch: u64,
	alpha: Q32,
	mode: BondsMode,
) -> BondMatrix {
	let n = stake.len();
	let fresh = |uid: usize| registered_at.get(uid).is_some_and(|at| *at > last_epoch);
	// Usually nobody registered since the last epoch: then the previous rows are used as they
	// are, not copied.
	let any_fresh = registered_at.iter().take(n).any(|at| *at > last_epoch);
	let no_bonds = BondRow::default();
	let previous_row = |i: usize| -> Cow<'_, BondRow> {
		let row = previous.get(i).unwrap_or(&no_bonds);
		if !any_fresh {
			return Cow::Borrowed(row);
		}
		if fresh(i) {
			return Cow::Owned(BondRow::default());
		}
		Cow::Owned(BondRow::from_pairs(row.pairs().filter(|(j, _)| !fresh(usize::from(*j)))))
	};
	let keep = Q32::ONE.saturating_sub(alpha);
	let average = |b: Q32, w: Q32| keep.mul_floor(b).saturating_add(alpha.mul_floor(w));
	let empty = Vec::new();
	match mode {
		BondsMode::Absolute => (0..n)
			.map(|i| {
				let previous = previous_row(i);
				let observed = clipped.get(i).unwrap_or(&empty);
				let same_columns = previous.uids.len() == observed.len()
					&& previous.values.len() == observed.len()
					&& previous.uids.iter().zip(observed).all(|(a, (b, _))| a == b);
				if same_columns {
					// The steady state (validators weighting the miners they bonded): one pass
					// over the values, the columns copied whole.
					let values = previous.values.iter().zip(observed);
					let mut row = BondRow {
						uids: previous.uids.clone(),
						values: values.map(|(b, (_, w))| stored(average(bond(*b), *w))).collect(),
					};
					if row.values.contains(&0) {
						row = BondRow::from_pairs(row.pairs().filter(|(_, b)| !b.is_zero()));
					}
					return row;
				}
				let mut row = BondRow::with_capacity(previous.len().max(observed.len()));
				merge(&previous, observed, average, |j, bond| row.push(j, bond));
				row
			})
			.collect(),
		BondsMode::Relative => {
			let relative = column_normalized(&stake_weighted(clipped, stake), n);
			let bonds: SparseMatrix = (0..n)
				.map(|i| {
					let previous = previous_row(i);
					let observed = relative.get(i).unwrap_or(&empty);
					let mut row = Vec::with_capacity(previous.len().max(observed.len()));
					merge(&previous, observed, average, |j, bond| row.push((j, bond)));
					row
				})
				.collect();
			column_normalized(&bonds, n).into_iter().map(BondRow::from_pairs).collect()
		},
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

/// The union of a bond row and a weight row, each column's value `f(bond, weight)` (a missing
/// side counts as zero) handed to `emit` in column order unless it is zero.
fn merge(
	bonds: &BondRow,
	weights: &SparseRow,
	f: impl Fn(Q32, Q32) -> Q32,
	mut emit: impl FnMut(Uid, Q32),
) {
	let mut emit_nonzero = |j: Uid, value: Q32| {
		if !value.is_zero() {
			emit(j, value);
		}
	};
	let (mut x, mut y) = (0usize, 0usize);
	while let (Some(ja), Some(va), Some((jb, wb))) =
		(bonds.uids.get(x), bonds.values.get(x), weights.get(y))
	{
		let va = bond(*va);
		match ja.cmp(jb) {
			core::cmp::Ordering::Equal => {
				x = x.wrapping_add(1);
				y = y.wrapping_add(1);
				emit_nonzero(*ja, f(va, *wb));
			},
			core::cmp::Ordering::Less => {
				x = x.wrapping_add(1);
				emit_nonzero(*ja, f(va, Q32::ZERO));
			},
			core::cmp::Ordering::Greater => {
				y = y.wrapping_add(1);
				emit_nonzero(*jb, f(Q32::ZERO, *wb));
			},
		}
	}
	let rest_uids = bonds.uids.get(x..).unwrap_or_default();
	let rest_values = bonds.values.get(x..).unwrap_or_default();
	for (j, value) in rest_uids.iter().zip(rest_values) {
		emit_nonzero(*j, f(bond(*value), Q32::ZERO));
	}
	for (j, w) in weights.get(y..).unwrap_or_default() {
		emit_nonzero(*j, f(Q32::ZERO, *w));
	}
}
