//! Named genesis states: `development` (one validator, Alice; sessions of
//! [`DEV_SESSION_LENGTH`] blocks) and `local_testnet` (four validators: Alice, Bob, Charlie,
//! Dave; sessions of an hour). Both endow the well-known dev accounts, bond each validator
//! [`VALIDATOR_BOND`] and set its session keys, make Alice the sudo key, and allow private
//! endpoint addresses. These are test keys: never use them on a public network.

use crate::{
	AccountId, Balance, BalancesConfig, RuntimeGenesisConfig, SessionKeys, SubnetsConfig,
	SudoConfig, BABE_GENESIS_EPOCH_CONFIG, HOURS, UNIT,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_babe::AuthorityId as BabeId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Free balance of each endowed dev account: one million tokens.
pub const ENDOWMENT: Balance = 1_000_000 * UNIT;

/// Each genesis validator's bond: ten times `MinValidatorBond`.
pub const VALIDATOR_BOND: Balance = 10_000 * UNIT;
/// Blocks per session on the development chain.
pub const DEV_SESSION_LENGTH: u32 = 10;

/// The BABE and GRANDPA keys of a well-known dev validator.
fn authority_keys(who: Sr25519Keyring) -> (BabeId, GrandpaId) {
	let grandpa = match who {
		Sr25519Keyring::Bob => Ed25519Keyring::Bob,
		Sr25519Keyring::Charlie => Ed25519Keyring::Charlie,
		Sr25519Keyring::Dave => Ed25519Keyring::Dave,
		_ => Ed25519Keyring::Alice,
	};
	(who.public().into(), grandpa.public().into())
}

/// The dev accounts endowed in both presets: Alice to Ferdie and their stashes.
fn endowed_accounts() -> Vec<AccountId> {
	Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect()
}

fn genesis(validators: Vec<Sr25519Keyring>, session_length: u32, root: AccountId) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts().into_iter().map(|a| (a, ENDOWMENT)).collect::<Vec<_>>(),
		},
		babe: pallet_babe::GenesisConfig { epoch_config: BABE_GENESIS_EPOCH_CONFIG },
		validators: pallet_validators::GenesisConfig {
			validators: validators
				.iter()
				.map(|v| (v.to_account_id(), VALIDATOR_BOND))
				.collect::<Vec<_>>(),
			session_length,
		},
		session: pallet_session::GenesisConfig {
			keys: validators
				.iter()
				.map(|v| {
					let (babe, grandpa) = authority_keys(*v);
					(v.to_account_id(), v.to_account_id(), SessionKeys { babe, grandpa })
				})
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		// Both presets run on one machine or a LAN, where workers serve on private addresses.
		subnets: SubnetsConfig { allow_private_endpoints: true },
	})
}

/// Single-validator development chain: Alice authors and finalizes.
pub fn development_genesis() -> Value {
	genesis(vec![Sr25519Keyring::Alice], DEV_SESSION_LENGTH, Sr25519Keyring::Alice.to_account_id())
}

/// Four-validator local testnet: Alice, Bob, Charlie and Dave. GRANDPA needs more than two
/// thirds of them (three) online to finalize.
pub fn local_testnet_genesis() -> Value {
	genesis(
		vec![
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		],
		HOURS,
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The JSON patch of the named preset, or `None` for an unknown name.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEV_RUNTIME_PRESET => development_genesis(),
		LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(),
		_ => return None,
	};
	serde_json::to_vec(&patch).ok()
}

/// Names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(DEV_RUNTIME_PRESET), PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET)]
}
