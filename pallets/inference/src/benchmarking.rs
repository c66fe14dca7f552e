//! Benchmarks of the inference pallet (frame-benchmarking v2): every call and every agenda
//! action, at their worst cases.

use super::*;
use crate::pallet::{BalanceOf, ModelMetadataOf, RequestOf, ResultOf, ReviewOf, StatusOf};
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Mutate, MutateHold},
		Get,
	},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use inferchain_inference::{
	encode_output, output_commitment, verdict_commitment, ComparisonRule, ModelDigests, ModelId,
	OutputShape, RuntimeProfile, SamplingParams, TaskKind, TextRule, Verdict,
};
use sp_core::H256;
use sp_runtime::{
	traits::{One, Saturating, Zero},
	Perbill,
};

/// The benchmarks' model id.
const DIGESTS: ModelDigests =
	ModelDigests { weights: [42; 32], config: [43; 32], tokenizer: Some([44; 32]) };

/// The benchmarks' model id (computed from [`DIGESTS`] and the profile, as on chain).
fn model<T: Config>() -> ModelId {
	DIGESTS.model_id(&metadata::<T>().profile, &metadata::<T>().output())
}

/// Plenty of funds.
fn funds<T: Config>() -> BalanceOf<T> {
	T::ChallengeBond::get()
		.saturating_add(T::ModelDeposit::get())
		.saturating_add(T::DefaultMarket::get().request_fee)
		.saturating_mul(1_000u32.into())
}

/// A metadata record with a name of the longest length and a tolerance rule (whose
/// commitment quantises every value: the costlier rule).
fn metadata<T: Config>() -> ModelMetadataOf<T> {
	ModelMetadata {
		name: BoundedVec::truncate_from(vec![b'm'; T::MaxModelName::get() as usize]),
		kind: TaskKind::Embedding,
		profile: RuntimeProfile::tolerant(10_000),
		output_dim: T::MaxOutputLen::get() / 4,
	}
}

/// The text model of the benchmarks: SmolLM2's vocabulary, the CPU text rule.
fn text_metadata<T: Config>() -> ModelMetadataOf<T> {
	ModelMetadata {
		kind: TaskKind::TextGeneration,
		profile: RuntimeProfile::text_cpu(TextRule::CPU_F32),
		output_dim: 49_152,
		..metadata::<T>()
	}
}

/// A subnet whose task is the text model (registered), taking the longest generations.
fn text_market<T: Config>() -> NetUid {
	let text = text_metadata::<T>();
	let model_id = DIGESTS.model_id(&text.profile, &text.output());
	let (netuid, _, _) = T::BenchmarkHelper::subnet(1, 1, model_id);
	let owner: T::AccountId = account("model owner", 0, 0);
	T::Currency::set_balance(&owner, funds::<T>());
	let _ = Pallet::<T>::register_model(RawOrigin::Signed(owner).into(), DIGESTS, text);
	let params =
		MarketParams { max_output_tokens: T::MaxGeneratedTokens::get(), ..T::DefaultMarket::get() };
	Markets::<T>::insert(netuid, params);
	netuid
}

/// A subnet with `miners` miners and `validators` permitted validators, its model registered
/// and every result audited.
fn market<T: Config>(
	miners: u32,
	validators: u32,
) -> (NetUid, Vec<T::AccountId>, Vec<T::AccountId>) {
	let (netuid, miners, validators) = T::BenchmarkHelper::subnet(miners, validators, model::<T>());
	let owner: T::AccountId = account("model owner", 0, 0);
	T::Currency::set_balance(&owner, funds::<T>());
	if !Models::<T>::contains_key(model::<T>()) {
		let _ =
			Pallet::<T>::register_model(RawOrigin::Signed(owner).into(), DIGESTS, metadata::<T>());
	}
	let always = MarketParams {
		audit_probability: Perbill::one(),
		new_miner_audit_probability: Perbill::one(),
		..T::DefaultMarket::get()
	};
	Markets::<T>::insert(netuid, always);
	(netuid, miners, validators)
}

