//! Shutting down: dropping an engine's last handle ends its thread (and frees the model) before
//! the drop returns, so a worker that returns from `main` never exits while libtorch work is
//! still running on another thread (that race crashed a validator with SIGSEGV at exit).

mod common;

use common::{llm_path, load, tolerant};
use inferchain_engine::{
	BatchOptions, Batcher, EngineOptions, TextEngine, TextEngineOptions, TextOptions,
};
use std::time::{Duration, Instant};

/// Threads of this process whose name (as Linux truncates it, 15 bytes) is `name`: the engine
/// thread and the OpenMP team it started, which inherits its name.
fn threads_named(name: &str) -> usize {
	std::fs::read_dir("/proc/self/task")
		.unwrap()
		.filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
		.filter(|comm| comm.trim_end() == name)
		.count()
}

/// Whether every thread named `name` is gone; OpenMP's team threads end as their owner thread
/// does, shortly after it, so this gives them up to 10 s.
fn all_gone(name: &str) -> bool {
	let start = Instant::now();
	while threads_named(name) > 0 {
		if start.elapsed() > Duration::from_secs(10) {
			return false;
		}
		std::thread::sleep(Duration::from_millis(5));
	}
	true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_last_handle_ends_the_engine_threads() {
	let options = BatchOptions { max_batch: 8, max_wait: Duration::from_millis(1), max_queue: 8 };
	let batcher = Batcher::start(load(EngineOptions::cpu(tolerant())), options).unwrap();
	let clone = batcher.clone();
	clone.embed(vec!["shutting down".into()]).await.unwrap();
	let running = threads_named("inferchain-engi");
	assert!(running >= 1);
	drop(batcher);
	assert_eq!(threads_named("inferchain-engi"), running, "a clone still holds the engine");
	drop(clone);
	assert!(all_gone("inferchain-engi"));

	let limits = TextEngineOptions { max_batch: 2, max_queue: 2 };
	let text =
		TextEngine::load(&llm_path(), TextOptions::cpu(), limits, Box::new(|_, _, _| {})).unwrap();
	assert!(threads_named("inferchain-text") >= 1);
	drop(text);
	assert!(all_gone("inferchain-text"));
}
