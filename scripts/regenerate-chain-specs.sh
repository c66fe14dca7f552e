#!/usr/bin/env bash
# Rewrites chain-spec/{dev,local}{,-raw}.json from the current runtime.
# Run after any change to the runtime or its genesis presets; a test fails until you do.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --locked -p inferchain-node
node="$CARGO_TARGET_DIR/debug/inferchain-node"
for chain in dev local; do
	"$node" build-spec --chain "$chain" --disable-default-bootnode >"chain-spec/$chain.json" 2>/dev/null
	"$node" build-spec --chain "$chain" --disable-default-bootnode --raw >"chain-spec/$chain-raw.json" 2>/dev/null
done
ls -l chain-spec/*.json
