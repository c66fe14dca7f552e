//! Probe inputs: fresh random sentences for every miner and round, so answers cannot be cached
//! or copied from another miner.

use rand::{seq::SliceRandom, Rng};

const SUBJECTS: &[&str] = &[
	"the validator",
	"a miner",
	"the subnet owner",
	"every delegator",
	"the runtime",
	"a light client",
	"the audit committee",
	"an honest node",
	"the GPU host",
	"a curious researcher",
];
const VERBS: &[&str] = &[
	"re-executes",
	"commits",
	"reveals",
	"verifies",
	"samples",
	"slashes",
	"stakes on",
	"embeds",
	"challenges",
	"finalizes",
];
const OBJECTS: &[&str] = &[
	"the sentence embeddings",
	"a signed receipt",
	"the output commitment",
	"every weight",
	"the model id",
	"a random batch",
	"the consensus row",
	"its bonded stake",
	"the inference fee",
	"the finalized block",
];
const TAILS: &[&str] = &[
	"before the tempo ends",
	"with a fresh salt",
	"under the comparison rule",
	"in deterministic mode",
	"across four thousand UIDs",
	"while the chain keeps producing blocks",
	"for the second time today",
	"without trusting anyone",
];

/// `count` random sentences, each ending in a random number.
pub fn sentences(rng: &mut impl Rng, count: usize) -> Vec<String> {
	(0..count)
		.map(|_| {
			let pick = |words: &[&'static str], rng: &mut _| *words.choose(rng).unwrap_or(&"");
			format!(
				"{} {} {} {} (#{})",
				pick(SUBJECTS, rng),
				pick(VERBS, rng),
				pick(OBJECTS, rng),
				pick(TAILS, rng),
				rng.gen_range(0..1_000_000u32)
			)
		})
		.collect()
}

/// Ways of asking about a sentence, for text-generation probes.
const ASKS: &[&str] = &[
	"Explain in two sentences what this means:",
	"Continue the story that starts with:",
	"Rewrite this as a question:",
	"Give three short reasons why this matters:",
	"Translate this into plain words for a child:",
];

/// A fresh chat question around a random sentence.
pub fn question(rng: &mut impl Rng) -> String {
	let ask = *ASKS.choose(rng).unwrap_or(&"");
	let sentence = sentences(rng, 1).pop().unwrap_or_default();
	format!("{ask} {sentence}")
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand::{rngs::StdRng, SeedableRng};

	#[test]
	fn probes_are_fresh_and_non_empty() {
		let mut rng = StdRng::seed_from_u64(1);
		let a = sentences(&mut rng, 3);
		let b = sentences(&mut rng, 3);
		assert_eq!(a.len(), 3);
		assert!(a.iter().all(|s| s.split(' ').count() >= 6));
		assert_ne!(a, b);
	}
}
