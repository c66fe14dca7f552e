//! Prometheus metrics of the inference market and of emission, served next to Substrate's own
//! (`--prometheus-port`, `/metrics`): counted from the `Inference` and `Emission` events of each
//! finalized block, so a re-org never counts twice and a restarted node counts from where it
//! starts (use `rate()`/`increase()`, as for any counter). Events this node's runtime types
//! cannot decode (a block of a much older runtime) count for nothing. Checked end to end by
//! `e2e/tests/upgrade.rs`.
//!
//! | metric | what |
//! |---|---|
//! | `inferchain_market_requests_total{event}` | requests `submitted`, `assigned`, `answered`, `final`, `rejected` (slashed), `expired`; miner `timeout`s |
//! | `inferchain_market_reviews_total{kind}` | reviews opened: `audit`, `challenge`, `committee` (an escalation or a challenge's panel) |
//! | `inferchain_market_verdicts_penalised_total` | panel members fined for a missing or losing verdict |
//! | `inferchain_market_slashed_planck_total` | stake slashed from miners for wrong results |
//! | `inferchain_market_paid_planck_total` | fees paid to miners for final results |
//! | `inferchain_market_requests_open` | unsettled requests, all subnets, at the finalized head (`Inference::OpenRequests`) |
//! | `inferchain_market_reviews_open` | open audits, challenges and escalations at the finalized head (`Inference::Reviews`) |
//! | `inferchain_emission_epochs_total` | epochs run (all subnets) |
//! | `inferchain_emission_last_epoch_block` | the last finalized block that ran an epoch |
//! | `inferchain_emission_epoch_block_weight_seconds` | histogram: the mandatory weight (hooks and inherents) of each finalized block that ran an epoch, in seconds of the benchmark machine: what the epoch cost the block |
//! | `inferchain_metrics_block` | the last finalized block counted |

use std::sync::Arc;

use crate::service::FullClient;
use codec::Decode;
use frame_support::{
	dispatch::DispatchClass, storage::StoragePrefixedMap,
	weights::constants::WEIGHT_REF_TIME_PER_SECOND,
};
use futures::StreamExt;
use inferchain_runtime::{opaque::Block, Runtime, RuntimeEvent};
use sc_client_api::{BlockchainEvents, StorageProvider};
use sp_blockchain::HeaderBackend;
use sp_core::storage::StorageKey;
use sp_runtime::traits::Block as BlockT;
use substrate_prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, Histogram, HistogramOpts, Opts, PrometheusError,
	Registry, U64,
};

type EventRecord = frame_system::EventRecord<RuntimeEvent, <Block as BlockT>::Hash>;

/// The counters.
#[derive(Clone)]
pub struct MarketMetrics {
	requests: CounterVec<U64>,
	reviews: CounterVec<U64>,
	verdicts_penalised: Counter<U64>,
	slashed: Counter<U64>,
	paid: Counter<U64>,
	epochs: Counter<U64>,
	last_epoch_block: Gauge<U64>,
	epoch_block_weight: Histogram,
	requests_open: Gauge<U64>,
	reviews_open: Gauge<U64>,
	block: Gauge<U64>,
}

