//! Runtime-level checks: genesis presets build into the state they promise, and the metadata
//! clients need is served.

#![allow(clippy::arithmetic_side_effects)]

use crate::{
	genesis_config_presets::{
		get_preset, preset_names, DEV_SESSION_LENGTH, ENDOWMENT, VALIDATOR_BOND,
	},
	Babe, Balances, Grandpa, Runtime, RuntimeGenesisConfig, Session, HOURS,
};
use frame_support::genesis_builder_helper::build_state;
use serde_json::Value;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::Sr25519Keyring;

/// Applies a preset patch over the default config, as the node does when building a spec.
fn merge(base: &mut Value, patch: Value) {
	match (base, patch) {
		(Value::Object(base), Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

fn genesis_ext(preset: &str) -> sp_io::TestExternalities {
	let patch: Value =
		serde_json::from_slice(&get_preset(&PresetId::from(preset)).unwrap()).unwrap();
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, patch);
	let mut ext = sp_io::TestExternalities::default();
	ext.execute_with(|| build_state::<RuntimeGenesisConfig>(serde_json::to_vec(&config).unwrap()))
		.unwrap();
	ext
}

#[test]
fn both_presets_are_listed() {
	let names = preset_names();
	assert!(names.contains(&PresetId::from(DEV_RUNTIME_PRESET)));
	assert!(names.contains(&PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET)));
	assert!(get_preset(&PresetId::from("no-such-preset")).is_none());
}

#[test]
fn development_preset_has_alice_as_sole_validator_and_sudo() {
	genesis_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(Babe::authorities().len(), 1);
		assert_eq!(Grandpa::grandpa_authorities().len(), 1);
		assert_eq!(Session::validators(), vec![Sr25519Keyring::Alice.to_account_id()]);
		assert_eq!(pallet_validators::SessionLength::<Runtime>::get(), DEV_SESSION_LENGTH);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(Sr25519Keyring::Alice.to_account_id()));
		assert_eq!(Balances::free_balance(Sr25519Keyring::Bob.to_account_id()), ENDOWMENT);
	});
}

#[test]
fn local_testnet_preset_has_four_validators() {
	genesis_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let four = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		];
		let babe: Vec<_> = Babe::authorities().iter().map(|(id, _)| id.clone()).collect();
		let expected: Vec<sp_consensus_babe::AuthorityId> =
			four.iter().map(|k| k.public().into()).collect();
		assert_eq!(babe, expected);
		assert_eq!(Grandpa::grandpa_authorities().len(), 4);
		assert_eq!(pallet_validators::SessionLength::<Runtime>::get(), HOURS);
		for k in four {
			let who = k.to_account_id();
			assert_eq!(pallet_validators::Pallet::<Runtime>::held(&who), VALIDATOR_BOND);
			assert!(pallet_validators::Candidates::<Runtime>::contains_key(&who));
			assert!(pallet_session::NextKeys::<Runtime>::contains_key(&who));
		}
	});
}

#[test]
fn total_issuance_is_the_endowments_plus_the_pallet_accounts_deposits() {
	genesis_ext(DEV_RUNTIME_PRESET).execute_with(|| {
		let accounts = Sr25519Keyring::well_known().count() as u128;
		// The stake and emission pallet accounts each hold the existential deposit.
		assert_eq!(
			Balances::total_issuance(),
			ENDOWMENT * accounts + 2 * crate::EXISTENTIAL_DEPOSIT
		);
		let stake_account = pallet_stake::Pallet::<Runtime>::account_id();
		assert_eq!(Balances::free_balance(stake_account), crate::EXISTENTIAL_DEPOSIT);
	});
}

#[test]
fn both_presets_allow_private_endpoints() {
	for preset in [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET] {
		genesis_ext(preset).execute_with(|| {
			assert!(pallet_subnets::AllowPrivateEndpoints::<Runtime>::get());
		});
	}
}

#[test]
fn pallet_integrity_tests_pass() {
	use frame_support::traits::IntegrityTest;
	sp_io::TestExternalities::default().execute_with(crate::AllPalletsWithSystem::integrity_test);
}

#[test]
fn metadata_v15_and_v16_are_served() {
	let versions = Runtime::metadata_versions();
	assert!(versions.contains(&15), "metadata versions: {versions:?}");
	assert!(versions.contains(&16), "metadata versions: {versions:?}");
}

#[test]
fn a_seated_validator_cannot_change_or_purge_its_session_keys() {
	use sp_runtime::traits::Convert;
	genesis_ext(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let eve = Sr25519Keyring::Eve.to_account_id();
		// Alice sits in the set: her keys are what this session's ownership proofs name. She
		// cannot purge them (nobody can: the call is filtered)…
		use sp_runtime::traits::Dispatchable;
		let purge = crate::RuntimeCall::Session(pallet_session::Call::purge_keys {});
		let refused = purge.dispatch(crate::RuntimeOrigin::signed(alice.clone()));
		assert_eq!(
			refused.map_err(|e| e.error),
			Err(frame_system::Error::<Runtime>::CallFiltered.into())
		);
		assert!(pallet_session::NextKeys::<Runtime>::contains_key(&alice));
		// …nor replace them: `setKeys` finds no validator id for her.
		assert_eq!(crate::configs::ValidatorIdUnlessSeated::convert(alice), None);
		// Anyone outside the current and queued sets may set keys.
		assert_eq!(crate::configs::ValidatorIdUnlessSeated::convert(eve.clone()), Some(eve));
	});
}
