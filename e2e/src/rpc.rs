//! A thin typed layer over a node's JSON-RPC (jsonrpsee WebSocket client).

use std::time::Duration;

use anyhow::Context;
use codec::Decode;
use inferchain_rpc_api::{
	InferenceApiClient, ModelJson, NetUid, NeuronJson, RequestId, RequestJson, ResultJson,
	StatsJson, SubnetJson, SubnetsApiClient,
};
use inferchain_runtime::{AccountId, Hash, RuntimeEvent};
use jsonrpsee::{
	core::client::{ClientT, SubscriptionClientT},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use serde_json::Value;
use sp_core::crypto::Ss58Codec;
use sp_io::hashing::twox_128;

/// An event as stored in `System::Events`.
pub type EventRecord = frame_system::EventRecord<RuntimeEvent, Hash>;

/// A connected RPC client of one node.
pub struct Client {
	inner: WsClient,
}

fn hex_bytes(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

fn parse_hash(value: &Value) -> anyhow::Result<Hash> {
	let text = value.as_str().context("expected a hex string")?;
	let bytes = hex::decode(text.trim_start_matches("0x"))?;
	anyhow::ensure!(bytes.len() == 32, "a hash is 32 bytes, got {}", bytes.len());
	Ok(Hash::from_slice(&bytes))
}

fn parse_number(value: &Value) -> anyhow::Result<u32> {
	let text = value.as_str().context("expected a hex number")?;
	Ok(u32::from_str_radix(text.trim_start_matches("0x"), 16)?)
}

impl Client {
	/// Connects to `url` (`ws://…`).
	pub async fn connect(url: &str) -> anyhow::Result<Self> {
		let inner =
			WsClientBuilder::default().request_timeout(Duration::from_secs(60)).build(url).await?;
		// The node accepts connections a moment before its RPC is fully up.
		let _: Value = inner.request("system_health", rpc_params![]).await?;
		Ok(Self { inner })
	}

	/// Any RPC call, for methods without a helper.
	pub async fn call(&self, method: &str, params: Vec<Value>) -> anyhow::Result<Value> {
		let mut builder = jsonrpsee::core::params::ArrayParams::new();
		for param in params {
			builder.insert(param)?;
		}
		Ok(self.inner.request(method, builder).await?)
	}

	/// The connection, for the generated `SubnetsApiClient` / `InferenceApiClient` calls of
	/// [`inferchain_rpc_api`] (the helpers below).
	pub fn typed(&self) -> &WsClient {
		&self.inner
	}

	/// Subnet `netuid` (`subnets_getSubnet`) at `at`, else the best block.
	pub async fn subnet(
		&self,
		netuid: u16,
		at: Option<Hash>,
	) -> anyhow::Result<Option<SubnetJson>> {
		Ok(self.typed().get_subnet(NetUid(netuid), at).await?)
	}

	/// The neurons of `netuid` (`subnets_getNeurons`) at `at`, else the best block; empty if
	/// there is no such subnet.
	pub async fn neurons(&self, netuid: u16, at: Option<Hash>) -> anyhow::Result<Vec<NeuronJson>> {
		Ok(self.typed().get_neurons(NetUid(netuid), at).await?.unwrap_or_default())
	}

	/// Request `id` (`inference_getRequest`) at the best block.
	pub async fn request(&self, id: u64) -> anyhow::Result<Option<RequestJson>> {
		Ok(InferenceApiClient::<Hash>::get_request(self.typed(), RequestId(id), None).await?)
	}

	/// The result of request `id` (`inference_getResult`) at the best block.
	pub async fn result(&self, id: u64) -> anyhow::Result<Option<ResultJson>> {
		Ok(InferenceApiClient::<Hash>::get_result(self.typed(), RequestId(id), None).await?)
	}

	/// Every registered model (`inference_listModels`).
	pub async fn models(&self) -> anyhow::Result<Vec<ModelJson>> {
		Ok(InferenceApiClient::<Hash>::list_models(self.typed(), None).await?)
	}

	/// What `hotkey` (SS58) did as a miner on `netuid` (`inference_getMinerStats`).
	pub async fn miner_stats(&self, netuid: u16, hotkey: &str) -> anyhow::Result<StatsJson> {
		let stats = InferenceApiClient::<Hash>::get_miner_stats(
			self.typed(),
			NetUid(netuid),
			hotkey.into(),
			None,
		);
		Ok(stats.await?)
	}

	/// Height of the best block.
	pub async fn best_number(&self) -> anyhow::Result<u32> {
		let header: Value = self.inner.request("chain_getHeader", rpc_params![]).await?;
		parse_number(&header["number"])
	}

	/// Hash of the last finalized block.
	pub async fn finalized_hash(&self) -> anyhow::Result<Hash> {
		let hash: Value = self.inner.request("chain_getFinalizedHead", rpc_params![]).await?;
		parse_hash(&hash)
	}

	/// Height of the last finalized block.
	pub async fn finalized_number(&self) -> anyhow::Result<u32> {
		let hash = self.finalized_hash().await?;
		let header: Value =
			self.inner.request("chain_getHeader", rpc_params![hex_bytes(hash.as_bytes())]).await?;
		parse_number(&header["number"])
	}

	/// Hash of the canonical block at `number`, if known.
	pub async fn block_hash(&self, number: u32) -> anyhow::Result<Option<Hash>> {
		let hash: Value = self.inner.request("chain_getBlockHash", rpc_params![number]).await?;
		if hash.is_null() {
			return Ok(None);
		}
		parse_hash(&hash).map(Some)
	}

	/// Hash of the genesis block.
	pub async fn genesis_hash(&self) -> anyhow::Result<Hash> {
		self.block_hash(0).await?.context("the node has no genesis block")
	}

	/// `(spec_version, transaction_version)` of the runtime at the best block.
	pub async fn runtime_versions(&self) -> anyhow::Result<(u32, u32)> {
		let version: Value = self.inner.request("state_getRuntimeVersion", rpc_params![]).await?;
		let spec = version["specVersion"].as_u64().context("specVersion")?;
		let tx = version["transactionVersion"].as_u64().context("transactionVersion")?;
		Ok((u32::try_from(spec)?, u32::try_from(tx)?))
	}

	/// Next nonce of `account`, counting transactions in the pool.
	pub async fn next_nonce(&self, account: &AccountId) -> anyhow::Result<u32> {
		let nonce: u64 = self
			.inner
			.request("system_accountNextIndex", rpc_params![account.to_ss58check()])
			.await?;
		Ok(u32::try_from(nonce)?)
	}

	/// Chain properties (`tokenSymbol`, `tokenDecimals`, `ss58Format`).
	pub async fn properties(&self) -> anyhow::Result<Value> {
		Ok(self.inner.request("system_properties", rpc_params![]).await?)
	}

	/// Number of connected peers.
	pub async fn peers(&self) -> anyhow::Result<u64> {
		let health: Value = self.inner.request("system_health", rpc_params![]).await?;
		health["peers"].as_u64().context("peers")
	}

	/// `author_submitExtrinsic`: the pool's verdict on an encoded extrinsic.
	pub async fn submit(&self, extrinsic: &[u8]) -> Result<Hash, jsonrpsee::core::client::Error> {
		let hash: Value =
			self.inner.request("author_submitExtrinsic", rpc_params![hex_bytes(extrinsic)]).await?;
		parse_hash(&hash).map_err(|e| jsonrpsee::core::client::Error::Custom(e.to_string()))
	}

	/// Submits and watches an extrinsic until a finalized block holds it; returns that block's
	/// hash. Not the first `inBlock`: with several BABE authors a block that held it can be
	/// re-orged out, and until the best chain holds it again the account's next nonce
	/// (`system_accountNextIndex`) is this one's a second time.
	pub async fn submit_and_wait_finalized(&self, extrinsic: &[u8]) -> anyhow::Result<Hash> {
		let mut subscription = self
			.inner
			.subscribe::<Value, _>(
				"author_submitAndWatchExtrinsic",
				rpc_params![hex_bytes(extrinsic)],
				"author_unwatchExtrinsic",
			)
			.await?;
		let deadline = Duration::from_secs(120);
		loop {
			let status = tokio::time::timeout(deadline, subscription.next())
				.await
				.context("no status update for the extrinsic")?
				.context("the subscription closed")??;
			if let Some(block) = status.get("finalized") {
				return parse_hash(block);
			}
			for failure in ["invalid", "dropped", "usurped", "finalityTimeout"] {
				anyhow::ensure!(
					status.get(failure).is_none() && status.as_str() != Some(failure),
					"extrinsic {failure}: {status}"
				);
			}
		}
	}

	/// `state_getStorage`: the raw value under `key` at block `at` (best block when `None`).
	pub async fn storage(&self, key: &[u8], at: Option<Hash>) -> anyhow::Result<Option<Vec<u8>>> {
		let at = at.map(|hash| hex_bytes(hash.as_bytes()));
		let raw: Value =
			self.inner.request("state_getStorage", rpc_params![hex_bytes(key), at]).await?;
		raw.as_str().map(|text| Ok(hex::decode(text.trim_start_matches("0x"))?)).transpose()
	}

	/// The events emitted in block `at`.
	pub async fn events(&self, at: Hash) -> anyhow::Result<Vec<EventRecord>> {
		let key = [twox_128(b"System"), twox_128(b"Events")].concat();
		let raw: Value = self
			.inner
			.request("state_getStorage", rpc_params![hex_bytes(&key), hex_bytes(at.as_bytes())])
			.await?;
		let Some(text) = raw.as_str() else { return Ok(Vec::new()) };
		let bytes = hex::decode(text.trim_start_matches("0x"))?;
		Ok(Vec::<EventRecord>::decode(&mut &bytes[..])?)
	}
}
