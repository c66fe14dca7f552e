#!/usr/bin/env bash
# Text generation figures of the engine (Rust, tch) and of PyTorch eager (Python, transformers)
# on the same GGUF, machine, thread count and prompts, one after the other in one run:
# tokens/s at 1 and 8 streams, time to first token, the validator's check against generation
# time, proof bytes. Usage: BENCH_THREADS=2 scripts/bench-text.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export BENCH_THREADS="${BENCH_THREADS:-2}"
# PyTorch for the comparison: the CUDA wheel from PyPI with its dependencies (~5 GB, once).
pyref="${INFERCHAIN_CACHE:-$HOME/.cache/inferchain}/pyref"
if [ ! -x "$pyref/bin/python" ] || ! "$pyref/bin/python" -c "import transformers, gguf, accelerate" 2>/dev/null; then
	python3 -m venv "$pyref"
	"$pyref/bin/pip" install --quiet torch==2.11.0 "transformers==4.57.*" gguf accelerate
fi
engine=$(cargo bench --locked -p inferchain-engine --bench generate 2>/dev/null | grep -E "^(engine|tokens) ")
echo "$engine" | grep "^engine"
tokens=$(echo "$engine" | sed -n 's/^tokens //p')
"$pyref/bin/python" scripts/bench-text.py "$INFERCHAIN_LLM_PATH" "$tokens" 2>/dev/null
