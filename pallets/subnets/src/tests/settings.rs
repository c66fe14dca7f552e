//! Hyperparameters and tasks.

use super::*;
use crate::{Hyperparams, HyperparamsChangedAt, SubnetTask, TaskKind, Tasks};
use sp_core::H256;

fn with_tempo(tempo: u16) -> crate::SubnetHyperparams<Balance> {
	crate::SubnetHyperparams { tempo, ..default_hyperparams() }
}

#[test]
fn owner_sets_hyperparameters_within_its_limits() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		assert_ok!(Subnets::set_hyperparameters(
			RuntimeOrigin::signed(ALICE),
			netuid,
			with_tempo(99)
		));
		assert_eq!(Hyperparams::<Test>::get(netuid), Some(with_tempo(99)));
		assert_eq!(
			last_event(),
			Event::HyperparametersSet { netuid, params: with_tempo(99) }.into()
		);
		assert_eq!(HyperparamsChangedAt::<Test>::get(netuid), Some(1));
	});
}

#[test]
fn root_sets_any_consistent_hyperparameters_without_a_rate_limit() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		let params = crate::SubnetHyperparams { max_uids: 8, ..with_tempo(5_000) };
		assert_ok!(Subnets::set_hyperparameters(RuntimeOrigin::root(), netuid, params.clone()));
		assert_ok!(Subnets::set_hyperparameters(RuntimeOrigin::root(), netuid, with_tempo(1)));
		assert_eq!(Hyperparams::<Test>::get(netuid), Some(with_tempo(1)));
		assert_eq!(HyperparamsChangedAt::<Test>::get(netuid), None);
	});
}

#[test]
fn set_hyperparameters_rejects_a_non_owner_and_an_unknown_subnet() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		assert_noop!(
			Subnets::set_hyperparameters(RuntimeOrigin::signed(BOB), netuid, with_tempo(2)),
			Error::<Test>::NotSubnetOwner
		);
		assert_noop!(
			Subnets::set_hyperparameters(RuntimeOrigin::root(), NetUid(3), with_tempo(2)),
			Error::<Test>::SubnetNotFound
		);
		assert_noop!(
			Subnets::set_hyperparameters(RuntimeOrigin::none(), netuid, with_tempo(2)),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn set_hyperparameters_rejects_inconsistent_values_even_from_root() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		let d = default_hyperparams();
		let bad = [
			with_tempo(0),
			crate::SubnetHyperparams { max_validators: d.max_uids + 1, ..d.clone() },
			crate::SubnetHyperparams { max_uids: (MAX_UIDS_LIMIT + 1) as u16, ..d.clone() },
			crate::SubnetHyperparams { min_burn: 11, max_burn: 10, ..d.clone() },
			crate::SubnetHyperparams { adjustment_interval: 0, ..d.clone() },
			crate::SubnetHyperparams { target_registrations_per_interval: 0, ..d },
		];
		for params in bad {
			assert_noop!(
				Subnets::set_hyperparameters(RuntimeOrigin::root(), netuid, params),
				Error::<Test>::InconsistentHyperparameters
			);
		}
	});
}

#[test]
fn max_validators_is_bounded_by_the_limit_even_for_root() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		let limit = MAX_VALIDATORS_LIMIT as u16;
		let with_validators = |max_validators| crate::SubnetHyperparams {
			max_uids: MAX_UIDS_LIMIT as u16,
			max_validators,
			..default_hyperparams()
		};
		assert_noop!(
			Subnets::set_hyperparameters(RuntimeOrigin::root(), netuid, with_validators(limit + 1)),
			Error::<Test>::InconsistentHyperparameters
		);
		assert_ok!(Subnets::set_hyperparameters(
			RuntimeOrigin::root(),
			netuid,
			with_validators(limit)
		));
		assert_eq!(Hyperparams::<Test>::get(netuid).map(|p| p.max_validators), Some(limit));
	});
}

#[test]
fn set_hyperparameters_rejects_max_uids_below_the_uids_in_use() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		for hotkey in 100..103 {
			register_neuron(BOB, netuid, hotkey);
		}
		let params =
			crate::SubnetHyperparams { max_uids: 2, max_validators: 2, ..default_hyperparams() };
		assert_noop!(
			Subnets::set_hyperparameters(RuntimeOrigin::root(), netuid, params),
			Error::<Test>::MaxUidsBelowUidsInUse
		);
	});
}

#[test]
fn set_hyperparameters_rejects_an_owner_outside_its_limits() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		let too_many_uids = crate::SubnetHyperparams { max_uids: 7, ..default_hyperparams() };
		for params in [with_tempo(101), too_many_uids] {
			assert_noop!(
				Subnets::set_hyperparameters(RuntimeOrigin::signed(ALICE), netuid, params),
				Error::<Test>::HyperparameterOutsideOwnerLimits
			);
		}
	});
}

#[test]
fn set_hyperparameters_rate_limits_the_owner() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		assert_ok!(Subnets::set_hyperparameters(
			RuntimeOrigin::signed(ALICE),
			netuid,
			with_tempo(2)
		));
		advance(HYPERPARAMS_RATE_LIMIT - 1);
		assert_noop!(
			Subnets::set_hyperparameters(RuntimeOrigin::signed(ALICE), netuid, with_tempo(3)),
			Error::<Test>::HyperparametersRateLimited
		);
		advance(1);
		assert_ok!(Subnets::set_hyperparameters(
			RuntimeOrigin::signed(ALICE),
			netuid,
			with_tempo(3)
		));
	});
}

#[test]
fn owner_and_root_set_the_task_and_others_cannot() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		let task = SubnetTask { kind: TaskKind::Embedding, model_id: H256::repeat_byte(1) };
		assert_ok!(Subnets::set_subnet_task(RuntimeOrigin::signed(ALICE), netuid, task));
		assert_eq!(last_event(), Event::SubnetTaskSet { netuid, task }.into());
		let task = SubnetTask { kind: TaskKind::Classification, ..task };
		assert_ok!(Subnets::set_subnet_task(RuntimeOrigin::root(), netuid, task));
		assert_eq!(Tasks::<Test>::get(netuid), Some(task));
		assert_noop!(
			Subnets::set_subnet_task(RuntimeOrigin::signed(BOB), netuid, task),
			Error::<Test>::NotSubnetOwner
		);
		assert_noop!(
			Subnets::set_subnet_task(RuntimeOrigin::signed(ALICE), NetUid(4), task),
			Error::<Test>::SubnetNotFound
		);
	});
}
