#!/usr/bin/env python
"""Benchmark the synthetic call-log generator (callmine.synth); prints ONE JSON object.

* generation: wall time, rows/s and peak memory (max RSS of a fresh process) of
  ``write_calls`` for each size in ``--rows``; flat memory shows as a similar peak for
  sizes 10x apart.
* learnability: a plain TF-IDF (character 2-4-grams) + LinearSVC baseline trained on
  75% of the 20,000-call sample and scored on the rest. The data are meant to be
  learnable but not trivially (hard calls keep accuracy below 100%).

    python scripts/bench_sample_data.py --rows 100000 1000000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_CHILD = """
import resource, sys, time
from callmine.synth import write_calls
t = time.perf_counter()
n = write_calls(sys.argv[1], int(sys.argv[2]), seed=1, chunksize=50_000)
dt = time.perf_counter() - t
print(n, dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def bench_generation(rows: list[int], fmt: str) -> list[dict]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in rows:
            path = Path(tmp) / f"calls{fmt}"
            res = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(n)], check=True,
                                 capture_output=True, text=True)
            written, seconds, maxrss_kb = res.stdout.split()
            out.append({"rows": int(written), "format": fmt, "seconds": round(float(seconds), 1),
                        "rows_per_s": round(int(written) / float(seconds)),
                        "peak_rss_mb": round(int(maxrss_kb) / 1024), "file_mb": round(path.stat().st_size / 1e6, 1)})
    return out


def bench_learnability(n: int, seed: int) -> dict:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.svm import LinearSVC

    from callmine.synth import generate_calls

    df = generate_calls(n, seed=seed)
    train = np.random.default_rng(0).random(len(df)) < 0.75
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=2, sublinear_tf=True)
    clf = LinearSVC().fit(vec.fit_transform(df.text[train]), df.request_type[train])
    pred = clf.predict(vec.transform(df.text[~train]))
    truth = df.request_type[~train]
    return {"calls": n, "seed": seed, "model": "tfidf char_wb 2-4 + LinearSVC", "test_calls": int((~train).sum()),
            "accuracy": round(accuracy_score(truth, pred), 4),
            "macro_f1": round(f1_score(truth, pred, average="macro"), 4)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--format", default=".csv.gz", choices=[".csv", ".csv.gz", ".jsonl", ".parquet"])
    args = p.parse_args()
    t0 = time.perf_counter()
    result = {"generation": bench_generation(args.rows, args.format),
              "learnability": bench_learnability(20_000, 0)}
    result["total_seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
