//! Parses the command line and runs the node or the selected subcommand.

use crate::{
	chain_spec,
	cli::{Cli, Sealing, Subcommand},
	service,
};
use sc_cli::SubstrateCli;
use sc_service::PartialComponents;
use std::sync::Arc;

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"Inferchain Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://example.invalid/inferchain/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		chain_spec::load(id)
	}
}

/// Runs the node, or the subcommand given on the command line.
pub fn run() -> sc_cli::Result<()> {
	let mut cli = Cli::from_args();
	if cli.run.sealing != Sealing::Babe {
		// Sealing on transaction import needs every import notified; the fork-aware pool can miss
		// a transaction that arrives while it builds the view of a just-sealed block (upstream
		// polkadot-sdk#10104), so dev sealing uses the single-state pool.
		cli.run.base.pool_config.pool_type = sc_cli::TransactionPoolType::SingleState;
	}

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		},
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let spec = cli.load_spec(&cmd.chain)?;
			cmd.run(spec)
		},
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config, Sealing::Babe)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		},
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } =
					service::new_partial(&config, Sealing::Babe)?;
				Ok((cmd.run(client, config.database), task_manager))
			})
		},
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } =
					service::new_partial(&config, Sealing::Babe)?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})
		},
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config, Sealing::Babe)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		},
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		},
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, .. } =
					service::new_partial(&config, Sealing::Babe)?;
				// BABE's epoch changes and GRANDPA's authority set are reverted with the blocks.
				let aux_revert = Box::new(|client: Arc<service::FullClient>, backend, blocks| {
					sc_consensus_babe::revert(client.clone(), backend, blocks)?;
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})
		},
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<inferchain_runtime::opaque::Block>(&config))
		},
		None => {
			let sealing = cli.run.sealing;
			let runner = cli.create_runner(&cli.run.base)?;
			runner.run_node_until_exit(|config| async move {
				if sealing != Sealing::Babe
					&& config.chain_spec.chain_type() != sc_service::ChainType::Development
				{
					return Err(sc_cli::Error::Input(
						"--sealing instant|manual is only for development chains (--dev / --chain dev)"
							.into(),
					));
				}
				service::new_full(config, sealing).map_err(sc_cli::Error::Service)
			})
		},
	}
}
