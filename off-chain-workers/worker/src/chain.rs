//! Chain access through subxt: connecting (and reconnecting), the node's typed `subnets_*` RPC,
//! signed dynamic (metadata-driven) extrinsics, and finalized blocks.

use crate::calls::{self, Call};
use anyhow::{anyhow, Context};
use inferchain_rpc_api::{NetUid, NeuronJson, NeuronRole, SubnetJson, SubnetsApiClient};
use jsonrpsee::ws_client::{WsClient, WsClientBuilder};
use std::{sync::Arc, time::Duration};
use subxt::{
	dynamic::Value,
	rpcs::{rpc_params, RpcClient},
	utils::AccountId32,
	OnlineClient, SubstrateConfig,
};
use subxt_signer::sr25519::Keypair;

/// A subxt client.
pub type Api = OnlineClient<SubstrateConfig>;

/// Serialises signing and submission within the process (see [`Chain::submit`]).
static SIGNING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The nonces this process signed with lately (see [`RecentNonces`]).
static LAST_NONCES: tokio::sync::Mutex<RecentNonces> =
	tokio::sync::Mutex::const_new(RecentNonces(Vec::new()));

/// How many blocks after its checkpoint (the finalized block at signing) a transaction stays
/// valid.
const MORTALITY: u64 = 64;

/// How far finality may lag behind the best block before transactions are made mortal from the
/// best block instead of the finalized one (a stalled finality would otherwise make every
/// transaction expire before it is signed).
const MAX_FINALITY_LAG: u64 = 16;

/// The block a transaction's era starts from, given the best and the finalized block (number,
/// hash): the finalized block, which no re-org can take away (under BABE a best block can be
/// re-orged away, and a transaction whose era names a block off the chain that stays is
/// invalid), unless finality lags more than [`MAX_FINALITY_LAG`] blocks behind.
fn mortality_checkpoint(best: (u64, BlockHash), finalized: (u64, BlockHash)) -> (u64, BlockHash) {
	if best.0.saturating_sub(finalized.0) > MAX_FINALITY_LAG {
		best
	} else {
		finalized
	}
}

/// How long a nonce this process used counts against the pool's answer.
const NONCE_MEMORY: Duration = Duration::from_secs(12);

/// The last nonce used per key, and when. The node's `system_accountNextIndex` can answer
/// before it counts a transaction submitted a moment earlier; the next nonce is then the
/// larger of its answer and the last one used plus one, while that use is recent (a
/// transaction that never made it cannot hold later ones back for longer).
struct RecentNonces(Vec<(AccountId32, u64, std::time::Instant)>);

impl RecentNonces {
	/// The nonce to sign with, given the pool's answer; recorded as used.
	fn next(&mut self, account: &AccountId32, pool_nonce: u64) -> u64 {
		let now = std::time::Instant::now();
		self.0.retain(|(_, _, at)| now.duration_since(*at) < NONCE_MEMORY);
		let recent = self.0.iter().find(|(a, _, _)| a == account).map(|(_, n, _)| n + 1);
		let nonce = recent.map_or(pool_nonce, |recent| recent.max(pool_nonce));
		self.0.retain(|(a, _, _)| a != account);
		self.0.push((*account, nonce, now));
		nonce
	}

	/// Forgets `nonce` of `account` if it is the last one handed out: its transaction was
	/// refused without taking it, so the next signing takes it again rather than leaving a gap
	/// the pool would hold every later transaction of the account behind.
	fn release(&mut self, account: &AccountId32, nonce: u64) {
		self.0.retain(|(a, n, _)| !(a == account && *n == nonce));
	}
}

/// A connection to a node: subxt for extrinsics and storage, and the same jsonrpsee client
/// for the node's typed `subnets_*` / `inference_*` methods ([`inferchain_rpc_api`]).
#[derive(Clone)]
pub struct Chain {
	/// subxt's client.
	pub api: Api,
	rpc: RpcClient,
	/// The connection under both, for the generated `SubnetsApiClient` / `InferenceApiClient`.
	client: Arc<WsClient>,
}

/// Block hashes as the typed RPC methods take them.
pub type BlockHash = subxt::utils::H256;

/// An event of a submitted extrinsic.
#[derive(Clone, Debug)]
pub struct EventInfo {
	/// `Pallet.Event`.
	pub name: String,
	/// Its fields, decoded with the chain's metadata.
	pub fields: Value,
}

