//! The Yuma epoch at 256, 1024 and 4096 UIDs with 64, 128 and 256 validators, each weighting
//! every miner, natively: the sparse implementation and the dense reference from the tests.
//! Each case runs one epoch first so the measured one starts from realistic bonds.
//!
//! `cargo bench -p inferchain-yuma` (the README of `primitives/yuma` has the table).

#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

#[path = "../tests/common.rs"]
mod common;

use common::{dense_epoch, Case};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

/// `n` UIDs; the first `validators` are permitted validators with distinct stake, each
/// weighting every miner with a pseudo-random weight.
fn subnet(n: usize, validators: usize) -> Case {
	let mut case = Case::new(n);
	let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
	let mut next = move || {
		state =
			state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
		(state >> 33) as u16
	};
	for v in 0..validators {
		let weights: Vec<(u16, u16)> = (validators..n).map(|j| (j as u16, next() | 1)).collect();
		case = case.validator(v, 1_000 + v as u128 * 17, &weights);
	}
	case.bonds = case.run().bonds;
	case.last_epoch = 1;
	case.weights_set_at = vec![2; n];
	case
}

fn epoch(c: &mut Criterion) {
	let mut group = c.benchmark_group("yuma_epoch");
	group.sample_size(10);
	for n in [256usize, 1024, 4096] {
		// 256 validators in a 256-UID subnet would leave no miner to weight.
		for validators in [64usize, 128, 256].into_iter().filter(|v| *v < n) {
			let case = subnet(n, validators);
			let id = format!("{n}uids_{validators}validators");
			group.bench_with_input(BenchmarkId::new("sparse", &id), &case, |b, case| {
				b.iter(|| case.run())
			});
			group.bench_with_input(BenchmarkId::new("dense_reference", &id), &case, |b, case| {
				b.iter(|| dense_epoch(case))
			});
		}
	}
	group.finish();
}

criterion_group!(benches, epoch);
criterion_main!(benches);
