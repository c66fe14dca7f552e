//! `Q32`: an unsigned fixed-point number with 32 fractional bits, `value = raw / 2³²`.
//!
//! Yuma works on fractions in `[0, 1]` (and row or column sums slightly above). A power-of-two
//! scale makes a product one 64×64→128-bit multiplication and a shift, cheap in Wasm, where the
//! decimal-scaled types of `sp-arithmetic` divide by 10⁹ after every multiplication (a 128-bit
//! software division). Every operation saturates or rounds down; none panics.

use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{helpers_128bit::multiply_by_rational_with_rounding, Rounding};

/// `raw / 2³²`.
#[derive(
	Encode,
	Decode,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Default,
	Debug,
)]
pub struct Q32(pub u64);

const FRACTION_BITS: u32 = 32;

impl Q32 {
	/// Zero.
	pub const ZERO: Q32 = Q32(0);
	/// One.
	pub const ONE: Q32 = Q32(1 << FRACTION_BITS);

	/// `numerator / denominator`, rounded down; zero when `denominator` is zero.
	pub fn from_ratio(numerator: u128, denominator: u128) -> Q32 {
		if denominator == 0 || numerator == 0 {
			return Q32::ZERO;
		}
		let raw = multiply_by_rational_with_rounding(
			numerator,
			1u128 << FRACTION_BITS,
			denominator,
			Rounding::Down,
		)
		.unwrap_or(u128::MAX);
		Q32(u64::try_from(raw).unwrap_or(u64::MAX))
	}

	/// `parts / 1_000_000_000` (a `Perbill`'s parts).
	pub fn from_parts_per_billion(parts: u32) -> Q32 {
		Q32::from_ratio(u128::from(parts), 1_000_000_000)
	}

	/// `self × other`, rounded down. Fractions up to one multiply in 64 bits; larger values
	/// fall back to 128.
	pub fn mul_floor(self, other: Q32) -> Q32 {
		// Factors with 64 leading zero bits between them cannot overflow 64 bits: one plain
		// multiplication (an overflow-checked one is a 128-bit multiplication routine in Wasm).
		if self.0.leading_zeros().saturating_add(other.0.leading_zeros()) >= 64 {
			return Q32(self.0.wrapping_mul(other.0) >> FRACTION_BITS);
		}
		let product = u128::from(self.0).saturating_mul(u128::from(other.0)) >> FRACTION_BITS;
		Q32(u64::try_from(product).unwrap_or(u64::MAX))
	}

	/// `self / other`, rounded down; zero when `other` is zero. A dividend below one divides
	/// in 64 bits; larger ones in 128.
	pub fn div_floor(self, other: Q32) -> Q32 {
		if other.0 == 0 {
			return Q32::ZERO;
		}
		if let Some(shifted) = self.0.checked_shl(FRACTION_BITS).filter(|_| self.0 >> 32 == 0) {
			return Q32(shifted.checked_div(other.0).unwrap_or(0));
		}
		let quotient =
			(u128::from(self.0) << FRACTION_BITS).checked_div(u128::from(other.0)).unwrap_or(0);
		Q32(u64::try_from(quotient).unwrap_or(u64::MAX))
	}

	/// `numerator / denominator` for a weight (`numerator` < 2¹⁶, so the shifted numerator fits
	/// 64 bits): one 64-bit division. Zero when `denominator` is zero; saturates above one's
	/// range only if `numerator > denominator · 2³²`, which a row total never allows.
	pub fn from_weight(numerator: u16, denominator: u64) -> Q32 {
		let shifted = u64::from(numerator) << FRACTION_BITS;
		Q32(shifted.checked_div(denominator).unwrap_or(0))
	}

	/// `self + other`, saturating.
	pub fn saturating_add(self, other: Q32) -> Q32 {
		Q32(self.0.saturating_add(other.0))
	}

	/// `self − other`, saturating at zero.
	pub fn saturating_sub(self, other: Q32) -> Q32 {
		Q32(self.0.saturating_sub(other.0))
	}

	/// `⌊amount × self⌋` for a balance (`u128::MAX` if that does not fit), as
	/// `A · self + ⌊B · self / 2³²⌋` where `amount = A · 2³² + B`: two 128-bit multiplications,
	/// where a general multiply-by-rational costs a 256-bit division (an epoch pays every UID
	/// with this).
	pub fn of(self, amount: u128) -> u128 {
		let factor = u128::from(self.0);
		let low = amount & u128::from(u32::MAX);
		// low < 2³², factor < 2⁶⁴: the product fits.
		let part = low.wrapping_mul(factor) >> FRACTION_BITS;
		(amount >> FRACTION_BITS)
			.checked_mul(factor)
			.and_then(|whole| whole.checked_add(part))
			.unwrap_or(u128::MAX)
	}

