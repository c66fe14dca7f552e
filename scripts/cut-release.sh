#!/usr/bin/env bash
# Cuts a runtime release: builds the node and writes releases/v<spec_version>/ with the
# compressed Wasm the node embeds (its dev spec's :code), its SHA-256 and RELEASE.md; then
# raises main's spec_version by one and regenerates the chain specs, so that main's runtime is
# always an upgrade of the latest release (e2e/tests/release.rs). See releases/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --locked -p inferchain-node
node="$CARGO_TARGET_DIR/debug/inferchain-node"
spec=$(sed -n 's/^\tspec_version: \([0-9]*\),$/\1/p' runtime/src/lib.rs)
tx=$(sed -n 's/^\ttransaction_version: \([0-9]*\),$/\1/p' runtime/src/lib.rs)
dir="releases/v$spec"
if [ -e "$dir" ]; then
	echo "$dir exists: raise spec_version in runtime/src/lib.rs first" >&2
	exit 1
fi
mkdir -p "$dir"
"$node" build-spec --chain dev --raw --disable-default-bootnode 2>/dev/null | python3 -c '
import json, sys
code = json.load(sys.stdin)["genesis"]["raw"]["top"]["0x3a636f6465"]
sys.stdout.buffer.write(bytes.fromhex(code[2:]))' >"$dir/inferchain_runtime.compact.compressed.wasm"
(cd "$dir" && sha256sum inferchain_runtime.compact.compressed.wasm >SHA256SUMS)
cat >"$dir/RELEASE.md" <<NOTES
# Inferchain runtime v$spec

- \`spec_version\` $spec, \`transaction_version\` $tx, \`spec_name\` \`inferchain\`.
- Source: commit \`$(git rev-parse HEAD)\` ($(date -u +%Y-%m-%d))$(git diff --quiet || echo ', with uncommitted changes').
- SHA-256: see \`SHA256SUMS\`.

## Changes since the previous release

$(git log --format='- %s' "$(git log -1 --format=%H -- releases/)..HEAD" -- runtime pallets primitives | cut -c1-160)
NOTES
echo "released $dir"; ls -l "$dir"
# main moves on: the next runtime is an upgrade of this release.
sed -i "s/^\tspec_version: $spec,\$/\tspec_version: $((spec + 1)),/" runtime/src/lib.rs
grep -q "^	spec_version: $((spec + 1)),\$" runtime/src/lib.rs
bash scripts/regenerate-chain-specs.sh
echo "main's spec_version is now $((spec + 1)): commit $dir, runtime/src/lib.rs and chain-spec/"
