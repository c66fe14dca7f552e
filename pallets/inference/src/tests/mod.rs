//! The pallet's tests: each call's effects and rejections, the agenda's actions, and property
//! tests over random sequences.

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used)]

mod adversaries;
mod agenda;
mod collateral;
mod models;
mod properties;
mod requests;
mod reviews;
mod simulation;
mod text;

pub use crate::mock::*;
pub use crate::{Error, Event, MarketParams, ModelMetadata, NetUid, RequestId, RequestStatus};
pub use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold, BoundedVec};
pub use inferchain_inference::{encode_output, output_commitment, OutputShape, TaskKind, Verdict};
pub use sp_core::H256;
pub use sp_runtime::{DispatchError, Perbill};

/// Every invariant of the four pallets, and issuance accounted for by the accounts.
pub fn check_invariants() {
	crate::Pallet::<Test>::do_try_state().unwrap();
	pallet_stake::Pallet::<Test>::do_try_state().unwrap();
	pallet_subnets::Pallet::<Test>::do_try_state().unwrap();
	let accounted: Balance =
		frame_system::Account::<Test>::iter_values().map(|a| a.data.free + a.data.reserved).sum();
	assert_eq!(accounted, pallet_balances::TotalIssuance::<Test>::get());
	let open_fees: Balance = crate::Requests::<Test>::iter_values()
		.filter(|r| {
			!matches!(
				r.status,
				RequestStatus::Final | RequestStatus::Rejected | RequestStatus::Expired
			)
		})
		.map(|r| r.fee)
		.sum();
	let held_fees: Balance = frame_system::Account::<Test>::iter_keys()
		.map(|who| Balances::balance_on_hold(&crate::HoldReason::RequestFee.into(), &who))
		.sum();
	assert_eq!(open_fees, held_fees, "fees on hold belong to open requests only");
}

/// Everything a rejected call must leave alone.
pub fn market_state() -> impl PartialEq + core::fmt::Debug {
	(
		crate::Requests::<Test>::iter().collect::<Vec<_>>(),
		crate::Reviews::<Test>::iter().collect::<Vec<_>>(),
		crate::Agenda::<Test>::iter().collect::<Vec<_>>(),
		crate::AgendaCursor::<Test>::get(),
		crate::Models::<Test>::iter().collect::<Vec<_>>(),
		crate::Markets::<Test>::iter().collect::<Vec<_>>(),
		crate::NextRequestId::<Test>::get(),
		crate::Stats::<Test>::iter().collect::<Vec<_>>(),
		frame_system::Account::<Test>::iter().collect::<Vec<_>>(),
	)
}

