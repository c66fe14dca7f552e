//! Text generation figures of the engine with SmolLM2-135M-Instruct on the CPU, with
//! `BENCH_THREADS` intra-op threads (default 2): tokens per second of one stream and aggregate
//! of 8 concurrent streams (continuous batching), time to first token, the validator's check
//! (one prefill) against the generation it checks, and proof bytes per 32 tokens.
//! `scripts/bench-text.sh` runs this and the same workload in PyTorch (`scripts/bench-text.py`)
//! in one go. Output: one `engine …` line per figure, then `tokens N` for the Python side.

use inferchain_engine::{
	ChatMessage, GenerationRequest, Lane, TextEngine, TextEngineOptions, TextEvent, TextOptions,
	TextVerdict,
};
use inferchain_inference::{proof::proof_bytes_per_chunk, SamplingParams};
use std::{path::PathBuf, time::Instant};

/// The prompts of the 8 streams (the first is the single stream's; the same list as
/// `scripts/bench-text.py`).
const PROMPTS: [&str; 8] = [
	"Write a long story about a dragon who learns to paint.",
	"Explain how a steam engine works, step by step.",
	"Describe a walk through a busy market in the morning.",
	"Write a letter to a friend about your summer holiday.",
	"Explain why the sky is blue to a ten year old.",
	"Describe the life cycle of a butterfly in detail.",
	"Write a short essay about the history of bicycles.",
	"Tell a story about a robot that wants to become a chef.",
];
/// New tokens per generation.
const NEW_TOKENS: usize = 128;

fn request(engine: &TextEngine, prompt: &str) -> GenerationRequest {
	GenerationRequest {
		prompt: engine
			.frontend()
			.chat_prompt(&[ChatMessage::new("user", prompt)])
			.expect("renders"),
		params: SamplingParams::GREEDY,
		max_tokens: NEW_TOKENS,
		stop: vec![],
		binding: [0; 32],
	}
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
	let threads: u16 =
		std::env::var("BENCH_THREADS").ok().and_then(|t| t.parse().ok()).unwrap_or(2);
	let path =
		std::env::var_os("INFERCHAIN_LLM_PATH").map(PathBuf::from).expect("INFERCHAIN_LLM_PATH");
	let options = TextOptions { threads: Some(threads), ..TextOptions::cpu() };
	let limits = TextEngineOptions { max_batch: 8, max_queue: 64 };
	let engine = TextEngine::load(&path, options, limits, Box::new(|_, _, _| {})).expect("loads");

	// Warm-up.
	engine
		.generate_all(
			Lane::Public,
			GenerationRequest { max_tokens: 8, ..request(&engine, PROMPTS[0]) },
		)
		.await
		.expect("generates");

	// One stream: time to first token and tokens per second.
	let single = request(&engine, PROMPTS[0]);
	let started = Instant::now();
	let mut events = engine.generate(Lane::Public, single.clone()).expect("queued");
	let mut first_token = None;
	let generation = loop {
		match events.recv().await.expect("event") {
			TextEvent::Text(_) => {
				first_token.get_or_insert_with(|| started.elapsed());
			},
			TextEvent::Done(result) => break result.expect("generates"),
		}
	};
	let elapsed = started.elapsed();
	let tokens = generation.tokens.len();
	let ttft = first_token.unwrap_or(elapsed);
	println!(
		"engine batch 1: {:.1} tokens/s ({tokens} tokens in {:.2} s, {threads} threads); time to first token {:.0} ms (prompt {} tokens)",
		tokens as f64 / elapsed.as_secs_f64(),
		elapsed.as_secs_f64(),
		ttft.as_secs_f64() * 1000.0,
		single.prompt.len()
	);

	// The validator's check of that generation: one prefill.
	let checked = Instant::now();
	let verdict = engine
		.verify(Lane::Chain, single.clone(), generation.tokens.clone(), generation.proof.clone())
		.await
		.expect("checks");
	let check = checked.elapsed();
	assert_eq!(verdict, TextVerdict::Accepted);
	println!(
		"engine check: {:.0} ms for {tokens} tokens = {:.3} of the generation time",
		check.as_secs_f64() * 1000.0,
		check.as_secs_f64() / elapsed.as_secs_f64()
	);
	println!(
		"engine proof: {} bytes for {tokens} tokens ({} bytes per 32 tokens)",
		generation.proof.len(),
		proof_bytes_per_chunk(usize::from(engine.rule().top_k))
	);

	// Eight concurrent streams.
	let started = Instant::now();
	let streams: Vec<_> = PROMPTS
		.iter()
		.map(|prompt| engine.generate_all(Lane::Public, request(&engine, prompt)))
		.collect();
	let generations = futures::future::join_all(streams).await;
	let elapsed = started.elapsed();
	let total: usize =
		generations.iter().map(|g| g.as_ref().map(|g| g.tokens.len()).unwrap_or(0)).sum();
	println!(
		"engine 8 streams: {:.1} tokens/s aggregate ({total} tokens in {:.2} s)",
		total as f64 / elapsed.as_secs_f64(),
		elapsed.as_secs_f64()
	);
	println!("tokens {tokens}");
}
