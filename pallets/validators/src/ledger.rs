//! A validator's bond: the active part (counts in the election) and the unbonding chunks (still
//! held, still slashable, until their session). Storage-free rules over [`Ledger`].

use crate::types::{Ledger, Unlock};
use frame_support::traits::Get;
use sp_runtime::{traits::Saturating, BoundedVec};
use sp_staking::SessionIndex;

impl<Balance, Max> Ledger<Balance, Max>
where
	Balance: Copy + Saturating + Default + PartialOrd + Eq + core::fmt::Debug,
	Max: Get<u32>,
{
	/// Everything held: the active bond plus every unbonding chunk.
	pub fn total(&self) -> Balance {
		self.unlocking.iter().fold(self.active, |sum, chunk| sum.saturating_add(chunk.amount))
	}

	/// Moves `amount` of the active bond into a chunk that unlocks at session `at`; `None` when
	/// `amount` is zero, the active bond is smaller, or the chunks are full.
	pub fn unbond(&mut self, amount: Balance, at: SessionIndex) -> Option<()> {
		if amount > self.active || amount == Balance::default() {
			return None;
		}
		let mut unlocking = self.unlocking.clone();
		match unlocking.iter_mut().find(|chunk| chunk.session == at) {
			Some(chunk) => chunk.amount = chunk.amount.saturating_add(amount),
			None => unlocking.try_push(Unlock { session: at, amount }).ok()?,
		}
		self.unlocking = unlocking;
		self.active = self.active.saturating_sub(amount);
		Some(())
	}

	/// Removes and returns the chunks unlocked by session `now` (their sum).
	pub fn take_unlocked(&mut self, now: SessionIndex) -> Balance {
		let mut freed = Balance::default();
		self.unlocking.retain(|chunk| {
			let unlocked = chunk.session <= now;
			if unlocked {
				freed = freed.saturating_add(chunk.amount);
			}
			!unlocked
		});
		freed
	}

	/// Takes up to `amount` from the bond, the active part first, then the chunks that unlock
	/// last (the ones the validator would keep longest); returns how much was taken.
	pub fn slash(&mut self, amount: Balance) -> Balance {
		let mut left = amount;
		let from_active = if left > self.active { self.active } else { left };
		self.active = self.active.saturating_sub(from_active);
		left = left.saturating_sub(from_active);
		let mut chunks: BoundedVec<Unlock<Balance>, Max> = self.unlocking.clone();
		for chunk in chunks.iter_mut().rev() {
			let take = if left > chunk.amount { chunk.amount } else { left };
			chunk.amount = chunk.amount.saturating_sub(take);
			left = left.saturating_sub(take);
		}
		chunks.retain(|chunk| chunk.amount > Balance::default());
		self.unlocking = chunks;
		amount.saturating_sub(left)
	}

	/// Whether nothing is held any more.
	pub fn is_empty(&self) -> bool {
		self.total() == Balance::default()
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::unwrap_used)]
mod tests {
	use super::*;
	use frame_support::traits::ConstU32;
	use proptest::prelude::*;

	type TestLedger = Ledger<u64, ConstU32<3>>;

	fn ledger(active: u64) -> TestLedger {
		Ledger { active, unlocking: Default::default() }
	}

	#[test]
	fn unbonding_keeps_the_total_and_merges_chunks_of_one_session() {
		let mut l = ledger(100);
		assert_eq!(l.unbond(30, 5), Some(()));
		assert_eq!(l.unbond(10, 5), Some(()));
		assert_eq!((l.active, l.unlocking.len(), l.total()), (60, 1, 100));
		assert_eq!(l.unbond(61, 6), None);
		assert_eq!(l.total(), 100);
	}

	#[test]
	fn chunks_are_bounded() {
		let mut l = ledger(100);
		for at in 1..=3 {
			assert_eq!(l.unbond(1, at), Some(()));
		}
		assert_eq!(l.unbond(1, 4), None);
		assert_eq!((l.active, l.total()), (97, 100));
	}

	#[test]
	fn only_chunks_due_are_freed() {
		let mut l = ledger(100);
		l.unbond(10, 3).unwrap();
		l.unbond(20, 5).unwrap();
		assert_eq!(l.take_unlocked(2), 0);
		assert_eq!(l.take_unlocked(4), 10);
		assert_eq!((l.total(), l.unlocking.len()), (90, 1));
	}

	#[test]
	fn a_slash_takes_the_active_bond_first_then_the_latest_chunks() {
		let mut l = ledger(100);
		l.unbond(10, 3).unwrap();
		l.unbond(20, 5).unwrap();
		assert_eq!(l.slash(85), 85);
		assert_eq!(l.active, 0);
		assert_eq!(
			l.unlocking.iter().map(|c| (c.session, c.amount)).collect::<Vec<_>>(),
			vec![(3, 10), (5, 5)]
		);
		assert_eq!(l.slash(1_000), 15);
		assert!(l.is_empty());
	}

	proptest! {
		/// Whatever the sequence, the total only falls by what a slash or a withdrawal reports.
		#[test]
		fn the_total_is_conserved(ops in proptest::collection::vec((0u8..3, 0u64..80, 0u32..8), 0..30)) {
			let mut l = ledger(200);
			for (op, amount, at) in ops {
				let before = l.total();
				let gone = match op {
					0 => { let _ = l.unbond(amount, at); 0 },
					1 => l.take_unlocked(at),
					_ => l.slash(amount),
				};
				prop_assert_eq!(l.total() + gone, before);
				prop_assert!(l.unlocking.iter().all(|c| c.amount > 0));
			}
		}
	}
}
