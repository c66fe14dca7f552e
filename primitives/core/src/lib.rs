//! # Inferchain primitives
//!
//! Identifiers shared by the runtime, its pallets and off-chain code, and the small traits
//! through which the pallets meet (`SubnetRegistry`, `StakeInfo`, `Slash`, `StakeRewards`, `ValidatorPermits`,
//! `StakeExposure`): each
//! pallet names the trait in its `Config`, the runtime wires the implementation, and no pallet
//! reads another's storage. The traits come with the `traits` feature (default); clients that
//! need only the ids (`inferchain-rpc-api`) leave it out, and with it `sp-runtime`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "traits")]
mod budget;
mod ids;
#[cfg(feature = "traits")]
mod traits;

#[cfg(feature = "traits")]
pub use budget::items_that_fit;
pub use ids::{NetUid, Uid};
#[cfg(feature = "traits")]
pub use traits::{
	EpochParams, NeuronLifecycle, Slash, SlashTarget, StakeExposure, StakeInfo, StakeRewards,
	SubnetRegistry, SubnetWork, ValidatorPermits,
};
