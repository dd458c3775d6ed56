#!/usr/bin/env bash
# Install the real protocol peers the integration tests talk to (idempotent, cached).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x scripts/peers/install_bluesky.sh ]; then
  bash scripts/peers/install_bluesky.sh
fi
