//! Dev-only block sealing (`--sealing instant|manual`): manual seal authors BABE blocks with a
//! current authority's key from the keystore (Alice's under `--dev`), and GRANDPA does not vote.
//!
//! Invariants:
//! - Sealed blocks go through BABE's block import (around GRANDPA's), so epoch changes are
//!   tracked exactly as for authored blocks.
//! - Each sealed block is one slot after the last, on a [`DevClock`] that runs ahead of the wall
//!   clock whenever blocks come faster than one a slot; BABE's import therefore checks a sealed
//!   block's timestamp against that clock, not the system time.
//! - Sealed blocks carry BABE's pre-digest but no seal signature, so the import queue verifies
//!   blocks with manual seal's BABE verifier rather than BABE's own.

use crate::service::{FullBabeBlockImport, FullClient, FullPool, FullSelectChain};
use futures::{channel::mpsc, future::BoxFuture, FutureExt, StreamExt};
use inferchain_runtime::opaque::Block;
use sc_client_api::BlockchainEvents;
use sc_consensus::{BasicQueue, BlockImportParams, DefaultImportQueue};
use sc_consensus_babe::BabeLink;
use sc_consensus_manual_seal::{
	consensus::{
		babe::{BabeConsensusDataProvider, BabeVerifier},
		timestamp::SlotTimestampProvider,
	},
	ConsensusDataProvider, EngineCommand, Error as SealError,
};
use sc_service::{error::Error as ServiceError, KeystoreContainer, SpawnEssentialTaskHandle};
use sc_transaction_pool_api::TransactionPool;
use sp_api::{ProvideRuntimeApi, StorageProof};
use sp_consensus_babe::{
	inherents::{
		BabeCreateInherentDataProviders, BabeInherentData, InherentDataProvider as BabeSlotProvider,
	},
	AuthorityId, AuthorityPair, BabeApi, BabeAuthorityWeight, Slot, SlotDuration,
};
use sp_inherents::{InherentData, InherentDataProvider};
use sp_runtime::{traits::Block as BlockT, Digest};
use sp_timestamp::{Timestamp, TimestampInherentData};
use std::sync::Arc;

type Header = <Block as BlockT>::Header;

/// The dev-sealing clock, shared by every sealed block: each reading advances it one slot.
#[derive(Clone)]
pub struct DevClock(Arc<SlotTimestampProvider>);

impl DevClock {
	/// Starts one slot after the best block's, or at the system time on a fresh chain.
	pub fn new(client: Arc<FullClient>) -> Result<Self, ServiceError> {
		SlotTimestampProvider::new_babe(client)
			.map(|clock| Self(Arc::new(clock)))
			.map_err(|e| ServiceError::Other(format!("dev sealing clock: {e}")))
	}

	/// Slot and timestamp inherent data for BABE's import checks, read without advancing the
	/// clock. After sealing, the clock stands one slot past the sealed block, so the runtime's
	/// "timestamp not too far in the future" check holds however fast blocks are sealed; it is
	/// never behind the system time either, for blocks this node did not seal.
	pub fn import_inherents(
		&self,
		slot_duration: SlotDuration,
	) -> BabeCreateInherentDataProviders<Block> {
		let clock = self.0.clone();
		Arc::new(move |_, ()| {
			let now = clock.timestamp().max(Timestamp::current());
			async move {
				let slot = BabeSlotProvider::from_timestamp_and_slot_duration(now, slot_duration);
				Ok((slot, sp_timestamp::InherentDataProvider::new(now)))
			}
		}) as BabeCreateInherentDataProviders<Block>
	}
}

#[async_trait::async_trait]
impl InherentDataProvider for DevClock {
	async fn provide_inherent_data(
		&self,
		inherent_data: &mut InherentData,
	) -> Result<(), sp_inherents::Error> {
		self.0.provide_inherent_data(inherent_data).await
	}

	async fn try_handle_error(
		&self,
		identifier: &sp_inherents::InherentIdentifier,
		error: &[u8],
	) -> Option<Result<(), sp_inherents::Error>> {
		self.0.try_handle_error(identifier, error).await
	}
}

