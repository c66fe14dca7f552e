//! Miners that fail the requests drawn for them, end to end with real workers on the real model:
//! a dev node (manual sealing, a block every 500 ms, each finalized at once), a subnet without
//! validators (so no audits: an answered result is final after the challenge window), an honest
//! miner and a faulty one, both staked, of different coldkeys. The requester (Eve) submits
//! requests one at a time until one is drawn for the faulty miner.
//!
//! - A miner answering NaN is refused by the chain (`NonFiniteOutput`), logs it and keeps
//!   running; its deadline passes.
//! - A miner killed (SIGKILL) while registered and staked never answers; its deadline passes.
//!
//! Either way the chain burns `TimeoutPenalty` from the faulty miner's stake (`MinerTimedOut`)
//! and draws the honest miner for the request, which ends final (or, were every attempt to
//! fail, expired and refunded); the requester pays each final request's fee once plus its
//! transaction fees, to the planck, and nothing for an expired one.

use inferchain_e2e::{
	embedding_worker, free_addr,
	market::{account, inference_events, stake_of},
	register_fast_subnet, start_block_ticker, tx, wait_for, Client, Node, NodeConfig, Worker,
};
use inferchain_primitives::NetUid;
use inferchain_runtime::{AccountId, Runtime, RuntimeCall, RuntimeEvent, MILLI_UNIT, UNIT};
use pallet_inference::Event as InferenceEvent;
use sp_core::crypto::Ss58Codec;
use sp_keyring::Sr25519Keyring::{self, Charlie, Dave, Eve};
use std::{path::Path, time::Duration};

const NETUID: NetUid = NetUid(0);
/// The subnet's request fee, the runtime's least: a request's collateral (100 × fee) is small
/// beside a miner's stake, so the honest miner can back every request of a test at once.
const FEE: u128 = MILLI_UNIT;
/// Each miner's stake.
const MINER_STAKE: u128 = 10 * UNIT;
/// What a missed deadline burns from the miner's stake (the runtime's `TimeoutPenalty`).
const TIMEOUT_PENALTY: u128 = 10 * MILLI_UNIT;
/// Most requests submitted waiting for one to be drawn for the faulty miner (each draw picks it
/// with probability ½, both miners having the same score: a 2⁻¹² chance to fail for luck).
const MAX_REQUESTS: usize = 12;

/// A dev node with a subnet for the bundled model charging [`FEE`], and no validator; returns
/// the node, a client, its URL and the block ticker.
async fn start_market(
	dir: &Path,
) -> anyhow::Result<(Node, Client, String, tokio::task::JoinHandle<()>)> {
	let config = NodeConfig::new("node", "dev", dir).with_args(["--dev", "--sealing", "manual"]);
	let url = config.ws_url();
	let (node, client) = Node::start(config).await?;
	let ticker = start_block_ticker(url.clone(), Duration::from_millis(500));
	register_fast_subnet(&url, &["--request-fee", &FEE.to_string()]).await?;
	Ok((node, client, url, ticker))
}

/// Starts a miner of `hotkey` staked with [`MINER_STAKE`] by `coldkey`, listening on `addr`,
/// with `extra` arguments.
fn miner(
	dir: &Path,
	url: &str,
	name: &str,
	(coldkey, hotkey): (&str, &str),
	addr: &str,
	extra: &[&str],
) -> anyhow::Result<Worker> {
	let stake = MINER_STAKE.to_string();
	let args: Vec<&str> =
		["--listen", addr, "--stake", &stake].iter().chain(extra).copied().collect();
	embedding_worker(dir, url, "miner", name, (coldkey, hotkey), &args)
}

/// Waits until each miner serves its API at its address: it is then registered, staked and
/// following the requests drawn for it.
async fn wait_serving(
	client: &Client,
	miners: &mut [&mut Worker],
	serving: &[(&str, Sr25519Keyring)],
) -> anyhow::Result<()> {
	let http = reqwest::Client::new();
	wait_for("the miners to serve", Duration::from_secs(180), || {
		let running = miners.iter_mut().try_for_each(|miner| miner.assert_running());
		let http = &http;
		async move {
			running?;
			for (addr, hotkey) in serving {
				let health = http.get(format!("http://{addr}/health")).send().await;
				let up = health.is_ok_and(|response| response.status().is_success());
				let stake = stake_of(client, &hotkey.to_account_id().to_ss58check()).await?;
				if !up || stake < MINER_STAKE {
					return Ok(None);
				}
			}
			Ok(Some(()))
		}
	})
	.await
}

/// Everything `who` holds: free and held (a request's fee is held until paid or refunded).
async fn total(client: &Client, who: &AccountId) -> anyhow::Result<u128> {
	let data = account(client, who).await?;
	Ok(data.free + data.reserved)
}

/// Eve's requests, submitted until one was drawn for the faulty miner.
struct Requests {
	/// The best block before the first.
	start: u32,
	/// Their ids, the faulty miner's last.
	ids: Vec<u64>,
	/// The transaction fees Eve paid to submit them.
	tx_fees: u128,
}

