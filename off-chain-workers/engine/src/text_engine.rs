//! Continuous batching for text generation: one thread owns the [`TextModel`] and advances every
//! running generation by one token per forward pass; new requests join between steps (after
//! their own prefill) and finished ones leave, so concurrent streams share the decoder.
//!
//! Work the chain assigned is served before public API requests, which are refused
//! ([`EngineError::Busy`]) while `max_queue` of them wait (see [`crate::queue`]). At most
//! `max_batch` generations run at once; a client that goes away ends its generation at the
//! next step.

use crate::{
	error::{EngineError, Result},
	queue::{EngineThread, JobQueue, Lane, Popped},
	text::{
		Generation, GenerationRequest, Sequence, TextFrontend, TextModel, TextOptions, TextVerdict,
	},
};
use inferchain_inference::{ModelId, TextRule};
use std::{
	path::Path,
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc,
	},
	time::Instant,
};
use tokio::sync::{mpsc, oneshot};

/// Limits of the text engine.
#[derive(Clone, Copy, Debug)]
pub struct TextEngineOptions {
	/// Most generations decoded together.
	pub max_batch: usize,
	/// Most public requests waiting; more are refused with [`EngineError::Busy`].
	pub max_queue: usize,
}

/// What a generation sends while it runs.
#[derive(Debug)]
pub enum TextEvent {
	/// More text (possibly empty while a stop string or a character is still open).
	Text(String),
	/// The end: the whole generation with its proof, or why it failed.
	Done(Result<Generation>),
}

/// Counters of the engine thread.
#[derive(Debug, Default)]
pub struct TextStats {
	/// Decode steps run (each one forward pass over every running generation).
	pub steps: AtomicU64,
	/// Tokens generated.
	pub tokens: AtomicU64,
	/// Generations finished.
	pub generations: AtomicU64,
}

enum Job {
	Generate {
		request: GenerationRequest,
		events: mpsc::UnboundedSender<TextEvent>,
	},
	Verify {
		request: GenerationRequest,
		tokens: Vec<u32>,
		proof: Vec<u8>,
		reply: oneshot::Sender<Result<TextVerdict>>,
	},
}

/// What sees a model's loading: `(stage, done, total)`, as [`TextModel::load`] reports it.
pub type LoadProgress = Box<dyn FnMut(&str, u64, u64) + Send>;

/// A handle to the text engine's thread; cheap to clone.
#[derive(Clone)]
pub struct TextEngine {
	queue: Arc<JobQueue<Job>>,
	/// Closes the queue and joins the thread when the last handle goes.
	_thread: Arc<EngineThread<Job>>,
	stats: Arc<TextStats>,
	frontend: TextFrontend,
	id: ModelId,
	rule: TextRule,
}

impl TextEngine {
	/// Loads the GGUF model at `path` on a new thread, which then serves generations in
	/// batches; returns once the model is loaded (`progress` sees the loading, as
	/// [`TextModel::load`]). Every libtorch call of the model runs on that one thread: OpenMP
	/// keeps a spinning thread team per calling thread, and a second team on the same cores
	/// throttles both (measured: 26 ms per token on one thread, 41 ms once the model had been
	/// loaded on another).
	pub fn load(
		path: &Path,
		options: TextOptions,
		engine: TextEngineOptions,
		progress: LoadProgress,
	) -> Result<Self> {
		let (loaded, ready) = std::sync::mpsc::channel();
		let queue = Arc::new(JobQueue::new(engine.max_queue));
		let stats = Arc::new(TextStats::default());
		let (thread_queue, thread_stats) = (queue.clone(), stats.clone());
		let path = path.to_path_buf();
		let thread = std::thread::Builder::new()
			.name("inferchain-text".into())
			.spawn(move || {
				let mut progress = progress;
				let model = match TextModel::load(&path, options, &mut *progress) {
					Ok(model) => model,
					Err(err) => {
						let _ = loaded.send(Err(err));
						return;
					},
				};
				let _ = loaded.send(Ok((model.frontend().clone(), model.id(), *model.rule())));
				serve(&model, engine, &thread_queue, &thread_stats);
			})
			.map_err(|e| EngineError::Profile(format!("cannot start the engine thread: {e}")))?;
		let thread = Arc::new(EngineThread::new(queue.clone(), thread));
		let (frontend, id, rule) = ready.recv().map_err(|_| EngineError::Stopped)??;
		Ok(Self { queue, _thread: thread, stats, frontend, id, rule })
	}

	/// Moves an already loaded `model` onto a new thread that serves generations in batches
	/// (slower than [`Self::load`] when the model was loaded on a thread that keeps running).
	pub fn start(model: TextModel, options: TextEngineOptions) -> std::io::Result<Self> {
		let queue = Arc::new(JobQueue::new(options.max_queue));
		let stats = Arc::new(TextStats::default());
		let (frontend, id, rule) = (model.frontend().clone(), model.id(), *model.rule());
		let (thread_queue, thread_stats) = (queue.clone(), stats.clone());
		let threads = tch::get_num_threads();
		let thread =
			std::thread::Builder::new().name("inferchain-text".into()).spawn(move || {
				// The intra-op thread count is per calling thread: carry it over.
				tch::set_num_threads(threads);
				serve(&model, options, &thread_queue, &thread_stats)
			})?;
		let thread = Arc::new(EngineThread::new(queue.clone(), thread));
		Ok(Self { queue, _thread: thread, stats, frontend, id, rule })
	}

