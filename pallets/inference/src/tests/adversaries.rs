//! Attacks on verification, each by a participant acting in its own interest: a validator
//! lying about audits, a miner answering NaN or moving its stake away from a slash, a coldkey
//! seating its own hotkeys on the panel that judges it, a UID holder using a permit it has no
//! stake behind, an owner lowering the audit rate after dApps paid. Each must fail.

use super::*;

/// Runs to the block after `at`, then has `members` commit `agrees`, reveal it, and the tally
/// run; returns the block of the tally.
fn panel_votes(id: RequestId, members: &[(AccountId, bool)]) -> u64 {
	let drawn = System::block_number();
	for (member, agrees) in members {
		assert_ok!(commit(id, *member, *agrees));
	}
	run_to(drawn + COMMIT + 1);
	for (member, agrees) in members {
		assert_ok!(reveal(id, *member, *agrees));
	}
	run_to(drawn + COMMIT + REVEAL + 1);
	System::block_number()
}

/// An audited result whose auditor revealed `agrees`; returns the id, the auditor and the
/// block of the answer. The tally has run.
fn audited(values: &[f32], agrees: bool) -> (RequestId, AccountId, u64) {
	always_audit();
	let (id, at) = answered(values);
	run_to(at + 1);
	let auditor = panel(id)[0];
	panel_votes(id, &[(auditor, agrees)]);
	(id, auditor, at)
}

#[test]
fn a_lone_lying_auditor_cannot_slash_an_honest_miner_and_pays_for_trying() {
	new_test_ext().execute_with(|| {
		let miner_stake = stake_of(MINER);
		let miner_balance = Balances::free_balance(MINER);
		let (id, liar, at) = audited(&honest_output(), false);
		assert_eq!(last_event(), Event::AuditDisputed { request_id: id, auditor: liar });
		assert_eq!(stake_of(MINER), miner_stake);
		let liar_stake = stake_of(liar);
		run_to(System::block_number() + 1);
		let members = panel(id);
		assert!(!members.contains(&liar) && members.len() == 3, "{members:?}");
		let votes: Vec<_> = members.iter().map(|m| (*m, true)).collect();
		panel_votes(id, &votes);
		assert!(events().contains(&Event::ResultUpheld { request_id: id, agree: 3, disagree: 0 }));
		assert!(events().contains(&Event::DissentOverruled {
			request_id: id,
			auditor: liar,
			paid: BOND
		}));
		assert_eq!(stake_of(liar), liar_stake - BOND);
		assert_eq!(stake_of(MINER), miner_stake);
		check_invariants();
		// The committee closed after the window: final at once.
		run_to(at + WINDOW + 6);
		assert_eq!(status(id), RequestStatus::Final);
		let paid = FEE - FEE / 10;
		assert_eq!(Balances::free_balance(MINER), miner_balance + BOND + paid - RESULT_DEPOSIT);
		assert_eq!(crate::Requests::<Test>::get(id).unwrap().audits_passed, 1);
		check_invariants();
	});
}

#[test]
fn a_committee_liar_is_outvoted_and_penalised() {
	new_test_ext().execute_with(|| {
		no_audits();
		let (id, at) = answered(&honest_output());
		assert_ok!(Inference::challenge(RuntimeOrigin::signed(CHALLENGER), id));
		run_to(at + 1);
		let members = panel(id);
		let stakes: Vec<Balance> = members.iter().map(|m| stake_of(*m)).collect();
		let votes = [(members[0], true), (members[1], true), (members[2], false)];
		panel_votes(id, &votes);
		assert!(events().contains(&Event::ResultUpheld { request_id: id, agree: 2, disagree: 1 }));
		assert_eq!(stake_of(members[0]), stakes[0]);
		assert_eq!(stake_of(members[2]), stakes[2] - PENALTY);
		check_invariants();
	});
}

