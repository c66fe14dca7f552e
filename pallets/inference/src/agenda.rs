//! The agenda: actions due in a block (assignments, deadlines, audit draws, review tallies,
//! finalization, pruning), run by `on_initialize`. A block's agenda holds at most
//! `MaxAgendaLen` actions; an action that does not fit goes to the next block with room, up to
//! [`SCHEDULE_TRIES`] blocks later. `on_initialize` spends at most `AgendaBudget` on actions
//! (each checked against its worst-case weight before it runs): what does not fit stays due
//! and runs first in the next block, from [`AgendaCursor`], so a busy block delays actions
//! instead of dropping them or overfilling the block.

use crate::{weights::WeightInfo, Action, Agenda, AgendaCursor, Config, Error, Pallet};
use frame_support::{traits::Get, weights::Weight};
use frame_system::pallet_prelude::BlockNumberFor;
use inferchain_primitives::Slash;
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

	/// Runs the actions due by `now`, oldest first, within `AgendaBudget`; returns the weight
	/// used. Where the budget ends, [`AgendaCursor`] records the block and position to go on
	/// from.
	pub(crate) fn run_agenda(now: BlockNumberFor<T>) -> Weight {
		let budget = T::AgendaBudget::get();
		let db = T::DbWeight::get();
		let cursor = AgendaCursor::<T>::get();
		let (mut block, mut next) = cursor.unwrap_or((now, 0));
		let mut used = db.reads(1);
		let mut ran_any = false;
		while block <= now {
			// Reading this block's agenda, and removing it or moving the cursor.
			used.saturating_accrue(db.reads_writes(1, 1));
			let agenda = Agenda::<T>::get(block);
			let pending = agenda.iter().enumerate().skip(usize::try_from(next).unwrap_or(0));
			for (index, action) in pending {
				// At least one action a block, so even an action over the budget runs.
				if ran_any && used.saturating_add(Self::worst_case(action)).any_gt(budget) {
					AgendaCursor::<T>::put((block, u32::try_from(index).unwrap_or(u32::MAX)));
					return used;
				}
				used.saturating_accrue(Self::run_action(*action, now));
				ran_any = true;
			}
			Agenda::<T>::remove(block);
			block = block.saturating_add(One::one());
			next = 0;
		}
		if cursor.is_some() {
			AgendaCursor::<T>::kill();
		}
		used
	}

	/// Runs one action; returns the weight it used.
	fn run_action(action: Action, now: BlockNumberFor<T>) -> Weight {
		match action {
			Action::Assign(id) => Self::assign(id, now),
			Action::Timeout(id, attempt) => Self::timeout(id, attempt, now),
			Action::DrawAudit(id) => Self::draw_audit(id, now),
			Action::FormCommittee(id) => Self::form_committee(id, now),
			Action::CloseReview(id) => Self::close_review(id, now),
			Action::Finalize(id) => Self::finalize(id, now),
			Action::Prune(id) => Self::prune(id),
		}
	}

	/// The most an action can weigh: its benchmark on the largest subnet and panel, plus
	/// what it may run on the way (a reassignment, a finalization).
	pub(crate) fn worst_case(action: &Action) -> Weight {
		let assign = T::WeightInfo::assign(T::MaxUids::get());
		let finalize = T::WeightInfo::finalize();
		match action {
			Action::Assign(_) => assign,
			Action::Timeout(..) => Self::timeout_weight().saturating_add(assign),
			Action::DrawAudit(_) => T::WeightInfo::draw_audit(),
			Action::FormCommittee(_) => T::WeightInfo::form_committee().saturating_add(finalize),
			Action::CloseReview(_) => {
				Self::close_review_weight(T::CommitteeSize::get()).saturating_add(finalize)
			},
			Action::Finalize(_) => finalize,
			Action::Prune(_) => T::WeightInfo::prune(),
		}
	}

	/// Weight of a timeout: the benchmark's, plus what its slash of the miner may cost beyond
	/// it ([`inferchain_primitives::Slash::slash_overhead`]).
	pub(crate) fn timeout_weight() -> Weight {
		T::WeightInfo::timeout().saturating_add(T::Stake::slash_overhead())
	}

	/// Weight of closing a review of `panel` members: the benchmark's, plus the slash overhead
	/// for each member that may be penalised and for the miner.
	pub(crate) fn close_review_weight(panel: u32) -> Weight {
		let slashes = u64::from(panel.saturating_add(1));
		T::WeightInfo::close_review(panel)
			.saturating_add(T::Stake::slash_overhead().saturating_mul(slashes))
	}

	/// Blocks the oldest unfinished agenda is behind `now` (zero when none is).
	pub(crate) fn agenda_delay(now: BlockNumberFor<T>) -> BlockNumberFor<T> {
		AgendaCursor::<T>::get()
			.map_or_else(Default::default, |(block, _)| now.saturating_sub(block))
	}

	/// The weight of an action that found its request moved on after `reads` reads and
	/// `writes` writes.
	pub(crate) fn stale_action(reads: u64, writes: u64) -> Weight {
		T::DbWeight::get().reads_writes(reads, writes)
	}

	/// Weight charged for a UID-scanning action on a subnet of `uids` UIDs.
	pub(crate) fn uid_count(uids: usize) -> u32 {
		u32::try_from(uids).unwrap_or(u32::MAX)
	}
}
