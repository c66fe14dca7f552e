//! # Inferchain primitives
//!
//! Identifiers shared by the runtime, its pallets and off-chain code, and the small traits
//! through which the pallets meet (`SubnetRegistry`, `StakeInfo`, `Slash`, `StakeRewards`, `ValidatorPermits`,
//! `StakeExposure`): each
//! pallet names the trait in its `Config`, the runtime wires the implementation, and no pallet
//! reads another's storage.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod budget;
mod ids;
mod traits;

pub use budget::items_that_fit;
pub use ids::{NetUid, Uid};
pub use traits::{
	EpochParams, NeuronLifecycle, Slash, SlashTarget, StakeExposure, StakeInfo, StakeRewards,
	SubnetRegistry, SubnetWork, ValidatorPermits,
};