impl Chain {
	/// Connects to `url` once.
	pub async fn connect(url: &str) -> anyhow::Result<Self> {
		let client = WsClientBuilder::default()
			.max_buffer_capacity_per_subscription(4096)
			.build(url)
			.await
			.with_context(|| format!("connecting to {url}"))?;
		let client = Arc::new(client);
		let rpc = RpcClient::new(client.clone());
		let api =
			Api::from_rpc_client(rpc.clone()).await.context("reading the chain's metadata")?;
		Ok(Self { api, rpc, client })
	}

	/// Connects to `url`, retrying with backoff (1 s doubling to 30 s) until it succeeds.
	pub async fn connect_retrying(url: &str) -> Self {
		let mut wait = Duration::from_secs(1);
		loop {
			match Self::connect(url).await {
				Ok(chain) => return chain,
				Err(err) => {
					tracing::warn!("chain unreachable ({err:#}); retrying in {wait:?}");
					tokio::time::sleep(wait).await;
					wait = (wait * 2).min(Duration::from_secs(30));
				},
			}
		}
	}

	/// The node's typed methods: `SubnetsApiClient` and `InferenceApiClient` calls at the best
	/// block (`at: None`).
	pub fn typed(&self) -> &WsClient {
		&self.client
	}

	/// The subnet, or `None` if there is none with this netuid.
	pub async fn subnet(&self, netuid: NetUid) -> anyhow::Result<Option<SubnetJson>> {
		SubnetsApiClient::<BlockHash>::get_subnet(self.typed(), netuid, None)
			.await
			.context("subnets_getSubnet")
	}

	/// The subnet's neurons (empty if there is no such subnet).
	pub async fn neurons(&self, netuid: NetUid) -> anyhow::Result<Vec<NeuronJson>> {
		let neurons = SubnetsApiClient::<BlockHash>::get_neurons(self.typed(), netuid, None)
			.await
			.context("subnets_getNeurons")?;
		Ok(neurons.unwrap_or_default())
	}

	/// The neuron of `hotkey` on `netuid`, if registered.
	pub async fn neuron_of(
		&self,
		netuid: NetUid,
		hotkey: &Keypair,
	) -> anyhow::Result<Option<NeuronJson>> {
		let address = crate::keys::address(hotkey);
		Ok(self.neurons(netuid).await?.into_iter().find(|n| n.hotkey == address))
	}

	/// The latest finalized block number.
	pub async fn finalized_number(&self) -> anyhow::Result<u32> {
		let at = self.api.at_current_block().await?;
		u32::try_from(at.block_number()).map_err(|_| anyhow!("block number overflows u32"))
	}

	/// The finalized head's number and hash (two cheap RPC calls, no runtime or metadata).
	async fn finalized_head(&self) -> anyhow::Result<(u64, BlockHash)> {
		let hash: BlockHash = self
			.rpc
			.request("chain_getFinalizedHead", rpc_params![])
			.await
			.context("chain_getFinalizedHead")?;
		let header: serde_json::Value = self
			.rpc
			.request("chain_getHeader", rpc_params![hash])
			.await
			.context("chain_getHeader")?;
		let number = header["number"].as_str().unwrap_or_default().trim_start_matches("0x");
		let number = u64::from_str_radix(number, 16)
			.map_err(|_| anyhow!("bad finalized header: {header}"))?;
		Ok((number, hash))
	}

	/// The latest best block number (deadlines count these; finality may lag behind).
	pub async fn best_number(&self) -> anyhow::Result<u32> {
		let header: serde_json::Value =
			self.rpc.request("chain_getHeader", rpc_params![]).await.context("chain_getHeader")?;
		let number = header["number"].as_str().unwrap_or_default().trim_start_matches("0x");
		u32::from_str_radix(number, 16).map_err(|_| anyhow!("bad best header: {header}"))
	}

	/// Signs `call` (see [`crate::calls`]) with `signer`, waits until it is finalized and
	/// succeeded, and returns the events it emitted. A transaction the pool refuses before
	/// admitting it (a nonce taken by another process signing with the same key) is signed
	/// again, up to 5 times.
	pub async fn submit(&self, signer: &Keypair, call: Call) -> anyhow::Result<Vec<EventInfo>> {
		self.submit_waiting(Wait::Finalized, signer, call).await
	}

	/// [`Self::submit`], returning once the transaction succeeded in a best block: for work
	/// with deadlines (results, verdicts), which must not wait for finality.
	pub async fn submit_in_best_block(
		&self,
		signer: &Keypair,
		call: Call,
	) -> anyhow::Result<Vec<EventInfo>> {
		self.submit_waiting(Wait::BestBlock, signer, call).await
	}

