//! Simulation of a cheating miner and lying validators through the real pallet (no node):
//! 10,000 requests, the miner answers a fraction `f` of them wrongly, results are audited with
//! probability `p`, and validators holding 30 % of the validator stake lie on every verdict
//! (they dissent on right results and agree with wrong ones). Audits are drawn by stake, so
//! a cheat is caught when its audit falls to an honest validator (probability `h = 0.7`): a
//! miner that cheats `k` times is caught at least once with probability `1 − (1 − h·p)^k`;
//! the measured rates must match within 4 standard deviations. Run with `--nocapture` for the
//! table.

use super::*;

const REQUESTS: u64 = 10_000;
const PER_BLOCK: u64 = 10;
const CHEAT_PERCENT: u64 = 20;
const AUDIT_PERCENT: u32 = 20;
const SIM_FEE: Balance = 10;
/// Stake of every validator: large enough that the liars' losses leave them drawn.
const VALIDATOR_STAKE: Balance = 1_000_000;
/// Ten validators: the mock's four and six more; three of them lie.
const EXTRA_VALIDATORS: [AccountId; 6] = [110, 111, 112, 113, 114, 115];
const LIARS: [AccountId; 3] = [100, 110, 111];

/// Whether the miner cheats on `id` (a fixed pseudo-random fraction `f`).
fn cheats(id: RequestId) -> bool {
	let hash = sp_io::hashing::blake2_256(&id.to_le_bytes());
	u64::from(hash[0]) * 100 < CHEAT_PERCENT * 256
}

fn validators() -> Vec<AccountId> {
	VALIDATORS.into_iter().chain(EXTRA_VALIDATORS).collect()
}

/// What a hotkey holds: free balance and stake.
fn wealth(hotkey: AccountId) -> Balance {
	Balances::free_balance(hotkey) + stake_of(hotkey)
}

/// What the simulation counts, from the pallet's events.
#[derive(Default)]
struct Counts {
	outcomes: Vec<(RequestId, bool)>,
	audits: u64,
	disputes: u64,
	committee_seats: u64,
	cheats_paid: Balance,
	slashed: Balance,
}

