#!/usr/bin/env bash
# Simulates a brand-new machine: a clean clone of the current commit (HEAD) and an empty n8n cache, then the
# whole CI run (.ci/run). A green run here means no install step depends on something this machine already had.
#   bash scripts/fresh-machine-check.sh            # clone HEAD of this repository
#   KEEP=1 bash scripts/fresh-machine-check.sh     # keep the clone and the cache for inspection
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d -t telesign-fresh-XXXXXX)"
cleanup() { [ "${KEEP:-0}" = 1 ] && echo "kept: $work" || rm -rf "$work"; }
trap cleanup EXIT
git clone --quiet --no-local "$repo" "$work/clone"
mkdir -p "$work/cache"
echo "== fresh clone of $(git -C "$repo" rev-parse --short HEAD) in $work/clone, empty n8n cache $work/cache"
cd "$work/clone"
TELESIGN_E2E_CACHE="$work/cache" bash .ci/run
