//! Equivocation offences: slashing, chilling and disabling.

use super::*;
use frame_support::{assert_noop, assert_ok};
use sp_runtime::Perbill;
use sp_staking::offence::{OffenceDetails, OnOffenceHandler};

fn report(offenders: &[AccountId], fraction: Perbill, session: u32) {
	let details: Vec<_> = offenders
		.iter()
		.map(|who| OffenceDetails { offender: (*who, ()), reporters: vec![] })
		.collect();
	let fractions = vec![fraction; offenders.len()];
	Validators::on_offence(&details, &fractions, session);
}

#[test]
fn an_offender_loses_the_fraction_of_its_whole_bond_burned_and_is_chilled_and_disabled() {
	test(|| {
		let who = GENESIS[0];
		assert_ok!(Validators::unbond(RuntimeOrigin::signed(who), 200));
		let issuance = Balances::total_issuance();
		report(&[who], Perbill::from_percent(25), 0);
		assert_eq!(held(who), 750);
		assert_eq!(Validators::total_bond(&who), 750);
		// The active bond pays first: the unbonding chunk is intact.
		assert_eq!(Ledgers::<Test>::get(who).unwrap().active, 550);
		assert_eq!(Balances::total_issuance(), issuance - 250);
		assert!(!Candidates::<Test>::contains_key(who));
		assert_eq!(DISABLED.with(|d| d.borrow().clone()), vec![(who, Perbill::from_percent(25))]);
		assert_eq!(
			events(),
			vec![
				Event::Unbonded { who, amount: 200, unlocks_at: BONDING + crate::SET_LAG },
				Event::Slashed { who, amount: 250, session: 0 },
				Event::Chilled { who },
			]
		);
		// Others are untouched.
		assert_eq!(held(GENESIS[1]), GENESIS_BOND);
		assert!(Candidates::<Test>::contains_key(GENESIS[1]));
	});
}

#[test]
fn an_offender_cannot_validate_again_for_the_bonding_duration() {
	test(|| {
		let who = GENESIS[0];
		CurrentSession::<Test>::put(3);
		report(&[who], Perbill::from_percent(10), 3);
		assert_noop!(
			Validators::validate(RuntimeOrigin::signed(who)),
			Error::<Test>::RecentlySlashed
		);
		CurrentSession::<Test>::put(3 + BONDING - 1);
		assert_noop!(
			Validators::validate(RuntimeOrigin::signed(who)),
			Error::<Test>::RecentlySlashed
		);
		CurrentSession::<Test>::put(3 + BONDING);
		assert_ok!(Validators::validate(RuntimeOrigin::signed(who)));
		assert!(BarredUntil::<Test>::get(who).is_none());
	});
}

#[test]
fn a_report_repeated_with_a_larger_fraction_takes_only_the_difference() {
	test(|| {
		let who = GENESIS[0];
		report(&[who], Perbill::from_percent(10), 3);
		assert_eq!(held(who), 900);
		report(&[who], Perbill::from_percent(10), 3);
		assert_eq!(held(who), 900);
		report(&[who, GENESIS[1]], Perbill::from_percent(30), 3);
		// 20 % more, of what it had left.
		assert_eq!(held(who), 720);
		assert_eq!(held(GENESIS[1]), 700);
		// Another session's offence counts again.
		report(&[who], Perbill::from_percent(10), 4);
		assert_eq!(held(who), 648);
	});
}

#[test]
fn an_offender_without_a_bond_is_only_chilled_and_disabled() {
	test(|| {
		report(&[NEWCOMERS[0]], Perbill::from_percent(50), 0);
		assert_eq!(held(NEWCOMERS[0]), 0);
		assert_eq!(Balances::free_balance(NEWCOMERS[0]), FUNDS);
		assert_eq!(DISABLED.with(|d| d.borrow().len()), 1);
	});
}

#[test]
fn a_full_slash_removes_the_ledger() {
	test(|| {
		report(&[GENESIS[0]], Perbill::one(), 0);
		assert!(Ledgers::<Test>::get(GENESIS[0]).is_none());
		assert_eq!(held(GENESIS[0]), 0);
	});
}
