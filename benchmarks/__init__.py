"""Benchmarks of the Arcsecond CLI; run them all with ``python -m benchmarks``."""
