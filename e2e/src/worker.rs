//! Starting and stopping `inferchain-worker` processes.

use std::{
	fs::File,
	os::unix::process::CommandExt,
	path::{Path, PathBuf},
	process::{Child, Command, ExitStatus, Stdio},
	time::{Duration, Instant},
};

/// Path of the `inferchain-worker` binary: `$INFERCHAIN_WORKER` if set, else the binary cargo
/// built next to this test executable.
pub fn worker_binary() -> PathBuf {
	crate::node::built_binary("INFERCHAIN_WORKER", "inferchain-worker")
}

/// Runs the worker with `args` to completion and returns its stdout (fails with its stderr).
pub async fn run_worker<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(
	args: I,
) -> anyhow::Result<String> {
	let output = tokio::process::Command::new(worker_binary()).args(args).output().await?;
	if !output.status.success() {
		anyhow::bail!(
			"inferchain-worker exited with {}:\n{}",
			output.status,
			String::from_utf8_lossy(&output.stderr)
		);
	}
	Ok(String::from_utf8(output.stdout)?)
}

/// `inferchain-worker subnet` on the dev chain at `url`: Alice registers the bundled model and
/// subnet 0 for it, made fast by root (tempo 10, reveal period 2, no weights rate limit), plus
/// `extra` arguments (`--gguf <file>` for the bundled LLM instead); returns the printed netuid.
pub async fn register_fast_subnet(url: &str, extra: &[&str]) -> anyhow::Result<String> {
	let model_dir = model_dir();
	let args = [
		"subnet",
		"--chain",
		url,
		"--owner-suri",
		"//Alice",
		"--model-dir",
		&model_dir,
		"--tempo",
		"10",
		"--reveal-period",
		"2",
		"--weights-rate-limit",
		"0",
	];
	run_worker(args.iter().chain(extra)).await
}

/// Starts `inferchain-worker <role>` (`miner`, `validator`) on subnet 0 of `url` with the
/// bundled embedding model, the keys `(coldkey, hotkey)` (SURIs) and `extra` flags; its log is
/// `dir/<name>.log`.
pub fn embedding_worker(
	dir: &Path,
	url: &str,
	role: &str,
	name: &str,
	keys: (&str, &str),
	extra: &[&str],
) -> anyhow::Result<Worker> {
	subnet_worker(dir, url, role, name, keys, &["--model-dir", &model_dir()], extra)
}

/// [`embedding_worker`] with the bundled text-generation model (SmolLM2's GGUF file).
pub fn text_worker(
	dir: &Path,
	url: &str,
	role: &str,
	name: &str,
	keys: (&str, &str),
	extra: &[&str],
) -> anyhow::Result<Worker> {
	subnet_worker(dir, url, role, name, keys, &["--gguf", &llm_path()], extra)
}

/// `inferchain-worker <role>` on subnet 0 of `url` with the `model` flags, the keys and `extra`.
fn subnet_worker(
	dir: &Path,
	url: &str,
	role: &str,
	name: &str,
	(coldkey, hotkey): (&str, &str),
	model: &[&str],
	extra: &[&str],
) -> anyhow::Result<Worker> {
	let (chain, keys) = (
		[role, "--chain", url, "--netuid", "0"],
		["--coldkey-suri", coldkey, "--hotkey-suri", hotkey],
	);
	Worker::spawn(name, dir, chain.iter().chain(model).chain(&keys).chain(extra))
}

/// A running worker process, killed when dropped.
pub struct Worker {
	/// A name for messages.
	pub name: String,
	child: Option<Child>,
	log_path: PathBuf,
}

impl Worker {
	/// Starts `inferchain-worker args…`, logging to `<dir>/<name>.log`.
	pub fn spawn<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(
		name: &str,
		dir: &Path,
		args: I,
	) -> anyhow::Result<Self> {
		let mut command = Command::new(worker_binary());
		command.args(args);
		Self::spawn_command(name, dir, command)
	}

	/// Starts `command` (a worker, or another client such as a `node` script), logging its
	/// output to `<dir>/<name>.log`.
	pub fn spawn_command(name: &str, dir: &Path, mut command: Command) -> anyhow::Result<Self> {
		let log_path = dir.join(format!("{name}.log"));
		let log = File::create(&log_path)?;
		command
			.env("RUST_LOG", std::env::var("E2E_WORKER_LOG").unwrap_or_else(|_| "info".into()))
			.env("NO_COLOR", "1")
			.stdin(Stdio::null())
			.stdout(log.try_clone()?)
			.stderr(log);
		// SAFETY: as for nodes: the kernel kills the worker if the test process dies.
		unsafe {
			command.pre_exec(|| {
				libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
				Ok(())
			});
		}
		Ok(Self { name: name.into(), child: Some(command.spawn()?), log_path })
	}

