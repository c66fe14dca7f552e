//! Hand-computed small cases for every step, and the edge cases.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod common;

use common::{assert_close, bond, dense_epoch, Case};
use inferchain_yuma::{split_emission, BondRow, BondsMode, Q32};

#[test]
fn one_validator_two_miners() {
	// UID 0 validates with all the stake; it weights miner 1 three times miner 2.
	let out = Case::new(3).validator(0, 100, &[(1, 3), (2, 1)]).run();
	assert_close(&out.stake, &[1.0, 0.0, 0.0]);
	assert_close(&out.consensus, &[0.0, 0.75, 0.25]);
	assert_close(&out.validator_trust, &[1.0, 0.0, 0.0]);
	assert_close(&out.incentive, &[0.0, 0.75, 0.25]);
	// Fresh bonds: α × clipped weight.
	assert_eq!(out.bonds[0].len(), 2);
	assert!((bond(&out, 0, 1) - 0.075).abs() < 1e-8);
	assert!((bond(&out, 0, 2) - 0.025).abs() < 1e-8);
	assert_close(&out.dividends, &[1.0, 0.0, 0.0]);

	let split =
		split_emission(1_000, Q32::from_ratio(1, 2), &out.incentive, &out.dividends, &out.stake);
	assert_eq!(split.miners, vec![0, 375, 125]);
	assert_eq!(split.validators, vec![500, 0, 0]);
	assert_eq!(split.unpaid, 0);
}

#[test]
fn a_minority_weighting_away_from_consensus_is_clipped_to_nothing() {
	// 60 % of the stake weights miner 2, 40 % weights miner 3; κ = ½.
	let out = Case::new(4).validator(0, 60, &[(2, 1)]).validator(1, 40, &[(3, 1)]).run();
	assert_close(&out.stake, &[0.6, 0.4, 0.0, 0.0]);
	assert_close(&out.consensus, &[0.0, 0.0, 1.0, 0.0]);
	assert_close(&out.validator_trust, &[1.0, 0.0, 0.0, 0.0]);
	assert_close(&out.incentive, &[0.0, 0.0, 1.0, 0.0]);
	assert!(out.bonds[1].is_empty());
	assert_close(&out.dividends, &[1.0, 0.0, 0.0, 0.0]);
}

#[test]
fn kappa_extremes_take_the_largest_and_the_smallest_supported_weight() {
	let case = Case::new(4).validator(0, 50, &[(2, 1), (3, 1)]).validator(1, 50, &[(2, 1)]);
	let at = |kappa| Case { kappa, ..case.clone() }.run().consensus;
	// κ = 0: the largest weight any staked validator gives.
	assert_close(&at(Q32::ZERO), &[0.0, 0.0, 1.0, 0.5]);
	// κ = 1: the weight every staked validator gives at least.
	assert_close(&at(Q32::ONE), &[0.0, 0.0, 0.5, 0.0]);
}

#[test]
fn no_weights_means_no_incentive_and_validators_are_paid_by_stake() {
	let out = Case::new(3).validator(0, 30, &[]).validator(1, 10, &[]).run();
	assert_close(&out.incentive, &[0.0; 3]);
	assert_close(&out.dividends, &[0.0; 3]);
	let split =
		split_emission(1_000, Q32::from_ratio(1, 2), &out.incentive, &out.dividends, &out.stake);
	assert_eq!(split.miners, vec![0, 0, 0]);
	assert_eq!(split.validators, vec![375, 125, 0]);
	assert_eq!(split.unpaid, 500);
}

#[test]
fn zero_stake_pays_nobody() {
	let mut case = Case::new(3).validator(0, 0, &[(1, 1)]);
	case.stake = vec![0, 0, 0];
	let out = case.run();
	assert_close(&out.incentive, &[0.0; 3]);
	let split =
		split_emission(777, Q32::from_ratio(1, 2), &out.incentive, &out.dividends, &out.stake);
	assert_eq!(split.unpaid, 777);
}

#[test]
fn inactive_or_unpermitted_validators_do_not_count() {
	let mut case = Case::new(4).validator(0, 50, &[(2, 1)]).validator(1, 50, &[(3, 1)]);
	case.active[1] = false;
	let out = case.run();
	assert_close(&out.stake, &[1.0, 0.0, 0.0, 0.0]);
	assert_close(&out.incentive, &[0.0, 0.0, 1.0, 0.0]);
	case.active[1] = true;
	case.permit[1] = false;
	assert_close(&case.run().incentive, &[0.0, 0.0, 1.0, 0.0]);
}

#[test]
fn all_weight_on_one_miner() {
	let out = Case::new(4)
		.validator(0, 10, &[(3, 7)])
		.validator(1, 20, &[(3, 1)])
		.validator(2, 30, &[(3, 9)])
		.run();
	assert_close(&out.incentive, &[0.0, 0.0, 0.0, 1.0]);
	assert_close(&out.validator_trust, &[1.0, 1.0, 1.0, 0.0]);
	// Absolute bonds are equal, so dividends follow stake.
	assert_close(&out.dividends, &[10.0 / 60.0, 20.0 / 60.0, 30.0 / 60.0, 0.0]);
}