	async fn submit_waiting(
		&self,
		wait: Wait,
		signer: &Keypair,
		call: Call,
	) -> anyhow::Result<Vec<EventInfo>> {
		let mut attempt = 1u32;
		loop {
			match self.submit_once(wait, signer, call.clone()).await {
				Err(err) if attempt < 5 && refused_by_pool(&err) => {
					tracing::debug!(
						"{} refused by the pool ({err:#}); signing again",
						call.label()
					);
					tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt))).await;
					attempt += 1;
				},
				result => return result,
			}
		}
	}

	async fn submit_once(
		&self,
		wait: Wait,
		signer: &Keypair,
		call: Call,
	) -> anyhow::Result<Vec<EventInfo>> {
		let label = call.label();
		let payload = subxt::dynamic::tx(call.pallet, call.name, call.args);
		// One signing at a time in this process: concurrent tasks signing with one key would
		// take the same nonce. The lock is held until the pool has the transaction (the pool's
		// next nonce then counts it), not until it is finalized.
		let account = AccountId32(signer.public_key().0);
		let (progress, nonce) = {
			let _signing = SIGNING.lock().await;
			// The pool-aware nonce (subxt's default reads the chain's, which misses transactions
			// of this key still in the pool).
			let pool_nonce: u64 = self
				.rpc
				.request("system_accountNextIndex", rpc_params![account.to_string()])
				.await
				.context("reading the account's next nonce")?;
			let nonce = LAST_NONCES.lock().await.next(&account, pool_nonce);
			tracing::debug!(%account, nonce, "signing {label}");
			// Signed at the best block, the one the pool validates against: its runtime's
			// version goes into the signed payload. (subxt's current block is the finalized
			// one, which still has the old runtime for a block or two after an upgrade: a
			// transaction signed for it then has a bad signature, and a result or verdict would
			// miss its deadline.)
			let best: BlockHash = self
				.rpc
				.request("chain_getBlockHash", rpc_params![])
				.await
				.context("reading the best block")?;
			let blocks = async {
				let finalized = self.finalized_head().await?;
				let at = self.api.at_block(best).await?;
				anyhow::Ok((finalized, at))
			};
			let (finalized, at) = match blocks.await {
				Ok(blocks) => blocks,
				Err(error) => {
					LAST_NONCES.lock().await.release(&account, nonce);
					return Err(error);
				},
			};
			let (from_number, from_hash) =
				mortality_checkpoint((at.block_number(), at.block_hash()), finalized);
			let params = subxt::config::SubstrateExtrinsicParamsBuilder::<SubstrateConfig>::new()
				.nonce(nonce)
				.mortal_from_unchecked(MORTALITY, from_number, from_hash)
				.build();
			let submitted = at
				.transactions()
				.sign_and_submit_then_watch(&payload, signer, params)
				.await
				.with_context(|| format!("submitting {label}"));
			match submitted {
				Ok(progress) => (progress, nonce),
				Err(error) => {
					LAST_NONCES.lock().await.release(&account, nonce);
					return Err(error);
				},
			}
		};
		let events = match wait {
			Wait::Finalized => progress.wait_for_finalized_success().await.map_err(Into::into),
			Wait::BestBlock => in_best_block(progress).await,
		}
		.with_context(|| label.clone());
		let events = match events {
			Ok(events) => events,
			Err(error) => {
				// Dropped or invalid after admission: its nonce is free again.
				if refused_by_pool(&error) {
					LAST_NONCES.lock().await.release(&account, nonce);
				}
				return Err(error);
			},
		};
		let mut found = Vec::new();
		for event in events.iter() {
			let event = event?;
			found.push(EventInfo {
				name: format!("{}.{}", event.pallet_name(), event.event_name()),
				fields: event.decode_fields_unchecked_as::<Value>()?,
			});
		}
		Ok(found)
	}

	/// Registers `hotkey` on `netuid` (the coldkey pays the burn) unless it already holds a
	/// UID there; returns its UID.
	pub async fn ensure_registered(
		&self,
		netuid: NetUid,
		coldkey: &Keypair,
		hotkey: &Keypair,
		max_burn: u128,
	) -> anyhow::Result<u16> {
		if let Some(neuron) = self.neuron_of(netuid, hotkey).await? {
			return Ok(neuron.uid);
		}
		self.submit(coldkey, calls::register_neuron(netuid, hotkey.public_key().0, max_burn))
			.await?;
		let neuron = self
			.neuron_of(netuid, hotkey)
			.await?
			.ok_or_else(|| anyhow!("registered, yet the hotkey holds no UID"))?;
		tracing::info!(uid = neuron.uid, %netuid, "hotkey registered");
		Ok(neuron.uid)
	}
}

