"""Benchmarks of synthledger on large generated archives; run by hand, never from tests.

``python scripts/benchmark.py --help`` (or ``python -m benchmarks``) is the entry.
"""
