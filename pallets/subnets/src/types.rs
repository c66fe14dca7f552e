//! Records the pallet stores: subnets, their hyperparameters and task, neurons and endpoints.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::Perbill;

/// What the chain records about a registered subnet.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct SubnetInfo<AccountId, Balance, BlockNumber> {
	/// The account that registered the subnet and may administer it.
	pub owner: AccountId,
	/// The amount held from the owner for this subnet, released on dissolution.
	pub locked: Balance,
	/// Block in which the subnet was registered.
	pub registered_at: BlockNumber,
}

/// How Yuma's bonds are kept (used by the emission pallet).
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum BondsMode {
	/// Yuma3-style: each bond is an absolute EMA in `[0, 1]` per validator-miner pair.
	Absolute,
	/// The original Yuma: bonds normalised per miner column.
	Relative,
}

/// A subnet's tunable parameters. New subnets start from the runtime's `DefaultHyperparams`;
/// block counts are in blocks, fractions are `Perbill`.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct SubnetHyperparams<Balance> {
	/// Blocks between two epochs (Yuma runs and pays out once per tempo).
	pub tempo: u16,
	/// Most neurons the subnet holds; at most the runtime's `MaxUidsLimit`.
	pub max_uids: u16,
	/// Size of the validator set: the top hotkeys by stake get a validator permit.
	pub max_validators: u16,
	/// Blocks after registration during which a neuron cannot be replaced.
	pub immunity_period: u32,
	/// Blocks without a weight update after which a validator counts as inactive.
	pub activity_cutoff: u32,
	/// Fraction of stake that must support a weight for it to enter consensus.
	pub kappa: Perbill,
	/// Weight of the newest observation in the bonds' moving average.
	pub bonds_moving_average: Perbill,
	/// How bonds are kept.
	pub bonds_mode: BondsMode,
	/// Lowest registration burn.
	pub min_burn: Balance,
	/// Highest registration burn.
	pub max_burn: Balance,
	/// Registrations per adjustment interval the burn steers towards.
	pub target_registrations_per_interval: u16,
	/// Blocks per burn adjustment interval.
	pub adjustment_interval: u32,
	/// Blocks a validator must wait between two weight updates.
	pub weights_rate_limit: u32,
	/// Whether weights must be committed then revealed (plain `set_weights` only when off).
	pub commit_reveal: bool,
	/// Blocks between a weights commit and the earliest reveal.
	pub reveal_period: u32,
	/// Blocks a neuron must wait between two endpoint updates.
	pub serving_rate_limit: u32,
	/// Lowest `version_key` validators' weights must carry: the owner raises it to make
	/// validators running outdated scoring software stop setting weights.
	pub weights_version: u64,
}

pub use inferchain_inference::TaskKind;

/// A subnet's task: the kind of work and the model that must do it.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub struct SubnetTask {
	/// The kind of work.
	pub kind: TaskKind,
	/// Id of the model (hash of its weights, config, tokenizer and runtime profile).
	pub model_id: H256,
}

/// What a neuron does on its subnet, declared by its coldkey (`set_neuron_role`). The roles
/// are distinct: stake on a miner never turns it into a validator.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
)]
pub enum NeuronRole {
	/// Serves requests (every new registration starts here); never holds a validator permit.
	#[default]
	Miner,
	/// Checks miners, sets weights, sits on review panels; eligible for a validator permit
	/// (with enough stake), never assigned requests.
	Validator,
}

/// Per-UID data kept densely per subnet, so choosing the neuron to replace reads one value.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct UidSlot<BlockNumber> {
	/// Whether a neuron holds the UID (false after a deregistration, until it is reused).
	pub occupied: bool,
	/// Block of the holder's registration.
	pub registered_at: BlockNumber,
	/// The holder's latest emission, written by the emission pallet; the lowest is replaced.
	pub pruning_score: u64,
	/// Whether the holder was registered by the subnet owner's coldkey (never replaced).
	pub owner_neuron: bool,
	/// The holder's role (a new holder starts as a miner: a permit never passes with a UID).
	pub role: NeuronRole,
}

/// The registration burn of a subnet and the registrations counted towards its next adjustment.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Default)]
pub struct BurnState<Balance, BlockNumber> {
	/// Burn a registration pays now.
	pub burn: Balance,
	/// First block of the current adjustment interval.
	pub interval_start: BlockNumber,
	/// Registrations so far in the current interval.
	pub registrations: u16,
}

/// An IP address a neuron serves on.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum IpAddress {
	/// IPv4, four octets.
	V4([u8; 4]),
	/// IPv6, sixteen octets.
	V6([u8; 16]),
}

/// Wire protocol of an endpoint.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum Protocol {
	/// Plain HTTP.
	Http,
	/// HTTP over TLS.
	Https,
	/// gRPC.
	Grpc,
}

/// Where a neuron serves requests.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct Endpoint<BlockNumber> {
	/// Address.
	pub ip: IpAddress,
	/// TCP port, never zero.
	pub port: u16,
	/// Wire protocol.
	pub protocol: Protocol,
	/// Block of the latest update (for the serving rate limit).
	pub updated_at: BlockNumber,
}
