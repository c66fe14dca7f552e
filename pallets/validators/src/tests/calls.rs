//! Each call: what it does, and every rejection leaving state as it was.

use super::*;
use frame_support::{assert_noop, assert_ok};

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

#[test]
fn genesis_bonds_and_declares_its_validators() {
	test(|| {
		for (i, who) in GENESIS.iter().enumerate() {
			assert_eq!(held(*who), GENESIS_BOND);
			assert_eq!(Candidates::<Test>::get(who), Some(i as u64));
		}
		assert_eq!(NextTicket::<Test>::get(), 2);
		assert_eq!(SessionLength::<Test>::get(), 5);
	});
}

#[test]
fn bond_holds_and_adds_to_the_active_bond() {
	test(|| {
		let who = NEWCOMERS[0];
		assert_ok!(Validators::bond(signed(who), MIN_BOND));
		assert_ok!(Validators::bond(signed(who), 1));
		assert_eq!(Ledgers::<Test>::get(who).unwrap().active, MIN_BOND + 1);
		assert_eq!(held(who), MIN_BOND + 1);
		assert_eq!(Balances::free_balance(who), FUNDS - MIN_BOND - 1);
		assert_eq!(
			events(),
			vec![Event::Bonded { who, amount: MIN_BOND }, Event::Bonded { who, amount: 1 },]
		);
	});
}