	/// Fails with the log's tail if the process has exited.
	pub fn assert_running(&mut self) -> anyhow::Result<()> {
		if let Some(status) = self.child.as_mut().map(Child::try_wait).transpose()?.flatten() {
			anyhow::bail!("{} exited with {status}; log:\n{}", self.name, self.log_tail());
		}
		Ok(())
	}

	/// The last 6 KiB of the worker's log.
	pub fn log_tail(&self) -> String {
		let log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
		let start = log.len().saturating_sub(6144);
		log.get(start..).unwrap_or(&log).to_string()
	}

	/// The whole log.
	pub fn log(&self) -> String {
		std::fs::read_to_string(&self.log_path).unwrap_or_default()
	}

	/// Sends SIGTERM and waits up to `timeout` for the process to exit; returns its status.
	pub async fn terminate(&mut self, timeout: Duration) -> anyhow::Result<ExitStatus> {
		let child =
			self.child.as_mut().ok_or_else(|| anyhow::anyhow!("{} is not running", self.name))?;
		let pid = i32::try_from(child.id())?;
		// SAFETY: signalling our own child process.
		unsafe { libc::kill(pid, libc::SIGTERM) };
		self.wait(timeout).await
	}

	/// Waits up to `timeout` for the process to exit by itself; returns its status.
	pub async fn wait(&mut self, timeout: Duration) -> anyhow::Result<ExitStatus> {
		let child =
			self.child.as_mut().ok_or_else(|| anyhow::anyhow!("{} is not running", self.name))?;
		let deadline = Instant::now() + timeout;
		loop {
			if let Some(status) = child.try_wait()? {
				self.child = None;
				return Ok(status);
			}
			if Instant::now() >= deadline {
				anyhow::bail!(
					"{} still running after {timeout:?}:\n{}",
					self.name,
					self.log_tail()
				);
			}
			tokio::time::sleep(Duration::from_millis(100)).await;
		}
	}
}

impl Drop for Worker {
	fn drop(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}
}

/// The bundled model's folder: `$INFERCHAIN_MODEL_DIR`, else where `scripts/setup.sh` puts it.
pub fn model_dir() -> String {
	std::env::var("INFERCHAIN_MODEL_DIR").unwrap_or_else(|_| {
		format!(
			"{}/.cache/inferchain/models/all-MiniLM-L6-v2",
			std::env::var("HOME").unwrap_or_default()
		)
	})
}

/// The bundled LLM's GGUF file: `$INFERCHAIN_LLM_PATH`, else where `scripts/setup.sh` puts it.
pub fn llm_path() -> String {
	std::env::var("INFERCHAIN_LLM_PATH").unwrap_or_else(|_| {
		format!(
			"{}/.cache/inferchain/models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf",
			std::env::var("HOME").unwrap_or_default()
		)
	})
}

/// A free `127.0.0.1:port` for a worker to listen on.
pub fn free_addr() -> String {
	format!("127.0.0.1:{}", crate::node::free_port())
}

/// Seals a block every `interval` on a manual-sealing dev node at `url`, finalizing each at
/// once; keeps trying (reconnecting) until aborted.
pub fn start_block_ticker(url: String, interval: Duration) -> tokio::task::JoinHandle<()> {
	start_block_ticker_lagging(url, interval, 0)
}

/// [`start_block_ticker`], with finality `lag` blocks behind the best block (each block is
/// finalized once `lag` more are built on it): a node whose finality lags.
pub fn start_block_ticker_lagging(
	url: String,
	interval: Duration,
	lag: usize,
) -> tokio::task::JoinHandle<()> {
	tokio::spawn(async move {
		let mut client: Option<crate::Client> = None;
		let mut unfinalized = std::collections::VecDeque::new();
		loop {
			tokio::time::sleep(interval).await;
			if client.is_none() {
				client = crate::Client::connect(&url).await.ok();
			}
			let Some(connected) = &client else { continue };
			let finalize = serde_json::json!(lag == 0);
			let args = vec![serde_json::json!(true), finalize, serde_json::Value::Null];
			let Ok(created) = connected.call("engine_createBlock", args).await else {
				client = None;
				continue;
			};
			if lag == 0 {
				continue;
			}
			unfinalized.push_back(created["hash"].clone());
			if unfinalized.len() > lag {
				let hash = unfinalized.pop_front().unwrap_or_default();
				let args = vec![hash, serde_json::Value::Null];
				if connected.call("engine_finalizeBlock", args).await.is_err() {
					client = None;
				}
			}
		}
	})
}
