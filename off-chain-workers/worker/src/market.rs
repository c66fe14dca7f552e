//! The inference market as workers see it: the node's typed `inference_*` reads (the
//! generated [`InferenceApiClient`]) and the `Inference` events that concern a hotkey.

use crate::chain::{BlockHash, Chain, EventInfo};
use anyhow::Context;
use inferchain_rpc_api::{
	InferenceApiClient, MarketJson, ModelJson, NetUid, RequestId, RequestJson, StatsJson,
};
use subxt::dynamic::At;

impl Chain {
	/// Request `id`, unless unknown or pruned.
	pub async fn request(&self, id: RequestId) -> anyhow::Result<Option<RequestJson>> {
		InferenceApiClient::<BlockHash>::get_request(self.typed(), id, None)
			.await
			.context("inference_getRequest")
	}

	/// What `hotkey` (SS58) did as a miner on `netuid`.
	pub async fn miner_stats(&self, netuid: NetUid, hotkey: &str) -> anyhow::Result<StatsJson> {
		InferenceApiClient::<BlockHash>::get_miner_stats(self.typed(), netuid, hotkey.into(), None)
			.await
			.context("inference_getMinerStats")
	}

	/// Every registered model.
	pub async fn models(&self) -> anyhow::Result<Vec<ModelJson>> {
		InferenceApiClient::<BlockHash>::list_models(self.typed(), None)
			.await
			.context("inference_listModels")
	}

	/// The `Inference` pallet's numeric constant `name` (`MaxInputLen`, `MaxMessages`…).
	pub async fn inference_constant(&self, name: &str) -> anyhow::Result<usize> {
		let at = self.api.at_current_block().await?;
		let query = subxt::dynamic::constant::<subxt::dynamic::Value>("Inference", name);
		let value = at.constants().entry(query)?;
		let number =
			value.as_u128().ok_or_else(|| anyhow::anyhow!("Inference.{name} is not a number"))?;
		Ok(usize::try_from(number)?)
	}

	/// The market settings of `netuid`.
	pub async fn market(&self, netuid: NetUid) -> anyhow::Result<Option<MarketJson>> {
		InferenceApiClient::<BlockHash>::get_market(self.typed(), netuid, None)
			.await
			.context("inference_getMarket")
	}
}

/// The bytes of an account field of an event: an `AccountId32` decodes as a composite of 32
/// bytes (possibly wrapped in one more composite).
pub fn account_field(event: &EventInfo, name: &str) -> Option<[u8; 32]> {
	fn collect(value: &subxt::dynamic::Value, out: &mut Vec<u8>) {
		use subxt::ext::scale_value::ValueDef;
		match &value.value {
			ValueDef::Composite(composite) => composite.values().for_each(|v| collect(v, out)),
			_ => out.extend(value.as_u128().and_then(|byte| u8::try_from(byte).ok())),
		}
	}
	let mut bytes = Vec::new();
	collect(event.fields.at(name)?, &mut bytes);
	bytes.try_into().ok()
}

/// The requests `Inference.RequestAssigned` among `events` assigns to the hotkey `miner` (read
/// from the event's `miner` field: no RPC read for others' assignments).
pub fn assigned_to(events: &[EventInfo], miner: &[u8; 32]) -> Vec<RequestId> {
	events
		.iter()
		.filter(|event| event.name == "Inference.RequestAssigned")
		.filter(|event| account_field(event, "miner").as_ref() == Some(miner))
		.filter_map(|event| event.fields.at("request_id").and_then(|id| id.as_u128()))
		.filter_map(|id| u64::try_from(id).ok().map(RequestId))
		.collect()
}

/// The request ids of the `Inference.<name>` events among `events`.
pub fn request_ids(events: &[EventInfo], name: &str) -> Vec<RequestId> {
	let full = format!("Inference.{name}");
	events
		.iter()
		.filter(|event| event.name == full)
		.filter_map(|event| event.fields.at("request_id").and_then(|id| id.as_u128()))
		.filter_map(|id| u64::try_from(id).ok().map(RequestId))
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use subxt::dynamic::Value;

	#[test]
	fn request_ids_come_from_the_named_events() {
		let event = |name: &str, id: u128| EventInfo {
			name: name.into(),
			fields: Value::named_composite([("request_id", Value::u128(id))]),
		};
		let events = [
			event("Inference.RequestAssigned", 3),
			event("Inference.ResultSubmitted", 4),
			event("Inference.RequestAssigned", 5),
			event("Subnets.RequestAssigned", 6),
		];
		assert_eq!(request_ids(&events, "RequestAssigned"), vec![RequestId(3), RequestId(5)]);
		assert!(request_ids(&events, "AuditAssigned").is_empty());
	}

	#[test]
	fn assignments_are_read_from_the_events_miner_field() {
		let account = |byte: u8| {
			Value::unnamed_composite([Value::unnamed_composite(
				(0..32).map(|_| Value::u128(u128::from(byte))),
			)])
		};
		let assigned = |id: u128, miner: u8| EventInfo {
			name: "Inference.RequestAssigned".into(),
			fields: Value::named_composite([
				("request_id", Value::u128(id)),
				("miner", account(miner)),
			]),
		};
		let events = [assigned(1, 7), assigned(2, 8), assigned(3, 7)];
		assert_eq!(assigned_to(&events, &[7; 32]), vec![RequestId(1), RequestId(3)]);
		assert!(assigned_to(&events, &[9; 32]).is_empty());
	}
}
