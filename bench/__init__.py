"""Benchmarks: run as modules (`python -m bench.queries`); not part of the test suite."""
