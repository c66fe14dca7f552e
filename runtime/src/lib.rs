//! # Inferchain runtime
//!
//! The Wasm state-transition function of Inferchain: FRAME system pallets (timestamp, BABE,
//! GRANDPA, authorship, session with historical key ownership, offences, balances, transaction
//! payment, sudo, utility) and Inferchain's own pallets (validators, subnets, stake, emission,
//! inference).
//! Composition lives here; each pallet's `Config` lives in [`configs`], the runtime APIs in
//! [`apis`], and the named genesis states in [`genesis_config_presets`].
//!
//! Invariants kept here: the token is `INFER` with [`TOKEN_DECIMALS`] decimals; a block is
//! produced every [`MILLI_SECS_PER_BLOCK`] ms (a BABE slot) by the validators elected from bonds.

#![cfg_attr(not(feature = "std"), no_std)]
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
mod inference_views;
mod randomness;
#[cfg(test)]
mod tests;
mod views;

use alloc::vec::Vec;
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_emission::Call as EmissionCall;
pub use pallet_stake::Call as StakeCall;
pub use pallet_subnets::Call as SubnetsCall;
#[cfg(feature = "std")]
pub use sp_runtime::BuildStorage;

/// Types the node needs without knowing the runtime's extrinsic format.
pub mod opaque {
	use super::*;
	use sp_runtime::traits::Hash as HashT;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The session keys of a validator: BABE for block production, GRANDPA for finality.
	pub struct SessionKeys {
		pub babe: Babe,
		pub grandpa: Grandpa,
	}
}

/// Runtime version. Bump `spec_version` on every change of runtime logic.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("inferchain"),
	impl_name: alloc::borrow::Cow::Borrowed("inferchain"),
	authoring_version: 1,
	spec_version: 127,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// Target block time. Fixed for the chain's life: changing it breaks BABE's slot arithmetic.
pub const MILLI_SECS_PER_BLOCK: u64 = 3000;
/// BABE slot duration, equal to the block time.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// The chance that a slot has a primary (VRF-won) author: 1/4. Slots nobody wins go to the
/// slot's secondary author, who also signs a VRF output (so every block carries one).
pub const PRIMARY_PROBABILITY: (u64, u64) = (1, 4);
/// BABE's epoch configuration at genesis.
pub const BABE_GENESIS_EPOCH_CONFIG: sp_consensus_babe::BabeEpochConfiguration =
	sp_consensus_babe::BabeEpochConfiguration {
		c: PRIMARY_PROBABILITY,
		allowed_slots: sp_consensus_babe::AllowedSlots::PrimaryAndSecondaryVRFSlots,
	};

/// Blocks per minute at the target block time.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
/// Blocks per hour at the target block time.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day at the target block time.
pub const DAYS: BlockNumber = HOURS * 24;

/// Token symbol shown by wallets (chain property `tokenSymbol`).
pub const TOKEN_SYMBOL: &str = "INFER";
/// Decimal places of the token (chain property `tokenDecimals`).
pub const TOKEN_DECIMALS: u8 = 12;
/// SS58 address prefix (42: the generic Substrate prefix).
pub const SS58_PREFIX: u16 = 42;

/// One whole token in the smallest units.
pub const UNIT: Balance = 1_000_000_000_000;
/// A thousandth of a token.
pub const MILLI_UNIT: Balance = 1_000_000_000;
/// A millionth of a token.
pub const MICRO_UNIT: Balance = 1_000_000;
/// Smallest balance an account may hold; below it the account is reaped.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Transaction signature: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;
/// An account id: the public key of the signature scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance of an account, in the smallest units.
pub type Balance = u128;
/// Transaction counter of an account.
pub type Nonce = u32;
/// Block and state hashes.
pub type Hash = sp_core::H256;
/// Block height.
pub type BlockNumber = u32;
/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// A block with its justifications.
pub type SignedBlock = generic::SignedBlock<Block>;

/// Checks and payment applied to every signed transaction, in order.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Extrinsic as it appears on the wire.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload a signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// The storage migrations from the last release's runtime (`releases/`): each pallet's
/// `VersionedMigration`s, oldest first (see `releases/README.md`). Empty while every pallet's
/// storage is as in the last release (v124): CI (`e2e/tests/release.rs`) fails when a pallet's
/// storage changes without a new storage version, and the upgrade test's try-runtime checks fail
/// when a version rises without its migration here.
type Migrations = ();

/// Dispatches blocks and extrinsics to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	/// The Inferchain runtime.
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Babe = pallet_babe;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(7)]
	pub type Utility = pallet_utility;

	#[runtime::pallet_index(8)]
	pub type Authorship = pallet_authorship;

	#[runtime::pallet_index(9)]
	pub type Offences = pallet_offences;

	// Before Session: its genesis bonds the validators Session's genesis asks it to elect.
	#[runtime::pallet_index(14)]
	pub type Validators = pallet_validators;

	#[runtime::pallet_index(15)]
	pub type Historical = pallet_session::historical;

	#[runtime::pallet_index(16)]
	pub type Session = pallet_session;

	#[runtime::pallet_index(10)]
	pub type Subnets = pallet_subnets;

	#[runtime::pallet_index(11)]
	pub type Stake = pallet_stake;

	#[runtime::pallet_index(12)]
	pub type Emission = pallet_emission;

	#[runtime::pallet_index(13)]
	pub type Inference = pallet_inference;
}
