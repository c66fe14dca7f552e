//! Requests: submission, assignment, results, deadlines, finalization and pruning.

use super::*;
use inferchain_primitives::StakeExposure;

#[test]
fn a_request_holds_its_fee_and_is_assigned_next_block() {
	new_test_ext().execute_with(|| {
		let id = submit();
		assert_eq!(Balances::balance_on_hold(&crate::HoldReason::RequestFee.into(), &DAPP), FEE);
		assert_eq!(status(id), RequestStatus::Queued);
		assert_eq!(
			last_event(),
			Event::RequestSubmitted {
				request_id: id,
				requester: DAPP,
				netuid: NET,
				model_id: model(),
				fee: FEE
			}
		);
		run_to(2);
		// The only miner (validators hold permits and are never drawn).
		assert_eq!(
			status(id),
			RequestStatus::Assigned { miner: MINER, uid: 4, deadline: 2 + TIMEOUT }
		);
		assert_eq!(
			last_event(),
			Event::RequestAssigned {
				request_id: id,
				netuid: NET,
				miner: MINER,
				uid: 4,
				deadline: 2 + TIMEOUT
			}
		);
		check_invariants();
	});
}

#[test]
fn submit_request_rejects_bad_input_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		let before = market_state();
		let input = |bytes: &[u8]| BoundedVec::truncate_from(bytes.to_vec());
		let request = |who, netuid, bytes: &[u8], fee| {
			Inference::submit_request(RuntimeOrigin::signed(who), netuid, input(bytes), fee)
		};
		assert_noop!(request(DAPP, NetUid(9), b"hi", FEE), Error::<Test>::SubnetNotFound);
		assert_noop!(request(DAPP, NET, b"hi", FEE - 1), Error::<Test>::FeeAboveMax);
		assert_noop!(request(DAPP, NET, b"", FEE), Error::<Test>::InvalidInput);
		assert_noop!(request(DAPP, NET, &[0xc3, 0x28], FEE), Error::<Test>::InvalidInput);
		// Nothing but white space (no engine can embed it): refused, not left to time out.
		assert_noop!(request(DAPP, NET, b" \t\n", FEE), Error::<Test>::InvalidInput);
		assert_noop!(
			request(DAPP, NET, "\u{3000}\u{a0}".as_bytes(), FEE),
			Error::<Test>::InvalidInput
		);
		assert_noop!(request(POOR, NET, b"hi", FEE), Error::<Test>::InsufficientBalance);
		assert_noop!(
			Inference::submit_request(RuntimeOrigin::root(), NET, input(b"hi"), FEE),
			DispatchError::BadOrigin
		);
		assert_eq!(market_state(), before);
		// A subnet without a task, then with a task naming an unregistered model.
		Subnets::register_subnet(RuntimeOrigin::signed(ALICE), Balance::MAX).unwrap();
		assert_noop!(request(DAPP, NetUid(1), b"hi", FEE), Error::<Test>::ModelNotRegistered);
		let task = pallet_subnets::SubnetTask {
			kind: inferchain_inference::TaskKind::Embedding,
			model_id: H256([1; 32]),
		};
		Subnets::set_subnet_task(RuntimeOrigin::signed(ALICE), NetUid(1), task).unwrap();
		assert_noop!(request(DAPP, NetUid(1), b"hi", FEE), Error::<Test>::ModelNotRegistered);
	});
}

#[test]
fn a_full_agenda_makes_the_market_busy() {
	new_test_ext().execute_with(|| {
		// Fill the agenda of the next SCHEDULE_TRIES blocks.
		for block in 2..2 + u64::from(crate::agenda::SCHEDULE_TRIES) {
			crate::Agenda::<Test>::insert(
				block,
				BoundedVec::truncate_from(vec![crate::Action::Prune(u64::MAX); AGENDA as usize]),
			);
		}
		let before = market_state();
		let input = BoundedVec::truncate_from(b"hi".to_vec());
		assert_noop!(
			Inference::submit_request(RuntimeOrigin::signed(DAPP), NET, input, FEE),
			Error::<Test>::MarketBusy
		);
		assert_eq!(market_state(), before);
	});
}

