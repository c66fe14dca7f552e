//! `subnets_getSubnet` and `subnets_getNeurons`: one subnet and its metagraph.

use crate::wire::{decimal, Hex};
use inferchain_inference::TaskKind;
use inferchain_primitives::NetUid;
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use serde::{Deserialize, Serialize};

/// The `subnets_*` methods, read at the best block or at `at`.
#[rpc(client, server)]
pub trait SubnetsApi<BlockHash> {
	/// The subnet `netuid` (owner, lock, hyperparameters, task, current registration burn, UID
	/// counts, total stake), or `null` if it is not registered.
	#[method(name = "subnets_getSubnet")]
	fn get_subnet(&self, netuid: NetUid, at: Option<BlockHash>) -> RpcResult<Option<SubnetJson>>;

	/// The occupied UIDs of `netuid` in UID order (hotkey, coldkey, stake, validator permit,
	/// endpoint…), or `null` if it is not registered.
	#[method(name = "subnets_getNeurons")]
	fn get_neurons(
		&self,
		netuid: NetUid,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Vec<NeuronJson>>>;
}

/// A subnet.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SubnetJson {
	/// The subnet.
	pub netuid: NetUid,
	/// Owner (SS58).
	pub owner: String,
	/// Lock held from the owner (plancks).
	#[serde(with = "decimal")]
	pub locked: u128,
	/// Block of registration.
	pub registered_at: u32,
	/// Hyperparameters.
	pub hyperparams: HyperparamsJson,
	/// Task, once set.
	pub task: Option<TaskJson>,
	/// Burn a registration pays now (plancks).
	#[serde(with = "decimal")]
	pub registration_burn: u128,
	/// UIDs in use (occupied or vacant).
	pub uids_in_use: u16,
	/// Occupied UIDs.
	pub neurons: u16,
	/// Bonded stake on all hotkeys of the subnet (plancks).
	#[serde(with = "decimal")]
	pub total_stake: u128,
}

/// How bonds grow: `absolute` or `relative` (see `pallet_subnets::BondsMode`).
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum BondsModeJson {
	Absolute,
	Relative,
}

/// A subnet's hyperparameters; see `pallet_subnets::SubnetHyperparams` for each field.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct HyperparamsJson {
	pub tempo: u16,
	pub max_uids: u16,
	pub max_validators: u16,
	pub immunity_period: u32,
	pub activity_cutoff: u32,
	/// Parts per billion.
	pub kappa: u32,
	/// Parts per billion.
	pub bonds_moving_average: u32,
	pub bonds_mode: BondsModeJson,
	#[serde(with = "decimal")]
	pub min_burn: u128,
	#[serde(with = "decimal")]
	pub max_burn: u128,
	pub target_registrations_per_interval: u16,
	pub adjustment_interval: u32,
	pub weights_rate_limit: u32,
	pub commit_reveal: bool,
	pub reveal_period: u32,
	pub serving_rate_limit: u32,
	/// Lowest weights `version_key` accepted (a decimal string: u64 exceeds JS numbers).
	#[serde(with = "decimal")]
	pub weights_version: u64,
}

/// A subnet's task.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct TaskJson {
	/// `embedding`, `classification` or `textGeneration`.
	pub kind: TaskKind,
	/// Model id (`0x`-hex).
	pub model_id: Hex<[u8; 32]>,
}

/// What a neuron's coldkey declared it to be (`set_neuron_role`).
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
pub enum NeuronRole {
	/// Serves inference.
	Miner,
	/// Checks miners and sets weights.
	Validator,
}

/// One neuron.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct NeuronJson {
	/// UID.
	pub uid: u16,
	/// Hotkey (SS58).
	pub hotkey: String,
	/// Owning coldkey (SS58).
	pub coldkey: String,
	/// Bonded stake on the hotkey in this subnet (plancks).
	#[serde(with = "decimal")]
	pub stake: u128,
	/// Whether it holds a validator permit.
	pub validator_permit: bool,
	/// `miner` or `validator`, as its coldkey declared.
	pub role: NeuronRole,
	/// Block of registration.
	pub registered_at: u32,
	/// Latest emission, used for pruning.
	pub pruning_score: u64,
	/// Registered by the subnet owner (never pruned).
	pub owner_neuron: bool,
	/// Where it serves.
	pub endpoint: Option<EndpointJson>,
}

/// How an endpoint is spoken to.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum ProtocolJson {
	Http,
	Https,
	Grpc,
}

/// A published endpoint.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct EndpointJson {
	/// IPv4 or IPv6 address in its usual text form.
	pub ip: String,
	/// TCP port.
	pub port: u16,
	/// `http`, `https` or `grpc`.
	pub protocol: ProtocolJson,
	/// Block of the latest update.
	pub updated_at: u32,
}

impl EndpointJson {
	/// The base URL of an HTTP(S) endpoint (`http://1.2.3.4:8080`, `https://[::1]:443`).
	pub fn base_url(&self) -> Option<String> {
		let host = match self.ip.parse::<std::net::IpAddr>().ok()? {
			std::net::IpAddr::V4(ip) => ip.to_string(),
			std::net::IpAddr::V6(ip) => format!("[{ip}]"),
		};
		let scheme = match self.protocol {
			ProtocolJson::Http => "http",
			ProtocolJson::Https => "https",
			ProtocolJson::Grpc => return None,
		};
		Some(format!("{scheme}://{host}:{}", self.port))
	}
}