#[test]
fn a_split_committee_decides_nothing_and_penalises_only_the_silent() {
	new_test_ext().execute_with(|| {
		no_audits();
		let (id, at) = answered(&wrong_output());
		let challenger_balance = Balances::free_balance(CHALLENGER);
		let miner_stake = stake_of(MINER);
		assert_ok!(Inference::challenge(RuntimeOrigin::signed(CHALLENGER), id));
		run_to(at + 1);
		let members = panel(id);
		let stakes: Vec<Balance> = members.iter().map(|m| stake_of(*m)).collect();
		// One each way and one silent: ⅔ of the stake revealed, neither side has ⅔ of it.
		panel_votes(id, &[(members[0], true), (members[1], false)]);
		assert!(events().contains(&Event::ReviewInconclusive { request_id: id }));
		assert_eq!(stake_of(members[0]), stakes[0]);
		assert_eq!(stake_of(members[1]), stakes[1]);
		assert_eq!(stake_of(members[2]), stakes[2] - PENALTY);
		assert_eq!(stake_of(MINER), miner_stake);
		assert_eq!(Balances::free_balance(CHALLENGER), challenger_balance);
		assert_eq!(status(id), RequestStatus::Answered { challenge_until: at + WINDOW });
		check_invariants();
	});
}

#[test]
fn too_little_revealed_stake_decides_nothing() {
	new_test_ext().execute_with(|| {
		no_audits();
		let (id, at) = answered(&honest_output());
		let miner_stake = stake_of(MINER);
		assert_ok!(Inference::challenge(RuntimeOrigin::signed(CHALLENGER), id));
		run_to(at + 1);
		let members = panel(id);
		// A single "disagree" from a third of the stake: below the quorum.
		panel_votes(id, &[(members[0], false)]);
		assert!(events().contains(&Event::ReviewInconclusive { request_id: id }));
		assert_eq!(stake_of(MINER), miner_stake);
		check_invariants();
	});
}

#[test]
fn a_coldkey_cannot_seat_its_other_hotkeys_on_its_own_panels() {
	new_test_ext().execute_with(|| {
		// DAVE owns the miner and a second, permitted and well-staked validator hotkey.
		const SIBLING: AccountId = 202;
		register_validator(DAVE, NET, SIBLING);
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(DAVE), SIBLING, NET, 100_000));
		set_permits(NET, 6, 6);
		let uid = pallet_subnets::Uids::<Test>::get(NET, SIBLING).unwrap();
		let mut permits = pallet_emission::Permits::<Test>::get(NET).to_vec();
		permits[4] = false;
		permits[usize::from(uid)] = true;
		permit(NET, &permits);
		always_audit();
		for _ in 0..20 {
			let (id, at) = answered(&wrong_output());
			run_to(at + 1);
			assert!(!panel(id).contains(&SIBLING));
			run_to(at + 2 * WINDOW);
		}
		// Challenged by a validator, the committee skips the miner's and the challenger's
		// coldkeys alike.
		no_audits();
		let (id, at) = answered(&wrong_output());
		assert_ok!(Inference::challenge(RuntimeOrigin::signed(CHALLENGER), id));
		run_to(at + 1);
		let mut members = panel(id);
		members.sort();
		assert_eq!(members, VALIDATORS[..3].to_vec());
		check_invariants();
	});
}

#[test]
fn a_permit_without_stake_behind_it_never_seats_a_panel() {
	new_test_ext().execute_with(|| {
		// UID 5 inherits a permit but holds less than MIN_VALIDATOR_STAKE.
		const HEIR: AccountId = 104;
		assert_ok!(Subnets::register_neuron(RuntimeOrigin::signed(ALICE), NET, HEIR, Balance::MAX));
		let validator = pallet_subnets::NeuronRole::Validator;
		assert_ok!(Subnets::set_neuron_role(RuntimeOrigin::signed(ALICE), NET, HEIR, validator));
		assert_ok!(Stake::add_stake(
			RuntimeOrigin::signed(ALICE),
			HEIR,
			NET,
			MIN_VALIDATOR_STAKE - 1
		));
		let mut permits = pallet_emission::Permits::<Test>::get(NET).to_vec();
		permits.resize(6, true);
		permit(NET, &permits);
		always_audit();
		for _ in 0..20 {
			let (id, at) = answered(&honest_output());
			run_to(at + 1);
			assert!(!panel(id).contains(&HEIR));
			run_to(at + 2 * WINDOW);
		}
	});
}

#[test]
fn non_finite_outputs_are_refused_and_change_nothing() {
	new_test_ext().execute_with(|| {
		let id = submit();
		run_to(2);
		let miner = assigned(id);
		for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
			let values = [0.25, bad, 0.125];
			let before = market_state();
			assert_noop!(answer(id, miner, &values), Error::<Test>::NonFiniteOutput);
			assert_eq!(market_state(), before);
		}
		assert_ok!(answer(id, miner, &honest_output()));
	});
}

