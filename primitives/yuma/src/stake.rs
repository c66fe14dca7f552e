//! Step 1: active stake.

use crate::fixed::Q32;
use alloc::vec::Vec;

/// `Sᵢ = stakeᵢ / Σ stake` over UIDs with `active` and `permit`; zero for the others (and for
/// everyone when that stake sums to zero).
pub fn active_stake(stake: &[u128], active: &[bool], permit: &[bool]) -> Vec<Q32> {
	let counted: Vec<u128> = stake
		.iter()
		.zip(active.iter().chain(core::iter::repeat(&false)))
		.zip(permit.iter().chain(core::iter::repeat(&false)))
		.map(|((stake, active), permit)| if *active && *permit { *stake } else { 0 })
		.collect();
	let total = counted.iter().fold(0u128, |sum, stake| sum.saturating_add(*stake));
	counted.into_iter().map(|stake| Q32::from_ratio(stake, total)).collect()
}
