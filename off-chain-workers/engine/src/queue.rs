//! The engine's job queue: two lanes, so on-chain work (assigned requests, audits: deadlines
//! that cost stake) never waits behind public API traffic, and the public lane is bounded, so
//! a flood is refused at once instead of queueing without end.
//!
//! - `push(Lane::Chain, job)`: always accepted.
//! - `push(Lane::Public, job)`: refused with the job handed back while `public_limit` public
//!   jobs wait.
//! - `pop`: a chain job if any waits, else the oldest public job; blocks while both are empty
//!   (with a timeout for batching), and ends once the queue is closed and drained.

use std::{
	collections::VecDeque,
	sync::{Arc, Condvar, Mutex, MutexGuard},
	thread::JoinHandle,
	time::{Duration, Instant},
};

/// Which lane a job goes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
	/// Work the chain assigned (results, audits): first served, never refused.
	Chain,
	/// Requests from the public API: served when no chain work waits, bounded.
	Public,
}

/// What [`JobQueue::pop_until`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Popped<T> {
	/// The next job.
	Job(T),
	/// Nothing arrived before the deadline.
	TimedOut,
	/// The queue is closed and empty.
	Closed,
}

struct Lanes<T> {
	chain: VecDeque<T>,
	public: VecDeque<T>,
	closed: bool,
}

/// A two-lane queue shared by the engine's callers and its batching thread.
pub struct JobQueue<T> {
	lanes: Mutex<Lanes<T>>,
	ready: Condvar,
	public_limit: usize,
}

impl<T> JobQueue<T> {
	/// An empty queue holding at most `public_limit` waiting public jobs.
	pub fn new(public_limit: usize) -> Self {
		let lanes = Lanes { chain: VecDeque::new(), public: VecDeque::new(), closed: false };
		Self { lanes: Mutex::new(lanes), ready: Condvar::new(), public_limit }
	}

	fn lock(&self) -> MutexGuard<'_, Lanes<T>> {
		self.lanes.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
	}

	/// Queues `job` in `lane`; hands it back if the queue is closed or the public lane full.
	pub fn push(&self, lane: Lane, job: T) -> Result<(), T> {
		let mut lanes = self.lock();
		if lanes.closed {
			return Err(job);
		}
		match lane {
			Lane::Chain => lanes.chain.push_back(job),
			Lane::Public if lanes.public.len() >= self.public_limit => return Err(job),
			Lane::Public => lanes.public.push_back(job),
		}
		drop(lanes);
		self.ready.notify_one();
		Ok(())
	}

	/// Public jobs waiting now.
	pub fn public_waiting(&self) -> usize {
		self.lock().public.len()
	}

	/// The next job (chain lane first), waiting until `deadline` (`None`: as long as it takes).
	pub fn pop_until(&self, deadline: Option<Instant>) -> Popped<T> {
		let mut lanes = self.lock();
		loop {
			if let Some(job) = lanes.chain.pop_front().or_else(|| lanes.public.pop_front()) {
				return Popped::Job(job);
			}
			if lanes.closed {
				return Popped::Closed;
			}
			lanes = match deadline {
				None => self.ready.wait(lanes).unwrap_or_else(std::sync::PoisonError::into_inner),
				Some(deadline) => {
					let Some(wait) = deadline.checked_duration_since(Instant::now()) else {
						return Popped::TimedOut;
					};
					let wait = wait.max(Duration::from_micros(1));
					self.ready
						.wait_timeout(lanes, wait)
						.map(|(lanes, _)| lanes)
						.unwrap_or_else(|poisoned| poisoned.into_inner().0)
				},
			};
		}
	}

	/// Refuses new jobs; waiting ones are still served, then `pop_until` returns `Closed`.
	pub fn close(&self) {
		self.lock().closed = true;
		self.ready.notify_all();
	}
}

/// Owns an engine thread serving a [`JobQueue`]: dropping the last handle closes the queue
/// and joins the thread, so the model is freed before the process exits (libtorch's static
/// destructors racing a thread still inside a forward pass or freeing tensors crash the
/// process at exit: seen as a validator's SIGSEGV after a clean shutdown).
pub struct EngineThread<T> {
	queue: Arc<JobQueue<T>>,
	thread: Option<JoinHandle<()>>,
}

impl<T> EngineThread<T> {
	/// Takes ownership of `thread`, which serves `queue` until it is closed.
	pub fn new(queue: Arc<JobQueue<T>>, thread: JoinHandle<()>) -> Self {
		Self { queue, thread: Some(thread) }
	}
}

impl<T> Drop for EngineThread<T> {
	fn drop(&mut self) {
		self.queue.close();
		if let Some(thread) = self.thread.take() {
			// The engine thread never holds its own owner, so this cannot join itself.
			if thread.thread().id() != std::thread::current().id() {
				let _ = thread.join();
			}
		}
	}
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
	use super::*;
	use std::sync::Arc;

	#[test]
	fn chain_work_is_served_before_public_work() {
		let queue = JobQueue::new(8);
		queue.push(Lane::Public, "p1").unwrap();
		queue.push(Lane::Public, "p2").unwrap();
		queue.push(Lane::Chain, "c1").unwrap();
		let now = Some(Instant::now());
		assert_eq!(queue.pop_until(now), Popped::Job("c1"));
		assert_eq!(queue.pop_until(now), Popped::Job("p1"));
		assert_eq!(queue.pop_until(now), Popped::Job("p2"));
		assert_eq!(queue.pop_until(now), Popped::TimedOut);
	}

	#[test]
	fn a_full_public_lane_refuses_but_chain_work_is_always_taken() {
		let queue = JobQueue::new(2);
		queue.push(Lane::Public, 1).unwrap();
		queue.push(Lane::Public, 2).unwrap();
		assert_eq!(queue.push(Lane::Public, 3), Err(3));
		assert_eq!(queue.public_waiting(), 2);
		for job in 10..100 {
			queue.push(Lane::Chain, job).unwrap();
		}
		assert_eq!(queue.pop_until(None), Popped::Job(10));
	}

	#[test]
	fn a_closed_queue_drains_then_ends() {
		let queue = JobQueue::new(2);
		queue.push(Lane::Public, 1).unwrap();
		queue.close();
		assert_eq!(queue.push(Lane::Chain, 2), Err(2));
		assert_eq!(queue.pop_until(None), Popped::Job(1));
		assert_eq!(queue.pop_until(None), Popped::Closed);
	}

	#[test]
	fn a_waiting_consumer_wakes_for_a_job_from_another_thread() {
		let queue = Arc::new(JobQueue::new(2));
		let producer = queue.clone();
		let handle = std::thread::spawn(move || {
			std::thread::sleep(Duration::from_millis(20));
			producer.push(Lane::Chain, 7).unwrap();
		});
		assert_eq!(queue.pop_until(None), Popped::Job(7));
		handle.join().unwrap();
	}
}
