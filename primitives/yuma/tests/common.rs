//! Helpers shared by the Yuma tests: readable inputs and a naive dense reference.

#![allow(dead_code, clippy::arithmetic_side_effects, clippy::indexing_slicing)]
// The dense reference reads like the formulas: index loops over n × n matrices.
#![allow(clippy::needless_range_loop, clippy::unnecessary_sort_by)]

use inferchain_yuma::{BondRow, BondsMode, EpochInput, EpochOutput, Uid, Q32};

/// Owned inputs for one epoch.
#[derive(Clone, Debug)]
pub struct Case {
	pub stake: Vec<u128>,
	pub active: Vec<bool>,
	pub permit: Vec<bool>,
	pub registered_at: Vec<u64>,
	pub weights: Vec<Vec<(Uid, u16)>>,
	pub weights_set_at: Vec<u64>,
	pub bonds: Vec<BondRow>,
	pub last_epoch: u64,
	pub kappa: Q32,
	pub bonds_alpha: Q32,
	pub bonds_mode: BondsMode,
}

impl Case {
	/// `n` UIDs, all active and registered at block 0, weights set at block 1, no stake, no
	/// permits, no weights, κ = ½, α = 0.1, absolute bonds.
	pub fn new(n: usize) -> Case {
		Case {
			stake: vec![0; n],
			active: vec![true; n],
			permit: vec![false; n],
			registered_at: vec![0; n],
			weights: vec![Vec::new(); n],
			weights_set_at: vec![1; n],
			bonds: vec![BondRow::default(); n],
			last_epoch: 0,
			kappa: Q32::from_ratio(1, 2),
			bonds_alpha: Q32::from_ratio(1, 10),
			bonds_mode: BondsMode::Absolute,
		}
	}

	/// Makes `uid` a permitted validator with `stake`.
	pub fn validator(mut self, uid: usize, stake: u128, weights: &[(Uid, u16)]) -> Case {
		self.stake[uid] = stake;
		self.permit[uid] = true;
		self.weights[uid] = weights.to_vec();
		self
	}

	pub fn input(&self) -> EpochInput<'_> {
		EpochInput {
			stake: &self.stake,
			active: &self.active,
			permit: &self.permit,
			registered_at: &self.registered_at,
			weights: &self.weights,
			weights_set_at: &self.weights_set_at,
			bonds: &self.bonds,
			last_epoch: self.last_epoch,
			kappa: self.kappa,
			bonds_alpha: self.bonds_alpha,
			bonds_mode: self.bonds_mode,
		}
	}

	pub fn run(&self) -> EpochOutput {
		inferchain_yuma::epoch(&self.input())
	}
}

/// A fraction as a float, for readable assertions.
pub fn f(q: Q32) -> f64 {
	q.0 as f64 / 4_294_967_296.0
}

/// Asserts `actual` is within 1e-8 of `expected`, element by element.
pub fn assert_close(actual: &[Q32], expected: &[f64]) {
	assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
	for (a, e) in actual.iter().zip(expected) {
		assert!(
			(f(*a) - e).abs() < 1e-8,
			"{:?} vs {expected:?}",
			actual.iter().map(|q| f(*q)).collect::<Vec<_>>()
		);
	}
}

fn normalize(values: &mut [Q32]) {
	let total = values.iter().fold(Q32::ZERO, |s, v| s.saturating_add(*v));
	if !total.is_zero() {
		for v in values.iter_mut() {
			*v = v.div_floor(total);
		}
	}
}

