//! Rewards, slashes and permits through the traits other pallets use.

use super::*;

#[test]
fn a_reward_moves_funds_in_and_pays_the_take_to_the_owner_and_the_rest_pro_rata() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 1_000);
		stake(CHARLIE, VALIDATOR, NET0, 3_000);
		let issuance = Balances::total_issuance();
		// 18% default take: 180 to ALICE (owner of VALIDATOR), 820 shared 1:3 by the stakers.
		assert_eq!(StakePallet::<Test>::reward(NET0, &VALIDATOR, 1_000, &DAVE), Ok(1_000));
		assert_eq!(Balances::total_issuance(), issuance);
		assert_eq!(Balances::free_balance(DAVE), FUNDS - 1 - 1_000);
		assert_eq!(position(BOB, VALIDATOR, NET0), 1_000 + 205);
		assert_eq!(position(CHARLIE, VALIDATOR, NET0), 3_000 + 615);
		// The cut buys shares at the new price; rounding keeps at most a unit in the pool.
		assert!((179..=180).contains(&position(ALICE, VALIDATOR, NET0)));
		assert_eq!(StakePallet::<Test>::stake_of(NET0, &VALIDATOR), 5_000);
		check_invariants();
	});
}

#[test]
fn a_reward_to_a_hotkey_without_stakers_goes_to_its_owner() {
	new_test_ext().execute_with(|| {
		assert_eq!(StakePallet::<Test>::reward(NET0, &MINER, 500, &CHARLIE), Ok(500));
		assert_eq!(position(DAVE, MINER, NET0), 500);
		assert_eq!(StakePallet::<Test>::reward(NET0, &STRANGER, 500, &CHARLIE), Ok(0));
		check_invariants();
	});
}

#[test]
fn uid_rewards_count_at_once_and_pay_like_single_rewards_when_settled() {
	// NET0: VALIDATOR holds UID 0, MINER UID 1; UID 2 is vacant.
	let amounts = [1_007, 500, 500];
	let setup = || {
		stake(BOB, VALIDATOR, NET0, 1_000);
		stake(CHARLIE, VALIDATOR, NET0, 3_000);
	};
	let singly = new_test_ext().execute_with(|| {
		setup();
		for (hotkey, amount) in [(VALIDATOR, 1_007), (MINER, 500)] {
			assert_eq!(StakePallet::<Test>::reward(NET0, &hotkey, amount, &DAVE), Ok(amount));
		}
		let positions = [
			position(BOB, VALIDATOR, NET0),
			position(ALICE, VALIDATOR, NET0),
			position(DAVE, MINER, NET0),
		];
		(positions, Balances::free_balance(DAVE))
	});
	new_test_ext().execute_with(|| {
		setup();
		let issuance = Balances::total_issuance();
		System::reset_events();
		let moved = StakePallet::<Test>::reward_uids(NET0, &amounts, &DAVE);
		assert_eq!(moved, vec![1_007, 500, 0]);
		// Counted as stake at once; the pools are untouched until settled.
		assert_eq!(StakePallet::<Test>::stake_of(NET0, &VALIDATOR), 4_000 + 1_007);
		assert_eq!(StakePallet::<Test>::uid_stakes(NET0), vec![5_007, 500]);
		assert_eq!(StakePallet::<Test>::total_stake(NET0), 4_000 + 1_507);
		assert_eq!(position(BOB, VALIDATOR, NET0), 1_000);
		assert_eq!(Balances::free_balance(DAVE), singly.1);
		assert_eq!(Balances::total_issuance(), issuance);
		check_invariants();
		// One transfer for the whole batch.
		let transfers = System::events()
			.iter()
			.filter(|record| {
				matches!(
					record.event,
					RuntimeEvent::Balances(pallet_balances::Event::Transfer { .. })
				)
			})
			.count();
		assert_eq!(transfers, 1);
		assert!(StakePallet::<Test>::settle(NET0, &VALIDATOR));
		assert!(StakePallet::<Test>::settle(NET0, &MINER));
		assert!(!StakePallet::<Test>::settle(NET0, &MINER));
		let positions = [
			position(BOB, VALIDATOR, NET0),
			position(ALICE, VALIDATOR, NET0),
			position(DAVE, MINER, NET0),
		];
		assert_eq!(positions, singly.0);
		assert_eq!(StakePallet::<Test>::stake_of(NET0, &VALIDATOR), 4_000 + 1_007);
		check_invariants();
	});
}

