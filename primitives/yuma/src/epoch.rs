//! One whole epoch: the steps in order.

use crate::{
	bonds::update_bonds,
	consensus::{clip_trust_incentive, consensus},
	fixed::Q32,
	split::dividends,
	stake::active_stake,
	weights::mask_weights,
	BondMatrix, BondRow, BondsMode, Uid,
};
use alloc::vec::Vec;

/// Everything one epoch reads. Per-UID slices have one entry per UID (`stake.len()` is `n`).
#[derive(Clone, Debug)]
pub struct EpochInput<'a> {
	/// Bonded stake per UID.
	pub stake: &'a [u128],
	/// Whether each UID updated its weights within the activity cutoff.
	pub active: &'a [bool],
	/// Validator permits per UID.
	pub permit: &'a [bool],
	/// Registration block per UID.
	pub registered_at: &'a [u64],
	/// Each UID's submitted weights, `(uid, weight)` pairs without duplicates.
	pub weights: &'a [Vec<(Uid, u16)>],
	/// Block each UID's weights were submitted in.
	pub weights_set_at: &'a [u64],
	/// Bonds after the previous epoch.
	pub bonds: &'a [BondRow],
	/// Block of the previous epoch.
	pub last_epoch: u64,
	/// Consensus quantile κ.
	pub kappa: Q32,
	/// Weight α of the newest observation in the bonds' moving average.
	pub bonds_alpha: Q32,
	/// How bonds are kept.
	pub bonds_mode: BondsMode,
}

/// What one epoch computes, per UID.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EpochOutput {
	/// Normalised active stake `S`.
	pub stake: Vec<Q32>,
	/// Consensus `C`.
	pub consensus: Vec<Q32>,
	/// Validator trust `T`.
	pub validator_trust: Vec<Q32>,
	/// Incentive `I` (sums to one, or all zero).
	pub incentive: Vec<Q32>,
	/// Dividends `D` (sums to one, or all zero).
	pub dividends: Vec<Q32>,
	/// The new bonds.
	pub bonds: BondMatrix,
}

/// Runs steps 1–8 of the crate docs.
pub fn epoch(input: &EpochInput) -> EpochOutput {
	let stake = active_stake(input.stake, input.active, input.permit);
	let weights = mask_weights(input.weights, input.weights_set_at, input.registered_at, &stake);
	let consensus = consensus(&weights, &stake, input.kappa);
	let mut clipped = weights;
	let (validator_trust, incentive) = clip_trust_incentive(&mut clipped, &consensus, &stake);
	let bonds = update_bonds(
		input.bonds,
		&clipped,
		&stake,
		input.registered_at,
		input.last_epoch,
		input.bonds_alpha,
		input.bonds_mode,
	);
	let dividends = dividends(&bonds, &incentive, &stake, input.bonds_mode);
	EpochOutput { stake, consensus, validator_trust, incentive, dividends, bonds }
}
