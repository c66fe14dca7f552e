//! Subnets, neurons and stake on a real dev node: signed extrinsics from the runtime's own
//! types, their events, the raw storage they wrote, and the typed `subnets_*` RPC reads of the
//! same state, which must agree.

use inferchain_e2e::{tx, Client, Node, NodeConfig};
use inferchain_primitives::NetUid;
use inferchain_rpc_api::{NeuronRole, ProtocolJson};
use inferchain_runtime::{Runtime, RuntimeCall, RuntimeEvent, StakeCall, SubnetsCall, UNIT};
use pallet_subnets::{IpAddress, Protocol};
use serde_json::{json, Value};
use sp_core::crypto::Ss58Codec;
use sp_keyring::Sr25519Keyring::{self, Alice, Bob, Charlie, Dave};

/// `call` from `signer` in a block; its events.
async fn submit(
	client: &Client,
	signer: Sr25519Keyring,
	call: RuntimeCall,
) -> anyhow::Result<Vec<RuntimeEvent>> {
	Ok(tx::submit(client, signer, call).await?.1)
}

fn ss58(who: Sr25519Keyring) -> String {
	who.to_account_id().to_ss58check()
}

#[tokio::test]
async fn registrations_and_stake_read_back_through_events_storage_and_rpc() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let (_node, client) = Node::start(NodeConfig::new("subnets", "dev", dir.path()).with_args([
		"--dev",
		"--sealing",
		"instant",
	]))
	.await?;
	let netuid = NetUid(0);

	let events = submit(
		&client,
		Alice,
		RuntimeCall::Subnets(SubnetsCall::register_subnet { max_lock_cost: 1_000 * UNIT }),
	)
	.await?;
	assert!(events.iter().any(|e| matches!(e,
		RuntimeEvent::Subnets(pallet_subnets::Event::SubnetRegistered { netuid: n, owner, .. })
			if *n == netuid && *owner == Alice.to_account_id())));

	let events = submit(
		&client,
		Bob,
		RuntimeCall::Subnets(SubnetsCall::register_neuron {
			netuid,
			hotkey: Charlie.to_account_id(),
			max_burn: 10 * UNIT,
		}),
	)
	.await?;
	assert!(events.iter().any(|e| matches!(e,
		RuntimeEvent::Subnets(pallet_subnets::Event::NeuronRegistered { uid: 0, hotkey, coldkey, .. })
			if *hotkey == Charlie.to_account_id() && *coldkey == Bob.to_account_id())));

	// The dev chain allows loopback endpoints (workers run on the same machine).
	submit(
		&client,
		Charlie,
		RuntimeCall::Subnets(SubnetsCall::serve_endpoint {
			netuid,
			ip: IpAddress::V4([127, 0, 0, 1]),
			port: 8080,
			protocol: Protocol::Http,
		}),
	)
	.await?;
	let events = submit(
		&client,
		Dave,
		RuntimeCall::Stake(StakeCall::add_stake {
			hotkey: Charlie.to_account_id(),
			netuid,
			amount: 50 * UNIT,
		}),
	)
	.await?;
	assert!(events.iter().any(|e| matches!(e,
		RuntimeEvent::Stake(pallet_stake::Event::StakeAdded { amount, .. }) if *amount == 50 * UNIT)));

	// Raw storage, decoded with the runtime's types.
	use codec::Decode;
	let key = pallet_subnets::Keys::<Runtime>::hashed_key_for(netuid, 0u16);
	let hotkey = client.storage(&key, None).await?.expect("UID 0 is occupied");
	assert_eq!(sp_runtime::AccountId32::decode(&mut &hotkey[..])?, Charlie.to_account_id());
	let key = pallet_stake::Pools::<Runtime>::hashed_key_for(netuid, Charlie.to_account_id());
	let pool = client.storage(&key, None).await?.expect("a pool exists");
	let pool = pallet_stake::Pool::<u128>::decode(&mut &pool[..])?;
	assert_eq!(pool.stake, 50 * UNIT);

	// The typed RPC reads agree.
	let subnet = client.subnet(0, None).await?.expect("subnet 0");
	assert_eq!(subnet.owner, ss58(Alice));
	assert_eq!(subnet.locked, 100 * UNIT);
	assert_eq!(subnet.neurons, 1);
	assert_eq!(subnet.total_stake, pool.stake);
	assert_eq!(subnet.hyperparams.max_uids, 1024);
	assert!(subnet.hyperparams.commit_reveal);
	// On the wire, balances are decimal strings and names camelCase.
	let wire = client.call("subnets_getSubnet", vec![json!(0)]).await?;
	assert_eq!(wire["totalStake"], pool.stake.to_string());
	assert_eq!(wire["hyperparams"]["bondsMode"], "absolute");
	let neurons = client.neurons(0, None).await?;
	let best = client.best_number().await?;
	assert_eq!(neurons.len(), 1);
	let neuron = &neurons[0];
	assert_eq!(neuron.uid, 0);
	assert_eq!(neuron.hotkey, ss58(Charlie));
	assert_eq!(neuron.coldkey, ss58(Bob));
	assert_eq!(neuron.stake, 50 * UNIT);
	// A miner (the role of every registration) holds no permit, however much stake it has.
	assert_eq!(neuron.role, NeuronRole::Miner);
	assert!(!neuron.validator_permit);
	let events = submit(
		&client,
		Bob,
		RuntimeCall::Subnets(SubnetsCall::set_neuron_role {
			netuid,
			hotkey: Charlie.to_account_id(),
			role: pallet_subnets::NeuronRole::Validator,
		}),
	)
	.await?;
	assert!(events.iter().any(|e| matches!(
		e,
		RuntimeEvent::Subnets(pallet_subnets::Event::NeuronRoleSet { uid: 0, .. })
	)));
	let neurons = client.neurons(0, None).await?;
	let neuron = &neurons[0];
	assert_eq!(neuron.role, NeuronRole::Validator);
	assert!(neuron.validator_permit);
	assert!(!neuron.owner_neuron);
	assert!(neuron.registered_at >= 1 && neuron.registered_at <= best);
	let endpoint = neuron.endpoint.as_ref().expect("an endpoint");
	assert_eq!((endpoint.ip.as_str(), endpoint.port), ("127.0.0.1", 8080));
	assert_eq!(endpoint.protocol, ProtocolJson::Http);
	assert_eq!(client.subnet(99, None).await?, None);
	assert_eq!(client.call("subnets_getNeurons", vec![json!(99)]).await?, Value::Null);
	Ok(())
}