#[test]
fn bond_rejections_change_nothing() {
	test(|| {
		let who = NEWCOMERS[0];
		assert_noop!(Validators::bond(signed(who), 0), Error::<Test>::ZeroAmount);
		assert_noop!(Validators::bond(signed(who), MIN_BOND - 1), Error::<Test>::BondTooLow);
		assert_noop!(
			Validators::bond(signed(POOR), POOR_FUNDS + 1),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn validate_declares_a_candidate_with_the_next_ticket() {
	test(|| {
		let who = NEWCOMERS[0];
		assert_ok!(Validators::bond(signed(who), MIN_BOND));
		assert_ok!(Validators::validate(signed(who)));
		assert_eq!(Candidates::<Test>::get(who), Some(2));
		assert_eq!(events().last(), Some(&Event::Candidate { who, ticket: 2 }));
	});
}

#[test]
fn validate_rejections_change_nothing() {
	test(|| {
		assert_noop!(Validators::validate(signed(NEWCOMERS[0])), Error::<Test>::NotBonded);
		assert_ok!(Validators::bond(signed(KEYLESS), MIN_BOND));
		assert_noop!(Validators::validate(signed(KEYLESS)), Error::<Test>::NoSessionKeys);
		assert_noop!(Validators::validate(signed(GENESIS[0])), Error::<Test>::AlreadyCandidate);
		// A candidate's bond is below the minimum only after a slash, which chills it; a
		// bonded account unbonding below the minimum cannot declare.
		assert_ok!(Validators::bond(signed(NEWCOMERS[0]), MIN_BOND));
		assert_ok!(Validators::unbond(signed(NEWCOMERS[0]), 1));
		assert_noop!(Validators::validate(signed(NEWCOMERS[0])), Error::<Test>::BondTooLow);
		// Fill the candidate list (2 at genesis + 3).
		for who in &NEWCOMERS[1..] {
			assert_ok!(Validators::bond(signed(*who), MIN_BOND));
			assert_ok!(Validators::validate(signed(*who)));
		}
		// Full, and the newcomer's bond is no larger than the last-ranked candidate's.
		assert_ok!(Validators::bond(signed(NEWCOMERS[0]), 1));
		assert_noop!(Validators::validate(signed(NEWCOMERS[0])), Error::<Test>::TooManyCandidates);
	});
}

#[test]
fn a_full_list_lets_a_larger_bond_displace_the_last_ranked_candidate() {
	test(|| {
		// A griefer fills the list with minimum bonds (2 at genesis + 3).
		for who in &NEWCOMERS[1..] {
			assert_ok!(Validators::bond(signed(*who), MIN_BOND));
			assert_ok!(Validators::validate(signed(*who)));
		}
		// Equal bond: the earlier candidates keep their places.
		assert_ok!(Validators::bond(signed(NEWCOMERS[0]), MIN_BOND));
		assert_noop!(Validators::validate(signed(NEWCOMERS[0])), Error::<Test>::TooManyCandidates);
		// One more token displaces the latest of the smallest bonds.
		assert_ok!(Validators::bond(signed(NEWCOMERS[0]), 1));
		assert_ok!(Validators::validate(signed(NEWCOMERS[0])));
		assert!(Candidates::<Test>::contains_key(NEWCOMERS[0]));
		assert!(!Candidates::<Test>::contains_key(NEWCOMERS[3]));
		assert_eq!(Candidates::<Test>::count(), MAX_CANDIDATES);
		assert!(events().contains(&Event::Chilled { who: NEWCOMERS[3] }));
		// The displaced candidate keeps its bond.
		assert_eq!(held(NEWCOMERS[3]), MIN_BOND);
	});
}

#[test]
fn a_full_list_lets_anyone_displace_a_candidate_that_lost_its_keys() {
	test(|| {
		for who in &NEWCOMERS[1..] {
			assert_ok!(Validators::bond(signed(*who), 5 * MIN_BOND));
			assert_ok!(Validators::validate(signed(*who)));
		}
		// A candidate purges its keys after declaring (and gets its key deposit back).
		KEYLESS_ACCOUNTS.with(|k| k.borrow_mut().push(NEWCOMERS[1]));
		assert_ok!(Validators::bond(signed(NEWCOMERS[0]), MIN_BOND));
		assert_ok!(Validators::validate(signed(NEWCOMERS[0])));
		assert!(!Candidates::<Test>::contains_key(NEWCOMERS[1]));
	});
}

#[test]
fn chill_ends_candidacy_and_keeps_the_bond() {
	test(|| {
		let who = GENESIS[0];
		assert_ok!(Validators::chill(signed(who)));
		assert!(!Candidates::<Test>::contains_key(who));
		assert_eq!(held(who), GENESIS_BOND);
		assert_eq!(events(), vec![Event::Chilled { who }]);
		assert_noop!(Validators::chill(signed(who)), Error::<Test>::NotCandidate);
	});
}

#[test]
fn unbonded_bond_stays_held_until_its_session_then_is_withdrawn() {
	test(|| {
		let who = GENESIS[0];
		CurrentSession::<Test>::put(4);
		assert_ok!(Validators::unbond(signed(who), 300));
		let due = 4 + BONDING + crate::SET_LAG;
		assert_eq!(events(), vec![Event::Unbonded { who, amount: 300, unlocks_at: due }]);
		assert_eq!(held(who), GENESIS_BOND);
		CurrentSession::<Test>::put(due - 1);
		assert_noop!(Validators::withdraw_unbonded(signed(who)), Error::<Test>::NothingToWithdraw);
		CurrentSession::<Test>::put(due);
		assert_ok!(Validators::withdraw_unbonded(signed(who)));
		assert_eq!(held(who), GENESIS_BOND - 300);
		assert_eq!(Balances::free_balance(who), FUNDS - GENESIS_BOND + 300);
		assert_eq!(events().last(), Some(&Event::Withdrawn { who, amount: 300 }));
	});
}

#[test]
fn a_fully_withdrawn_ledger_is_removed() {
	test(|| {
		let who = GENESIS[0];
		assert_ok!(Validators::chill(signed(who)));
		assert_ok!(Validators::unbond(signed(who), GENESIS_BOND));
		CurrentSession::<Test>::put(BONDING + crate::SET_LAG);
		assert_ok!(Validators::withdraw_unbonded(signed(who)));
		assert!(Ledgers::<Test>::get(who).is_none());
		assert_eq!(held(who), 0);
		assert_eq!(Balances::free_balance(who), FUNDS);
		assert_noop!(Validators::withdraw_unbonded(signed(who)), Error::<Test>::NotBonded);
	});
}

#[test]
fn unbond_rejections_change_nothing() {
	test(|| {
		let who = GENESIS[0];
		assert_noop!(Validators::unbond(signed(who), 0), Error::<Test>::ZeroAmount);
		assert_noop!(Validators::unbond(signed(NEWCOMERS[0]), 1), Error::<Test>::NotBonded);
		assert_noop!(
			Validators::unbond(signed(who), GENESIS_BOND + 1),
			Error::<Test>::UnbondTooMuch
		);
		// A candidate must keep the minimum: chill first.
		assert_noop!(
			Validators::unbond(signed(who), GENESIS_BOND - MIN_BOND + 1),
			Error::<Test>::BondTooLow
		);
		for session in 0..MAX_CHUNKS {
			CurrentSession::<Test>::put(session);
			assert_ok!(Validators::unbond(signed(who), 1));
		}
		CurrentSession::<Test>::put(MAX_CHUNKS);
		assert_noop!(Validators::unbond(signed(who), 1), Error::<Test>::TooManyChunks);
	});
}
