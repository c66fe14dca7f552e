//! Text generation on the market: requests with a prompt, options and a fixed seed; answers of
//! tokens and proof checked for size on chain; fees for the tokens generated; deposits for the
//! bytes stored.

use super::*;
use crate::{ChatMessage, ChatRole, TextOptions, TextPrompt};
use inferchain_inference::{generation_commitment, RuntimeProfile, TextRule};

/// The text model's vocabulary.
const VOCAB: u32 = 100;
/// Proof bytes per chunk of 32 tokens under [`rule`] (`2 + 2k`).
const CHUNK: usize = 10;

fn rule() -> TextRule {
	TextRule { top_k: 4, ..TextRule::CPU_F32 }
}

fn text_metadata() -> ModelMetadata<BoundedVec<u8, frame_support::traits::ConstU32<32>>> {
	ModelMetadata {
		kind: TaskKind::TextGeneration,
		output_dim: VOCAB,
		profile: RuntimeProfile::text_cpu(rule()),
		..metadata()
	}
}

/// Registers the text model and makes it the subnet's task.
fn text_subnet() {
	let text = text_metadata();
	let id = DIGESTS.model_id(&text.profile, &text.output());
	assert_ok!(Inference::register_model(RuntimeOrigin::signed(DAVE), DIGESTS, text));
	let task = pallet_subnets::SubnetTask { kind: TaskKind::TextGeneration, model_id: H256(id) };
	assert_ok!(Subnets::set_subnet_task(RuntimeOrigin::signed(ALICE), NET, task));
	System::reset_events();
}

type Prompt = crate::TextPromptOf<Test>;
type Options = crate::TextOptionsOf<Test>;

fn text_prompt(text: &str) -> Prompt {
	TextPrompt::Text(BoundedVec::truncate_from(text.as_bytes().to_vec()))
}

fn chat(messages: &[(ChatRole, &str)]) -> Prompt {
	TextPrompt::Chat(BoundedVec::truncate_from(
		messages
			.iter()
			.map(|(role, content)| ChatMessage {
				role: *role,
				content: BoundedVec::truncate_from(content.as_bytes().to_vec()),
			})
			.collect::<Vec<_>>(),
	))
}

fn options(max_tokens: u32) -> Options {
	TextOptions {
		max_tokens,
		temperature_milli: 700,
		top_p_milli: 900,
		seed: Some(42),
		stop: BoundedVec::default(),
	}
}

/// What `prompt` with `max_tokens` holds: `FEE + 1 × bytes + 2 × max_tokens` (the mock market).
fn escrow(bytes: u64, max_tokens: u64) -> Balance {
	FEE + bytes + 2 * max_tokens
}

fn submit_text(prompt: Prompt, options: Options) -> RequestId {
	let id = crate::NextRequestId::<Test>::get();
	assert_ok!(Inference::submit_text_request(
		RuntimeOrigin::signed(DAPP),
		NET,
		prompt,
		options,
		Balance::MAX
	));
	id
}

fn tokens(n: usize) -> BoundedVec<u32, frame_support::traits::ConstU32<16>> {
	BoundedVec::truncate_from((0..n as u32).map(|t| t % VOCAB).collect::<Vec<_>>())
}

fn proof(n: usize) -> crate::ProofOf<Test> {
	BoundedVec::truncate_from(vec![7u8; n.div_ceil(32) * CHUNK])
}

fn generate(id: RequestId, miner: AccountId, n: usize) -> frame_support::dispatch::DispatchResult {
	Inference::submit_generation(RuntimeOrigin::signed(miner), id, tokens(n), proof(n))
}

