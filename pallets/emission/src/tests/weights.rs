//! The weights calls and their rejections.

use super::*;
use crate::{weights_calls::commit_hash, Commits, Weights, WeightsSetAt};

fn set(
	hotkey: AccountId,
	uids: Vec<u16>,
	values: Vec<u16>,
) -> frame_support::dispatch::DispatchResult {
	Emission::set_weights(RuntimeOrigin::signed(hotkey), NET0, uids, values, 0)
}

#[test]
fn committed_weights_are_revealed_after_the_reveal_period() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 300);
		first_epoch();
		let hash = commit_hash(&VALIDATOR, NET0, &[1], &[7], 42, 0);
		assert_ok!(Emission::commit_weights(RuntimeOrigin::signed(VALIDATOR), NET0, hash));
		assert_eq!(
			System::events().last().unwrap().event,
			Event::WeightsCommitted { netuid: NET0, uid: 0, commit: hash }.into()
		);
		let reveal = |salt| {
			Emission::reveal_weights(
				RuntimeOrigin::signed(VALIDATOR),
				NET0,
				vec![1],
				vec![7],
				salt,
				0,
			)
		};
		assert_noop!(reveal(42), Error::<Test>::RevealTooEarly);
		System::set_block_number(System::block_number() + 2);
		assert_noop!(reveal(43), Error::<Test>::RevealDoesNotMatchCommit);
		assert_ok!(reveal(42));
		assert_eq!(
			Weights::<Test>::get(NET0, 0).unwrap().pairs().collect::<Vec<_>>(),
			vec![(1, 7)]
		);
		assert!(Commits::<Test>::get(NET0, VALIDATOR).is_none());
		assert_noop!(reveal(42), Error::<Test>::NoCommit);
	});
}

#[test]
fn set_weights_is_refused_while_commit_reveal_is_on_and_commits_while_it_is_off() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 300);
		first_epoch();
		assert_noop!(set(VALIDATOR, vec![1], vec![1]), Error::<Test>::CommitRevealRequired);
		without_commit_reveal(NET0);
		assert_ok!(set(VALIDATOR, vec![1], vec![1]));
		assert_eq!(
			System::events().last().unwrap().event,
			Event::WeightsSet { netuid: NET0, uid: 0 }.into()
		);
		assert_noop!(
			Emission::commit_weights(RuntimeOrigin::signed(VALIDATOR), NET0, Default::default()),
			Error::<Test>::CommitRevealDisabled
		);
	});
}

#[test]
fn set_weights_rejects_bad_callers_and_bad_weights_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 300);
		without_commit_reveal(NET0);
		first_epoch();
		assert_noop!(set(MINER, vec![0], vec![1]), Error::<Test>::NoValidatorPermit);
		assert_noop!(set(STRANGER, vec![0], vec![1]), Error::<Test>::HotkeyNotRegistered);
		assert_noop!(set(VALIDATOR, vec![1], vec![1, 2]), Error::<Test>::LengthMismatch);
		assert_noop!(set(VALIDATOR, vec![1, 1], vec![1, 2]), Error::<Test>::DuplicateUid);
		assert_noop!(set(VALIDATOR, vec![5], vec![1]), Error::<Test>::UidNotFound);
		assert_noop!(set(VALIDATOR, vec![0, 1, 2], vec![1, 1, 1]), Error::<Test>::TooManyWeights);
		assert_noop!(
			Emission::set_weights(RuntimeOrigin::signed(VALIDATOR), NetUid(9), vec![], vec![], 0),
			Error::<Test>::SubnetNotFound
		);
		assert_noop!(
			Emission::set_weights(RuntimeOrigin::root(), NET0, vec![], vec![], 0),
			DispatchError::BadOrigin
		);
		assert!(WeightsSetAt::<Test>::get(NET0, 0).is_none());
	});
}

#[test]
fn set_weights_is_rate_limited() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 300);
		let mut params = pallet_subnets::Hyperparams::<Test>::get(NET0).unwrap();
		params.commit_reveal = false;
		params.weights_rate_limit = 5;
		assert_ok!(Subnets::set_hyperparameters(RuntimeOrigin::root(), NET0, params));
		first_epoch();
		assert_ok!(set(VALIDATOR, vec![1], vec![1]));
		System::set_block_number(System::block_number() + 4);
		assert_noop!(set(VALIDATOR, vec![1], vec![2]), Error::<Test>::WeightsRateLimited);
		System::set_block_number(System::block_number() + 1);
		assert_ok!(set(VALIDATOR, vec![1], vec![2]));
	});
}

#[test]
fn weights_below_the_subnets_version_are_refused_and_change_nothing() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 300);
		first_epoch();
		let mut params = pallet_subnets::Hyperparams::<Test>::get(NET0).unwrap();
		params.weights_version = 5;
		assert_ok!(Subnets::set_hyperparameters(RuntimeOrigin::root(), NET0, params));

		// Commit-reveal: a reveal with an old version fails even when it matches its commit.
		let old = commit_hash(&VALIDATOR, NET0, &[1], &[7], 42, 4);
		assert_ok!(Emission::commit_weights(RuntimeOrigin::signed(VALIDATOR), NET0, old));
		System::set_block_number(System::block_number() + 2);
		let reveal = |version| {
			Emission::reveal_weights(
				RuntimeOrigin::signed(VALIDATOR),
				NET0,
				vec![1],
				vec![7],
				42,
				version,
			)
		};
		assert_noop!(reveal(4), Error::<Test>::WeightsVersionTooOld);
		// The version is part of the commit: claiming a newer one does not match it.
		assert_noop!(reveal(5), Error::<Test>::RevealDoesNotMatchCommit);
		let current = commit_hash(&VALIDATOR, NET0, &[1], &[7], 42, 6);
		assert_ok!(Emission::commit_weights(RuntimeOrigin::signed(VALIDATOR), NET0, current));
		System::set_block_number(System::block_number() + 2);
		assert_ok!(reveal(6));

		// Plain set_weights.
		without_commit_reveal(NET0);
		System::set_block_number(System::block_number() + 200);
		let set_with = |version| {
			Emission::set_weights(RuntimeOrigin::signed(VALIDATOR), NET0, vec![1], vec![9], version)
		};
		assert_noop!(set_with(4), Error::<Test>::WeightsVersionTooOld);
		assert_ok!(set_with(5));
		assert_eq!(
			Weights::<Test>::get(NET0, 0).unwrap().pairs().collect::<Vec<_>>(),
			vec![(1, 9)]
		);
	});
}
