//! The detection matrix of text proofs: honest generations pass at other thread counts and in
//! other batches; a different model (perturbed weights, a skipped layer, a re-quantized
//! embedding), edited tokens, another seed or temperature, and truncated or borrowed proofs
//! are rejected, each by the validator's one teacher-forced prefill.
//!
//! With `--nocapture` each case prints the per-chunk comparison the rule judged, the
//! measurements behind `TextRule::CPU_F32`.

mod common;

use common::{llm_path, text_model};
use ggus::ggml_quants::{f16, Quantize, Q4_1, Q8_0};
use inferchain_engine::{
	gguf::GgufFile, ChatMessage, Generation, GenerationRequest, TextModel, TextOptions, TextVerdict,
};
use inferchain_inference::{
	proof::{check_chunk, chunk_offset, decode_chunks, encode_chunks, ChunkCheck, CHUNK_TOKENS},
	SamplingParams,
};

const SAMPLED: SamplingParams =
	SamplingParams { temperature_milli: 700, top_p_milli: 950, seed: 42 };

fn request(model: &TextModel, params: SamplingParams) -> GenerationRequest {
	let prompt = model
		.chat_prompt(&[ChatMessage::new("user", "Explain in a few sentences how a bicycle works.")])
		.unwrap();
	GenerationRequest::new(prompt, params, 96)
}

/// The comparison of each chunk of `generation` with the honest model's recomputation.
fn chunk_checks(
	model: &TextModel,
	request: &GenerationRequest,
	generation: &Generation,
) -> Vec<ChunkCheck> {
	let recomputed = model.recompute(&request.prompt, &generation.tokens).unwrap();
	let hidden = model.llama().config().hidden as usize;
	let chunks = decode_chunks(&generation.proof, usize::from(model.rule().top_k)).unwrap();
	chunks
		.iter()
		.zip(recomputed.states.chunks(CHUNK_TOKENS * hidden))
		.enumerate()
		.map(|(i, (chunk, states))| {
			check_chunk(chunk, states, chunk_offset(&request.binding, i as u32)).unwrap()
		})
		.collect()
}

fn report(case: &str, checks: &[ChunkCheck]) {
	let mismatches: Vec<u32> = checks.iter().map(|c| c.exponent_mismatches).collect();
	let means: Vec<String> =
		checks.iter().map(|c| format!("{:.3}", c.mean_mantissa_diff)).collect();
	let medians: Vec<u32> = checks.iter().map(|c| c.median_mantissa_diff).collect();
	println!("{case}: exponent mismatches {mismatches:?}, mean mantissa diff {means:?}, median {medians:?}");
}

fn rejected(verdict: TextVerdict) -> bool {
	matches!(verdict, TextVerdict::Rejected(_))
}

#[test]
fn honest_generations_pass_at_other_thread_counts() {
	let model = text_model();
	for params in [SamplingParams::GREEDY, SAMPLED] {
		let request = request(&model, params);
		for (generate_threads, verify_threads) in [(1, 2), (2, 1)] {
			tch::set_num_threads(generate_threads);
			let generation = model.generate(request.clone()).unwrap();
			tch::set_num_threads(verify_threads);
			report(
				&format!("honest {params:?}, {generate_threads} → {verify_threads} threads"),
				&chunk_checks(&model, &request, &generation),
			);
			assert_eq!(
				model.verify(&request, &generation.tokens, &generation.proof).unwrap(),
				TextVerdict::Accepted
			);
		}
	}
}

#[test]
fn edited_tokens_are_rejected() {
	let model = text_model();
	for params in [SamplingParams::GREEDY, SAMPLED] {
		let request = request(&model, params);
		let generation = model.generate(request.clone()).unwrap();
		let last = generation.tokens.len() - 1;
		assert!(last >= 4, "{:?}", generation.tokens);
		for position in [0, last / 2, last - 1, last] {
			let mut tokens = generation.tokens.clone();
			tokens[position] = if tokens[position] == 28 { 30 } else { 28 };
			assert!(
				rejected(model.verify(&request, &tokens, &generation.proof).unwrap()),
				"edit at {position}"
			);
		}
	}
}