/// Eve submits request `n`; returns its id and her transaction fee.
async fn submit_request(client: &Client, n: usize) -> anyhow::Result<(u64, u128)> {
	let input = format!("Request number {n}, for miners that may fail.").into_bytes();
	let call = RuntimeCall::Inference(pallet_inference::Call::submit_request {
		netuid: NETUID,
		input: input.try_into().map_err(|_| anyhow::anyhow!("the input is too long"))?,
		max_fee: FEE,
	});
	let (_, events) = tx::submit(client, Eve, call).await?;
	let id = events.iter().find_map(|event| match event {
		RuntimeEvent::Inference(InferenceEvent::RequestSubmitted {
			request_id, requester, ..
		}) if *requester == Eve.to_account_id() => Some(*request_id),
		_ => None,
	});
	let tx_fee = tx::fee_paid(&events, &Eve.to_account_id());
	match (id, tx_fee) {
		(Some(id), Some(tx_fee)) => Ok((id, tx_fee)),
		_ => anyhow::bail!("no RequestSubmitted or TransactionFeePaid for Eve: {events:?}"),
	}
}

/// Eve submits requests one at a time, each drawn in the next block, until one is drawn for
/// `faulty` (the others go to the honest miner, which answers them).
async fn request_until_drawn(client: &Client, faulty: &AccountId) -> anyhow::Result<Requests> {
	let mut requests = Requests { start: client.best_number().await?, ids: vec![], tx_fees: 0 };
	for n in 0..MAX_REQUESTS {
		let from = client.best_number().await?;
		let (id, tx_fee) = submit_request(client, n).await?;
		requests.ids.push(id);
		requests.tx_fees += tx_fee;
		let drawn = wait_for("the request's miner", Duration::from_secs(30), || async move {
			let events = inference_events(client, from, client.best_number().await?).await?;
			Ok(events.into_iter().find_map(|(_, event)| match event {
				InferenceEvent::RequestAssigned { request_id, miner, .. } if request_id == id => {
					Some(miner)
				},
				_ => None,
			}))
		})
		.await?;
		if drawn == *faulty {
			return Ok(requests);
		}
	}
	anyhow::bail!("none of {MAX_REQUESTS} requests was drawn for the faulty miner")
}

/// Waits until every request in `ids` is final, rejected or expired.
async fn settle(client: &Client, ids: &[u64]) -> anyhow::Result<()> {
	wait_for("every request to settle", Duration::from_secs(120), || async move {
		for id in ids {
			let request = client.request(*id).await?;
			if !request.is_some_and(|request| request.status.is_settled()) {
				return Ok(None);
			}
		}
		Ok(Some(()))
	})
	.await
}

