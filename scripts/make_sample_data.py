#!/usr/bin/env python
"""Write a synthetic e-government hotline call log (see callmine.synth).

Examples
--------
    python scripts/make_sample_data.py -n 20000 --seed 0 -o sample_data/calls.csv
    python scripts/make_sample_data.py -n 1000000 --seed 1 -o /tmp/calls_1m.parquet

The format follows the extension: .csv, .csv.gz, .jsonl or .parquet. Rows are
generated and written in chunks, so memory stays flat for millions of rows.
"""

from __future__ import annotations

import argparse
import sys
import time

from callmine.errors import CallmineError
from callmine.synth import write_calls


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-n", "--rows", type=int, default=20_000, help="number of calls (default: 20000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.add_argument("-o", "--output", default="sample_data/calls.csv",
                   help="output file: .csv, .csv.gz, .jsonl or .parquet")
    p.add_argument("--start", default="2023-01-01", help="first day, ISO date (default: 2023-01-01)")
    p.add_argument("--years", type=int, default=3, help="length of the period in years (default: 3)")
    p.add_argument("--growth", type=float, default=0.15, help="annual growth of volume (default: 0.15)")
    p.add_argument("--chunksize", type=int, default=50_000, help="rows per written chunk (default: 50000)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    args = p.parse_args(argv)
    t0 = time.perf_counter()

    def progress(done: int) -> None:
        if not args.quiet:
            print(f"\r{done:,} / {args.rows:,} rows  {time.perf_counter() - t0:.0f}s", end="", file=sys.stderr)

    try:
        n = write_calls(args.output, args.rows, seed=args.seed, chunksize=args.chunksize, start=args.start,
                        years=args.years, annual_growth=args.growth, progress=progress)
    except CallmineError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"\nwrote {n:,} rows to {args.output} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