/// A miner answering fewer or more values than the model declares (a truncated vector is
/// cheaper to compute, and no reviewer can compare it with the honest one): refused.
#[test]
fn results_of_another_shape_are_refused_and_change_nothing() {
	new_test_ext().execute_with(|| {
		let id = submit();
		run_to(2);
		let miner = assigned(id);
		for values in [vec![0.25, -0.5], vec![0.25, -0.5, 0.125, 0.0], vec![0.0; 1_000]] {
			let before = market_state();
			assert_noop!(answer(id, miner, &values), Error::<Test>::WrongOutputShape);
			assert_eq!(market_state(), before);
		}
		assert_ok!(answer(id, miner, &honest_output()));
	});
}

/// Until text requests are served on chain, a request to a text model's subnet would be
/// assigned to miners that cannot answer it and cost them timeouts: refused at submission.
#[test]
fn a_text_models_subnet_takes_no_on_chain_requests() {
	new_test_ext().execute_with(|| {
		let text = ModelMetadata {
			kind: TaskKind::TextGeneration,
			output_dim: 49_152,
			profile: inferchain_inference::RuntimeProfile::text_cpu(
				inferchain_inference::TextRule::CPU_F32,
			),
			..metadata()
		};
		let text_id = DIGESTS.model_id(&text.profile, &text.output());
		assert_ok!(Inference::register_model(RuntimeOrigin::signed(DAVE), DIGESTS, text));
		let task =
			pallet_subnets::SubnetTask { kind: TaskKind::TextGeneration, model_id: H256(text_id) };
		assert_ok!(Subnets::set_subnet_task(RuntimeOrigin::signed(ALICE), NET, task));
		let before = market_state();
		assert_noop!(
			Inference::submit_request(
				RuntimeOrigin::signed(DAPP),
				NET,
				b"write a poem".to_vec().try_into().unwrap(),
				FEE
			),
			Error::<Test>::WrongTaskKind
		);
		assert_eq!(market_state(), before);
	});
}

#[test]
fn stake_cannot_move_away_from_work_it_backs() {
	new_test_ext().execute_with(|| {
		always_audit();
		let (id, at) = answered(&wrong_output());
		run_to(at + 1);
		assert!(matches!(last_event(), Event::AuditAssigned { .. }));
		let stake = stake_of(MINER);
		assert_noop!(
			Stake::move_stake(RuntimeOrigin::signed(DAVE), MINER, NET, VALIDATORS[0], NET, stake),
			pallet_stake::Error::<Test>::StakeBacksOpenResults
		);
		// Unbonding is allowed, but unbonding stake stays slashable and cannot be withdrawn.
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(DAVE), MINER, NET, stake));
		let auditor = panel(id)[0];
		panel_votes(id, &[(auditor, false)]);
		run_to(System::block_number() + 1);
		let votes: Vec<_> = panel(id).into_iter().map(|m| (m, false)).collect();
		panel_votes(id, &votes);
		let intended = FEE * u64::from(MULTIPLE);
		assert!(events().iter().any(|e| matches!(
			e,
			Event::ResultSlashed { slashed, .. } if *slashed == intended
		)));
		check_invariants();
	});
}

#[test]
fn a_request_keeps_the_audit_rate_it_was_submitted_under() {
	new_test_ext().execute_with(|| {
		always_audit();
		let id = submit();
		// The owner lowers the rate once the dApp has paid.
		no_audits();
		run_to(2);
		let request = crate::Requests::<Test>::get(id).unwrap();
		assert_eq!(request.audit_probability, Perbill::one());
		assert_ok!(answer(id, assigned(id), &wrong_output()));
		run_to(3);
		assert!(
			matches!(last_event(), Event::AuditAssigned { request_id, .. } if request_id == id)
		);
	});
}

