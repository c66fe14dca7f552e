//! `inferchain-worker`: Inferchain's off-chain worker. See `--help` and the README.

mod blocks;
mod calls;
mod chain;
mod cli;
mod gateway;
mod join;
mod keys;
mod loader;
mod market;
mod metrics;
mod miner;
mod openai;
mod openai_text;
mod request;
mod shutdown;
mod subnet;
mod text_task;
mod validator;

use clap::Parser;
use cli::{Cli, Command};

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
	let terminate = async {
		match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
			Ok(mut signal) => {
				signal.recv().await;
			},
			Err(_) => std::future::pending::<()>().await,
		}
	};
	tokio::select! {
		_ = tokio::signal::ctrl_c() => {},
		() = terminate => {},
	}
	tracing::info!("shutting down");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
	let cli = Cli::parse();
	let logs = tracing_subscriber::fmt()
		.with_env_filter(tracing_subscriber::EnvFilter::try_new(&cli.log)?)
		.with_writer(std::io::stderr);
	match cli.log_format {
		cli::LogFormat::Text => {
			logs.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).init()
		},
		cli::LogFormat::Json => logs.json().init(),
	}
	match cli.command {
		Command::Miner(args) => miner::run(args).await,
		Command::Validator(args) => validator::run(args).await,
		Command::Subnet(args) => subnet::run(args).await,
		Command::Request(args) => request::run(args).await,
		Command::Gateway(args) => gateway::run(args).await,
		Command::ModelId(args) => {
			println!("0x{}", inferchain_engine::hex(&loader::model_id(&args).await?));
			Ok(())
		},
	}
}
