//! subxt, the client the off-chain workers use, against a real dev node: a subnet and a neuron
//! registered with metadata-driven (dynamic) extrinsics signed by `subxt-signer`, their events
//! and storage read back through subxt, and the same state read through the node's typed
//! `subnets_*` RPC and raw storage — every client must agree.

use codec::Decode;
use inferchain_e2e::{Node, NodeConfig};
use inferchain_primitives::NetUid;
use inferchain_runtime::{Runtime, UNIT};
use sp_core::crypto::{AccountId32, Ss58Codec};
use subxt::{dynamic, OnlineClient, SubstrateConfig};
use subxt_signer::sr25519::{dev, Keypair};

type Api = OnlineClient<SubstrateConfig>;

/// Signs `call` with `signer`, waits for finality and returns `Pallet.Event` names it emitted.
async fn submit<CallData>(
	api: &Api,
	signer: &Keypair,
	call: subxt::transactions::DynamicPayload<CallData>,
) -> anyhow::Result<Vec<String>>
where
	subxt::transactions::DynamicPayload<CallData>: subxt::transactions::Payload,
{
	let events = api
		.at_current_block()
		.await?
		.transactions()
		.sign_and_submit_then_watch_default(&call, signer)
		.await?
		.wait_for_finalized_success()
		.await?;
	let mut names = Vec::new();
	for event in events.iter() {
		let event = event?;
		names.push(format!("{}.{}", event.pallet_name(), event.event_name()));
	}
	Ok(names)
}

#[tokio::test]
async fn subxt_registers_a_subnet_and_a_neuron_and_reads_them_back() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let config = NodeConfig::new("subxt", "dev", dir.path()).with_args(["--dev"]);
	let url = config.ws_url();
	let (_node, client) = Node::start(config).await?;
	let api = Api::from_insecure_url(&url).await?;
	let (alice, bob, charlie) = (dev::alice(), dev::bob(), dev::charlie());
	let hotkey: [u8; 32] = charlie.public_key().0;

	let events =
		submit(&api, &alice, dynamic::tx("Subnets", "register_subnet", (1_000 * UNIT,))).await?;
	assert!(events.contains(&"Subnets.SubnetRegistered".into()), "{events:?}");
	let events =
		submit(&api, &bob, dynamic::tx("Subnets", "register_neuron", (0u16, hotkey, 10 * UNIT)))
			.await?;
	assert!(events.contains(&"Subnets.NeuronRegistered".into()), "{events:?}");

	// subxt's storage reads.
	let at = api.at_current_block().await?;
	let owner = dynamic::storage::<(u16,), OwnerOnly>("Subnets", "Subnets");
	assert_eq!(at.storage().fetch(owner, (0u16,)).await?.decode()?.owner, alice.public_key().0);
	let keys = dynamic::storage::<(u16, u16), [u8; 32]>("Subnets", "Keys");
	assert_eq!(at.storage().fetch(keys, (0u16, 0u16)).await?.decode()?, hotkey);
	let hotkey_owner = dynamic::storage::<([u8; 32],), [u8; 32]>("Subnets", "HotkeyOwner");
	assert_eq!(at.storage().fetch(hotkey_owner, (hotkey,)).await?.decode()?, bob.public_key().0);

	// The node's typed RPC and raw storage, decoded with the runtime's own types, agree.
	let block = sp_core::H256(at.block_hash().0);
	let neurons = client.neurons(0, Some(block)).await?;
	assert_eq!(neurons[0].uid, 0);
	assert_eq!(neurons[0].hotkey, AccountId32::from(hotkey).to_ss58check());
	assert_eq!(neurons[0].coldkey, AccountId32::from(bob.public_key().0).to_ss58check());
	let subnet = client.subnet(0, Some(block)).await?.expect("subnet 0");
	assert_eq!(subnet.owner, AccountId32::from(alice.public_key().0).to_ss58check());
	let key = pallet_subnets::Uids::<Runtime>::hashed_key_for(NetUid(0), AccountId32::from(hotkey));
	let uid = client.storage(&key, None).await?.expect("the hotkey holds a UID");
	assert_eq!(u16::decode(&mut &uid[..])?, 0);
	Ok(())
}

/// The one field of `SubnetInfo` this test reads.
#[derive(subxt::ext::scale_decode::DecodeAsType)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct OwnerOnly {
	owner: [u8; 32],
}
