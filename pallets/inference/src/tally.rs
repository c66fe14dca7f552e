//! How a panel's revealed verdicts decide a review, free of storage.
//!
//! Each seat weighs the stake its validator had when the panel was drawn. With `S` the stake of
//! the whole panel, `R` the revealed stake, `A` and `D` the stake that revealed "agree" and
//! "disagree" (`R = A + D`), a quorum `q` and a supermajority `t`:
//!
//! - `R < q·S`: **undecided** (too few revealed);
//! - `D ≥ t·R`: **reject**;
//! - `A ≥ t·R`: **uphold**;
//! - otherwise **undecided** (split).
//!
//! Why it holds against liars: let liars hold at most a share `L` of the panel's stake. A
//! rejection needs `D ≥ t·R ≥ t·q·S`, so liars alone reject only if `L ≥ t·q`; with `t = q = ⅔`
//! that is `L ≥ 4/9`, above the third the protocol tolerates. Upholding a wrong result needs
//! `A ≥ t·R`; honest members (at least `⅔` of `S`) all revealing "disagree" give
//! `D ≥ ⅔·S ≥ ⅔·R`, a rejection. A split decides nothing, so no honest member is ever on the
//! losing side of a decision while honest stake holds `t` of the revealed stake.

use sp_runtime::Perbill;

/// What a review's verdicts decided.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Decision {
	/// The result is wrong.
	Reject,
	/// The result is right.
	Uphold,
	/// No quorum, or no side reached the supermajority: the result stands, nobody who revealed
	/// is penalised.
	Undecided,
}

/// Stake behind each side of a review.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Tally {
	/// Stake that revealed "agree".
	pub agree: u128,
	/// Stake that revealed "disagree".
	pub disagree: u128,
	/// Stake of the whole panel, revealed or not.
	pub panel: u128,
}

impl Tally {
	/// Adds a seat of `stake`: revealed `Some(agrees)`, or silent.
	pub fn add(&mut self, stake: u128, revealed: Option<bool>) {
		self.panel = self.panel.saturating_add(stake);
		match revealed {
			Some(true) => self.agree = self.agree.saturating_add(stake),
			Some(false) => self.disagree = self.disagree.saturating_add(stake),
			None => {},
		}
	}

	/// The decision under `quorum` (q) and `supermajority` (t), as in the module docs. A panel
	/// without stake (every seat at zero) decides nothing.
	pub fn decide(&self, quorum: Perbill, supermajority: Perbill) -> Decision {
		let revealed = self.agree.saturating_add(self.disagree);
		if self.panel == 0 || revealed == 0 || !at_least(revealed, quorum, self.panel) {
			return Decision::Undecided;
		}
		if at_least(self.disagree, supermajority, revealed) {
			Decision::Reject
		} else if at_least(self.agree, supermajority, revealed) {
			Decision::Uphold
		} else {
			Decision::Undecided
		}
	}
}

/// Whether `part ≥ share × whole`, exactly: `part · 10⁹ ≥ share_ppb · whole` in 256-bit
/// arithmetic (split into two 128-bit products), so no rounding favours either side.
fn at_least(part: u128, share: Perbill, whole: u128) -> bool {
	let lhs = sp_core::U256::from(part).saturating_mul(sp_core::U256::from(1_000_000_000u32));
	let rhs = sp_core::U256::from(whole).saturating_mul(sp_core::U256::from(share.deconstruct()));
	lhs >= rhs
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	fn two_thirds() -> Perbill {
		Perbill::from_rational(2u32, 3u32)
	}

	fn tally(seats: &[(u128, Option<bool>)]) -> Decision {
		let mut tally = Tally::default();
		for (stake, revealed) in seats {
			tally.add(*stake, *revealed);
		}
		tally.decide(two_thirds(), two_thirds())
	}

	#[test]
	fn supermajorities_decide_and_splits_do_not() {
		assert_eq!(tally(&[(1, Some(false)), (1, Some(false)), (1, Some(true))]), Decision::Reject);
		assert_eq!(tally(&[(1, Some(true)), (1, Some(true)), (1, Some(false))]), Decision::Uphold);
		assert_eq!(tally(&[(1, Some(true)), (1, Some(false))]), Decision::Undecided);
		// One agreeing seat alone (an audit) upholds; one dissent alone rejects.
		assert_eq!(tally(&[(5, Some(true))]), Decision::Uphold);
		assert_eq!(tally(&[(5, Some(false))]), Decision::Reject);
	}

	#[test]
	fn too_little_revealed_stake_decides_nothing() {
		// 2 of 6 revealed: below the ⅔ quorum even though both agree.
		assert_eq!(tally(&[(1, Some(false)), (1, Some(false)), (4, None)]), Decision::Undecided);
		assert_eq!(tally(&[(4, Some(false)), (2, None)]), Decision::Reject);
		assert_eq!(tally(&[(1, None)]), Decision::Undecided);
		assert_eq!(tally(&[]), Decision::Undecided);
		assert_eq!(tally(&[(0, Some(false))]), Decision::Undecided);
	}

	#[test]
	fn stake_not_seats_decides() {
		// Two small dissents against one large agreement.
		assert_eq!(
			tally(&[(1, Some(false)), (1, Some(false)), (10, Some(true))]),
			Decision::Uphold
		);
	}

	#[test]
	fn exact_thresholds_are_met_without_rounding() {
		// D = ⅔·R exactly with R = 3·10³⁰.
		let big = 10u128.pow(30);
		assert_eq!(tally(&[(2 * big, Some(false)), (big, Some(true))]), Decision::Reject);
		assert_eq!(tally(&[(u128::MAX, Some(false)), (1, Some(true))]), Decision::Reject);
	}

	proptest! {
		/// Liars holding less than 4/9 of the panel's stake never reject, whatever they reveal
		/// and whoever stays silent; honest members holding ⅔ who all reveal always reject a
		/// wrong result.
		#[test]
		fn a_third_of_lying_stake_cannot_decide(
			honest in prop::collection::vec((1u128..1_000, any::<bool>()), 1..12),
			liars in prop::collection::vec((1u128..1_000, prop::option::of(any::<bool>())), 0..6),
		) {
			let honest_stake: u128 = honest.iter().map(|(s, _)| s).sum();
			let liar_stake: u128 = liars.iter().map(|(s, _)| s).sum();
			prop_assume!(liar_stake * 3 <= honest_stake + liar_stake);
			// The result is right: honest members agree or stay silent; liars do anything.
			let mut right = Tally::default();
			for (stake, speaks) in &honest {
				right.add(*stake, speaks.then_some(true));
			}
			for (stake, revealed) in &liars {
				right.add(*stake, *revealed);
			}
			prop_assert_ne!(right.decide(two_thirds(), two_thirds()), Decision::Reject);
			// The result is wrong: every honest member reveals "disagree".
			let mut wrong = Tally::default();
			for (stake, _) in &honest {
				wrong.add(*stake, Some(false));
			}
			for (stake, revealed) in &liars {
				wrong.add(*stake, *revealed);
			}
			prop_assert_eq!(wrong.decide(two_thirds(), two_thirds()), Decision::Reject);
		}
	}
}
