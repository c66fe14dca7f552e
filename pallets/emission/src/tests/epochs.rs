//! Epochs: scheduling, payouts, and dissolution.

use super::*;
use crate::{Bonds, LastEpoch, Permits, Weights};
use inferchain_primitives::StakeInfo;

/// `hotkey`'s bonded stake on subnet 0, rewards accrued by epochs included.
fn stake_of(hotkey: AccountId) -> Balance {
	pallet_stake::Pallet::<Test>::stake_of(NET0, &hotkey)
}

fn epoch_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Emission(event @ Event::EpochRun { .. }) => Some(event),
			_ => None,
		})
		.collect()
}

#[test]
fn the_first_epoch_comes_one_tempo_after_a_subnet_is_first_seen() {
	new_test_ext().execute_with(|| {
		run_blocks(1);
		assert_eq!(LastEpoch::<Test>::get(NET0), Some(2));
		run_blocks(9);
		assert!(epoch_events().is_empty());
		run_blocks(1);
		// One epoch per block in the mock: subnet 0 now, subnet 1 in the next block.
		assert_eq!(epoch_events().len(), 1);
		run_blocks(1);
		assert_eq!(epoch_events().len(), 2);
		assert_eq!(LastEpoch::<Test>::get(NET1), Some(13));
	});
}

#[test]
fn without_weights_nobody_is_active_and_all_but_the_owners_cut_stays_pending() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 300);
		let alice = Balances::free_balance(ALICE);
		first_epoch();
		// Blocks 2..=12 minted 11 × 1000 into subnet 0; 18 % goes to the owner. No validator
		// has set weights (none is active), so no miner has incentive and no validator counts:
		// the rest waits for the next epoch.
		assert_eq!(
			epoch_events(),
			vec![Event::EpochRun { netuid: NET0, owner_cut: 1_980, paid: 0, unpaid: 9_020 }]
		);
		assert_eq!(Balances::free_balance(ALICE), alice + 1_980);
		assert_eq!(stake_of(VALIDATOR), 300);
		assert_eq!(Pending::<Test>::get(NET0), 9_020);
		assert_eq!(Permits::<Test>::get(NET0).into_inner(), vec![true, false]);
		check_invariants();
	});
}

#[test]
fn stake_on_a_miner_never_earns_it_a_permit() {
	new_test_ext().execute_with(|| {
		// The miner holds far more stake than the validator, and max_validators leaves room.
		stake(BOB, VALIDATOR, NET0, 300);
		stake(DAVE, MINER, NET0, 10_000);
		first_epoch();
		assert_eq!(Permits::<Test>::get(NET0).into_inner(), vec![true, false]);
		assert_eq!(crate::PermitStakes::<Test>::get(NET0).into_inner(), vec![(0, 300)]);
		check_invariants();
	});
}

#[test]
fn a_permit_does_not_pass_to_the_uids_next_holder() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 300);
		first_epoch();
		assert_eq!(Permits::<Test>::get(NET0).first(), Some(&true));
		assert_ok!(Subnets::deregister_neuron(RuntimeOrigin::signed(ALICE), NET0, 0));
		assert_eq!(Permits::<Test>::get(NET0).first(), Some(&false));
		assert!(crate::PermitStakes::<Test>::get(NET0).is_empty());
		check_invariants();
	});
}

#[test]
fn an_epoch_pays_miners_by_incentive_and_validators_by_dividends() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 300);
		stake(CHARLIE, MINER, NET0, 100);
		without_commit_reveal(NET0);
		first_epoch();
		assert_ok!(Emission::set_weights(
			RuntimeOrigin::signed(VALIDATOR),
			NET0,
			vec![1],
			vec![1],
			0
		));
		let miner_before = stake_of(MINER);
		let validator_before = stake_of(VALIDATOR);
		run_blocks(10);
		let Some(Event::EpochRun { owner_cut, paid, unpaid, .. }) = epoch_events().pop() else {
			panic!("an epoch ran")
		};
		assert!(owner_cut > 0 && paid > 0);
		assert!(unpaid <= 2, "only rounding stays pending: {unpaid}");
		let miner_gain = stake_of(MINER) - miner_before;
		let validator_gain = stake_of(VALIDATOR) - validator_before;
		// The miner earns half of what is left after the owner's cut; the validator the rest.
		assert_eq!(miner_gain + validator_gain, paid);
		assert!(miner_gain.abs_diff(validator_gain) <= 1, "{miner_gain} vs {validator_gain}");
		assert!(!Bonds::<Test>::get(NET0, 0).unwrap().is_empty());
		// Pruning scores follow the payout.
		let slots = pallet_subnets::UidSlots::<Test>::get(NET0);
		assert_eq!((slots[0].pruning_score, slots[1].pruning_score), (validator_gain, miner_gain));
		check_invariants();
	});
}

