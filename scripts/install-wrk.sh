#!/usr/bin/env bash
# The redirect phase of `python -m benchmarks bench_load` drives the server with wrk, a C
# load generator that leaves the 2 cores to the server (the asyncio client is the fallback).
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing wrk for the load test (apt-get)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq wrk >/dev/null
  command -v wrk >/dev/null && exit 0
fi
echo "wrk is not installed and could not be installed here: apt-get install wrk" >&2
exit 1
