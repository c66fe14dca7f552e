//! Every extrinsic the workers sign, one named builder each: the only module that spells a
//! pallet or call name. Arguments are SCALE values the chain's metadata checks when the call
//! is signed; composite arguments (a model's metadata, a text prompt) are built by their
//! callers and passed in.

use inferchain_inference::Verdict;
use inferchain_rpc_api::{NetUid, RequestId};
use std::net::{IpAddr, SocketAddr};
use subxt::dynamic::Value;

/// A call to sign: its pallet, its name and its arguments.
#[derive(Clone, Debug)]
pub struct Call {
	pub(crate) pallet: &'static str,
	pub(crate) name: &'static str,
	pub(crate) args: Vec<Value>,
}

impl Call {
	fn new(pallet: &'static str, name: &'static str, args: Vec<Value>) -> Self {
		Self { pallet, name, args }
	}

	/// `Pallet.call`, for messages.
	pub fn label(&self) -> String {
		format!("{}.{}", self.pallet, self.name)
	}
}

fn number(value: impl Into<u128>) -> Value {
	Value::u128(value.into())
}

fn subnet(netuid: NetUid) -> Value {
	number(netuid.0)
}

fn request(id: RequestId) -> Value {
	number(id.0)
}

fn u16s(values: &[u16]) -> Value {
	Value::unnamed_composite(values.iter().map(|v| number(*v)))
}

/// `Balances.transfer_keep_alive(dest, amount)`.
pub fn transfer_keep_alive(dest: [u8; 32], amount: u128) -> Call {
	let dest = Value::unnamed_variant("Id", [Value::from_bytes(dest)]);
	Call::new("Balances", "transfer_keep_alive", vec![dest, number(amount)])
}

/// `Subnets.register_subnet(max_lock)`.
pub fn register_subnet(max_lock: u128) -> Call {
	Call::new("Subnets", "register_subnet", vec![number(max_lock)])
}

/// `Subnets.set_subnet_task(netuid, task)`.
pub fn set_subnet_task(netuid: NetUid, task: Value) -> Call {
	Call::new("Subnets", "set_subnet_task", vec![subnet(netuid), task])
}

/// `Subnets.register_neuron(netuid, hotkey, max_burn)`.
pub fn register_neuron(netuid: NetUid, hotkey: [u8; 32], max_burn: u128) -> Call {
	let args = vec![subnet(netuid), Value::from_bytes(hotkey), number(max_burn)];
	Call::new("Subnets", "register_neuron", args)
}

/// `Subnets.set_neuron_role(netuid, hotkey, Validator)`.
pub fn declare_validator(netuid: NetUid, hotkey: [u8; 32]) -> Call {
	let args =
		vec![subnet(netuid), Value::from_bytes(hotkey), Value::unnamed_variant("Validator", [])];
	Call::new("Subnets", "set_neuron_role", args)
}

/// `Subnets.serve_endpoint(netuid, ip, port, Http)`.
pub fn serve_endpoint(netuid: NetUid, addr: SocketAddr) -> Call {
	let ip = match addr.ip() {
		IpAddr::V4(ip) => Value::unnamed_variant("V4", [Value::from_bytes(ip.octets())]),
		IpAddr::V6(ip) => Value::unnamed_variant("V6", [Value::from_bytes(ip.octets())]),
	};
	let args = vec![subnet(netuid), ip, number(addr.port()), Value::unnamed_variant("Http", [])];
	Call::new("Subnets", "serve_endpoint", args)
}

/// `Stake.add_stake(hotkey, netuid, amount)`.
pub fn add_stake(hotkey: [u8; 32], netuid: NetUid, amount: u128) -> Call {
	Call::new("Stake", "add_stake", vec![Value::from_bytes(hotkey), subnet(netuid), number(amount)])
}

/// `Emission.set_weights(netuid, uids, values, version)`.
pub fn set_weights(netuid: NetUid, uids: &[u16], values: &[u16], version: u64) -> Call {
	let args = vec![subnet(netuid), u16s(uids), u16s(values), number(version)];
	Call::new("Emission", "set_weights", args)
}

