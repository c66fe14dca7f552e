//! The batching thread: concurrent requests merged into shared forward passes give the same
//! answers (within the profile's tolerance) as each request run alone; bitwise profiles run
//! each request alone and reproduce it bit for bit.

mod common;

use common::{load, tolerant};
use inferchain_engine::{BatchOptions, Batcher, EngineError, EngineOptions};
use inferchain_inference::{outputs_agree, RuntimeProfile};
use std::{sync::atomic::Ordering, time::Duration};

fn requests() -> Vec<Vec<String>> {
	(0..6)
		.map(|i| {
			(0..=i % 3)
				.map(|j| format!("request {i} sentence {j} {}", "about batching ".repeat(i + j)))
				.collect()
		})
		.collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merged_requests_answer_like_requests_alone() {
	let reference = load(EngineOptions::cpu(tolerant()));
	let alone: Vec<_> = requests().iter().map(|r| reference.embed(r).unwrap()).collect();
	let rule = reference.options().profile.rule;
	let batcher = Batcher::start(
		load(EngineOptions::cpu(tolerant())),
		BatchOptions { max_batch: 32, max_wait: Duration::from_millis(200), max_queue: 64 },
	)
	.unwrap();
	let answers = futures_join(&batcher, requests()).await;
	for (answer, expected) in answers.iter().zip(&alone) {
		let answer = answer.as_ref().unwrap();
		assert_eq!((answer.rows, answer.dim), (expected.rows, expected.dim));
		assert!(outputs_agree(&rule, &answer.values, &expected.values));
	}
	let batches = batcher.stats().batches.load(Ordering::Relaxed);
	assert!(batches < 6, "6 concurrent requests ran in {batches} passes");
	assert_eq!(batcher.stats().inputs.load(Ordering::Relaxed), 12);

	// A bad request is answered with its own error and does not disturb the others.
	let mixed = futures_join(&batcher, vec![vec!["ok".into()], vec![String::new()]]).await;
	assert!(mixed[0].is_ok());
	assert!(matches!(mixed[1], Err(EngineError::EmptyInput { index: 0 })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bitwise_batching_reproduces_each_request_exactly() {
	let profile = RuntimeProfile::bitwise_cpu(1);
	let reference = load(EngineOptions::cpu(profile));
	let alone: Vec<_> = requests().iter().map(|r| reference.embed(r).unwrap()).collect();
	let batcher = Batcher::start(
		load(EngineOptions::cpu(profile)),
		BatchOptions { max_batch: 32, max_wait: Duration::from_millis(200), max_queue: 64 },
	)
	.unwrap();
	let answers = futures_join(&batcher, requests()).await;
	for (answer, expected) in answers.iter().zip(&alone) {
		assert_eq!(answer.as_ref().unwrap(), expected);
	}
	assert_eq!(batcher.stats().batches.load(Ordering::Relaxed), 6);
}

/// Sends every request at once and collects the answers in order.
async fn futures_join(
	batcher: &Batcher,
	requests: Vec<Vec<String>>,
) -> Vec<inferchain_engine::Result<inferchain_engine::Embeddings>> {
	let tasks: Vec<_> = requests
		.into_iter()
		.map(|request| {
			let batcher = batcher.clone();
			tokio::spawn(async move { batcher.embed(request).await })
		})
		.collect();
	let mut answers = Vec::new();
	for task in tasks {
		answers.push(task.await.unwrap());
	}
	answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chain_work_past_the_position_limit_is_truncated_and_api_requests_are_refused() {
	let model = load(EngineOptions::cpu(tolerant()));
	let limit = model.position_limit();
	// Each "!" is a token of its own: far past the limit.
	let long = "!".repeat(limit * 2);
	let truncated = model.tokenize_truncated(std::slice::from_ref(&long)).unwrap();
	assert_eq!(truncated[0].len(), limit);
	// [CLS], then the same "!" token, then the closing [SEP] kept.
	let ids = &truncated[0];
	assert_eq!((ids[0], ids[limit - 1]), (101, 102), "{ids:?}");
	assert!(ids[1..limit - 1].iter().all(|id| *id == ids[1] && *id != 102), "{ids:?}");
	let batcher = Batcher::start(
		model,
		BatchOptions { max_batch: 32, max_wait: Duration::from_millis(5), max_queue: 64 },
	)
	.unwrap();
	let chain = batcher.embed(vec![long.clone()]).await.unwrap();
	assert_eq!((chain.rows, chain.tokens), (1, limit));
	assert!(matches!(
		batcher.embed_public(vec![long]).await,
		Err(EngineError::InputTooLong { index: 0, .. })
	));
}
