//! The command line: `miner`, `validator`, `subnet`, `request`, `model-id` and `gateway`.

use clap::{Args, Parser, Subcommand};
use inferchain_engine::DeviceChoice;
use inferchain_inference::{RuntimeProfile, TextRule};
use inferchain_rpc_api::NetUid;
use std::{net::SocketAddr, path::PathBuf};

/// Inferchain off-chain worker.
#[derive(Debug, Parser)]
#[command(name = "inferchain-worker", version, about)]
pub struct Cli {
	/// What to run.
	#[command(subcommand)]
	pub command: Command,
	/// Log filter (tracing `EnvFilter` syntax), e.g. `info` or `inferchain_worker=debug`.
	#[arg(long, global = true, env = "RUST_LOG", default_value = "info")]
	pub log: String,
	/// Log lines as text (for people) or JSON objects, one per line (for log collectors).
	#[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
	pub log_format: LogFormat,
}

/// How log lines are written (`--log-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
	/// Human-readable lines (colored on a terminal).
	Text,
	/// One JSON object per line: `timestamp`, `level`, `target`, `fields`, `spans`.
	Json,
}

/// The worker's roles and tools.
#[derive(Debug, Subcommand)]
pub enum Command {
	/// Serve the subnet's model: register the hotkey, publish the endpoint, answer
	/// OpenAI-compatible `/v1/embeddings` requests (with `--gguf`: `/v1/chat/completions` and
	/// `/v1/completions`) with signed receipts.
	Miner(MinerArgs),
	/// Check the subnet's miners by re-execution each tempo and commit/reveal weights.
	Validator(ValidatorArgs),
	/// Register a subnet whose task is the given model (its owner's tool).
	Subnet(SubnetArgs),
	/// Submit a paid inference request (a dApp's tool), wait for its result and print it with
	/// its verification status.
	Request(RequestArgs),
	/// Print the model id of local model files under a runtime profile.
	ModelId(ModelArgs),
	/// Serve an OpenAI-compatible API for dApps (`/v1/chat/completions`, `/v1/completions`,
	/// `/v1/embeddings`, `/v1/models`, `/v1/requests/{id}`): each call is a paid on-chain
	/// request signed by the gateway's requester key, answered with the miner's on-chain result
	/// and its verification status.
	Gateway(GatewayArgs),
}

/// `gateway` options.
#[derive(Debug, Args)]
pub struct GatewayArgs {
	/// WebSocket RPC endpoint of an inferchain-node.
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub chain: String,
	/// The text-generation subnet behind `/v1/chat/completions` and `/v1/completions`.
	#[arg(long, requires = "gguf")]
	pub text_netuid: Option<NetUid>,
	/// The embeddings subnet behind `/v1/embeddings`.
	#[arg(long)]
	pub embedding_netuid: Option<NetUid>,
	/// The text subnet's GGUF model file: its tokenizer reads the generated tokens and counts
	/// prompts (checked against the subnet's model id at start; the weights are not loaded).
	#[arg(long)]
	pub gguf: Option<PathBuf>,
	/// Dev requester account, e.g. `//Eve` (pays every request).
	#[arg(long, conflicts_with = "requester_file")]
	pub requester_suri: Option<String>,
	/// File with the requester's mnemonic or secret URI.
	#[arg(long)]
	pub requester_file: Option<PathBuf>,
	/// Most the gateway may commit of the requester's funds, in planck: fees held for its open
	/// requests plus fees paid (refunds count back). Past it, calls get `402`. Default: no
	/// limit but the account's balance.
	#[arg(long)]
	pub max_spend: Option<u128>,
	/// Address of the API.
	#[arg(long, default_value = "127.0.0.1:8090")]
	pub listen: SocketAddr,
	/// Seconds a call waits for a miner's answer before `504` (the request goes on on chain).
	#[arg(long, default_value_t = 180)]
	pub answer_timeout_secs: u64,
}

/// Which chain and subnet.
#[derive(Debug, Clone, Args)]
pub struct ChainArgs {
	/// WebSocket RPC endpoint of an inferchain-node.
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub chain: String,
	/// The subnet.
	#[arg(long, default_value_t = NetUid(0))]
	pub netuid: NetUid,
}

