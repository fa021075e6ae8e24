"""What a ``callmine classify`` job shows on stderr: its progress bar and its summary.

:class:`_Progress` is the tqdm bar in rows, with rows/s and an ETA (the
total estimated from the input's newlines, corrected for multi-line
transcripts as chunks finish); :func:`format_summary` turns the dict that
:func:`callmine.batch.classify_file` returns into a few readable lines.
Both are used by :mod:`callmine.batch` (and ``format_summary`` stays
importable from there).

Examples
--------
>>> print(format_summary({"rows_read": 3, "rows_written": 2, "rows_rejected": 1, "seconds": 0.5,
...                       "rows_per_s": 6.0, "output": "out.csv", "rejects": "out.csv.rejects.csv",
...                       "request_types": {"passport": 2}}))
classified 2 of 3 rows in 0.5 s (6 rows/s) -> out.csv
  rows read 3, written 2, rejected 1 (see out.csv.rejects.csv)
  calls per type:
    passport                                  2  100.0%
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def _count_records(path: Path, fmt: str) -> int | None:
    """Rough number of input records: newlines (fast), or Parquet metadata. None for .gz."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if str(path).lower().endswith(".gz"):
        return None
    lines = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 24), b""):
            lines += block.count(b"\n")
    return max(lines - (1 if fmt in ("csv", "tsv") else 0), 0)


class _Progress:
    """A tqdm bar on stderr in rows, with rows/s and ETA (total estimated from newlines)."""

    def __init__(self, path: Path, fmt: str, text_col: str):
        from tqdm import tqdm

        self.lines = _count_records(path, fmt)
        self.exact = fmt in ("parquet", "jsonl")
        self.text_col = text_col
        self.rows = 0
        self.line_est = 0
        # No monitor thread: worker processes may be forked after the bar exists.
        tqdm.monitor_interval = 0
        self.bar = tqdm(total=self.lines, unit=" rows", unit_scale=True, file=sys.stderr,
                        desc="classify", dynamic_ncols=True, smoothing=0.1)

    def update(self, n_input: int, rows: pd.DataFrame | None) -> None:
        self.rows += n_input
        if self.lines and not self.exact:
            extra = 0
            if rows is not None and len(rows):
                extra = int(rows[self.text_col].astype("string").str.count("\n").sum())
            self.line_est += n_input + extra
            if self.line_est:
                total = max(self.rows, round(self.lines * self.rows / self.line_est))
                if total != self.bar.total:
                    self.bar.total = total
        self.bar.update(n_input)

    def close(self) -> None:
        if self.bar.total is not None and self.bar.n != self.bar.total:
            self.bar.total = self.bar.n
            self.bar.refresh()
        self.bar.close()


def format_summary(summary: dict) -> str:
    """Human-readable summary of :func:`classify_file`'s result (for stderr)."""
    lines = [
        f"classified {summary['rows_written']:,} of {summary['rows_read']:,} rows in "
        f"{summary['seconds']:.1f} s ({summary['rows_per_s'] or 0:,.0f} rows/s) -> {summary['output']}",
        f"  rows read {summary['rows_read']:,}, written {summary['rows_written']:,}, "
        f"rejected {summary['rows_rejected']:,} (see {summary['rejects']})",
    ]
    if summary.get("chunks_resumed"):
        lines.append(f"  resumed: {summary['chunks_resumed']} of {summary['chunks']} chunks were "
                     "already done")
    total = max(summary["rows_written"], 1)
    lines.append("  calls per type:")
    for name, n in summary["request_types"].items():
        lines.append(f"    {name:<32} {n:>10,}  {100 * n / total:5.1f}%")
    return "\n".join(lines)
