//! Assembles the node: client, ParityDb backend, transaction pool, networking, RPC, and either
//! BABE + GRANDPA or (dev only) instant/manual sealing.
//!
//! Every block, authored, sealed or received, is imported through BABE's block import, which
//! wraps GRANDPA's, which wraps the client: BABE tracks epochs and checks inherents and
//! equivocations, GRANDPA tracks authority-set changes. Dev sealing lives in [`crate::dev_seal`].

use crate::{
	cli::Sealing,
	dev_seal::{DevClock, DevSealParams},
};
use futures::{channel::mpsc, FutureExt};
use inferchain_runtime::{apis::RuntimeApi, opaque::Block};
use sc_client_api::{Backend, BlockBackend};
use sc_consensus_babe::{BabeLink, BabeParams, ImportQueueParams, SlotProportion};
use sc_consensus_grandpa::SharedVoterState;
use sc_consensus_manual_seal::EngineCommand;
use sc_service::{error::Error as ServiceError, Configuration, TaskManager, WarpSyncConfig};
use sc_telemetry::{Telemetry, TelemetryWorker};
use sc_transaction_pool_api::OffchainTransactionPoolFactory;
use sp_consensus_babe::{inherents::BabeCreateInherentDataProviders, SlotDuration};
use std::{sync::Arc, time::Duration};

/// The full client: native node code driving the Wasm runtime.
pub type FullClient = sc_service::TFullClient<
	Block,
	RuntimeApi,
	sc_executor::WasmExecutor<sp_io::SubstrateHostFunctions>,
>;
type FullBackend = sc_service::TFullBackend<Block>;
/// The best chain as the client records it (BABE's import picks the heaviest).
pub type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;
type FullGrandpaBlockImport =
	sc_consensus_grandpa::GrandpaBlockImport<FullBackend, Block, FullClient, FullSelectChain>;
/// BABE's block import around GRANDPA's; its inherent data providers say what "now" is when
/// it checks a block's timestamp.
pub type FullBabeBlockImport = sc_consensus_babe::BabeBlockImport<
	Block,
	FullClient,
	FullGrandpaBlockImport,
	BabeCreateInherentDataProviders<Block>,
	FullSelectChain,
>;
/// The transaction pool.
pub type FullPool = sc_transaction_pool::TransactionPoolHandle<Block, FullClient>;

/// Blocks between GRANDPA justifications that are stored (and served to syncing peers).
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;

/// The consensus parts `new_partial` builds for `new_full`.
pub struct Consensus {
	/// The block import that authoring and dev sealing hand their blocks to.
	pub block_import: FullBabeBlockImport,
	/// BABE's epoch changes and configuration, shared by import, authoring and dev sealing.
	pub babe_link: BabeLink<Block>,
	/// GRANDPA's half of the link between its block import and its voter.
	pub grandpa_link: sc_consensus_grandpa::LinkHalf<Block, FullClient, FullSelectChain>,
	/// The dev-sealing clock: `Some` exactly with `--sealing instant|manual`.
	pub dev_clock: Option<DevClock>,
	/// Telemetry, when endpoints are configured.
	pub telemetry: Option<Telemetry>,
}

/// The parts shared by running the node and by the chain-maintenance subcommands.
pub type Service = sc_service::PartialComponents<
	FullClient,
	FullBackend,
	FullSelectChain,
	sc_consensus::DefaultImportQueue<Block>,
	FullPool,
	Consensus,
>;

