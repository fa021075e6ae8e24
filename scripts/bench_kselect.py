"""Benchmark the choice of the number of request types (``k="auto"``).

Runs :class:`callmine.discover.RequestTypeDiscoverer` with ``k="auto"`` on
labelled sets and prints ONE JSON object: for each set and profile, the true
number of types and the k chosen by every rule **on the same inputs in the
same run**:

* ``previous``: :func:`callmine.clustering.choose_k`, today's default
  (smallest k whose silhouette in the 30-dimension spectral space is within
  5% of the best);
* ``names``: :func:`callmine.kselect.name_count` (the rule
  ``k_rule="names"``: distinct vocabularies among 150 over-clusters, cosine
  0.25) on the same inputs, with the normalised texts of the set;
* ``vocab``: :func:`callmine.kselect.vocab_count` (the rule ``"vocab"``,
  sixth session: over-clusters of about 15 distinct calls each, 150-500 of
  them, joined when mutual 5-nearest neighbours with a cosine above 0.25,
  averaged over 3 KMeans seeds) on the same inputs and texts;
* ``smooth``, ``knee``, ``plateau_z``, ``modularity``:
  :func:`callmine.kselect.choose_k` - one table per set (the silhouette in
  the text representation and the modularity in its 10-nearest-neighbour
  graph of the same KMeans partition for every k), read by
  :func:`callmine.kselect.pick_k` with each rule (``plateau_z``: smallest k
  within 5% of the best silhouette, unsmoothed; ``modularity``: the highest
  modularity).

The summary gives, per rule and profile, the median of ``|log(k / true k)|``
and the number of sets whose k is within 20% of the truth. ``seed_check``
gives, per set, ``names`` at the discoverer's KMeans seed and the next two,
and ``vocab`` (itself a 3-seed average) at that seed, +100 and +200: how much
the count moves with the seed.

Development sets (``--dev``, the default; no test data):

* ``b77tr_77_rand_s{1,2,3}``: 3,080 requests drawn from BANKING77 train.csv;
* ``b77tr_77_bal40_s{1,2}``: 40 train requests of each of the 77 intents;
* ``b77tr_77_all``: all 10,003 train requests;
* ``b77tr_{20,40}_bal40_s{1,2,3}``: 40 train requests of each of 20 / 40
  random intents; ``b77tr_{20,40}_all_s1``: all train requests of them;
* ``syn{7,11,13}_35``: 20,000 synthetic calls (:mod:`callmine.synth`, seeds
  7, 11, 13; 35 types); ``syn13_35_n5000``: the first 5,000 of seed 13;
  ``syn7_15types`` / ``syn11_25types``: the calls of 15 / 25 random types;
* ``syn17_35``, ``syn23_35_n10000``, ``syn29_35_n2000`` (sixth session, added
  after the rule ``vocab`` was chosen, to confirm it): 20,000 calls of seed
  17, the first 10,000 of seed 23, the first 2,000 of seed 29.

With ``--final``: BANKING77 ``test.csv`` (3,080 requests, 77 intents; target
of issue 5: 77 +/- 15) and ``--sample`` (``sample_data/calls.csv``, seed 0,
35 types), each fitted completely with the rule of ``--rule`` so that the
outlier share, NMI and ARI at the chosen k are reported too (``--rule names``
or ``vocab`` count on the set's own normalised texts, as the discoverer would
with that ``k_rule``). Run it once, after the rule was chosen on the
development sets.

``--cache DIR`` saves the inputs of the criterion of each development set
and profile (spectral embedding, weights, representation: what the
discoverer passes to ``choose_k``) to ``DIR/<set>_<profile>.npz`` on the
first run and reads them on later runs instead of fitting again (the
``accurate`` embeddings are slow on 2 cores); the criterion itself is always
recomputed. ``--skip-previous`` leaves out the ``previous`` criterion (its
k is then ``null``).

``--explore`` adds criteria that are not rules of :mod:`callmine.kselect`
(the fifth session's exploration, ``docs/kselect.md``), computed on the same
inputs in the same run and summarised like the rules:

* ``sizecount`` (DeepAligned, Zhang et al. 2021): KMeans into
  ``K' = min(300, rows // 5)`` clusters (the spectral space of ``K'``), k =
  the number of clusters holding at least ``calls / K'`` calls;
* ``names300``: the same ``K'`` clusters, their class-based TF-IDF vectors
  over the words of their normalised texts (:class:`callmine.naming.ClassTfidfTransformer`),
  k = the number of groups left after joining clusters whose vectors have a
  cosine above 0.3 (connected components; the first setting tried of what
  became the rule ``names``);
* ``pac`` (consensus clustering, Senbabaoglu et al. 2014): 8 subsamples of
  80% of up to 1,500 rows clustered into every k of the grid; k = the
  smallest proportion of ambiguous pairs (co-clustered in more than 10% and
  less than 90% of the subsamples where both were drawn);
* ``plz_cap2mod``: a combination read from the table - ``plateau_z``'s k,
  capped at the grid's k nearest to twice ``modularity``'s k.

Usage::

    python scripts/bench_kselect.py > bench_kselect_dev.json            # dev sets
    python scripts/bench_kselect.py --profiles fast --skip-previous --cache /tmp/kselect_cache
    python scripts/bench_kselect.py --profiles accurate --sets 'b77*'
    python scripts/bench_kselect.py --profiles fast --skip-previous --explore --cache /tmp/kselect_cache
    python scripts/bench_kselect.py --final --sample sample_data/calls.csv
    python scripts/bench_kselect.py --profiles fast --skip-previous --cache /tmp/kcache  # + vocab
    python scripts/bench_kselect.py --fit --rule vocab --sets syn7_35 --skip-previous  # dev, NMI...
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import normalize

import callmine.discover as discover
from callmine import clustering, kselect
from callmine.embeddings import embeddings_available
from callmine.naming import ClassTfidfTransformer
from callmine.synth import generate_calls
from callmine.text import TextNormalizer

ROOT = Path(__file__).resolve().parents[1]
B77 = ROOT.parent / "shared" / "data" / "banking77"
TARGET = (62, 92)
RULES = ("smooth", "knee", "plateau_z", "modularity")
EXPLORE = ("sizecount", "names300", "pac", "plz_cap2mod")
NEAR = np.log(1.2)


def _per_intent(sub: pd.DataFrame, m: int, seed: int) -> pd.DataFrame:
    rs = np.random.RandomState(seed)
    idx = []
    for _, g in sub.groupby("category"):
        idx.extend(rs.choice(g.index.to_numpy(), min(len(g), m), replace=False))
    return sub.loc[sorted(idx)]


def dev_sets() -> dict:
    """name -> loader of (texts, labels); BANKING77 train only (when present), synthetic logs."""
    sets = {}
    if (B77 / "train.csv").exists():
        tr = pd.read_csv(B77 / "train.csv")
        cats = sorted(tr["category"].unique())
        for s in (1, 2, 3):
            sets[f"b77tr_77_rand_s{s}"] = tr.iloc[
                np.random.RandomState(s).choice(len(tr), 3080, replace=False)]
        sets["b77tr_77_all"] = tr
        for s in (1, 2):
            sets[f"b77tr_77_bal40_s{s}"] = _per_intent(tr, 40, s)
        for m in (20, 40):
            for s in (1, 2, 3):
                keep = set(np.random.RandomState(200 + 10 * m + s).choice(cats, m,
                                                                          replace=False))
                sub = tr[tr["category"].isin(keep)]
                sets[f"b77tr_{m}_bal40_s{s}"] = _per_intent(sub, 40, s)
                if s == 1:
                    sets[f"b77tr_{m}_all_s{s}"] = sub
    else:
        print(f"BANKING77 not found in {B77}: synthetic sets only", file=sys.stderr)
    sets = {k: (lambda v=v: (v["text"].tolist(), v["category"].to_numpy()))
            for k, v in sets.items()}
    for name, seed, n_types, rows in (("syn7_35", 7, 0, None), ("syn7_15types", 7, 15, None),
                                      ("syn11_35", 11, 0, None), ("syn11_25types", 11, 25, None),
                                      ("syn13_35", 13, 0, None), ("syn13_35_n5000", 13, 0, 5000),
                                      # added in the sixth session after the rule vocab was
                                      # chosen: fresh logs of other sizes to confirm it on
                                      ("syn17_35", 17, 0, None), ("syn23_35_n10000", 23, 0, 10000),
                                      ("syn29_35_n2000", 29, 0, 2000)):
        sets[name] = lambda seed=seed, n_types=n_types, rows=rows: _synthetic(seed, n_types,
                                                                             rows)
    return sets


def _synthetic(seed: int, n_types: int, rows: int | None):
    """20,000 calls of seed ``seed``; only ``n_types`` random types, or the first ``rows``."""
    df = generate_calls(20_000, seed=seed)
    if n_types:
        types = sorted(df["request_type"].unique())
        keep = set(np.random.RandomState({7: 1, 11: 2}.get(seed, seed)).choice(
            types, n_types, replace=False))
        df = df[df["request_type"].isin(keep)]
    if rows:
        df = df.iloc[:rows]
    return df["text"].tolist(), df["request_type"].to_numpy()


class _Stop(Exception):
    pass


def _cache_file(cache: str, name: str, profile: str) -> Path | None:
    return Path(cache) / f"{name}_{profile}.npz" if cache else None


def save_inputs(path: Path, U, weight, Z, kw: dict) -> None:
    """The inputs of the criterion (what discover passes to choose_k) as one .npz file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kw = {k: v for k, v in kw.items() if k != "say"}
    np.savez(path, U=U, weight=weight, Z=np.zeros((0, 0)) if Z is None else Z,
             kw=np.array(json.dumps({k: list(v) if isinstance(v, tuple) else v
                                     for k, v in kw.items()})))