#[test]
fn a_text_request_holds_the_most_it_can_cost_and_fixes_its_seed() {
	new_test_ext().execute_with(|| {
		text_subnet();
		let id = submit_text(text_prompt("Once upon"), options(8));
		let request = crate::Requests::<Test>::get(id).unwrap();
		assert_eq!(request.fee, escrow(9, 8));
		assert_eq!(
			Balances::balance_on_hold(&crate::HoldReason::RequestFee.into(), &DAPP),
			request.fee
		);
		let text = request.text.unwrap();
		assert_eq!(request.input.to_vec(), b"Once upon".to_vec());
		assert!(text.messages.is_empty());
		assert_eq!(text.sampling.seed, 42);
		assert_eq!((text.sampling.temperature_milli, text.sampling.top_p_milli), (700, 900));
		assert_eq!(text.output_token_fee, 2);
		assert_eq!(
			last_event(),
			Event::RequestSubmitted {
				request_id: id,
				requester: DAPP,
				netuid: NET,
				model_id: request.model_id,
				fee: escrow(9, 8),
			}
		);
		// No seed: the chain draws one at submission (and a chat prompt is kept as messages).
		let unseeded = Options { seed: None, ..options(4) };
		let id =
			submit_text(chat(&[(ChatRole::System, "Be brief."), (ChatRole::User, "Hi")]), unseeded);
		let request = crate::Requests::<Test>::get(id).unwrap();
		assert_eq!(request.fee, escrow(11, 4));
		assert!(request.input.is_empty());
		let text = request.text.unwrap();
		assert_eq!(text.messages.len(), 2);
		assert_eq!(text.messages[1].role, ChatRole::User);
		let drawn = Inference::seed(b"text-seed", id);
		assert_eq!(text.sampling.seed, u64::from_le_bytes(drawn[..8].try_into().unwrap()));
		check_invariants();
	});
}