/// Builds the client, backend, pool, BABE + GRANDPA block import and the import queue.
///
/// `sealing` picks the import queue and BABE's clock: wall-clock time and BABE's verifier for
/// `babe` (what the subcommands use), the dev clock and manual seal's verifier otherwise, since
/// dev-sealed blocks carry no BABE seal and may run ahead of wall-clock time.
pub fn new_partial(config: &Configuration, sealing: Sealing) -> Result<Service, ServiceError> {
	let telemetry = config
		.telemetry_endpoints
		.clone()
		.filter(|x| !x.is_empty())
		.map(|endpoints| -> Result<_, sc_telemetry::Error> {
			let worker = TelemetryWorker::new(16)?;
			let telemetry = worker.handle().new_telemetry(endpoints);
			Ok((worker, telemetry))
		})
		.transpose()?;

	let executor = sc_service::new_wasm_executor::<sp_io::SubstrateHostFunctions>(&config.executor);
	let (client, backend, keystore_container, mut task_manager) =
		sc_service::new_full_parts::<Block, RuntimeApi, _>(
			config,
			telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
			executor,
			Vec::new(),
		)?;
	let client = Arc::new(client);

	let telemetry = telemetry.map(|(worker, telemetry)| {
		task_manager.spawn_handle().spawn("telemetry", None, worker.run());
		telemetry
	});

	let select_chain = sc_consensus::LongestChain::new(backend.clone());

	let transaction_pool = Arc::from(
		sc_transaction_pool::Builder::new(
			task_manager.spawn_essential_handle(),
			client.clone(),
			config.role.is_authority().into(),
		)
		.with_options(config.transaction_pool.clone())
		.with_prometheus(config.prometheus_registry())
		.build(),
	);

	let (grandpa_block_import, grandpa_link) = sc_consensus_grandpa::block_import(
		client.clone(),
		GRANDPA_JUSTIFICATION_PERIOD,
		&client,
		select_chain.clone(),
		telemetry.as_ref().map(|x| x.handle()),
	)?;
	let justification_import = grandpa_block_import.clone();

	let babe_config = sc_consensus_babe::configuration(&*client)?;
	let slot_duration = babe_config.slot_duration();
	let dev_clock = match sealing {
		Sealing::Babe => None,
		Sealing::Instant | Sealing::Manual => Some(DevClock::new(client.clone())?),
	};
	let import_inherents = match &dev_clock {
		Some(clock) => clock.import_inherents(slot_duration),
		None => wall_clock_inherents(slot_duration),
	};
	let (block_import, babe_link) = sc_consensus_babe::block_import(
		babe_config,
		grandpa_block_import,
		client.clone(),
		import_inherents,
		select_chain.clone(),
		// Equivocations found on import are reported through it.
		OffchainTransactionPoolFactory::new(transaction_pool.clone()),
	)?;

	let import_queue = if dev_clock.is_some() {
		crate::dev_seal::import_queue(
			client.clone(),
			&babe_link,
			block_import.clone(),
			&task_manager.spawn_essential_handle(),
			config.prometheus_registry(),
		)
	} else {
		let (import_queue, babe_worker_handle) =
			sc_consensus_babe::import_queue(ImportQueueParams {
				link: babe_link.clone(),
				block_import: block_import.clone(),
				justification_import: Some(Box::new(justification_import)),
				client: client.clone(),
				slot_duration,
				spawner: &task_manager.spawn_essential_handle(),
				registry: config.prometheus_registry(),
				telemetry: telemetry.as_ref().map(|x| x.handle()),
			})?;
		// The essential "babe-worker" task answers epoch queries until its last handle drops,
		// and an essential task that ends takes the node down. Nothing here queries it (there
		// is no BABE RPC), so the task manager holds the handle for the node's lifetime.
		task_manager.keep_alive(babe_worker_handle);
		import_queue
	};

	Ok(sc_service::PartialComponents {
		client,
		backend,
		task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: Consensus { block_import, babe_link, grandpa_link, dev_clock, telemetry },
	})
}

/// Slot and timestamp inherent data from the system clock: what BABE authors with and what
/// its block import checks blocks against on the production path.
fn wall_clock_inherents(slot_duration: SlotDuration) -> BabeCreateInherentDataProviders<Block> {
	Arc::new(move |_, ()| async move {
		let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
		let slot =
			sp_consensus_babe::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
				*timestamp,
				slot_duration,
			);
		Ok((slot, timestamp))
	}) as BabeCreateInherentDataProviders<Block>
}

/// Builds and starts a full node with the network backend chosen on the command line.
pub fn new_full(config: Configuration, sealing: Sealing) -> Result<TaskManager, ServiceError> {
	match config.network.network_backend {
		sc_network::config::NetworkBackendType::Libp2p => new_full_with::<
			sc_network::NetworkWorker<Block, <Block as sp_runtime::traits::Block>::Hash>,
		>(config, sealing),
		sc_network::config::NetworkBackendType::Litep2p => {
			new_full_with::<sc_network::Litep2pNetworkBackend>(config, sealing)
		},
	}
}

