//! The block emission schedule: a pure function of what the schedule has issued so far.
//!
//! Emission halves each time issuance passes another half of what remained below the cap: era
//! `k` starts when `issued ≥ cap · (1 − 2⁻ᵏ)`, i.e. when `remaining · 2ᵏ ≤ cap`, and pays
//! `initial / 2ᵏ` per block, never more than what remains. So the first half of the cap is paid
//! at `initial` per block, the next quarter at `initial / 2`, and so on; issuance approaches the
//! cap and never passes it.

/// The halving era at `issued` of `cap`: the largest `k` with `(cap − issued) · 2ᵏ ≤ cap`
/// (`None` once nothing remains).
pub fn era(issued: u128, cap: u128) -> Option<u32> {
	let remaining = cap.checked_sub(issued).filter(|remaining| *remaining > 0)?;
	let mut k = 0u32;
	while remaining
		.checked_shl(k.saturating_add(1))
		.filter(|doubled| doubled >> k.saturating_add(1) == remaining)
		.is_some_and(|doubled| doubled <= cap)
	{
		k = k.saturating_add(1);
	}
	Some(k)
}

/// Emission of the next block: `initial / 2^era`, at most what remains below `cap`.
pub fn block_emission(issued: u128, cap: u128, initial: u128) -> u128 {
	let Some(k) = era(issued, cap) else { return 0 };
	initial.checked_shr(k).unwrap_or(0).min(cap.saturating_sub(issued))
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	const CAP: u128 = 21_000_000;

	#[test]
	fn emission_halves_at_each_half_of_what_remains() {
		assert_eq!(block_emission(0, CAP, 1_000), 1_000);
		assert_eq!(block_emission(CAP / 2 - 1, CAP, 1_000), 1_000);
		assert_eq!(block_emission(CAP / 2, CAP, 1_000), 500);
		assert_eq!(block_emission(CAP / 4 * 3, CAP, 1_000), 250);
		assert_eq!(block_emission(CAP - 1, CAP, 1_000), 0);
		assert_eq!(block_emission(CAP, CAP, 1_000), 0);
		assert_eq!(block_emission(CAP + 5, CAP, 1_000), 0);
	}

	#[test]
	fn emission_never_passes_the_cap() {
		assert_eq!(block_emission(0, 10, 1_000), 10);
		assert_eq!(era(0, u128::MAX), Some(0));
		assert_eq!(era(u128::MAX - 1, u128::MAX), Some(127));
	}

	proptest! {
		#[test]
		fn emission_is_non_increasing_and_bounded_by_what_remains(
			cap in 1u128..1u128 << 100, a in 0u128..1u128 << 100, b in 0u128..1u128 << 100,
			initial in 0u128..1u128 << 60,
		) {
			let (low, high) = (a.min(b) % (cap + 1), a.max(b) % (cap + 1));
			let (low, high) = (low.min(high), low.max(high));
			prop_assert!(block_emission(high, cap, initial) <= block_emission(low, cap, initial));
			prop_assert!(block_emission(low, cap, initial) <= cap - low);
		}

		#[test]
		fn issuing_block_by_block_stays_below_the_cap(cap in 1u128..100_000, initial in 1u128..5_000) {
			let mut issued = 0u128;
			for _ in 0..2_000 {
				issued += block_emission(issued, cap, initial);
				prop_assert!(issued <= cap);
			}
		}
	}
}
