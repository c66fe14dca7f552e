#!/usr/bin/env bash
# Load benchmark of the inference market on a dev node: Inference.submit_result throughput
# against Balances.transfer_keep_alive, same node, same run (e2e/tests/market_load.rs).
#   scripts/bench-market.sh            # 1000 extrinsics per kind
#   LOAD_N=3000 scripts/bench-market.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --locked -p inferchain-node
LOAD_N="${LOAD_N:-1000}" cargo test --locked -p inferchain-e2e --test market_load -- \
	--ignored --nocapture
