//! Command-line interface of `inferchain-node`.

use sc_cli::RunCmd;

/// How the node seals blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Sealing {
	/// BABE slots and GRANDPA finality: the production path, single- or multi-validator.
	Babe,
	/// Dev only: seal a block as soon as a transaction arrives, and finalize it at once.
	Instant,
	/// Dev only: seal a block on each `engine_createBlock` RPC call (finalize with
	/// `engine_finalizeBlock` or the call's `finalize` flag).
	Manual,
}

/// Arguments of the node when it runs (no subcommand).
#[derive(Debug, clap::Parser)]
pub struct NodeRunCmd {
	#[allow(missing_docs)]
	#[clap(flatten)]
	pub base: RunCmd,

	/// Block sealing. `instant` and `manual` are for single-node development chains: they author
	/// BABE blocks with the dev key, one slot per block, and skip GRANDPA.
	#[arg(long, value_enum, default_value_t = Sealing::Babe)]
	pub sealing: Sealing,
}

/// The node's command line.
#[derive(Debug, clap::Parser)]
#[command(
	propagate_version = true,
	args_conflicts_with_subcommands = true,
	subcommand_negates_reqs = true
)]
pub struct Cli {
	#[allow(missing_docs)]
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[allow(missing_docs)]
	#[clap(flatten)]
	pub run: NodeRunCmd,
}

/// Subcommands besides running the node.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect, insert keys.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (deprecated upstream in favour of `export-chain-spec`, kept
	/// because operators know it).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification of the selected chain.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Database metadata.
	ChainInfo(sc_cli::ChainInfoCmd),
}