#[test]
fn dissolving_a_subnet_burns_its_pending_emission_and_removes_its_state() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 300);
		without_commit_reveal(NET0);
		first_epoch();
		assert_ok!(Emission::set_weights(
			RuntimeOrigin::signed(VALIDATOR),
			NET0,
			vec![1],
			vec![1],
			0
		));
		run_blocks(13);
		let issuance = Balances::total_issuance();
		let pending = Pending::<Test>::get(NET0);
		assert!(pending > 0);
		assert_ok!(Subnets::dissolve_subnet(RuntimeOrigin::root(), NET0));
		assert_eq!(Balances::total_issuance(), issuance - pending);
		assert_eq!(Pending::<Test>::get(NET0), 0);
		assert!(LastEpoch::<Test>::get(NET0).is_none());
		// Per-UID state waits for on_idle: nothing when no weight is spare, all when enough is.
		assert!(crate::DissolvedSubnets::<Test>::contains_key(NET0));
		assert_eq!(Weights::<Test>::iter_prefix(NET0).count(), 1);
		Emission::on_idle(System::block_number(), Weight::zero());
		assert_eq!(Weights::<Test>::iter_prefix(NET0).count(), 1);
		Emission::on_idle(System::block_number(), Weight::MAX);
		assert!(!crate::DissolvedSubnets::<Test>::contains_key(NET0));
		assert_eq!(Weights::<Test>::iter_prefix(NET0).count(), 0);
		assert_eq!(crate::WeightsSetAt::<Test>::iter_prefix(NET0).count(), 0);
		assert_eq!(Bonds::<Test>::iter_prefix(NET0).count(), 0);
		check_invariants();
	});
}

#[test]
fn on_idle_removes_a_dissolved_subnets_entries_in_bounded_batches() {
	use crate::{weights::WeightInfo, Commits, DissolvedSubnets, WeightsSetAt};
	let mut ext = new_test_ext();
	ext.execute_with(|| {
		for uid in 0..10u16 {
			let row = crate::WeightsOf::<Test>::from_pairs([(uid, 1)]);
			Weights::<Test>::insert(NET1, uid, row);
			WeightsSetAt::<Test>::insert(NET1, uid, 1);
			Bonds::<Test>::insert(NET1, uid, crate::BondsOf::<Test>::from_pairs([(uid, 1)]));
			Commits::<Test>::insert(NET1, u64::from(uid) + 1_000, (sp_core::H256::zero(), 1));
		}
		<Emission as inferchain_primitives::NeuronLifecycle<AccountId>>::on_subnet_dissolved(NET1);
	});
	// `clear_prefix` limits count backend keys, not the overlay's: commit after each block, as
	// a real chain does.
	ext.commit_all().unwrap();
	let lookup = ext.execute_with(|| {
		<<Test as frame_system::Config>::DbWeight as Get<frame_support::weights::RuntimeDbWeight>>::get()
			.reads(1)
	});
	let per_uid = <() as WeightInfo>::clean_dissolved(1) - <() as WeightInfo>::clean_dissolved(0);
	// Room for 4 UIDs' entries per block: 3 blocks for 10.
	let budget = <() as WeightInfo>::clean_dissolved(0) + lookup + per_uid.saturating_mul(4);
	let mut blocks = 0;
	while ext.execute_with(|| DissolvedSubnets::<Test>::contains_key(NET1)) {
		let used = ext.execute_with(|| Emission::on_idle(System::block_number(), budget));
		ext.commit_all().unwrap();
		assert!(used.all_lte(budget), "{used:?} > {budget:?}");
		blocks += 1;
		assert!(blocks <= 3, "not done after 3 blocks");
	}
	assert_eq!(blocks, 3);
	ext.execute_with(|| {
		assert_eq!(Weights::<Test>::iter_prefix(NET1).count(), 0);
		assert_eq!(WeightsSetAt::<Test>::iter_prefix(NET1).count(), 0);
		assert_eq!(Bonds::<Test>::iter_prefix(NET1).count(), 0);
		assert_eq!(Commits::<Test>::iter_prefix(NET1).count(), 0);
		// Nothing queued: a lookup only.
		assert_eq!(Emission::on_idle(System::block_number(), Weight::MAX), lookup);
	});
}

#[test]
fn a_validator_losing_its_permit_loses_its_bonds() {
	new_test_ext().execute_with(|| {
		stake(BOB, VALIDATOR, NET0, 300);
		without_commit_reveal(NET0);
		first_epoch();
		assert_ok!(Emission::set_weights(
			RuntimeOrigin::signed(VALIDATOR),
			NET0,
			vec![1],
			vec![1],
			0
		));
		run_blocks(10);
		assert!(Bonds::<Test>::get(NET0, 0).is_some_and(|row| !row.is_empty()));
		assert_eq!(Permits::<Test>::get(NET0).first(), Some(&true));

		// One permit only, and the miner turns validator with more stake: the validator loses
		// its permit at the next epoch, and its bonds with it.
		let mut params = pallet_subnets::Hyperparams::<Test>::get(NET0).unwrap();
		params.max_validators = 1;
		assert_ok!(Subnets::set_hyperparameters(RuntimeOrigin::root(), NET0, params));
		stake(CHARLIE, MINER, NET0, 10_000);
		let validator = pallet_subnets::NeuronRole::Validator;
		assert_ok!(Subnets::set_neuron_role(RuntimeOrigin::signed(DAVE), NET0, MINER, validator));
		run_blocks(10);
		assert_eq!(Permits::<Test>::get(NET0).first(), Some(&false));
		assert!(Bonds::<Test>::get(NET0, 0).is_none());
		check_invariants();
	});
}