#[test]
fn self_weights_are_ignored() {
	let out = Case::new(2).validator(0, 10, &[(0, 5), (1, 5)]).run();
	assert_close(&out.incentive, &[0.0, 1.0]);
}

#[test]
fn a_new_registration_inherits_no_bonds_and_earlier_weights_do_not_count() {
	let mut case = Case::new(3).validator(0, 10, &[(1, 1), (2, 1)]);
	case.bonds[0] = BondRow::from_pairs([(1, Q32::from_ratio(1, 2)), (2, Q32::from_ratio(1, 2))]);
	case.last_epoch = 5;
	case.weights_set_at[0] = 8;
	// UID 2 was replaced at block 10, after the validator last set weights.
	case.registered_at[2] = 10;
	let out = case.run();
	assert_close(&out.incentive, &[0.0, 1.0, 0.0]);
	assert_eq!(out.bonds[0].len(), 1, "only UID 1's bond survives");
	// (1 − α) · ½ + α · 1 = 0.55.
	assert!((bond(&out, 0, 1) - 0.55).abs() < 1e-8);
}

#[test]
fn relative_bonds_are_shares_of_each_miners_column() {
	let mut case =
		Case::new(4).validator(0, 75, &[(2, 1), (3, 1)]).validator(1, 25, &[(2, 1), (3, 1)]);
	case.bonds_mode = BondsMode::Relative;
	let out = case.run();
	assert!((bond(&out, 0, 2) - 0.75).abs() < 1e-8 && (bond(&out, 1, 2) - 0.25).abs() < 1e-8);
	assert_close(&out.dividends, &[0.75, 0.25, 0.0, 0.0]);
}

#[test]
fn the_emission_split_pays_exactly_the_emission() {
	let out = Case::new(3).validator(0, 100, &[(1, 1), (2, 2)]).run();
	let split = split_emission(
		1_000_001,
		Q32::from_ratio(41, 100),
		&out.incentive,
		&out.dividends,
		&out.stake,
	);
	let paid: u128 = split.miners.iter().chain(&split.validators).sum();
	assert_eq!(paid + split.unpaid, 1_000_001);
	assert!(split.unpaid <= 3, "only rounding is unpaid: {}", split.unpaid);
}

#[test]
fn a_bond_of_one_is_kept_as_the_largest_32_bit_fraction() {
	// α = 1 and a single weight: the new bond is the whole clipped weight, one.
	let mut case = Case::new(2).validator(0, 10, &[(1, 1)]);
	case.bonds_alpha = Q32::ONE;
	let out = case.run();
	assert_eq!(out.bonds[0], BondRow { uids: vec![1], values: vec![u32::MAX] });
	assert_eq!(out.bonds[0].pairs().collect::<Vec<_>>(), vec![(1, Q32(u64::from(u32::MAX)))]);
	assert!(out.bonds[1].is_empty());
}

#[test]
fn a_bond_that_decays_to_zero_is_dropped_when_the_columns_stay_the_same() {
	// α = 2⁻³²: a bond of 2⁻³² decays to zero and the new weight adds nothing; the row's
	// columns are the weights' columns (the steady state), and the zero is still dropped.
	let mut case = Case::new(3).validator(0, 10, &[(1, 1), (2, 1)]);
	case.bonds[0] = BondRow { uids: vec![1, 2], values: vec![1, 1 << 31] };
	case.bonds_alpha = Q32(1);
	let out = case.run();
	assert_eq!(out.bonds[0].uids, vec![2]);
	assert_eq!(out.bonds, dense_epoch(&case).bonds);
}

#[test]
fn a_bond_row_with_fewer_values_than_uids_yields_a_well_formed_row() {
	// Only the first UID has a value: the row is read as that one bond, and the new row has a
	// value for each of its UIDs.
	let mut case = Case::new(3).validator(0, 10, &[(1, 1), (2, 1)]);
	case.bonds[0] = BondRow { uids: vec![1, 2], values: vec![1 << 31] };
	let out = case.run();
	assert_eq!(out.bonds[0].uids, vec![1, 2]);
	assert_eq!(out.bonds[0].values.len(), 2);
	// (1 − α) · ½ + α · ½ = ½ on UID 1; α · ½ = 0.05 on UID 2.
	assert!((bond(&out, 0, 1) - 0.5).abs() < 1e-8);
	assert!((bond(&out, 0, 2) - 0.05).abs() < 1e-8);
}

#[test]
fn a_weight_on_a_uid_without_a_registration_block_does_not_count() {
	// Three UIDs by stake, registration blocks for two: the weight on UID 2 is dropped (no
	// registration, so no shortcut past the check), the one on UID 1 counts in full.
	let mut case = Case::new(3).validator(0, 10, &[(1, 1), (2, 1)]);
	case.registered_at.truncate(2);
	let out = case.run();
	assert_close(&out.incentive, &[0.0, 1.0, 0.0]);
}