#[test]
fn uid_rewards_the_source_cannot_fund_change_nothing() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 1_000);
		let before = (stake_state(), crate::Ledger::<Test>::iter().collect::<Vec<_>>());
		let moved = StakePallet::<Test>::reward_uids(NET0, &[FUNDS, FUNDS], &DAVE);
		assert_eq!(moved, vec![0, 0]);
		assert_eq!((stake_state(), crate::Ledger::<Test>::iter().collect::<Vec<_>>()), before);
		assert_eq!(
			StakePallet::<Test>::reward(NET0, &VALIDATOR, FUNDS, &DAVE).map_err(|_| ()),
			Err(())
		);
		assert_eq!(position(BOB, VALIDATOR, NET0), 1_000);
		check_invariants();
	});
}

#[test]
fn a_slash_takes_bonded_and_unbonding_stake_pro_rata() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 3_000);
		stake(CHARLIE, VALIDATOR, NET0, 1_000);
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(CHARLIE), VALIDATOR, NET0, 1_000));
		let issuance = Balances::total_issuance();
		// Bonded 3000, unbonding 1000: a slash of 400 takes 300 and 100.
		assert_eq!(StakePallet::<Test>::slash(NET0, &VALIDATOR, 400, SlashTarget::Burn), Ok(400));
		assert_eq!(Balances::total_issuance(), issuance - 400);
		assert_eq!(position(BOB, VALIDATOR, NET0), 2_700);
		assert_eq!(
			last_event(),
			Event::StakeSlashed {
				netuid: NET0,
				hotkey: VALIDATOR,
				amount: 400,
				target: SlashTarget::Burn
			}
			.into()
		);
		advance(UNBONDING);
		assert_ok!(Stake::withdraw_unbonded(RuntimeOrigin::signed(CHARLIE), VALIDATOR, NET0));
		assert_eq!(Balances::free_balance(CHARLIE), FUNDS - 100);
		check_invariants();
	});
}

#[test]
fn a_slash_can_pay_a_beneficiary_and_never_takes_more_than_the_stake() {
	new_test_ext().execute_with(|| {
		stake(BOB, MINER, NET0, 1_000);
		let to_dave = SlashTarget::Account(DAVE);
		assert_eq!(StakePallet::<Test>::slash(NET0, &MINER, 5_000, to_dave), Ok(1_000));
		// DAVE paid a burn of 1 to register MINER in the mock.
		assert_eq!(Balances::free_balance(DAVE), FUNDS - 1 + 1_000);
		assert_eq!(position(BOB, MINER, NET0), 0);
		assert_eq!(StakePallet::<Test>::slash(NET0, &MINER, 5, SlashTarget::Burn), Ok(0));
		check_invariants();
	});
}

#[test]
fn a_wiped_pool_starts_a_new_generation_and_old_shares_are_worthless() {
	new_test_ext().execute_with(|| {
		stake(BOB, MINER, NET0, 1_000);
		assert_ok!(StakePallet::<Test>::slash(NET0, &MINER, 1_000, SlashTarget::Burn));
		stake(CHARLIE, MINER, NET0, 500);
		assert_eq!(position(CHARLIE, MINER, NET0), 500);
		assert_eq!(position(BOB, MINER, NET0), 0);
		assert_noop!(
			Stake::remove_stake(RuntimeOrigin::signed(BOB), MINER, NET0, 100),
			Error::<Test>::InsufficientStake
		);
		check_invariants();
	});
}

#[test]
fn validator_permits_go_to_the_top_stake_up_to_max_validators() {
	new_test_ext().execute_with(|| {
		assert_eq!(StakePallet::<Test>::validator_permits(NET0), vec![false, false]);
		// Stake on a miner never earns it a permit.
		stake(BOB, MINER, NET0, 200);
		assert_eq!(StakePallet::<Test>::validator_permits(NET0), vec![false, false]);
		stake(BOB, VALIDATOR, NET0, 300);
		assert_eq!(StakePallet::<Test>::validator_permits(NET0), vec![true, false]);
		// Declared a validator, it competes.
		let validator = pallet_subnets::NeuronRole::Validator;
		assert_ok!(Subnets::set_neuron_role(RuntimeOrigin::signed(DAVE), NET0, MINER, validator));
		assert_eq!(StakePallet::<Test>::validator_permits(NET0), vec![true, true]);
	});
}
