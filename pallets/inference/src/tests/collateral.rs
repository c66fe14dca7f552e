//! Miners need collateral: a miner is drawn only while its bonded stake covers the collateral
//! of every request it has open plus the new one, so no slash falls short and stakeless UIDs
//! (Sybils) take no work.

use super::*;

/// Collateral of one request at the default fee.
const COLLATERAL: Balance = FEE * MULTIPLE as Balance;

#[test]
fn a_miner_without_stake_is_never_assigned() {
	new_test_ext().execute_with(|| {
		// Zero-stake UIDs beside the staked miner.
		for hotkey in [210, 211, 212] {
			assert_ok!(Subnets::register_neuron(
				RuntimeOrigin::signed(DAVE),
				NET,
				hotkey,
				Balance::MAX
			));
		}
		no_audits();
		// As many open requests as the miner's stake covers.
		let cover = STAKE / COLLATERAL;
		for _ in 0..cover {
			let id = submit();
			run_to(System::block_number() + 1);
			assert_eq!(assigned(id), MINER);
			assert_ok!(answer(id, MINER, &honest_output()));
		}
		assert_eq!(crate::Liability::<Test>::get(NET, MINER), cover * COLLATERAL);
		check_invariants();
	});
}

#[test]
fn a_subnet_of_stakeless_miners_expires_requests_and_refunds_them() {
	new_test_ext().execute_with(|| {
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(DAVE), MINER, NET, STAKE));
		assert_ok!(Subnets::register_neuron(RuntimeOrigin::signed(DAVE), NET, 210, Balance::MAX));
		let id = submit();
		run_to(2);
		assert_eq!(status(id), RequestStatus::Expired);
		assert_eq!(last_event(), Event::RequestExpired { request_id: id, refunded: FEE });
		assert_eq!(Balances::free_balance(DAPP), FUNDS);
		check_invariants();
	});
}

#[test]
fn open_work_is_capped_by_the_miners_stake() {
	new_test_ext().execute_with(|| {
		// STAKE covers exactly STAKE / COLLATERAL open requests.
		let cover = STAKE / COLLATERAL;
		let ids: Vec<RequestId> = (0..cover + 2).map(|_| submit()).collect();
		run_to(2);
		for id in &ids[..cover as usize] {
			assert_eq!(assigned(*id), MINER);
		}
		for id in &ids[cover as usize..] {
			assert_eq!(status(*id), RequestStatus::Expired);
		}
		assert_eq!(crate::Liability::<Test>::get(NET, MINER), cover * COLLATERAL);
		check_invariants();
		// Settled work frees the collateral: the miner takes requests again.
		no_audits();
		for id in &ids[..cover as usize] {
			assert_ok!(answer(*id, MINER, &honest_output()));
		}
		run_to(2 + WINDOW + 1);
		assert!(!crate::Liability::<Test>::contains_key(NET, MINER));
		let id = submit();
		run_to(System::block_number() + 1);
		assert_eq!(assigned(id), MINER);
		check_invariants();
	});
}

#[test]
fn a_slash_is_paid_in_full_from_the_collateral() {
	new_test_ext().execute_with(|| {
		// The miner's stake covers exactly one request.
		assert_ok!(Stake::remove_stake(
			RuntimeOrigin::signed(DAVE),
			MINER,
			NET,
			STAKE - COLLATERAL
		));
		run_to(10);
		assert_ok!(Stake::withdraw_unbonded(RuntimeOrigin::signed(DAVE), MINER, NET));
		no_audits();
		let (id, at) = answered(&wrong_output());
		// A second request finds no miner with collateral left.
		let second = submit();
		run_to(at + 1);
		assert_eq!(status(second), RequestStatus::Expired);
		assert_ok!(Inference::challenge(RuntimeOrigin::signed(CHALLENGER), id));
		run_to(at + 2);
		let votes: Vec<_> = panel(id).into_iter().collect();
		for member in &votes {
			assert_ok!(commit(id, *member, false));
		}
		run_to(at + 2 + COMMIT + 1);
		for member in &votes {
			assert_ok!(reveal(id, *member, false));
		}
		run_to(at + 2 + COMMIT + REVEAL + 1);
		assert!(events().iter().any(|e| matches!(
			e,
			Event::ResultSlashed { slashed, .. } if *slashed == COLLATERAL
		)));
		assert_eq!(stake_of(MINER), 0);
		check_invariants();
	});
}

#[test]
fn a_timeout_releases_the_collateral() {
	new_test_ext().execute_with(|| {
		let id = submit();
		run_to(2);
		assert_eq!(crate::Liability::<Test>::get(NET, MINER), COLLATERAL);
		run_to(2 + TIMEOUT + 1);
		assert!(events().iter().any(|e| matches!(e, Event::MinerTimedOut { .. })));
		// Reassigned to the same (only) miner: one request's collateral again.
		assert_eq!(assigned(id), MINER);
		assert_eq!(crate::Liability::<Test>::get(NET, MINER), COLLATERAL);
		check_invariants();
	});
}