/// The import queue for a dev-sealing node: manual seal's BABE verifier (no seal signature to
/// check, epoch looked up for BABE's import) in front of BABE's block import.
pub fn import_queue(
	client: Arc<FullClient>,
	babe_link: &BabeLink<Block>,
	block_import: FullBabeBlockImport,
	spawner: &SpawnEssentialTaskHandle,
	registry: Option<&substrate_prometheus_endpoint::Registry>,
) -> DefaultImportQueue<Block> {
	let verifier = BabeVerifier::new(babe_link.epoch_changes().clone(), client);
	BasicQueue::new(verifier, Box::new(block_import), None, spawner, registry)
}

/// What dev sealing is built from.
pub struct DevSealParams<'a> {
	/// Seal (and finalize) a block per imported transaction, and again while ready transactions
	/// remain after a block; otherwise seal on `engine_*` calls.
	pub instant: bool,
	/// The clock `new_partial` gave BABE's import.
	pub clock: DevClock,
	/// The client.
	pub client: Arc<FullClient>,
	/// The transaction pool blocks are filled from.
	pub pool: Arc<FullPool>,
	/// Picks the parent when a command names none.
	pub select_chain: FullSelectChain,
	/// BABE's block import, which sealed blocks go through.
	pub block_import: FullBabeBlockImport,
	/// BABE's epoch changes and configuration.
	pub babe_link: BabeLink<Block>,
	/// Holds the key blocks are authored with.
	pub keystore: &'a KeystoreContainer,
	/// Builds block bodies.
	pub proposer_factory: sc_basic_authorship::ProposerFactory<FullPool, FullClient>,
	/// `engine_*` RPC commands (unused with `instant`).
	pub commands: mpsc::Receiver<EngineCommand<<Block as BlockT>::Hash>>,
}

/// Builds the sealing task, for the caller to spawn as an essential task.
///
/// Errors if the keystore holds no key of the current BABE epoch's authorities.
pub fn authorship(params: DevSealParams<'_>) -> Result<BoxFuture<'static, ()>, ServiceError> {
	let DevSealParams {
		instant,
		clock,
		client,
		pool,
		select_chain,
		block_import,
		babe_link,
		keystore,
		proposer_factory,
		commands,
	} = params;

	let authorities = local_authorities(&client, keystore)?;
	let babe_digests = BabeConsensusDataProvider::new(
		client.clone(),
		keystore.keystore(),
		babe_link.epoch_changes().clone(),
		authorities,
	)
	.map_err(|e| ServiceError::Other(format!("dev sealing: {e}")))?;
	let slot_duration = babe_link.config().slot_duration();
	let consensus_data_provider = SlotFromTimestamp { inner: babe_digests, slot_duration };

	// Only the timestamp; `SlotFromTimestamp` says why.
	let create_inherent_data_providers = move |_, ()| {
		let clock = clock.clone();
		async move { Ok(clock) }
	};

	let (commands, driver): (CommandStream, BoxFuture<'static, ()>) = if instant {
		let (to_seal, sealing) = mpsc::unbounded();
		(Box::pin(sealing), instant_driver(client.clone(), pool.clone(), to_seal))
	} else {
		(Box::pin(commands), futures::future::pending().boxed())
	};
	let sealing =
		sc_consensus_manual_seal::run_manual_seal(sc_consensus_manual_seal::ManualSealParams {
			block_import,
			env: proposer_factory,
			client,
			pool,
			commands_stream: commands,
			select_chain,
			consensus_data_provider: Some(Box::new(consensus_data_provider)),
			create_inherent_data_providers,
		});
	Ok(futures::future::select(sealing.boxed(), driver).map(|_| ()).boxed())
}

/// Drives instant sealing: a block (finalized at once) when a transaction enters the pool, and
/// again after a block that left ready transactions behind. A session change's block is full
/// (pallet-session charges the whole block for it), so it holds no transaction and manual seal
/// refuses it as empty; when that happens with transactions ready, the block is sealed empty,
/// and the next one takes them. (Without this, a transaction that arrived for a session change
/// waited for another transaction to arrive, forever in a test.)
fn instant_driver(
	client: Arc<FullClient>,
	pool: Arc<FullPool>,
	to_seal: mpsc::UnboundedSender<EngineCommand<<Block as BlockT>::Hash>>,
) -> BoxFuture<'static, ()> {
	let arrivals = pool.import_notification_stream().map(|_| ());
	let ready_pool = pool.clone();
	let leftovers = client
		.import_notification_stream()
		.then(move |block| {
			let pool = ready_pool.clone();
			async move { pool.ready_at(block.hash).await }
		})
		.filter_map(|mut ready| async move { ready.next().map(|_| ()) });
	let seal = move |create_empty: bool| {
		let (sender, result) = futures::channel::oneshot::channel();
		let command = EngineCommand::SealNewBlock {
			create_empty,
			finalize: true,
			parent_hash: None,
			sender: Some(sender),
		};
		(command, result)
	};
	futures::stream::select(arrivals, leftovers)
		.for_each(move |()| {
			let (to_seal, pool) = (to_seal.clone(), pool.clone());
			async move {
				let (command, result) = seal(false);
				if to_seal.unbounded_send(command).is_err() {
					return;
				}
				let refused = !matches!(result.await, Ok(Ok(_)));
				if refused && pool.status().ready > 0 {
					let (command, result) = seal(true);
					if to_seal.unbounded_send(command).is_ok() {
						let _ = result.await;
					}
				}
			}
		})
		.boxed()
}

