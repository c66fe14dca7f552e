//! Audits and challenges: panels, verdict commit-reveal, tallies, slashing and penalties.

use super::*;

/// Runs to the block after an audit draw or committee formation of a result answered at `at`.
fn drawn(at: u64) {
	run_to(at + 1);
}

/// Runs into the reveal period of a panel drawn at `at + 1`.
fn reveal_period(at: u64) {
	run_to(at + 1 + COMMIT + 1);
}

/// Runs to the tally of a panel drawn at `at + 1`.
fn tallied(at: u64) {
	run_to(at + 1 + COMMIT + REVEAL + 1);
}

#[test]
fn an_honest_result_survives_its_audit_and_is_paid() {
	new_test_ext().execute_with(|| {
		always_audit();
		let (id, at) = answered(&honest_output());
		drawn(at);
		let auditor = panel(id)[0];
		assert!(VALIDATORS.contains(&auditor));
		assert_eq!(status(id), RequestStatus::UnderReview { challenge_until: at + WINDOW });
		assert_eq!(
			last_event(),
			Event::AuditAssigned {
				request_id: id,
				validator: auditor,
				commit_until: at + 1 + COMMIT,
				reveal_until: at + 1 + COMMIT + REVEAL
			}
		);
		assert_ok!(commit(id, auditor, true));
		assert_eq!(last_event(), Event::VerdictCommitted { request_id: id, validator: auditor });
		reveal_period(at);
		assert_ok!(reveal(id, auditor, true));
		assert_eq!(
			last_event(),
			Event::VerdictRevealed { request_id: id, validator: auditor, agrees: true }
		);
		let stakes: Vec<Balance> = VALIDATORS.iter().map(|v| stake_of(*v)).collect();
		tallied(at);
		assert_eq!(last_event(), Event::ResultUpheld { request_id: id, agree: 1, disagree: 0 });
		assert_eq!(status(id), RequestStatus::Answered { challenge_until: at + WINDOW });
		assert_eq!(crate::Stats::<Test>::get(NET, MINER).audits_passed, 1);
		assert_eq!(crate::Requests::<Test>::get(id).unwrap().audits_passed, 1);
		assert_eq!(VALIDATORS.iter().map(|v| stake_of(*v)).collect::<Vec<_>>(), stakes);
		check_invariants();
		run_to(at + WINDOW + 1);
		assert_eq!(status(id), RequestStatus::Final);
		check_invariants();
	});
}

#[test]
fn a_wrong_result_caught_by_audit_is_slashed_and_refunded() {
	new_test_ext().execute_with(|| {
		always_audit();
		let miner_stake = stake_of(MINER);
		let miner_balance = Balances::free_balance(MINER);
		let issuance = Balances::total_issuance();
		let (id, at) = answered(&wrong_output());
		drawn(at);
		let auditor = panel(id)[0];
		let auditor_balance = Balances::free_balance(auditor);
		assert_ok!(commit(id, auditor, false));
		reveal_period(at);
		assert_ok!(reveal(id, auditor, false));
		tallied(at);
		// A lone dissent rejects nothing: a committee of the other validators decides.
		assert_eq!(last_event(), Event::AuditDisputed { request_id: id, auditor });
		assert_eq!(status(id), RequestStatus::UnderReview { challenge_until: at + WINDOW });
		assert_eq!(stake_of(MINER), miner_stake);
		let escalated_at = System::block_number();
		run_to(escalated_at + 1);
		let mut members = panel(id);
		members.sort();
		let others: Vec<_> = VALIDATORS.into_iter().filter(|v| *v != auditor).collect();
		assert_eq!(members, others);
		for member in &members {
			assert_ok!(commit(id, *member, false));
		}
		run_to(escalated_at + 1 + COMMIT + 1);
		for member in &members {
			assert_ok!(reveal(id, *member, false));
		}
		run_to(escalated_at + 1 + COMMIT + REVEAL + 1);
		let intended = FEE * u64::from(MULTIPLE);
		assert_eq!(
			last_event(),
			Event::ResultSlashed {
				request_id: id,
				miner: MINER,
				slashed: intended,
				rewarded: intended / 2,
				refunded: FEE
			}
		);
		assert_eq!(status(id), RequestStatus::Rejected);
		assert_eq!(stake_of(MINER), miner_stake - intended);
		assert_eq!(Balances::free_balance(auditor), auditor_balance + intended / 2);
		assert_eq!(Balances::free_balance(DAPP), FUNDS);
		assert_eq!(Balances::total_issuance(), issuance - intended / 2);
		assert_eq!(crate::Stats::<Test>::get(NET, MINER).audits_failed, 1);
		check_invariants();
		// Never paid for it (the record stays until its retention ends).
		run_to(at + WINDOW + 1);
		assert_eq!(status(id), RequestStatus::Rejected);
		assert_eq!(Balances::free_balance(MINER), miner_balance - RESULT_DEPOSIT);
		check_invariants();
	});
}

