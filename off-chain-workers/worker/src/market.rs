//! The inference market as workers see it: the node's typed `inference_*` reads and the
//! `Inference` events that concern a hotkey.

use crate::chain::{Chain, EventInfo};
use serde::Deserialize;
use subxt::{dynamic::At, rpcs::rpc_params};

/// What `inference_getRequest` returns (the fields workers use).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestInfo {
	/// Who asked (SS58).
	#[serde(default)]
	pub requester: String,
	/// The subnet serving it.
	pub netuid: u16,
	/// `0x`-hex model id.
	pub model_id: String,
	/// The input text (a text request's plain-text prompt; empty for a chat prompt).
	pub input: String,
	/// A text-generation request's messages, limits and sampling.
	#[serde(default)]
	pub text: Option<TextInfo>,
	/// `queued`, `assigned`, `answered`, `underReview`, `final`, `rejected`, `expired`.
	pub status: String,
	/// The assigned miner (SS58) while `assigned`.
	pub assigned_miner: Option<String>,
	/// The result, once answered.
	pub result: Option<ResultInfo>,
	/// The open review.
	pub review: Option<ReviewInfo>,
}

/// What a text-generation request asks for (`RequestInfo::text`).
#[derive(Clone, Debug, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TextInfo {
	/// The chat messages (empty: the prompt is the request's input).
	pub messages: Vec<MessageInfo>,
	/// Most tokens to generate.
	pub max_tokens: u32,
	/// Temperature × 1000.
	pub temperature_milli: u32,
	/// Nucleus mass × 1000.
	pub top_p_milli: u32,
	/// The seed, a decimal string.
	pub seed: String,
	/// Strings that end the generation.
	pub stop: Vec<String>,
	/// Price of each generated token (decimal string).
	#[serde(default)]
	pub output_token_fee: String,
}

/// One chat message.
#[derive(Clone, Debug, Deserialize, serde::Serialize)]
pub struct MessageInfo {
	/// `system`, `user` or `assistant`.
	pub role: String,
	/// What is said.
	pub content: String,
}

/// What `inference_getResult` returns (also `RequestInfo::result`).
#[derive(Clone, Debug, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultInfo {
	/// Request id.
	pub request_id: u64,
	/// `pending`, `auditing`, `challenged`, `audited`, `final`, `rejected`, `expired`.
	pub status: String,
	/// The miner (SS58).
	pub miner: Option<String>,
	/// The output values.
	pub output: Option<Vec<f32>>,
	/// A generation's token ids.
	#[serde(default)]
	pub tokens: Option<Vec<u32>>,
	/// A generation's proof (`0x`-hex).
	#[serde(default)]
	pub proof: Option<String>,
	/// `0x`-hex output commitment.
	pub output_commitment: Option<String>,
	/// Block of the answer.
	pub submitted_at: Option<u32>,
	/// Last block of the challenge window.
	pub challenge_until: Option<u32>,
	/// Audits survived.
	pub audits_passed: u8,
	/// Challenges survived.
	pub challenges_passed: u8,
}

/// An open audit or challenge.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewInfo {
	/// `audit`, `challenge` or `escalation`.
	pub kind: String,
	/// The panel.
	pub panel: Vec<SeatInfo>,
	/// Last block for commits.
	pub commit_until: u32,
	/// Last block for reveals.
	pub reveal_until: u32,
}

/// A panel member.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeatInfo {
	/// Validator hotkey (SS58).
	pub validator: String,
	/// Whether it committed.
	pub committed: bool,
}

/// What `inference_getMinerStats` returns.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct MinerStats {
	/// Results submitted.
	pub results: u32,
	/// Results finalized.
	pub finalized: u32,
	/// Reviews survived.
	pub audits_passed: u32,
	/// Reviews failed.
	pub audits_failed: u32,
	/// Deadlines missed.
	pub timeouts: u32,
}

/// A registered model (the fields workers use).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
	/// `0x`-hex model id.
	pub model_id: String,
	/// Its registered name.
	#[serde(default)]
	pub name: String,
	/// `f32`, `f16` or `bf16`.
	#[serde(default)]
	pub dtype: String,
	/// The comparison rule.
	pub rule: inferchain_inference::ComparisonRule,
	/// CPU threads a bitwise profile pins.
	#[serde(default)]
	pub cpu_threads: u16,
	/// Values per input (embeddings) or the vocabulary size (text).
	#[serde(default)]
	pub output_dim: u32,
}

