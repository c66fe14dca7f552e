//! From the runtime API's records to the JSON of [`inferchain_rpc_api`].

use inferchain_rpc_api::{
	BondsModeJson, EndpointJson, Hex, HyperparamsJson, NeuronJson, NeuronRole, ProtocolJson,
	SubnetJson, TaskJson,
};
use pallet_subnets::{BondsMode, Endpoint, IpAddress, Protocol, SubnetHyperparams, SubnetTask};
use pallet_subnets_runtime_api::{NeuronView, SubnetView};
use sp_core::crypto::{AccountId32, Ss58Codec};

fn ss58(account: &AccountId32) -> String {
	account.to_ss58check()
}

fn hyperparams(p: SubnetHyperparams<u128>) -> HyperparamsJson {
	HyperparamsJson {
		tempo: p.tempo,
		max_uids: p.max_uids,
		max_validators: p.max_validators,
		immunity_period: p.immunity_period,
		activity_cutoff: p.activity_cutoff,
		kappa: p.kappa.deconstruct(),
		bonds_moving_average: p.bonds_moving_average.deconstruct(),
		bonds_mode: match p.bonds_mode {
			BondsMode::Absolute => BondsModeJson::Absolute,
			BondsMode::Relative => BondsModeJson::Relative,
		},
		min_burn: p.min_burn,
		max_burn: p.max_burn,
		target_registrations_per_interval: p.target_registrations_per_interval,
		adjustment_interval: p.adjustment_interval,
		weights_rate_limit: p.weights_rate_limit,
		commit_reveal: p.commit_reveal,
		reveal_period: p.reveal_period,
		serving_rate_limit: p.serving_rate_limit,
		weights_version: p.weights_version,
	}
}

fn task(task: SubnetTask) -> TaskJson {
	TaskJson { kind: task.kind, model_id: Hex(task.model_id.0) }
}

fn endpoint(endpoint: Endpoint<u32>) -> EndpointJson {
	let ip = match endpoint.ip {
		IpAddress::V4(octets) => std::net::Ipv4Addr::from(octets).to_string(),
		IpAddress::V6(octets) => std::net::Ipv6Addr::from(octets).to_string(),
	};
	let protocol = match endpoint.protocol {
		Protocol::Http => ProtocolJson::Http,
		Protocol::Https => ProtocolJson::Https,
		Protocol::Grpc => ProtocolJson::Grpc,
	};
	EndpointJson { ip, port: endpoint.port, protocol, updated_at: endpoint.updated_at }
}

/// A subnet.
pub fn subnet(view: SubnetView<AccountId32, u128, u32>) -> SubnetJson {
	SubnetJson {
		netuid: view.netuid,
		owner: ss58(&view.owner),
		locked: view.locked,
		registered_at: view.registered_at,
		hyperparams: hyperparams(view.hyperparams),
		task: view.task.map(task),
		registration_burn: view.registration_burn,
		uids_in_use: view.uids_in_use,
		neurons: view.neurons,
		total_stake: view.total_stake,
	}
}

/// A neuron.
pub fn neuron(view: NeuronView<AccountId32, u128, u32>) -> NeuronJson {
	NeuronJson {
		uid: view.uid,
		hotkey: ss58(&view.hotkey),
		coldkey: ss58(&view.coldkey),
		stake: view.stake,
		validator_permit: view.validator_permit,
		role: if view.validator { NeuronRole::Validator } else { NeuronRole::Miner },
		registered_at: view.registered_at,
		pruning_score: view.pruning_score,
		owner_neuron: view.owner_neuron,
		endpoint: view.endpoint.map(endpoint),
	}
}
