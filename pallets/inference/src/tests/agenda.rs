//! The agenda's budget: a block runs actions up to `AgendaBudget`, the rest wait (in order) for
//! the next blocks, none is lost, and new requests wait while the agenda is far behind.

use super::*;
use crate::{Action, AgendaCursor, SCHEDULE_TRIES};
use frame_support::{
	traits::{Get, Hooks},
	weights::Weight,
};

/// A budget for `actions` assignments a block (plus the agenda's own reads and writes).
fn budget_for(actions: u64) -> Weight {
	let db: frame_support::weights::RuntimeDbWeight =
		<Test as frame_system::Config>::DbWeight::get();
	Inference::worst_case(&Action::Assign(0))
		.saturating_mul(actions)
		.saturating_add(db.reads_writes(3, 2))
}

fn queued(ids: &[RequestId]) -> usize {
	ids.iter().filter(|id| status(**id) == RequestStatus::Queued).count()
}

#[test]
fn a_block_runs_actions_up_to_its_budget_and_the_rest_wait_in_order() {
	new_test_ext().execute_with(|| {
		let budget = budget_for(2);
		AgendaBudget::set(&budget);
		let ids: Vec<RequestId> = (0..5).map(|_| submit()).collect();
		// Block 2: two assignments fit; the cursor points at the third.
		System::set_block_number(2);
		let used = Inference::on_initialize(2);
		assert!(used.all_lte(budget), "{used:?} over {budget:?}");
		assert_eq!(queued(&ids), 3);
		assert!(matches!(status(ids[0]), RequestStatus::Assigned { .. }));
		assert!(matches!(status(ids[1]), RequestStatus::Assigned { .. }));
		assert_eq!(AgendaCursor::<Test>::get(), Some((2, 2)));
		assert_eq!(Inference::agenda_delay(3), 1);
		// Block 3 goes on where block 2 stopped, oldest first.
		System::set_block_number(3);
		assert!(Inference::on_initialize(3).all_lte(budget));
		assert_eq!(queued(&ids), 1);
		assert!(matches!(status(ids[3]), RequestStatus::Assigned { .. }));
		// Block 4 finishes block 2's agenda and then its own (empty): nothing is left behind.
		System::set_block_number(4);
		assert!(Inference::on_initialize(4).all_lte(budget));
		assert_eq!(queued(&ids), 0);
		assert_eq!(AgendaCursor::<Test>::get(), None);
		assert!(crate::Agenda::<Test>::get(2).is_empty());
		// Late actions keep their meaning: the last request's deadline counts from block 4.
		assert_eq!(
			status(ids[4]),
			RequestStatus::Assigned { miner: MINER, uid: 4, deadline: 4 + TIMEOUT }
		);
		check_invariants();
	});
}

#[test]
fn an_action_over_the_whole_budget_still_runs() {
	new_test_ext().execute_with(|| {
		AgendaBudget::set(&Weight::from_parts(1, 1));
		let id = submit();
		run_to(2);
		assert!(matches!(status(id), RequestStatus::Assigned { .. }));
		assert_eq!(AgendaCursor::<Test>::get(), None);
	});
}

#[test]
fn new_requests_wait_while_the_agenda_is_far_behind() {
	new_test_ext().execute_with(|| {
		let now = 2 + u64::from(SCHEDULE_TRIES) + 1;
		System::set_block_number(now);
		AgendaCursor::<Test>::put((1u64, 0u32));
		let before = market_state();
		let input = BoundedVec::truncate_from(b"hi".to_vec());
		assert_noop!(
			Inference::submit_request(RuntimeOrigin::signed(DAPP), NET, input.clone(), FEE),
			Error::<Test>::MarketBusy
		);
		assert_eq!(market_state(), before);
		// SCHEDULE_TRIES blocks behind is still accepted.
		AgendaCursor::<Test>::put((now - u64::from(SCHEDULE_TRIES), 0u32));
		assert_ok!(Inference::submit_request(RuntimeOrigin::signed(DAPP), NET, input, FEE));
	});
}
