//! `inferchain-node`: the Inferchain full node and validator.

mod chain_spec;
mod cli;
mod command;
mod rpc;
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
