//! Reads of the inference market the end-to-end tests share: balances, stake, and the
//! `Inference` events of a range of blocks, decoded with the runtime's types.

use crate::Client;
use codec::Decode;
use inferchain_runtime::{AccountId, Runtime, RuntimeEvent};
use pallet_inference::Event as InferenceEvent;

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