#[test]
fn another_seed_or_temperature_is_rejected() {
	let model = text_model();
	let request = request(&model, SAMPLED);
	for other in [
		SamplingParams { seed: 43, ..SAMPLED },
		SamplingParams { temperature_milli: 1000, ..SAMPLED },
		SamplingParams { temperature_milli: 400, ..SAMPLED },
		SamplingParams::GREEDY,
	] {
		let generation =
			model.generate(GenerationRequest { params: other, ..request.clone() }).unwrap();
		assert!(
			rejected(model.verify(&request, &generation.tokens, &generation.proof).unwrap()),
			"{other:?} passed as {SAMPLED:?}"
		);
	}
}

#[test]
fn truncated_padded_or_borrowed_proofs_are_rejected() {
	let model = text_model();
	let request = request(&model, SamplingParams::GREEDY);
	let generation = model.generate(request.clone()).unwrap();
	let chunks = decode_chunks(&generation.proof, usize::from(model.rule().top_k)).unwrap();
	assert!(chunks.len() >= 2);
	let truncated = encode_chunks(&chunks[..chunks.len() - 1]);
	let padded = encode_chunks(&[chunks.clone(), vec![chunks[0].clone()]].concat());
	for proof in
		[truncated, padded, vec![], generation.proof[..generation.proof.len() - 2].to_vec()]
	{
		assert!(rejected(model.verify(&request, &generation.tokens, &proof).unwrap()));
	}
	// The proof of another prompt's generation, with the tokens of this one.
	let other = GenerationRequest {
		prompt: model
			.chat_prompt(&[ChatMessage::new("user", "Describe the water cycle.")])
			.unwrap(),
		..request.clone()
	};
	let borrowed = model.generate(other).unwrap();
	let count = borrowed.tokens.len().min(generation.tokens.len());
	let size = 2 + 2 * usize::from(model.rule().top_k);
	let proof_len = count.div_ceil(CHUNK_TOKENS) * size;
	if count == generation.tokens.len() {
		assert!(rejected(
			model.verify(&request, &generation.tokens, &borrowed.proof[..proof_len]).unwrap()
		));
	}
	let mut swapped = chunks.clone();
	swapped[0] =
		decode_chunks(&borrowed.proof, usize::from(model.rule().top_k)).unwrap()[0].clone();
	assert!(rejected(
		model.verify(&request, &generation.tokens, &encode_chunks(&swapped)).unwrap()
	));
}

/// An edit of a tensor's bytes, given its name.
type Edit = dyn Fn(&str, &mut [u8]);

/// A copy of the bundled GGUF with `edit` applied to each tensor's bytes.
fn tampered_model(edit: impl Fn(&str, &mut [u8])) -> (tempfile::TempDir, TextModel) {
	let original = GgufFile::read(&llm_path()).unwrap();
	let mut bytes = std::fs::read(llm_path()).unwrap();
	for name in original.tensor_names().unwrap() {
		let (_, range) = original.tensor_bytes(&name).unwrap();
		edit(&name, &mut bytes[range]);
	}
	let dir = tempfile::tempdir().unwrap();
	let path = dir.path().join("tampered.gguf");
	std::fs::write(&path, bytes).unwrap();
	let model = TextModel::load(&path, TextOptions::cpu(), &mut |_, _, _| {}).unwrap();
	(dir, model)
}

/// Scales each Q4_1 block's scale and minimum by `1 ± fraction` (alternating).
fn perturb_q4_1(bytes: &mut [u8], fraction: f32) {
	for (i, block) in bytes.chunks_exact_mut(20).enumerate() {
		let factor = if i % 2 == 0 { 1.0 + fraction } else { 1.0 - fraction };
		for at in [0, 2] {
			let value = f16::from_le_bytes([block[at], block[at + 1]]).to_f32() * factor;
			block[at..at + 2].copy_from_slice(&f16::from_f32(value).to_le_bytes());
		}
	}
}

