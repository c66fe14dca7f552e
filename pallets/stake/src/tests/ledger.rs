//! The stake ledger: entries follow registrations, epoch rewards accrue per UID and are folded
//! into pools (with the take) when a pool is touched, a UID is left, or by `on_idle` for a
//! dissolved subnet.

use super::*;
use crate::{Ledger, LedgerEntry, SettlingSubnets};
use sp_runtime::Perbill;

/// NET0's ledger entry at `uid`, if any.
fn entry(uid: usize) -> Option<LedgerEntry<AccountId, Balance>> {
	Ledger::<Test>::get(NET0, 0).get(uid).cloned().flatten()
}

#[test]
fn registrations_give_entries_with_the_pool_stake_and_leaving_removes_them() {
	new_test_ext().execute_with(|| {
		assert_eq!(entry(0), Some(LedgerEntry { hotkey: VALIDATOR, bonded: 0, accrued: 0 }));
		stake(BOB, MINER, NET0, 700);
		assert_eq!(entry(1), Some(LedgerEntry { hotkey: MINER, bonded: 700, accrued: 0 }));
		assert_ok!(Subnets::deregister_neuron(RuntimeOrigin::root(), NET0, 1));
		assert_eq!(entry(1), None);
		// Stake kept on a deregistered hotkey counts again when it registers again.
		assert_ok!(Subnets::register_neuron(RuntimeOrigin::signed(DAVE), NET0, MINER, FUNDS));
		assert_eq!(entry(1), Some(LedgerEntry { hotkey: MINER, bonded: 700, accrued: 0 }));
		check_invariants();
	});
}

#[test]
fn leaving_a_uid_folds_what_it_accrued_into_the_pool_with_the_take() {
	new_test_ext().execute_with(|| {
		stake(BOB, MINER, NET0, 1_000);
		assert_eq!(StakePallet::<Test>::reward_uids(NET0, &[0, 1_000], &CHARLIE), vec![0, 1_000]);
		assert_eq!(position(BOB, MINER, NET0), 1_000);
		assert_ok!(Subnets::deregister_neuron(RuntimeOrigin::root(), NET0, 1));
		// 18% to DAVE (the owner), the rest to BOB (share rounding favours the stakers).
		assert!((1_820..=1_821).contains(&position(BOB, MINER, NET0)));
		assert!((178..=180).contains(&position(DAVE, MINER, NET0)));
		assert_eq!(StakePallet::<Test>::stake_of(NET0, &MINER), 2_000);
		check_invariants();
	});
}

#[test]
fn a_stake_call_settles_first_so_newcomers_do_not_share_earlier_rewards() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 1_000);
		StakePallet::<Test>::reward_uids(NET0, &[1_000], &DAVE);
		stake(CHARLIE, VALIDATOR, NET0, 1_000);
		assert!((1_820..=1_821).contains(&position(BOB, VALIDATOR, NET0)));
		assert_eq!(position(CHARLIE, VALIDATOR, NET0), 1_000);
		assert_eq!(entry(0).map(|e| (e.bonded, e.accrued)), Some((3_000, 0)));
		check_invariants();
	});
}

#[test]
fn a_take_change_settles_at_the_take_the_rewards_were_earned_under() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 1_000);
		StakePallet::<Test>::reward_uids(NET0, &[1_000], &DAVE);
		assert_ok!(Stake::set_take(RuntimeOrigin::signed(ALICE), VALIDATOR, Perbill::zero()));
		assert!((178..=180).contains(&position(ALICE, VALIDATOR, NET0)));
		assert!((1_820..=1_821).contains(&position(BOB, VALIDATOR, NET0)));
		check_invariants();
	});
}

#[test]
fn a_slash_reaches_accrued_rewards() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 1_000);
		StakePallet::<Test>::reward_uids(NET0, &[1_000], &DAVE);
		assert_eq!(
			StakePallet::<Test>::slash(NET0, &VALIDATOR, 5_000, SlashTarget::Burn),
			Ok(2_000)
		);
		assert_eq!(StakePallet::<Test>::stake_of(NET0, &VALIDATOR), 0);
		check_invariants();
	});
}

#[test]
fn a_dissolved_subnets_ledger_is_folded_by_on_idle_before_its_stake_can_leave() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 1_000);
		stake(CHARLIE, MINER, NET0, 1_000);
		StakePallet::<Test>::reward_uids(NET0, &[1_000, 500], &DAVE);
		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::root(), NET0));
		assert!(SettlingSubnets::<Test>::contains_key(NET0));
		let before = stake_state();
		assert_noop!(
			Stake::remove_stake(RuntimeOrigin::signed(BOB), VALIDATOR, NET0, 1_000),
			Error::<Test>::RewardsSettling
		);
		// No room: nothing is folded.
		use frame_support::traits::Hooks;
		StakePallet::<Test>::on_idle(1, frame_support::weights::Weight::zero());
		assert_eq!(stake_state(), before);
		check_invariants();
		idle();
		assert_eq!(last_event(), Event::LedgerSettled { netuid: NET0 }.into());
		assert!(!SettlingSubnets::<Test>::contains_key(NET0));
		assert_eq!(Ledger::<Test>::iter_prefix(NET0).count(), 0);
		assert!((1_820..=1_821).contains(&position(BOB, VALIDATOR, NET0)));
		assert!((1_410..=1_411).contains(&position(CHARLIE, MINER, NET0)));
		check_invariants();
		let all = position(BOB, VALIDATOR, NET0);
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(BOB), VALIDATOR, NET0, all));
		// And no new stake goes onto a dissolved subnet.
		assert_noop!(
			Stake::add_stake(RuntimeOrigin::signed(BOB), VALIDATOR, NET0, 1_000),
			Error::<Test>::HotkeyNotRegistered
		);
		check_invariants();
	});
}

#[test]
fn leaving_a_uid_is_charged_the_fold_it_may_do() {
	new_test_ext().execute_with(|| {
		use crate::WeightInfo;
		let fold = <() as WeightInfo>::settle();
		let info = Subnets::deregister_neuron(RuntimeOrigin::root(), NET0, 1).unwrap();
		assert!(info.actual_weight.is_some_and(|weight| weight.all_gte(fold)));
		assert_eq!(<StakePallet<Test> as Slash<_, _>>::slash_overhead(), fold);
	});
}
