//! Registering and dissolving subnets.

use super::*;
use frame_support::{
	pallet_prelude::Weight,
	traits::{Get, Hooks},
};

#[test]
fn register_subnet_holds_the_floor_and_records_the_owner() {
	new_test_ext().execute_with(|| {
		assert_ok!(Subnets::register_subnet(RuntimeOrigin::signed(ALICE), MIN_LOCK));
		let info = SubnetsStorage::<Test>::get(NetUid(0)).unwrap();
		assert_eq!(info.owner, ALICE);
		assert_eq!(info.locked, MIN_LOCK);
		assert_eq!(info.registered_at, 1);
		assert_eq!(held(ALICE), MIN_LOCK);
		assert_eq!(Balances::free_balance(ALICE), FUNDS - MIN_LOCK);
		assert_eq!(SubnetCount::<Test>::get(), 1);
		assert_eq!(NextNetUid::<Test>::get(), NetUid(1));
		assert_eq!(
			last_event(),
			Event::SubnetRegistered { netuid: NetUid(0), owner: ALICE, locked: MIN_LOCK }.into()
		);
		Subnets::do_try_state().unwrap();
	});
}

#[test]
fn registration_in_the_same_block_pays_double() {
	new_test_ext().execute_with(|| {
		register(ALICE);
		assert_eq!(Subnets::current_lock_cost(), 2 * MIN_LOCK);
		register(BOB);
		assert_eq!(held(BOB), 2 * MIN_LOCK);
		assert_eq!(LastLockCost::<Test>::get(), 2 * MIN_LOCK);
		Subnets::do_try_state().unwrap();
	});
}

#[test]
fn doubled_cost_decays_back_to_the_floor() {
	new_test_ext().execute_with(|| {
		register(ALICE);
		System::set_block_number(1 + INTERVAL / 2);
		assert_eq!(Subnets::current_lock_cost(), MIN_LOCK);
		register(BOB);
		System::set_block_number(1 + INTERVAL / 2 + INTERVAL / 4);
		assert_eq!(Subnets::current_lock_cost(), 3 * MIN_LOCK / 2);
		System::set_block_number(1 + 2 * INTERVAL);
		assert_eq!(Subnets::current_lock_cost(), MIN_LOCK);
	});
}

#[test]
fn register_subnet_rejects_unsigned_and_root_origins() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Subnets::register_subnet(RuntimeOrigin::root(), Balance::MAX),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Subnets::register_subnet(RuntimeOrigin::none(), Balance::MAX),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn register_subnet_rejects_a_cost_above_the_callers_limit() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Subnets::register_subnet(RuntimeOrigin::signed(ALICE), MIN_LOCK - 1),
			Error::<Test>::LockCostAboveLimit
		);
	});
}

#[test]
fn register_subnet_rejects_a_caller_who_cannot_pay() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Subnets::register_subnet(RuntimeOrigin::signed(POOR), Balance::MAX),
			Error::<Test>::InsufficientBalance
		);
	});
}

#[test]
fn register_subnet_rejects_beyond_max_subnets() {
	new_test_ext().execute_with(|| {
		for _ in 0..MAX_SUBNETS {
			register(ALICE);
		}
		assert_noop!(
			Subnets::register_subnet(RuntimeOrigin::signed(BOB), Balance::MAX),
			Error::<Test>::TooManySubnets
		);
	});
}

#[test]
fn register_subnet_rejects_when_netuids_are_exhausted() {
	new_test_ext().execute_with(|| {
		NextNetUid::<Test>::put(NetUid(u16::MAX));
		assert_noop!(
			Subnets::register_subnet(RuntimeOrigin::signed(ALICE), Balance::MAX),
			Error::<Test>::NetUidsExhausted
		);
	});
}

#[test]
fn owner_dissolves_subnet_and_gets_the_lock_back() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), netuid));
		assert!(SubnetsStorage::<Test>::get(netuid).is_none());
		assert_eq!(SubnetCount::<Test>::get(), 0);
		assert_eq!(held(ALICE), 0);
		assert_eq!(Balances::free_balance(ALICE), FUNDS);
		assert_eq!(
			last_event(),
			Event::SubnetDissolved { netuid, owner: ALICE, released: MIN_LOCK }.into()
		);
		Subnets::do_try_state().unwrap();
	});
}

#[test]
fn root_dissolves_any_subnet_and_the_lock_goes_to_the_owner() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::root(), netuid));
		assert_eq!(Balances::free_balance(ALICE), FUNDS);
		assert_eq!(held(ALICE), 0);
		Subnets::do_try_state().unwrap();
	});
}

#[test]
fn dissolve_subnet_rejects_a_non_owner() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		assert_noop!(
			Subnets::dissolve_subnet(RuntimeOrigin::signed(BOB), netuid),
			Error::<Test>::NotSubnetOwner
		);
	});
}

#[test]
fn dissolve_subnet_rejects_a_subnet_with_open_requests_even_for_root() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		crate::mock::OpenRequests::set(1);
		for origin in [RuntimeOrigin::signed(ALICE), RuntimeOrigin::root()] {
			assert_noop!(
				Subnets::dissolve_subnet(origin, netuid),
				Error::<Test>::SubnetHasOpenRequests
			);
		}
		assert_eq!(held(ALICE), MIN_LOCK);
		crate::mock::OpenRequests::set(0);
		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), netuid));
	});
}