/// A request of `requester` on `netuid` in `status`, its fee held; returns its id.
fn request<T: Config>(
	netuid: NetUid,
	requester: &T::AccountId,
	status: StatusOf<T>,
) -> Result<RequestId, BenchmarkError> {
	T::Currency::set_balance(requester, funds::<T>());
	let fee = Pallet::<T>::market(netuid).request_fee;
	T::Currency::hold(&HoldReason::RequestFee.into(), requester, fee)
		.map_err(|_| BenchmarkError::Weightless)?;
	let id = NextRequestId::<T>::get();
	NextRequestId::<T>::put(id.saturating_add(1));
	let record: RequestOf<T> = Request {
		requester: requester.clone(),
		netuid,
		model_id: model::<T>(),
		rule: metadata::<T>().profile.rule,
		output_dim: metadata::<T>().output_dim,
		audit_probability: Perbill::one(),
		new_miner_audit_probability: Perbill::one(),
		input: BoundedVec::truncate_from(vec![b'a'; T::MaxInputLen::get() as usize]),
		text: None,
		fee,
		collateral: Zero::zero(),
		submitted_at: frame_system::Pallet::<T>::block_number(),
		attempts: 1,
		previous_miner: None,
		audits_passed: 0,
		challenges_passed: 0,
		status,
		prune_at: None,
		result: None,
	};
	Requests::<T>::insert(id, record);
	Ok(id)
}

/// A result of `miner` on `id` with the longest output and the longest proof, its deposit
/// held.
fn result<T: Config>(id: RequestId, miner: &T::AccountId) {
	let values = vec![0.5f32; (T::MaxOutputLen::get() / 4) as usize];
	let output = BoundedVec::truncate_from(encode_output(&values));
	let proof = BoundedVec::truncate_from(vec![7u8; T::MaxProofLen::get() as usize]);
	let bytes = T::MaxOutputLen::get().saturating_add(T::MaxProofLen::get());
	let deposit = T::ResultDepositPerByte::get().saturating_mul(bytes.into());
	T::Currency::set_balance(miner, funds::<T>().saturating_add(deposit));
	let _ = T::Currency::hold(&HoldReason::ResultDeposit.into(), miner, deposit);
	let record: ResultOf<T> = InferenceResult {
		miner: miner.clone(),
		output,
		proof,
		output_commitment: H256::zero(),
		deposit,
		submitted_at: frame_system::Pallet::<T>::block_number(),
	};
	Requests::<T>::mutate(id, |request| {
		if let Some(request) = request {
			request.result = Some(record);
		}
	});
}

/// What [`answered`] returns: the request id, the miner, the validators, the current block.
type Answered<T> = (
	RequestId,
	<T as frame_system::Config>::AccountId,
	Vec<<T as frame_system::Config>::AccountId>,
	BlockNumberFor<T>,
);

/// A subnet with one miner and `validators` permitted validators, and a request in
/// `status(now)` that the miner answered (the longest output); returns the request id, the
/// miner, the validators and the current block.
fn answered<T: Config>(
	validators: u32,
	status: impl FnOnce(BlockNumberFor<T>) -> StatusOf<T>,
) -> Result<Answered<T>, BenchmarkError> {
	let (netuid, miners, validators) = market::<T>(1, validators);
	let miner = miners.first().cloned().ok_or(BenchmarkError::Weightless)?;
	let now = frame_system::Pallet::<T>::block_number();
	let id = request::<T>(netuid, &account("requester", 0, 0), status(now))?;
	result::<T>(id, &miner);
	Ok((id, miner, validators, now))
}

