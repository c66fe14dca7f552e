//! Emission end to end on a real dev node (instant sealing: a block per transaction): a subnet
//! with a validator and a miner, weights committed and revealed, a tempo passing, and the
//! epoch's payout checked against the split recomputed with `inferchain-yuma` from inputs read
//! over RPC (pending emission at the parent block, the block's emission).

use codec::Decode;
use inferchain_e2e::{tx, Client, Node, NodeConfig};
use inferchain_primitives::NetUid;
use inferchain_runtime::{Hash, Runtime, RuntimeCall, RuntimeEvent, UNIT};
use inferchain_yuma::{split_emission, Q32};
use serde_json::json;
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Dave, Eve, Ferdie};

const NETUID: NetUid = NetUid(0);

/// One more block (instant sealing makes one per transaction): a remark from Eve. Returns the
/// block and all its events, its hooks' (an epoch's) included.
async fn next_block(client: &Client) -> anyhow::Result<(Hash, Vec<RuntimeEvent>)> {
	let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
	let (block, _) = tx::submit(client, Eve, remark).await?;
	let events = client.events(block).await?.into_iter().map(|record| record.event).collect();
	Ok((block, events))
}

async fn read<T: Decode>(client: &Client, key: &[u8], at: Hash) -> anyhow::Result<Option<T>> {
	client.storage(key, Some(at)).await?.map(|bytes| Ok(T::decode(&mut &bytes[..])?)).transpose()
}

fn subnets(call: pallet_subnets::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::Subnets(call)
}

#[tokio::test]
async fn an_epoch_pays_the_split_yuma_computes() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let (_node, client) = Node::start(NodeConfig::new("emission", "dev", dir.path()).with_args([
		"--dev",
		"--sealing",
		"instant",
	]))
	.await?;

	// Alice's subnet, made fast by root: an epoch every 4 blocks, reveals after 1.
	tx::submit(
		&client,
		Alice,
		subnets(pallet_subnets::Call::register_subnet { max_lock_cost: 1_000 * UNIT }),
	)
	.await?;
	let (head, _) = next_block(&client).await?;
	let key = pallet_subnets::Hyperparams::<Runtime>::hashed_key_for(NETUID);
	let mut params: pallet_subnets::HyperparamsOf<Runtime> =
		read(&client, &key, head).await?.expect("the subnet has hyperparameters");
	params.tempo = 4;
	params.reveal_period = 1;
	params.weights_rate_limit = 0;
	params.activity_cutoff = 1_000;
	let set = subnets(pallet_subnets::Call::set_hyperparameters { netuid: NETUID, params });
	let (_, events) = tx::submit(
		&client,
		Alice,
		RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(set) }),
	)
	.await?;
	assert!(events.iter().any(|e| matches!(
		e,
		RuntimeEvent::Subnets(pallet_subnets::Event::HyperparametersSet { .. })
	)));

	// Bob's two hotkeys: Charlie validates (Ferdie stakes on it), Dave mines.
	for hotkey in [Charlie, Dave] {
		let call = pallet_subnets::Call::register_neuron {
			netuid: NETUID,
			hotkey: hotkey.to_account_id(),
			max_burn: 10 * UNIT,
		};
		tx::submit(&client, Bob, subnets(call)).await?;
	}
	let stake = pallet_stake::Call::add_stake {
		hotkey: Charlie.to_account_id(),
		netuid: NETUID,
		amount: 100 * UNIT,
	};
	tx::submit(&client, Ferdie, RuntimeCall::Stake(stake)).await?;
	let role = pallet_subnets::Call::set_neuron_role {
		netuid: NETUID,
		hotkey: Charlie.to_account_id(),
		role: pallet_subnets::NeuronRole::Validator,
	};
	tx::submit(&client, Bob, subnets(role)).await?;

	// The first epoch gives Charlie its validator permit.
	let permits_key = pallet_emission::Permits::<Runtime>::hashed_key_for(NETUID);
	let mut permitted = false;
	for _ in 0..10 {
		let (head, _) = next_block(&client).await?;
		let permits: Option<Vec<bool>> = read(&client, &permits_key, head).await?;
		if permits.is_some_and(|p| p.first() == Some(&true)) {
			permitted = true;
			break;
		}
	}
	assert!(permitted, "Charlie never got a validator permit");

	// Commit, then reveal weights all on Dave (UID 1).
	let hash =
		pallet_emission::commit_hash(&Charlie.to_account_id(), NETUID, &[1], &[65_535], 99, 0);
	let commit = pallet_emission::Call::commit_weights { netuid: NETUID, commit: hash };
	tx::submit(&client, Charlie, RuntimeCall::Emission(commit)).await?;
	next_block(&client).await?;
	let reveal = pallet_emission::Call::reveal_weights {
		netuid: NETUID,
		uids: vec![1],
		values: vec![65_535],
		salt: 99,
		version_key: 0,
	};
	let (_, events) = tx::submit(&client, Charlie, RuntimeCall::Emission(reveal)).await?;
	assert!(events.iter().any(|e| matches!(
		e,
		RuntimeEvent::Emission(pallet_emission::Event::WeightsRevealed { uid: 0, .. })
	)));

	// Wait for the next epoch and check its payout.
	for _ in 0..10 {
		let (block, events) = next_block(&client).await?;
		let Some((owner_cut, paid, unpaid)) = events.iter().find_map(|e| match e {
			RuntimeEvent::Emission(pallet_emission::Event::EpochRun {
				owner_cut,
				paid,
				unpaid,
				..
			}) => Some((*owner_cut, *paid, *unpaid)),
			_ => None,
		}) else {
			continue;
		};
		let header = client.call("chain_getHeader", vec![json!(format!("{block:?}"))]).await?;
		let parent: Hash = header["parentHash"].as_str().unwrap_or_default().parse()?;
		let pending_key = pallet_emission::Pending::<Runtime>::hashed_key_for(NETUID);
		let pending: u128 = read(&client, &pending_key, parent).await?.unwrap_or(0);
		// Only subnet 0 has stake, so it gets the whole block emission (first era).
		let total = pending + UNIT / 4;
		let expected_cut = total * 18 / 100;
		assert_eq!(owner_cut, expected_cut);
		let split = split_emission(
			total - expected_cut,
			Q32::from_parts_per_billion(500_000_000),
			&[Q32::ZERO, Q32::ONE],
			&[Q32::ONE, Q32::ZERO],
			&[Q32::ONE, Q32::ZERO],
		);
		assert_eq!(paid + unpaid, total - expected_cut);
		assert_eq!(unpaid, split.unpaid);
		// What the RPC shows: Dave's stake is the miners' share; Charlie's grew by the rest.
		let neurons = client.neurons(0, Some(block)).await?;
		let before = client.neurons(0, Some(parent)).await?;
		let stake = |neurons: &[inferchain_rpc_api::NeuronJson], uid: usize| -> u128 {
			neurons.get(uid).map_or(0, |n| n.stake)
		};
		assert_eq!(stake(&neurons, 1) - stake(&before, 1), split.miners[1]);
		assert_eq!(stake(&neurons, 0) - stake(&before, 0), split.validators[0]);
		return Ok(());
	}
	anyhow::bail!("no epoch ran")
}
