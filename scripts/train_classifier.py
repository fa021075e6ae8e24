"""The recipe that produced ``models/default.joblib`` from ``sample_data/calls.csv``.

1. Read the labelled call log with :func:`callmine.io.read_calls` (rejected
   rows are reported, never silently dropped).
2. Hold out ``--test-size`` of the calls (stratified, fixed seed), train the
   ``fast`` classifier on the rest and evaluate it on the held-out calls.
3. Retrain on every call and save the model with the held-out figures, the
   training-data fingerprint and the versions in its metadata.

Prints the held-out evaluation as one JSON object on stdout.

Usage::

    python scripts/train_classifier.py                      # writes models/default.joblib
    python scripts/train_classifier.py --data my_calls.csv --label-col topic -o models/mine.joblib
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

from callmine.classify import RequestTypeClassifier, evaluate
from callmine.io import read_calls
from callmine.persist import data_fingerprint, read_metadata, save_model

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(ROOT / "sample_data" / "calls.csv"))
    ap.add_argument("--text-col", default="text")
    ap.add_argument("--label-col", default="request_type")
    ap.add_argument("-o", "--output", default=str(ROOT / "models" / "default.joblib"))
    ap.add_argument("--profile", default="fast", choices=["fast", "accurate"])
    ap.add_argument("--test-size", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    rows, rejects = read_calls(args.data, text_col=args.text_col, required=[args.label_col])
    if len(rejects):
        print(f"skipped {len(rejects)} rows: {rejects['reason'].value_counts().to_dict()}",
              file=sys.stderr)
    texts = rows[args.text_col].to_numpy(dtype=object)
    labels = rows[args.label_col].to_numpy(dtype=object)
    tr, te = train_test_split(np.arange(len(texts)), test_size=args.test_size,
                              random_state=args.seed, stratify=labels)
    print(f"training on {len(tr)} calls, evaluating on {len(te)} held-out calls ...", file=sys.stderr)
    held = RequestTypeClassifier(profile=args.profile, random_state=args.seed)
    t0 = time.perf_counter()
    held.fit(texts[tr], labels[tr])
    train_s = time.perf_counter() - t0
    report = evaluate(held, texts[te], labels[te])
    summary = {k: report[k] for k in ("n", "accuracy", "closed_set_accuracy", "macro_f1",
                                       "rejected_share", "ece")}
    summary["confused_pairs_top5"] = report["confused_pairs"][:5]
    summary["train_seconds_on_split"] = round(train_s, 1)

    print(f"retraining on all {len(texts)} calls ...", file=sys.stderr)
    final = RequestTypeClassifier(profile=args.profile, random_state=args.seed).fit(texts, labels)
    meta = {
        "training_data": {"file": Path(args.data).name, "rows": int(len(texts)),
                          "sha256": data_fingerprint(texts, labels), "text_col": args.text_col,
                          "label_col": args.label_col},
        "evaluation": {"method": f"stratified hold-out {args.test_size:.0%}, seed {args.seed}, "
                                 f"model retrained on all rows afterwards", **summary},
        "recipe": "scripts/train_classifier.py",
    }
    path = save_model(final, args.output, metadata=meta)
    size = path.stat().st_size
    summary["model_file"] = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    summary["model_bytes"] = size
    summary["threshold"] = round(final.threshold_, 4)
    assert read_metadata(path)["evaluation"]["accuracy"] == summary["accuracy"]
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