/// `Emission.commit_weights(netuid, commitment)`.
pub fn commit_weights(netuid: NetUid, commitment: [u8; 32]) -> Call {
	Call::new("Emission", "commit_weights", vec![subnet(netuid), Value::from_bytes(commitment)])
}

/// `Emission.reveal_weights(netuid, uids, values, salt, version)`.
pub fn reveal_weights(
	netuid: NetUid,
	uids: &[u16],
	values: &[u16],
	salt: u64,
	version: u64,
) -> Call {
	let args = vec![subnet(netuid), u16s(uids), u16s(values), number(salt), number(version)];
	Call::new("Emission", "reveal_weights", args)
}

/// `Inference.register_model(digests, metadata)`.
pub fn register_model(digests: Value, metadata: Value) -> Call {
	Call::new("Inference", "register_model", vec![digests, metadata])
}

/// `Inference.set_market_params(netuid, params)`.
pub fn set_market_params(netuid: NetUid, params: Value) -> Call {
	Call::new("Inference", "set_market_params", vec![subnet(netuid), params])
}

/// `Inference.declare_model(netuid, model_id)`.
pub fn declare_model(netuid: NetUid, model_id: [u8; 32]) -> Call {
	Call::new("Inference", "declare_model", vec![subnet(netuid), Value::from_bytes(model_id)])
}

/// `Inference.submit_request(netuid, input, max_fee)`.
pub fn submit_request(netuid: NetUid, input: &[u8], max_fee: u128) -> Call {
	let args = vec![subnet(netuid), Value::from_bytes(input), number(max_fee)];
	Call::new("Inference", "submit_request", args)
}

/// `Inference.submit_text_request(netuid, prompt, options, max_fee)`.
pub fn submit_text_request(netuid: NetUid, prompt: Value, options: Value, max_fee: u128) -> Call {
	Call::new(
		"Inference",
		"submit_text_request",
		vec![subnet(netuid), prompt, options, number(max_fee)],
	)
}

/// `Inference.submit_result(request_id, output, output_commitment)`.
pub fn submit_result(request_id: RequestId, output: Vec<u8>, commitment: [u8; 32]) -> Call {
	let args = vec![request(request_id), Value::from_bytes(output), Value::from_bytes(commitment)];
	Call::new("Inference", "submit_result", args)
}

/// `Inference.submit_generation(request_id, tokens, proof)`.
pub fn submit_generation(request_id: RequestId, tokens: &[u32], proof: &[u8]) -> Call {
	let tokens = Value::unnamed_composite(tokens.iter().map(|token| number(*token)));
	let args = vec![request(request_id), tokens, Value::from_bytes(proof)];
	Call::new("Inference", "submit_generation", args)
}

/// `Inference.commit_verdict(request_id, commitment)`.
pub fn commit_verdict(request_id: RequestId, commitment: [u8; 32]) -> Call {
	let args = vec![request(request_id), Value::from_bytes(commitment)];
	Call::new("Inference", "commit_verdict", args)
}

/// `Inference.reveal_verdict(request_id, verdict, salt)`.
pub fn reveal_verdict(request_id: RequestId, verdict: &Verdict, salt: [u8; 32]) -> Call {
	let verdict = Value::named_composite([
		("agrees", Value::bool(verdict.agrees)),
		("output_commitment", Value::from_bytes(verdict.output_commitment)),
	]);
	Call::new(
		"Inference",
		"reveal_verdict",
		vec![request(request_id), verdict, Value::from_bytes(salt)],
	)
}

/// `Inference.challenge(request_id)`.
pub fn challenge(request_id: RequestId) -> Call {
	Call::new("Inference", "challenge", vec![request(request_id)])
}

/// `Sudo.sudo(call)` of `Subnets.set_hyperparameters(netuid, params)`.
pub fn sudo_set_hyperparameters(netuid: NetUid, params: Value) -> Call {
	let inner = Value::unnamed_variant(
		"Subnets",
		[Value::named_variant(
			"set_hyperparameters",
			[("netuid", subnet(netuid)), ("params", params)],
		)],
	);
	Call::new("Sudo", "sudo", vec![inner])
}
