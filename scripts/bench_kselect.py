"""Benchmark the choice of the number of request types (``k="auto"``).

Fits :class:`callmine.discover.RequestTypeDiscoverer` with ``k="auto"`` on
data sets whose number of types is known and prints ONE JSON object: for
each set and profile, the true k, the k chosen by
:func:`callmine.kselect.choose_k` (knee of the silhouette in the text
representation)
and, in the same run on the same inputs, the k the previous criterion
:func:`callmine.clustering.choose_k` (silhouette in the spectral space) would
choose, the share of outliers (cluster -1) of the fit, NMI / ARI of the
fit at the chosen k, and the time of each criterion.

Sets (``../shared/data/banking77``, ``callmine.synth``):

* ``b77_test``: the 3,080 requests of BANKING77 test.csv (77 intents; target
  of issue 5: 77 +/- 15);
* ``b77_train3k_s{1,2}``: 3,000 requests drawn from train.csv (77 intents);
* ``b77_test_{20,40}int_s{1,2}``: the test requests of 20 or 40 intents drawn
  at random (about 40 requests per intent, like the full test set);
* ``b77_train_{20,40}int_s1``: the train requests of 20 or 40 random intents
  (about 130 requests per intent);
* ``synth_dev``: 20,000 synthetic calls, seed 7 (35 types; development data);
* with ``--sample``: ``sample_data/calls.csv`` (seed 0, 35 types), scored once.

Usage::

    python scripts/bench_kselect.py > bench_kselect.json
    python scripts/bench_kselect.py --profiles fast --sets b77_test,synth_dev
    python scripts/bench_kselect.py --sample sample_data/calls.csv
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

import callmine.discover as discover
from callmine import clustering, kselect
from callmine.embeddings import embeddings_available
from callmine.synth import generate_calls

ROOT = Path(__file__).resolve().parents[1]
B77 = ROOT.parent / "shared" / "data" / "banking77"
TARGET = (62, 92)


def banking77_sets() -> dict:
    te = pd.read_csv(B77 / "test.csv")
    tr = pd.read_csv(B77 / "train.csv")
    cats = sorted(tr["category"].unique())
    sets = {"b77_test": (te["text"].tolist(), te["category"].to_numpy())}
    for s in (1, 2):
        idx = np.random.RandomState(s).choice(len(tr), 3000, replace=False)
        sets[f"b77_train3k_s{s}"] = (tr["text"].iloc[idx].tolist(),
                                     tr["category"].iloc[idx].to_numpy())
    for m in (20, 40):
        for s in (1, 2):
            keep = set(np.random.RandomState(100 + s).choice(cats, m, replace=False))
            sub = te[te["category"].isin(keep)]
            sets[f"b77_test_{m}int_s{s}"] = (sub["text"].tolist(), sub["category"].to_numpy())
            if s == 1:
                sub = tr[tr["category"].isin(keep)]
                sets[f"b77_train_{m}int_s{s}"] = (sub["text"].tolist(),
                                                  sub["category"].to_numpy())
    return sets


class Recorder:
    """Stands in for discover.choose_k: both criteria on the same inputs; returns the new one."""

    def __init__(self):
        self.calls = []
        self._orig_se = discover.spectral_embedding
        self._z = None

    def spectral_embedding(self, Z, **kw):
        self._z = Z
        return self._orig_se(Z, **kw)

    def choose_k(self, U, weight, **kw):
        Z = kw.pop("Z", None)
        if Z is None:  # the call site does not pass the representation (yet)
            Z = self._z if kw.get("spectral", True) else U
        t0 = time.perf_counter()
        old = clustering.choose_k(U, weight, **kw)
        t_old = time.perf_counter() - t0
        t0 = time.perf_counter()
        new = kselect.choose_k(U, weight, Z=Z, **kw)
        t_new = time.perf_counter() - t0
        self.calls.append({"k": new[0], "k_previous": old[0], "reason": new[2],
                           "seconds_criterion": round(t_new, 1),
                           "seconds_previous": round(t_old, 1)})
        return new

    def __enter__(self):
        self._saved = (discover.choose_k, discover.spectral_embedding)
        discover.choose_k = self.choose_k
        discover.spectral_embedding = self.spectral_embedding
        return self

    def __exit__(self, *exc):
        discover.choose_k, discover.spectral_embedding = self._saved


def run(name, texts, y, profile) -> dict:
    t0 = time.perf_counter()
    with Recorder() as rec:
        d = discover.RequestTypeDiscoverer(k="auto", profile=profile, random_state=0,
                                           n_stability_runs=0).fit(texts)
    secs = time.perf_counter() - t0
    c = rec.calls[-1]
    true_k = int(pd.Series(y).nunique())
    out = {"set": name, "profile": profile, "calls": len(texts), "true_k": true_k,
           "k": c["k"], "k_previous": c["k_previous"],
           "ratio": round(c["k"] / true_k, 2), "ratio_previous": round(c["k_previous"] / true_k, 2),
           "outlier_share": round(float((d.labels_ < 0).mean()), 4),
           "nmi": round(100 * normalized_mutual_info_score(y, d.labels_), 2),
           "ari": round(100 * adjusted_rand_score(y, d.labels_), 2),
           "seconds_criterion": c["seconds_criterion"], "seconds_previous": c["seconds_previous"],
           "seconds_fit": round(secs, 1)}
    if name in ("b77_test", "sample_data"):
        out["k_reason"] = c["reason"]
    print(f"{name} {profile}: true {true_k}, k {c['k']} (previous {c['k_previous']}), "
          f"{secs:.0f}s", file=sys.stderr, flush=True)
    return out


def summary(rows) -> dict:
    r = pd.DataFrame(rows)
    dev = r[r["set"] != "sample_data"]
    err = np.abs(np.log(dev["ratio"])).median()
    err_prev = np.abs(np.log(dev["ratio_previous"])).median()
    near = np.log(1.25)
    out = {"median_abs_log_ratio": round(float(err), 3),
           "median_abs_log_ratio_previous": round(float(err_prev), 3),
           "within_25pct": int((np.abs(np.log(dev["ratio"])) <= near).sum()),
           "within_25pct_previous": int((np.abs(np.log(dev["ratio_previous"])) <= near).sum()),
           "runs": int(len(dev))}
    b = r[r["set"] == "b77_test"]
    for _, row in b.iterrows():
        met = TARGET[0] <= row["k"] <= TARGET[1]
        out[f"b77_test_{row['profile']}_target_62_92_met"] = bool(met)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--profiles", default="fast,accurate")
    p.add_argument("--sets", default="", help="comma-separated set names (default: all)")
    p.add_argument("--sample", default="", help="also score this file (e.g. sample_data/calls.csv)")
    args = p.parse_args(argv)
    profiles = [x for x in args.profiles.split(",") if x]
    if "accurate" in profiles and not embeddings_available():
        print("accurate profile skipped: embedding package not installed", file=sys.stderr)
        profiles.remove("accurate")
    only = {s for s in args.sets.split(",") if s}
    sets = banking77_sets() if (B77 / "test.csv").exists() else {}
    if not sets:
        print(f"BANKING77 not found in {B77}: only synthetic sets", file=sys.stderr)
    dev = generate_calls(20_000, seed=7)
    sets["synth_dev"] = (dev["text"].tolist(), dev["request_type"].to_numpy())
    rows = []
    t0 = time.perf_counter()
    for name, (texts, y) in sets.items():
        if only and name not in only:
            continue
        # the synthetic log: fast profile only (the embedding of 20,000 calls is slow on 2 cores)
        for prof in (["fast"] if name == "synth_dev" else profiles):
            rows.append(run(name, texts, y, prof))
    if args.sample:
        df = pd.read_csv(args.sample)
        for prof in (["fast"] if "fast" in profiles else profiles):
            rows.append(run("sample_data", df["text"].tolist(), df["request_type"].to_numpy(),
                            prof))
    out = {"criterion": "knee of the silhouette in the text representation against log k "
                        "(L-method), kept within 5% of the best",
           "previous": "silhouette in the spectral space, smallest k within 5% of the best",
           "target_b77_test": list(TARGET), "runs": rows, "summary": summary(rows),
           "seconds_total": round(time.perf_counter() - t0, 1)}
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
