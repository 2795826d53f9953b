"""Benchmark harness (see bench/run.py); not part of ``make test`` except a small smoke run."""
