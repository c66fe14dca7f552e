//! # Yuma Consensus, sparse and fixed-point
//!
//! One epoch of a subnet: from stake, the validators' weights and the previous bonds to
//! consensus, validator trust, incentive, bonds, dividends and the emission split. No storage,
//! no floats, no panics; `no_std`, so the same code runs natively in tests and benches and in
//! Wasm on chain. Fractions are [`Q32`] (32 fractional bits). Every step costs O(n + nnz), where
//! nnz is the number of non-zero weights (consensus finds each column's quantile by
//! quickselect: expected linear); nothing is densified into an n × n matrix. In Wasm, 64-bit
//! products are taken with plain multiplications where the factors' bit lengths prove they fit
//! (an overflow-checked multiplication compiles to a 128-bit multiplication routine), and row
//! normalisation divides once per row ([`fixed::WeightScale`]).
//!
//! With `n` UIDs, `S` the stake vector, `W` the weights (row `i` = validator `i`), `B` bonds:
//!
//! 1. **Active stake** ([`active_stake`]): `Sᵢ = stakeᵢ / Σ stake` over UIDs that are active and
//!    hold a validator permit; zero for the rest.
//! 2. **Weights** ([`mask_weights`]): drop rows without a permit or without active stake, self
//!    weights, out-of-range UIDs, and weights set before the target's registration; each row is
//!    normalised to sum to one.
//! 3. **Consensus** ([`consensus`]): `Cⱼ = max { w : Σ_{i : Wᵢⱼ ≥ w} Sᵢ ≥ κ }` — the
//!    stake-weighted κ-quantile of column `j` (κ = ½: the stake-weighted median); zero when
//!    less than κ of the stake weights `j` at all.
//! 4. **Clipping** ([`clip_trust_incentive`], with 5 and 6 in the same pass):
//!    `W̄ᵢⱼ = min(Wᵢⱼ, Cⱼ)`; weight above consensus earns nothing.
//! 5. **Validator trust**: `Tᵢ = Σⱼ W̄ᵢⱼ`.
//! 6. **Incentive**: `Rⱼ = Σᵢ Sᵢ W̄ᵢⱼ`, `Iⱼ = Rⱼ / Σ R`.
//! 7. **Bonds** ([`update_bonds`]): bonds of a UID re-registered since the last epoch are dropped
//!    (row and column). *Absolute* (Yuma3, the default): `Bᵢⱼ ← (1−α) Bᵢⱼ + α W̄ᵢⱼ`, each in
//!    `[0, 1]`. *Relative* (original Yuma): `ΔBᵢⱼ = Sᵢ W̄ᵢⱼ / Σₖ Sₖ W̄ₖⱼ`,
//!    `Bᵢⱼ ← (1−α) Bᵢⱼ + α ΔBᵢⱼ`, then each column normalised to one.
//! 8. **Dividends** ([`dividends`]): absolute `Dᵢ ∝ Sᵢ Σⱼ Bᵢⱼ Iⱼ`, relative
//!    `Dᵢ ∝ Σⱼ Bᵢⱼ Iⱼ`; normalised to one.
//! 9. **Emission split** ([`split_emission`]): a `miner_share` of the epoch's emission goes to
//!    miners by `I`, the rest to validators by `D` (by `S` while no validator has dividends);
//!    what cannot be paid (nobody to pay, rounding) is returned as `unpaid`.
//!
//! The block emission that feeds epochs follows [`schedule::block_emission`]: a halving
//! schedule towards a cap.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod bonds;
mod consensus;
mod epoch;
pub mod fixed;
pub mod permits;
pub mod schedule;
mod split;
mod stake;
mod weights;

pub use bonds::{update_bonds, BondMatrix, BondRow};
pub use consensus::{clip_trust_incentive, consensus};
pub use epoch::{epoch, EpochInput, EpochOutput};
pub use fixed::Q32;
pub use permits::{permit_candidates, top_k_permits};
pub use split::{dividends, split_emission, EmissionSplit};
pub use stake::active_stake;
pub use weights::mask_weights;

use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// A UID's index.
pub type Uid = u16;

/// One row of a sparse matrix: `(column, value)` pairs, columns ascending, no zero values.
pub type SparseRow = Vec<(Uid, Q32)>;

/// A sparse matrix indexed by row UID.
pub type SparseMatrix = Vec<SparseRow>;

/// Collects `items` into a vector allocated once for `capacity` (a filtered row never
/// outgrows its source): in the Wasm runtime each reallocation of a growing vector is a call
/// into the host's allocator.
pub(crate) fn collect_within<T>(capacity: usize, items: impl Iterator<Item = T>) -> Vec<T> {
	let mut collected = Vec::with_capacity(capacity);
	collected.extend(items);
	collected
}

/// How bonds are kept.
#[derive(Encode, Decode, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum BondsMode {
	/// Yuma3: each bond an exponential moving average of the clipped weight, in `[0, 1]`.
	Absolute,
	/// Original Yuma: bonds are each validator's share of a miner's bond column.
	Relative,
}
