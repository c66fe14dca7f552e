//! The agenda: actions due in a block (assignments, deadlines, audit draws, review tallies,
//! finalization, pruning), run by `on_initialize`. A block holds at most `MaxAgendaLen`
//! actions; an action that does not fit goes to the next block with room, up to
//! [`SCHEDULE_TRIES`] blocks later, so the work of one block stays bounded.

use crate::{Action, Agenda, Config, Error, Pallet};
use frame_support::{traits::Get, weights::Weight};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{One, Saturating};

/// Blocks tried, from the one asked for, before an action is refused.
pub const SCHEDULE_TRIES: u32 = 16;

impl<T: Config> Pallet<T> {
	/// Puts `action` in the agenda of `at`, or of the first later block with room; returns the
	/// block it went in.
	pub(crate) fn schedule(
		at: BlockNumberFor<T>,
		action: Action,
	) -> Result<BlockNumberFor<T>, Error<T>> {
		let mut block = at;
		for _ in 0..SCHEDULE_TRIES {
			// An append: a full agenda costs only reading its length, and a push writes only
			// the new entry (the agenda is never decoded whole).
			if Agenda::<T>::try_append(block, action).is_ok() {
				return Ok(block);
			}
			block = block.saturating_add(One::one());
		}
		Err(Error::<T>::MarketBusy)
	}

	/// Runs every action due at `now`; returns the weight used.
	pub(crate) fn run_agenda(now: BlockNumberFor<T>) -> Weight {
		let agenda = Agenda::<T>::take(now);
		let mut used = T::DbWeight::get().reads_writes(1, 1);
		for action in agenda {
			let weight = match action {
				Action::Assign(id) => Self::assign(id, now),
				Action::Timeout(id, attempt) => Self::timeout(id, attempt, now),
				Action::DrawAudit(id) => Self::draw_audit(id, now),
				Action::FormCommittee(id) => Self::form_committee(id, now),
				Action::CloseReview(id) => Self::close_review(id, now),
				Action::Finalize(id) => Self::finalize(id, now),
				Action::Prune(id) => Self::prune(id, now),
			};
			used = used.saturating_add(weight);
		}
		used
	}

	/// The weight of an action that found its request moved on (one read).
	pub(crate) fn stale_action() -> Weight {
		T::DbWeight::get().reads(1)
	}

	/// Weight charged for a UID-scanning action on a subnet of `uids` UIDs.
	pub(crate) fn uid_count(uids: usize) -> u32 {
		u32::try_from(uids).unwrap_or(u32::MAX)
	}
}