def load_inputs(path: Path):
    with np.load(path) as f:
        kw = json.loads(str(f["kw"]))
        Z = f["Z"] if f["Z"].size else None
        U, weight = f["U"], f["weight"]
    if "k_range" in kw:
        kw["k_range"] = tuple(kw["k_range"])
    return U, weight, Z, kw


class Recorder:
    """Stands in for discover.choose_k: every rule on the same inputs.

    Returns the k of ``use`` to the fit, or stops the fit (``stop=True``)
    when only the choice of k is wanted. With ``cache`` (a .npz path) the
    inputs of the criterion are saved there, so that a later run with the
    same ``--cache`` reads them instead of fitting again.
    """

    def __init__(self, use: str = "smooth", stop: bool = False, cache: Path | None = None,
                 previous: bool = True):
        self.use, self.stop, self.cache, self.previous = use, stop, cache, previous
        self.result = None
        self._orig_se = discover.spectral_embedding
        self._orig_choose = kselect.choose_k
        self._z = None

    def spectral_embedding(self, Z, **kw):
        self._z = Z
        return self._orig_se(Z, **kw)

    def choose_k(self, U, weight, Z=None, **kw):
        kw.pop("rule", None)  # discover passes its own k_rule: every rule is computed here
        for key in ("docs", "name_clusters", "name_cosine"):  # (rule="names": see run)
            kw.pop(key, None)
        graph = kw.pop("graph", None)  # (modularity in the graph discover gives, if any)
        if Z is None:
            Z = self._z if kw.get("spectral", True) else U
        if self.cache is not None and not self.cache.exists():
            save_inputs(self.cache, U, weight, Z, kw)
        self.inputs = (U, weight)
        self.seeds = (int(kw.get("kmeans_seed", 0)), bool(kw.get("spectral", True)))
        t0 = time.perf_counter()
        prev = clustering.choose_k(U, weight, **kw) if self.previous or self.use == "previous" \
            else (None, None, None)
        k_prev, reason_prev = prev[0], prev[2]
        t_prev = time.perf_counter() - t0
        t0 = time.perf_counter()
        # one table for every rule: rule="modularity" adds the modularity column to the
        # silhouettes (the same KMeans partitions)
        _, table, _ = self._orig_choose(U, weight, Z=Z, rule="modularity", graph=graph, **kw)
        t_new = time.perf_counter() - t0
        about = f"text representation; {min(len(U), 4000):,} calls sampled"
        picks = {r: kselect.pick_k(table, "plateau" if r == "plateau_z" else r, about=about)
                 for r in RULES}
        self.result = {"k_previous": k_prev, "reason_previous": reason_prev,
                       **{f"k_{r}": picks[r][0] for r in RULES},
                       "reasons": {r: picks[r][2] for r in RULES},
                       "table": picks[self.use][1] if self.use in picks else table,
                       "seconds_criterion": round(t_new, 1),
                       "seconds_previous": round(t_prev, 1)}
        if self.stop:
            raise _Stop
        if self.use == "previous":
            return prev
        if self.use in ("names", "vocab"):  # (--final --rule names|vocab: the texts are ours)
            count = kselect.count_k(self.use, U, weight, self.keys,
                                    k_range=kw.get("k_range", (5, 150)),
                                    random_state=self.seeds[0], spectral=self.seeds[1])
            pick = kselect.pick_k(table, self.use, about=about, names=count)
            self.result["table"] = pick[1]
            return pick
        return picks[self.use]

    def __enter__(self):
        # discover calls clustering's choose_k (k_rule="plateau") through its own name, and
        # kselect's (the other rules) through the module: both stand in for the same call
        self._saved = (discover.choose_k, discover.spectral_embedding, kselect.choose_k)
        discover.choose_k = kselect.choose_k = self.choose_k
        discover.spectral_embedding = self.spectral_embedding
        return self

    def __exit__(self, *exc):
        discover.choose_k, discover.spectral_embedding, kselect.choose_k = self._saved


