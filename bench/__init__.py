"""Benchmarks on production-sized data: ``make bench`` (or ``python -m bench.run [names...]``)."""
