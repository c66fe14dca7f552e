//! The `subnet` tool for subnet owners: register a subnet whose task is the local model (its id
//! computed from the files and profile), and, for a root (sudo) owner on dev chains, shorten
//! its tempo and reveal period.

use crate::{chain::Chain, cli::SubnetArgs, keys, loader};
use anyhow::{anyhow, Context};
use inferchain_engine::hex;
use subxt::dynamic::{At, Value};

/// Registers the subnet and prints its netuid.
pub async fn run(args: SubnetArgs) -> anyhow::Result<()> {
	let owner = keys::load("owner", args.owner_suri.as_deref(), args.owner_file.as_deref())?;
	let model_id = loader::model_id(&args.model).await?;
	let chain = Chain::connect(&args.chain).await?;
	let events = chain
		.submit(&owner, "Subnets", "register_subnet", vec![Value::u128(args.max_lock)])
		.await?;
	let registered = events
		.iter()
		.find(|e| e.name == "Subnets.SubnetRegistered")
		.ok_or_else(|| anyhow!("no SubnetRegistered event"))?;
	let netuid = registered
		.fields
		.at("netuid")
		.and_then(|v| v.as_u128().or_else(|| v.at(0).and_then(|inner| inner.as_u128())))
		.and_then(|n| u16::try_from(n).ok())
		.ok_or_else(|| anyhow!("SubnetRegistered without a netuid: {:?}", registered.fields))?;

	let task = Value::named_composite([
		("kind", Value::unnamed_variant("Embedding", [])),
		("model_id", Value::from_bytes(model_id)),
	]);
	chain
		.submit(&owner, "Subnets", "set_subnet_task", vec![Value::u128(u128::from(netuid)), task])
		.await
		.context("setting the subnet's task")?;

	if args.tempo.is_some() || args.reveal_period.is_some() || args.weights_rate_limit.is_some() {
		set_timing(&chain, &owner, netuid, &args).await.context("setting timing as root (sudo)")?;
	}
	tracing::info!(netuid, model_id = %format!("0x{}", hex(&model_id)), "subnet registered");
	println!("{netuid}");
	Ok(())
}

/// Root: rewrites the subnet's hyperparameters with the timing `args` give.
async fn set_timing(
	chain: &Chain,
	owner: &subxt_signer::sr25519::Keypair,
	netuid: u16,
	args: &SubnetArgs,
) -> anyhow::Result<()> {
	let at = chain.api.at_current_block().await?;
	let query = subxt::dynamic::storage::<(u16,), Value>("Subnets", "Hyperparams");
	let mut params = at.storage().fetch(query, (netuid,)).await?.decode()?;
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
	let inner = Value::unnamed_variant(
		"Subnets",
		[Value::named_variant(
			"set_hyperparameters",
			[("netuid", Value::u128(u128::from(netuid))), ("params", params)],
		)],
	);
	let events = chain.submit(owner, "Sudo", "sudo", vec![inner]).await?;
	let ok =
		events.iter().any(|e| e.name == "Sudo.Sudid" && format!("{:?}", e.fields).contains("Ok"));
	if !ok {
		return Err(anyhow!("sudo call failed: {events:?}"));
	}
	Ok(())
}
