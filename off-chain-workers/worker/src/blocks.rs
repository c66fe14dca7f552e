//! Following a node's blocks for as long as the worker runs.
//!
//! - [`Follow::Best`] for work with deadlines (assignments, reviews): the chain counts deadlines
//!   in blocks as they are built, and finality may lag several blocks behind them.
//! - [`Follow::Finalized`] for what must not be undone (a dApp waiting for its result to be
//!   final).
//!
//! Blocks are handed out by lineage, not by number: for each new block the follower walks back
//! through parent hashes to the newest block it already handed out and hands out every block
//! in between, oldest first. So a re-org onto a fork whose first blocks were never announced as
//! best (a sibling of a block already seen, then its child) still hands out those blocks'
//! events; a block number seen twice (on two forks) is two blocks. Consumers act per request
//! id, so seeing a request on two forks is harmless, and a transaction of a retracted block
//! goes back to the pool.
//!
//! When the node goes away the follower reconnects with backoff and replays the blocks it
//! missed the same way (the latest [`MAX_REPLAY`] of them), so an assignment or a review that
//! happened meanwhile is not lost.

use crate::chain::{Chain, EventInfo};
use std::{
	collections::{HashSet, VecDeque},
	time::Duration,
};
use subxt::{
	backend::BlockRef,
	client::OnlineClientAtBlock,
	config::{substrate::H256, Header},
	dynamic::Value,
	SubstrateConfig,
};

/// Most missed blocks replayed after a gap (older ones' deadlines have passed anyway: a
/// result is due within 10 blocks, a verdict within 20).
pub const MAX_REPLAY: u32 = 64;

/// Tries at reading a block (or a parent's link) before the follower gives up on it.
const READ_TRIES: u32 = 3;

/// Block hashes remembered as handed out (several forks' worth of [`MAX_REPLAY`]).
const REMEMBERED: usize = 4 * MAX_REPLAY as usize;

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

/// A block's hash, number and parent: what the follower needs to place it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockLink {
	/// Its hash.
	pub hash: H256,
	/// Its number.
	pub number: u64,
	/// Its parent's hash.
	pub parent: H256,
}

/// Where the follower reads the links of blocks it was not given (a node, or a map in tests).
pub trait Links {
	/// The link of the block `hash`, if the node knows it.
	async fn link(&self, hash: H256) -> Option<BlockLink>;
}

/// The hashes already handed out, the oldest forgotten first.
#[derive(Default)]
pub struct Lineage {
	seen: HashSet<H256>,
	order: VecDeque<H256>,
}

impl Lineage {
	/// Whether `hash` was handed out.
	pub fn knows(&self, hash: &H256) -> bool {
		self.seen.contains(hash)
	}

	/// Remembers `hash` as handed out.
	pub fn record(&mut self, hash: H256) {
		if self.seen.insert(hash) {
			self.order.push_back(hash);
		}
		while self.order.len() > REMEMBERED {
			if let Some(oldest) = self.order.pop_front() {
				self.seen.remove(&oldest);
			}
		}
	}

	/// The blocks to hand out for the new block `tip`, oldest first: `tip` and its ancestors
	/// back to the newest block already handed out (at most [`MAX_REPLAY`] of them before
	/// `tip`); nothing if `tip` was handed out. The first block ever is handed out alone.
	/// `Err` with what was found when a parent's link could not be read (the caller tries
	/// again, then settles for it).
	pub async fn due(
		&self,
		tip: BlockLink,
		links: &impl Links,
	) -> Result<Vec<BlockLink>, Vec<BlockLink>> {
		if self.knows(&tip.hash) {
			return Ok(Vec::new());
		}
		let mut due = vec![tip];
		if self.seen.is_empty() {
			return Ok(due);
		}
		let mut parent = tip.parent;
		let mut number = tip.number;
		let mut complete = true;
		while !self.knows(&parent) && number > 0 && due.len() <= MAX_REPLAY as usize {
			let Some(link) = links.link(parent).await else {
				complete = false;
				break;
			};
			(parent, number) = (link.parent, link.number);
			due.push(link);
		}
		due.reverse();
		if complete {
			Ok(due)
		} else {
			Err(due)
		}
	}
}