#[test]
fn a_challenge_with_a_majority_against_the_miner_slashes_it() {
	new_test_ext().execute_with(|| {
		no_audits();
		let (id, at) = answered(&wrong_output());
		let challenger_balance = Balances::free_balance(CHALLENGER);
		assert_ok!(Inference::challenge(RuntimeOrigin::signed(CHALLENGER), id));
		assert_eq!(
			last_event(),
			Event::Challenged { request_id: id, challenger: CHALLENGER, bond: BOND }
		);
		assert_eq!(
			Balances::balance_on_hold(&crate::HoldReason::ChallengeBond.into(), &CHALLENGER),
			BOND
		);
		drawn(at);
		let mut members = panel(id);
		members.sort();
		assert_eq!(members, VALIDATORS[..3].to_vec());
		let members = panel(id);
		let stakes: Vec<Balance> = members.iter().map(|m| stake_of(*m)).collect();
		assert_ok!(commit(id, members[0], false));
		assert_ok!(commit(id, members[1], false));
		assert_ok!(commit(id, members[2], true));
		reveal_period(at);
		for (member, agrees) in members.iter().zip([false, false, true]) {
			assert_ok!(reveal(id, *member, agrees));
		}
		tallied(at);
		let intended = FEE * u64::from(MULTIPLE);
		assert!(events().contains(&Event::ResultSlashed {
			request_id: id,
			miner: MINER,
			slashed: intended,
			rewarded: intended / 2,
			refunded: FEE
		}));
		assert!(events().contains(&Event::VerdictPenalised {
			request_id: id,
			validator: members[2],
			amount: PENALTY
		}));
		assert_eq!(Balances::free_balance(CHALLENGER), challenger_balance + intended / 2);
		assert_eq!(stake_of(members[2]), stakes[2] - PENALTY);
		assert_eq!(stake_of(members[0]), stakes[0]);
		assert_eq!(Balances::free_balance(DAPP), FUNDS);
		check_invariants();
	});
}

#[test]
fn a_losing_challenger_forfeits_its_bond_to_the_miner() {
	new_test_ext().execute_with(|| {
		no_audits();
		let (id, at) = answered(&honest_output());
		let challenger_balance = Balances::free_balance(CHALLENGER);
		let miner_balance = Balances::free_balance(MINER);
		assert_ok!(Inference::challenge(RuntimeOrigin::signed(CHALLENGER), id));
		drawn(at);
		let members = panel(id);
		for (member, agrees) in members.iter().zip([true, true, false]) {
			assert_ok!(commit(id, *member, agrees));
		}
		reveal_period(at);
		for (member, agrees) in members.iter().zip([true, true, false]) {
			assert_ok!(reveal(id, *member, agrees));
		}
		let dissenter_stake = stake_of(members[2]);
		tallied(at);
		assert!(events().contains(&Event::ResultUpheld { request_id: id, agree: 2, disagree: 1 }));
		assert_eq!(stake_of(members[2]), dissenter_stake - PENALTY);
		assert_eq!(Balances::free_balance(CHALLENGER), challenger_balance - BOND);
		assert_eq!(Balances::free_balance(MINER), miner_balance + BOND);
		assert_eq!(crate::Stats::<Test>::get(NET, MINER).audits_passed, 1);
		check_invariants();
		run_to(at + WINDOW + 1);
		assert_eq!(status(id), RequestStatus::Final);
		check_invariants();
	});
}

#[test]
fn a_silent_panel_decides_nothing_and_is_penalised() {
	new_test_ext().execute_with(|| {
		no_audits();
		let (id, at) = answered(&wrong_output());
		let challenger_balance = Balances::free_balance(CHALLENGER);
		assert_ok!(Inference::challenge(RuntimeOrigin::signed(CHALLENGER), id));
		drawn(at);
		let members = panel(id);
		let stakes: Vec<Balance> = members.iter().map(|m| stake_of(*m)).collect();
		tallied(at);
		assert!(events().contains(&Event::ReviewInconclusive { request_id: id }));
		for (member, stake) in members.iter().zip(stakes) {
			assert_eq!(stake_of(*member), stake - PENALTY);
		}
		assert_eq!(Balances::free_balance(CHALLENGER), challenger_balance);
		assert_eq!(status(id), RequestStatus::Answered { challenge_until: at + WINDOW });
		check_invariants();
	});
}

#[test]
fn a_review_closing_after_the_window_finalizes_at_once() {
	new_test_ext().execute_with(|| {
		no_audits();
		let (id, at) = answered(&honest_output());
		run_to(at + WINDOW);
		assert_ok!(Inference::challenge(RuntimeOrigin::signed(CHALLENGER), id));
		let formed = at + WINDOW + 1;
		run_to(formed);
		let members = panel(id);
		for member in &members {
			assert_ok!(commit(id, *member, true));
		}
		run_to(formed + COMMIT + 1);
		for member in &members {
			assert_ok!(reveal(id, *member, true));
		}
		run_to(formed + COMMIT + REVEAL + 1);
		assert_eq!(status(id), RequestStatus::Final);
		assert!(
			matches!(last_event(), Event::ResultFinalized { request_id, .. } if request_id == id)
		);
		check_invariants();
	});
}