/// The naive dense reference: n × n matrices, the formulas of the crate docs written out
/// directly, the same fixed-point operations.
pub fn dense_epoch(case: &Case) -> EpochOutput {
	let n = case.stake.len();
	let counted: Vec<u128> =
		(0..n).map(|i| if case.active[i] && case.permit[i] { case.stake[i] } else { 0 }).collect();
	let total: u128 = counted.iter().sum();
	let s: Vec<Q32> = counted.iter().map(|x| Q32::from_ratio(*x, total)).collect();

	let mut w = vec![vec![Q32::ZERO; n]; n];
	for i in 0..n {
		if s[i].is_zero() {
			continue;
		}
		let mut raw = vec![0u64; n];
		for (j, v) in &case.weights[i] {
			let j = *j as usize;
			if j < n && j != i && case.registered_at[j] <= case.weights_set_at[i] {
				raw[j] = u64::from(*v);
			}
		}
		let sum: u128 = raw.iter().map(|x| u128::from(*x)).sum();
		for j in 0..n {
			w[i][j] = Q32::from_ratio(u128::from(raw[j]), sum);
		}
	}

	// Consensus, column by column over every row (zeros included): sort by weight and take the
	// weight at which the supporting stake first reaches κ.
	let mut c = vec![Q32::ZERO; n];
	for j in 0..n {
		let mut column: Vec<(Q32, Q32)> =
			(0..n).filter(|i| !s[*i].is_zero()).map(|i| (w[i][j], s[i])).collect();
		column.sort_by(|a, b| b.0.cmp(&a.0));
		let mut support = Q32::ZERO;
		for (weight, stake) in column {
			support = support.saturating_add(stake);
			if support >= case.kappa {
				c[j] = weight;
				break;
			}
		}
	}
	let clipped: Vec<Vec<Q32>> =
		(0..n).map(|i| (0..n).map(|j| w[i][j].min(c[j])).collect()).collect();
	let trust: Vec<Q32> =
		clipped.iter().map(|row| row.iter().fold(Q32::ZERO, |a, v| a.saturating_add(*v))).collect();
	let mut incentive: Vec<Q32> = (0..n)
		.map(|j| (0..n).fold(Q32::ZERO, |a, i| a.saturating_add(s[i].mul_floor(clipped[i][j]))))
		.collect();
	normalize(&mut incentive);

	let fresh = |u: usize| case.registered_at[u] > case.last_epoch;
	let mut previous = vec![vec![Q32::ZERO; n]; n];
	for (i, row) in case.bonds.iter().enumerate() {
		for (j, b) in row.pairs() {
			if !fresh(i) && !fresh(j as usize) {
				previous[i][j as usize] = b;
			}
		}
	}
	let alpha = case.bonds_alpha;
	let keep = Q32::ONE.saturating_sub(alpha);
	let column_normalize = |m: &mut Vec<Vec<Q32>>| {
		for j in 0..n {
			let sum = (0..n).fold(Q32::ZERO, |a, i| a.saturating_add(m[i][j]));
			for i in 0..n {
				m[i][j] = m[i][j].div_floor(sum);
			}
		}
	};
	let mut observed = clipped.clone();
	if case.bonds_mode == BondsMode::Relative {
		for i in 0..n {
			for j in 0..n {
				observed[i][j] = s[i].mul_floor(clipped[i][j]);
			}
		}
		column_normalize(&mut observed);
	}
	let mut bonds = vec![vec![Q32::ZERO; n]; n];
	for i in 0..n {
		for j in 0..n {
			bonds[i][j] =
				keep.mul_floor(previous[i][j]).saturating_add(alpha.mul_floor(observed[i][j]));
		}
	}
	if case.bonds_mode == BondsMode::Relative {
		column_normalize(&mut bonds);
	}
	// Bonds are kept as 32-bit fractions: one becomes the largest fraction below it.
	for row in bonds.iter_mut() {
		for b in row.iter_mut() {
			*b = (*b).min(Q32(u64::from(u32::MAX)));
		}
	}
	let mut dividends: Vec<Q32> = (0..n)
		.map(|i| {
			let earned = (0..n)
				.fold(Q32::ZERO, |a, j| a.saturating_add(bonds[i][j].mul_floor(incentive[j])));
			match case.bonds_mode {
				BondsMode::Absolute => s[i].mul_floor(earned),
				BondsMode::Relative => earned,
			}
		})
		.collect();
	normalize(&mut dividends);
	let sparse_bonds = bonds
		.iter()
		.map(|row| {
			BondRow::from_pairs(
				row.iter().enumerate().filter(|(_, b)| !b.is_zero()).map(|(j, b)| (j as Uid, *b)),
			)
		})
		.collect();
	EpochOutput {
		stake: s,
		consensus: c,
		validator_trust: trust,
		incentive,
		dividends,
		bonds: sparse_bonds,
	}
}

/// Validator `i`'s bond on `j` in `out`, as a float (zero when it holds none).
pub fn bond(out: &EpochOutput, i: usize, j: Uid) -> f64 {
	out.bonds[i].pairs().find(|(c, _)| *c == j).map_or(0.0, |(_, b)| f(b))
}
