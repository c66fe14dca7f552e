#!/usr/bin/env bash
# Command 2: install what is missing and run every check: format, lints, unit, property,
# benchmark and end-to-end tests. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export CARGO_TERM_COLOR=never
start=$(date +%s)
step() { echo; echo "==> $* (at $(( $(date +%s) - start ))s)"; }
# Every test run's output is also kept, to total the results at the end.
results=$(mktemp)
trap 'rm -f "$results"' EXIT
tests() { cargo test --locked "$@" 2>&1 | tee -a "$results"; }

step "format"
cargo fmt --all -- --check

step "clippy (all targets, warnings are errors)"
# The off-chain crates are checked on their own: in one invocation with the node, cargo would
# unify their dependencies' features with the node's and rebuild much of the node.
workers=(-p inferchain-inference -p inferchain-engine -p inferchain-worker)
not_workers=(--exclude inferchain-inference --exclude inferchain-engine --exclude inferchain-worker)
SKIP_WASM_BUILD=1 cargo clippy --locked --workspace "${not_workers[@]}" --all-targets -- -D warnings
SKIP_WASM_BUILD=1 cargo clippy --locked "${workers[@]}" --all-targets -- -D warnings
SKIP_WASM_BUILD=1 cargo clippy --locked -p pallet-subnets -p pallet-stake -p pallet-emission -p pallet-inference -p pallet-validators \
	-p inferchain-runtime --all-targets \
	--features runtime-benchmarks,try-runtime -- -D warnings

step "no_std crates build for Wasm"
cargo check --locked -p inferchain-yuma -p inferchain-inference --no-default-features --target wasm32v1-none

step "build the node (with the Wasm runtime) and the worker (with libtorch)"
# Two invocations: built together, cargo would unify their features and rebuild the node.
cargo build --locked -p inferchain-node
cargo build --locked -p inferchain-worker

step "unit and property tests"
tests --workspace --exclude inferchain-e2e "${not_workers[@]}"
tests "${workers[@]}"

step "pallet benchmarks as tests, and try-state"
tests -p pallet-subnets -p pallet-stake -p pallet-emission -p pallet-inference -p pallet-validators --features runtime-benchmarks,try-runtime

step "end-to-end tests (real nodes on loopback)"
npm ci --prefix e2e/polkadot-js --no-audit --no-fund --loglevel=error
# The official OpenAI Python client, for the text-generation test (e2e/openai/text_client.py).
pyclient="$HOME/.cache/inferchain/pyclient"
if ! "$pyclient/bin/python" -c "import openai" 2>/dev/null; then
	python3 -m venv "$pyclient"
	"$pyclient/bin/pip" install --quiet "openai==3.57.0"
fi
export INFERCHAIN_PYTHON="$pyclient/bin/python"
tests -p inferchain-e2e -- --test-threads 2

step "done in $(( $(date +%s) - start ))s"
# One closing line for all test binaries together.
awk '/^test result:/ { p += $4; f += $6; i += $8 } END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, i }' "$results"