fn new_full_with<
	N: sc_network::NetworkBackend<Block, <Block as sp_runtime::traits::Block>::Hash>,
>(
	config: Configuration,
	sealing: Sealing,
) -> Result<TaskManager, ServiceError> {
	let sc_service::PartialComponents {
		client,
		backend,
		mut task_manager,
		import_queue,
		keystore_container,
		select_chain,
		transaction_pool,
		other: Consensus { block_import, babe_link, grandpa_link, dev_clock, mut telemetry },
	} = new_partial(&config, sealing)?;

	let mut net_config = sc_network::config::FullNetworkConfiguration::<
		Block,
		<Block as sp_runtime::traits::Block>::Hash,
		N,
	>::new(&config.network, config.prometheus_registry().cloned());
	let metrics = N::register_notification_metrics(config.prometheus_registry());

	let peer_store_handle = net_config.peer_store_handle();
	let genesis_hash = client
		.block_hash(0)?
		.ok_or_else(|| ServiceError::Other("the genesis block is missing".into()))?;
	let grandpa_protocol_name =
		sc_consensus_grandpa::protocol_standard_name(&genesis_hash, &config.chain_spec);
	let (grandpa_protocol_config, grandpa_notification_service) =
		sc_consensus_grandpa::grandpa_peers_set_config::<_, N>(
			grandpa_protocol_name.clone(),
			metrics.clone(),
			peer_store_handle,
		);
	net_config.add_notification_protocol(grandpa_protocol_config);

	let warp_sync = Arc::new(sc_consensus_grandpa::warp_proof::NetworkProvider::new(
		backend.clone(),
		grandpa_link.shared_authority_set().clone(),
		Vec::default(),
	));

	let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
		sc_service::build_network(sc_service::BuildNetworkParams {
			config: &config,
			net_config,
			client: client.clone(),
			transaction_pool: transaction_pool.clone(),
			spawn_handle: task_manager.spawn_handle(),
			spawn_essential_handle: task_manager.spawn_essential_handle(),
			import_queue,
			block_announce_validator_builder: None,
			warp_sync_config: Some(WarpSyncConfig::WithProvider(warp_sync)),
			block_relay: None,
			metrics,
			gap_sync_body_policy: None,
		})?;

	if config.offchain_worker.enabled {
		let offchain_workers =
			sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
				runtime_api_provider: client.clone(),
				is_validator: config.role.is_authority(),
				keystore: Some(keystore_container.keystore()),
				offchain_db: backend.offchain_storage(),
				transaction_pool: Some(OffchainTransactionPoolFactory::new(
					transaction_pool.clone(),
				)),
				network_provider: Arc::new(network.clone()),
				enable_http_requests: true,
				custom_extensions: |_| vec![],
			})?;
		task_manager.spawn_handle().spawn(
			"offchain-workers-runner",
			"offchain-worker",
			offchain_workers.run(client.clone(), task_manager.spawn_handle()).boxed(),
		);
	}

	let role = config.role;
	let force_authoring = config.force_authoring;
	let name = config.network.node_name.clone();
	let enable_grandpa = !config.disable_grandpa && sealing == Sealing::Babe;
	let prometheus_registry = config.prometheus_registry().cloned();

	// Manual sealing takes its commands from the `engine_*` RPC methods.
	let (seal_sink, seal_commands) = mpsc::channel::<EngineCommand<_>>(1024);
	let manual_seal_sink = (sealing == Sealing::Manual).then_some(seal_sink);

	let rpc_extensions_builder = {
		let client = client.clone();
		let pool = transaction_pool.clone();
		Box::new(move |_| {
			let deps = crate::rpc::FullDeps {
				client: client.clone(),
				pool: pool.clone(),
				manual_seal_sink: manual_seal_sink.clone(),
			};
			crate::rpc::create_full(deps).map_err(Into::into)
		})
	};

	let _rpc_handlers = sc_service::spawn_tasks(sc_service::SpawnTasksParams {
		network: network.clone(),
		client: client.clone(),
		keystore: keystore_container.keystore(),
		task_manager: &mut task_manager,
		transaction_pool: transaction_pool.clone(),
		rpc_builder: rpc_extensions_builder,
		backend,
		system_rpc_tx,
		tx_handler_controller,
		sync_service: sync_service.clone(),
		config,
		telemetry: telemetry.as_mut(),
		tracing_execute_block: None,
	})?;

	// A runtime upgrade's new code is compiled when its block is imported, not in the next
	// author's slot.
	task_manager.spawn_handle().spawn_blocking(
		"runtime-warmup",
		None,
		crate::runtime_warmup::run(client.clone()),
	);

	if let Some(registry) = prometheus_registry.as_ref() {
		let metrics = crate::market_metrics::MarketMetrics::register(registry)
			.map_err(|e| ServiceError::Other(format!("market metrics: {e}")))?;
		task_manager.spawn_handle().spawn(
			"market-metrics",
			None,
			crate::market_metrics::run(client.clone(), metrics),
		);
	}

	let proposer_factory = sc_basic_authorship::ProposerFactory::new(
		task_manager.spawn_handle(),
		client.clone(),
		transaction_pool.clone(),
		prometheus_registry.as_ref(),
		telemetry.as_ref().map(|x| x.handle()),
	);

	match dev_clock {
		// Without a BABE key in the keystore the worker claims no slot and the node only
		// imports.
		None if role.is_authority() => {
			let slot_duration = babe_link.config().slot_duration();
			let babe = sc_consensus_babe::start_babe(BabeParams {
				keystore: keystore_container.keystore(),
				client: client.clone(),
				select_chain,
				env: proposer_factory,
				block_import,
				sync_oracle: sync_service.clone(),
				justification_sync_link: sync_service.clone(),
				create_inherent_data_providers: wall_clock_inherents(slot_duration),
				force_authoring,
				backoff_authoring_blocks: Option::<()>::None,
				babe_link,
				block_proposal_slot_portion: SlotProportion::new(2f32 / 3f32),
				max_block_proposal_slot_portion: None,
				telemetry: telemetry.as_ref().map(|x| x.handle()),
			})?;
			// Authoring is essential: if it fails the node goes down with it.
			task_manager.spawn_essential_handle().spawn_blocking(
				"babe",
				Some("block-authoring"),
				babe,
			);
		},
		None => {},
		Some(clock) => {
			let authorship = crate::dev_seal::authorship(DevSealParams {
				instant: sealing == Sealing::Instant,
				clock,
				client: client.clone(),
				pool: transaction_pool.clone(),
				select_chain,
				block_import,
				babe_link,
				keystore: &keystore_container,
				proposer_factory,
				commands: seal_commands,
			})?;
			task_manager.spawn_essential_handle().spawn_blocking(
				"manual-seal",
				Some("block-authoring"),
				authorship,
			);
		},
	}

	if enable_grandpa {
		// Only authorities vote; other full nodes follow finality without a keystore.
		let keystore = if role.is_authority() { Some(keystore_container.keystore()) } else { None };
		let grandpa_config = sc_consensus_grandpa::Config {
			gossip_duration: Duration::from_millis(333),
			justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
			name: Some(name),
			observer_enabled: false,
			keystore,
			local_role: role,
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			protocol_name: grandpa_protocol_name,
		};
		let grandpa_params = sc_consensus_grandpa::GrandpaParams {
			config: grandpa_config,
			link: grandpa_link,
			network,
			sync: Arc::new(sync_service),
			notification_service: grandpa_notification_service,
			voting_rule: sc_consensus_grandpa::VotingRulesBuilder::default().build(),
			prometheus_registry,
			shared_voter_state: SharedVoterState::empty(),
			telemetry: telemetry.as_ref().map(|x| x.handle()),
			offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool),
		};
		// The voter is essential too: finality must not silently stop.
		task_manager.spawn_essential_handle().spawn_blocking(
			"grandpa-voter",
			None,
			sc_consensus_grandpa::run_grandpa_voter(grandpa_params)?,
		);
	}

	Ok(task_manager)
}
