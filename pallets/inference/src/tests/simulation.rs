//! Simulation of a cheating miner through the real pallet (no node): 10,000 requests, the
//! miner answers a fraction `f` of them wrongly, results are audited with probability `p`,
//! auditors re-check honestly. A cheat is caught exactly when its result is audited, so a
//! miner that cheats `k` times is caught at least once with probability `1 − (1 − p)^k`; the
//! measured rates must match within 4 standard deviations. Run with `--nocapture` for the
//! table.

use super::*;

const REQUESTS: u64 = 10_000;
const PER_BLOCK: u64 = 10;
const CHEAT_PERCENT: u64 = 20;
const AUDIT_PERCENT: u32 = 10;

/// Whether the miner cheats on `id` (a fixed pseudo-random fraction `f`).
fn cheats(id: RequestId) -> bool {
	let hash = sp_io::hashing::blake2_256(&id.to_le_bytes());
	u64::from(hash[0]) * 100 < CHEAT_PERCENT * 256
}

#[test]
fn detection_rate_matches_one_minus_one_minus_p_to_the_k() {
	new_test_ext().execute_with(|| {
		let params = MarketParams {
			request_fee: 10,
			audit_probability: Perbill::from_percent(AUDIT_PERCENT),
			new_miner_audit_probability: Perbill::from_percent(AUDIT_PERCENT),
		};
		assert_ok!(Inference::set_market_params(RuntimeOrigin::root(), NET, params));
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(DAVE), MINER, NET, 500_000));
		let input = BoundedVec::truncate_from(b"x".to_vec());
		let mut submitted = 0;
		while submitted < REQUESTS
			|| crate::Requests::<Test>::iter()
				.any(|(_, r)| !matches!(r.status, RequestStatus::Final | RequestStatus::Rejected))
		{
			for _ in 0..PER_BLOCK.min(REQUESTS - submitted) {
				assert_ok!(Inference::submit_request(
					RuntimeOrigin::signed(DAPP),
					NET,
					input.clone(),
					10
				));
				submitted += 1;
			}
			for (id, request) in crate::Requests::<Test>::iter().collect::<Vec<_>>() {
				if let RequestStatus::Assigned { miner, .. } = request.status {
					let values = if cheats(id) { wrong_output() } else { honest_output() };
					assert_ok!(answer(id, miner, &values));
				}
			}
			run_to(System::block_number() + 1);
			validators_act(&[]);
			let settled: Vec<(RequestId, bool)> = events()
				.into_iter()
				.filter_map(|event| match event {
					Event::ResultFinalized { request_id, .. } => Some((request_id, false)),
					Event::ResultSlashed { request_id, .. } => Some((request_id, true)),
					_ => None,
				})
				.collect();
			OUTCOMES.with(|outcomes| outcomes.borrow_mut().extend(settled));
			let audits =
				events().iter().filter(|e| matches!(e, Event::AuditAssigned { .. })).count();
			AUDITS.with(|count| *count.borrow_mut() += audits as u64);
			System::reset_events();
			assert!(System::block_number() < 10 * REQUESTS, "the simulation does not settle");
		}
		check_invariants();
		let mut outcomes = OUTCOMES.with(|outcomes| outcomes.take());
		outcomes.sort();
		assert_eq!(outcomes.len() as u64, REQUESTS, "every request settles exactly once");
		let honest_slashed =
			outcomes.iter().filter(|(id, slashed)| *slashed && !cheats(*id)).count();
		assert_eq!(honest_slashed, 0, "an honest result was slashed");
		let cheated: Vec<bool> =
			outcomes.iter().filter(|(id, _)| cheats(*id)).map(|(_, slashed)| *slashed).collect();
		let p = f64::from(AUDIT_PERCENT) / 100.0;
		println!(
			"requests {REQUESTS}, cheating fraction {CHEAT_PERCENT}%, audit probability p = {p}"
		);
		// Validator compute: one re-execution per audit, against one execution per request.
		let audits = AUDITS.with(|count| *count.borrow());
		let fraction = audits as f64 / REQUESTS as f64;
		let sigma = (p * (1.0 - p) / REQUESTS as f64).sqrt();
		println!(
			"validator re-executions {audits}: {fraction:.4} of miner executions ({:.2} p)",
			fraction / p
		);
		assert!((fraction - p).abs() <= 4.0 * sigma, "audit rate {fraction}, p = {p}");
		println!("| k | runs of k cheats | caught ≥ once (measured) | 1 − (1 − p)^k | 4σ |");
		println!("|---|---|---|---|---|");
		for k in [1usize, 5, 10, 20] {
			let runs: Vec<bool> =
				cheated.chunks_exact(k).map(|run| run.iter().any(|s| *s)).collect();
			let measured = runs.iter().filter(|c| **c).count() as f64 / runs.len() as f64;
			let expected = 1.0 - (1.0 - p).powi(k as i32);
			let bound = 4.0 * (expected * (1.0 - expected) / runs.len() as f64).sqrt();
			println!("| {k} | {} | {measured:.4} | {expected:.4} | {bound:.4} |", runs.len());
			assert!(
				(measured - expected).abs() <= bound,
				"k = {k}: measured {measured}, expected {expected} ± {bound}"
			);
		}
	});
}

std::thread_local! {
	static OUTCOMES: core::cell::RefCell<Vec<(RequestId, bool)>> =
		const { core::cell::RefCell::new(Vec::new()) };
	static AUDITS: core::cell::RefCell<u64> = const { core::cell::RefCell::new(0) };
}