/// The worker's keys. Secret URIs on the command line (`--*-suri`) are for dev accounts only
/// (`//Alice`…); real keys come from files holding a mnemonic or secret URI.
#[derive(Debug, Clone, Args)]
pub struct KeyArgs {
	/// Dev coldkey, e.g. `//Bob` (pays the registration burn).
	#[arg(long, conflicts_with = "coldkey_file")]
	pub coldkey_suri: Option<String>,
	/// File with the coldkey's mnemonic or secret URI.
	#[arg(long)]
	pub coldkey_file: Option<PathBuf>,
	/// Dev hotkey, e.g. `//Charlie` (signs endpoints, weights and receipts).
	#[arg(long, conflicts_with = "hotkey_file")]
	pub hotkey_suri: Option<String>,
	/// File with the hotkey's mnemonic or secret URI.
	#[arg(long)]
	pub hotkey_file: Option<PathBuf>,
	/// Free balance (planck) the coldkey keeps on the hotkey for the hotkey's transaction fees
	/// (results, endpoint, verdicts, weights): transferred at start, before registering, if
	/// the hotkey holds less. 0: never transfer. Default 10 INFER.
	#[arg(long, default_value_t = 10_000_000_000_000)]
	pub hotkey_funds: u128,
}

/// The model and how to run it.
#[derive(Debug, Clone, Args)]
pub struct ModelArgs {
	/// Folder with model.safetensors, config.json and tokenizer.json (an embedding model).
	#[arg(long, env = "INFERCHAIN_MODEL_DIR", required_unless_present = "gguf")]
	pub model_dir: Option<PathBuf>,
	/// A GGUF file of a text-generation model (e.g. SmolLM2-135M-Instruct, which
	/// `scripts/setup-libtorch.sh` puts at `$INFERCHAIN_LLM_PATH`): the worker then serves,
	/// checks or registers text generation instead of embeddings, under the `text` profile
	/// (`--model-dir` is then ignored).
	#[arg(long)]
	pub gguf: Option<PathBuf>,
	/// Model name reported by the API (default: `all-MiniLM-L6-v2`, or the GGUF file's name up
	/// to its first dot, e.g. `SmolLM2-135M-Instruct`).
	#[arg(long)]
	pub model_name: Option<String>,
	/// `cpu`, `cuda` or `cuda:N`.
	#[arg(long, default_value = "cpu")]
	pub device: DeviceChoice,
	/// Runtime profile (part of the model id) of an embedding model:
	/// `tolerance:<max abs error ×10⁹>` or `bitwise:<cpu threads>`. GGUF text models always
	/// run under `text` (`TextRule::CPU_F32`).
	#[arg(long, default_value = "tolerance:10000", value_parser = parse_profile)]
	pub profile: RuntimeProfile,
	/// CPU threads under a tolerance profile (default: libtorch's choice).
	#[arg(long)]
	pub threads: Option<u16>,
	/// Longest input in tokens.
	#[arg(long, default_value_t = 256)]
	pub max_tokens: usize,
	/// Most inputs per request.
	#[arg(long, default_value_t = 64)]
	pub max_inputs: usize,
	/// Text models: longest prompt + generation in tokens (at most the model's context, which
	/// the default takes: every request the chain accepts then fits).
	#[arg(long, default_value_t = 8192)]
	pub max_context: usize,
	/// Text models: most new tokens one request may ask for.
	#[arg(long, default_value_t = 512)]
	pub max_new_tokens: usize,
	/// TESTING ONLY (text models): run without the last N decoder blocks, a cheaper model
	/// under the registered id: a dishonest miner, for audits to catch.
	#[arg(long, hide = true, default_value_t = 0)]
	pub skip_blocks: usize,
}

impl ModelArgs {
	/// The model's name in the API.
	pub fn name(&self) -> String {
		if let Some(name) = &self.model_name {
			return name.clone();
		}
		match self.gguf.as_ref().and_then(|path| path.file_name()) {
			Some(file) => {
				let file = file.to_string_lossy();
				file.split('.').next().unwrap_or(&file).to_string()
			},
			None => "all-MiniLM-L6-v2".into(),
		}
	}

	/// The profile the model runs under: `text` for GGUF text models, else `--profile`.
	pub fn runtime_profile(&self) -> RuntimeProfile {
		if self.gguf.is_some() {
			RuntimeProfile::text_cpu(TextRule::CPU_F32)
		} else {
			self.profile
		}
	}
}