/// Zeroes every Q4_1 block (scale and minimum 0: all weights 0).
fn zero_q4_1(bytes: &mut [u8]) {
	bytes.fill(0);
}

/// Re-quantizes Q8_0 blocks through Q4_1: the weights a 4-bit copy of the tensor would hold.
fn requantize_q8_0_through_q4_1(bytes: &mut [u8]) {
	for block in bytes.chunks_exact_mut(34) {
		let original = Q8_0 {
			delta: f16::from_le_bytes([block[0], block[1]]),
			quants: std::array::from_fn(|i| block[2 + i] as i8),
		};
		let values: [f32; 32] = original.dequantize();
		let coarse: [f32; 32] = <Q4_1 as Quantize<f32, 32>>::quantize(&values).dequantize();
		let back = <Q8_0 as Quantize<f32, 32>>::quantize(&coarse);
		block[..2].copy_from_slice(&back.delta.to_le_bytes());
		for (slot, q) in block[2..].iter_mut().zip(back.quants) {
			*slot = q as u8;
		}
	}
}

#[test]
fn another_model_is_rejected() {
	let cases: Vec<(&str, Box<Edit>)> = vec![
		(
			"weights perturbed by 1 % (ffn_up of every block)",
			Box::new(|name: &str, bytes: &mut [u8]| {
				if name.ends_with("ffn_up.weight") {
					perturb_q4_1(bytes, 0.01)
				}
			}),
		),
		(
			"one layer fewer (block 15 skipped)",
			Box::new(|name: &str, bytes: &mut [u8]| {
				if name == "blk.15.attn_output.weight" || name == "blk.15.ffn_down.weight" {
					zero_q4_1(bytes)
				}
			}),
		),
		(
			"embedding re-quantized to 4 bits",
			Box::new(|name: &str, bytes: &mut [u8]| {
				if name == "token_embd.weight" {
					requantize_q8_0_through_q4_1(bytes)
				}
			}),
		),
	];
	for (case, edit) in cases {
		let (_dir, cheat) = tampered_model(edit);
		let honest = text_model();
		for params in [SamplingParams::GREEDY, SAMPLED] {
			let request = request(&honest, params);
			let generation = cheat.generate(request.clone()).unwrap();
			let checks = chunk_checks(&honest, &request, &generation);
			report(&format!("{case}, {params:?}"), &checks);
			// The hidden states alone give it away, whatever the tokens look like.
			assert!(checks.iter().all(|check| !honest.rule().accepts(check)), "{case}: {checks:?}");
			let verdict = honest.verify(&request, &generation.tokens, &generation.proof).unwrap();
			println!("  → {verdict:?}");
			assert!(rejected(verdict), "{case} passed");
		}
	}
}

#[test]
fn a_relayed_answer_is_rejected_and_bad_token_ids_never_reach_the_model() {
	let model = text_model();
	// Miner B answers honestly, its proof bound to its own hotkey; miner A relays the answer
	// as its own. A's binding differs, so the proof fails.
	let request_hash = [7u8; 32];
	let for_b = GenerationRequest {
		binding: inferchain_inference::proof_binding(&[0xB; 32], &request_hash),
		..request(&model, SamplingParams::GREEDY)
	};
	let answer = model.generate(for_b.clone()).unwrap();
	assert_eq!(model.verify(&for_b, &answer.tokens, &answer.proof).unwrap(), TextVerdict::Accepted);
	let for_a = GenerationRequest {
		binding: inferchain_inference::proof_binding(&[0xA; 32], &request_hash),
		..for_b.clone()
	};
	assert!(rejected(model.verify(&for_a, &answer.tokens, &answer.proof).unwrap()));
	// Token ids past the vocabulary are refused before the prefill (an embedding lookup with
	// them would fail, on a GPU for good).
	let mut tokens = answer.tokens.clone();
	tokens[0] = 1_000_000;
	match model.verify(&for_b, &tokens, &answer.proof).unwrap() {
		TextVerdict::Rejected(reason) => {
			assert!(reason.contains("outside the vocabulary"), "{reason}")
		},
		TextVerdict::Accepted => panic!("accepted"),
	}
}
