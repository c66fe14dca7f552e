//! The session manager: who is elected for each session.

use super::*;
use frame_support::assert_ok;
use pallet_session::SessionManager;

fn join(who: AccountId, bond: Balance) {
	assert_ok!(Validators::bond(RuntimeOrigin::signed(who), bond));
	assert_ok!(Validators::validate(RuntimeOrigin::signed(who)));
}

#[test]
fn the_top_bonds_are_elected_largest_first() {
	test(|| {
		join(NEWCOMERS[0], 5_000);
		join(NEWCOMERS[1], 2_000);
		join(NEWCOMERS[2], 100);
		assert_eq!(Validators::new_session(1), Some(vec![NEWCOMERS[0], NEWCOMERS[1], GENESIS[0]]));
		assert_eq!(
			events().last(),
			Some(&Event::Elected {
				session: 1,
				validators: vec![NEWCOMERS[0], NEWCOMERS[1], GENESIS[0]]
			})
		);
	});
}

#[test]
fn an_unchanged_set_is_not_queued_again() {
	test(|| {
		assert_eq!(Validators::new_session_genesis(0), Some(GENESIS.to_vec()));
		// Bond order changes, membership does not: keep the queued set.
		assert_ok!(Validators::bond(RuntimeOrigin::signed(GENESIS[1]), 10));
		assert_eq!(Validators::new_session(1), None);
	});
}

#[test]
fn a_chilled_validator_leaves_at_the_next_election() {
	test(|| {
		assert_eq!(Validators::new_session(1), Some(GENESIS.to_vec()));
		assert_ok!(Validators::chill(RuntimeOrigin::signed(GENESIS[0])));
		assert_eq!(Validators::new_session(2), Some(vec![GENESIS[1]]));
	});
}

#[test]
fn unbonding_below_another_candidate_loses_the_seat() {
	test(|| {
		join(NEWCOMERS[0], 900);
		join(NEWCOMERS[1], 900);
		assert_eq!(Validators::new_session(1), Some(vec![GENESIS[0], GENESIS[1], NEWCOMERS[0]]));
		assert_ok!(Validators::unbond(RuntimeOrigin::signed(GENESIS[0]), 200));
		assert_eq!(Validators::new_session(2), Some(vec![GENESIS[1], NEWCOMERS[0], NEWCOMERS[1]]));
	});
}

#[test]
fn keys_purged_after_declaring_lose_the_seat_and_nobody_left_keeps_the_set() {
	test(|| {
		assert_eq!(Validators::new_session(1), Some(GENESIS.to_vec()));
		KEYLESS_ACCOUNTS.with(|k| k.borrow_mut().push(GENESIS[0]));
		assert_eq!(Validators::new_session(2), Some(vec![GENESIS[1]]));
		assert_ok!(Validators::chill(RuntimeOrigin::signed(GENESIS[1])));
		// Nobody eligible: the chain keeps its last set rather than stopping.
		assert_eq!(Validators::new_session(3), None);
	});
}

#[test]
fn starting_a_session_records_it_and_prunes_old_history() {
	test(|| {
		Validators::start_session(1);
		assert_eq!((CurrentSession::<Test>::get(), PRUNED_BEFORE.with(|p| *p.borrow())), (1, None));
		Validators::start_session(BONDING + 3);
		assert_eq!(CurrentSession::<Test>::get(), BONDING + 3);
		assert_eq!(PRUNED_BEFORE.with(|p| *p.borrow()), Some(3));
	});
}
