#!/usr/bin/env bash
# Command 1: install what is missing, build the node, and run a development chain.
# Extra arguments go to the node, e.g. `scripts/dev.sh --sealing instant`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

cargo build --locked -p inferchain-node
node="$CARGO_TARGET_DIR/debug/inferchain-node"
rpc_port="${RPC_PORT:-9944}"

cat <<MSG

Inferchain dev chain
  RPC (WebSocket and HTTP): ws://127.0.0.1:${rpc_port}
  polkadot.js Apps:         https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A${rpc_port}#/explorer
  Prometheus metrics:       http://127.0.0.1:9615/metrics
  Dev accounts: Alice, Bob, Charlie, Dave, Eve, Ferdie (1,000,000 INFER each); Alice is sudo.
  Stop with Ctrl-C. The chain state lives in a temporary folder and is discarded on exit.

MSG
exec "$node" --dev --tmp --rpc-port "$rpc_port" --rpc-cors all "$@"
