//! Dynamic batching: requests from many connections are merged into one forward pass of at
//! most `max_batch` inputs, waiting at most `max_wait` after the first request for others.
//!
//! Under a bitwise profile every request runs alone, as one batch of its own inputs: padding and
//! batch size change a forward pass's rounding, and a validator must reproduce the miner's bits
//! by re-running the same request.

use crate::{
	embedder::{EmbeddingModel, Embeddings},
	error::{EngineError, Result},
};
use inferchain_inference::ComparisonRule;
use std::{
	sync::{
		atomic::{AtomicU64, Ordering},
		mpsc, Arc,
	},
	time::{Duration, Instant},
};
use tokio::sync::oneshot;

/// Batching limits.
#[derive(Clone, Copy, Debug)]
pub struct BatchOptions {
	/// Most inputs in one forward pass (a larger request still runs, alone).
	pub max_batch: usize,
	/// Longest wait for more requests after the first.
	pub max_wait: Duration,
}

/// Counters of the batching thread.
#[derive(Debug, Default)]
pub struct BatchStats {
	/// Forward passes run.
	pub batches: AtomicU64,
	/// Inputs embedded.
	pub inputs: AtomicU64,
}

/// A job's tokens and where its answer goes.
type Admitted = (Vec<Vec<i64>>, oneshot::Sender<Result<Embeddings>>);

struct Job {
	inputs: Vec<String>,
	reply: oneshot::Sender<Result<Embeddings>>,
}

/// A handle to the batching thread; cheap to clone. The thread ends when every handle is gone.
#[derive(Clone)]
pub struct Batcher {
	sender: mpsc::Sender<Job>,
	stats: Arc<BatchStats>,
	dim: usize,
}

impl Batcher {
	/// Moves `model` onto a new thread that serves requests in batches.
	pub fn start(model: EmbeddingModel, options: BatchOptions) -> std::io::Result<Self> {
		let (sender, receiver) = mpsc::channel();
		let stats = Arc::new(BatchStats::default());
		let dim = model.dim();
		let thread_stats = stats.clone();
		std::thread::Builder::new()
			.name("inferchain-engine".into())
			.spawn(move || serve(model, options, receiver, &thread_stats))?;
		Ok(Self { sender, stats, dim })
	}

	/// Embeds `inputs`, batched with whatever else is waiting.
	pub async fn embed(&self, inputs: Vec<String>) -> Result<Embeddings> {
		let (reply, answer) = oneshot::channel();
		self.sender.send(Job { inputs, reply }).map_err(|_| EngineError::Stopped)?;
		answer.await.map_err(|_| EngineError::Stopped)?
	}

	/// The counters.
	pub fn stats(&self) -> &BatchStats {
		&self.stats
	}

	/// The embedding dimension.
	pub fn dim(&self) -> usize {
		self.dim
	}
}

/// The batching loop.
fn serve(
	model: EmbeddingModel,
	options: BatchOptions,
	jobs: mpsc::Receiver<Job>,
	stats: &BatchStats,
) {
	let merge = matches!(model.options().profile.rule, ComparisonRule::Tolerance { .. });
	while let Ok(first) = jobs.recv() {
		let mut batch = Vec::new();
		let mut rows = 0usize;
		admit(&model, first, &mut batch, &mut rows);
		let deadline = Instant::now().checked_add(options.max_wait).unwrap_or_else(Instant::now);
		while merge && rows < options.max_batch {
			let Some(wait) = deadline.checked_duration_since(Instant::now()) else { break };
			match jobs.recv_timeout(wait) {
				Ok(job) => admit(&model, job, &mut batch, &mut rows),
				Err(_) => break,
			}
		}
		if batch.is_empty() {
			continue;
		}
		run(&model, batch, stats);
	}
}

/// Tokenizes a job's inputs: refused jobs are answered at once, others join the batch.
fn admit(model: &EmbeddingModel, job: Job, batch: &mut Vec<Admitted>, rows: &mut usize) {
	match model.tokenize(&job.inputs) {
		Ok(tokens) => {
			*rows = rows.saturating_add(tokens.len());
			batch.push((tokens, job.reply));
		},
		Err(err) => {
			let _ = job.reply.send(Err(err));
		},
	}
}

/// One forward pass over every job in `batch`, each job answered with its own rows.
fn run(model: &EmbeddingModel, batch: Vec<Admitted>, stats: &BatchStats) {
	let tokens: Vec<Vec<i64>> =
		batch.iter().flat_map(|(tokens, _)| tokens.iter().cloned()).collect();
	stats.batches.fetch_add(1, Ordering::Relaxed);
	stats.inputs.fetch_add(tokens.len() as u64, Ordering::Relaxed);
	match model.embed_tokens(&tokens) {
		Ok(all) => {
			let mut start = 0usize;
			for (job_tokens, reply) in batch {
				let from = start.saturating_mul(all.dim);
				start = start.saturating_add(job_tokens.len());
				let to = start.saturating_mul(all.dim);
				let values = all.values.get(from..to).map(<[f32]>::to_vec).unwrap_or_default();
				let tokens = job_tokens.iter().map(Vec::len).sum();
				let rows = job_tokens.len();
				let _ = reply.send(Ok(Embeddings { rows, dim: all.dim, values, tokens }));
			}
		},
		Err(err) => {
			let message = err.to_string();
			for (_, reply) in batch {
				let _ = reply
					.send(Err(EngineError::Profile(format!("forward pass failed: {message}"))));
			}
		},
	}
}
