//! Steps 8–9: dividends and the emission split.

use crate::{
	fixed::{normalize, sum, Q32},
	BondRow, BondsMode,
};
use alloc::vec::Vec;

/// Absolute: `Dᵢ ∝ Sᵢ Σⱼ Bᵢⱼ Iⱼ`; relative: `Dᵢ ∝ Σⱼ Bᵢⱼ Iⱼ`; normalised to one.
pub fn dividends(bonds: &[BondRow], incentive: &[Q32], stake: &[Q32], mode: BondsMode) -> Vec<Q32> {
	let mut dividends: Vec<Q32> = bonds
		.iter()
		.zip(stake)
		.map(|(row, s)| {
			let earned = sum(row.pairs().map(|(j, b)| {
				b.mul_floor(incentive.get(usize::from(j)).copied().unwrap_or_default())
			}));
			match mode {
				BondsMode::Absolute => s.mul_floor(earned),
				BondsMode::Relative => earned,
			}
		})
		.collect();
	normalize(&mut dividends);
	dividends
}

/// Who gets what of one epoch's emission.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct EmissionSplit {
	/// Per UID, as a miner (by incentive).
	pub miners: Vec<u128>,
	/// Per UID, as a validator (by dividends, else by active stake).
	pub validators: Vec<u128>,
	/// What nobody could be paid: a side with nobody to pay, and rounding.
	pub unpaid: u128,
}

/// Splits `emission`: `miner_share` of it by `incentive`, the rest by `dividends` (or by
/// `stake` while every dividend is zero). Each amount is rounded down; the remainder is
/// `unpaid`, so `Σ miners + Σ validators + unpaid = emission` exactly.
pub fn split_emission(
	emission: u128,
	miner_share: Q32,
	incentive: &[Q32],
	dividends: &[Q32],
	stake: &[Q32],
) -> EmissionSplit {
	let miner_pool = miner_share.min(Q32::ONE).of(emission);
	let validator_pool = emission.saturating_sub(miner_pool);
	let pay = |pool: u128, shares: &[Q32]| -> Vec<u128> {
		shares.iter().map(|share| share.of(pool)).collect()
	};
	let miners = pay(miner_pool, incentive);
	let by_dividends = !sum(dividends.iter().copied()).is_zero();
	let validators = pay(validator_pool, if by_dividends { dividends } else { stake });
	let paid =
		miners.iter().chain(&validators).fold(0u128, |total, amount| total.saturating_add(*amount));
	EmissionSplit { miners, validators, unpaid: emission.saturating_sub(paid) }
}
