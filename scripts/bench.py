#!/usr/bin/env python3
"""Benchmark: validate and consolidate a province's worth of workbooks (same as ``xxgk bench``).

    python scripts/bench.py                 # N = 2000, 3 runs each
    python scripts/bench.py --n 10000       # the full run
    python scripts/bench.py --quick         # small N, one run: proves the benchmark still works
"""
import sys

from xxgk.cli.bench_cmd import command

if __name__ == "__main__":
    sys.exit(command.main(prog_name="bench.py"))
