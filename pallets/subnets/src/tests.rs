//! Behaviour of the subnets pallet: each call's effect, and each rejection leaving state as it was.

#![allow(clippy::arithmetic_side_effects)]

use crate::{
	mock::*, Error, Event, HoldReason, LastLockCost, NetUid, NextNetUid, SubnetCount,
	Subnets as SubnetsStorage,
};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use proptest::prelude::*;
use sp_runtime::DispatchError;

fn held(who: AccountId) -> Balance {
	<Balances as InspectHold<AccountId>>::balance_on_hold(
		&RuntimeHoldReason::Subnets(HoldReason::SubnetLock),
		&who,
	)
}

fn register(who: AccountId) -> NetUid {
	let netuid = NextNetUid::<Test>::get();
	assert_ok!(Subnets::register_subnet(RuntimeOrigin::signed(who), Balance::MAX));
	netuid
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event was deposited").event
}

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

/// One step of a random call sequence.
#[derive(Clone, Debug)]
enum Step {
	Register { who: AccountId, max: Balance },
	Dissolve { who: Option<AccountId>, netuid: u16 },
	Wait { blocks: u64 },
}

fn step() -> impl Strategy<Value = Step> {
	prop_oneof![
		(1u64..=3, 0u64..2_000).prop_map(|(who, max)| Step::Register { who, max }),
		(proptest::option::of(1u64..=3), 0u16..6)
			.prop_map(|(who, netuid)| Step::Dissolve { who, netuid }),
		(0u64..150).prop_map(|blocks| Step::Wait { blocks }),
	]
}

proptest! {
	#[test]
	fn random_call_sequences_keep_the_invariants(steps in proptest::collection::vec(step(), 1..40)) {
		new_test_ext().execute_with(|| {
			let issuance = Balances::total_issuance();
			for step in steps {
				match step {
					Step::Register { who, max } => {
						let _ = Subnets::register_subnet(RuntimeOrigin::signed(who), max);
					},
					Step::Dissolve { who, netuid } => {
						let origin = who.map_or_else(RuntimeOrigin::root, RuntimeOrigin::signed);
						let _ = Subnets::dissolve_subnet(origin, NetUid(netuid));
					},
					Step::Wait { blocks } => System::set_block_number(System::block_number() + blocks),
				}
				Subnets::do_try_state().unwrap();
				prop_assert!(SubnetCount::<Test>::get() <= MAX_SUBNETS);
				prop_assert_eq!(Balances::total_issuance(), issuance);
				let held_total: Balance = [ALICE, BOB, POOR].iter().map(|a| held(*a)).sum();
				let locked_total: Balance = SubnetsStorage::<Test>::iter_values().map(|i| i.locked).sum();
				prop_assert_eq!(held_total, locked_total);
			}
			Ok(())
		})?;
	}
}
