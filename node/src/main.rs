//! `inferchain-node`: the Inferchain full node and validator.

// `sc_cli::Error` is upstream's (large) error type, returned throughout the CLI plumbing.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod dev_seal;
mod market_metrics;
mod rpc;
mod runtime_warmup;
mod service;

fn main() -> std::process::ExitCode {
	match command::run() {
		Ok(()) => std::process::ExitCode::SUCCESS,
		Err(error) => {
			// Display, not Debug: operators get the message, not a struct dump.
			eprintln!("Error: {error}");
			std::process::ExitCode::FAILURE
		},
	}
}
