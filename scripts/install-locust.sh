#!/usr/bin/env bash
# Locust in its own virtual environment (never in the project's .venv): .cache/tools/locust.
# Used by benchmarks/locustfile.py; benchmarks/bench_load.py has its own lighter driver.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.cache/tools/locust
if [ ! -x "$VENV/bin/locust" ]; then
  PY="$(bash scripts/find-python.sh)"
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet "locust==2.*"
fi
"$VENV/bin/locust" --version