	/// Whether this is zero.
	pub fn is_zero(self) -> bool {
		self.0 == 0
	}
}

/// `w ↦ ⌊w · 2³² / total⌋` ([`Q32::from_weight`]) for every `u16` weight `w` of one row, with
/// the row's division done once: each weight then costs two multiplications and a comparison
/// (a division per weight was the largest single cost of row normalisation). Exact: the
/// estimate `w · ⌊2⁴⁸ / total⌋ / 2¹⁶` is the quotient or one below it, and one multiplication
/// tells which.
#[derive(Clone, Copy, Debug)]
pub struct WeightScale {
	total: u64,
	reciprocal: u64,
}

impl WeightScale {
	/// The scale of a row whose weights sum to `total` (zero: every weight maps to zero).
	pub fn new(total: u64) -> WeightScale {
		WeightScale { total, reciprocal: (1u64 << 48).checked_div(total).unwrap_or(0) }
	}

	/// `⌊weight · 2³² / total⌋`, as [`Q32::from_weight`] computes it.
	pub fn apply(self, weight: u16) -> Q32 {
		if self.total == 0 {
			return Q32::ZERO;
		}
		let weight = u64::from(weight);
		// weight · ⌊2⁴⁸/total⌋ < 2¹⁶ · 2⁴⁸: no overflow. It exceeds weight · 2⁴⁸/total − weight,
		// and weight < 2¹⁶, so after the shift it is the quotient or one below. (estimate + 1) ·
		// total ≤ weight · 2³² + total < 2⁴⁹ when total ≤ 2⁴⁸, and is total itself above that
		// (the estimate is then zero): no overflow either. Plain multiplications, as an
		// overflow-checked one is a 128-bit multiplication routine in Wasm.
		let estimate = weight.wrapping_mul(self.reciprocal) >> 16;
		let next = estimate.saturating_add(1);
		if next.wrapping_mul(self.total) <= weight << FRACTION_BITS {
			Q32(next)
		} else {
			Q32(estimate)
		}
	}
}

/// Sum of fractions, saturating.
pub fn sum(values: impl IntoIterator<Item = Q32>) -> Q32 {
	values.into_iter().fold(Q32::ZERO, Q32::saturating_add)
}

/// Scales `values` so they sum to one (each rounded down); all zero stays all zero.
pub fn normalize(values: &mut [Q32]) {
	let total = sum(values.iter().copied());
	if total.is_zero() {
		return;
	}
	for value in values.iter_mut() {
		*value = value.div_floor(total);
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn arithmetic_rounds_down_and_never_panics() {
		let half = Q32::from_ratio(1, 2);
		assert_eq!(half.mul_floor(half), Q32::from_ratio(1, 4));
		assert_eq!(half.div_floor(half), Q32::ONE);
		assert_eq!(Q32::ONE.div_floor(Q32::ZERO), Q32::ZERO);
		assert_eq!(Q32(u64::MAX).saturating_add(Q32::ONE), Q32(u64::MAX));
		assert_eq!(Q32::from_ratio(1, 3).of(3_000_000_000), 999_999_999);
		assert_eq!(Q32::from_ratio(u128::MAX, 1), Q32(u64::MAX));
		assert_eq!(Q32::ONE.mul_floor(Q32::ONE), Q32::ONE);
		assert_eq!(Q32(3 << 32).mul_floor(Q32(5 << 32)), Q32(15 << 32));
		assert_eq!(Q32(6 << 32).div_floor(Q32(3 << 32)), Q32(2 << 32));
		assert_eq!(Q32::from_weight(3, 4), Q32::from_ratio(3, 4));
		assert_eq!(Q32::from_weight(1, 0), Q32::ZERO);
	}

	#[test]
	fn the_weight_scale_equals_a_division_per_weight() {
		let totals = [1u64, 2, 3, 7, 255, 65_535, 65_536, 99_991, 1 << 27, (1 << 28) - 1, 1 << 48];
		let totals = totals.into_iter().chain([(1 << 48) + 1, 1 << 60, u64::MAX]);
		for total in totals.chain(0..300) {
			let scale = WeightScale::new(total);
			for weight in (0..=u16::MAX).step_by(97).chain([1, u16::MAX - 1, u16::MAX]) {
				assert_eq!(
					scale.apply(weight),
					Q32::from_weight(weight, total),
					"{weight}/{total}"
				);
			}
		}
	}
}