#[test]
fn a_subnet_without_miners_refunds_the_request() {
	new_test_ext().execute_with(|| {
		let validator = pallet_subnets::NeuronRole::Validator;
		assert_ok!(Subnets::set_neuron_role(RuntimeOrigin::signed(DAVE), NET, MINER, validator));
		let id = submit();
		run_to(2);
		assert_eq!(status(id), RequestStatus::Expired);
		assert_eq!(last_event(), Event::RequestExpired { request_id: id, refunded: FEE });
		assert_eq!(Balances::free_balance(DAPP), FUNDS);
		check_invariants();
	});
}

#[test]
fn the_assigned_miner_answers_and_is_paid_after_the_window() {
	new_test_ext().execute_with(|| {
		no_audits();
		let miner_before = Balances::free_balance(MINER);
		let issuance = Balances::total_issuance();
		let (id, at) = answered(&honest_output());
		assert_eq!(status(id), RequestStatus::Answered { challenge_until: at + WINDOW });
		assert_eq!(
			last_event(),
			Event::ResultSubmitted {
				request_id: id,
				miner: MINER,
				output_commitment: commitment(&honest_output()),
				challenge_until: at + WINDOW
			}
		);
		let result = crate::Requests::<Test>::get(id).unwrap().result.unwrap();
		assert_eq!(result.output.to_vec(), encode_output(&honest_output()));
		// Its collateral backs the result since the assignment, until it settles.
		assert_eq!(Inference::exposed_stake(NET, &MINER), FEE * u64::from(MULTIPLE));
		// Counted the next block, with the audit draw.
		assert_eq!(crate::Stats::<Test>::get(NET, MINER).results, 0);
		run_to(at + 1);
		assert_eq!(crate::Stats::<Test>::get(NET, MINER).results, 1);
		run_to(at + WINDOW);
		assert_eq!(status(id), RequestStatus::Answered { challenge_until: at + WINDOW });
		run_to(at + WINDOW + 1);
		assert_eq!(status(id), RequestStatus::Final);
		let cut = FEE / 10;
		assert_eq!(
			last_event(),
			Event::ResultFinalized {
				request_id: id,
				miner: MINER,
				paid: FEE - cut,
				burned: cut,
				refunded: 0
			}
		);
		// Less the result's deposit, held until the record is pruned.
		assert_eq!(Balances::free_balance(MINER), miner_before + FEE - cut - RESULT_DEPOSIT);
		assert_eq!(Balances::free_balance(DAPP), FUNDS - FEE);
		assert_eq!(Balances::total_issuance(), issuance - cut);
		assert_eq!(crate::Stats::<Test>::get(NET, MINER).finalized, 1);
		assert_eq!(Inference::exposed_stake(NET, &MINER), 0);
		check_invariants();
		// Pruned after the retention period.
		run_to(at + WINDOW + 1 + RETENTION + 1);
		assert!(crate::Requests::<Test>::get(id).is_none());
		// ... and the result's deposit goes back to the miner.
		assert_eq!(last_event(), Event::RequestPruned { request_id: id, deposit_returned: 12 });
		assert_eq!(Balances::free_balance(MINER), miner_before + FEE - cut);
		check_invariants();
	});
}

#[test]
fn submit_result_rejects_bad_results_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		add_second_miner();
		let id = submit();
		run_to(2);
		let miner = assigned(id);
		let other = if miner == MINER { MINER_B } else { MINER };
		let before = market_state();
		let values = honest_output();
		assert_noop!(answer(id + 1, miner, &values), Error::<Test>::UnknownRequest);
		assert_noop!(answer(id, other, &values), Error::<Test>::NotAssignedMiner);
		assert_noop!(answer(id, STRANGER, &values), Error::<Test>::NotAssignedMiner);
		let raw = |bytes: Vec<u8>, commitment| {
			Inference::submit_result(
				RuntimeOrigin::signed(miner),
				id,
				BoundedVec::truncate_from(bytes),
				commitment,
			)
		};
		assert_noop!(raw(vec![], commitment(&values)), Error::<Test>::MalformedOutput);
		assert_noop!(raw(vec![1, 2, 3], commitment(&values)), Error::<Test>::MalformedOutput);
		assert_noop!(
			raw(encode_output(&values), commitment(&wrong_output())),
			Error::<Test>::CommitmentMismatch
		);
		assert_noop!(
			Inference::submit_result(RuntimeOrigin::root(), id, BoundedVec::new(), H256::zero()),
			DispatchError::BadOrigin
		);
		assert_eq!(market_state(), before);
		// Replays are refused, as are answers to requests not yet assigned.
		assert_ok!(answer(id, miner, &values));
		assert_noop!(answer(id, miner, &values), Error::<Test>::NotAwaitingResult);
		let queued = submit();
		assert_noop!(answer(queued, miner, &values), Error::<Test>::NotAwaitingResult);
	});
}