/// Links read from the node.
struct NodeLinks<'a>(&'a Chain);

impl Links for NodeLinks<'_> {
	async fn link(&self, hash: H256) -> Option<BlockLink> {
		let at = self.0.api.at_block(BlockRef::from_hash(hash)).await.ok()?;
		let header = at.block_header().await.ok()?;
		Some(BlockLink { hash, number: header.number(), parent: header.parent_hash })
	}
}

/// A node's blocks (best or finalized), reconnecting and replaying missed ones.
pub struct Blocks {
	url: String,
	follow: Follow,
	chain: Option<Chain>,
	stream: Option<subxt::client::Blocks<SubstrateConfig>>,
	lineage: Lineage,
	due: VecDeque<BlockLink>,
}

impl Blocks {
	/// Follows the node at `url`, starting with `chain` if already connected.
	pub fn new(url: &str, follow: Follow, chain: Option<Chain>) -> Self {
		let url = url.to_string();
		let lineage = Lineage::default();
		Self { url, follow, chain, stream: None, lineage, due: VecDeque::new() }
	}

	/// The next block, and the connection it came from.
	pub async fn next(&mut self) -> (Chain, ChainBlock) {
		loop {
			if let (Some(chain), Some(link)) = (&self.chain, self.due.front().copied()) {
				let number = u32::try_from(link.number).unwrap_or(u32::MAX);
				let mut read = None;
				for attempt in 1..=READ_TRIES {
					match chain.api.at_block_hash_and_number(link.hash, link.number).await {
						Ok(at) => {
							read = Some(at);
							break;
						},
						Err(err) => {
							tracing::warn!(block = number, attempt, "cannot read block: {err}")
						},
					}
					tokio::time::sleep(Duration::from_millis(500)).await;
				}
				// Handed out once read, or given up on after the tries (never read again).
				self.due.pop_front();
				self.lineage.record(link.hash);
				match read {
					Some(at) => return (chain.clone(), ChainBlock { number, at }),
					None => tracing::error!(block = number, "skipping a block that cannot be read"),
				}
				continue;
			}
			if let (Some(chain), Some(stream)) = (&self.chain, &mut self.stream) {
				match stream.next().await {
					Some(Ok(block)) => {
						let tip = BlockLink {
							hash: block.hash(),
							number: block.number(),
							parent: block.header().parent_hash,
						};
						let mut found = self.lineage.due(tip, &NodeLinks(chain)).await;
						for _ in 1..READ_TRIES {
							let Err(partial) = &found else { break };
							tracing::warn!(
								found = partial.len(),
								"cannot read a parent block; trying again"
							);
							tokio::time::sleep(Duration::from_millis(500)).await;
							found = self.lineage.due(tip, &NodeLinks(chain)).await;
						}
						let (Ok(due) | Err(due)) = found;
						self.due.extend(due);
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
#[allow(clippy::unwrap_used)]
mod tests {
	use super::*;
	use std::collections::HashMap;

	/// A block tree: each block's hash is `fork · 10⁶ + number`, its parent given.
	struct Tree(HashMap<H256, BlockLink>);

	fn hash(fork: u64, number: u64) -> H256 {
		H256::from_low_u64_be(fork * 1_000_000 + number)
	}

	impl Tree {
		/// The main chain 0..=height on fork 0.
		fn main(height: u64) -> Self {
			let mut tree = Self(HashMap::new());
			for number in 1..=height {
				tree.add(0, number, hash(0, number - 1));
			}
			tree
		}

		fn add(&mut self, fork: u64, number: u64, parent: H256) -> BlockLink {
			let link = BlockLink { hash: hash(fork, number), number, parent };
			self.0.insert(link.hash, link);
			link
		}

		fn get(&self, fork: u64, number: u64) -> BlockLink {
			self.0[&hash(fork, number)]
		}
	}

	impl Links for Tree {
		async fn link(&self, hash: H256) -> Option<BlockLink> {
			self.0.get(&hash).copied()
		}
	}

	/// Hands out `tip` as the follower does; returns `(fork, number)` of each block due.
	async fn hand_out(lineage: &mut Lineage, tree: &Tree, tip: BlockLink) -> Vec<(u64, u64)> {
		let due = lineage.due(tip, tree).await.unwrap();
		for link in &due {
			lineage.record(link.hash);
		}
		due.iter().map(|l| (l.hash.to_low_u64_be() / 1_000_000, l.number)).collect()
	}

	#[tokio::test]
	async fn blocks_are_handed_out_in_order_with_gaps_replayed() {
		let tree = Tree::main(10);
		let mut lineage = Lineage::default();
		assert_eq!(hand_out(&mut lineage, &tree, tree.get(0, 7)).await, vec![(0, 7)]);
		assert_eq!(hand_out(&mut lineage, &tree, tree.get(0, 8)).await, vec![(0, 8)]);
		assert_eq!(hand_out(&mut lineage, &tree, tree.get(0, 10)).await, vec![(0, 9), (0, 10)]);
		assert!(hand_out(&mut lineage, &tree, tree.get(0, 10)).await.is_empty());
	}

	#[tokio::test]
	async fn a_reorg_hands_out_the_new_forks_unannounced_blocks() {
		// Seen: 0/9, 0/10. New best: 1/11, child of 1/10, a sibling of 0/10 never announced.
		let mut tree = Tree::main(10);
		tree.add(1, 10, hash(0, 9));
		let tip = tree.add(1, 11, hash(1, 10));
		let mut lineage = Lineage::default();
		hand_out(&mut lineage, &tree, tree.get(0, 9)).await;
		hand_out(&mut lineage, &tree, tree.get(0, 10)).await;
		assert_eq!(hand_out(&mut lineage, &tree, tip).await, vec![(1, 10), (1, 11)]);
		// A sibling announced itself is handed out alone.
		let sibling = tree.add(2, 10, hash(0, 9));
		assert_eq!(hand_out(&mut lineage, &tree, sibling).await, vec![(2, 10)]);
	}

	#[tokio::test]
	async fn a_long_outage_replays_only_the_latest_blocks() {
		let tree = Tree::main(5 + 1_000);
		let mut lineage = Lineage::default();
		hand_out(&mut lineage, &tree, tree.get(0, 5)).await;
		let due = hand_out(&mut lineage, &tree, tree.get(0, 1_005)).await;
		assert_eq!(due.len(), MAX_REPLAY as usize + 1);
		assert_eq!(due.last(), Some(&(0, 1_005)));
		assert_eq!(due.first(), Some(&(0, 1_005 - u64::from(MAX_REPLAY))));
	}

	#[tokio::test]
	async fn an_unreadable_parent_is_reported_with_what_was_found() {
		let mut tree = Tree::main(10);
		let mut lineage = Lineage::default();
		hand_out(&mut lineage, &tree, tree.get(0, 5)).await;
		tree.0.remove(&hash(0, 7));
		let found = lineage.due(tree.get(0, 9), &tree).await.unwrap_err();
		let numbers: Vec<u64> = found.iter().map(|link| link.number).collect();
		assert_eq!(numbers, vec![8, 9]);
	}

	#[test]
	fn the_lineage_forgets_the_oldest_hashes() {
		let mut lineage = Lineage::default();
		for number in 0..(REMEMBERED as u64 + 10) {
			lineage.record(hash(0, number));
		}
		assert!(!lineage.knows(&hash(0, 0)));
		assert!(lineage.knows(&hash(0, REMEMBERED as u64 + 9)));
	}
}
