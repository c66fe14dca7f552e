//! Random call sequences, offences and session changes, adversarial accounts among them; the
//! invariants are checked after every step.

use super::*;
use pallet_session::SessionManager;
use proptest::prelude::*;
use sp_runtime::Perbill;
use sp_staking::offence::{OffenceDetails, OnOffenceHandler};
use std::collections::BTreeMap;

const ACTORS: [AccountId; 8] = [1, 2, 3, 4, 5, 6, KEYLESS, POOR];

#[derive(Clone, Debug)]
enum Step {
	Bond(usize, Balance),
	Validate(usize),
	Chill(usize),
	Unbond(usize, Balance),
	Withdraw(usize),
	NewSession,
	Offence(usize, u32),
}

fn step() -> impl Strategy<Value = Step> {
	let actor = 0..ACTORS.len();
	prop_oneof![
		(actor.clone(), 0u64..2_000).prop_map(|(a, x)| Step::Bond(a, x)),
		actor.clone().prop_map(Step::Validate),
		actor.clone().prop_map(Step::Chill),
		(actor.clone(), 0u64..1_500).prop_map(|(a, x)| Step::Unbond(a, x)),
		actor.clone().prop_map(Step::Withdraw),
		Just(Step::NewSession),
		Just(Step::NewSession),
		(actor, 0u32..=100).prop_map(|(a, p)| Step::Offence(a, p)),
	]
}

fn funds(who: AccountId) -> Balance {
	if who == POOR {
		POOR_FUNDS
	} else {
		FUNDS
	}
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]
	/// Money only leaves an account by its own slash: free + held + slashed equals its funds,
	/// so an account never reported keeps everything. Every elected validator is a candidate
	/// with keys and the minimum bond, and the set never exceeds `MaxAuthorities`.
	#[test]
	fn money_is_conserved_and_elections_respect_the_rules(steps in proptest::collection::vec(step(), 1..60)) {
		new_test_ext().execute_with(|| {
			let mut session = 0u32;
			let mut slashed: BTreeMap<AccountId, Balance> = BTreeMap::new();
			for step in steps {
				let origin = |i: usize| RuntimeOrigin::signed(ACTORS[i]);
				let _ = match step {
					Step::Bond(i, x) => Validators::bond(origin(i), x),
					Step::Validate(i) => Validators::validate(origin(i)),
					Step::Chill(i) => Validators::chill(origin(i)),
					Step::Unbond(i, x) => Validators::unbond(origin(i), x),
					Step::Withdraw(i) => Validators::withdraw_unbonded(origin(i)),
					Step::NewSession => {
						session += 1;
						Validators::start_session(session);
						if let Some(set) = Validators::new_session(session + 1) {
							prop_assert!(!set.is_empty() && set.len() <= MAX_AUTHORITIES as usize);
							for who in &set {
								prop_assert!(Candidates::<Test>::contains_key(who));
								prop_assert!(Ledgers::<Test>::get(who).unwrap().active >= MIN_BOND);
								prop_assert!(who != &KEYLESS);
							}
						}
						Ok(())
					},
					Step::Offence(i, percent) => {
						let who = ACTORS[i];
						let before = held(who);
						let details = [OffenceDetails { offender: (who, ()), reporters: vec![] }];
						Validators::on_offence(&details, &[Perbill::from_percent(percent)], session);
						*slashed.entry(who).or_default() += before - held(who);
						prop_assert!(!Candidates::<Test>::contains_key(who));
						Ok(())
					},
				};
				Validators::do_try_state().unwrap();
				for who in ACTORS {
					let lost = slashed.get(&who).copied().unwrap_or_default();
					prop_assert_eq!(Balances::free_balance(who) + held(who) + lost, funds(who));
				}
			}
			Ok(())
		})?;
	}
}
