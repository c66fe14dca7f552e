//! Prometheus metrics of the worker (text format at `/metrics`).

use prometheus_client::{
	encoding::EncodeLabelSet,
	metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
	registry::Registry,
};
use std::sync::Arc;

/// An outcome label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Outcome {
	/// e.g. `ok`, `bad_request`, `honest`, `wrong`, `unreachable`.
	pub outcome: String,
}

impl Outcome {
	/// The label for `outcome`.
	pub fn of(outcome: &str) -> Self {
		Self { outcome: outcome.to_string() }
	}
}

/// The worker's metrics; each role updates its own.
pub struct Metrics {
	registry: Registry,
	/// Miner: embeddings requests by outcome.
	pub requests: Family<Outcome, Counter>,
	/// Miner: inputs embedded.
	pub inputs: Counter,
	/// Miner: request latency in seconds.
	pub latency: Histogram,
	/// Latest block followed (best blocks for the miner and the validator).
	pub block_seen: Gauge,
	/// Validator: rounds run.
	pub rounds: Counter,
	/// Validator: miner checks by outcome.
	pub checks: Family<Outcome, Counter>,
	/// Validator: weight commits, reveals or sets that succeeded.
	pub weights_submitted: Counter,
	/// Miner: on-chain assignments by outcome (`answered`, `not_mine`, `failed`).
	pub assignments: Family<Outcome, Counter>,
	/// Validator: audits and challenges reviewed by verdict (`agrees`, `disagrees`, `failed`).
	pub reviews: Family<Outcome, Counter>,
	/// Gateway: on-chain requests by outcome (`submitted`, `refused`, then `final`, `rejected`
	/// or `expired`).
	pub gateway: Family<Outcome, Counter>,
}

impl Metrics {
	/// Registers every metric under the `inferchain_worker` prefix.
	pub fn new() -> Arc<Self> {
		let mut registry = Registry::with_prefix("inferchain_worker");
		let requests = Family::<Outcome, Counter>::default();
		let inputs = Counter::default();
		let latency =
			Histogram::new([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0].into_iter());
		let block_seen = Gauge::default();
		let rounds = Counter::default();
		let checks = Family::<Outcome, Counter>::default();
		let weights_submitted = Counter::default();
		let assignments = Family::<Outcome, Counter>::default();
		let reviews = Family::<Outcome, Counter>::default();
		let gateway = Family::<Outcome, Counter>::default();
		registry.register(
			"gateway_requests",
			"On-chain requests the gateway submitted, by outcome",
			gateway.clone(),
		);
		registry.register(
			"assignments",
			"On-chain requests assigned to this miner, by outcome",
			assignments.clone(),
		);
		registry.register("reviews", "Audits and challenges reviewed, by verdict", reviews.clone());
		registry.register("requests", "Embeddings requests by outcome", requests.clone());
		registry.register("inputs", "Inputs embedded", inputs.clone());
		registry.register("request_seconds", "Embeddings request latency", latency.clone());
		registry.register(
			"block",
			"Latest block followed (best blocks for miners and validators)",
			block_seen.clone(),
		);
		registry.register("rounds", "Validator rounds run", rounds.clone());
		registry.register("checks", "Miner checks by outcome", checks.clone());
		registry.register(
			"weights_submitted",
			"Weight extrinsics that succeeded",
			weights_submitted.clone(),
		);
		Arc::new(Self {
			registry,
			requests,
			inputs,
			latency,
			block_seen,
			rounds,
			checks,
			weights_submitted,
			assignments,
			reviews,
			gateway,
		})
	}

	/// The metrics in Prometheus' text format.
	pub fn encode(&self) -> String {
		let mut text = String::new();
		if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
			text.clear();
		}
		text
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn encodes_counters_with_labels() {
		let metrics = Metrics::new();
		metrics.requests.get_or_create(&Outcome::of("ok")).inc();
		metrics.block_seen.set(42);
		let text = metrics.encode();
		assert!(text.contains("inferchain_worker_requests_total{outcome=\"ok\"} 1"), "{text}");
		assert!(text.contains("inferchain_worker_block 42"), "{text}");
	}
}
