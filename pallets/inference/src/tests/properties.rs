//! Property tests over random sequences of requests, answers, audits, challenges and
//! validator behaviour: escrow conservation, issuance accounted for, no double payment, no
//! payment for a slashed result, honest miners never slashed.

use super::*;
use proptest::prelude::*;

/// One step of a random sequence.
#[derive(Clone, Debug)]
enum Op {
	/// DAPP submits a request.
	Submit,
	/// Every assigned request's miner answers ([`MINER`] honestly, [`MINER_B`] wrongly).
	Answer,
	/// CHALLENGER challenges the oldest answered request it may.
	Challenge,
	/// Blocks pass; validator `silent` (an index, 4 = none) stays silent meanwhile.
	Advance { blocks: u64, silent: usize },
	/// The subnet's audit probability becomes `percent`.
	SetAudit { percent: u32 },
	/// [`MINER_B`] answers its assigned requests with NaN or a vector of another length
	/// (refused, nothing changes), and the owner tries to dissolve the subnet while requests
	/// are open (refused, nothing changes).
	Malformed,
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		3 => Just(Op::Submit),
		3 => Just(Op::Answer),
		1 => Just(Op::Challenge),
		4 => (1u64..4, 0usize..8).prop_map(|(blocks, silent)| Op::Advance { blocks, silent }),
		1 => (1u32..=100).prop_map(|percent| Op::SetAudit { percent }),
		1 => Just(Op::Malformed),
	]
}

fn apply(op: &Op) {
	match op {
		Op::Submit => {
			let input = BoundedVec::truncate_from(b"x".to_vec());
			// May be refused (busy or poor); refusals change nothing.
			let _ = Inference::submit_request(RuntimeOrigin::signed(DAPP), NET, input, FEE);
		},
		Op::Answer => {
			for (id, request) in crate::Requests::<Test>::iter().collect::<Vec<_>>() {
				// Past its deadline a request waits for its (possibly delayed) timeout.
				let now = System::block_number();
				if let RequestStatus::Assigned { miner, deadline, .. } = request.status {
					if now > deadline {
						continue;
					}
					let values = if miner == MINER { honest_output() } else { wrong_output() };
					assert_ok!(answer(id, miner, &values));
				}
			}
		},
		Op::Challenge => challenge_oldest_answered(),
		Op::Advance { blocks, silent } => {
			let silent: Vec<AccountId> = VALIDATORS.get(*silent).copied().into_iter().collect();
			for _ in 0..*blocks {
				run_to(System::block_number() + 1);
				validators_act(&silent);
			}
		},
		Op::SetAudit { percent } => set_audit_probability(Perbill::from_percent(*percent)),
		Op::Malformed => {
			let before = market_state();
			for (id, request) in crate::Requests::<Test>::iter().collect::<Vec<_>>() {
				if let RequestStatus::Assigned { miner: MINER_B, .. } = request.status {
					let mut short = honest_output();
					short.pop();
					for values in [vec![f32::NAN, 0.0, 0.0], short] {
						assert!(answer(id, MINER_B, &values).is_err());
					}
				}
			}
			if crate::OpenRequests::<Test>::get(NET) > 0 {
				assert!(Subnets::dissolve_subnet(RuntimeOrigin::signed(ALICE), NET).is_err());
			}
			assert_eq!(market_state(), before);
		},
	}
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]

	#[test]
	fn random_sequences_keep_every_invariant(
		ops in prop::collection::vec(op(), 1..60),
		actions_per_block in prop::option::of(1u64..4),
	) {
		new_test_ext().execute_with(|| {
			add_second_miner();
			// A tight agenda budget delays actions into a backlog; none may be lost.
			if let Some(actions) = actions_per_block {
				let worst = Inference::worst_case(&crate::Action::CloseReview(0));
				AgendaBudget::set(&worst.saturating_mul(actions));
			}
			for op in &ops {
				apply(op);
				check_invariants();
			}
			// Let everything settle: the backlog first, then every window and review.
			let mut quiet = 0;
			for _ in 0..1_000 {
				run_to(System::block_number() + 1);
				validators_act(&[]);
				check_invariants();
				quiet = if crate::AgendaCursor::<Test>::get().is_none() { quiet + 1 } else { 0 };
				if quiet > WINDOW + COMMIT + REVEAL + 4 {
					break;
				}
			}
			let open = crate::Requests::<Test>::iter().filter(|(_, r)| !matches!(
				r.status,
				RequestStatus::Final | RequestStatus::Rejected | RequestStatus::Expired
			));
			assert_eq!(open.count(), 0, "a request never settled");
			let events = events();
			let mut paid = std::collections::BTreeSet::new();
			let mut slashed = std::collections::BTreeSet::new();
			for event in &events {
				match event {
					Event::ResultFinalized { request_id, miner, .. } => {
						assert!(paid.insert(*request_id), "request {request_id} paid twice");
						assert!(!slashed.contains(request_id));
						// Only honest answers are paid when every validator reveals honestly
						// or a wrong one escapes review: either way the miner answered.
						assert!(*miner == MINER || *miner == MINER_B);
					},
					Event::ResultSlashed { request_id, miner, .. } => {
						assert_eq!(*miner, MINER_B, "the honest miner was slashed");
						assert!(slashed.insert(*request_id));
						assert!(!paid.contains(request_id), "a slashed result was paid");
					},
					_ => {},
				}
			}
			// Nothing is left on hold once everything settled.
			check_invariants();
		});
	}
}
