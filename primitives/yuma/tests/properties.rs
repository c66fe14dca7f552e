//! Properties over random inputs, and agreement with the dense reference.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod common;

use common::{dense_epoch, Case};
use inferchain_yuma::{fixed::WeightScale, split_emission, BondRow, BondsMode, Q32};
use proptest::prelude::*;

/// Random subnets of up to 12 UIDs: random stake, permits, activity, registration blocks,
/// weights (no duplicates) and previous bonds.
fn case() -> impl Strategy<Value = Case> {
	(2usize..12).prop_flat_map(|n| {
		(
			proptest::collection::vec(0u128..1_000, n),
			proptest::collection::vec(any::<bool>(), n),
			proptest::collection::vec(prop::bool::weighted(0.9), n),
			proptest::collection::vec(0u64..10, n),
			proptest::collection::vec(
				proptest::collection::btree_map(0u16..n as u16, 0u16..100, 0..n),
				n,
			),
			proptest::collection::vec(0u64..12, n),
			proptest::collection::vec(
				proptest::collection::btree_map(0u16..n as u16, 0u64..1 << 32, 0..n),
				n,
			),
			(0u64..10, 0u32..=100, 0u32..=100, any::<bool>()),
		)
			.prop_map(
				|(
					stake,
					permit,
					active,
					registered_at,
					weights,
					set_at,
					bonds,
					(last, kappa, alpha, relative),
				)| Case {
					stake,
					active,
					permit,
					registered_at,
					weights: weights.into_iter().map(|row| row.into_iter().collect()).collect(),
					weights_set_at: set_at,
					bonds: bonds
						.into_iter()
						.map(|row| {
							BondRow::from_pairs(
								row.into_iter().filter(|(_, b)| *b > 0).map(|(j, b)| (j, Q32(b))),
							)
						})
						.collect(),
					last_epoch: last,
					kappa: Q32::from_ratio(kappa.into(), 100),
					bonds_alpha: Q32::from_ratio(alpha.into(), 100),
					bonds_mode: if relative { BondsMode::Relative } else { BondsMode::Absolute },
				},
			)
	})
}

fn total(values: &[Q32]) -> u64 {
	values.iter().map(|v| v.0).sum()
}

