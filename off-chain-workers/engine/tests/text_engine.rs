//! The text engine's thread: concurrent streams share decode steps, their streamed text adds
//! up to the final text, every generation passes the validator's check, a full public queue is
//! refused, and bad requests are refused before queueing.

mod common;

use common::llm_path;
use inferchain_engine::{
	ChatMessage, EngineError, GenerationRequest, Lane, TextEngine, TextEngineOptions, TextEvent,
	TextModel, TextOptions, TextVerdict,
};
use inferchain_inference::SamplingParams;
use std::sync::atomic::Ordering;

fn engine(max_batch: usize, max_queue: usize) -> TextEngine {
	let model = TextModel::load(&llm_path(), TextOptions::cpu(), &mut |_, _, _| {}).unwrap();
	TextEngine::start(model, TextEngineOptions { max_batch, max_queue }).unwrap()
}

fn request(engine: &TextEngine, question: &str, seed: u64) -> GenerationRequest {
	GenerationRequest {
		prompt: engine.frontend().chat_prompt(&[ChatMessage::new("user", question)]).unwrap(),
		params: SamplingParams { temperature_milli: 800, top_p_milli: 950, seed },
		max_tokens: 40,
		stop: vec![],
		binding: [0; 32],
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_streams_share_steps_and_pass_the_check() {
	let engine = engine(8, 16);
	let questions = ["What is rust?", "Name three colours.", "Why do birds sing?", "What is 2+2?"];
	let mut streams = Vec::new();
	for (seed, question) in questions.iter().enumerate() {
		let request = request(&engine, question, seed as u64);
		streams.push((request.clone(), engine.generate(Lane::Public, request).unwrap()));
	}
	for (request, mut events) in streams {
		let mut streamed = String::new();
		let generation = loop {
			match events.recv().await.unwrap() {
				TextEvent::Text(text) => streamed.push_str(&text),
				TextEvent::Done(result) => break result.unwrap(),
			}
		};
		assert_eq!(streamed, generation.text);
		let verdict =
			engine.verify(Lane::Chain, request, generation.tokens, generation.proof).await.unwrap();
		assert_eq!(verdict, TextVerdict::Accepted);
	}
	let stats = engine.stats();
	// Four generations of up to 40 tokens in fewer steps than one after another would take.
	let (steps, tokens) =
		(stats.steps.load(Ordering::Relaxed), stats.tokens.load(Ordering::Relaxed));
	assert!(steps < tokens, "{steps} steps for {tokens} tokens");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_public_queue_is_refused_and_bad_requests_never_queue() {
	let engine = engine(1, 1);
	let first = engine.generate(Lane::Public, request(&engine, "Tell a story.", 1)).unwrap();
	// The thread may already have taken the first; fill the queue until refused.
	let mut held = vec![first];
	let refused = loop {
		match engine.generate(Lane::Public, request(&engine, "Tell a story.", 2)) {
			Ok(events) => held.push(events),
			Err(err) => break err,
		}
		assert!(held.len() < 10, "never refused");
	};
	assert!(matches!(refused, EngineError::Busy));
	// Chain work is never refused for load.
	assert!(engine.generate(Lane::Chain, request(&engine, "Hi", 3)).is_ok());
	let bad = GenerationRequest { max_tokens: 0, ..request(&engine, "Hi", 4) };
	assert!(matches!(engine.generate(Lane::Public, bad), Err(EngineError::MaxTokens { .. })));
	drop(held);
}