#[test]
fn a_late_result_is_refused() {
	new_test_ext().execute_with(|| {
		let id = submit();
		run_to(2);
		System::set_block_number(2 + TIMEOUT + 1);
		let before = market_state();
		assert_noop!(answer(id, MINER, &honest_output()), Error::<Test>::DeadlinePassed);
		assert_eq!(market_state(), before);
	});
}

#[test]
fn a_missed_deadline_penalises_and_reassigns_then_expires() {
	new_test_ext().execute_with(|| {
		add_second_miner();
		let id = submit();
		run_to(2);
		let first = assigned(id);
		let first_stake = stake_of(first);
		run_to(2 + TIMEOUT + 1);
		assert_eq!(stake_of(first), first_stake - TIMEOUT_PENALTY);
		assert_eq!(crate::Stats::<Test>::get(NET, first).timeouts, 1);
		assert!(events().contains(&Event::MinerTimedOut {
			request_id: id,
			miner: first,
			penalty: TIMEOUT_PENALTY
		}));
		// Reassigned to the other miner.
		let second = assigned(id);
		assert_ne!(second, first);
		check_invariants();
		// The second also misses: MaxAttempts (2) reached, the fee is refunded.
		run_to(2 + 2 * (TIMEOUT + 1));
		assert_eq!(status(id), RequestStatus::Expired);
		assert_eq!(last_event(), Event::RequestExpired { request_id: id, refunded: FEE });
		assert_eq!(Balances::free_balance(DAPP), FUNDS);
		check_invariants();
	});
}

#[test]
fn a_miners_stake_backs_a_request_from_assignment_until_it_settles() {
	new_test_ext().execute_with(|| {
		use inferchain_primitives::StakeExposure;
		add_second_miner();
		let id = submit();
		run_to(2);
		let first = assigned(id);
		assert_eq!(Inference::exposed_stake(NET, &first), FEE * u64::from(MULTIPLE));
		// Timed out: its penalty is burned and its collateral released at once.
		run_to(2 + TIMEOUT + 1);
		assert_eq!(Inference::exposed_stake(NET, &first), 0);
		let second = assigned(id);
		assert_eq!(Inference::exposed_stake(NET, &second), FEE * u64::from(MULTIPLE));
		run_to(2 + 2 * (TIMEOUT + 1));
		assert_eq!(status(id), RequestStatus::Expired);
		assert_eq!(Inference::exposed_stake(NET, &second), 0);
		check_invariants();
	});
}

#[test]
fn stake_backing_an_assignment_or_a_challengeable_result_cannot_be_withdrawn() {
	new_test_ext().execute_with(|| {
		no_audits();
		let (_, at) = answered(&honest_output());
		// Paying out 9,500 would leave 500 of stake behind a result whose slash is 1,000.
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(DAVE), MINER, NET, 9_500));
		// Unbonding (5 blocks) ends before the window (10 blocks).
		run_to(at + 6);
		assert_noop!(
			Stake::withdraw_unbonded(RuntimeOrigin::signed(DAVE), MINER, NET),
			pallet_stake::Error::<Test>::StakeBacksOpenResults
		);
		// The stake backs the result until it is final, the block after the window.
		run_to(at + WINDOW);
		assert_noop!(
			Stake::withdraw_unbonded(RuntimeOrigin::signed(DAVE), MINER, NET),
			pallet_stake::Error::<Test>::StakeBacksOpenResults
		);
		run_to(at + WINDOW + 1);
		assert_eq!(status(1 - 1), RequestStatus::Final);
		assert_ok!(Stake::withdraw_unbonded(RuntimeOrigin::signed(DAVE), MINER, NET));
		check_invariants();
	});
}
