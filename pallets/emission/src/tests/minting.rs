//! Block emission: minted into pending, split by stake or root's shares.

use super::*;
use crate::{Issued, SubnetShares};
use sp_runtime::Perbill;

#[test]
fn block_emission_goes_to_pending_in_proportion_to_stake() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 300);
		stake(BOB, VALIDATOR, NET1, 100);
		let issuance = Balances::total_issuance();
		run_blocks(2);
		assert_eq!(Pending::<Test>::get(NET0), 1_500);
		assert_eq!(Pending::<Test>::get(NET1), 500);
		assert_eq!(Issued::<Test>::get(), 2_000);
		assert_eq!(Balances::total_issuance(), issuance + 2_000);
		check_invariants();
	});
}

#[test]
fn nothing_is_minted_while_no_subnet_has_stake() {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		run_blocks(3);
		assert_eq!(Issued::<Test>::get(), 0);
		assert_eq!(Balances::total_issuance(), issuance);
	});
}

#[test]
fn root_shares_override_the_stake_split() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET1, 100);
		let shares = vec![(NET0, Perbill::from_percent(70)), (NET1, Perbill::from_percent(20))];
		assert_ok!(Emission::set_subnet_shares(
			RuntimeOrigin::root(),
			Some(shares.clone().try_into().unwrap())
		));
		assert_eq!(
			System::events().last().unwrap().event,
			Event::SubnetSharesSet { shares: Some(shares.try_into().unwrap()) }.into()
		);
		run_blocks(1);
		assert_eq!(Pending::<Test>::get(NET0), 700);
		assert_eq!(Pending::<Test>::get(NET1), 200);
		assert_ok!(Emission::set_subnet_shares(RuntimeOrigin::root(), None));
		assert!(SubnetShares::<Test>::get().is_none());
		check_invariants();
	});
}

#[test]
fn set_subnet_shares_rejects_non_root_and_invalid_shares() {
	new_test_ext().execute_with(|| {
		let set = |origin, shares: Vec<(NetUid, Perbill)>| {
			Emission::set_subnet_shares(origin, Some(shares.try_into().unwrap()))
		};
		assert_noop!(set(RuntimeOrigin::signed(ALICE), vec![]), DispatchError::BadOrigin);
		assert_noop!(
			set(
				RuntimeOrigin::root(),
				vec![(NET0, Perbill::from_percent(60)), (NET1, Perbill::from_percent(41))]
			),
			Error::<Test>::InvalidShares
		);
		assert_noop!(
			set(
				RuntimeOrigin::root(),
				vec![(NET0, Perbill::from_percent(10)), (NET0, Perbill::from_percent(10))]
			),
			Error::<Test>::InvalidShares
		);
	});
}

#[test]
fn emission_halves_at_half_the_cap_and_stops_at_the_cap() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 100);
		Issued::<Test>::put(CAP / 2 - 1);
		run_blocks(1);
		assert_eq!(Issued::<Test>::get(), CAP / 2 - 1 + BLOCK_EMISSION);
		let before = Issued::<Test>::get();
		run_blocks(1);
		assert_eq!(Issued::<Test>::get(), before + BLOCK_EMISSION / 2);
		Issued::<Test>::put(CAP);
		let issuance = Balances::total_issuance();
		run_blocks(2);
		assert_eq!(Balances::total_issuance(), issuance);
	});
}
