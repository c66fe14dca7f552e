//! The calls: add, remove, withdraw, move, take.

use super::*;
use crate::{Takes, Unbonding};
use sp_runtime::Perbill;

#[test]
fn add_stake_moves_funds_into_the_hotkeys_pool() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 1_000);
		assert_eq!(Balances::free_balance(BOB), FUNDS - 1_000);
		assert_eq!(position(BOB, VALIDATOR, NET0), 1_000);
		assert_eq!(StakePallet::<Test>::stake_of(NET0, &VALIDATOR), 1_000);
		assert_eq!(StakePallet::<Test>::total_stake(NET0), 1_000);
		assert_eq!(
			last_event(),
			Event::StakeAdded { coldkey: BOB, hotkey: VALIDATOR, netuid: NET0, amount: 1_000 }
				.into()
		);
		check_invariants();
	});
}

#[test]
fn add_stake_rejects_bad_input_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		let before = stake_state();
		let add = |who: AccountId, hotkey, netuid, amount| {
			Stake::add_stake(RuntimeOrigin::signed(who), hotkey, netuid, amount)
		};
		assert_noop!(add(BOB, VALIDATOR, NET0, MIN_STAKE - 1), Error::<Test>::StakeBelowMinimum);
		assert_noop!(add(BOB, STRANGER, NET0, MIN_STAKE), Error::<Test>::HotkeyNotRegistered);
		assert_noop!(add(BOB, MINER, NET1, MIN_STAKE), Error::<Test>::HotkeyNotRegistered);
		assert_noop!(add(BOB, VALIDATOR, NetUid(7), MIN_STAKE), Error::<Test>::HotkeyNotRegistered);
		assert_noop!(add(POOR, VALIDATOR, NET0, MIN_STAKE), Error::<Test>::InsufficientBalance);
		assert_noop!(
			Stake::add_stake(RuntimeOrigin::root(), VALIDATOR, NET0, MIN_STAKE),
			DispatchError::BadOrigin
		);
		assert_eq!(stake_state(), before);
	});
}

#[test]
fn remove_stake_unbonds_and_withdraw_pays_after_the_period() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 1_000);
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(BOB), VALIDATOR, NET0, 400));
		assert_eq!(
			last_event(),
			Event::StakeUnbonding {
				coldkey: BOB,
				hotkey: VALIDATOR,
				netuid: NET0,
				amount: 400,
				unlocks_at: 1 + UNBONDING
			}
			.into()
		);
		assert_eq!(position(BOB, VALIDATOR, NET0), 600);
		assert_eq!(StakePallet::<Test>::total_stake(NET0), 600);
		check_invariants();
		advance(UNBONDING - 1);
		assert_noop!(
			Stake::withdraw_unbonded(RuntimeOrigin::signed(BOB), VALIDATOR, NET0),
			Error::<Test>::NothingToWithdraw
		);
		advance(1);
		assert_ok!(Stake::withdraw_unbonded(RuntimeOrigin::signed(BOB), VALIDATOR, NET0));
		assert_eq!(Balances::free_balance(BOB), FUNDS - 600);
		assert_eq!(
			last_event(),
			Event::Withdrawn { coldkey: BOB, hotkey: VALIDATOR, netuid: NET0, amount: 400 }.into()
		);
		assert!(Unbonding::<Test>::get((BOB, NET0, VALIDATOR)).is_none());
		check_invariants();
	});
}

#[test]
fn removing_everything_clears_the_position_and_the_pool() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 1_000);
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(BOB), VALIDATOR, NET0, 1_000));
		assert!(crate::Pools::<Test>::get(NET0, VALIDATOR).is_none());
		assert!(crate::Positions::<Test>::get((NET0, VALIDATOR, BOB)).is_none());
		advance(UNBONDING);
		assert_ok!(Stake::withdraw_unbonded(RuntimeOrigin::signed(BOB), VALIDATOR, NET0));
		assert_eq!(Balances::free_balance(BOB), FUNDS);
		assert!(crate::UnbondingPools::<Test>::get(NET0, VALIDATOR).is_none());
		check_invariants();
	});
}

