//! Named genesis states: `development` (one validator, Alice) and `local_testnet` (four
//! validators: Alice, Bob, Charlie, Dave). Both endow the well-known dev accounts and make Alice
//! the sudo key, and allow private endpoint addresses. These are test keys: never use them on a
//! public network.

use crate::{
	AccountId, Balance, BalancesConfig, RuntimeGenesisConfig, SubnetsConfig, SudoConfig, UNIT,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Free balance of each endowed dev account: one million tokens.
pub const ENDOWMENT: Balance = 1_000_000 * UNIT;

/// The Aura and GRANDPA keys of a well-known dev validator.
fn authority_keys(who: Sr25519Keyring) -> (AuraId, GrandpaId) {
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

fn genesis(authorities: Vec<(AuraId, GrandpaId)>, root: AccountId) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts().into_iter().map(|a| (a, ENDOWMENT)).collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: authorities.iter().map(|(aura, _)| aura.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: authorities.iter().map(|(_, gp)| (gp.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		// Both presets run on one machine or a LAN, where workers serve on private addresses.
		subnets: SubnetsConfig { allow_private_endpoints: true },
	})
}

/// Single-validator development chain: Alice authors and finalizes.
pub fn development_genesis() -> Value {
	genesis(vec![authority_keys(Sr25519Keyring::Alice)], Sr25519Keyring::Alice.to_account_id())
}

/// Four-validator local testnet: Alice, Bob, Charlie and Dave. GRANDPA needs more than two
/// thirds of them (three) online to finalize.
pub fn local_testnet_genesis() -> Value {
	genesis(
		[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie, Sr25519Keyring::Dave]
			.into_iter()
			.map(authority_keys)
			.collect(),
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
