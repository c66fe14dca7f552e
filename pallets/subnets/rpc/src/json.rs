//! The JSON shapes of the `subnets_*` methods.

use pallet_subnets::{
	BondsMode, Endpoint, IpAddress, Protocol, SubnetHyperparams, SubnetTask, TaskKind,
};
use pallet_subnets_runtime_api::{NeuronView, SubnetView};
use serde::{Deserialize, Serialize};
use sp_core::crypto::{AccountId32, Ss58Codec};

/// A subnet.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SubnetJson {
	/// The subnet.
	pub netuid: u16,
	/// Owner (SS58).
	pub owner: String,
	/// Lock held from the owner (decimal string, plancks).
	pub locked: String,
	/// Block of registration.
	pub registered_at: u32,
	/// Hyperparameters.
	pub hyperparams: HyperparamsJson,
	/// Task, once set.
	pub task: Option<TaskJson>,
	/// Burn a registration pays now (decimal string).
	pub registration_burn: String,
	/// UIDs in use (occupied or vacant).
	pub uids_in_use: u16,
	/// Occupied UIDs.
	pub neurons: u16,
	/// Bonded stake on all hotkeys of the subnet (decimal string).
	pub total_stake: String,
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
	/// `absolute` or `relative`.
	pub bonds_mode: String,
	pub min_burn: String,
	pub max_burn: String,
	pub target_registrations_per_interval: u16,
	pub adjustment_interval: u32,
	pub weights_rate_limit: u32,
	pub commit_reveal: bool,
	pub reveal_period: u32,
	pub serving_rate_limit: u32,
	/// Lowest weights `version_key` accepted (decimal string: u64 exceeds JS numbers).
	pub weights_version: String,
}

/// A subnet's task.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
#[serde(rename_all = "camelCase")]
pub struct TaskJson {
	/// `embedding`, `classification` or `textGeneration`.
	pub kind: String,
	/// Model id, `0x`-prefixed hex.
	pub model_id: String,
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
	/// Bonded stake on the hotkey in this subnet (decimal string).
	pub stake: String,
	/// Whether it holds a validator permit.
	pub validator_permit: bool,
	/// `miner` or `validator`, as its coldkey declared (`set_neuron_role`).
	pub role: String,
	/// Block of registration.
	pub registered_at: u32,
	/// Latest emission, used for pruning.
	pub pruning_score: u64,
	/// Registered by the subnet owner (never pruned).
	pub owner_neuron: bool,
	/// Where it serves.
	pub endpoint: Option<EndpointJson>,
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
	pub protocol: String,
	/// Block of the latest update.
	pub updated_at: u32,
}

fn ss58(account: &AccountId32) -> String {
	account.to_ss58check()
}

impl From<SubnetHyperparams<u128>> for HyperparamsJson {
	fn from(p: SubnetHyperparams<u128>) -> Self {
		Self {
			tempo: p.tempo,
			max_uids: p.max_uids,
			max_validators: p.max_validators,
			immunity_period: p.immunity_period,
			activity_cutoff: p.activity_cutoff,
			kappa: p.kappa.deconstruct(),
			bonds_moving_average: p.bonds_moving_average.deconstruct(),
			bonds_mode: match p.bonds_mode {
				BondsMode::Absolute => "absolute",
				BondsMode::Relative => "relative",
			}
			.into(),
			min_burn: p.min_burn.to_string(),
			max_burn: p.max_burn.to_string(),
			target_registrations_per_interval: p.target_registrations_per_interval,
			adjustment_interval: p.adjustment_interval,
			weights_rate_limit: p.weights_rate_limit,
			commit_reveal: p.commit_reveal,
			reveal_period: p.reveal_period,
			serving_rate_limit: p.serving_rate_limit,
			weights_version: p.weights_version.to_string(),
		}
	}
}

impl From<SubnetTask> for TaskJson {
	fn from(task: SubnetTask) -> Self {
		let kind = match task.kind {
			TaskKind::Embedding => "embedding",
			TaskKind::Classification => "classification",
			TaskKind::TextGeneration => "textGeneration",
		};
		Self { kind: kind.into(), model_id: format!("{:?}", task.model_id) }
	}
}

impl From<Endpoint<u32>> for EndpointJson {
	fn from(endpoint: Endpoint<u32>) -> Self {
		let ip = match endpoint.ip {
			IpAddress::V4(octets) => std::net::Ipv4Addr::from(octets).to_string(),
			IpAddress::V6(octets) => std::net::Ipv6Addr::from(octets).to_string(),
		};
		let protocol = match endpoint.protocol {
			Protocol::Http => "http",
			Protocol::Https => "https",
			Protocol::Grpc => "grpc",
		};
		Self { ip, port: endpoint.port, protocol: protocol.into(), updated_at: endpoint.updated_at }
	}
}

impl From<SubnetView<AccountId32, u128, u32>> for SubnetJson {
	fn from(view: SubnetView<AccountId32, u128, u32>) -> Self {
		Self {
			netuid: view.netuid.0,
			owner: ss58(&view.owner),
			locked: view.locked.to_string(),
			registered_at: view.registered_at,
			hyperparams: view.hyperparams.into(),
			task: view.task.map(Into::into),
			registration_burn: view.registration_burn.to_string(),
			uids_in_use: view.uids_in_use,
			neurons: view.neurons,
			total_stake: view.total_stake.to_string(),
		}
	}
}

impl From<NeuronView<AccountId32, u128, u32>> for NeuronJson {
	fn from(view: NeuronView<AccountId32, u128, u32>) -> Self {
		Self {
			uid: view.uid,
			hotkey: ss58(&view.hotkey),
			coldkey: ss58(&view.coldkey),
			stake: view.stake.to_string(),
			validator_permit: view.validator_permit,
			role: if view.validator { "validator" } else { "miner" }.into(),
			registered_at: view.registered_at,
			pruning_score: view.pruning_score,
			owner_neuron: view.owner_neuron,
			endpoint: view.endpoint.map(Into::into),
		}
	}
}