	/// The tokenizer, chat template and limits (to prepare and check requests before queueing).
	pub fn frontend(&self) -> &TextFrontend {
		&self.frontend
	}

	/// The model id.
	pub fn id(&self) -> ModelId {
		self.id
	}

	/// The comparison rule of the model's proofs.
	pub fn rule(&self) -> &TextRule {
		&self.rule
	}

	/// The counters.
	pub fn stats(&self) -> &TextStats {
		&self.stats
	}

	/// Public requests waiting now.
	pub fn public_waiting(&self) -> usize {
		self.queue.public_waiting()
	}

	/// Starts a generation: its text arrives as [`TextEvent`]s, ending with `Done`. The request
	/// is checked first (refused before queueing); public requests are refused with
	/// [`EngineError::Busy`] while `max_queue` of them wait.
	pub fn generate(
		&self,
		lane: Lane,
		request: GenerationRequest,
	) -> Result<mpsc::UnboundedReceiver<TextEvent>> {
		self.frontend.check_request(&request)?;
		let (events, receiver) = mpsc::unbounded_channel();
		self.queue.push(lane, Job::Generate { request, events }).map_err(|_| match lane {
			Lane::Public => EngineError::Busy,
			Lane::Chain => EngineError::Stopped,
		})?;
		Ok(receiver)
	}

	/// Generates to the end.
	pub async fn generate_all(&self, lane: Lane, request: GenerationRequest) -> Result<Generation> {
		let mut events = self.generate(lane, request)?;
		while let Some(event) = events.recv().await {
			if let TextEvent::Done(result) = event {
				return result;
			}
		}
		Err(EngineError::Stopped)
	}

	/// A validator's check of `tokens` and `proof` for `request` (one prefill, run between
	/// decode steps).
	pub async fn verify(
		&self,
		lane: Lane,
		request: GenerationRequest,
		tokens: Vec<u32>,
		proof: Vec<u8>,
	) -> Result<TextVerdict> {
		self.frontend.check_request(&request)?;
		let (reply, answer) = oneshot::channel();
		self.queue.push(lane, Job::Verify { request, tokens, proof, reply }).map_err(
			|_| match lane {
				Lane::Public => EngineError::Busy,
				Lane::Chain => EngineError::Stopped,
			},
		)?;
		answer.await.map_err(|_| EngineError::Stopped)?
	}
}

/// A generation running on the engine thread.
struct Running {
	sequence: Sequence,
	events: mpsc::UnboundedSender<TextEvent>,
}

/// The engine loop: admit, step, report, until the queue closes and every generation ends.
fn serve(model: &TextModel, options: TextEngineOptions, jobs: &JobQueue<Job>, stats: &TextStats) {
	let mut running: Vec<Running> = Vec::new();
	loop {
		// Block for work only when nothing runs; otherwise take what already waits.
		while running.len() < options.max_batch.max(1) {
			let deadline = if running.is_empty() { None } else { Some(Instant::now()) };
			match jobs.pop_until(deadline) {
				Popped::Job(job) => admit(model, job, &mut running, stats),
				Popped::TimedOut => break,
				Popped::Closed if running.is_empty() => return,
				Popped::Closed => break,
			}
		}
		running.retain(|r| !r.events.is_closed());
		if running.is_empty() {
			continue;
		}
		let stepped = {
			let mut sequences: Vec<&mut Sequence> =
				running.iter_mut().map(|r| &mut r.sequence).collect();
			model.step(&mut sequences)
		};
		stats.steps.fetch_add(1, Ordering::Relaxed);
		stats.tokens.fetch_add(running.len() as u64, Ordering::Relaxed);
		if let Err(err) = stepped {
			let message = err.to_string();
			for running in running.drain(..) {
				let failed = EngineError::Profile(format!("decode step failed: {message}"));
				let _ = running.events.send(TextEvent::Done(Err(failed)));
			}
			continue;
		}
		running = running.drain(..).filter_map(|entry| report(model, entry, stats)).collect();
	}
}

/// Starts a generation (its prefill and first token) or runs a check.
fn admit(model: &TextModel, job: Job, running: &mut Vec<Running>, stats: &TextStats) {
	match job {
		// Nobody waits for it any more (the caller went away, or the server shut down).
		Job::Generate { events, .. } if events.is_closed() => {},
		Job::Verify { reply, .. } if reply.is_closed() => {},
		Job::Generate { request, events } => match model.start(request) {
			Ok(sequence) => {
				stats.tokens.fetch_add(1, Ordering::Relaxed);
				running.extend(report(model, Running { sequence, events }, stats));
			},
			Err(err) => {
				let _ = events.send(TextEvent::Done(Err(err)));
			},
		},
		Job::Verify { request, tokens, proof, reply } => {
			let _ = reply.send(model.verify(&request, &tokens, &proof));
		},
	}
}

/// Sends a generation's new text, and its end when finished; the generation if it still runs.
fn report(model: &TextModel, mut entry: Running, stats: &TextStats) -> Option<Running> {
	match model.take_new_text(&mut entry.sequence) {
		Ok(text) if !text.is_empty() => {
			let _ = entry.events.send(TextEvent::Text(text));
		},
		Ok(_) => {},
		Err(err) => {
			let _ = entry.events.send(TextEvent::Done(Err(err)));
			return None;
		},
	}
	if !entry.sequence.is_finished() {
		return Some(entry);
	}
	stats.generations.fetch_add(1, Ordering::Relaxed);
	let _ = entry.events.send(TextEvent::Done(model.finish(entry.sequence)));
	None
}
