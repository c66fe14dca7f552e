#!/usr/bin/env bash
# Runs a pallet's frame-benchmarking v2 benchmarks on the Wasm runtime and writes its weights.rs.
#   scripts/benchmark-pallet.sh subnets        # -> pallets/subnets/src/weights.rs
#   STEPS=20 REPEAT=10 scripts/benchmark-pallet.sh subnets   # fewer samples (default 50 × 20)
#   EXTRINSICS=epoch,yuma OUTPUT=/tmp/emission.rs STEPS=3 REPEAT=2 scripts/benchmark-pallet.sh emission
#                                              # some benchmarks only, weights.rs left alone
#   EXTRINSICS=epoch,yuma LOW=4096 HIGH=4096 STEPS=2 REPEAT=10 OUTPUT=/tmp/emission.rs \
#     scripts/benchmark-pallet.sh emission     # only the largest component value (quick check)
# Installs frame-omni-bencher once (a long build) under ~/.cache/inferchain/tools.
# Proof recording is off while timing: Inferchain is a solo chain (Aura + GRANDPA) whose blocks
# have no proof-size limit (`RuntimeBlockWeights`: u64::MAX), so its blocks are never executed
# with a recorder, and frame-omni-bencher's own help says such chains should time without it.
# Proof sizes in weights.rs still come from each item's MaxEncodedLen.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
name="${1:?usage: scripts/benchmark-pallet.sh <pallet folder name, e.g. subnets>}"

tools="$HOME/.cache/inferchain/tools"
bencher="$tools/bin/frame-omni-bencher"
if [ ! -x "$bencher" ]; then
	# Its RocksDB bindings are generated with bindgen, which needs libclang.
	if ! dpkg-query -W -f='${Status}' libclang-dev 2>/dev/null | grep -q "install ok installed"; then
		SUDO=""
		[ "$(id -u)" -eq 0 ] || SUDO="sudo"
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libclang-dev >/dev/null
	fi
	CARGO_TARGET_DIR="$HOME/.cache/inferchain/omni-target" \
		cargo install --locked frame-omni-bencher@0.28.0 --root "$tools"
fi

cargo build --locked -p inferchain-runtime --features runtime-benchmarks
runtime="$CARGO_TARGET_DIR/debug/wbuild/inferchain-runtime/inferchain_runtime.wasm"

"$bencher" v1 benchmark pallet \
	--runtime "$runtime" \
	--genesis-builder-preset development \
	--pallet "pallet_$name" --extrinsic "${EXTRINSICS:-*}" \
	--steps "${STEPS:-50}" --repeat "${REPEAT:-20}" \
	--disable-proof-recording \
	${LOW:+--low "$LOW"} ${HIGH:+--high "$HIGH"} \
	--template scripts/weight-template.hbs \
	--output "${OUTPUT:-pallets/$name/src/weights.rs}"
echo "wrote ${OUTPUT:-pallets/$name/src/weights.rs}"