/// The pallet's events so far.
pub fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Inference(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// The pallet's latest event.
pub fn last_event() -> Event<Test> {
	events().pop().unwrap()
}

/// Sets the subnet's audit probability (new and known miners alike).
pub fn set_audit_probability(p: Perbill) {
	let params = MarketParams {
		request_fee: FEE,
		audit_probability: p,
		new_miner_audit_probability: p,
		..Market::get()
	};
	assert_ok!(Inference::set_market_params(RuntimeOrigin::root(), NET, params));
}

/// Audits never happen (probability 10⁻⁹).
pub fn no_audits() {
	set_audit_probability(Perbill::from_parts(1));
}

/// Every result is audited.
pub fn always_audit() {
	set_audit_probability(Perbill::one());
}

/// Submits a request from [`DAPP`]; returns its id.
pub fn submit() -> RequestId {
	let id = crate::NextRequestId::<Test>::get();
	let input = BoundedVec::truncate_from(b"a sentence to embed".to_vec());
	assert_ok!(Inference::submit_request(RuntimeOrigin::signed(DAPP), NET, input, FEE));
	id
}

/// The request's status.
pub fn status(id: RequestId) -> RequestStatus<AccountId, u64> {
	crate::Requests::<Test>::get(id).unwrap().status
}

/// The miner a request is assigned to.
pub fn assigned(id: RequestId) -> AccountId {
	match status(id) {
		RequestStatus::Assigned { miner, .. } => miner,
		other => panic!("request {id} is not assigned: {other:?}"),
	}
}

/// The honest output of every request in these tests.
pub fn honest_output() -> Vec<f32> {
	vec![0.25, -0.5, 0.125]
}

/// An output that differs from the honest one by more than ε.
pub fn wrong_output() -> Vec<f32> {
	vec![0.25, -0.5, 0.2]
}

/// The commitment of `values` under the model's rule.
pub fn commitment(values: &[f32]) -> H256 {
	let shape = OutputShape { rows: 1, cols: values.len() as u32 };
	H256(output_commitment(&RULE, shape, values))
}

/// `miner` answers `id` with `values`.
pub fn answer(
	id: RequestId,
	miner: AccountId,
	values: &[f32],
) -> frame_support::dispatch::DispatchResult {
	let output = BoundedVec::truncate_from(encode_output(values));
	Inference::submit_result(RuntimeOrigin::signed(miner), id, output, commitment(values))
}

/// The salt every test validator uses.
pub const SALT: [u8; 32] = [9; 32];

/// `validator` commits `agrees` on `id`.
pub fn commit(
	id: RequestId,
	validator: AccountId,
	agrees: bool,
) -> frame_support::dispatch::DispatchResult {
	let verdict = Verdict { agrees, output_commitment: commitment(&honest_output()).0 };
	let hash = inferchain_inference::verdict_commitment(&validator, id, &verdict, &SALT);
	Inference::commit_verdict(RuntimeOrigin::signed(validator), id, H256(hash))
}

/// `validator` reveals `agrees` on `id`.
pub fn reveal(
	id: RequestId,
	validator: AccountId,
	agrees: bool,
) -> frame_support::dispatch::DispatchResult {
	let verdict = Verdict { agrees, output_commitment: commitment(&honest_output()).0 };
	Inference::reveal_verdict(RuntimeOrigin::signed(validator), id, verdict, SALT)
}

/// The panel of `id`'s open review.
pub fn panel(id: RequestId) -> Vec<AccountId> {
	crate::Reviews::<Test>::get(id).unwrap().panel.iter().map(|seat| seat.validator).collect()
}

/// [`CHALLENGER`] challenges the oldest answered request, if any (refusals change nothing).
pub fn challenge_oldest_answered() {
	let mut answered: Vec<RequestId> = crate::Requests::<Test>::iter()
		.filter(|(_, r)| matches!(r.status, RequestStatus::Answered { .. }))
		.map(|(id, _)| id)
		.collect();
	answered.sort();
	if let Some(id) = answered.first() {
		let _ = Inference::challenge(RuntimeOrigin::signed(CHALLENGER), *id);
	}
}

/// Bonded stake on `hotkey`.
pub fn stake_of(hotkey: AccountId) -> Balance {
	<Stake as inferchain_primitives::StakeInfo<AccountId, Balance>>::stake_of(NET, &hotkey)
}

/// Submits a request, runs to its assignment and has the miner answer with `values`;
/// returns the id and the block of the answer.
pub fn answered(values: &[f32]) -> (RequestId, u64) {
	let id = submit();
	run_to(System::block_number() + 1);
	let miner = assigned(id);
	assert_ok!(answer(id, miner, values));
	(id, System::block_number())
}

/// What honest validators do each block: every panel member commits, during the commit
/// period, whether the result agrees with the honest output under the model's rule, and
/// reveals it during the reveal period; members listed in `silent` do neither.
pub fn validators_act(silent: &[AccountId]) {
	panels_act(silent, &[]);
}

/// [`validators_act`], with the members listed in `liars` committing and revealing the
/// opposite of the truth.
pub fn panels_act(silent: &[AccountId], liars: &[AccountId]) {
	panels_judge_by(silent, liars, |result| {
		let output = inferchain_inference::decode_output(&result.output).unwrap();
		inferchain_inference::outputs_agree(&RULE, &output, &honest_output())
	});
}

/// Each panel member commits, during the commit period, whether `right` holds of the result
/// under review, and reveals it during the reveal period; members in `liars` say the
/// opposite, those in `silent` nothing.
pub fn panels_judge_by(
	silent: &[AccountId],
	liars: &[AccountId],
	right: impl Fn(&crate::ResultOf<Test>) -> bool,
) {
	let now = System::block_number();
	for (id, review) in crate::Reviews::<Test>::iter().collect::<Vec<_>>() {
		let Some(result) = crate::Requests::<Test>::get(id).and_then(|request| request.result)
		else {
			continue;
		};
		let truth = right(&result);
		for seat in review.panel.iter().filter(|seat| !silent.contains(&seat.validator)) {
			let agrees = truth != liars.contains(&seat.validator);
			if now <= review.commit_until && seat.commitment.is_none() {
				assert_ok!(commit(id, seat.validator, agrees));
			} else if now > review.commit_until
				&& now <= review.reveal_until
				&& seat.commitment.is_some()
				&& seat.verdict.is_none()
			{
				assert_ok!(reveal(id, seat.validator, agrees));
			}
		}
	}
}