impl ModelInfo {
	/// The runtime profile it was registered with.
	pub fn profile(&self) -> anyhow::Result<inferchain_inference::RuntimeProfile> {
		use inferchain_inference::Dtype;
		let dtype = match self.dtype.as_str() {
			"f32" => Dtype::F32,
			"f16" => Dtype::F16,
			"bf16" => Dtype::Bf16,
			other => anyhow::bail!("unknown dtype `{other}`"),
		};
		Ok(inferchain_inference::RuntimeProfile {
			dtype,
			rule: self.rule,
			cpu_threads: self.cpu_threads,
		})
	}
}

/// What `inference_getMarket` returns.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketInfo {
	/// Fee of a request (decimal string): a text request's base.
	pub request_fee: String,
	/// Text generation: price of a prompt byte (decimal string).
	pub input_byte_fee: String,
	/// Text generation: price of a generated token (decimal string).
	pub output_token_fee: String,
	/// Text generation: most tokens a request may ask for.
	pub max_output_tokens: u32,
}

impl MarketInfo {
	/// What a request costs at most: the base fee, and for text `prompt_bytes` and `max_tokens`
	/// priced as the subnet says.
	pub fn fee(&self, text: Option<(u32, u32)>) -> anyhow::Result<u128> {
		let base: u128 = self.request_fee.parse()?;
		let Some((prompt_bytes, max_tokens)) = text else { return Ok(base) };
		let byte: u128 = self.input_byte_fee.parse()?;
		let token: u128 = self.output_token_fee.parse()?;
		Ok(base
			.saturating_add(byte.saturating_mul(u128::from(prompt_bytes)))
			.saturating_add(token.saturating_mul(u128::from(max_tokens))))
	}
}

impl Chain {
	/// Request `id`, unless unknown or pruned.
	pub async fn request(&self, id: u64) -> anyhow::Result<Option<RequestInfo>> {
		self.rpc("inference_getRequest", rpc_params![id]).await
	}

	/// The result of request `id` with its verification status.
	pub async fn result(&self, id: u64) -> anyhow::Result<Option<ResultInfo>> {
		self.rpc("inference_getResult", rpc_params![id]).await
	}

	/// What `hotkey` (SS58) did as a miner on `netuid`.
	pub async fn miner_stats(&self, netuid: u16, hotkey: &str) -> anyhow::Result<MinerStats> {
		self.rpc("inference_getMinerStats", rpc_params![netuid, hotkey]).await
	}

	/// Every registered model.
	pub async fn models(&self) -> anyhow::Result<Vec<ModelInfo>> {
		self.rpc("inference_listModels", rpc_params![]).await
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
	pub async fn market(&self, netuid: u16) -> anyhow::Result<Option<MarketInfo>> {
		self.rpc("inference_getMarket", rpc_params![netuid]).await
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
pub fn assigned_to(events: &[EventInfo], miner: &[u8; 32]) -> Vec<u64> {
	events
		.iter()
		.filter(|event| event.name == "Inference.RequestAssigned")
		.filter(|event| account_field(event, "miner").as_ref() == Some(miner))
		.filter_map(|event| event.fields.at("request_id").and_then(|id| id.as_u128()))
		.filter_map(|id| u64::try_from(id).ok())
		.collect()
}

/// The request ids of the `Inference.<name>` events among `events`.
pub fn request_ids(events: &[EventInfo], name: &str) -> Vec<u64> {
	let full = format!("Inference.{name}");
	events
		.iter()
		.filter(|event| event.name == full)
		.filter_map(|event| event.fields.at("request_id").and_then(|id| id.as_u128()))
		.filter_map(|id| u64::try_from(id).ok())
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
		assert_eq!(request_ids(&events, "RequestAssigned"), vec![3, 5]);
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
		assert_eq!(assigned_to(&events, &[7; 32]), vec![1, 3]);
		assert!(assigned_to(&events, &[9; 32]).is_empty());
	}

	#[test]
	fn the_nodes_json_parses() {
		let json = serde_json::json!({
			"id": 1, "requester": "5Grw", "netuid": 0, "modelId": "0xab", "input": "hi",
			"fee": "10", "submittedAt": 3, "attempts": 1, "status": "underReview",
			"assignedMiner": null, "deadline": null, "challengeUntil": 30, "auditsPassed": 0,
			"challengesPassed": 0, "pruneAt": null,
			"result": { "requestId": 1, "status": "auditing", "miner": "5F", "output": [0.5],
				"outputCommitment": "0x01", "submittedAt": 5, "challengeUntil": 30,
				"auditsPassed": 0, "challengesPassed": 0 },
			"review": { "kind": "audit", "challenger": null, "commitUntil": 10,
				"revealUntil": 14, "panel": [{ "validator": "5V", "committed": false,
				"agrees": null }] }
		});
		let request: RequestInfo = serde_json::from_value(json).unwrap();
		assert_eq!(request.review.unwrap().panel[0].validator, "5V");
		assert_eq!(request.result.unwrap().output, Some(vec![0.5]));
	}
}