#[test]
fn owners_cannot_set_an_audit_rate_below_the_floor() {
	new_test_ext().execute_with(|| {
		MinAudit::set(&Perbill::from_percent(5));
		for (known, new) in [(4, 50), (50, 4)] {
			let params = MarketParams {
				request_fee: FEE,
				audit_probability: Perbill::from_percent(known),
				new_miner_audit_probability: Perbill::from_percent(new),
				..Market::get()
			};
			let before = market_state();
			assert_noop!(
				Inference::set_market_params(RuntimeOrigin::signed(ALICE), NET, params),
				Error::<Test>::InvalidMarketParams
			);
			assert_eq!(market_state(), before);
		}
		// Markets set before a higher floor still give requests at least the floor.
		let id = submit();
		assert_eq!(
			crate::Requests::<Test>::get(id).unwrap().audit_probability,
			Perbill::from_percent(10)
		);
		MinAudit::set(&Perbill::from_percent(20));
		let id = submit();
		let request = crate::Requests::<Test>::get(id).unwrap();
		assert_eq!(request.audit_probability, Perbill::from_percent(20));
		assert_eq!(request.new_miner_audit_probability, Perbill::from_percent(50));
	});
}

#[test]
fn a_staked_miner_keeps_mining_and_never_sits_on_a_panel() {
	new_test_ext().execute_with(|| {
		// The miner holds the most stake: its role is still "miner" (the epoch gives permits
		// to validators only), so it is assigned requests and never drawn to review.
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(DAVE), MINER, NET, 100_000));
		assert_eq!(
			<Stake as inferchain_primitives::StakeInfo<AccountId, Balance>>::validator_permits(NET),
			vec![true, true, true, true, false]
		);
		always_audit();
		for _ in 0..10 {
			let (id, at) = answered(&honest_output());
			run_to(at + 1);
			assert!(!panel(id).contains(&MINER));
			run_to(at + 2 * WINDOW);
		}
		// A validator that switches to mining leaves the panels at once, but keeps its permit
		// (and mines nothing) until the next epoch: never both at once.
		assert_ok!(Subnets::set_neuron_role(
			RuntimeOrigin::signed(VALIDATOR_COLDKEYS[0]),
			NET,
			VALIDATORS[0],
			pallet_subnets::NeuronRole::Miner
		));
		for _ in 0..5 {
			let (id, at) = answered(&honest_output());
			assert_eq!(crate::Requests::<Test>::get(id).unwrap().result.unwrap().miner, MINER);
			run_to(at + 1);
			assert!(!panel(id).contains(&VALIDATORS[0]));
			run_to(at + 2 * WINDOW);
		}
		// The next epoch's permits: it mines.
		permit(NET, &[false, true, true, true, false]);
		let mut assigned_to_it = false;
		for _ in 0..20 {
			let (id, at) = answered(&honest_output());
			assigned_to_it |=
				crate::Requests::<Test>::get(id).unwrap().result.unwrap().miner == VALIDATORS[0];
			run_to(at + 1);
			assert!(!panel(id).contains(&VALIDATORS[0]));
			run_to(at + 2 * WINDOW);
		}
		assert!(assigned_to_it);
		check_invariants();
	});
}

#[test]
fn a_panel_members_stake_is_held_until_the_tally_and_then_released() {
	new_test_ext().execute_with(|| {
		no_audits();
		let (id, at) = answered(&honest_output());
		assert_ok!(Inference::challenge(RuntimeOrigin::signed(CHALLENGER), id));
		run_to(at + 1);
		let member = panel(id)[0];
		let coldkey = VALIDATOR_COLDKEYS[VALIDATORS.iter().position(|v| *v == member).unwrap()];
		let move_stake = |amount| {
			Stake::move_stake(RuntimeOrigin::signed(coldkey), member, NET, MINER, NET, amount)
		};
		// What its verdict could cost (the penalty) stays; the rest is free during the review.
		assert_noop!(move_stake(STAKE), pallet_stake::Error::<Test>::StakeBacksOpenResults);
		assert_noop!(
			move_stake(STAKE - PENALTY + 1),
			pallet_stake::Error::<Test>::StakeBacksOpenResults
		);
		assert_eq!(crate::ReviewLiability::<Test>::get(NET, member), PENALTY);
		let votes: Vec<_> = panel(id).into_iter().map(|m| (m, true)).collect();
		panel_votes(id, &votes);
		assert!(!crate::ReviewLiability::<Test>::contains_key(NET, member));
		assert_ok!(move_stake(STAKE));
		check_invariants();
	});
}

