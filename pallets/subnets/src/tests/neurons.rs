//! Registering, replacing and deregistering neurons.

use super::*;
use crate::{Burns, HotkeyOwner, Keys, NeuronRole, UidSlots, Uids};
use inferchain_primitives::SubnetRegistry;

/// State a rejected registration must leave alone.
fn neuron_state(netuid: NetUid) -> impl PartialEq + core::fmt::Debug {
	(
		UidSlots::<Test>::get(netuid),
		Keys::<Test>::iter_prefix(netuid).collect::<Vec<_>>(),
		Burns::<Test>::get(netuid),
		Balances::total_issuance(),
	)
}

#[test]
fn register_neuron_burns_and_assigns_uids_in_order() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		let issuance = Balances::total_issuance();
		assert_eq!(register_neuron(BOB, netuid, 100), 0);
		assert_eq!(
			last_event(),
			Event::NeuronRegistered { netuid, uid: 0, hotkey: 100, coldkey: BOB, burned: 10 }
				.into()
		);
		assert_eq!(register_neuron(BOB, netuid, 101), 1);
		assert_eq!(Balances::free_balance(BOB), FUNDS - 20);
		assert_eq!(Balances::total_issuance(), issuance - 20);
		assert_eq!(Keys::<Test>::get(netuid, 1), Some(101));
		assert_eq!(Uids::<Test>::get(netuid, 101), Some(1));
		assert_eq!(HotkeyOwner::<Test>::get(101), Some(BOB));
		let slot = &UidSlots::<Test>::get(netuid)[1];
		assert!(slot.occupied && !slot.owner_neuron);
		assert_eq!(slot.registered_at, 1);
		assert_eq!(Burns::<Test>::get(netuid).unwrap().registrations, 2);
		Subnets::do_try_state().unwrap();
		assert_issuance_is_accounted();
	});
}

#[test]
fn a_hotkey_may_hold_one_uid_on_each_of_several_subnets() {
	new_test_ext().execute_with(|| {
		let first = register(ALICE);
		let second = register(ALICE);
		assert_eq!(register_neuron(BOB, first, 100), 0);
		assert_eq!(register_neuron(BOB, second, 100), 0);
		Subnets::do_try_state().unwrap();
	});
}

#[test]
fn register_neuron_rejects_bad_origins_and_unknown_subnets() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		let before = neuron_state(netuid);
		for origin in [RuntimeOrigin::root(), RuntimeOrigin::none()] {
			assert_noop!(
				Subnets::register_neuron(origin, netuid, 100, Balance::MAX),
				DispatchError::BadOrigin
			);
		}
		assert_noop!(
			Subnets::register_neuron(RuntimeOrigin::signed(BOB), NetUid(5), 100, Balance::MAX),
			Error::<Test>::SubnetNotFound
		);
		assert_eq!(neuron_state(netuid), before);
	});
}

#[test]
fn register_neuron_rejects_a_hotkey_already_on_the_subnet() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		register_neuron(BOB, netuid, 100);
		let before = neuron_state(netuid);
		assert_noop!(
			Subnets::register_neuron(RuntimeOrigin::signed(BOB), netuid, 100, Balance::MAX),
			Error::<Test>::HotkeyAlreadyRegistered
		);
		assert_eq!(neuron_state(netuid), before);
	});
}

#[test]
fn register_neuron_rejects_a_hotkey_of_another_coldkey() {
	new_test_ext().execute_with(|| {
		let first = register(ALICE);
		let second = register(ALICE);
		register_neuron(BOB, first, 100);
		let before = neuron_state(second);
		assert_noop!(
			Subnets::register_neuron(RuntimeOrigin::signed(ALICE), second, 100, Balance::MAX),
			Error::<Test>::NotHotkeyOwner
		);
		assert_eq!(neuron_state(second), before);
	});
}

#[test]
fn register_neuron_rejects_a_burn_above_the_callers_limit() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		assert_noop!(
			Subnets::register_neuron(RuntimeOrigin::signed(BOB), netuid, 100, 9),
			Error::<Test>::BurnAboveLimit
		);
	});
}

#[test]
fn register_neuron_rejects_a_caller_who_cannot_pay_the_burn() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		let before = neuron_state(netuid);
		assert_noop!(
			Subnets::register_neuron(RuntimeOrigin::signed(BROKE), netuid, 100, Balance::MAX),
			Error::<Test>::InsufficientBalance
		);
		assert_eq!(neuron_state(netuid), before);
		assert_eq!(HotkeyOwner::<Test>::get(100), None);
	});
}