/// Checks what the chain recorded from `requests.start` on: the faulty miner's request (the
/// last) timed out once, burning [`TIMEOUT_PENALTY`], then was drawn for the honest miner and
/// final, or expired with the fee refunded; every other request is the honest miner's, final;
/// Eve, who held `before` then, paid each final request's fee once and her transaction fees,
/// nothing more. Returns whether the faulty miner's request ended final, and the events.
async fn check_reassigned(
	client: &Client,
	requests: &Requests,
	before: u128,
	faulty: Sr25519Keyring,
	honest: Sr25519Keyring,
) -> anyhow::Result<(bool, Vec<RuntimeEvent>)> {
	let (faulty, honest) = (&faulty.to_account_id(), &honest.to_account_id());
	let mut events = Vec::new();
	for number in requests.start..=client.best_number().await? {
		let Some(hash) = client.block_hash(number).await? else { continue };
		events.extend(client.events(hash).await?.into_iter().map(|record| record.event));
	}
	let market: Vec<&InferenceEvent<Runtime>> = events
		.iter()
		.filter_map(|event| match event {
			RuntimeEvent::Inference(event) => Some(event),
			_ => None,
		})
		.collect();
	let Some((&target, others)) = requests.ids.split_last() else { anyhow::bail!("no request") };
	let drawn: Vec<&AccountId> = market
		.iter()
		.filter_map(|event| match event {
			InferenceEvent::RequestAssigned { request_id, miner, .. } if *request_id == target => {
				Some(miner)
			},
			_ => None,
		})
		.collect();
	let timeouts: Vec<(u64, AccountId, u128)> = market
		.iter()
		.filter_map(|event| match event {
			InferenceEvent::MinerTimedOut { request_id, miner, penalty } => {
				Some((*request_id, miner.clone(), *penalty))
			},
			_ => None,
		})
		.collect();
	// Every missed deadline is the faulty miner's request's, the first the faulty miner's.
	assert_eq!(timeouts.first(), Some(&(target, faulty.clone(), TIMEOUT_PENALTY)), "{market:?}");
	assert!(timeouts.iter().all(|(id, _, penalty)| (*id, *penalty) == (target, TIMEOUT_PENALTY)));
	let finalized = |id: u64| {
		market.iter().find_map(|event| match event {
			InferenceEvent::ResultFinalized { request_id, miner, .. } if *request_id == id => {
				Some(miner.clone())
			},
			_ => None,
		})
	};
	let expired = market.iter().find_map(|event| match event {
		InferenceEvent::RequestExpired { request_id, refunded } if *request_id == target => {
			Some(*refunded)
		},
		_ => None,
	});
	let target_final = match (finalized(target), expired) {
		(Some(miner), None) => {
			assert_eq!(drawn, [faulty, honest], "drawn for request {target}: {market:?}");
			assert_eq!(timeouts.len(), 1, "{market:?}");
			assert_eq!(&miner, honest);
			true
		},
		(None, Some(refunded)) => {
			assert_eq!(drawn.first(), Some(&faulty), "{market:?}");
			assert_eq!(refunded, FEE);
			false
		},
		outcome => anyhow::bail!("request {target} is neither final nor expired: {outcome:?}"),
	};
	for id in others {
		assert_eq!(finalized(*id).as_ref(), Some(honest), "request {id}: {market:?}");
	}

	let finals = others.len() as u128 + u128::from(target_final);
	let spent = before - total(client, &Eve.to_account_id()).await?;
	assert_eq!(
		spent,
		requests.tx_fees + finals * FEE,
		"fees {} + {finals} × {FEE}",
		requests.tx_fees
	);
	let faulty_stats = client.miner_stats(0, &faulty.to_ss58check()).await?;
	let faulty_timeouts = timeouts.iter().filter(|(_, miner, _)| miner == faulty).count();
	assert_eq!(faulty_stats.timeouts as usize, faulty_timeouts, "{faulty_stats:?}");
	let honest_stats = client.miner_stats(0, &honest.to_ss58check()).await?;
	assert_eq!(u128::from(honest_stats.finalized), finals, "{honest_stats:?}");
	Ok((target_final, events))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nan_miner_is_refused_on_chain_and_penalised() -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let (_node, client, url, ticker) = start_market(dir.path()).await?;
	let (honest_addr, nan_addr) = (free_addr(), free_addr());
	let mut honest =
		miner(dir.path(), &url, "honest-miner", ("//Bob", "//Charlie"), &honest_addr, &[])?;
	let mut nan =
		miner(dir.path(), &url, "nan-miner", ("//Ferdie", "//Dave"), &nan_addr, &["--nan-output"])?;
	wait_serving(
		&client,
		&mut [&mut honest, &mut nan],
		&[(honest_addr.as_str(), Charlie), (nan_addr.as_str(), Dave)],
	)
	.await?;

	let before = total(&client, &Eve.to_account_id()).await?;
	let requests = request_until_drawn(&client, &Dave.to_account_id()).await?;
	settle(&client, &requests.ids).await.map_err(|err| {
		anyhow::anyhow!(
			"{err:#}\nNaN miner log:\n{}\nhonest log:\n{}",
			nan.log_tail(),
			honest.log_tail()
		)
	})?;
	let (target_final, events) =
		check_reassigned(&client, &requests, before, Dave, Charlie).await?;
	assert!(target_final, "the honest miner answered the NaN miner's request");

	// The NaN result reached a block and was refused there; the miner said so and carries on.
	assert!(
		tx::failed_with(&events, pallet_inference::Error::<Runtime>::NonFiniteOutput),
		"no NonFiniteOutput failure:\n{}",
		nan.log_tail()
	);
	assert!(nan.log().contains("answering failed"), "{}", nan.log_tail());
	for worker in [&mut honest, &mut nan] {
		let status = worker.terminate(Duration::from_secs(20)).await?;
		assert!(status.success(), "{} exited with {status}:\n{}", worker.name, worker.log_tail());
	}
	ticker.abort();
	Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_miners_request_is_reassigned_and_the_requester_loses_nothing(
) -> anyhow::Result<()> {
	let dir = tempfile::tempdir()?;
	let (_node, client, url, ticker) = start_market(dir.path()).await?;
	let (honest_addr, doomed_addr) = (free_addr(), free_addr());
	let mut honest =
		miner(dir.path(), &url, "honest-miner", ("//Bob", "//Charlie"), &honest_addr, &[])?;
	let mut doomed =
		miner(dir.path(), &url, "killed-miner", ("//Ferdie", "//Dave"), &doomed_addr, &[])?;
	wait_serving(
		&client,
		&mut [&mut honest, &mut doomed],
		&[(honest_addr.as_str(), Charlie), (doomed_addr.as_str(), Dave)],
	)
	.await?;
	// A crash (dropping a worker kills it with SIGKILL): the chain still counts the miner,
	// registered and staked, so requests keep being drawn for it until its deadlines pass.
	drop(doomed);

	let before = total(&client, &Eve.to_account_id()).await?;
	let requests = request_until_drawn(&client, &Dave.to_account_id()).await?;
	settle(&client, &requests.ids)
		.await
		.map_err(|err| anyhow::anyhow!("{err:#}\nhonest log:\n{}", honest.log_tail()))?;
	let (target_final, _) = check_reassigned(&client, &requests, before, Dave, Charlie).await?;
	println!("the killed miner's request ended {}", if target_final { "final" } else { "expired" });

	let status = honest.terminate(Duration::from_secs(20)).await?;
	assert!(status.success(), "honest miner exited with {status}:\n{}", honest.log_tail());
	ticker.abort();
	Ok(())
}
