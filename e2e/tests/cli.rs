//! Bad input to the node: command-line mistakes fail cleanly, oversized RPC requests are refused.

use std::{
	io::{Read, Write},
	net::TcpStream,
	process::{Command, Output},
	time::Duration,
};

use inferchain_e2e::{node_binary, Node, NodeConfig};

fn run_node(args: &[&str]) -> Output {
	Command::new(node_binary()).args(args).output().expect("the node binary runs")
}

/// Non-zero exit, `expected` in stderr, and no panic.
fn assert_clean_failure(output: &Output, expected: &str) {
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(!output.status.success(), "expected failure, got success; stderr:\n{stderr}");
	assert!(stderr.contains(expected), "stderr lacks `{expected}`:\n{stderr}");
	assert!(!stderr.contains("panicked"), "the node panicked:\n{stderr}");
	assert!(!stderr.contains("stack backtrace"), "the node printed a backtrace:\n{stderr}");
}

#[test]
fn unknown_chain_is_rejected() {
	let dir = tempfile::tempdir().unwrap();
	let base = dir.path().to_str().unwrap();
	let output = run_node(&["--chain", "no-such-chain", "--base-path", base]);
	assert_clean_failure(&output, "unknown chain `no-such-chain`");
}

#[test]
fn bad_port_is_rejected() {
	let output = run_node(&["--dev", "--rpc-port", "70000"]);
	assert_clean_failure(&output, "--rpc-port");
	let output = run_node(&["--dev", "--port", "not-a-port"]);
	assert_clean_failure(&output, "--port");
}

#[test]
fn corrupt_chain_spec_file_is_rejected() {
	let dir = tempfile::tempdir().unwrap();
	let spec = dir.path().join("corrupt.json");
	std::fs::write(&spec, b"{ \"name\": \"Inferchain\", \"genesis\": ").unwrap();
	let base = dir.path().join("db");
	let output =
		run_node(&["--chain", spec.to_str().unwrap(), "--base-path", base.to_str().unwrap()]);
	assert_clean_failure(&output, "invalid chain spec file");
}

#[test]
fn sealing_modes_other_than_babe_are_refused_outside_dev() {
	let dir = tempfile::tempdir().unwrap();
	let base = dir.path().to_str().unwrap();
	let output = run_node(&["--chain", "local", "--sealing", "instant", "--base-path", base]);
	assert_clean_failure(&output, "only for development chains");
}

/// A raw HTTP POST; returns the status line.
fn post(port: u16, body: &[u8]) -> std::io::Result<String> {
	let mut stream = TcpStream::connect(("127.0.0.1", port))?;
	stream.set_read_timeout(Some(Duration::from_secs(30)))?;
	let head = format!(
		"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
		body.len()
	);
	stream.write_all(head.as_bytes())?;
	// The server may answer and close before reading the whole body.
	let _ = stream.write_all(body);
	let mut response = Vec::new();
	let _ = stream.read_to_end(&mut response);
	let text = String::from_utf8_lossy(&response);
	Ok(text.lines().next().unwrap_or_default().to_string())
}

#[tokio::test]
async fn oversized_rpc_request_is_refused_and_the_node_keeps_serving() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let config = NodeConfig::new("oversize", "dev", dir.path()).with_args([
		"--dev",
		"--sealing",
		"manual",
		"--rpc-max-request-size",
		"1",
	]);
	let port = config.rpc_port;
	let (mut node, client) = Node::start(config).await?;

	// 2 MiB of JSON against a 1 MiB limit.
	let padding = "0".repeat(2 * 1024 * 1024);
	let body = format!(
		r#"{{"jsonrpc":"2.0","id":1,"method":"author_submitExtrinsic","params":["0x{padding}"]}}"#
	);
	let status = tokio::task::spawn_blocking(move || post(port, body.as_bytes())).await??;
	assert!(status.contains("413"), "expected 413 Payload Too Large, got `{status}`");

	node.assert_running()?;
	let small = tokio::task::spawn_blocking(move || {
		post(port, br#"{"jsonrpc":"2.0","id":2,"method":"system_health","params":[]}"#)
	})
	.await??;
	assert!(small.contains("200"), "a normal request failed after the oversized one: `{small}`");
	assert!(client.peers().await.is_ok());
	Ok(())
}