/// `miner` options.
#[derive(Debug, Args)]
pub struct MinerArgs {
	#[command(flatten)]
	#[allow(missing_docs)]
	pub chain: ChainArgs,
	#[command(flatten)]
	#[allow(missing_docs)]
	pub keys: KeyArgs,
	#[command(flatten)]
	#[allow(missing_docs)]
	pub model: ModelArgs,
	/// Address the HTTP API (and `/metrics`) listens on.
	#[arg(long, default_value = "127.0.0.1:8080")]
	pub listen: SocketAddr,
	/// Address published on chain for validators and dApps (default: the listen address).
	#[arg(long)]
	pub public_addr: Option<SocketAddr>,
	/// Most inputs in one forward pass (text models: most generations decoded together).
	#[arg(long, default_value_t = 32)]
	pub max_batch: usize,
	/// Longest wait, in milliseconds, for more requests to batch with the first.
	#[arg(long, default_value_t = 5)]
	pub max_wait_ms: u64,
	/// Most API requests waiting for the engine; more get `503` with `Retry-After` (work the
	/// chain assigned is served first and never refused).
	#[arg(long, default_value_t = 256)]
	pub max_queue: usize,
	/// Most API requests of one client (IP address) in flight; more get `429`.
	#[arg(long, default_value_t = 8)]
	pub max_client_requests: usize,
	/// Most registration burn to pay, in planck (smallest units).
	#[arg(long, default_value_t = 10_000_000_000_000_000)]
	pub max_burn: u128,
	/// Stake (planck) the coldkey keeps on the hotkey: topped up at start if lower. It backs
	/// the miner's results (a wrong result is slashed from it).
	#[arg(long)]
	pub stake: Option<u128>,
	/// TESTING ONLY: add this to every output value, or (text models) edit a token of each
	/// generation: a dishonest miner, for audits to catch.
	#[arg(long, hide = true)]
	pub perturb: Option<f32>,
	/// TESTING ONLY: answer every request the chain assigns with NaN values (embedding models),
	/// which the chain refuses (`NonFiniteOutput`): a miner that misses its deadlines.
	#[arg(long, hide = true)]
	pub nan_output: bool,
}

/// `validator` options.
#[derive(Debug, Args)]
pub struct ValidatorArgs {
	#[command(flatten)]
	#[allow(missing_docs)]
	pub chain: ChainArgs,
	#[command(flatten)]
	#[allow(missing_docs)]
	pub keys: KeyArgs,
	#[command(flatten)]
	#[allow(missing_docs)]
	pub model: ModelArgs,
	/// Miners probed per round (a random sample when there are more).
	#[arg(long, default_value_t = 64)]
	pub sample: usize,
	/// Inputs per probe.
	#[arg(long, default_value_t = 3)]
	pub probe_inputs: usize,
	/// Time a miner has to answer a probe, in milliseconds (default: 10 000 for embeddings,
	/// 60 000 for text generation, whose probes ask for up to 96 tokens: a CPU miner sharing
	/// its cores needs that long and is still honest).
	#[arg(long)]
	pub timeout_ms: Option<u64>,
	/// Answers faster than this (ms) earn the full score; slower ones a little less.
	#[arg(long, default_value_t = 500)]
	pub target_latency_ms: u64,
	/// Blocks between rounds (default: the subnet's tempo).
	#[arg(long)]
	pub interval: Option<u32>,
	/// Address of `/metrics` and `/health`.
	#[arg(long, default_value = "127.0.0.1:9616")]
	pub metrics_listen: SocketAddr,
	/// Stake (planck) the coldkey keeps on the hotkey: topped up at start if lower. Validator
	/// permits go to the subnet's top stakes.
	#[arg(long)]
	pub stake: Option<u128>,
	/// Most registration burn to pay, in planck.
	#[arg(long, default_value_t = 10_000_000_000_000_000)]
	pub max_burn: u128,
	/// Share (percent, 0–100) of the subnet's answered results re-executed on sight; those that
	/// disagree are challenged (the hotkey holds the challenge bond until the committee
	/// decides). 0: only audits and committees.
	#[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u8).range(0..=100))]
	pub watch_percent: u8,
	/// TESTING ONLY: reveal the opposite of every verdict (a lying validator, for the protocol
	/// to make pay).
	#[arg(long, hide = true)]
	pub lie: bool,
	/// The `version_key` sent with weights: this validator's scoring version. Subnet owners
	/// raise `weights_version` to retire older validators.
	#[arg(long, default_value_t = crate::validator::WEIGHTS_VERSION)]
	pub weights_version: u64,
}

