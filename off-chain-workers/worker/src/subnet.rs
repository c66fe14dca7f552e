//! The `subnet` tool for subnet owners: register the local model in the inference market (its
//! id computed from the files and profile) unless it is registered, register a subnet whose
//! task is that model, set its market settings if asked, and, for a root (sudo) owner on dev
//! chains, shorten its tempo and reveal period.

use crate::{calls, chain::Chain, cli::SubnetArgs, keys, loader};
use anyhow::{anyhow, Context};
use inferchain_engine::hex;
use inferchain_inference::{ComparisonRule, Dtype, ModelDigests, OutputSpec, TaskKind};
use inferchain_rpc_api::NetUid;
use subxt::dynamic::{At, Value};

/// Registers the subnet and prints its netuid.
pub async fn run(args: SubnetArgs) -> anyhow::Result<()> {
	let owner = keys::load("owner", args.owner_suri.as_deref(), args.owner_file.as_deref())?;
	let (digests, output) = loader::model_files(&args.model).await?;
	let model_id = digests.model_id(&args.model.runtime_profile(), &output);
	let chain = Chain::connect(&args.chain).await?;
	let events = chain.submit(&owner, calls::register_subnet(args.max_lock)).await?;
	let registered = events
		.iter()
		.find(|e| e.name == "Subnets.SubnetRegistered")
		.ok_or_else(|| anyhow!("no SubnetRegistered event"))?;
	let netuid = registered
		.fields
		.at("netuid")
		.and_then(|v| v.as_u128().or_else(|| v.at(0).and_then(|inner| inner.as_u128())))
		.and_then(|n| u16::try_from(n).ok())
		.map(NetUid)
		.ok_or_else(|| anyhow!("SubnetRegistered without a netuid: {:?}", registered.fields))?;

	let task = Value::named_composite([
		("kind", Value::unnamed_variant(task_kind(output.kind), [])),
		("model_id", Value::from_bytes(model_id)),
	]);
	chain
		.submit(&owner, calls::set_subnet_task(netuid, task))
		.await
		.context("setting the subnet's task")?;

	ensure_model(&chain, &owner, &digests, &output, &args)
		.await
		.context("registering the model")?;
	let text_prices = [args.input_byte_fee, args.output_token_fee].iter().any(Option::is_some);
	if args.request_fee.is_some()
		|| args.audit_percent.is_some()
		|| text_prices
		|| args.max_output_tokens.is_some()
	{
		set_market(&chain, &owner, netuid, &args).await.context("setting market parameters")?;
	}
	let timing = [args.reveal_period, args.weights_rate_limit].iter().any(Option::is_some);
	if timing || args.tempo.is_some() || args.max_validators.is_some() {
		set_timing(&chain, &owner, netuid, &args).await.context("setting timing as root (sudo)")?;
	}
	tracing::info!(%netuid, model_id = %format!("0x{}", hex(&model_id)), "subnet registered");
	println!("{netuid}");
	Ok(())
}

/// The `TaskKind` variant's name on chain.
fn task_kind(kind: TaskKind) -> &'static str {
	match kind {
		TaskKind::Embedding => "Embedding",
		TaskKind::Classification => "Classification",
		TaskKind::TextGeneration => "TextGeneration",
	}
}

/// Registers the model of `digests` answering as `output` under the profile of `args` unless
/// the chain has it (the chain computes the id from the digests, the profile and the output).
async fn ensure_model(
	chain: &Chain,
	owner: &subxt_signer::sr25519::Keypair,
	digests: &ModelDigests,
	output: &OutputSpec,
	args: &SubnetArgs,
) -> anyhow::Result<()> {
	let id = digests.model_id(&args.model.runtime_profile(), output);
	if chain.models().await?.iter().any(|model| model.model_id.0 == id) {
		return Ok(());
	}
	let profile = args.model.runtime_profile();
	let rule = match profile.rule {
		ComparisonRule::Bitwise => Value::unnamed_variant("Bitwise", []),
		ComparisonRule::Tolerance { max_abs_error_e9 } => Value::named_variant(
			"Tolerance",
			[("max_abs_error_e9", Value::u128(u128::from(max_abs_error_e9)))],
		),
		ComparisonRule::Text(text) => Value::unnamed_variant(
			"Text",
			[Value::named_composite([
				("top_k", Value::u128(u128::from(text.top_k))),
				("max_exponent_mismatches", Value::u128(u128::from(text.max_exponent_mismatches))),
				(
					"max_mean_mantissa_diff_milli",
					Value::u128(u128::from(text.max_mean_mantissa_diff_milli)),
				),
				(
					"max_median_mantissa_diff",
					Value::u128(u128::from(text.max_median_mantissa_diff)),
				),
				(
					"tokens",
					Value::named_composite([
						(
							"greedy_logit_margin_e6",
							Value::u128(u128::from(text.tokens.greedy_logit_margin_e6)),
						),
						("sample_mass_e9", Value::u128(u128::from(text.tokens.sample_mass_e9))),
					]),
				),
			])],
		),
	};
	let dtype = match profile.dtype {
		Dtype::F32 => "F32",
		Dtype::F16 => "F16",
		Dtype::Bf16 => "Bf16",
	};
	let metadata = Value::named_composite([
		("name", Value::from_bytes(args.model.name().as_bytes())),
		("kind", Value::unnamed_variant(task_kind(output.kind), [])),
		(
			"profile",
			Value::named_composite([
				("dtype", Value::unnamed_variant(dtype, [])),
				("rule", rule),
				("cpu_threads", Value::u128(u128::from(profile.cpu_threads))),
			]),
		),
		("output_dim", Value::u128(u128::from(output.dim))),
	]);
	let tokenizer = match digests.tokenizer {
		Some(digest) => Value::unnamed_variant("Some", [Value::from_bytes(digest)]),
		None => Value::unnamed_variant("None", []),
	};
	let digests = Value::named_composite([
		("weights", Value::from_bytes(digests.weights)),
		("config", Value::from_bytes(digests.config)),
		("tokenizer", tokenizer),
	]);
	chain.submit(owner, calls::register_model(digests, metadata)).await?;
	tracing::info!(model_id = %format!("0x{}", hex(&id)), "model registered");
	Ok(())
}