/// An open challenge review of `id` by `challenger` with `panel`, each member having revealed
/// `verdicts[i]` (`None`: only committed).
fn review<T: Config>(
	id: RequestId,
	challenger: &T::AccountId,
	panel: &[T::AccountId],
	verdicts: &[Option<bool>],
) -> Result<(), BenchmarkError> {
	let bond = T::ChallengeBond::get();
	T::Currency::set_balance(challenger, funds::<T>());
	T::Currency::hold(&HoldReason::ChallengeBond.into(), challenger, bond)
		.map_err(|_| BenchmarkError::Weightless)?;
	let now = frame_system::Pallet::<T>::block_number();
	let seats: Vec<PanelSeat<T::AccountId>> = panel
		.iter()
		.zip(verdicts.iter().chain(core::iter::repeat(&None)))
		.map(|(validator, verdict)| {
			let verdict = verdict.map(|agrees| Verdict { agrees, output_commitment: [1; 32] });
			let commitment = verdict
				.map(|v| H256(verdict_commitment(validator, id, &v, &[0; 32])))
				.or(Some(H256::zero()));
			PanelSeat { validator: validator.clone(), weight: 1, commitment, verdict }
		})
		.collect();
	let record: ReviewOf<T> = Review {
		kind: ReviewKind::Challenge { challenger: challenger.clone(), bond },
		panel: BoundedVec::truncate_from(seats),
		commit_until: now.saturating_add(10u32.into()),
		reveal_until: now.saturating_add(20u32.into()),
	};
	Reviews::<T>::insert(id, record);
	Ok(())
}