impl Chain {
	/// Tops the stake `coldkey` backs `hotkey` with on `netuid` up to `amount` (planck).
	/// Free balance of `account` (`System.Account`'s `data.free`; zero for an unknown account).
	pub async fn free_balance(&self, account: &AccountId32) -> anyhow::Result<u128> {
		let mut key = sp_crypto_hashing::twox_128(b"System").to_vec();
		key.extend(sp_crypto_hashing::twox_128(b"Account"));
		key.extend(sp_crypto_hashing::blake2_128(&account.0));
		key.extend(account.0);
		let raw: Option<String> = self
			.rpc
			.request("state_getStorage", rpc_params![format!("0x{}", hex::encode(&key))])
			.await
			.context("reading an account's balance")?;
		let Some(raw) = raw else { return Ok(0) };
		let bytes = hex::decode(raw.trim_start_matches("0x"))?;
		// AccountInfo: nonce, consumers, providers, sufficients (u32 each), then data.free.
		let free = bytes.get(16..32).ok_or_else(|| anyhow!("System.Account is too short"))?;
		Ok(u128::from_le_bytes(free.try_into()?))
	}

	/// Tops the hotkey's free balance up to `amount` from the coldkey (`Balances.
	/// transfer_keep_alive`), so a fresh hotkey can pay its own transaction fees. Fails, saying
	/// what to transfer, if the coldkey cannot pay it.
	pub async fn ensure_funded(
		&self,
		coldkey: &Keypair,
		hotkey: &Keypair,
		amount: u128,
	) -> anyhow::Result<()> {
		let account = AccountId32(hotkey.public_key().0);
		let free = self.free_balance(&account).await?;
		if free >= amount {
			return Ok(());
		}
		let missing = amount.saturating_sub(free);
		let transfer = calls::transfer_keep_alive(hotkey.public_key().0, missing);
		self.submit(coldkey, transfer).await.with_context(|| {
			format!(
				"funding hotkey {account} with {missing} planck from the coldkey for its \
				 transaction fees: transfer at least that to the hotkey, or to the coldkey"
			)
		})?;
		tracing::info!(%account, amount = missing, "hotkey funded from the coldkey");
		Ok(())
	}

	/// Declares the hotkey a validator on `netuid` (`Subnets.set_neuron_role`, signed by the
	/// coldkey) unless it is one already: only validators get permits and review panels.
	pub async fn ensure_validator_role(
		&self,
		netuid: NetUid,
		coldkey: &Keypair,
		hotkey: &Keypair,
	) -> anyhow::Result<()> {
		let neuron = self
			.neuron_of(netuid, hotkey)
			.await?
			.ok_or_else(|| anyhow!("hotkey not registered"))?;
		if neuron.role == NeuronRole::Validator {
			return Ok(());
		}
		self.submit(coldkey, calls::declare_validator(netuid, hotkey.public_key().0)).await?;
		tracing::info!(%netuid, "declared a validator");
		Ok(())
	}

	/// Declares (signed by `hotkey`) that it runs `model_id` on `netuid`, so the chain assigns
	/// it only that model's requests and reviews (see `Inference.declare_model`).
	pub async fn declare_model(
		&self,
		netuid: NetUid,
		hotkey: &Keypair,
		model_id: &[u8; 32],
	) -> anyhow::Result<()> {
		self.submit(hotkey, calls::declare_model(netuid, *model_id)).await?;
		tracing::info!(%netuid, model_id = %format!("0x{}", hex::encode(model_id)), "declared the model it runs");
		Ok(())
	}

	pub async fn ensure_stake(
		&self,
		netuid: NetUid,
		coldkey: &Keypair,
		hotkey: &Keypair,
		amount: u128,
	) -> anyhow::Result<()> {
		let neuron = self
			.neuron_of(netuid, hotkey)
			.await?
			.ok_or_else(|| anyhow!("hotkey not registered"))?;
		let current = neuron.stake;
		if current >= amount {
			return Ok(());
		}
		let top_up = amount.saturating_sub(current);
		self.submit(coldkey, calls::add_stake(hotkey.public_key().0, netuid, top_up)).await?;
		tracing::info!(%netuid, stake = amount, "stake topped up");
		Ok(())
	}
}

