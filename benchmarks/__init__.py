"""Benchmarks: `make bench` (python -m benchmarks) runs them and updates docs/benchmarks.md."""