#[test]
fn remove_stake_rejects_bad_amounts_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 1_000);
		let before = stake_state();
		let remove = |who: AccountId, amount| {
			Stake::remove_stake(RuntimeOrigin::signed(who), VALIDATOR, NET0, amount)
		};
		assert_noop!(remove(BOB, 1_001), Error::<Test>::InsufficientStake);
		assert_noop!(remove(CHARLIE, 100), Error::<Test>::InsufficientStake);
		assert_noop!(remove(BOB, 0), Error::<Test>::AmountTooSmall);
		assert_noop!(remove(BOB, 1_000 - MIN_STAKE + 1), Error::<Test>::RemainingStakeBelowMinimum);
		assert_eq!(stake_state(), before);
	});
}

#[test]
fn unbonding_chunks_are_bounded_and_merge_within_a_block() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 10_000);
		let remove = || Stake::remove_stake(RuntimeOrigin::signed(BOB), VALIDATOR, NET0, 100);
		assert_ok!(remove());
		assert_ok!(remove());
		assert_eq!(Unbonding::<Test>::get((BOB, NET0, VALIDATOR)).unwrap().len(), 1);
		for _ in 1..MAX_CHUNKS {
			advance(1);
			assert_ok!(remove());
		}
		advance(1);
		let before = stake_state();
		assert_noop!(remove(), Error::<Test>::TooManyUnbondingChunks);
		assert_eq!(stake_state(), before);
		// Only the due chunks are paid.
		advance(UNBONDING - 2);
		assert_ok!(Stake::withdraw_unbonded(RuntimeOrigin::signed(BOB), VALIDATOR, NET0));
		assert_eq!(Balances::free_balance(BOB), FUNDS - 10_000 + 300);
		assert_eq!(Unbonding::<Test>::get((BOB, NET0, VALIDATOR)).unwrap().len(), 1);
		check_invariants();
	});
}

#[test]
fn withdraw_leaves_what_open_work_could_cost_within_reach() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 1_000);
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(BOB), VALIDATOR, NET0, 400));
		// 600 bonded + 400 unbonding; open work could cost 700: paying out the 400 would leave
		// 600 within reach of a slash.
		crate::mock::TestExposure::expose(NET0, VALIDATOR, 700);
		advance(UNBONDING);
		let before = stake_state();
		assert_noop!(
			Stake::withdraw_unbonded(RuntimeOrigin::signed(BOB), VALIDATOR, NET0),
			Error::<Test>::StakeBacksOpenResults
		);
		assert_eq!(stake_state(), before);
		// Work that could cost 600 is covered by the bonded 600: the rest is free.
		crate::mock::TestExposure::expose(NET0, VALIDATOR, 600);
		assert_ok!(Stake::withdraw_unbonded(RuntimeOrigin::signed(BOB), VALIDATOR, NET0));
		assert_eq!(Balances::free_balance(BOB), FUNDS - 600);
		check_invariants();
	});
}

/// The hotkey's operator moves its own stake out the moment its work is questioned, leaving
/// the slash to its delegators: each coldkey must keep its pro-rata share of the exposure.
#[test]
fn an_operator_cannot_leave_a_slash_to_its_delegators() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 1_000);
		stake(CHARLIE, VALIDATOR, NET0, 1_000);
		// Open work could cost 400: 200 falls on each coldkey.
		crate::mock::TestExposure::expose(NET0, VALIDATOR, 400);
		let moving = |coldkey, amount| {
			Stake::move_stake(RuntimeOrigin::signed(coldkey), VALIDATOR, NET0, MINER, NET0, amount)
		};
		let before = stake_state();
		assert_noop!(moving(BOB, 801), Error::<Test>::StakeBacksOpenResults);
		assert_eq!(stake_state(), before);
		assert_ok!(moving(BOB, 800));
		// Unbonding keeps stake within reach, but paying it out counts as leaving.
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(CHARLIE), VALIDATOR, NET0, 1_000));
		advance(UNBONDING);
		assert_noop!(
			Stake::withdraw_unbonded(RuntimeOrigin::signed(CHARLIE), VALIDATOR, NET0),
			Error::<Test>::StakeBacksOpenResults
		);
		crate::mock::TestExposure::expose(NET0, VALIDATOR, 0);
		assert_ok!(Stake::withdraw_unbonded(RuntimeOrigin::signed(CHARLIE), VALIDATOR, NET0));
		check_invariants();
	});
}

