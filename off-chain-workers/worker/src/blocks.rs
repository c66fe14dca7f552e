//! Following a node's blocks for as long as the worker runs.
//!
//! - [`Follow::Best`] for work with deadlines (assignments, reviews): the chain counts deadlines
//!   in blocks as they are built, and finality may lag several blocks behind them. On the best
//!   chain a re-org can deliver a block number again, on its new fork: consumers act per
//!   request id, so seeing one twice is harmless, and a transaction of a retracted block goes
//!   back to the pool.
//! - [`Follow::Finalized`] for what must not be undone (a dApp waiting for its result to be
//!   final).
//!
//! When the node goes away the follower reconnects with backoff and, like any gap between two
//! blocks it is given, replays the blocks it missed (the latest [`MAX_REPLAY`] of them), so an
//! assignment or a review that happened meanwhile is not lost.

use crate::chain::{Chain, EventInfo};
use std::{collections::VecDeque, time::Duration};
use subxt::{client::OnlineClientAtBlock, dynamic::Value, SubstrateConfig};

/// Most missed blocks replayed after a gap (older ones' deadlines have passed anyway).
pub const MAX_REPLAY: u32 = 256;

/// Which blocks to follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Follow {
	/// Each new best block (deadlines).
	Best,
	/// Each finalized block (money).
	Finalized,
}

/// A block and the state after it.
pub struct ChainBlock {
	/// Its number.
	pub number: u32,
	at: OnlineClientAtBlock<SubstrateConfig>,
}

impl ChainBlock {
	/// The events the block emitted.
	pub async fn events(&self) -> anyhow::Result<Vec<EventInfo>> {
		let events = self.at.events().fetch().await?;
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
}

/// The blocks still to hand out after seeing block `number`, the last one seen being `last`:
/// the gap in between (its latest [`MAX_REPLAY`] blocks) and `number` itself, oldest first. A
/// block at or below `last` (a re-org on the best chain) is handed out alone.
pub fn due_after(last: Option<u32>, number: u32) -> Vec<u32> {
	let Some(last) = last else { return vec![number] };
	let from = last.saturating_add(1).max(number.saturating_sub(MAX_REPLAY));
	if number <= last {
		return vec![number];
	}
	(from..=number).collect()
}

/// A node's blocks (best or finalized), reconnecting and replaying missed ones.
pub struct Blocks {
	url: String,
	follow: Follow,
	chain: Option<Chain>,
	stream: Option<subxt::client::Blocks<SubstrateConfig>>,
	last: Option<u32>,
	due: VecDeque<u32>,
}

impl Blocks {
	/// Follows the node at `url`, starting with `chain` if already connected.
	pub fn new(url: &str, follow: Follow, chain: Option<Chain>) -> Self {
		let url = url.to_string();
		Self { url, follow, chain, stream: None, last: None, due: VecDeque::new() }
	}

	/// The next block, and the connection it came from.
	pub async fn next(&mut self) -> (Chain, ChainBlock) {
		loop {
			if let (Some(chain), Some(number)) = (&self.chain, self.due.front().copied()) {
				self.due.pop_front();
				match chain.api.at_block(number).await {
					Ok(at) => return (chain.clone(), ChainBlock { number, at }),
					Err(err) => tracing::warn!(block = number, "cannot read block: {err}"),
				}
				continue;
			}
			if let (Some(_), Some(stream)) = (&self.chain, &mut self.stream) {
				match stream.next().await {
					Some(Ok(block)) => {
						let number = u32::try_from(block.number()).unwrap_or(u32::MAX);
						self.due.extend(due_after(self.last, number));
						self.last = Some(self.last.map_or(number, |last| last.max(number)));
						continue;
					},
					Some(Err(err)) => tracing::warn!("block stream: {err}"),
					None => {},
				}
				tracing::warn!("lost the node; reconnecting");
				(self.chain, self.stream) = (None, None);
				tokio::time::sleep(Duration::from_secs(1)).await;
				continue;
			}
			let chain = match self.chain.take() {
				Some(chain) => chain,
				None => Chain::connect_retrying(&self.url).await,
			};
			let stream = match self.follow {
				Follow::Best => chain.api.stream_best_blocks().await,
				Follow::Finalized => chain.api.stream_blocks().await,
			};
			match stream {
				Ok(stream) => (self.chain, self.stream) = (Some(chain), Some(stream)),
				Err(err) => {
					tracing::warn!("cannot follow blocks: {err}");
					tokio::time::sleep(Duration::from_secs(1)).await;
				},
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn blocks_are_handed_out_in_order_with_gaps_replayed() {
		assert_eq!(due_after(None, 7), vec![7]);
		assert_eq!(due_after(Some(7), 8), vec![8]);
		assert_eq!(due_after(Some(7), 10), vec![8, 9, 10]);
	}

	#[test]
	fn a_reorg_hands_out_the_new_fork_block_alone() {
		assert_eq!(due_after(Some(10), 9), vec![9]);
		assert_eq!(due_after(Some(10), 10), vec![10]);
	}

	#[test]
	fn a_long_outage_replays_only_the_latest_blocks() {
		let due = due_after(Some(5), 5 + 10_000);
		assert_eq!(due.len(), MAX_REPLAY as usize + 1);
		assert_eq!(due.last(), Some(&10_005));
	}
}