#[test]
fn a_challenge_without_eligible_validators_is_void() {
	new_test_ext().execute_with(|| {
		no_audits();
		let (id, at) = answered(&honest_output());
		// Only the challenger holds a permit.
		permit(NET, &[false, false, false, true, false]);
		let balance = Balances::free_balance(CHALLENGER);
		assert_ok!(Inference::challenge(RuntimeOrigin::signed(CHALLENGER), id));
		drawn(at);
		assert_eq!(last_event(), Event::ChallengeVoid { request_id: id });
		assert_eq!(Balances::free_balance(CHALLENGER), balance);
		assert_eq!(status(id), RequestStatus::Answered { challenge_until: at + WINDOW });
		check_invariants();
	});
}

#[test]
fn challenge_rejects_bad_calls_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		no_audits();
		let queued = submit();
		let challenge = |who, id| Inference::challenge(RuntimeOrigin::signed(who), id);
		assert_noop!(challenge(CHALLENGER, queued), Error::<Test>::NotChallengeable);
		let (id, _) = answered(&honest_output());
		let before = market_state();
		assert_noop!(challenge(CHALLENGER, 99), Error::<Test>::UnknownRequest);
		assert_noop!(challenge(MINER, id), Error::<Test>::OwnResult);
		assert_noop!(challenge(STRANGER, id), Error::<Test>::NotStaked);
		assert_noop!(Inference::challenge(RuntimeOrigin::root(), id), DispatchError::BadOrigin);
		assert_eq!(market_state(), before);
		pallet_balances::Pallet::<Test>::force_set_balance(
			RuntimeOrigin::root(),
			VALIDATORS[0],
			10,
		)
		.unwrap();
		let before = market_state();
		assert_noop!(challenge(VALIDATORS[0], id), Error::<Test>::InsufficientBalance);
		assert_eq!(market_state(), before);
		assert_ok!(challenge(CHALLENGER, id));
		assert_noop!(challenge(VALIDATORS[1], id), Error::<Test>::NotChallengeable);
		let (late, late_at) = answered(&honest_output());
		run_to(late_at + WINDOW + 1);
		assert_noop!(challenge(CHALLENGER, late), Error::<Test>::NotChallengeable);
	});
}

#[test]
fn the_window_closes_on_its_last_block() {
	new_test_ext().execute_with(|| {
		no_audits();
		let (id, at) = answered(&honest_output());
		// Past the window but before `Finalize` runs (an agenda shifted by load).
		crate::Agenda::<Test>::remove(at + WINDOW + 1);
		System::set_block_number(at + WINDOW + 1);
		assert_noop!(
			Inference::challenge(RuntimeOrigin::signed(CHALLENGER), id),
			Error::<Test>::ChallengeWindowClosed
		);
	});
}

#[test]
fn verdict_calls_reject_bad_calls_and_change_nothing() {
	new_test_ext().execute_with(|| {
		always_audit();
		let (id, at) = answered(&honest_output());
		assert_noop!(commit(id, VALIDATORS[0], true), Error::<Test>::NoReview);
		drawn(at);
		let auditor = panel(id)[0];
		let outsider = *VALIDATORS.iter().find(|v| **v != auditor).unwrap();
		let before = market_state();
		assert_noop!(commit(id, outsider, true), Error::<Test>::NotOnPanel);
		assert_noop!(reveal(id, auditor, true), Error::<Test>::RevealNotOpen);
		assert_noop!(
			Inference::commit_verdict(RuntimeOrigin::root(), id, H256::zero()),
			DispatchError::BadOrigin
		);
		assert_eq!(market_state(), before);
		assert_ok!(commit(id, auditor, true));
		assert_noop!(commit(id, auditor, true), Error::<Test>::AlreadyCommitted);
		run_to(at + 1 + COMMIT + 1);
		assert_noop!(commit(id, auditor, true), Error::<Test>::CommitPeriodOver);
		assert_noop!(reveal(id, outsider, true), Error::<Test>::NotOnPanel);
		assert_noop!(reveal(id, auditor, false), Error::<Test>::RevealDoesNotMatchCommit);
		let other_salt =
			Verdict { agrees: true, output_commitment: commitment(&honest_output()).0 };
		assert_noop!(
			Inference::reveal_verdict(RuntimeOrigin::signed(auditor), id, other_salt, [1; 32]),
			Error::<Test>::RevealDoesNotMatchCommit
		);
		assert_ok!(reveal(id, auditor, true));
		assert_noop!(reveal(id, auditor, true), Error::<Test>::AlreadyRevealed);
		System::set_block_number(at + 1 + COMMIT + REVEAL + 1);
		assert_noop!(reveal(id, auditor, true), Error::<Test>::RevealPeriodOver);
	});
}

#[test]
fn a_member_that_did_not_commit_cannot_reveal() {
	new_test_ext().execute_with(|| {
		always_audit();
		let (id, at) = answered(&honest_output());
		drawn(at);
		let auditor = panel(id)[0];
		reveal_period(at);
		assert_noop!(reveal(id, auditor, true), Error::<Test>::NoCommitment);
	});
}
