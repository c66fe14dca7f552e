//! Random sequences of stake calls, rewards and slashes, interleaved with the subnets pallet's
//! neuron registrations, deregistrations and subnet dissolutions, keep every invariant of both
//! pallets and total issuance = Σ free + reserved (the pallet account's share being the staked
//! and unbonding pools).

use super::*;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Step {
	Add { coldkey: AccountId, hotkey: AccountId, netuid: u16, amount: Balance },
	Remove { coldkey: AccountId, hotkey: AccountId, netuid: u16, amount: Balance },
	Withdraw { coldkey: AccountId, hotkey: AccountId, netuid: u16 },
	Move { coldkey: AccountId, from: AccountId, to: AccountId, amount: Balance },
	Reward { hotkey: AccountId, netuid: u16, amount: Balance },
	RewardUids { netuid: u16, amounts: Vec<Balance> },
	SetTake { hotkey: AccountId, percent: u32 },
	Idle,
	Slash { hotkey: AccountId, netuid: u16, amount: Balance, burn: bool },
	Wait { blocks: u64 },
	RegisterNeuron { coldkey: AccountId, netuid: u16, hotkey: AccountId },
	Deregister { netuid: u16, uid: u16 },
	Dissolve { netuid: u16 },
}

fn coldkey() -> impl Strategy<Value = AccountId> {
	prop_oneof![Just(ALICE), Just(BOB), Just(CHARLIE), Just(POOR)]
}

fn hotkey() -> impl Strategy<Value = AccountId> {
	prop_oneof![Just(VALIDATOR), Just(MINER), Just(STRANGER)]
}

fn step() -> impl Strategy<Value = Step> {
	prop_oneof![
		3 => (coldkey(), hotkey(), 0u16..3, 0u64..3_000)
			.prop_map(|(coldkey, hotkey, netuid, amount)| Step::Add { coldkey, hotkey, netuid, amount }),
		2 => (coldkey(), hotkey(), 0u16..3, 0u64..3_000)
			.prop_map(|(coldkey, hotkey, netuid, amount)| Step::Remove { coldkey, hotkey, netuid, amount }),
		1 => (coldkey(), hotkey(), 0u16..3)
			.prop_map(|(coldkey, hotkey, netuid)| Step::Withdraw { coldkey, hotkey, netuid }),
		1 => (coldkey(), hotkey(), hotkey(), 0u64..2_000)
			.prop_map(|(coldkey, from, to, amount)| Step::Move { coldkey, from, to, amount }),
		1 => (hotkey(), 0u16..3, 0u64..2_000)
			.prop_map(|(hotkey, netuid, amount)| Step::Reward { hotkey, netuid, amount }),
		2 => (0u16..3, proptest::collection::vec(0u64..2_000, 0..4))
			.prop_map(|(netuid, amounts)| Step::RewardUids { netuid, amounts }),
		1 => (hotkey(), 0u32..60).prop_map(|(hotkey, percent)| Step::SetTake { hotkey, percent }),
		1 => Just(Step::Idle),
		1 => (hotkey(), 0u16..3, 0u64..2_000, any::<bool>())
			.prop_map(|(hotkey, netuid, amount, burn)| Step::Slash { hotkey, netuid, amount, burn }),
		1 => (0u64..8).prop_map(|blocks| Step::Wait { blocks }),
		1 => (coldkey(), 0u16..3, hotkey())
			.prop_map(|(coldkey, netuid, hotkey)| Step::RegisterNeuron { coldkey, netuid, hotkey }),
		1 => (0u16..3, 0u16..3).prop_map(|(netuid, uid)| Step::Deregister { netuid, uid }),
		1 => (0u16..3).prop_map(|netuid| Step::Dissolve { netuid }),
	]
}

