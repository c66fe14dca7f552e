//! The inference market as the end-to-end tests share it: the calls that open one, and reads
//! of balances, stake and the `Inference` events of a range of blocks, decoded with the
//! runtime's types.

use crate::Client;
use codec::Decode;
use inferchain_inference::ModelDigests;
use inferchain_primitives::NetUid;
use inferchain_runtime::{AccountId, Runtime, RuntimeCall, RuntimeEvent, StakeCall, UNIT};
use pallet_inference::Event as InferenceEvent;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie};

/// The signed calls, in order, that open a market on a fresh chain: Alice registers subnet 0
/// and the model of `digests` and `metadata` and sets it as the subnet's task; Bob registers
/// Charlie as a miner and stakes `stake` behind it.
pub fn open_market_calls(
	digests: ModelDigests,
	metadata: pallet_inference::ModelMetadataOf<Runtime>,
	stake: u128,
) -> Vec<(Sr25519Keyring, RuntimeCall)> {
	let netuid = NetUid(0);
	let (kind, model_id) =
		(metadata.kind, sp_core::H256(digests.model_id(&metadata.profile, &metadata.output())));
	let hotkey = Charlie.to_account_id();
	let subnets = RuntimeCall::Subnets;
	vec![
		(Alice, subnets(pallet_subnets::Call::register_subnet { max_lock_cost: 1_000 * UNIT })),
		(
			Alice,
			RuntimeCall::Inference(pallet_inference::Call::register_model { digests, metadata }),
		),
		(
			Alice,
			subnets(pallet_subnets::Call::set_subnet_task {
				netuid,
				task: pallet_subnets::SubnetTask { kind, model_id },
			}),
		),
		(
			Bob,
			subnets(pallet_subnets::Call::register_neuron {
				netuid,
				hotkey: hotkey.clone(),
				max_burn: 10 * UNIT,
			}),
		),
		(Bob, RuntimeCall::Stake(StakeCall::add_stake { hotkey, netuid, amount: stake })),
	]
}

/// The balances of `who`.
pub async fn account(
	client: &Client,
	who: &AccountId,
) -> anyhow::Result<pallet_balances::AccountData<u128>> {
	let key = frame_system::Account::<Runtime>::hashed_key_for(who);
	let raw = client.storage(&key, None).await?.unwrap_or_default();
	let info =
		frame_system::AccountInfo::<u32, pallet_balances::AccountData<u128>>::decode(&mut &raw[..])
			.unwrap_or_default();
	Ok(info.data)
}

/// Free balance of `who`.
pub async fn free(client: &Client, who: &AccountId) -> anyhow::Result<u128> {
	Ok(account(client, who).await?.free)
}

/// Balance of `who` on hold (fees, deposits, locks).
pub async fn reserved(client: &Client, who: &AccountId) -> anyhow::Result<u128> {
	Ok(account(client, who).await?.reserved)
}

/// Bonded stake on `hotkey` in subnet 0, from `subnets_getNeurons`.
pub async fn stake_of(client: &Client, hotkey: &str) -> anyhow::Result<u128> {
	let neurons = client.neurons(0, None).await?;
	Ok(neurons.iter().find(|n| n.hotkey == hotkey).map_or(0, |n| n.stake))
}

/// The inference events of blocks `from..=to`, with their block numbers.
pub async fn inference_events(
	client: &Client,
	from: u32,
	to: u32,
) -> anyhow::Result<Vec<(u32, InferenceEvent<Runtime>)>> {
	let mut found = Vec::new();
	for number in from..=to {
		let Some(hash) = client.block_hash(number).await? else { continue };
		for record in client.events(hash).await? {
			if let RuntimeEvent::Inference(event) = record.event {
				found.push((number, event));
			}
		}
	}
	Ok(found)
}