/// Moves to block `n`.
fn go_to<T: Config>(n: BlockNumberFor<T>) {
	frame_system::Pallet::<T>::set_block_number(n);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_model() {
		let owner: T::AccountId = whitelisted_caller();
		T::Currency::set_balance(&owner, funds::<T>());

		let digests = ModelDigests { weights: [9; 32], config: [9; 32], tokenizer: Some([9; 32]) };

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), digests, metadata::<T>());

		assert!(Models::<T>::contains_key(
			digests.model_id(&metadata::<T>().profile, &metadata::<T>().output())
		));
	}

	/// An unused model removed, after checking every subnet's task (all `MaxSubnets` of them
	/// are charged on top, one read each).
	#[benchmark]
	fn deregister_model() -> Result<(), BenchmarkError> {
		let owner: T::AccountId = whitelisted_caller();
		T::Currency::set_balance(&owner, funds::<T>());
		let digests = ModelDigests { weights: [9; 32], config: [9; 32], tokenizer: None };
		Pallet::<T>::register_model(
			RawOrigin::Signed(owner.clone()).into(),
			digests,
			metadata::<T>(),
		)
		.map_err(|_| BenchmarkError::Weightless)?;
		let id = digests.model_id(&metadata::<T>().profile, &metadata::<T>().output());

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id);

		assert!(!Models::<T>::contains_key(id));
		Ok(())
	}

	/// A miner declares the subnet's model.
	#[benchmark]
	fn declare_model() -> Result<(), BenchmarkError> {
		let (netuid, miners, _) = market::<T>(1, 1);
		let miner = miners.first().cloned().ok_or(BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(miner.clone()), netuid, model::<T>());

		assert_eq!(crate::ServedModels::<T>::get(netuid, &miner), Some(model::<T>()));
		Ok(())
	}

	#[benchmark]
	fn set_market_params() {
		let (netuid, _, _) = market::<T>(1, 1);
		let params = T::DefaultMarket::get();

		#[extrinsic_call]
		_(RawOrigin::Root, netuid, params);

		assert_eq!(Markets::<T>::get(netuid), Some(params));
	}

	/// An input of `i` bytes (checked as UTF-8).
	#[benchmark]
	fn submit_request(i: Linear<1, { T::MaxInputLen::get() }>) {
		let (netuid, _, _) = market::<T>(1, 1);
		let requester: T::AccountId = whitelisted_caller();
		T::Currency::set_balance(&requester, funds::<T>());
		let input = BoundedVec::truncate_from(vec![b'a'; i as usize]);
		let fee = Pallet::<T>::market(netuid).request_fee;

		#[extrinsic_call]
		_(RawOrigin::Signed(requester), netuid, input, fee);

		assert!(Requests::<T>::contains_key(0));
	}

	/// A chat prompt of `b` bytes (in up to `MaxMessages` messages, each checked as UTF-8), the
	/// most stop strings of the longest length, a seed drawn by the chain.
	#[benchmark]
	fn submit_text_request(b: Linear<1, { T::MaxInputLen::get() }>) -> Result<(), BenchmarkError> {
		let netuid = text_market::<T>();
		let requester: T::AccountId = whitelisted_caller();
		T::Currency::set_balance(&requester, funds::<T>());
		let count = b.min(T::MaxMessages::get()).max(1);
		let messages: Vec<_> = (0..count)
			.map(|index| {
				let rest = if index == 0 { b.checked_rem(count).unwrap_or(0) } else { 0 };
				let len = b.checked_div(count).unwrap_or(0).saturating_add(rest);
				ChatMessage {
					role: ChatRole::User,
					content: BoundedVec::truncate_from(vec![b'a'; len as usize]),
				}
			})
			.collect();
		let prompt = TextPrompt::Chat(BoundedVec::truncate_from(messages));
		let stop = BoundedVec::truncate_from(vec![b's'; T::MaxStopLen::get() as usize]);
		let options = TextOptions {
			max_tokens: T::MaxGeneratedTokens::get(),
			temperature_milli: 700,
			top_p_milli: 900,
			seed: None,
			stop: BoundedVec::truncate_from(vec![stop; T::MaxStops::get() as usize]),
		};
		let max_fee = funds::<T>();

		#[extrinsic_call]
		_(RawOrigin::Signed(requester), netuid, prompt, options, max_fee);

		let id = NextRequestId::<T>::get().saturating_sub(1);
		assert!(Requests::<T>::get(id).is_some_and(|request| request.text.is_some()));
		Ok(())
	}

	/// A generation of `t` tokens with its proof under the CPU text rule, its commitment
	/// hashed and its deposit held.
	#[benchmark]
	fn submit_generation(
		t: Linear<1, { T::MaxGeneratedTokens::get() }>,
	) -> Result<(), BenchmarkError> {
		let (netuid, miners, _) = market::<T>(1, 1);
		let miner = miners.first().cloned().ok_or(BenchmarkError::Weightless)?;
		T::Currency::set_balance(&miner, funds::<T>());
		let now = frame_system::Pallet::<T>::block_number();
		let status = RequestStatus::Assigned {
			miner: miner.clone(),
			uid: 1,
			deadline: now.saturating_add(One::one()),
		};
		let id = request::<T>(netuid, &account("requester", 0, 0), status)?;
		let text = text_metadata::<T>();
		Requests::<T>::mutate(id, |request| {
			if let Some(request) = request {
				request.rule = text.profile.rule;
				request.output_dim = text.output_dim;
				request.text = Some(TextTask {
					messages: BoundedVec::default(),
					max_tokens: T::MaxGeneratedTokens::get(),
					sampling: SamplingParams::GREEDY,
					stop: BoundedVec::default(),
					output_token_fee: One::one(),
				});
			}
		});
		let ComparisonRule::Text(rule) = text.profile.rule else {
			return Err(BenchmarkError::Weightless);
		};
		let proof_len = Pallet::<T>::proof_len(&rule, t).ok_or(BenchmarkError::Weightless)?;
		let tokens =
			BoundedVec::truncate_from((0..t).map(|token| token % 49_152).collect::<Vec<_>>());
		let proof = BoundedVec::truncate_from(vec![7u8; proof_len as usize]);

		#[extrinsic_call]
		_(RawOrigin::Signed(miner), id, tokens, proof);

		assert!(Requests::<T>::get(id).is_some_and(|request| request.result.is_some()));
		Ok(())
	}

	/// An output of `o` bytes whose commitment is recomputed under a tolerance rule.
	#[benchmark]
	fn submit_result(o: Linear<1, { T::MaxOutputLen::get() / 4 }>) -> Result<(), BenchmarkError> {
		let (netuid, miners, _) = market::<T>(1, 1);
		let miner = miners.first().cloned().ok_or(BenchmarkError::Weightless)?;
		let now = frame_system::Pallet::<T>::block_number();
		let status = RequestStatus::Assigned {
			miner: miner.clone(),
			uid: 1,
			deadline: now.saturating_add(One::one()),
		};
		let id = request::<T>(netuid, &account("requester", 0, 0), status)?;
		Requests::<T>::mutate(id, |request| {
			if let Some(request) = request {
				request.output_dim = o;
			}
		});
		let values = vec![0.123_456_7f32; o as usize];
		let rule = metadata::<T>().profile.rule;
		let commitment = H256(output_commitment(&rule, OutputShape { rows: 1, cols: o }, &values));
		let output = BoundedVec::truncate_from(encode_output(&values));

		#[extrinsic_call]
		_(RawOrigin::Signed(miner), id, output, commitment);

		assert!(Requests::<T>::get(id).is_some_and(|request| request.result.is_some()));
		Ok(())
	}

	/// The last member of a full committee commits.
	#[benchmark]
	fn commit_verdict() -> Result<(), BenchmarkError> {
		let size = T::CommitteeSize::get();
		let (id, _, validators, _) =
			answered::<T>(size, |now| RequestStatus::UnderReview { challenge_until: now })?;
		review::<T>(id, &account("challenger", 0, 0), &validators, &[])?;
		Reviews::<T>::mutate(id, |review| {
			if let Some(review) = review {
				review.panel.iter_mut().for_each(|seat| seat.commitment = None);
			}
		});
		let last = validators.last().cloned().ok_or(BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(last), id, H256::repeat_byte(3));

		Ok(())
	}

	/// The last member of a full committee reveals.
	#[benchmark]
	fn reveal_verdict() -> Result<(), BenchmarkError> {
		let size = T::CommitteeSize::get();
		let (id, _, validators, now) =
			answered::<T>(size, |now| RequestStatus::UnderReview { challenge_until: now })?;
		review::<T>(id, &account("challenger", 0, 0), &validators, &[])?;
		let last = validators.last().cloned().ok_or(BenchmarkError::Weightless)?;
		let verdict = Verdict { agrees: false, output_commitment: [1; 32] };
		let salt = [5u8; 32];
		let reveal_at = now.saturating_add(11u32.into());
		Reviews::<T>::mutate(id, |review| {
			if let Some(review) = review {
				if let Some(seat) = review.panel.last_mut() {
					seat.commitment = Some(H256(verdict_commitment(&last, id, &verdict, &salt)));
				}
			}
		});
		go_to::<T>(reveal_at);

		#[extrinsic_call]
		_(RawOrigin::Signed(last), id, verdict, salt);

		Ok(())
	}

	#[benchmark]
	fn challenge() -> Result<(), BenchmarkError> {
		let (netuid, miners, validators) = market::<T>(1, 1);
		let miner = miners.first().cloned().ok_or(BenchmarkError::Weightless)?;
		let challenger = validators.first().cloned().ok_or(BenchmarkError::Weightless)?;
		T::Currency::set_balance(&challenger, funds::<T>());
		let now = frame_system::Pallet::<T>::block_number();
		let status = RequestStatus::Answered { challenge_until: now.saturating_add(10u32.into()) };
		let id = request::<T>(netuid, &account("requester", 0, 0), status)?;
		result::<T>(id, &miner);

		#[extrinsic_call]
		_(RawOrigin::Signed(challenger), id);

		assert!(Reviews::<T>::contains_key(id));
		Ok(())
	}

	/// Drawing a miner among `u` UIDs (one validator, the rest miners).
	#[benchmark]
	fn assign(u: Linear<2, { T::MaxUids::get() }>) -> Result<(), BenchmarkError> {
		let (netuid, _, _) = market::<T>(u.saturating_sub(1), 1);
		let id = request::<T>(netuid, &account("requester", 0, 0), RequestStatus::Queued)?;
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::assign(id, now);
		}

		assert!(matches!(
			Requests::<T>::get(id).map(|r| r.status),
			Some(RequestStatus::Assigned { .. })
		));
		Ok(())
	}

	/// A missed deadline of the last attempt: penalty, then the request expires (a
	/// reassignment is charged as [`WeightInfo::assign`] on top).
	#[benchmark]
	fn timeout() -> Result<(), BenchmarkError> {
		let (netuid, miners, _) = market::<T>(1, 1);
		let miner = miners.first().cloned().ok_or(BenchmarkError::Weightless)?;
		let now = frame_system::Pallet::<T>::block_number();
		let status = RequestStatus::Assigned { miner, uid: 1, deadline: now };
		let id = request::<T>(netuid, &account("requester", 0, 0), status)?;
		let attempts = T::MaxAttempts::get();
		Requests::<T>::mutate(id, |r| {
			if let Some(r) = r {
				r.attempts = attempts;
			}
		});
		let later = now.saturating_add(One::one());
		go_to::<T>(later);

		#[block]
		{
			Pallet::<T>::timeout(id, attempts, later);
		}

		assert_eq!(Requests::<T>::get(id).map(|r| r.status), Some(RequestStatus::Expired));
		Ok(())
	}

	/// An audit drawn (probability one) among a full committee's worth of validators.
	#[benchmark]
	fn draw_audit() -> Result<(), BenchmarkError> {
		let (id, _, _, now) = answered::<T>(T::CommitteeSize::get(), |now| {
			RequestStatus::Answered { challenge_until: now.saturating_add(10u32.into()) }
		})?;

		#[block]
		{
			Pallet::<T>::draw_audit(id, now);
		}

		assert!(Reviews::<T>::contains_key(id));
		Ok(())
	}

	/// A committee drawn for a challenge.
	#[benchmark]
	fn form_committee() -> Result<(), BenchmarkError> {
		let size = T::CommitteeSize::get();
		let (netuid, miners, _) = market::<T>(1, size.saturating_add(1));
		let miner = miners.first().cloned().ok_or(BenchmarkError::Weightless)?;
		let now = frame_system::Pallet::<T>::block_number();
		let status =
			RequestStatus::UnderReview { challenge_until: now.saturating_add(10u32.into()) };
		let id = request::<T>(netuid, &account("requester", 0, 0), status)?;
		result::<T>(id, &miner);
		review::<T>(id, &account("challenger", 0, 0), &[], &[])?;

		#[block]
		{
			Pallet::<T>::form_committee(id, now);
		}

		assert!(Reviews::<T>::get(id).is_some_and(|r| !r.panel.is_empty()));
		Ok(())
	}

	/// Tally of a `c`-member challenge that rejects the result: the miner slashed twice, the
	/// requester refunded, the bond returned, the minority penalised.
	#[benchmark]
	fn close_review(c: Linear<1, { T::CommitteeSize::get() }>) -> Result<(), BenchmarkError> {
		let (id, _, validators, now) =
			answered::<T>(c, |now| RequestStatus::UnderReview { challenge_until: now })?;
		// The first ⌊(c−1)/3⌋ agree (outvoted, penalised), the rest (at least ⅔) disagree.
		let agreeing = c.saturating_sub(1) / 3;
		let verdicts: Vec<Option<bool>> = (0..c).map(|i| Some(i < agreeing)).collect();
		review::<T>(id, &account("challenger", 0, 0), &validators, &verdicts)?;
		let later = now.saturating_add(One::one());
		go_to::<T>(later);

		#[block]
		{
			Pallet::<T>::close_review(id, later);
		}

		assert_eq!(Requests::<T>::get(id).map(|r| r.status), Some(RequestStatus::Rejected));
		Ok(())
	}

	/// A result paid after its window.
	#[benchmark]
	fn finalize() -> Result<(), BenchmarkError> {
		let (id, _, _, now) =
			answered::<T>(1, |now| RequestStatus::Answered { challenge_until: now })?;
		let later = now.saturating_add(One::one());
		go_to::<T>(later);

		#[block]
		{
			Pallet::<T>::finalize(id, later);
		}

		assert_eq!(Requests::<T>::get(id).map(|r| r.status), Some(RequestStatus::Final));
		Ok(())
	}

	/// A settled request and its result removed.
	#[benchmark]
	fn prune() -> Result<(), BenchmarkError> {
		let (netuid, miners, _) = market::<T>(1, 1);
		let miner = miners.first().cloned().ok_or(BenchmarkError::Weightless)?;
		let now = frame_system::Pallet::<T>::block_number();
		let id = request::<T>(netuid, &account("requester", 0, 0), RequestStatus::Final)?;
		let fee = Pallet::<T>::market(netuid).request_fee;
		let requester: T::AccountId = account("requester", 0, 0);
		let _ = T::Currency::release(
			&HoldReason::RequestFee.into(),
			&requester,
			fee,
			frame_support::traits::tokens::Precision::BestEffort,
		);
		result::<T>(id, &miner);
		go_to::<T>(now.saturating_add(One::one()));

		#[block]
		{
			Pallet::<T>::prune(id);
		}

		assert!(!Requests::<T>::contains_key(id));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