/// `subnet` options.
#[derive(Debug, Args)]
pub struct SubnetArgs {
	/// WebSocket RPC endpoint of an inferchain-node.
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub chain: String,
	/// Dev owner account, e.g. `//Alice`.
	#[arg(long, conflicts_with = "owner_file")]
	pub owner_suri: Option<String>,
	/// File with the owner's mnemonic or secret URI.
	#[arg(long)]
	pub owner_file: Option<PathBuf>,
	#[command(flatten)]
	#[allow(missing_docs)]
	pub model: ModelArgs,
	/// Most lock to pay, in planck.
	#[arg(long, default_value_t = 1_000_000_000_000_000_000)]
	pub max_lock: u128,
	/// Root only (the owner must be the sudo key): set the tempo (blocks per epoch).
	#[arg(long)]
	pub tempo: Option<u16>,
	/// Root only: set the reveal period (blocks from commit to reveal).
	#[arg(long)]
	pub reveal_period: Option<u32>,
	/// Root only: set the weights rate limit (blocks).
	#[arg(long)]
	pub weights_rate_limit: Option<u32>,
	/// Root only: set the size of the validator set (top stakes hold permits; the other UIDs
	/// are the miners requests are assigned to).
	#[arg(long)]
	pub max_validators: Option<u16>,
	/// Fee of one inference request, in planck (default: the runtime's).
	#[arg(long)]
	pub request_fee: Option<u128>,
	/// Probability, in percent, that a result is audited (default: the runtime's).
	#[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
	pub audit_percent: Option<u32>,
	/// The same for miners with few finalized results (default: `--audit-percent`).
	#[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
	pub new_miner_audit_percent: Option<u32>,
	/// Text generation: price of each prompt byte, in planck (default: the runtime's).
	#[arg(long)]
	pub input_byte_fee: Option<u128>,
	/// Text generation: price of each generated token, in planck (default: the runtime's).
	#[arg(long)]
	pub output_token_fee: Option<u128>,
	/// Text generation: most tokens one request may ask for (default: the runtime's).
	#[arg(long)]
	pub max_output_tokens: Option<u32>,
}

/// How far `request` waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WaitFor {
	/// Until a miner answered (the result may still be audited or challenged).
	Answered,
	/// Until the result is final (paid), rejected (slashed and refunded) or expired.
	Final,
}

/// `request` options.
#[derive(Debug, Args)]
pub struct RequestArgs {
	#[command(flatten)]
	#[allow(missing_docs)]
	pub chain: ChainArgs,
	/// Dev requester account, e.g. `//Dave` (pays the fee).
	#[arg(long, conflicts_with = "requester_file")]
	pub requester_suri: Option<String>,
	/// File with the requester's mnemonic or secret URI.
	#[arg(long)]
	pub requester_file: Option<PathBuf>,
	/// The input text.
	#[arg(long)]
	pub input: String,
	/// Most fee to pay, in planck (the subnet's fee is charged).
	#[arg(long, default_value_t = 1_000_000_000_000)]
	pub max_fee: u128,
	/// How far to wait.
	#[arg(long, value_enum, default_value = "final")]
	pub wait: WaitFor,
	/// Give up after this many finalized blocks.
	#[arg(long, default_value_t = 200)]
	pub timeout_blocks: u32,
	/// Print the output vector (otherwise only its dimension).
	#[arg(long)]
	pub print_output: bool,
	/// Text generation: most tokens to generate (makes it a text-generation request, for a
	/// text subnet; the input is the prompt).
	#[arg(long)]
	pub max_tokens: Option<u32>,
	/// Text generation: send the input as a user's chat message (the model's chat template
	/// applies) rather than plain text to continue.
	#[arg(long, requires = "max_tokens")]
	pub chat: bool,
	/// Text generation: a system message before the user's (with `--chat`).
	#[arg(long, requires = "chat")]
	pub system: Option<String>,
	/// Text generation: temperature (0: greedy).
	#[arg(long, default_value_t = 0.0, requires = "max_tokens")]
	pub temperature: f64,
	/// Text generation: nucleus mass.
	#[arg(long, default_value_t = 1.0, requires = "max_tokens")]
	pub top_p: f64,
	/// Text generation: the seed of the draws (default: the chain draws one).
	#[arg(long, requires = "max_tokens")]
	pub seed: Option<u64>,
	/// Text generation: a string that ends the generation (repeatable).
	#[arg(long, requires = "max_tokens")]
	pub stop: Vec<String>,
}

/// Parses `tolerance:<e9>` or `bitwise:<threads>`.
pub fn parse_profile(s: &str) -> Result<RuntimeProfile, String> {
	let bad = || format!("`{s}`: use tolerance:<max abs error ×10⁹> or bitwise:<threads>");
	let (kind, value) = s.split_once(':').ok_or_else(bad)?;
	match kind {
		"tolerance" => value.parse().map(RuntimeProfile::tolerant).map_err(|_| bad()),
		"bitwise" => match value.parse::<u16>() {
			Ok(threads) if threads > 0 => Ok(RuntimeProfile::bitwise_cpu(threads)),
			_ => Err(bad()),
		},
		_ => Err(bad()),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use clap::CommandFactory;

	#[test]
	fn the_cli_is_consistent() {
		Cli::command().debug_assert();
	}

	#[test]
	fn profiles_parse() {
		assert_eq!(parse_profile("tolerance:10000"), Ok(RuntimeProfile::tolerant(10_000)));
		assert_eq!(parse_profile("bitwise:2"), Ok(RuntimeProfile::bitwise_cpu(2)));
		for bad in ["bitwise:0", "bitwise", "tolerance:-1", "exact:1", ""] {
			assert!(parse_profile(bad).is_err(), "{bad}");
		}
	}
}
