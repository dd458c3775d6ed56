#!/usr/bin/env bash
# Install the real protocol peers the integration tests talk to (idempotent, cached).
# In CI (or with TRIBUNE_REQUIRE_PEERS=1) a failed install fails the run; elsewhere the
# peer tests skip loudly instead, so a laptop without network access can still test.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -x scripts/peers/install_bluesky.sh ]; then
  if ! bash scripts/peers/install_bluesky.sh; then
    if [ -n "${CI:-}" ] || [ "${TRIBUNE_REQUIRE_PEERS:-}" = "1" ]; then
      echo "The Bluesky test network could not be installed (required in CI)." >&2
      exit 1
    fi
    echo "!!! Bluesky test network unavailable: its tests will be SKIPPED !!!" >&2
  fi
fi
# Chat peers for listening alerts: Synapse (own venv, PyPI) and prosody (Debian).
for peer in synapse prosody; do
  if [ -x "scripts/peers/install_${peer}.sh" ]; then
    if ! bash "scripts/peers/install_${peer}.sh"; then
      if [ -n "${CI:-}" ] || [ "${TRIBUNE_REQUIRE_PEERS:-}" = "1" ]; then
        echo "The ${peer} test peer could not be installed (required in CI)." >&2
        exit 1
      fi
      echo "!!! ${peer} test peer unavailable: its tests will be SKIPPED !!!" >&2
    fi
  fi
done
