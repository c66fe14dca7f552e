//! Random call sequences from random accounts keep every invariant.

use super::*;
use crate::{IpAddress, Protocol, UidSlots};
use proptest::prelude::*;

/// One step of a random call sequence.
#[derive(Clone, Debug)]
enum Step {
	RegisterSubnet { who: AccountId, max: Balance },
	Dissolve { who: Option<AccountId>, netuid: u16 },
	RegisterNeuron { coldkey: AccountId, netuid: u16, hotkey: AccountId, max_burn: Balance },
	Deregister { who: Option<AccountId>, netuid: u16, uid: u16 },
	Serve { hotkey: AccountId, netuid: u16, private: bool },
	SetMaxUids { who: Option<AccountId>, netuid: u16, max_uids: u16 },
	Score { netuid: u16, scores: Vec<u64> },
	Wait { blocks: u64 },
	Idle { uids: u32 },
}

fn origin(who: Option<AccountId>) -> RuntimeOrigin {
	who.map_or_else(RuntimeOrigin::root, RuntimeOrigin::signed)
}

fn step() -> impl Strategy<Value = Step> {
	let who = proptest::option::of(1u64..=3);
	prop_oneof![
		1 => (1u64..=3, 0u64..2_000).prop_map(|(who, max)| Step::RegisterSubnet { who, max }),
		1 => (who.clone(), 0u16..4).prop_map(|(who, netuid)| Step::Dissolve { who, netuid }),
		4 => (prop_oneof![1u64..=3, Just(BROKE)], 0u16..4, 100u64..112, 0u64..40).prop_map(
			|(coldkey, netuid, hotkey, max_burn)| Step::RegisterNeuron { coldkey, netuid, hotkey, max_burn }
		),
		1 => (who.clone(), 0u16..4, 0u16..8)
			.prop_map(|(who, netuid, uid)| Step::Deregister { who, netuid, uid }),
		1 => (100u64..112, 0u16..4, any::<bool>())
			.prop_map(|(hotkey, netuid, private)| Step::Serve { hotkey, netuid, private }),
		1 => (who, 0u16..4, 0u16..10)
			.prop_map(|(who, netuid, max_uids)| Step::SetMaxUids { who, netuid, max_uids }),
		1 => (0u16..4, proptest::collection::vec(0u64..100, 0..10))
			.prop_map(|(netuid, scores)| Step::Score { netuid, scores }),
		1 => (0u64..30).prop_map(|blocks| Step::Wait { blocks }),
		1 => (0u32..6).prop_map(|uids| Step::Idle { uids }),
	]
}

fn apply(step: Step) {
	// Rejections are part of the sequence; only the invariants matter here.
	let _ = match step {
		Step::RegisterSubnet { who, max } => {
			Subnets::register_subnet(RuntimeOrigin::signed(who), max).map(|_| ())
		},
		Step::Dissolve { who, netuid } => Subnets::dissolve_subnet(origin(who), NetUid(netuid)),
		Step::RegisterNeuron { coldkey, netuid, hotkey, max_burn } => Subnets::register_neuron(
			RuntimeOrigin::signed(coldkey),
			NetUid(netuid),
			hotkey,
			max_burn,
		)
		.map(|_| ())
		.map_err(|e| e.error),
		Step::Deregister { who, netuid, uid } => {
			Subnets::deregister_neuron(origin(who), NetUid(netuid), uid)
				.map(|_| ())
				.map_err(|e| e.error)
		},
		Step::Serve { hotkey, netuid, private } => {
			let ip =
				if private { IpAddress::V4([10, 0, 0, 1]) } else { IpAddress::V4([1, 1, 1, 1]) };
			Subnets::serve_endpoint(
				RuntimeOrigin::signed(hotkey),
				NetUid(netuid),
				ip,
				80,
				Protocol::Http,
			)
		},
		Step::SetMaxUids { who, netuid, max_uids } => {
			let params = crate::SubnetHyperparams {
				max_uids,
				max_validators: max_uids.clamp(1, 2),
				..default_hyperparams()
			};
			Subnets::set_hyperparameters(origin(who), NetUid(netuid), params)
		},
		Step::Score { netuid, scores } => {
			Subnets::set_pruning_scores(NetUid(netuid), &scores);
			Ok(())
		},
		Step::Wait { blocks } => {
			advance(blocks);
			Ok(())
		},
		Step::Idle { uids } => {
			use crate::weights::WeightInfo;
			use frame_support::traits::{Get, Hooks};
			let lookup = <<Test as frame_system::Config>::DbWeight as Get<
				frame_support::weights::RuntimeDbWeight,
			>>::get()
			.reads(1);
			let weight = <() as WeightInfo>::clean_dissolved(uids).saturating_add(lookup);
			Subnets::on_idle(System::block_number(), weight);
			Ok(())
		},
	};
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(128))]

	#[test]
	fn random_call_sequences_keep_the_invariants(steps in proptest::collection::vec(step(), 1..60)) {
		new_test_ext().execute_with(|| {
			for step in steps {
				apply(step);
				Subnets::do_try_state().unwrap();
				assert_issuance_is_accounted();
				prop_assert!(SubnetCount::<Test>::get() <= MAX_SUBNETS);
				let held_total: Balance = [ALICE, BOB, POOR].iter().map(|a| held(*a)).sum();
				let locked_total: Balance =
					SubnetsStorage::<Test>::iter_values().map(|i| i.locked).sum();
				prop_assert_eq!(held_total, locked_total);
				for (netuid, params) in crate::Hyperparams::<Test>::iter() {
					prop_assert!(UidSlots::<Test>::get(netuid).len() <= usize::from(params.max_uids));
				}
			}
			Ok(())
		})?;
	}
}