def distinct_tokens(texts) -> np.ndarray:
    """The distinct normalised texts, in the order of the rows of ``U`` (as discover makes them)."""
    tokens = TextNormalizer(remove_boilerplate=True).fit_transform(texts)
    if sum(not t for t in tokens) > len(texts) // 2:
        tokens = TextNormalizer(remove_boilerplate=False).fit_transform(texts)
    return np.unique(np.asarray(tokens, dtype=object))


def size_and_name_counts(U, weight, keys, seed: int = 0, cosine: float = 0.3) -> dict:
    """``sizecount`` and ``names``: counts read from one over-clustering into K' clusters."""
    n = len(U)
    kp = int(min(300, n // 5))
    lab = KMeans(kp, n_init=1, random_state=seed).fit_predict(clustering.spectral_space(U, kp),
                                                              sample_weight=weight)
    size = np.bincount(lab, weights=weight, minlength=kp)
    out = {"k_prime": kp, "sizecount": int((size >= weight.sum() / kp).sum()), "names": None}
    if keys is not None and len(keys) == n:
        counts = CountVectorizer(analyzer="word", token_pattern=r"\S+", lowercase=False,
                                 min_df=2).fit_transform(list(keys))
        member = sp.csr_matrix((weight.astype(np.float64), (lab, np.arange(n))), shape=(kp, n))
        keep = np.flatnonzero(size > 0)
        W = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(
            (member @ counts)[keep])
        W = normalize(sp.csr_matrix(W))
        out["names"] = int(connected_components(sp.csr_matrix((W @ W.T) > cosine),
                                                directed=False)[0])
    return out


def pac_curve(U, weight, grid, *, rows: int = 1500, runs: int = 8, share: float = 0.8,
              seed: int = 0, band=(0.1, 0.9)) -> dict:
    """Proportion of ambiguous clustering (Senbabaoglu et al. 2014) for every k of ``grid``."""
    rs = np.random.RandomState(seed)
    base = np.sort(rs.choice(len(U), min(len(U), rows), replace=False))
    nb = len(base)
    subs = [np.sort(rs.choice(nb, int(share * nb), replace=False)) for _ in range(runs)]
    drawn = np.zeros((nb, runs))
    for h, s in enumerate(subs):
        drawn[s, h] = 1
    both = drawn @ drawn.T
    iu = np.triu_indices(nb, 1)
    pairs = both[iu] > 0
    out = {}
    for k in grid:
        if k >= int(share * nb):
            continue
        V = clustering.spectral_space(U[base], k)
        together = np.zeros((nb, nb))
        for h, s in enumerate(subs):
            lab = KMeans(k, n_init=1, random_state=seed + h).fit_predict(
                V[s], sample_weight=weight[base][s])
            M = np.zeros((len(s), k))
            M[np.arange(len(s)), lab] = 1
            together[np.ix_(s, s)] += M @ M.T
        c = (together[iu] / np.maximum(both[iu], 1))[pairs]
        out[int(k)] = round(float(((c > band[0]) & (c < band[1])).mean()), 5)
    return out


def explore(U, weight, texts, picks: dict, grid) -> dict:
    """The exploratory criteria of ``--explore`` on one set's inputs."""
    t0 = time.perf_counter()
    keys = distinct_tokens(texts)
    sn = size_and_name_counts(U, weight, keys)
    t1 = time.perf_counter()
    pac = pac_curve(U, weight, grid)
    t2 = time.perf_counter()
    ks = np.asarray(grid)
    cap = int(ks[np.argmin(np.abs(np.log(ks) - np.log(2 * picks["modularity"])))])
    return {"k_sizecount": sn["sizecount"], "k_names300": sn["names"], "k_prime": sn["k_prime"],
            "k_pac": min(pac, key=pac.get) if pac else None,
            "k_plz_cap2mod": min(int(picks["plateau_z"]), cap), "pac_by_k": pac,
            "seconds_size_names": round(t1 - t0, 1), "seconds_pac": round(t2 - t1, 1)}


def run(name, load, profile, *, final=False, use="smooth", cache="", previous=True,
        explore_too=False) -> dict:
    t0 = time.perf_counter()
    path = None if final else _cache_file(cache, name, profile)
    rec = Recorder(use=use, stop=not final, cache=path, previous=previous)
    texts, y = load()
    rec.keys = distinct_tokens(texts)  # the rows of U, for --rule names|vocab
    d = None
    if path is not None and path.exists():
        U, weight, Z, kw = load_inputs(path)
        try:
            rec.choose_k(U, weight, Z=Z, **kw)
        except _Stop:
            pass
    else:
        with rec:
            try:
                d = discover.RequestTypeDiscoverer(k="auto", profile=profile, random_state=0,
                                                   n_stability_runs=0).fit(texts)
            except _Stop:
                pass
    secs = time.perf_counter() - t0
    c = rec.result
    true_k = int(pd.Series(y).nunique())
    out = {"set": name, "profile": profile, "calls": len(texts), "true_k": true_k,
           "k_previous": c["k_previous"], **{f"k_{r}": c[f"k_{r}"] for r in RULES},
           "seconds_criterion": c["seconds_criterion"],
           "seconds_previous": c["seconds_previous"], "seconds": round(secs, 1),
           "silhouette_by_k": dict(zip(c["table"]["k"].astype(int).tolist(),
                                       c["table"]["silhouette"].tolist())),
           "modularity_by_k": dict(zip(c["table"]["k"].astype(int).tolist(),
                                       c["table"]["modularity"].tolist()))}
    t1 = time.perf_counter()
    keys = rec.keys
    U, weight = rec.inputs
    if len(keys) == len(U):
        out["k_names"], detail = kselect.name_count(U, weight, keys, random_state=rec.seeds[0],
                                                    spectral=rec.seeds[1])
        out["names_largest_group"] = detail["largest_group"]
    else:  # (the rows of U are not the distinct normalised texts: not discover's inputs)
        out["k_names"] = None
    out["seconds_names"] = round(time.perf_counter() - t1, 1)
    t1 = time.perf_counter()
    if len(keys) == len(U):
        seed, spec = rec.seeds
        out["k_vocab"], detail = kselect.vocab_count(U, weight, keys, random_state=seed,
                                                     spectral=spec)
        out["vocab_counts"] = detail["counts"]
        out["vocab_clusters"] = detail["clusters"]
        out["vocab_largest_share"] = detail["largest_share"]
        out["seed_check"] = {
            "names": [out["k_names"]] + [kselect.name_count(U, weight, keys, spectral=spec,
                                                            random_state=seed + i)[0]
                                         for i in (1, 2)],
            "vocab": [out["k_vocab"]] + [kselect.vocab_count(U, weight, keys, spectral=spec,
                                                             random_state=seed + i)[0]
                                         for i in (100, 200)]}
    else:
        out["k_vocab"] = None
    out["seconds_vocab"] = round(time.perf_counter() - t1, 1)
    if explore_too:
        out.update(explore(*rec.inputs, texts, {r: c[f"k_{r}"] for r in RULES},
                           c["table"]["k"].astype(int).tolist()))
    if final:
        out.update({"rule_fitted": use, "k": int(d.n_clusters_),
                    "outlier_share": round(float((d.labels_ < 0).mean()), 4),
                    "nmi": round(100 * normalized_mutual_info_score(y, d.labels_), 2),
                    "ari": round(100 * adjusted_rand_score(y, d.labels_), 2),
                    "acc": round(100 * clustering.cluster_accuracy(y, d.labels_), 2),
                    "k_reason": d.k_reason_, "reason_previous": c["reason_previous"],
                    "k_selection": c["table"].to_dict(orient="list")})
    ks = ", ".join(f"{r} {c[f'k_{r}']}" for r in ("previous",) + RULES) + \
        f", names {out['k_names']}, vocab {out['k_vocab']} {out.get('seed_check', '')}"
    if explore_too:
        ks += "; " + ", ".join(f"{r} {out[f'k_{r}']}" for r in EXPLORE)
    print(f"{name} {profile}: true {true_k}; {ks}; {secs:.0f}s", file=sys.stderr, flush=True)
    return out


def summary(rows) -> dict:
    r = pd.DataFrame(rows)
    out = {}
    for prof, g in r.groupby("profile"):
        s = {"sets": int(len(g))}
        for rule in ("previous",) + RULES + ("names", "vocab") + EXPLORE:
            if f"k_{rule}" not in g or g[f"k_{rule}"].isna().any():
                continue
            e = np.abs(np.log(g[f"k_{rule}"].astype(float) / g["true_k"]))
            s[rule] = {"median_abs_log_ratio": round(float(e.median()), 3),
                       "mean_abs_log_ratio": round(float(e.mean()), 3),
                       "within_20pct": int((e <= NEAR).sum())}
        out[prof] = s
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--profiles", default="fast", help="comma-separated: fast,accurate")
    p.add_argument("--sets", default="", help="comma-separated set names or patterns "
                                              "(default: all development sets)")
    p.add_argument("--final", action="store_true",
                   help="score BANKING77 test.csv (and --sample) instead, fitted with --rule")
    p.add_argument("--rule", default="smooth", choices=("previous",) + RULES + ("names", "vocab"),
                   help="with --final: the rule whose k the fit uses (default smooth)")
    p.add_argument("--sample", default="", help="with --final: also score this file "
                                                "(e.g. sample_data/calls.csv)")
    p.add_argument("--cache", default="", help="development sets: save the inputs of the "
                   "criterion (spectral embedding, weights, representation) to DIR/<set>_"
                   "<profile>.npz, or read them from there instead of fitting again")
    p.add_argument("--fit", action="store_true",
                   help="development sets: fit each set completely with --rule's k and report "
                        "NMI, ARI, ACC and outliers, as --final does (no cache)")
    p.add_argument("--skip-previous", action="store_true",
                   help="do not run the previous criterion (clustering.choose_k)")
    p.add_argument("--explore", action="store_true",
                   help="development sets: also compute the exploratory criteria sizecount, "
                        "names, pac and plz_cap2mod (not kselect rules; see the docstring)")
    args = p.parse_args(argv)
    profiles = [x for x in args.profiles.split(",") if x]
    if "accurate" in profiles and not embeddings_available():
        print("accurate profile skipped: embedding package not installed", file=sys.stderr)
        profiles.remove("accurate")
    pats = [s for s in args.sets.split(",") if s]
    t0 = time.perf_counter()
    rows = []
    if args.final:
        sets = {}
        if (B77 / "test.csv").exists():
            te = pd.read_csv(B77 / "test.csv")
            sets["b77_test"] = lambda: (te["text"].tolist(), te["category"].to_numpy())
        if args.sample:
            df = pd.read_csv(args.sample)
            sets["sample_data"] = lambda: (df["text"].tolist(), df["request_type"].to_numpy())
    else:
        sets = dev_sets()
    for name, load in sets.items():
        if pats and not any(fnmatch.fnmatch(name, q) for q in pats):
            continue
        for prof in profiles:
            rows.append(run(name, load, prof, final=args.final or args.fit, use=args.rule,
                            cache=args.cache, previous=not args.skip_previous,
                            explore_too=args.explore and not args.final))
    out = {"mode": "final (scored once)" if args.final else
           "development, fitted with " + args.rule if args.fit else "development",
           "rules": {"previous": "silhouette in the 30-dim spectral space, smallest k within "
                                 "5% of the best (callmine.clustering.choose_k)",
                     "smooth": "silhouette in the text representation averaged over 5 "
                               "neighbouring k, smallest k within 10% of the best average",
                     "knee": "knee of the silhouette in the text representation against log "
                             "k (L-method), kept within 5% of the best",
                     "plateau_z": "silhouette in the text representation, smallest k within "
                                  "5% of the best",
                   "modularity": "highest modularity of the partition in the 10-nearest-"
                                 "neighbour graph of the text representation",
                   "names": "distinct vocabularies among 150 over-clusters: groups of "
                            "clusters whose class-based TF-IDF vectors have a cosine above "
                            "0.25 (kselect.name_count)",
                   "vocab": "distinct vocabularies among rows/15 over-clusters (150-500): "
                            "groups of clusters that are mutual 5-nearest neighbours with a "
                            "c-TF-IDF cosine above 0.25, averaged over 3 KMeans seeds "
                            "(kselect.vocab_count)"},
           **({"explored": {
               "sizecount": "clusters of K' = min(300, rows/5) holding at least calls/K' "
                            "calls (DeepAligned)",
               "names300": "groups of the K' clusters whose class-based TF-IDF vectors "
                           "have a cosine above 0.3 (connected components)",
               "pac": "smallest proportion of ambiguous clustering over 8 subsamples of 80% "
                      "(consensus clustering)",
               "plz_cap2mod": "plateau_z's k capped at twice modularity's k"}}
              if args.explore else {}),
           "runs": rows, "summary": summary(rows) if rows else {},
           "seconds_total": round(time.perf_counter() - t0, 1)}
    if args.final:
        out["target_b77_test"] = list(TARGET)
    print(json.dumps(out, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
