#!/usr/bin/env bash
# Command 1: install what is missing, build the node and the worker, and run a development chain
# with a subnet for the bundled all-MiniLM-L6-v2 model (one miner, two validators) and a second
# for text generation with the bundled SmolLM2-135M-Instruct (one miner, two validators), and an
# OpenAI-compatible gateway that pays for on-chain requests to both.
# Extra arguments go to the node. WORKERS=0 runs the chain alone.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

# Two invocations: built together, cargo would unify their features and rebuild the node.
cargo build --locked -p inferchain-node
cargo build --locked -p inferchain-worker
node="$CARGO_TARGET_DIR/debug/inferchain-node"
worker="$CARGO_TARGET_DIR/debug/inferchain-worker"
rpc_port="${RPC_PORT:-9944}"
miner_port="${MINER_PORT:-8080}"
text_miner_port="${TEXT_MINER_PORT:-8081}"
gateway_port="${GATEWAY_PORT:-8090}"
chain="ws://127.0.0.1:${rpc_port}"
logs="$(mktemp -d "${TMPDIR:-/tmp}/inferchain-dev.XXXXXX")"

pids=()
cleanup() {
	trap - INT TERM EXIT
	[ ${#pids[@]} -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null
	wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

"$node" --dev --tmp --rpc-port "$rpc_port" --rpc-cors all "$@" &
pids+=($!)
until curl -sf -H 'Content-Type: application/json' \
	-d '{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}' "http://127.0.0.1:${rpc_port}" >/dev/null; do
	sleep 1
done

if [ "${WORKERS:-1}" != 0 ]; then
	# Alice (sudo) registers the model and subnet 0 for it, with a 20-block (1 minute) tempo and
	# 20 % of results audited; validator permits as by default (the top 64 stakes among
	# validators: the staked miner keeps mining). Two validators of different coldkeys: an
	# auditor's dissent alone never rejects a result, the other one's committee decides.
	"$worker" subnet --chain "$chain" --owner-suri //Alice --model-dir "$INFERCHAIN_MODEL_DIR" \
		--tempo 20 --reveal-period 3 --weights-rate-limit 0 \
		--audit-percent 20 >/dev/null
	# Bob's hotkey Charlie mines with 100 INFER of stake behind its results (a miner's open
	# requests are capped by its stake: 100 × each fee held until final); Ferdie's hotkey Eve
	# and Charlie//stash's hotkey Dave//stash validate with 100 INFER of stake each.
	"$worker" miner --chain "$chain" --netuid 0 --coldkey-suri //Bob --hotkey-suri //Charlie \
		--listen "127.0.0.1:${miner_port}" --stake 100000000000000 >"$logs/miner.log" 2>&1 &
	pids+=($!)
	"$worker" validator --chain "$chain" --netuid 0 --coldkey-suri //Ferdie --hotkey-suri //Eve \
		--stake 100000000000000 --metrics-listen 127.0.0.1:9616 >"$logs/validator.log" 2>&1 &
	pids+=($!)
	"$worker" validator --chain "$chain" --netuid 0 --coldkey-suri //Charlie//stash \
		--hotkey-suri //Dave//stash --stake 100000000000000 --metrics-listen 127.0.0.1:9617 \
		>"$logs/validator-2.log" 2>&1 &
	pids+=($!)
	# Subnet 1: text generation. Alice registers SmolLM2 (the chain computes its id from the
	# GGUF's digest and the text profile), 20 % of results audited; Dave's hotkey Dave//text
	# mines with 100 INFER of stake (a 256-token chat holds 3.6 INFER of it until final); Eve's
	# hotkey Eve//text and Ferdie's Ferdie//text validate with 100 INFER each, probing every
	# 10 blocks.
	"$worker" subnet --chain "$chain" --owner-suri //Alice --gguf "$INFERCHAIN_LLM_PATH" \
		--tempo 20 --reveal-period 3 --weights-rate-limit 0 --audit-percent 20 >/dev/null
	"$worker" miner --chain "$chain" --netuid 1 --coldkey-suri //Dave --hotkey-suri //Dave//text \
		--gguf "$INFERCHAIN_LLM_PATH" --listen "127.0.0.1:${text_miner_port}" --max-batch 8 \
		--stake 100000000000000 >"$logs/text-miner.log" 2>&1 &
	pids+=($!)
	"$worker" validator --chain "$chain" --netuid 1 --coldkey-suri //Eve --hotkey-suri //Eve//text \
		--gguf "$INFERCHAIN_LLM_PATH" --stake 100000000000000 --interval 10 \
		--metrics-listen 127.0.0.1:9618 >"$logs/text-validator.log" 2>&1 &
	pids+=($!)
	"$worker" validator --chain "$chain" --netuid 1 --coldkey-suri //Ferdie --hotkey-suri //Ferdie//text \
		--gguf "$INFERCHAIN_LLM_PATH" --stake 100000000000000 --interval 10 \
		--metrics-listen 127.0.0.1:9619 >"$logs/text-validator-2.log" 2>&1 &
	pids+=($!)
	# The gateway: OpenAI-style calls become requests paid by Ferdie, at most 100 INFER.
	"$worker" gateway --chain "$chain" --text-netuid 1 --embedding-netuid 0 \
		--gguf "$INFERCHAIN_LLM_PATH" --requester-suri //Ferdie --max-spend 100000000000000 \
		--listen "127.0.0.1:${gateway_port}" >"$logs/gateway.log" 2>&1 &
	pids+=($!)
fi

cat <<MSG

Inferchain dev chain
  RPC (WebSocket and HTTP): ${chain}
  polkadot.js Apps:         https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A${rpc_port}#/explorer
  Prometheus metrics:       http://127.0.0.1:9615/metrics (node)
  Dev accounts: Alice, Bob, Charlie, Dave, Eve, Ferdie (1,000,000 INFER each); Alice is sudo.
MSG
if [ "${WORKERS:-1}" != 0 ]; then
	cat <<MSG
  Subnet 0 runs all-MiniLM-L6-v2 (model id: subnets_getSubnet(0).task.modelId).
  Miner (hotkey Charlie), OpenAI-compatible: curl -s http://127.0.0.1:${miner_port}/v1/embeddings \\
      -H 'Content-Type: application/json' -d '{"input":"hello","model":"all-MiniLM-L6-v2"}'
  A paid, verified request (after the first epoch, ~1 minute, gives the validator its permit):
      $worker request --chain $chain --requester-suri //Dave --input "hello"
  Miner metrics:      http://127.0.0.1:${miner_port}/metrics
  Validator (hotkey Eve) metrics: http://127.0.0.1:9616/metrics
  Validator (hotkey Dave//stash) metrics: http://127.0.0.1:9617/metrics
  Subnet 1 runs SmolLM2-135M-Instruct (text generation). Miner (hotkey Dave//text), OpenAI-compatible:
      curl -s http://127.0.0.1:${text_miner_port}/v1/chat/completions -H 'Content-Type: application/json' \\
        -d '{"model":"SmolLM2-135M-Instruct","messages":[{"role":"user","content":"Hi!"}],"max_tokens":64}'
      (also /v1/completions, "stream": true, and /v1/models; answers carry tokens, proof and receipt)
  Text validators (hotkeys Eve//text, Ferdie//text) metrics: http://127.0.0.1:9618/metrics, :9619
  OpenAI-compatible gateway (each call a paid, verified on-chain request; answers as soon as a
  miner has answered on chain, verification status in the "inferchain" field):
      base URL: http://127.0.0.1:${gateway_port}/v1   (any API key)
      curl -s http://127.0.0.1:${gateway_port}/v1/chat/completions -H 'Content-Type: application/json' \\
        -d '{"model":"SmolLM2-135M-Instruct","messages":[{"role":"user","content":"Hi!"}],"max_tokens":32}'
      curl -s http://127.0.0.1:${gateway_port}/v1/requests/<id>   (follow a request to final)
  Worker logs:        ${logs}/{miner,validator,validator-2,text-miner,text-validator,text-validator-2,gateway}.log
MSG
fi
cat <<MSG
  Stop with Ctrl-C. The chain state lives in a temporary folder and is discarded on exit.

MSG
wait "${pids[0]}"