/// What one event adds to the metrics.
#[derive(Debug, PartialEq, Eq)]
pub enum Count {
	/// `inferchain_market_requests_total{event}`.
	Request(&'static str),
	/// `inferchain_market_reviews_total{kind}`.
	Review(&'static str),
	/// A verdict penalised.
	VerdictPenalised,
	/// A result slashed: (stake slashed) and `rejected`.
	Slashed(u128),
	/// A result final: (fee paid to the miner) and `final`.
	Final(u128),
	/// An epoch ran.
	Epoch,
}

/// What `event` counts for, if anything.
pub fn count(event: &RuntimeEvent) -> Option<Count> {
	use pallet_inference::Event as I;
	Some(match event {
		RuntimeEvent::Inference(event) => match event {
			I::RequestSubmitted { .. } => Count::Request("submitted"),
			I::RequestAssigned { .. } => Count::Request("assigned"),
			I::ResultSubmitted { .. } => Count::Request("answered"),
			I::RequestExpired { .. } => Count::Request("expired"),
			I::MinerTimedOut { .. } => Count::Request("timeout"),
			I::ResultFinalized { paid, .. } => Count::Final(*paid),
			I::ResultSlashed { slashed, .. } => Count::Slashed(*slashed),
			I::AuditAssigned { .. } => Count::Review("audit"),
			I::Challenged { .. } => Count::Review("challenge"),
			I::CommitteeFormed { .. } => Count::Review("committee"),
			I::VerdictPenalised { .. } => Count::VerdictPenalised,
			_ => return None,
		},
		RuntimeEvent::Emission(pallet_emission::Event::EpochRun { .. }) => Count::Epoch,
		_ => return None,
	})
}

impl MarketMetrics {
	/// Registers the metrics in `registry`.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		let counter = |name: &str, help: &str| Counter::new(name, help);
		Ok(Self {
			requests: register(
				CounterVec::new(
					Opts::new(
						"inferchain_market_requests_total",
						"Inference requests by event: submitted, assigned, answered, final, \
						 rejected, expired, timeout",
					),
					&["event"],
				)?,
				registry,
			)?,
			reviews: register(
				CounterVec::new(
					Opts::new(
						"inferchain_market_reviews_total",
						"Reviews opened by kind: audit, challenge, committee",
					),
					&["kind"],
				)?,
				registry,
			)?,
			verdicts_penalised: register(
				counter(
					"inferchain_market_verdicts_penalised_total",
					"Panel members fined for a missing or losing verdict",
				)?,
				registry,
			)?,
			slashed: register(
				counter(
					"inferchain_market_slashed_planck_total",
					"Stake slashed from miners for wrong results (planck)",
				)?,
				registry,
			)?,
			paid: register(
				counter(
					"inferchain_market_paid_planck_total",
					"Fees paid to miners for final results (planck)",
				)?,
				registry,
			)?,
			epochs: register(
				counter("inferchain_emission_epochs_total", "Epochs run, all subnets")?,
				registry,
			)?,
			last_epoch_block: register(
				Gauge::new(
					"inferchain_emission_last_epoch_block",
					"The last finalized block that ran an epoch",
				)?,
				registry,
			)?,
			epoch_block_weight: register(
				Histogram::with_opts(
					HistogramOpts::new(
						"inferchain_emission_epoch_block_weight_seconds",
						"Mandatory weight (hooks and inherents) of each finalized block that ran \
						 an epoch, in seconds of the benchmark machine",
					)
					.buckets(vec![0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0]),
				)?,
				registry,
			)?,
			requests_open: register(
				Gauge::new(
					"inferchain_market_requests_open",
					"Unsettled inference requests, all subnets, at the finalized head",
				)?,
				registry,
			)?,
			reviews_open: register(
				Gauge::new(
					"inferchain_market_reviews_open",
					"Open audits, challenges and escalations at the finalized head",
				)?,
				registry,
			)?,
			block: register(
				Gauge::new("inferchain_metrics_block", "The last finalized block counted")?,
				registry,
			)?,
		})
	}

	/// Counts the events of the finalized block `number`; returns whether it ran an epoch.
	pub fn record(&self, number: u64, events: &[EventRecord]) -> bool {
		let mut epoch = false;
		let saturate = |amount: u128| u64::try_from(amount).unwrap_or(u64::MAX);
		for counted in events.iter().filter_map(|record| count(&record.event)) {
			match counted {
				Count::Request(event) => self.requests.with_label_values(&[event]).inc(),
				Count::Review(kind) => self.reviews.with_label_values(&[kind]).inc(),
				Count::VerdictPenalised => self.verdicts_penalised.inc(),
				Count::Slashed(amount) => {
					self.requests.with_label_values(&["rejected"]).inc();
					self.slashed.inc_by(saturate(amount));
				},
				Count::Final(amount) => {
					self.requests.with_label_values(&["final"]).inc();
					self.paid.inc_by(saturate(amount));
				},
				Count::Epoch => {
					self.epochs.inc();
					self.last_epoch_block.set(number);
					epoch = true;
				},
			}
		}
		self.block.set(number);
		epoch
	}
}

/// The raw value under `key` at block `hash`, decoded as `T`.
fn read<T: Decode>(client: &FullClient, hash: <Block as BlockT>::Hash, key: Vec<u8>) -> Option<T> {
	let raw = client.storage(hash, &StorageKey(key)).ok().flatten()?;
	T::decode(&mut &raw.0[..]).ok()
}

/// The mandatory weight (`on_initialize` hooks and inherents) block `hash` consumed, in seconds
/// of the benchmark machine.
fn mandatory_seconds(client: &FullClient, hash: <Block as BlockT>::Hash) -> Option<f64> {
	let key = frame_system::BlockWeight::<Runtime>::hashed_key().to_vec();
	let consumed: frame_system::ConsumedWeight = read(client, hash, key)?;
	let ref_time = consumed.get(DispatchClass::Mandatory).ref_time();
	Some(ref_time as f64 / WEIGHT_REF_TIME_PER_SECOND as f64)
}

/// Unsettled requests (the sum of `Inference::OpenRequests`) and open reviews (the entries of
/// `Inference::Reviews`) at block `hash`.
fn open_work(client: &FullClient, hash: <Block as BlockT>::Hash) -> Option<(u64, u64)> {
	let prefix = |prefix: [u8; 32]| StorageKey(prefix.to_vec());
	let open = prefix(pallet_inference::OpenRequests::<Runtime>::final_prefix());
	let requests = client
		.storage_pairs(hash, Some(&open), None)
		.ok()?
		.filter_map(|(_, value)| u32::decode(&mut &value.0[..]).ok())
		.map(u64::from)
		.sum();
	let reviews = prefix(pallet_inference::Reviews::<Runtime>::final_prefix());
	let reviews = client.storage_keys(hash, Some(&reviews), None).ok()?.count();
	Some((requests, u64::try_from(reviews).unwrap_or(u64::MAX)))
}

/// Follows finality and counts each finalized block's events into `metrics`.
pub async fn run(client: Arc<FullClient>, metrics: MarketMetrics) {
	let key = StorageKey(
		[sp_io::hashing::twox_128(b"System"), sp_io::hashing::twox_128(b"Events")].concat(),
	);
	let mut finalized = client.finality_notification_stream();
	while let Some(notification) = finalized.next().await {
		let hashes = notification.tree_route.iter().copied().chain([notification.hash]);
		for hash in hashes {
			let number = client.number(hash).ok().flatten().map(u64::from).unwrap_or_default();
			let events = client
				.storage(hash, &key)
				.ok()
				.flatten()
				.and_then(|raw| Vec::<EventRecord>::decode(&mut &raw.0[..]).ok())
				.unwrap_or_default();
			if metrics.record(number, &events) {
				if let Some(seconds) = mandatory_seconds(&client, hash) {
					metrics.epoch_block_weight.observe(seconds);
				}
			}
		}
		if let Some((requests, reviews)) = open_work(&client, notification.hash) {
			metrics.requests_open.set(requests);
			metrics.reviews_open.set(reviews);
		}
	}
}