#[test]
fn dissolve_subnet_rejects_an_unknown_netuid() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), NetUid(7)),
			Error::<Test>::SubnetNotFound
		);
	});
}

#[test]
fn dissolve_subnet_rejects_an_unsigned_origin() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		assert_noop!(
			Subnets::dissolve_subnet(RuntimeOrigin::none(), netuid),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn netuids_are_never_reused() {
	new_test_ext().execute_with(|| {
		let first = register(ALICE);
		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), first));
		let second = register(ALICE);
		assert_eq!(second, NetUid(1));
		Subnets::do_try_state().unwrap();
	});
}

#[test]
fn a_new_subnet_starts_from_the_default_hyperparameters_and_the_minimum_burn() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		assert_eq!(crate::Hyperparams::<Test>::get(netuid), Some(default_hyperparams()));
		let burn = crate::Burns::<Test>::get(netuid).unwrap();
		assert_eq!((burn.burn, burn.interval_start, burn.registrations), (10, 1, 0));
		assert!(crate::Tasks::<Test>::get(netuid).is_none());
	});
}

#[test]
fn dissolve_subnet_removes_every_storage_item_of_the_subnet() {
	new_test_ext().execute_with(|| {
		let netuid = register(ALICE);
		let other = register(BOB);
		for hotkey in [100, 101, 102] {
			register_neuron(BOB, netuid, hotkey);
		}
		register_neuron(BOB, other, 100);
		assert_ok!(Subnets::serve_endpoint(
			RuntimeOrigin::signed(101),
			netuid,
			crate::IpAddress::V4([8, 8, 8, 8]),
			8080,
			crate::Protocol::Http
		));
		let task = crate::SubnetTask {
			kind: crate::TaskKind::Embedding,
			model_id: sp_core::H256::repeat_byte(7),
		};
		assert_ok!(Subnets::set_subnet_task(RuntimeOrigin::signed(ALICE), netuid, task));
		let mut params = default_hyperparams();
		params.tempo = 20;
		assert_ok!(Subnets::set_hyperparameters(RuntimeOrigin::signed(ALICE), netuid, params));

		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), netuid));
		assert!(crate::DissolvedSubnets::<Test>::contains_key(netuid));
		Subnets::do_try_state().unwrap();
		Subnets::on_idle(System::block_number(), Weight::MAX);

		assert!(!crate::DissolvedSubnets::<Test>::contains_key(netuid));
		assert_eq!(crate::Keys::<Test>::iter_prefix(netuid).count(), 0);
		assert_eq!(crate::Uids::<Test>::iter_prefix(netuid).count(), 0);
		assert_eq!(crate::Endpoints::<Test>::iter_prefix(netuid).count(), 0);
		assert!(!crate::UidSlots::<Test>::contains_key(netuid));
		assert!(!crate::Hyperparams::<Test>::contains_key(netuid));
		assert!(!crate::HyperparamsChangedAt::<Test>::contains_key(netuid));
		assert!(!crate::Tasks::<Test>::contains_key(netuid));
		assert!(!crate::Burns::<Test>::contains_key(netuid));
		// The other subnet is untouched, and the hotkey keeps its owner.
		assert_eq!(crate::Uids::<Test>::get(other, 100), Some(0));
		assert_eq!(crate::HotkeyOwner::<Test>::get(101), Some(BOB));
		Subnets::do_try_state().unwrap();
	});
}

#[test]
fn on_idle_removes_a_dissolved_subnets_entries_within_the_weight_it_is_given() {
	use crate::weights::WeightInfo;
	let mut ext = new_test_ext();
	let netuid = ext.execute_with(|| {
		let netuid = register(ALICE);
		for hotkey in 100..104 {
			register_neuron(BOB, netuid, hotkey);
		}
		netuid
	});
	// Entries written in earlier blocks are in the backend, where removal limits apply.
	ext.commit_all().unwrap();
	ext.execute_with(|| {
		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), netuid));
		let lookup = <<Test as frame_system::Config>::DbWeight as Get<
			frame_support::weights::RuntimeDbWeight,
		>>::get()
		.reads(1);
		let two_uids = <() as WeightInfo>::clean_dissolved(2).saturating_add(lookup);
		assert_eq!(Subnets::on_idle(System::block_number(), two_uids), two_uids);
		assert_eq!(crate::Keys::<Test>::iter_prefix(netuid).count(), 2);
		assert!(crate::DissolvedSubnets::<Test>::contains_key(netuid));
		// Too little weight for even one UID: nothing happens.
		Subnets::on_idle(System::block_number(), lookup);
		assert_eq!(crate::Keys::<Test>::iter_prefix(netuid).count(), 2);
		Subnets::do_try_state().unwrap();
		Subnets::on_idle(System::block_number(), Weight::MAX);
		assert_eq!(crate::Keys::<Test>::iter_prefix(netuid).count(), 0);
		assert!(!crate::DissolvedSubnets::<Test>::contains_key(netuid));
		Subnets::do_try_state().unwrap();
	});
}