#[test]
fn full_subnet_replaces_lowest_emission_neuron() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		for hotkey in 100..104 {
			register_neuron(BOB, netuid, hotkey);
		}
		Subnets::set_pruning_scores(netuid, &[40, 7, 30, 50]);
		advance(5);
		assert_eq!(register_neuron(BOB, netuid, 104), 1);
		assert!(System::events()
			.iter()
			.any(|record| record.event
				== Event::NeuronReplaced { netuid, uid: 1, hotkey: 101 }.into()));
		assert_eq!(Uids::<Test>::get(netuid, 101), None);
		assert_eq!(Keys::<Test>::get(netuid, 1), Some(104));
		let slot = &UidSlots::<Test>::get(netuid)[1];
		assert_eq!((slot.pruning_score, slot.registered_at), (0, 6));
		Subnets::do_try_state().unwrap();
	});
}

#[test]
fn equal_scores_replace_the_oldest_then_the_lowest_uid() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		register_neuron(BOB, netuid, 100);
		register_neuron(BOB, netuid, 101);
		advance(1);
		register_neuron(BOB, netuid, 102);
		register_neuron(BOB, netuid, 103);
		advance(10);
		assert_eq!(register_neuron(BOB, netuid, 104), 0);
		// UID 0 now holds the newest neuron; UID 1 is the oldest left.
		assert_eq!(register_neuron(BOB, netuid, 105), 1);
	});
}

#[test]
fn full_subnet_of_immune_neurons_rejects_a_registration() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		for hotkey in 100..104 {
			register_neuron(BOB, netuid, hotkey);
		}
		advance(4);
		let before = neuron_state(netuid);
		assert_noop!(
			Subnets::register_neuron(RuntimeOrigin::signed(BOB), netuid, 104, Balance::MAX),
			Error::<Test>::SubnetFullOfImmuneNeurons
		);
		assert_eq!(neuron_state(netuid), before);
		advance(1);
		assert_eq!(register_neuron(BOB, netuid, 104), 0);
	});
}

#[test]
fn the_owners_neurons_are_never_replaced() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		for hotkey in 100..104 {
			register_neuron(ALICE, netuid, hotkey);
		}
		advance(100);
		assert_noop!(
			Subnets::register_neuron(RuntimeOrigin::signed(BOB), netuid, 104, Balance::MAX),
			Error::<Test>::SubnetFullOfImmuneNeurons
		);
	});
}

#[test]
fn burn_rises_with_demand_and_halves_after_a_quiet_interval() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		let params = default_hyperparams();
		// Four registrations against a target of two in the first interval: 10 → 15.
		for hotkey in 100..104 {
			register_neuron(BOB, netuid, hotkey);
		}
		advance(10);
		assert_eq!(Subnets::current_burn_state(netuid, &params).burn, 15);
		// Registering at 15 counts towards the new interval; one quiet interval later the
		// burn is 15 × (1 + 2) / 4 = 11, then 5 after another (floored at 10).
		register_neuron(BOB, netuid, 104);
		assert_eq!(
			last_event(),
			Event::NeuronRegistered { netuid, uid: 0, hotkey: 104, coldkey: BOB, burned: 15 }
				.into()
		);
		advance(10);
		assert_eq!(Subnets::current_burn_state(netuid, &params).burn, 11);
		advance(10);
		assert_eq!(Subnets::current_burn_state(netuid, &params).burn, 10);
	});
}

#[test]
fn owner_coldkey_and_root_may_deregister_and_the_uid_is_reused() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		for hotkey in 100..103 {
			register_neuron(BOB, netuid, hotkey);
		}
		assert_ok!(Subnets::deregister_neuron(RuntimeOrigin::signed(ALICE), netuid, 1));
		assert_eq!(last_event(), Event::NeuronDeregistered { netuid, uid: 1, hotkey: 101 }.into());
		assert_ok!(Subnets::deregister_neuron(RuntimeOrigin::signed(BOB), netuid, 0));
		assert_ok!(Subnets::deregister_neuron(RuntimeOrigin::root(), netuid, 2));
		assert_eq!(Keys::<Test>::iter_prefix(netuid).count(), 0);
		assert_eq!(UidSlots::<Test>::get(netuid).len(), 3);
		Subnets::do_try_state().unwrap();
		assert_eq!(register_neuron(BOB, netuid, 105), 0);
		assert_eq!(register_neuron(BOB, netuid, 106), 1);
		Subnets::do_try_state().unwrap();
	});
}