/// How long a submission waits.
#[derive(Clone, Copy)]
enum Wait {
	/// Until the transaction succeeded in a best block.
	BestBlock,
	/// Until it succeeded in a finalized block.
	Finalized,
}

/// Waits until a transaction is in a best (or already finalized) block and returns its events
/// if it succeeded.
async fn in_best_block<C>(
	mut progress: subxt::transactions::TransactionProgress<SubstrateConfig, C>,
) -> anyhow::Result<subxt::extrinsics::ExtrinsicEvents<SubstrateConfig>>
where
	C: subxt::client::OnlineClientAtBlockT<SubstrateConfig> + Clone,
{
	use subxt::transactions::TransactionStatus;
	while let Some(status) = progress.next().await {
		match status? {
			TransactionStatus::InBestBlock(block) | TransactionStatus::InFinalizedBlock(block) => {
				return Ok(block.wait_for_success().await?);
			},
			TransactionStatus::Error { message } => anyhow::bail!("transaction error: {message}"),
			TransactionStatus::Invalid { message } => {
				anyhow::bail!("The transaction is not valid: {message}")
			},
			TransactionStatus::Dropped { message } => {
				anyhow::bail!("The transaction was dropped: {message}")
			},
			_ => {},
		}
	}
	anyhow::bail!("the transaction's status stream ended before it was in a block")
}

/// Whether the pool refused a transaction, or dropped it for another with its nonce, without
/// applying it (so signing it again with a fresh nonce cannot apply it twice).
fn refused_by_pool(err: &anyhow::Error) -> bool {
	let text = format!("{err:#}");
	[
		"priority of the transaction is too low",
		"Transaction is outdated",
		"Invalid Transaction (1010)",
		"rendered invalid by another extrinsic",
		// Signed for the runtime of a best block that a runtime upgrade has just replaced.
		"bad signature",
	]
	.iter()
	.any(|needle| text.contains(needle))
}

/// The 32 bytes of an SS58 address.
pub fn account_bytes(ss58: &str) -> anyhow::Result<[u8; 32]> {
	let account: AccountId32 = ss58.parse().map_err(|e| anyhow!("`{ss58}`: {e:?}"))?;
	Ok(account.0)
}

/// Parses a `0x`-prefixed 32-byte hex string.
pub fn hash_from_hex(text: &str) -> anyhow::Result<[u8; 32]> {
	let bytes = hex::decode(text.trim_start_matches("0x"))?;
	bytes.try_into().map_err(|_| anyhow!("`{text}` is not 32 bytes"))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn eras_start_at_the_finalized_block_unless_finality_stalls() {
		let (best, finalized) = (BlockHash::repeat_byte(1), BlockHash::repeat_byte(2));
		assert_eq!(mortality_checkpoint((103, best), (100, finalized)), (100, finalized));
		assert_eq!(mortality_checkpoint((116, best), (100, finalized)), (100, finalized));
		assert_eq!(mortality_checkpoint((117, best), (100, finalized)), (117, best));
		// Finality read after a newer best block: still the finalized one.
		assert_eq!(mortality_checkpoint((99, best), (100, finalized)), (100, finalized));
	}

	#[test]
	fn nonces_follow_the_pool_or_the_last_one_used() {
		let mut nonces = RecentNonces(Vec::new());
		let (alice, bob) = (AccountId32([1; 32]), AccountId32([2; 32]));
		assert_eq!(nonces.next(&alice, 5), 5);
		// The pool has not counted nonce 5 yet.
		assert_eq!(nonces.next(&alice, 5), 6);
		// The pool is ahead.
		assert_eq!(nonces.next(&alice, 9), 9);
		assert_eq!(nonces.next(&bob, 0), 0);
		assert_eq!(nonces.next(&alice, 0), 10);
		// Nonce 10 was refused before the pool took it: it is handed out again.
		nonces.release(&alice, 10);
		assert_eq!(nonces.next(&alice, 10), 10);
		// Releasing a nonce that is not the last one handed out changes nothing.
		nonces.release(&alice, 3);
		assert_eq!(nonces.next(&alice, 10), 11);
	}

	#[test]
	fn hex_and_ss58_parse() {
		assert_eq!(hash_from_hex(&format!("0x{}", "ab".repeat(32))).unwrap(), [0xab; 32]);
		assert!(hash_from_hex("0x1234").is_err());
		let alice = account_bytes("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY").unwrap();
		assert_eq!(
			hex::encode(alice),
			"d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
		);
		assert!(account_bytes("not-an-address").is_err());
	}
}