fn apply(step: Step) {
	let signed = RuntimeOrigin::signed;
	// Rejections are part of the sequence; only the invariants matter here.
	let _ = match step {
		Step::Add { coldkey, hotkey, netuid, amount } => {
			Stake::add_stake(signed(coldkey), hotkey, NetUid(netuid), amount)
		},
		Step::Remove { coldkey, hotkey, netuid, amount } => {
			Stake::remove_stake(signed(coldkey), hotkey, NetUid(netuid), amount)
		},
		Step::Withdraw { coldkey, hotkey, netuid } => {
			Stake::withdraw_unbonded(signed(coldkey), hotkey, NetUid(netuid))
				.map(|_| ())
				.map_err(|e| e.error)
		},
		Step::Move { coldkey, from, to, amount } => {
			Stake::move_stake(signed(coldkey), from, NET0, to, NET0, amount)
		},
		Step::Reward { hotkey, netuid, amount } => {
			StakePallet::<Test>::reward(NetUid(netuid), &hotkey, amount, &CHARLIE).map(|_| ())
		},
		Step::RewardUids { netuid, amounts } => {
			StakePallet::<Test>::reward_uids(NetUid(netuid), &amounts, &CHARLIE);
			Ok(())
		},
		Step::SetTake { hotkey, percent } => {
			let owner = if hotkey == VALIDATOR { ALICE } else { DAVE };
			let take = sp_runtime::Perbill::from_percent(percent);
			Stake::set_take(signed(owner), hotkey, take).map(|_| ()).map_err(|e| e.error)
		},
		Step::Idle => {
			idle();
			Ok(())
		},
		Step::Slash { hotkey, netuid, amount, burn } => {
			let target = if burn { SlashTarget::Burn } else { SlashTarget::Account(DAVE) };
			StakePallet::<Test>::slash(NetUid(netuid), &hotkey, amount, target).map(|_| ())
		},
		Step::Wait { blocks } => {
			advance(blocks);
			Ok(())
		},
		Step::RegisterNeuron { coldkey, netuid, hotkey } => {
			Subnets::register_neuron(signed(coldkey), NetUid(netuid), hotkey, Balance::MAX)
				.map(|_| ())
				.map_err(|e| e.error)
		},
		Step::Deregister { netuid, uid } => {
			Subnets::deregister_neuron(RuntimeOrigin::root(), NetUid(netuid), uid)
				.map(|_| ())
				.map_err(|e| e.error)
		},
		Step::Dissolve { netuid } => {
			Subnets::dissolve_subnet(RuntimeOrigin::root(), NetUid(netuid))
		},
	};
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(128))]

	#[test]
	fn random_sequences_keep_the_invariants(steps in proptest::collection::vec(step(), 1..60)) {
		new_test_ext().execute_with(|| {
			for step in steps {
				apply(step);
				check_invariants();
			}
			// Everyone can always get out: once dissolved subnets are settled and accrued
			// rewards folded, unbond every position and withdraw after the period. A position
			// worth less than one unit while others hold most of the pool is worth its share of
			// the rest once they have left, so repeat until nothing is left.
			idle();
			prop_assert_eq!(crate::SettlingSubnets::<Test>::iter().count(), 0);
			let pools: Vec<_> = crate::Pools::<Test>::iter_keys().collect();
			for (netuid, hotkey) in pools {
				StakePallet::<Test>::settle(netuid, &hotkey);
			}
			check_invariants();
			loop {
				let mut removed = false;
				let positions: Vec<_> = crate::Positions::<Test>::iter_keys().collect();
				for (netuid, hotkey, coldkey) in positions {
					let value = position(coldkey, hotkey, netuid);
					if value > 0 {
						assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(coldkey), hotkey, netuid, value));
						removed = true;
					}
				}
				if !removed {
					break;
				}
			}
			advance(UNBONDING);
			let unbonding: Vec<_> = crate::Unbonding::<Test>::iter_keys().collect();
			for (coldkey, netuid, hotkey) in unbonding {
				let _ = Stake::withdraw_unbonded(RuntimeOrigin::signed(coldkey), hotkey, netuid);
			}
			check_invariants();
			prop_assert_eq!(crate::Pools::<Test>::iter().filter(|(_, _, p)| p.stake > 0).count(), 0);
			Ok(())
		})?;
	}
}

/// Found by the random sequences: the owner's 1-share take is worth 0 while the big staker is
/// in, then the whole remainder once it is the last holder — and it takes the rounding dust.
#[test]
fn the_last_holder_of_a_pool_takes_its_dust() {
	new_test_ext().execute_with(|| {
		apply(Step::Add { coldkey: 2, hotkey: 101, netuid: 0, amount: 813 });
		apply(Step::Slash { hotkey: 101, netuid: 0, amount: 9, burn: false });
		apply(Step::Reward { hotkey: 101, netuid: 0, amount: 6 });
		let (big, owner) = (position(2, 101, NET0), position(4, 101, NET0));
		assert_eq!((big, owner), (809, 0));
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(2), 101, NET0, big));
		assert_eq!(position(4, 101, NET0), 1);
		assert_ok!(Stake::remove_stake(RuntimeOrigin::signed(4), 101, NET0, 1));
		assert!(crate::Pools::<Test>::get(NET0, 101).is_none());
		check_invariants();
	});
}