/// A griefer challenges its own miner's honest results again and again (its bond comes back to
/// its own miner when upheld) to keep every validator's stake locked under open reviews: each
/// review holds only what a member's verdict could cost it (`VerdictPenalty`), so validators
/// move the rest of their stake whenever they like.
#[test]
fn repeated_challenges_cannot_lock_a_validators_stake_beyond_its_penalties() {
	new_test_ext().execute_with(|| {
		no_audits();
		let mut ids = Vec::new();
		for _ in 0..3 {
			let (id, _) = answered(&honest_output());
			assert_ok!(Inference::challenge(RuntimeOrigin::signed(CHALLENGER), id));
			ids.push(id);
		}
		run_to(System::block_number() + 1);
		let member = panel(ids[0])[0];
		let sits = ids.iter().filter(|id| panel(**id).contains(&member)).count() as u64;
		assert!(sits >= 1);
		assert_eq!(crate::ReviewLiability::<Test>::get(NET, member), sits * PENALTY);
		let index = VALIDATORS.iter().position(|v| *v == member).unwrap();
		let coldkey = VALIDATOR_COLDKEYS[index];
		let move_stake = |amount| {
			Stake::move_stake(RuntimeOrigin::signed(coldkey), member, NET, MINER, NET, amount)
		};
		assert_noop!(
			move_stake(STAKE - sits * PENALTY + 1),
			pallet_stake::Error::<Test>::StakeBacksOpenResults
		);
		// All but the pallet's minimum position (100, more than the penalties held) moves.
		assert_ok!(move_stake(STAKE - 100));
		assert_eq!(stake_of(member), 100);
		check_invariants();
	});
}

/// An auditor that means to dissent falsely moves its stake away before the escalation, so an
/// overruled dissent has nothing to pay the miner with: an audit seat holds the bond from the
/// start.
#[test]
fn an_auditor_cannot_move_the_bond_of_its_dissent_away() {
	new_test_ext().execute_with(|| {
		always_audit();
		let (id, at) = answered(&honest_output());
		run_to(at + 1);
		let auditor = panel(id)[0];
		let coldkey = VALIDATOR_COLDKEYS[VALIDATORS.iter().position(|v| *v == auditor).unwrap()];
		let move_stake = |amount| {
			Stake::move_stake(RuntimeOrigin::signed(coldkey), auditor, NET, MINER, NET, amount)
		};
		assert_eq!(crate::ReviewLiability::<Test>::get(NET, auditor), PENALTY + BOND);
		assert_noop!(
			move_stake(STAKE - PENALTY - BOND + 1),
			pallet_stake::Error::<Test>::StakeBacksOpenResults
		);
		assert_ok!(move_stake(STAKE - PENALTY - BOND));
		check_invariants();
	});
}

/// A subnet owner switches the task to another model: the miners and validators still running
/// the old one declared it, so the new model's requests are never assigned to them (nor their
/// reviews seated by them) and nobody is fined for requests it cannot serve; a neuron that
/// declares the new model gets them.
#[test]
fn an_owner_switching_models_never_fines_neurons_running_the_old_one() {
	new_test_ext().execute_with(|| {
		no_audits();
		assert_ok!(Inference::declare_model(RuntimeOrigin::signed(MINER), NET, model()));
		let new = ModelMetadata { output_dim: 4, ..metadata() };
		let new_id = DIGESTS.model_id(&new.profile, &new.output());
		assert_ok!(Inference::register_model(RuntimeOrigin::signed(DAVE), DIGESTS, new));
		let task = pallet_subnets::SubnetTask { kind: TaskKind::Embedding, model_id: H256(new_id) };
		assert_ok!(Subnets::set_subnet_task(RuntimeOrigin::signed(ALICE), NET, task));
		let stake = stake_of(MINER);
		let id = submit();
		run_to(System::block_number() + 1);
		assert_eq!(status(id), RequestStatus::Expired);
		assert!(!events().iter().any(|e| matches!(e, Event::MinerTimedOut { .. })));
		assert_eq!(stake_of(MINER), stake);
		// Declared the new model: assigned.
		assert_ok!(Inference::declare_model(RuntimeOrigin::signed(MINER), NET, new_id));
		let id = submit();
		run_to(System::block_number() + 1);
		assert_eq!(assigned(id), MINER);
		check_invariants();
	});
}

