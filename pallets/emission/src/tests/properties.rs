//! Random sequences of blocks, stake changes, weights, registrations, deregistrations and
//! dissolutions keep every invariant, and everything minted is paid, burned or pending:
//! `issuance = genesis issuance + Issued − burned` after every step.

use super::*;
use crate::{commit_hash, Issued};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Step {
	Blocks(u64),
	Stake { coldkey: AccountId, hotkey: AccountId, netuid: u16, amount: Balance },
	Unstake { coldkey: AccountId, hotkey: AccountId, netuid: u16, amount: Balance },
	SetWeights { hotkey: AccountId, uids: Vec<u16>, values: Vec<u16> },
	CommitReveal { hotkey: AccountId, uids: Vec<u16>, values: Vec<u16>, salt: u64 },
	Register { coldkey: AccountId, netuid: u16, hotkey: AccountId },
	Deregister { netuid: u16, uid: u16 },
	Dissolve { netuid: u16 },
}

fn hotkey() -> impl Strategy<Value = AccountId> {
	prop_oneof![Just(VALIDATOR), Just(MINER), Just(STRANGER), Just(103u64), Just(104u64)]
}

fn coldkey() -> impl Strategy<Value = AccountId> {
	prop_oneof![Just(ALICE), Just(BOB), Just(CHARLIE), Just(DAVE)]
}

fn row() -> impl Strategy<Value = (Vec<u16>, Vec<u16>)> {
	proptest::collection::btree_map(0u16..5, 0u16..1_000, 0..4)
		.prop_map(|row| row.into_iter().unzip())
}

fn step() -> impl Strategy<Value = Step> {
	prop_oneof![
		4 => (1u64..12).prop_map(Step::Blocks),
		3 => (coldkey(), hotkey(), 0u16..2, 100u64..2_000)
			.prop_map(|(coldkey, hotkey, netuid, amount)| Step::Stake { coldkey, hotkey, netuid, amount }),
		1 => (coldkey(), hotkey(), 0u16..2, 1u64..2_000)
			.prop_map(|(coldkey, hotkey, netuid, amount)| Step::Unstake { coldkey, hotkey, netuid, amount }),
		2 => (hotkey(), row()).prop_map(|(hotkey, (uids, values))| Step::SetWeights { hotkey, uids, values }),
		2 => (hotkey(), row(), any::<u64>())
			.prop_map(|(hotkey, (uids, values), salt)| Step::CommitReveal { hotkey, uids, values, salt }),
		1 => (coldkey(), 0u16..2, hotkey())
			.prop_map(|(coldkey, netuid, hotkey)| Step::Register { coldkey, netuid, hotkey }),
		1 => (0u16..2, 0u16..4).prop_map(|(netuid, uid)| Step::Deregister { netuid, uid }),
		1 => (0u16..2).prop_map(|netuid| Step::Dissolve { netuid }),
	]
}

/// Applies `step`; subnet 0 has commit-reveal off, subnet 1 on. Rejections are part of it.
fn apply(step: Step) {
	let signed = RuntimeOrigin::signed;
	let _ = match step {
		Step::Blocks(n) => {
			run_blocks(n);
			Ok(())
		},
		Step::Stake { coldkey, hotkey, netuid, amount } => {
			Stake::add_stake(signed(coldkey), hotkey, NetUid(netuid), amount)
		},
		Step::Unstake { coldkey, hotkey, netuid, amount } => {
			Stake::remove_stake(signed(coldkey), hotkey, NetUid(netuid), amount)
		},
		Step::SetWeights { hotkey, uids, values } => {
			Emission::set_weights(signed(hotkey), NET0, uids, values, 0)
		},
		Step::CommitReveal { hotkey, uids, values, salt } => {
			let commit = commit_hash(&hotkey, NET1, &uids, &values, salt, 0);
			let _ = Emission::commit_weights(signed(hotkey), NET1, commit);
			run_blocks(2);
			Emission::reveal_weights(signed(hotkey), NET1, uids, values, salt, 0)
		},
		Step::Register { coldkey, netuid, hotkey } => {
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

fn burned() -> Balance {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Balances(pallet_balances::Event::Burned { amount, .. }) => Some(amount),
			_ => None,
		})
		.sum()
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]

	#[test]
	fn everything_minted_is_paid_burned_or_pending(steps in proptest::collection::vec(step(), 1..40)) {
		new_test_ext().execute_with(|| {
			without_commit_reveal(NET0);
			let genesis = Balances::total_issuance();
			for step in steps {
				apply(step);
				check_invariants();
				prop_assert_eq!(Balances::total_issuance(), genesis + Issued::<Test>::get() - burned());
			}
			Ok(())
		})?;
	}
}
