//! Dynamic batching: requests from many connections are merged into one forward pass of at
//! most `max_batch` inputs, waiting at most `max_wait` after the first request for others.
//! Work the chain assigned ([`Batcher::embed`]) is served before public API requests
//! ([`Batcher::embed_public`]), which are refused ([`EngineError::Busy`]) while `max_queue` of
//! them wait (see [`crate::queue`]).
//!
//! Under a bitwise profile every request runs alone, as one batch of its own inputs: padding and
//! batch size change a forward pass's rounding, and a validator must reproduce the miner's bits
//! by re-running the same request.

use crate::{
	embedder::{EmbeddingModel, Embeddings},
	error::{EngineError, Result},
	queue::{EngineThread, JobQueue, Lane, Popped},
};
use inferchain_inference::ComparisonRule;
use std::{
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc,
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
	/// Most public requests waiting; more are refused with [`EngineError::Busy`].
	pub max_queue: usize,
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
	/// Chain work: inputs past the model's limit are truncated, not refused.
	truncate: bool,
	reply: oneshot::Sender<Result<Embeddings>>,
}

/// A handle to the batching thread; cheap to clone. The thread ends when every handle is gone.
#[derive(Clone)]
pub struct Batcher {
	queue: Arc<JobQueue<Job>>,
	/// Closes the queue and joins the thread when the last handle goes.
	_thread: Arc<EngineThread<Job>>,
	stats: Arc<BatchStats>,
	dim: usize,
}

impl Batcher {
	/// Moves `model` onto a new thread that serves requests in batches.
	pub fn start(model: EmbeddingModel, options: BatchOptions) -> std::io::Result<Self> {
		let queue = Arc::new(JobQueue::new(options.max_queue));
		let stats = Arc::new(BatchStats::default());
		let dim = model.dim();
		let (thread_queue, thread_stats) = (queue.clone(), stats.clone());
		let thread = std::thread::Builder::new()
			.name("inferchain-engine".into())
			.spawn(move || serve(model, options, &thread_queue, &thread_stats))?;
		let thread = Arc::new(EngineThread::new(queue.clone(), thread));
		Ok(Self { queue, _thread: thread, stats, dim })
	}

	/// Embeds `inputs` for work the chain assigned (served first, never refused for load; an
	/// input past the model's position limit is truncated to it, see
	/// [`EmbeddingModel::tokenize_truncated`]), batched with whatever else is waiting.
	pub async fn embed(&self, inputs: Vec<String>) -> Result<Embeddings> {
		self.submit(Lane::Chain, inputs).await
	}

	/// Embeds `inputs` for a public API request: served after chain work, and refused with
	/// [`EngineError::Busy`] while `max_queue` public requests wait.
	pub async fn embed_public(&self, inputs: Vec<String>) -> Result<Embeddings> {
		self.submit(Lane::Public, inputs).await
	}

	async fn submit(&self, lane: Lane, inputs: Vec<String>) -> Result<Embeddings> {
		let (reply, answer) = oneshot::channel();
		let job = Job { inputs, truncate: lane == Lane::Chain, reply };
		if self.queue.push(lane, job).is_err() {
			return Err(match lane {
				Lane::Public => EngineError::Busy,
				Lane::Chain => EngineError::Stopped,
			});
		}
		answer.await.map_err(|_| EngineError::Stopped)?
	}

	/// Public requests waiting now.
	pub fn public_waiting(&self) -> usize {
		self.queue.public_waiting()
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
fn serve(model: EmbeddingModel, options: BatchOptions, jobs: &JobQueue<Job>, stats: &BatchStats) {
	let merge = matches!(model.options().profile.rule, ComparisonRule::Tolerance { .. });
	while let Popped::Job(first) = jobs.pop_until(None) {
		let mut batch = Vec::new();
		let mut rows = 0usize;
		admit(&model, first, &mut batch, &mut rows);
		let deadline = Instant::now().checked_add(options.max_wait).unwrap_or_else(Instant::now);
		while merge && rows < options.max_batch {
			match jobs.pop_until(Some(deadline)) {
				Popped::Job(job) => admit(&model, job, &mut batch, &mut rows),
				Popped::TimedOut | Popped::Closed => break,
			}
		}
		if batch.is_empty() {
			continue;
		}
		run(&model, batch, stats);
	}
}

/// Tokenizes a job's inputs: refused jobs are answered at once, others join the batch. A job
/// nobody waits for any more (its caller went away, or the server shut down) is dropped.
fn admit(model: &EmbeddingModel, job: Job, batch: &mut Vec<Admitted>, rows: &mut usize) {
	if job.reply.is_closed() {
		return;
	}
	let tokens = if job.truncate {
		model.tokenize_truncated(&job.inputs)
	} else {
		model.tokenize(&job.inputs)
	};
	match tokens {
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