/// Validators that declared another model are never seated on a review of this one.
#[test]
fn validators_running_another_model_never_sit_on_its_reviews() {
	new_test_ext().execute_with(|| {
		always_audit();
		let other = ModelMetadata { output_dim: 4, ..metadata() };
		let other_id = DIGESTS.model_id(&other.profile, &other.output());
		assert_ok!(Inference::register_model(RuntimeOrigin::signed(DAVE), DIGESTS, other));
		for validator in &VALIDATORS[1..] {
			assert_ok!(Inference::declare_model(RuntimeOrigin::signed(*validator), NET, other_id));
		}
		let (id, at) = answered(&honest_output());
		run_to(at + 1);
		assert_eq!(panel(id), vec![VALIDATORS[0]]);
		check_invariants();
	});
}

#[test]
fn declare_model_rejects_strangers_and_unknown_models_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		let before = market_state();
		let declare = |who, netuid, model_id| {
			Inference::declare_model(RuntimeOrigin::signed(who), netuid, model_id)
		};
		assert_noop!(declare(MINER, NetUid(9), model()), Error::<Test>::SubnetNotFound);
		assert_noop!(declare(STRANGER, NET, model()), Error::<Test>::NotANeuron);
		assert_noop!(declare(MINER, NET, [0xee; 32]), Error::<Test>::UnknownModel);
		assert_eq!(market_state(), before);
		assert!(crate::ServedModels::<Test>::get(NET, MINER).is_none());
	});
}

/// The owner (with the cheating miner) dissolves the subnet the moment an auditor dissents, so
/// that no committee can be drawn and the wrong result is paid: refused while the request is
/// open, so the committee is drawn and rejects the result.
#[test]
fn an_owner_cannot_dissolve_a_subnet_to_void_an_escalation() {
	new_test_ext().execute_with(|| {
		let miner_stake = stake_of(MINER);
		let (id, auditor, _) = audited(&wrong_output(), false);
		assert_eq!(last_event(), Event::AuditDisputed { request_id: id, auditor });
		for origin in [RuntimeOrigin::signed(ALICE), RuntimeOrigin::root()] {
			assert_noop!(
				Subnets::dissolve_subnet(origin, NET),
				pallet_subnets::Error::<Test>::SubnetHasOpenRequests
			);
		}
		// Nor can it starve the committee by removing the subnet's validators.
		for uid in 0..4 {
			assert_noop!(
				Subnets::deregister_neuron(RuntimeOrigin::signed(ALICE), NET, uid),
				pallet_subnets::Error::<Test>::ValidatorNeededForReviews
			);
		}
		run_to(System::block_number() + 1);
		let members = panel(id);
		assert!(!members.is_empty());
		let votes: Vec<_> = members.iter().map(|m| (*m, false)).collect();
		panel_votes(id, &votes);
		assert_eq!(status(id), RequestStatus::Rejected);
		assert_eq!(stake_of(MINER), miner_stake - FEE * u64::from(MULTIPLE));
		assert_eq!(crate::OpenRequests::<Test>::get(NET), 0);
		check_invariants();
		// Settled: now the owner may dissolve.
		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), NET));
	});
}

/// A subnet's open requests are counted from submission to settlement, whichever way it ends
/// (final, rejected or expired), and an owner drains a busy subnet by pointing its task at an
/// unregistered model: new requests are refused, open ones settle, then it dissolves.
#[test]
fn open_requests_are_counted_until_settled_and_a_closed_market_drains() {
	new_test_ext().execute_with(|| {
		no_audits();
		let id = submit();
		assert_eq!(crate::OpenRequests::<Test>::get(NET), 1);
		run_to(System::block_number() + 1);
		let miner = assigned(id);
		let nowhere = pallet_subnets::SubnetTask {
			kind: inferchain_inference::TaskKind::Embedding,
			model_id: H256::repeat_byte(0xee),
		};
		assert_ok!(Subnets::set_subnet_task(RuntimeOrigin::signed(ALICE), NET, nowhere));
		assert_noop!(
			Inference::submit_request(
				RuntimeOrigin::signed(DAPP),
				NET,
				b"one more".to_vec().try_into().unwrap(),
				FEE
			),
			Error::<Test>::ModelNotRegistered
		);
		assert_noop!(
			Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), NET),
			pallet_subnets::Error::<Test>::SubnetHasOpenRequests
		);
		assert_ok!(answer(id, miner, &honest_output()));
		run_to(System::block_number() + WINDOW + 2);
		assert_eq!(status(id), RequestStatus::Final);
		assert_eq!(crate::OpenRequests::<Test>::get(NET), 0);
		check_invariants();
		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), NET));
	});
}