#[test]
fn move_stake_leaves_what_open_work_could_cost_behind() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 1_000);
		crate::mock::TestExposure::expose(NET0, VALIDATOR, 300);
		let before = stake_state();
		let moving = |amount| {
			Stake::move_stake(RuntimeOrigin::signed(BOB), VALIDATOR, NET0, VALIDATOR, NET1, amount)
		};
		assert_noop!(moving(701), Error::<Test>::StakeBacksOpenResults);
		assert_eq!(stake_state(), before);
		assert_ok!(moving(700));
		assert_eq!(Stake::stake_of(NET0, &VALIDATOR), 300);
		check_invariants();
	});
}

#[test]
fn withdraw_unbonded_rejects_when_nothing_unbonds() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Stake::withdraw_unbonded(RuntimeOrigin::signed(BOB), VALIDATOR, NET0),
			Error::<Test>::NothingToWithdraw
		);
	});
}

#[test]
fn move_stake_rebonds_without_unbonding() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 1_000);
		assert_ok!(Stake::move_stake(
			RuntimeOrigin::signed(BOB),
			VALIDATOR,
			NET0,
			MINER,
			NET0,
			300
		));
		assert_ok!(Stake::move_stake(
			RuntimeOrigin::signed(BOB),
			VALIDATOR,
			NET0,
			VALIDATOR,
			NET1,
			200
		));
		assert_eq!(position(BOB, VALIDATOR, NET0), 500);
		assert_eq!(position(BOB, MINER, NET0), 300);
		assert_eq!(position(BOB, VALIDATOR, NET1), 200);
		assert_eq!(StakePallet::<Test>::total_stake(NET0), 800);
		assert_eq!(Balances::free_balance(BOB), FUNDS - 1_000);
		assert_eq!(
			last_event(),
			Event::StakeMoved {
				coldkey: BOB,
				from_hotkey: VALIDATOR,
				from_netuid: NET0,
				to_hotkey: VALIDATOR,
				to_netuid: NET1,
				amount: 200
			}
			.into()
		);
		check_invariants();
	});
}

#[test]
fn move_stake_rejects_bad_input_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 1_000);
		let before = stake_state();
		let mv = |to, to_net, amount| {
			Stake::move_stake(RuntimeOrigin::signed(BOB), VALIDATOR, NET0, to, to_net, amount)
		};
		assert_noop!(mv(MINER, NET0, MIN_STAKE - 1), Error::<Test>::StakeBelowMinimum);
		assert_noop!(mv(STRANGER, NET0, MIN_STAKE), Error::<Test>::HotkeyNotRegistered);
		assert_noop!(mv(MINER, NET0, 2_000), Error::<Test>::InsufficientStake);
		assert_noop!(mv(MINER, NET0, 950), Error::<Test>::RemainingStakeBelowMinimum);
		assert_eq!(stake_state(), before);
	});
}

#[test]
fn the_hotkey_owner_sets_the_take_with_rate_limited_increases() {
	new_test_ext().execute_with(|| {
		let set = |who: AccountId, take| {
			Stake::set_take(RuntimeOrigin::signed(who), VALIDATOR, Perbill::from_percent(take))
		};
		assert_ok!(set(ALICE, 30));
		assert_eq!(
			last_event(),
			Event::TakeSet { hotkey: VALIDATOR, take: Perbill::from_percent(30) }.into()
		);
		assert_ok!(set(ALICE, 10));
		let before = stake_state();
		assert_noop!(set(ALICE, 20), Error::<Test>::TakeIncreaseRateLimited);
		assert_noop!(set(ALICE, 51), Error::<Test>::TakeAboveMaximum);
		assert_noop!(set(BOB, 5), Error::<Test>::NotHotkeyOwner);
		assert_eq!(stake_state(), before);
		advance(TAKE_RATE_LIMIT);
		assert_ok!(set(ALICE, 20));
		assert_eq!(Takes::<Test>::get(VALIDATOR).unwrap().take, Perbill::from_percent(20));
	});
}
