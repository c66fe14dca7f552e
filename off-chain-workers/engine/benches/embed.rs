//! Engine throughput: embeddings per second of all-MiniLM-L6-v2 on the CPU at batch sizes 1, 8
//! and 32, with `BENCH_THREADS` intra-op threads (default 2). `scripts/bench-embeddings.sh`
//! runs this and the same measurement in PyTorch (`scripts/bench-torch.py`) in one go.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use inferchain_engine::{EmbeddingModel, EngineOptions, ModelFiles};
use inferchain_inference::RuntimeProfile;
use std::path::PathBuf;

/// The sentences both benchmarks embed (the same list as `scripts/bench-torch.py`).
fn sentences(count: usize) -> Vec<String> {
	(0..count)
		.map(|i| {
			format!("Sentence number {i} asks the miner to embed a short piece of text quickly.")
		})
		.collect()
}

fn throughput(c: &mut Criterion) {
	let threads: u16 =
		std::env::var("BENCH_THREADS").ok().and_then(|t| t.parse().ok()).unwrap_or(2);
	let dir =
		std::env::var_os("INFERCHAIN_MODEL_DIR").map(PathBuf::from).expect("INFERCHAIN_MODEL_DIR");
	let options = EngineOptions {
		threads: Some(threads),
		..EngineOptions::cpu(RuntimeProfile::tolerant(10_000))
	};
	let model = EmbeddingModel::load(&ModelFiles::in_dir(&dir), options, &mut |_, _, _| {})
		.expect("model loads");
	let mut group = c.benchmark_group(format!("minilm_cpu_{threads}_threads"));
	for batch in [1usize, 8, 32] {
		let inputs = sentences(batch);
		group.throughput(Throughput::Elements(batch as u64));
		group.bench_with_input(BenchmarkId::new("batch", batch), &inputs, |b, inputs| {
			b.iter(|| model.embed(inputs).expect("embeds"))
		});
	}
	group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