/// Sets the subnet's request fee, audit probabilities and text prices (the runtime's defaults
/// for what `args` leaves out).
async fn set_market(
	chain: &Chain,
	owner: &subxt_signer::sr25519::Keypair,
	netuid: NetUid,
	args: &SubnetArgs,
) -> anyhow::Result<()> {
	let at = chain.api.at_current_block().await?;
	let defaults =
		at.constants().entry(subxt::dynamic::constant::<Value>("Inference", "DefaultMarket"))?;
	// `Perbill`s decode as a one-field composite: read through it.
	let default_of = |field: &str| {
		defaults.at(field).and_then(|v| v.as_u128().or_else(|| v.at(0).and_then(|x| x.as_u128())))
	};
	let fee = args.request_fee.or_else(|| default_of("request_fee")).unwrap_or(0);
	let parts = |percent: Option<u32>, field: &str| {
		percent.map(|p| u128::from(p) * 10_000_000).or_else(|| default_of(field)).unwrap_or(0)
	};
	let audit = parts(args.audit_percent, "audit_probability");
	let new_audit =
		parts(args.new_miner_audit_percent.or(args.audit_percent), "new_miner_audit_probability");
	let input_byte_fee = args.input_byte_fee.or_else(|| default_of("input_byte_fee")).unwrap_or(0);
	let output_token_fee =
		args.output_token_fee.or_else(|| default_of("output_token_fee")).unwrap_or(0);
	let max_output_tokens = args
		.max_output_tokens
		.map(u128::from)
		.or_else(|| default_of("max_output_tokens"))
		.unwrap_or(1);
	let params = Value::named_composite([
		("request_fee", Value::u128(fee)),
		("audit_probability", Value::u128(audit)),
		("new_miner_audit_probability", Value::u128(new_audit)),
		("input_byte_fee", Value::u128(input_byte_fee)),
		("output_token_fee", Value::u128(output_token_fee)),
		("max_output_tokens", Value::u128(max_output_tokens)),
	]);
	chain.submit(owner, calls::set_market_params(netuid, params)).await?;
	tracing::info!(%netuid, fee, audit, new_audit, "market parameters set");
	Ok(())
}

/// Root: rewrites the subnet's hyperparameters with the timing and validator-set size `args`
/// give.
async fn set_timing(
	chain: &Chain,
	owner: &subxt_signer::sr25519::Keypair,
	netuid: NetUid,
	args: &SubnetArgs,
) -> anyhow::Result<()> {
	let at = chain.api.at_current_block().await?;
	let query = subxt::dynamic::storage::<(u16,), Value>("Subnets", "Hyperparams");
	let mut params = at.storage().fetch(query, (netuid.0,)).await?.decode()?;
	let mut set = |name: &str, value: Option<u128>| -> anyhow::Result<()> {
		if let Some(value) = value {
			let subxt::ext::scale_value::ValueDef::Composite(
				subxt::ext::scale_value::Composite::Named(fields),
			) = &mut params.value
			else {
				return Err(anyhow!("unexpected hyperparameter layout"));
			};
			let field = fields
				.iter_mut()
				.find(|(n, _)| n == name)
				.ok_or_else(|| anyhow!("no hyperparameter {name}"))?;
			field.1 = Value::u128(value);
		}
		Ok(())
	};
	set("tempo", args.tempo.map(u128::from))?;
	set("reveal_period", args.reveal_period.map(u128::from))?;
	set("weights_rate_limit", args.weights_rate_limit.map(u128::from))?;
	set("max_validators", args.max_validators.map(u128::from))?;
	let events = chain.submit(owner, calls::sudo_set_hyperparameters(netuid, params)).await?;
	let ok =
		events.iter().any(|e| e.name == "Sudo.Sudid" && format!("{:?}", e.fields).contains("Ok"));
	if !ok {
		return Err(anyhow!("sudo call failed: {events:?}"));
	}
	Ok(())
}