#[test]
fn bad_text_requests_are_refused_and_change_nothing() {
	new_test_ext().execute_with(|| {
		let submit = |who, prompt: Prompt, options: Options, max_fee| {
			Inference::submit_text_request(
				RuntimeOrigin::signed(who),
				NET,
				prompt,
				options,
				max_fee,
			)
		};
		// An embeddings subnet takes no text requests, a text subnet no embeddings requests.
		let before = market_state();
		assert_noop!(
			submit(DAPP, text_prompt("hi"), options(4), Balance::MAX),
			Error::<Test>::WrongTaskKind
		);
		text_subnet();
		let before_text = market_state();
		assert_ne!(before, before_text);
		let input = BoundedVec::truncate_from(b"embed me".to_vec());
		assert_noop!(
			Inference::submit_request(RuntimeOrigin::signed(DAPP), NET, input, FEE),
			Error::<Test>::WrongTaskKind
		);
		let long = "x".repeat(40);
		for (prompt, error) in [
			(text_prompt("  \n"), Error::<Test>::InvalidInput),
			(TextPrompt::Chat(BoundedVec::default()), Error::<Test>::InvalidInput),
			(
				chat(&[(ChatRole::User, "hi"), (ChatRole::Assistant, " ")]),
				Error::<Test>::InvalidInput,
			),
			// 80 bytes together, over `MaxInputLen` (64).
			(
				chat(&[(ChatRole::User, &long), (ChatRole::User, &long)]),
				Error::<Test>::InvalidInput,
			),
			(
				TextPrompt::Text(BoundedVec::truncate_from(vec![0xff, 0xfe])),
				Error::<Test>::InvalidInput,
			),
		] {
			assert_noop!(submit(DAPP, prompt, options(4), Balance::MAX), error);
		}
		let stop =
			|s: &[u8]| BoundedVec::truncate_from(vec![BoundedVec::truncate_from(s.to_vec())]);
		for options in [
			options(0),
			// Above the subnet's cap (8).
			options(9),
			Options { temperature_milli: 2_001, ..options(4) },
			Options { top_p_milli: 0, ..options(4) },
			Options { top_p_milli: 1_001, ..options(4) },
			Options { stop: stop(b""), ..options(4) },
			Options { stop: stop(&[0xff]), ..options(4) },
		] {
			assert_noop!(
				submit(DAPP, text_prompt("hi"), options, Balance::MAX),
				Error::<Test>::InvalidTextOptions
			);
		}
		assert_noop!(
			submit(DAPP, text_prompt("hi"), options(4), escrow(2, 4) - 1),
			Error::<Test>::FeeAboveMax
		);
		assert_noop!(
			submit(POOR, text_prompt("hi"), options(4), Balance::MAX),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(
			Inference::submit_text_request(
				RuntimeOrigin::signed(DAPP),
				NetUid(9),
				text_prompt("hi"),
				options(4),
				Balance::MAX
			),
			Error::<Test>::SubnetNotFound
		);
		assert_eq!(market_state(), before_text);
	});
}

#[test]
fn a_generation_is_checked_for_size_and_holds_a_deposit_for_its_bytes() {
	new_test_ext().execute_with(|| {
		text_subnet();
		no_audits();
		let id = submit_text(text_prompt("Once upon"), options(8));
		run_to(2);
		let miner = assigned(id);
		// The text deadline: `TextResultTimeout` blocks.
		match status(id) {
			RequestStatus::Assigned { deadline, .. } => assert_eq!(deadline, 2 + TEXT_TIMEOUT),
			other => panic!("{other:?}"),
		}
		let before = market_state();
		let values = BoundedVec::truncate_from(encode_output(&[0.5, 0.5, 0.5]));
		assert_noop!(
			Inference::submit_result(
				RuntimeOrigin::signed(miner),
				id,
				values,
				commitment(&[0.5; 3])
			),
			Error::<Test>::WrongTaskKind
		);
		let bad_token = BoundedVec::truncate_from(vec![1, VOCAB]);
		for (tokens, proof, error) in [
			(tokens(0), proof(0), Error::<Test>::MalformedGeneration),
			// More than the request's `max_tokens` (8).
			(tokens(9), proof(9), Error::<Test>::MalformedGeneration),
			(bad_token, proof(2), Error::<Test>::MalformedGeneration),
			(
				tokens(3),
				BoundedVec::truncate_from(vec![7; CHUNK - 1]),
				Error::<Test>::MalformedProof,
			),
			(
				tokens(3),
				BoundedVec::truncate_from(vec![7; 2 * CHUNK]),
				Error::<Test>::MalformedProof,
			),
		] {
			assert_noop!(
				Inference::submit_generation(RuntimeOrigin::signed(miner), id, tokens, proof),
				error
			);
		}
		assert_noop!(generate(id, STRANGER, 3), Error::<Test>::NotAssignedMiner);
		assert_eq!(market_state(), before);

		let held = |who| Balances::balance_on_hold(&crate::HoldReason::ResultDeposit.into(), &who);
		assert_ok!(generate(id, miner, 3));
		let result = crate::Requests::<Test>::get(id).unwrap().result.unwrap();
		assert_eq!(result.output.len(), 12);
		assert_eq!(result.proof.len(), CHUNK);
		assert_eq!(result.output_commitment, H256(generation_commitment(&[0, 1, 2], &[7; CHUNK])));
		assert_eq!(result.deposit, 12 + CHUNK as u64);
		assert_eq!(held(miner), 12 + CHUNK as u64);
		assert_noop!(generate(id, miner, 3), Error::<Test>::NotAwaitingResult);
		check_invariants();
	});
}

#[test]
fn a_final_generation_pays_for_its_tokens_and_refunds_the_rest() {
	new_test_ext().execute_with(|| {
		text_subnet();
		no_audits();
		let issuance = Balances::total_issuance();
		let id = submit_text(text_prompt("Once upon"), options(8));
		run_to(2);
		let miner = assigned(id);
		let miner_before = Balances::free_balance(miner);
		assert_ok!(generate(id, miner, 3));
		let at = System::block_number();
		run_to(at + WINDOW + 1);
		assert_eq!(status(id), RequestStatus::Final);
		// 3 of 8 tokens: 5 × 2 back; the rest is due, a tenth of it burned.
		let refunded = 5 * 2;
		let due = escrow(9, 8) - refunded;
		let cut = due / 10;
		assert_eq!(
			last_event(),
			Event::ResultFinalized {
				request_id: id,
				miner,
				paid: due - cut,
				burned: cut,
				refunded
			}
		);
		assert_eq!(Balances::free_balance(DAPP), FUNDS - due);
		let deposit = 12 + CHUNK as u64;
		assert_eq!(Balances::free_balance(miner), miner_before + due - cut - deposit);
		assert_eq!(Balances::total_issuance(), issuance - cut);
		check_invariants();
		// Pruning returns the deposit.
		run_to(at + WINDOW + 1 + RETENTION + 1);
		assert_eq!(
			last_event(),
			Event::RequestPruned { request_id: id, deposit_returned: deposit }
		);
		assert_eq!(Balances::free_balance(miner), miner_before + due - cut);
		check_invariants();
	});
}

#[test]
fn a_wrong_generation_is_slashed_on_its_whole_escrow_and_refunded_in_full() {
	new_test_ext().execute_with(|| {
		text_subnet();
		always_audit();
		let id = submit_text(text_prompt("Once upon"), options(8));
		run_to(2);
		let miner = assigned(id);
		let stake = stake_of(miner);
		assert_ok!(generate(id, miner, 3));
		// The auditor's prefill disagrees, and so does the committee's: the result is wrong.
		run_to(System::block_number() + 1);
		for _ in 0..(COMMIT + REVEAL + 8) {
			panels_judge_by(&[], &[], |_| false);
			run_to(System::block_number() + 1);
		}
		assert_eq!(status(id), RequestStatus::Rejected);
		assert_eq!(Balances::free_balance(DAPP), FUNDS);
		assert_eq!(stake_of(miner), stake - escrow(9, 8) * u64::from(MULTIPLE));
		check_invariants();
	});
}

#[test]
fn text_models_need_a_text_rule_whose_proofs_fit() {
	new_test_ext().execute_with(|| {
		let before = market_state();
		// A text model judged as vectors, a vector model judged as text, and a rule whose
		// proof of `MaxGeneratedTokens` tokens is longer than `MaxProofLen` (1024).
		let vector_rule = ModelMetadata { profile: metadata().profile, ..text_metadata() };
		let text_rule = ModelMetadata { profile: text_metadata().profile, ..metadata() };
		let huge = ModelMetadata {
			profile: RuntimeProfile::text_cpu(TextRule { top_k: 512, ..rule() }),
			..text_metadata()
		};
		for metadata in [vector_rule, text_rule, huge] {
			assert_noop!(
				Inference::register_model(RuntimeOrigin::signed(DAVE), DIGESTS, metadata),
				Error::<Test>::RuleDoesNotFitTask
			);
		}
		assert_eq!(market_state(), before);
	});
}

/// Every panel member judges as a prefill check would: a generation by [`MINER`] is right, one
/// by [`MINER_B`] (who edits tokens) wrong; members in `liars` say the opposite, `silent`
/// ones nothing.
fn panels_judge(silent: &[AccountId], liars: &[AccountId]) {
	panels_judge_by(silent, liars, |result| result.miner == MINER);
}

mod properties {
	use super::*;
	use proptest::prelude::*;

	/// One step of a random text market.
	#[derive(Clone, Debug)]
	enum Op {
		/// DAPP asks for up to `max_tokens` tokens, with its own seed or none.
		Submit { max_tokens: u32, seeded: bool },
		/// Every assigned request is answered: [`MINER`] with `tokens` (at most the request's
		/// `max_tokens`), [`MINER_B`] padding to `max_tokens` (wrong, as its edits are).
		Generate { tokens: u32 },
		/// [`MINER_B`] tries answers the chain refuses (too many tokens, a token outside the
		/// vocabulary, a short proof, an embeddings answer): nothing changes.
		Malformed,
		/// CHALLENGER challenges the oldest answered request.
		Challenge,
		/// Blocks pass; validator `silent` stays silent meanwhile (an index, 4+ = none).
		Advance { blocks: u64, silent: usize },
	}

	fn op() -> impl Strategy<Value = Op> {
		prop_oneof![
			3 => (1u32..=8, any::<bool>())
				.prop_map(|(max_tokens, seeded)| Op::Submit { max_tokens, seeded }),
			3 => (1u32..=8).prop_map(|tokens| Op::Generate { tokens }),
			1 => Just(Op::Malformed),
			1 => Just(Op::Challenge),
			4 => (1u64..4, 0usize..8).prop_map(|(blocks, silent)| Op::Advance { blocks, silent }),
		]
	}

	/// Applies `op`; `liars` lie in every review (the same throughout, so their reveals match
	/// their commits); `spent` records each submitted request's `max_tokens` and held fee.
	fn apply(
		op: &Op,
		liars: &[AccountId],
		spent: &mut std::collections::BTreeMap<RequestId, (u32, Balance)>,
	) {
		match op {
			Op::Submit { max_tokens, seeded } => {
				let options = Options { seed: seeded.then_some(7), ..options(*max_tokens) };
				let id = crate::NextRequestId::<Test>::get();
				let submitted = Inference::submit_text_request(
					RuntimeOrigin::signed(DAPP),
					NET,
					text_prompt("Once upon a time"),
					options,
					Balance::MAX,
				);
				if submitted.is_ok() {
					spent.insert(id, (*max_tokens, escrow(16, u64::from(*max_tokens))));
				}
			},
			Op::Generate { tokens } => {
				let now = System::block_number();
				for (id, request) in crate::Requests::<Test>::iter().collect::<Vec<_>>() {
					let RequestStatus::Assigned { miner, deadline, .. } = request.status else {
						continue;
					};
					if now > deadline {
						continue;
					}
					let max = request.text.as_ref().unwrap().max_tokens;
					let n = if miner == MINER { (*tokens).min(max) } else { max };
					assert_ok!(generate(id, miner, n as usize));
				}
			},
			Op::Malformed => {
				let before = market_state();
				for (id, request) in crate::Requests::<Test>::iter().collect::<Vec<_>>() {
					if let RequestStatus::Assigned { miner: MINER_B, .. } = request.status {
						let max = request.text.as_ref().unwrap().max_tokens as usize;
						assert!(generate(id, MINER_B, max + 1).is_err());
						let outside = BoundedVec::truncate_from(vec![VOCAB]);
						let call = Inference::submit_generation(
							RuntimeOrigin::signed(MINER_B),
							id,
							outside,
							proof(1),
						);
						assert!(call.is_err());
						let short = BoundedVec::truncate_from(vec![7; CHUNK - 1]);
						let call = Inference::submit_generation(
							RuntimeOrigin::signed(MINER_B),
							id,
							tokens(1),
							short,
						);
						assert!(call.is_err());
						assert!(answer(id, MINER_B, &honest_output()).is_err());
					}
				}
				assert_eq!(market_state(), before);
			},
			Op::Challenge => challenge_oldest_answered(),
			Op::Advance { blocks, silent } => {
				let silent: Vec<AccountId> = VALIDATORS.get(*silent).copied().into_iter().collect();
				for _ in 0..*blocks {
					run_to(System::block_number() + 1);
					panels_judge(&silent, liars);
				}
			},
		}
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(48))]

		/// Random text markets, a padding miner and a lying validator among honest ones: every
		/// invariant holds after each step; once settled, the requester paid exactly the due
		/// fee of each final request (base + prompt bytes + tokens generated) and nothing for
		/// the others; the honest miner is never slashed; every deposit came back.
		#[test]
		fn text_markets_charge_what_was_generated_and_keep_every_invariant(
			ops in prop::collection::vec(op(), 1..50),
			liar in 0usize..8,
		) {
			new_test_ext().execute_with(|| {
				add_second_miner();
				text_subnet();
				let liars: Vec<AccountId> = VALIDATORS.get(liar).copied().into_iter().collect();
				let mut submitted = std::collections::BTreeMap::new();
				for op in &ops {
					apply(op, &liars, &mut submitted);
					check_invariants();
				}
				for _ in 0..200 {
					run_to(System::block_number() + 1);
					panels_judge(&[], &liars);
					check_invariants();
				}
				let mut due = 0;
				for event in events() {
					match event {
						Event::ResultFinalized { request_id, paid, burned, refunded, .. } => {
							let (max_tokens, held) = submitted[&request_id];
							assert_eq!(paid + burned + refunded, held);
							// The refund is the unused tokens' price.
							assert_eq!(refunded % 2, 0);
							assert!(refunded <= 2 * u64::from(max_tokens));
							due += paid + burned;
						},
						Event::ResultSlashed { miner, .. } => {
							assert_eq!(miner, MINER_B, "the honest miner was slashed");
						},
						_ => {},
					}
				}
				assert_eq!(Balances::free_balance(DAPP), FUNDS - due);
				assert_eq!(crate::Requests::<Test>::iter().count(), 0, "a request was not pruned");
				for miner in [MINER, MINER_B] {
					let held = Balances::balance_on_hold(&crate::HoldReason::ResultDeposit.into(), &miner);
					assert_eq!(held, 0);
				}
			});
		}
	}
}
