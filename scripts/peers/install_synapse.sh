#!/usr/bin/env bash
# Install a real Matrix homeserver (Synapse, from PyPI) for Tribune's chat-alert peer tests.
#
# Synapse lives in its own virtual environment (default: <repo>/.cache/peers/synapse/venv),
# never in the project's: it pins many libraries of its own. The version is pinned here.
# Idempotent: when the stamp matches and `import synapse` works it exits at once; concurrent
# runs wait for each other (flock). Usage:
#   scripts/peers/install_synapse.sh                  # install or verify
#   scripts/peers/install_synapse.sh --print-python   # print the venv's python
#   TRIBUNE_PEERS_CACHE=/elsewhere scripts/peers/install_synapse.sh
set -euo pipefail

SYNAPSE_VERSION="1.163.2"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${TRIBUNE_PEERS_CACHE:-$ROOT/.cache/peers}/synapse"
VENV="$CACHE/venv"
PY="$VENV/bin/python"
STAMP="$CACHE/.installed"
LOG="$CACHE/install.log"
STAMP_VALUE="matrix-synapse=${SYNAPSE_VERSION} v1"

die() {
    echo "install_synapse: ERROR: $*" >&2
    if [[ -f "$LOG" ]]; then
        echo "install_synapse: last lines of $LOG:" >&2
        tail -n 25 "$LOG" >&2 || true
    fi
    exit 1
}
say() { echo "install_synapse: $*" >&2; }

check_installed() {
    [[ -f "$STAMP" && "$(cat "$STAMP")" == "$STAMP_VALUE" ]] || return 1
    [[ -x "$PY" ]] || return 1
    "$PY" -c "import synapse, synapse._scripts.register_new_matrix_user" >/dev/null 2>&1
}

done_ok() {
    [[ "${1:-}" == "--print-python" ]] && echo "$PY"
    exit 0
}

check_installed && done_ok "${1:-}"

mkdir -p "$CACHE"
if command -v flock >/dev/null 2>&1; then
    exec 9>"$CACHE/.lock"
    flock -w 900 9 || die "another install holds $CACHE/.lock for more than 15 minutes."
    check_installed && done_ok "${1:-}"
fi

# Synapse supports CPython 3.10+; prefer the project's interpreter finder (>= 3.12).
BASE_PY="${SYNAPSE_PYTHON:-}"
if [[ -z "$BASE_PY" ]]; then
    BASE_PY="$(bash "$ROOT/scripts/find-python.sh" 2>/dev/null || true)"
fi
[[ -n "$BASE_PY" ]] || BASE_PY="$(command -v python3 || true)"
[[ -n "$BASE_PY" ]] || die "no python3 found (Synapse needs Python >= 3.10)."

: >"$LOG"
say "creating $VENV with $BASE_PY"
rm -rf "$VENV"
"$BASE_PY" -m venv "$VENV" >>"$LOG" 2>&1 || die "could not create a virtual environment with $BASE_PY (python3-venv missing?)."
say "installing matrix-synapse==$SYNAPSE_VERSION (a minute or two)"
"$VENV/bin/pip" install --disable-pip-version-check --no-input -q \
    "matrix-synapse==$SYNAPSE_VERSION" >>"$LOG" 2>&1 \
    || die "pip install matrix-synapse==$SYNAPSE_VERSION failed (PyPI unreachable, or no wheel for this platform)."
"$PY" -c "import synapse, synapse._scripts.register_new_matrix_user" >>"$LOG" 2>&1 \
    || die "Synapse was installed but does not import."
echo "$STAMP_VALUE" >"$STAMP"
say "ready: $("$PY" -c 'import synapse; print(synapse.__version__)')"
done_ok "${1:-}"