/// The sealing commands manual seal follows.
type CommandStream =
	std::pin::Pin<Box<dyn futures::Stream<Item = EngineCommand<<Block as BlockT>::Hash>> + Send>>;

/// The current epoch's BABE authorities whose keys the keystore holds.
fn local_authorities(
	client: &FullClient,
	keystore: &KeystoreContainer,
) -> Result<Vec<(AuthorityId, BabeAuthorityWeight)>, ServiceError> {
	let best = client.chain_info().best_hash;
	let epoch = client
		.runtime_api()
		.current_epoch(best)
		.map_err(|e| ServiceError::Other(format!("reading the current BABE epoch: {e}")))?;
	let keystore = keystore.local_keystore();
	let ours: Vec<_> = epoch
		.authorities
		.into_iter()
		.filter(|(id, _)| matches!(keystore.key_pair::<AuthorityPair>(id), Ok(Some(_))))
		.collect();
	if ours.is_empty() {
		return Err(ServiceError::Other(
			"dev sealing needs the BABE key of a current authority in the keystore (`--dev` \
			 inserts Alice's)"
				.into(),
		));
	}
	Ok(ours)
}

/// BABE digests for sealed blocks, with the slot derived from the timestamp inherent.
///
/// Manual seal counts inherent *data* entries as the block's inherent extrinsics, and only the
/// timestamp entry becomes one (BABE has no inherent extrinsic): a BABE slot entry beside it
/// would make every one-transaction block look empty to instant sealing. So the sealing
/// inherent data holds only the timestamp, and this wrapper adds the slot that BABE's digest
/// provider reads, computed as the runtime computes it (timestamp / slot duration).
struct SlotFromTimestamp {
	inner: BabeConsensusDataProvider<Block, FullClient>,
	slot_duration: SlotDuration,
}

impl SlotFromTimestamp {
	fn with_slot(&self, inherents: &InherentData) -> Result<InherentData, SealError> {
		let timestamp = inherents
			.timestamp_inherent_data()?
			.ok_or_else(|| SealError::StringError("no timestamp inherent data".into()))?;
		let mut inherents = inherents.clone();
		inherents.babe_replace_inherent_data(Slot::from_timestamp(timestamp, self.slot_duration));
		Ok(inherents)
	}
}

impl ConsensusDataProvider<Block> for SlotFromTimestamp {
	fn create_digest(
		&self,
		parent: &Header,
		inherents: &InherentData,
	) -> Result<Digest, SealError> {
		self.inner.create_digest(parent, &self.with_slot(inherents)?)
	}

	fn append_block_import(
		&self,
		parent: &Header,
		params: &mut BlockImportParams<Block>,
		inherents: &InherentData,
		proof: StorageProof,
	) -> Result<(), SealError> {
		self.inner.append_block_import(parent, params, &self.with_slot(inherents)?, proof)
	}
}
