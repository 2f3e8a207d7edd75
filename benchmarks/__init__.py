"""Benchmarks of synthledger on large generated archives; run by hand.

``python scripts/benchmark.py --help`` (or ``python -m benchmarks``) is the entry;
tests/test_benchmark_archive.py checks the archives and the commit script on tiny ones.
"""
