#!/usr/bin/env bash
# Install a real XMPP server (Debian's prosody) for Tribune's chat-alert peer tests.
#
# The tests never use the system service: tests/peers/prosody.py writes its own config
# (free ports, data in a temporary directory) and starts `prosody` itself. The package's
# post-install may start the system daemon; we stop the one it started (by its pidfile)
# so it does not hold port 5222. Idempotent: exits at once when `prosodyctl` exists.
# Needs root (or sudo) and apt-get. Usage:
#   scripts/peers/install_prosody.sh            # install or verify
#   scripts/peers/install_prosody.sh --print-bin   # print the prosody binary path
set -euo pipefail

die() { echo "install_prosody: ERROR: $*" >&2; exit 1; }
say() { echo "install_prosody: $*" >&2; }

found() {
    command -v prosody >/dev/null 2>&1 && command -v prosodyctl >/dev/null 2>&1
}

if ! found; then
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install the 'prosody' package (>= 0.12) by hand."
    SUDO=""
    if [[ "$(id -u)" != "0" ]]; then
        command -v sudo >/dev/null 2>&1 || die "root (or sudo) is needed to apt-get install prosody."
        SUDO="sudo -n"
    fi
    LOG="$(mktemp -t install_prosody.XXXXXX)"
    say "apt-get install prosody (log: $LOG)"
    export DEBIAN_FRONTEND=noninteractive
    if ! $SUDO apt-get install -y -q --no-install-recommends prosody >"$LOG" 2>&1; then
        $SUDO apt-get update -q >>"$LOG" 2>&1 || true
        $SUDO apt-get install -y -q --no-install-recommends prosody >>"$LOG" 2>&1 \
            || { tail -n 20 "$LOG" >&2; die "apt-get install prosody failed."; }
    fi
    # The system daemon, if the package started one, is not ours to keep running.
    if [[ -f /run/prosody/prosody.pid ]]; then
        pid="$(cat /run/prosody/prosody.pid 2>/dev/null || true)"
        [[ -n "$pid" ]] && $SUDO kill "$pid" 2>/dev/null || true
    fi
    found || die "prosody was installed but is not on PATH."
fi
[[ "${1:-}" == "--print-bin" ]] && command -v prosody
exit 0
