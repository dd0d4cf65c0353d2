"""Hujin's benchmarks, run with ``hujin bench <name>`` (never as timed tests)."""