/// Sums to one within the rounding of `n` divisions, or is all zero.
fn normalized(values: &[Q32]) -> bool {
	let sum = total(values);
	sum == 0 || (Q32::ONE.0 - values.len() as u64 <= sum && sum <= Q32::ONE.0)
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(512))]

	#[test]
	fn the_sparse_epoch_agrees_with_the_dense_reference(case in case()) {
		prop_assert_eq!(case.run(), dense_epoch(&case));
	}

	#[test]
	fn mul_floor_is_the_floored_product(
		a in prop_oneof![any::<u64>(), 0u64..=(1 << 33)],
		b in prop_oneof![any::<u64>(), 0u64..=(1 << 33)],
	) {
		let exact = (u128::from(a) * u128::from(b)) >> 32;
		let expected = Q32(u64::try_from(exact).unwrap_or(u64::MAX));
		prop_assert_eq!(Q32(a).mul_floor(Q32(b)), expected);
	}

	#[test]
	fn of_is_the_floored_product_with_a_balance(
		amount in prop_oneof![any::<u128>(), 0u128..(1 << 80)],
		share in prop_oneof![any::<u64>(), 0u64..=(1 << 32)],
	) {
		let expected = sp_arithmetic::helpers_128bit::multiply_by_rational_with_rounding(
			amount,
			u128::from(share),
			1 << 32,
			sp_arithmetic::Rounding::Down,
		)
		.unwrap_or(u128::MAX);
		prop_assert_eq!(Q32(share).of(amount), expected);
	}

	#[test]
	fn the_weight_scale_is_an_exact_division(weight in any::<u16>(), total in 1u64..(1 << 50)) {
		prop_assert_eq!(WeightScale::new(total).apply(weight), Q32::from_weight(weight, total));
	}

	#[test]
	fn stake_incentive_and_dividends_are_normalized(case in case()) {
		let out = case.run();
		prop_assert!(normalized(&out.stake));
		prop_assert!(normalized(&out.incentive));
		prop_assert!(normalized(&out.dividends));
	}

	#[test]
	fn permuting_uids_permutes_the_outputs(case in case(), seed in any::<u64>()) {
		let n = case.stake.len();
		// A permutation from the seed (Fisher–Yates with a linear congruential generator).
		let mut perm: Vec<usize> = (0..n).collect();
		let mut state = seed;
		for i in (1..n).rev() {
			state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
			perm.swap(i, (state >> 33) as usize % (i + 1));
		}
		let map = |uid: u16| perm[uid as usize] as u16;
		let mut permuted = case.clone();
		for (i, &p) in perm.iter().enumerate() {
			permuted.stake[p] = case.stake[i];
			permuted.active[p] = case.active[i];
			permuted.permit[p] = case.permit[i];
			permuted.registered_at[p] = case.registered_at[i];
			permuted.weights_set_at[p] = case.weights_set_at[i];
			permuted.weights[p] = case.weights[i].iter().map(|(j, w)| (map(*j), *w)).collect();
			let mut bonds: Vec<_> = case.bonds[i].pairs().map(|(j, b)| (map(j), b)).collect();
			bonds.sort_by_key(|(j, _)| *j);
			permuted.bonds[p] = BondRow::from_pairs(bonds);
		}
		let (out, out_p) = (case.run(), permuted.run());
		for (i, &p) in perm.iter().enumerate() {
			prop_assert_eq!(out.consensus[i], out_p.consensus[p]);
			prop_assert_eq!(out.incentive[i], out_p.incentive[p]);
			prop_assert_eq!(out.dividends[i], out_p.dividends[p]);
			prop_assert_eq!(out.validator_trust[i], out_p.validator_trust[p]);
		}
	}

	#[test]
	fn a_miner_nobody_weights_gets_no_incentive(case in case(), miner in 0usize..12) {
		let mut case = case;
		let miner = miner % case.stake.len();
		for row in case.weights.iter_mut() {
			row.retain(|(j, _)| *j as usize != miner);
		}
		prop_assert_eq!(case.run().incentive[miner], Q32::ZERO);
	}

	#[test]
	fn a_validator_weighting_far_from_consensus_earns_nothing(case in case()) {
		// A validator with under κ of the stake puts all its weight on a miner no other
		// validator weights: clipping zeroes it, so it has no trust and (with no old bonds)
		// no dividends.
		let mut case = case;
		let n = case.stake.len();
		let (outlier, lonely) = (0usize, (n - 1) as u16);
		case.kappa = Q32::from_ratio(1, 2);
		case.bonds = vec![BondRow::default(); n];
		case.bonds_mode = BondsMode::Absolute;
		case.permit[outlier] = true;
		case.active[outlier] = true;
		let counted = |case: &Case, i: usize| if case.active[i] && case.permit[i] { case.stake[i] } else { 0 };
		if (1..n).map(|i| counted(&case, i)).sum::<u128>() == 0 {
			(case.active[1], case.permit[1], case.stake[1]) = (true, true, 3);
		}
		let others: u128 = (1..n).map(|i| counted(&case, i)).sum();
		// Under a quarter of the active stake, so under κ.
		case.stake[outlier] = others / 3;
		for row in case.weights.iter_mut() {
			row.retain(|(j, _)| *j != lonely);
		}
		case.weights[outlier] = vec![(lonely, 1)];
		let out = case.run();
		prop_assert_eq!(out.validator_trust[outlier], Q32::ZERO);
		prop_assert_eq!(out.dividends[outlier], Q32::ZERO);
	}

	#[test]
	fn the_split_pays_exactly_the_emission(case in case(), emission in 0u128..1u128 << 100, share in 0u32..=100) {
		let out = case.run();
		let split = split_emission(emission, Q32::from_ratio(share.into(), 100), &out.incentive, &out.dividends, &out.stake);
		let paid: u128 = split.miners.iter().chain(&split.validators).sum();
		prop_assert_eq!(paid + split.unpaid, emission);
	}
}
