//! Starting, stopping and restarting `inferchain-node` processes.

use std::{
	fs::File,
	net::TcpListener,
	os::unix::process::CommandExt,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::Duration,
};

use crate::rpc::Client;

/// Path of the `inferchain-node` binary: `$INFERCHAIN_NODE` if set, else the binary cargo built
/// next to this test executable (`target/<profile>/inferchain-node`).
pub fn node_binary() -> PathBuf {
	built_binary("INFERCHAIN_NODE", "inferchain-node")
}

/// `$env` if set, else the binary `name` cargo built next to this test executable
/// (`target/<profile>/deps/<test>` → `target/<profile>/<name>`).
pub fn built_binary(env: &str, name: &str) -> PathBuf {
	if let Some(path) = std::env::var_os(env) {
		return PathBuf::from(path);
	}
	let exe = std::env::current_exe().unwrap_or_default();
	exe.parent()
		.and_then(Path::parent)
		.map(|profile_dir| profile_dir.join(name))
		.unwrap_or_else(|| PathBuf::from(name))
}

/// A free TCP port on 127.0.0.1 (bound then released; the node binds it right after), never
/// one this process handed out before: the kernel may offer a just-released port again, and a
/// node whose RPC and p2p ports coincide answers RPC clients with resets.
pub fn free_port() -> u16 {
	static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
	for _ in 0..64 {
		let port = TcpListener::bind("127.0.0.1:0")
			.and_then(|listener| listener.local_addr())
			.map(|addr| addr.port())
			.unwrap_or(0);
		let Ok(mut given) = GIVEN.lock() else { return port };
		if port != 0 && !given.contains(&port) {
			given.push(port);
			return port;
		}
	}
	0
}

/// How to start a node.
#[derive(Clone, Debug)]
pub struct NodeConfig {
	/// A name for logs.
	pub name: String,
	/// `--chain` value.
	pub chain: String,
	/// Extra arguments (e.g. `--alice`, `--sealing instant`, `--bootnodes …`).
	pub args: Vec<String>,
	/// Database and keystore folder; kept across restarts of the same node.
	pub base_path: PathBuf,
	/// JSON-RPC port (WebSocket and HTTP).
	pub rpc_port: u16,
	/// libp2p port.
	pub p2p_port: u16,
	/// Prometheus port.
	pub prometheus_port: u16,
}

impl NodeConfig {
	/// A node of `chain` with fresh ports and its base path under `dir`.
	pub fn new(name: &str, chain: &str, dir: &Path) -> Self {
		Self {
			name: name.into(),
			chain: chain.into(),
			args: Vec::new(),
			base_path: dir.join(name),
			rpc_port: free_port(),
			p2p_port: free_port(),
			prometheus_port: free_port(),
		}
	}

	/// Adds command-line arguments.
	pub fn with_args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> Self {
		self.args.extend(args.into_iter().map(Into::into));
		self
	}

	/// The WebSocket RPC URL of this node.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.rpc_port)
	}
}

/// A running node process, killed when dropped.
pub struct Node {
	/// How it was started (reused by [`Node::restart`]).
	pub config: NodeConfig,
	child: Option<Child>,
	log_path: PathBuf,
}

impl Node {
	/// Starts a node and waits until its RPC answers.
	pub async fn start(config: NodeConfig) -> anyhow::Result<(Node, Client)> {
		let mut node =
			Node { log_path: config.base_path.with_extension("log"), config, child: None };
		node.spawn()?;
		let client = node.connect().await?;
		Ok((node, client))
	}

	fn spawn(&mut self) -> anyhow::Result<()> {
		let c = &self.config;
		std::fs::create_dir_all(&c.base_path)?;
		let log = File::options().create(true).append(true).open(&self.log_path)?;
		let mut command = Command::new(node_binary());
		command
			.arg("--chain")
			.arg(&c.chain)
			.arg("--base-path")
			.arg(&c.base_path)
			.args(["--rpc-port", &c.rpc_port.to_string()])
			.args(["--prometheus-port", &c.prometheus_port.to_string()])
			.args(["--no-mdns", "--no-telemetry", "--rpc-cors", "all"])
			.args(["--listen-addr", &format!("/ip4/127.0.0.1/tcp/{}", c.p2p_port)])
			.args(&c.args)
			.env("RUST_LOG", std::env::var("E2E_NODE_LOG").unwrap_or_else(|_| "info".into()))
			.stdin(Stdio::null())
			.stdout(log.try_clone()?)
			.stderr(log);
		// SAFETY: `prctl` is async-signal-safe; it only asks the kernel to kill the node if the
		// test process dies, so no node outlives a crashed or killed test run. The kernel ties
		// this to the spawning *thread*: nodes are spawned from the test's own thread
		// (`#[tokio::test]` runs on it), which lives as long as the test.
		unsafe {
			command.pre_exec(|| {
				libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
				Ok(())
			});
		}
		self.child = Some(command.spawn()?);
		Ok(())
	}

	/// Connects a new RPC client, waiting up to 120 s for the node to answer and failing at once
	/// (with its log) if the process exits meanwhile.
	pub async fn connect(&mut self) -> anyhow::Result<Client> {
		let url = self.config.ws_url();
		let deadline = std::time::Instant::now() + Duration::from_secs(120);
		loop {
			self.assert_running()?;
			match Client::connect(&url).await {
				Ok(client) => return Ok(client),
				Err(error) if std::time::Instant::now() >= deadline => {
					anyhow::bail!("{} did not answer on {url}: {error}", self.config.name)
				},
				Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
			}
		}
	}

	/// Fails with the log's tail if the process has exited.
	pub fn assert_running(&mut self) -> anyhow::Result<()> {
		if let Some(child) = self.child.as_mut() {
			if let Some(status) = child.try_wait()? {
				anyhow::bail!(
					"{} exited with {status}; log:\n{}",
					self.config.name,
					self.log_tail()
				);
			}
		}
		Ok(())
	}

	/// The node's whole log so far.
	pub fn log(&self) -> String {
		std::fs::read_to_string(&self.log_path).unwrap_or_default()
	}

	/// The last 4 KiB of the node's log.
	pub fn log_tail(&self) -> String {
		let log = self.log();
		let start = log.len().saturating_sub(4096);
		log.get(start..).unwrap_or(&log).to_string()
	}

	/// Kills the process (SIGKILL: a crash, not a clean shutdown) and reaps it.
	pub fn kill(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}

	/// Starts the process again with the same configuration and database.
	pub async fn restart(&mut self) -> anyhow::Result<Client> {
		self.kill();
		self.spawn()?;
		self.connect().await
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		self.kill();
	}
}
