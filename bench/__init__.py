"""Benchmarks and measurement reports; each prints figures relative to a floor measured in
the same run. Run from the repository root: `.venv/bin/python -m bench.photo`."""