#[test]
fn cheats_and_liars_lose_and_detection_matches_one_minus_one_minus_hp_to_the_k() {
	new_test_ext().execute_with(|| {
		// Ten validators of VALIDATOR_STAKE each: the mock's four and six more.
		let extra = EXTRA_VALIDATORS.into_iter().enumerate().map(|(i, h)| (21 + i as AccountId, h));
		for (coldkey, hotkey) in VALIDATOR_COLDKEYS.into_iter().zip(VALIDATORS).chain(extra) {
			Balances::force_set_balance(RuntimeOrigin::root(), coldkey, 10 * VALIDATOR_STAKE)
				.unwrap();
			if !VALIDATORS.contains(&hotkey) {
				register_validator(coldkey, NET, hotkey);
			}
			let top_up = VALIDATOR_STAKE - STAKE;
			assert_ok!(Stake::add_stake(RuntimeOrigin::signed(coldkey), hotkey, NET, top_up));
		}
		// Every UID but the miner's (4) holds a permit.
		let permits: Vec<bool> = (0..11).map(|uid| uid != 4).collect();
		permit(NET, &permits);
		let params = MarketParams {
			request_fee: SIM_FEE,
			audit_probability: Perbill::from_percent(AUDIT_PERCENT),
			new_miner_audit_probability: Perbill::from_percent(AUDIT_PERCENT),
			..Market::get()
		};
		assert_ok!(Inference::set_market_params(RuntimeOrigin::root(), NET, params));
		assert_ok!(Stake::add_stake(RuntimeOrigin::signed(DAVE), MINER, NET, 500_000));
		let wealth_before: Vec<Balance> = validators().into_iter().map(wealth).collect();
		let input = BoundedVec::truncate_from(b"x".to_vec());
		let mut submitted = 0;
		let mut counts = Counts::default();
		while submitted < REQUESTS
			|| crate::Requests::<Test>::iter()
				.any(|(_, r)| !matches!(r.status, RequestStatus::Final | RequestStatus::Rejected))
		{
			for _ in 0..PER_BLOCK.min(REQUESTS - submitted) {
				assert_ok!(Inference::submit_request(
					RuntimeOrigin::signed(DAPP),
					NET,
					input.clone(),
					SIM_FEE
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
			panels_act(&[], &LIARS);
			for event in events() {
				match event {
					Event::ResultFinalized { request_id, paid, .. } => {
						counts.outcomes.push((request_id, false));
						if cheats(request_id) {
							counts.cheats_paid += paid;
						}
					},
					Event::ResultSlashed { request_id, slashed, .. } => {
						counts.outcomes.push((request_id, true));
						counts.slashed += slashed;
					},
					Event::AuditAssigned { .. } => counts.audits += 1,
					Event::AuditDisputed { .. } => counts.disputes += 1,
					Event::CommitteeFormed { members, .. } => {
						counts.committee_seats += members.len() as u64
					},
					_ => {},
				}
			}
			System::reset_events();
			assert!(System::block_number() < 10 * REQUESTS, "the simulation does not settle");
		}
		check_invariants();
		let mut outcomes = counts.outcomes;
		outcomes.sort();
		assert_eq!(outcomes.len() as u64, REQUESTS, "every request settles exactly once");
		let honest_slashed =
			outcomes.iter().filter(|(id, slashed)| *slashed && !cheats(*id)).count();
		assert_eq!(honest_slashed, 0, "an honest result was slashed");
		let cheated: Vec<bool> =
			outcomes.iter().filter(|(id, _)| cheats(*id)).map(|(_, slashed)| *slashed).collect();
		let p = f64::from(AUDIT_PERCENT) / 100.0;
		let h = 0.7;
		println!(
			"requests {REQUESTS}, cheating fraction {CHEAT_PERCENT}%, audit probability p = {p}, \
			 lying validator stake 30%"
		);
		// Money: the cheat's net over its wrong answers; liars' and honest validators' change.
		let cheater_net = counts.cheats_paid as i128 - counts.slashed as i128;
		let change: Vec<i128> = validators()
			.into_iter()
			.zip(wealth_before)
			.map(|(v, before)| wealth(v) as i128 - before as i128)
			.collect();
		let liars_net: i128 = validators()
			.into_iter()
			.zip(&change)
			.filter(|(v, _)| LIARS.contains(v))
			.map(|(_, c)| *c)
			.sum();
		let honest_min = validators()
			.into_iter()
			.zip(&change)
			.filter(|(v, _)| !LIARS.contains(v))
			.map(|(_, c)| *c)
			.min()
			.unwrap();
		println!("honest results slashed: {honest_slashed}");
		println!(
			"cheater, over its {} wrong answers: paid {}, slashed {}, net {cheater_net}",
			cheated.len(),
			counts.cheats_paid,
			counts.slashed
		);
		println!("liars' net: {liars_net}; least change of an honest validator: {honest_min}");
		assert!(cheater_net < 0, "cheating paid: {cheater_net}");
		assert!(liars_net < 0, "lying paid: {liars_net}");
		assert!(honest_min >= 0, "an honest validator lost {honest_min}");
		// Validator compute: one re-execution per audit, against one execution per request,
		// plus every committee seat of an escalated dissent.
		let fraction = counts.audits as f64 / REQUESTS as f64;
		let sigma = (p * (1.0 - p) / REQUESTS as f64).sqrt();
		println!(
			"audit re-executions {}: {fraction:.4} of miner executions ({:.2} p); escalations \
			 {} with {} committee re-executions ({:.4} of miner executions)",
			counts.audits,
			fraction / p,
			counts.disputes,
			counts.committee_seats,
			counts.committee_seats as f64 / REQUESTS as f64
		);
		assert!((fraction - p).abs() <= 4.0 * sigma, "audit rate {fraction}, p = {p}");
		println!("| k | runs of k cheats | caught ≥ once (measured) | 1 − (1 − h·p)^k | 4σ |");
		println!("|---|---|---|---|---|");
		for k in [1usize, 5, 10, 20] {
			let runs: Vec<bool> =
				cheated.chunks_exact(k).map(|run| run.iter().any(|s| *s)).collect();
			let measured = runs.iter().filter(|c| **c).count() as f64 / runs.len() as f64;
			let expected = 1.0 - (1.0 - h * p).powi(k as i32);
			let bound = 4.0 * (expected * (1.0 - expected) / runs.len() as f64).sqrt();
			println!("| {k} | {} | {measured:.4} | {expected:.4} | {bound:.4} |", runs.len());
			assert!(
				(measured - expected).abs() <= bound,
				"k = {k}: measured {measured}, expected {expected} ± {bound}"
			);
		}
	});
}
