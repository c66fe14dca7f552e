//! Compiles a new runtime as soon as the block that sets it is imported, so that the first
//! block it executes is not late.
//!
//! `system.set_code` stores the new Wasm in block N's state; block N + 1 is the first the new
//! runtime executes. Left alone, the author of N + 1 compiles the new runtime inside its own
//! slot (seconds on a small machine: `e2e/tests/upgrade.rs` saw that slot missed), and every
//! other node compiles it while importing N + 1. The executor keeps compiled runtimes in a
//! cache keyed by the code's hash, and a second caller waits for a compilation under way
//! rather than starting its own; so one runtime call at block N right after its import (here
//! `Core_version`) hands the author and the importers a compiled runtime, or a head start.

use std::{sync::Arc, time::Instant};

use crate::service::FullClient;
use futures::StreamExt;
use sc_client_api::{BlockchainEvents, StorageProvider};
use sp_api::{Core, ProvideRuntimeApi};
use sp_core::storage::{well_known_keys::CODE, StorageKey};
use sp_runtime::traits::Header as HeaderT;

/// Follows imported blocks; for each that changes `:code`, compiles the code it sets. Meant
/// for a blocking task: the compilation holds the thread.
pub async fn run(client: Arc<FullClient>) {
	let code_key = StorageKey(CODE.to_vec());
	let code_hash = |hash| client.storage_hash(hash, &code_key).ok().flatten();
	let mut imported = client.import_notification_stream();
	while let Some(notification) = imported.next().await {
		let (hash, header) = (notification.hash, &notification.header);
		if code_hash(hash) == code_hash(*header.parent_hash()) {
			continue;
		}
		let started = Instant::now();
		match client.runtime_api().version(hash) {
			Ok(version) => log::info!(
				target: "runtime-warmup",
				"⚙️  Block #{} sets runtime {} v{}: compiled in {} ms, before its first block",
				header.number(),
				version.spec_name,
				version.spec_version,
				started.elapsed().as_millis(),
			),
			Err(error) => log::warn!(
				target: "runtime-warmup",
				"Block #{} sets a runtime that could not be called: {error}",
				header.number(),
			),
		}
	}
}