/// An owner siding with a cheating miner deregisters the subnet's validators the moment an
/// auditor dissents, so that the escalation finds no committee: refused while requests are
/// open. Miners stay removable, and a validator's own coldkey may still leave.
#[test]
fn an_owner_cannot_remove_validators_while_reviews_may_need_them() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		register_neuron(BOB, netuid, 100);
		register_neuron(BOB, netuid, 101);
		assert_ok!(Subnets::set_neuron_role(
			RuntimeOrigin::signed(BOB),
			netuid,
			100,
			crate::NeuronRole::Validator
		));
		crate::mock::OpenRequests::set(1);
		assert_noop!(
			Subnets::deregister_neuron(RuntimeOrigin::signed(ALICE), netuid, 0),
			Error::<Test>::ValidatorNeededForReviews
		);
		assert_ok!(Subnets::deregister_neuron(RuntimeOrigin::signed(ALICE), netuid, 1));
		assert_ok!(Subnets::deregister_neuron(RuntimeOrigin::signed(BOB), netuid, 0));
		crate::mock::OpenRequests::set(0);
		Subnets::do_try_state().unwrap();
	});
}

#[test]
fn deregister_neuron_rejects_strangers_unknown_uids_and_unknown_subnets() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		register_neuron(BOB, netuid, 100);
		let before = neuron_state(netuid);
		assert_noop!(
			Subnets::deregister_neuron(RuntimeOrigin::signed(POOR), netuid, 0),
			Error::<Test>::NotAllowedToDeregister
		);
		assert_noop!(
			Subnets::deregister_neuron(RuntimeOrigin::signed(ALICE), netuid, 3),
			Error::<Test>::UidNotFound
		);
		assert_noop!(
			Subnets::deregister_neuron(RuntimeOrigin::signed(ALICE), NetUid(9), 0),
			Error::<Test>::SubnetNotFound
		);
		assert_noop!(
			Subnets::deregister_neuron(RuntimeOrigin::none(), netuid, 0),
			DispatchError::BadOrigin
		);
		assert_eq!(neuron_state(netuid), before);
	});
}

#[test]
fn a_coldkey_declares_its_neuron_a_validator_and_back() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		assert_eq!(register_neuron(BOB, netuid, 100), 0);
		assert_eq!(UidSlots::<Test>::get(netuid)[0].role, NeuronRole::Miner);
		assert_eq!(<Subnets as SubnetRegistry<AccountId>>::validators(netuid), vec![false]);
		assert_ok!(Subnets::set_neuron_role(
			RuntimeOrigin::signed(BOB),
			netuid,
			100,
			NeuronRole::Validator
		));
		assert_eq!(
			last_event(),
			Event::NeuronRoleSet { netuid, uid: 0, hotkey: 100, role: NeuronRole::Validator }
				.into()
		);
		assert_eq!(<Subnets as SubnetRegistry<AccountId>>::validators(netuid), vec![true]);
		assert_ok!(Subnets::set_neuron_role(
			RuntimeOrigin::signed(BOB),
			netuid,
			100,
			NeuronRole::Miner
		));
		assert_eq!(<Subnets as SubnetRegistry<AccountId>>::validators(netuid), vec![false]);
		Subnets::do_try_state().unwrap();
	});
}

#[test]
fn a_role_does_not_pass_with_the_uid() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		assert_eq!(register_neuron(BOB, netuid, 100), 0);
		assert_ok!(Subnets::set_neuron_role(
			RuntimeOrigin::signed(BOB),
			netuid,
			100,
			NeuronRole::Validator
		));
		assert_ok!(Subnets::deregister_neuron(RuntimeOrigin::signed(BOB), netuid, 0));
		assert_eq!(register_neuron(BOB, netuid, 101), 0);
		assert_eq!(UidSlots::<Test>::get(netuid)[0].role, NeuronRole::Miner);
	});
}

#[test]
fn set_neuron_role_rejects_strangers_and_unknown_neurons_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		assert_eq!(register_neuron(BOB, netuid, 100), 0);
		let before = neuron_state(netuid);
		let validator = NeuronRole::Validator;
		assert_noop!(
			Subnets::set_neuron_role(RuntimeOrigin::signed(ALICE), netuid, 100, validator),
			Error::<Test>::NotHotkeyOwner
		);
		assert_noop!(
			Subnets::set_neuron_role(RuntimeOrigin::signed(BOB), netuid, 101, validator),
			Error::<Test>::HotkeyNotRegistered
		);
		assert_noop!(
			Subnets::set_neuron_role(RuntimeOrigin::signed(BOB), NetUid(9), 100, validator),
			Error::<Test>::SubnetNotFound
		);
		assert_noop!(
			Subnets::set_neuron_role(RuntimeOrigin::root(), netuid, 100, validator),
			DispatchError::BadOrigin
		);
		assert_eq!(neuron_state(netuid), before);
	});
}
