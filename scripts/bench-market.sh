#!/usr/bin/env bash
# Load benchmarks of the inference market on a dev node (e2e/tests/market_load.rs): results
# against Balances.transfer_keep_alive, same node, same run, for embeddings
# (Inference.submit_result, 384 values) and for text (Inference.submit_generation, 256 tokens
# and their proof). One at a time: each starts its own node.
#   scripts/bench-market.sh            # 1000 extrinsics per kind
#   LOAD_N=3000 scripts/bench-market.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --locked -p inferchain-node
LOAD_N="${LOAD_N:-1000}" cargo test --locked -p inferchain-e2e --test market_load -- \
	--ignored --nocapture --test-threads 1
