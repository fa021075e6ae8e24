"""Choose the number of request types (``k="auto"``).

:func:`choose_k` clusters the spectral embedding ``U`` of the calls into k
types for every k of :func:`callmine.clustering.k_grid` (the same space as
the final clustering: the first min(k, dim) spectral coordinates, rows
L2-normalised) and scores each partition by its **silhouette in the text
representation** ``Z`` (cosine distance, on a sample of calls).

The chosen k is the **knee** of that curve (the L-method of Salvador & Chan,
2004): two straight lines joined at one k of the grid are fitted to the
silhouette against log k by least squares, and the k where the best-fitting
pair meets is chosen - where adding types stops paying off at the rate it
did before. Unlike "the smallest k within 5% of the best" it uses every point
of the curve, so it does not move with one lucky or unlucky KMeans run on a
flat plateau. A knee whose silhouette is not yet within ``k_tolerance`` (5%)
of the best (a curve that still climbs, as on well-separated groups) moves to
the nearest k that is (the first after it, or the last before it if none).
``rule="plateau"`` takes the smallest k within ``k_tolerance`` of the best
(measured in ``Z``; :func:`callmine.clustering.choose_k`, the discoverer's
``k_rule="plateau"``, measures it in the spectral space).

``rule="smooth"`` reads the same curve differently: the silhouette is first
averaged over ``smooth_window`` (5) neighbouring k of the grid (a centred
moving average: one lucky or unlucky KMeans run moves it by a fifth), and the
chosen k is the **smallest k whose averaged silhouette is within**
``smooth_tolerance`` **(10%) of the best average** - the start of the plateau
of the smoothed curve; a single k whose silhouette stands more than that
above the best average (a sharp peak: well-separated groups) is taken
instead. Over 35 development runs (BANKING77 train samples with 20, 40 and 77
intents, synthetic call logs of seeds 7, 11 and 13 with 15-35 types; ``fast``
and ``accurate``; ``docs/kselect.md``, ``scripts/bench_kselect.py``) it had
the smallest median error and the most sets within 20% of the true number of
the rules compared then (the discoverer's default from the third to the sixth session); subsample stability, prediction strength, the eigengap
and Calinski-Harabasz / Davies-Bouldin were tried and did not track the
number of types on these text data (see the docs). :func:`pick_k` applies
any rule to a table already computed.

``rule="modularity"`` (opt-in) judges the same partitions by a criterion of
another kind: their **modularity** (Newman & Girvan, 2004) in the cosine
k-nearest-neighbour graph of the calls (the graph of the spectral
embedding, built from ``Z``): the share of neighbour links that stay inside
the types minus the share expected if the same degrees were wired at
random; the k of the highest modularity is chosen. It needs no tolerance
and no smoothing. On the development sets it finds the number of coarse
types well (15-25 for 20 BANKING77 intents, where the silhouette rules give
30-50) but, as modularity is known to, its scale grows with the size of the
graph (the "resolution limit", Fortunato & Barthelemy, 2007): it gives
45-60 for the 25- and 35-type synthetic logs of 11,500-14,500 distinct
calls and 30-40 for 77 intents in 3,080 requests, so pooled over the
development sets it is further from the truth than ``smooth`` and is not the
default (``docs/kselect.md``).

``rule="names"`` (opt-in, fifth session) counts **distinct vocabularies**
instead of reading the silhouette: the calls are over-clustered into
``name_clusters`` (150; at most one cluster per 5 rows) KMeans clusters of
the spectral space, each cluster gets its class-based TF-IDF vector over the
words of its normalised texts (the weights :mod:`callmine.naming` names the
types with), clusters whose vectors have a cosine above ``name_cosine``
(0.25) are joined, and k is the number of groups left (connected
components) - over-clusters of one request type share its distinctive
words and fall together, different types do not. It needs the texts
(``docs``). On the development sets it is the first criterion that lands
near 77 on the 77-intent BANKING77 train samples of 3,080 requests (67-84
with ``fast``, 72-77 with ``accurate``) while keeping 20 intents at 15-37,
and it is closer to the truth than ``smooth`` in both profiles (pooled median
``abs(log(k / true))`` 0.140 against 0.249, 20 of 35 runs within 20%
against 14); but it under-splits the 20,000-call synthetic logs (19-25 for
25-35 types, where ``smooth`` gives 25-35) and all 10,003 BANKING77 train
requests (46-47): its count grows
when the clusters are small and falls when they are large (a fixed 150
clusters over more calls), and it jumps when ``name_cosine`` moves by 0.025
(a connectivity threshold). Opt-in, see ``docs/kselect.md``.

``rule="vocab"`` (sixth session, :func:`vocab_count`) is the same count made
less dependent on the size of the input: about one over-cluster per 15
distinct calls (150 to 500 of them), two over-clusters joined only when each
is among the other's 5 most similar (mutual nearest neighbours: one broad
cluster no longer chains several types together), and the count averaged
over 3 KMeans seeds. On the development sets it gives 79-90 (``fast``) /
72-85 (``accurate``) on the 77-intent BANKING77 train samples of 3,080
requests, 79 on all 10,003 train requests (``names``: 46-47) and 27-36 on the
20,000-call synthetic logs of 25-35 types (``fast``; ``names``: 19-25), and it
is the closest rule pooled over both profiles (median ``abs(log(k / true))``
0.099, 24 of 35 runs within 20%; ``names`` 0.140 / 20, ``smooth`` 0.249 / 14);
it is worse than ``smooth`` on small synthetic logs with ``fast`` (26 for 35
types in 5,000 calls) and still rests on the cosine threshold (0.25) on a
steep part of the count's curve (``docs/kselect.md``, sixth session). On
call logs most calls end in one group (79-90% on the synthetic logs) and the
count is made by the smaller groups around it; ``largest_share`` and the
reason say so. It is the discoverer's default ``k_rule`` since the sixth
session (``smooth`` before).

Why the representation and not the spectral space: the silhouette measured
in the spectral embedding mostly reflects the embedding's own dimension. With
30 spectral coordinates it rises up to k ~ 40 and stays flat to k = 150 on
BANKING77 (and with 100 coordinates it peaks near k = 100), so its plateau
says more about ``spectral_dim`` than about the calls. Measured in ``Z``, where
the calls' own similarities live, the same partitions are judged on how
close each call is to its type compared with the nearest other type.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize
from sklearn.utils import check_random_state

from callmine.clustering import k_grid, knn_graph, spectral_space
from callmine.errors import CallmineError
from callmine.naming import ClassTfidfTransformer

__all__ = ["choose_k", "count_k", "knee", "modularity", "name_count", "pick_k", "smoothed",
           "vocab_count"]

RULES = ("knee", "modularity", "names", "plateau", "smooth", "vocab")
#: ``rule="vocab"``: when the largest group holds at least this share of the calls, the reason
#: says the groups are not the types (development sets, fast, seed 3: synthetic call logs
#: 79-90%; BANKING77 train samples of 77 intents 10-24%, of 40 intents 18-63%, of 20 intents
#: 56-79%, all 10,003 requests 66%).
_ROUGH_SHARE = 0.5
#: ``rule="names"`` / ``"vocab"`` over-cluster at least 2 clusters of 5 rows; with fewer rows
#: :func:`choose_k` falls back to ``"smooth"`` and says so.
_MIN_COUNT_ROWS = 10


def _silhouette(X: np.ndarray, labels: np.ndarray, metric: str) -> float:
    if not 1 < len(np.unique(labels)) < len(labels):
        return -1.0
    return float(silhouette_score(X, labels, metric=metric))


def knee(ks, values) -> tuple[int, np.ndarray, tuple[float, float]]:
    """The knee of a curve over k: two lines in log k joined at one k, fitted by least squares.

    For every inner k of ``ks`` (not the first or last), fits
    ``values ~ a + b * min(log k' - log k, 0) + c * max(log k' - log k, 0)``
    and keeps the k with the smallest squared error (the smaller k on a tie).

    Returns
    -------
    k : int
    errors : ndarray
        Squared error of the fit with the joint at each k (NaN at both ends).
    slopes : (float, float)
        Change of ``values`` per doubling of k before and after the knee.

    >>> ks = [2, 4, 8, 16, 32, 64]
    >>> knee(ks, [0.1, 0.2, 0.3, 0.4, 0.4, 0.4])[0]
    16
    """
    x = np.log(np.asarray(ks, dtype=np.float64))
    y = np.asarray(values, dtype=np.float64)
    if len(x) < 3:
        raise CallmineError(f"the knee needs at least 3 values of k, got {len(x)}")
    errors = np.full(len(x), np.nan)
    fits = {}
    for i in range(1, len(x) - 1):
        A = np.column_stack([np.ones_like(x), np.minimum(x - x[i], 0), np.maximum(x - x[i], 0)])
        coef, *_ = np.linalg.lstsq(A, y, rcond=None)
        errors[i] = float(((A @ coef - y) ** 2).sum())
        fits[i] = coef
    i = int(np.nanargmin(errors))
    slopes = (float(fits[i][1] * np.log(2)), float(fits[i][2] * np.log(2)))
    return int(np.asarray(ks)[i]), errors, slopes


def modularity(graph, labels) -> float:
    """Newman-Girvan modularity of a partition of the nodes of a symmetric graph.

    ``Q = sum over types c of (e_c / 2m - (d_c / 2m) ** 2)``: the share of the
    edge weight that falls inside the types (``e_c``: twice the weight of the
    edges inside c; ``2m``: the sum of all degrees) minus the share expected
    if the same degrees were wired at random (``d_c``: the degrees of c's
    nodes summed). 0 for one type or a random partition; near 1 for
    separated groups. Labels below 0 are one more group.

    >>> import scipy.sparse as sp
    >>> two_pairs = sp.csr_matrix(np.array([[0, 1, 0, 0], [1, 0, 0, 0],
    ...                                     [0, 0, 0, 1], [0, 0, 1, 0]], dtype=float))
    >>> modularity(two_pairs, [0, 0, 1, 1]), modularity(two_pairs, [0, 1, 0, 1])
    (0.5, -0.5)
    """
    A = sp.csr_matrix(graph, dtype=np.float64)
    lab = np.asarray(labels)
    if A.shape != (len(lab), len(lab)):
        raise CallmineError(f"graph must be a square matrix with one row per label "
                            f"({len(lab)}), got shape {A.shape}")
    codes = np.unique(lab, return_inverse=True)[1].ravel()
    M = sp.csr_matrix((np.ones(len(codes)), (np.arange(len(codes)), codes)),
                      shape=(len(codes), int(codes.max()) + 1 if len(codes) else 0))
    deg = np.asarray(A.sum(axis=1)).ravel()
    total = float(deg.sum())
    if total <= 0:
        return 0.0
    inside = np.asarray((M.T @ A @ M).diagonal()).ravel()
    d = M.T @ deg
    return float((inside / total - (d / total) ** 2).sum())


def name_count(U: np.ndarray, weight, docs, *, n_clusters: int = 150, cosine: float = 0.25,
               spectral: bool = True, random_state: int = 0) -> tuple[int, dict]:
    """Number of distinct vocabularies among over-clusters of the calls (``rule="names"``).

    The rows of ``U`` are clustered into ``min(n_clusters, rows // 5)`` KMeans
    clusters (in :func:`callmine.clustering.spectral_space` when ``spectral``),
    each cluster is described by its class-based TF-IDF vector over the words
    of its texts (:class:`callmine.naming.ClassTfidfTransformer`, counts
    weighted by ``weight``), clusters whose vectors have a cosine above
    ``cosine`` are joined (connected components), and the number of groups
    is returned.

    Parameters
    ----------
    U : ndarray of shape (n, dim)
    weight : array of shape (n,) or None
        Calls per row.
    docs : sequence of str
        The whitespace-tokenised (normalised) text of each row of ``U``.
    n_clusters : int, default=150
        Over-clustering size (at most one cluster per 5 rows).
    cosine : float, default=0.25
        Two clusters whose c-TF-IDF vectors have a cosine above this are one group.
    spectral : bool, default=True
    random_state : int, default=0
        KMeans seed (one run).

    Returns
    -------
    k : int
    detail : dict
        ``clusters`` (over-clusters made), ``largest_group`` (over-clusters
        in the largest group), ``cosine``.

    Four clusters, two vocabularies:

    >>> docs = (["lost card"] * 30 + ["card lost today"] * 30 + ["reset pin"] * 30
    ...         + ["pin reset please"] * 30)
    >>> X = np.repeat(np.eye(4), 30, axis=0)
    >>> k, detail = name_count(X, None, docs, n_clusters=4, spectral=False)
    >>> k, detail["clusters"], detail["largest_group"]
    (2, 4, 2)
    """
    U, weight, docs = _count_inputs(U, weight, docs)
    n = U.shape[0]
    if isinstance(n_clusters, bool) or not isinstance(n_clusters, (int, np.integer)) \
            or n_clusters < 2:
        raise CallmineError(f"n_clusters must be an integer >= 2, got {n_clusters!r}")
    if not 0 < float(cosine) < 1:
        raise CallmineError(f"cosine must be in (0, 1), got {cosine!r}")
    m = int(min(int(n_clusters), n // 5))
    if m < 2:
        raise CallmineError(f"rule='names' needs at least 10 rows to over-cluster, got {n}")
    counts = _word_counts(docs)
    if counts is None:  # no word in any text: nothing tells the clusters apart
        return 1, {"clusters": m, "largest_group": m, "cosine": float(cosine)}
    W = _cluster_vectors(U, weight, counts, m, spectral, int(random_state))[0]
    n_groups, group = connected_components(sp.csr_matrix((W @ W.T) > float(cosine)),
                                           directed=False)
    return int(n_groups), {"clusters": int(W.shape[0]),
                           "largest_group": int(np.bincount(group).max()),
                           "cosine": float(cosine)}


def _count_inputs(U, weight, docs):
    """``U`` as floats, ``weight`` (ones when None) and ``docs`` as a list, checked to match."""
    U = np.asarray(U, dtype=np.float64)
    n = U.shape[0]
    weight = np.ones(n) if weight is None else np.asarray(weight, dtype=np.float64)
    docs = list(docs)
    if len(docs) != n:
        raise CallmineError(f"docs must have one text per row of U ({n}), got {len(docs)}")
    if weight.shape != (n,):
        raise CallmineError(f"weight must have one value per row of U ({n}), "
                            f"got shape {weight.shape}")
    return U, weight, docs


def _word_counts(docs):
    """Row-word count matrix of whitespace-tokenised texts (None: no word in any text)."""
    try:
        return CountVectorizer(analyzer="word", token_pattern=r"\S+", lowercase=False,
                               min_df=2 if len(docs) >= 8 else 1).fit_transform(docs)
    except ValueError:
        return None


def _cluster_vectors(U, weight, counts, m, spectral, seed):
    """Class-based TF-IDF vectors (L2-normalised) and calls of the non-empty KMeans clusters of ``U``."""
    n = U.shape[0]
    V = spectral_space(U, m) if spectral else U
    lab = KMeans(m, n_init=1, random_state=seed).fit_predict(V, sample_weight=weight)
    member = sp.csr_matrix((weight, (lab, np.arange(n))), shape=(m, n))
    used = np.flatnonzero(np.bincount(lab, minlength=m) > 0)
    W = normalize(sp.csr_matrix(ClassTfidfTransformer(reduce_frequent_words=True)
                                .fit_transform((member @ counts)[used])))
    return W, np.bincount(lab, weights=weight, minlength=m)[used]


def _mutual_groups(S: np.ndarray, neighbours: int, cosine: float) -> np.ndarray:
    """Connected components of the links of mutual ``neighbours``-nearest rows over ``cosine``."""
    S = np.array(S, dtype=np.float64)
    np.fill_diagonal(S, -np.inf)
    r = int(min(neighbours, len(S) - 1))
    near = np.zeros(S.shape, dtype=bool)
    if r > 0:
        top = np.argsort(-S, axis=1, kind="stable")[:, :r]
        near[np.repeat(np.arange(len(S)), r), top.ravel()] = True
    link = near & near.T & (S > float(cosine))
    return connected_components(sp.csr_matrix(link), directed=False)[1]


def vocab_count(U: np.ndarray, weight, docs, *, rows_per_cluster: int = 15,
                min_clusters: int = 150, max_clusters: int = 500, neighbours: int = 5,
                cosine: float = 0.25, n_seeds: int = 3, spectral: bool = True,
                random_state: int = 0) -> tuple[int, dict]:
    """Number of distinct vocabularies among over-clusters sized by the rows (``rule="vocab"``).

    The sixth session's version of :func:`name_count`, less prone to chaining
    on large inputs: the rows of ``U`` are clustered into ``K'`` KMeans
    clusters, ``K' = rows_per_cluster``-th of the rows kept between
    ``min_clusters`` and ``max_clusters`` (and at most one cluster per 5
    rows), so the over-clusters do not grow broad as the input grows; each
    cluster gets its class-based TF-IDF vector over the words of its texts
    (:class:`callmine.naming.ClassTfidfTransformer`, counts weighted by
    ``weight``); two clusters are joined only when each is among the other's
    ``neighbours`` most similar clusters **and** their cosine is above
    ``cosine`` (mutual nearest neighbours: one broad cluster cannot chain
    many types together); k is the number of groups (connected components),
    **averaged over** ``n_seeds`` KMeans seeds (``random_state``,
    ``random_state + 1``, ...) and rounded.

    Parameters
    ----------
    U : ndarray of shape (n, dim)
    weight : array of shape (n,) or None
        Calls per row.
    docs : sequence of str
        The whitespace-tokenised (normalised) text of each row of ``U``.
    rows_per_cluster : int, default=15
        Rows per over-cluster (``K' = n // rows_per_cluster``).
    min_clusters, max_clusters : int, default=150, 500
        Bounds of ``K'``.
    neighbours : int, default=5
        A link needs both clusters among each other's ``neighbours`` nearest.
    cosine : float, default=0.25
        ... and a cosine of their c-TF-IDF vectors above this.
    n_seeds : int, default=3
        KMeans over-clusterings (one run each) whose counts are averaged.
    spectral : bool, default=True
        Cluster :func:`callmine.clustering.spectral_space` of ``U``.
    random_state : int, default=0
        The first KMeans seed.

    Returns
    -------
    k : int
    detail : dict
        ``clusters`` (over-clusters of the first seed), ``counts`` (groups per
        seed), ``largest_share`` (share of the calls in the largest group, mean
        over the seeds: near 1, the vocabularies overlap and the count is made
        of the small groups around one large one - a rough estimate),
        ``neighbours``, ``cosine``.

    Four clusters, two vocabularies:

    >>> docs = (["lost card"] * 30 + ["card lost today"] * 30 + ["reset pin"] * 30
    ...         + ["pin reset please"] * 30)
    >>> X = np.repeat(np.eye(4), 30, axis=0)
    >>> k, detail = vocab_count(X, None, docs, min_clusters=4, max_clusters=4,
    ...                         spectral=False)
    >>> k, detail["clusters"], detail["counts"]
    (2, 4, [2, 2, 2])
    """
    U, weight, docs = _count_inputs(U, weight, docs)
    n = U.shape[0]
    for name, value, low in (("rows_per_cluster", rows_per_cluster, 1),
                             ("min_clusters", min_clusters, 2), ("max_clusters", max_clusters, 2),
                             ("neighbours", neighbours, 1), ("n_seeds", n_seeds, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise CallmineError(f"{name} must be an integer >= {low}, got {value!r}")
    if max_clusters < min_clusters:
        raise CallmineError(f"max_clusters must be >= min_clusters ({min_clusters}), "
                            f"got {max_clusters!r}")
    if not 0 < float(cosine) < 1:
        raise CallmineError(f"cosine must be in (0, 1), got {cosine!r}")
    m = int(min(max(n // int(rows_per_cluster), int(min_clusters)), int(max_clusters), n // 5))
    if m < 2:
        raise CallmineError(f"rule='vocab' needs at least 10 rows, got {n}")
    detail = {"clusters": m, "counts": [], "neighbours": int(neighbours),
              "cosine": float(cosine)}
    counts = _word_counts(docs)
    if counts is None:  # no word in any text: nothing tells the clusters apart
        detail["counts"] = [1] * int(n_seeds)
        detail["largest_share"] = 1.0
        return 1, detail
    shares = []
    for i in range(int(n_seeds)):
        W, calls = _cluster_vectors(U, weight, counts, m, spectral, int(random_state) + i)
        if i == 0:
            detail["clusters"] = int(W.shape[0])
        group = _mutual_groups((W @ W.T).toarray(), int(neighbours), float(cosine))
        detail["counts"].append(int(group.max()) + 1)
        shares.append(float(np.bincount(group, weights=calls).max() / calls.sum()))
    # when most calls end in one group, the count is made of the small groups around it
    detail["largest_share"] = round(float(np.mean(shares)), 4)
    return int(np.floor(np.mean(detail["counts"]) + 0.5)), detail


def smoothed(values, window: int = 5) -> np.ndarray:
    """Moving average of a curve over ``window`` neighbouring points, centred.

    Near both ends the window shrinks symmetrically (the first and last
    points are kept as they are), so the ends are not pulled towards the
    middle of the curve.

    >>> smoothed([0.0, 0.3, 0.0, 0.3, 0.0], 3).round(2).tolist()
    [0.0, 0.1, 0.2, 0.1, 0.0]
    """
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1 \
            or window % 2 == 0:
        raise CallmineError(f"window must be an odd positive integer, got {window!r}")
    y = np.asarray(values, dtype=np.float64)
    n, half = len(y), int(window) // 2
    out = np.empty(n)
    for i in range(n):
        h = min(half, i, n - 1 - i)
        out[i] = y[i - h: i + h + 1].mean()
    return out


def _check(U, weight, Z, k_range, k_tolerance, sample_size, rule, n_init):
    U = np.asarray(U, dtype=np.float64)
    if U.ndim != 2 or U.shape[0] < 3:
        raise CallmineError(f"U must be a 2-D array with at least 3 rows, got shape {U.shape}")
    n = U.shape[0]
    weight = np.ones(n) if weight is None else np.asarray(weight, dtype=np.float64)
    if weight.shape != (n,):
        raise CallmineError(f"weight must have one value per row of U ({n}), "
                            f"got shape {weight.shape}")
    if Z is not None:
        Z = np.asarray(Z, dtype=np.float64)
        if Z.ndim != 2 or Z.shape[0] != n:
            raise CallmineError(f"Z must be a 2-D array with one row per row of U ({n}), "
                                f"got shape {Z.shape}")
    if not 0 <= float(k_tolerance) < 1:
        raise CallmineError(f"k_tolerance must be in [0, 1), got {k_tolerance!r}")
    try:
        lo, hi = (int(v) for v in k_range)
    except (TypeError, ValueError):
        raise CallmineError(f"k_range must be two integers (min, max), got {k_range!r}") from None
    if not 2 <= lo <= hi:
        raise CallmineError(f"k_range must satisfy 2 <= min <= max, got {k_range!r}")
    if isinstance(sample_size, bool) or not isinstance(sample_size, (int, np.integer)) \
            or sample_size < 10:
        raise CallmineError(f"sample_size must be an integer >= 10, got {sample_size!r}")
    if isinstance(n_init, bool) or not isinstance(n_init, (int, np.integer)) or n_init < 1:
        raise CallmineError(f"n_init must be a positive integer, got {n_init!r}")
    if rule not in RULES:
        raise CallmineError(f"rule must be one of {', '.join(map(repr, RULES))}, got {rule!r}")
    return U, weight, Z, (lo, hi)


def choose_k(U: np.ndarray, weight: np.ndarray, *, k_range: tuple[int, int] = (5, 150),
             k_tolerance: float = 0.05, spectral: bool = True, sample_seed: int = 0,
             kmeans_seed: int = 0, say: Callable[[str], None] | None = None,
             Z: np.ndarray | None = None, sample_size: int = 4000, rule: str = "knee",
             n_init: int = 6, cluster_space: Callable[[int], np.ndarray] | None = None,
             smooth_window: int = 5, smooth_tolerance: float = 0.10, graph=None,
             n_neighbors: int = 10, docs=None, name_clusters: int = 150,
             name_cosine: float = 0.25, vocab_args: dict | None = None):
    """Choose the number of types: the knee of the silhouette curve in the representation ``Z``.

    Parameters
    ----------
    U : ndarray of shape (n, dim)
        What the final clustering clusters: the spectral embedding of the
        neighbour graph (``spectral=True``) or the representation itself.
    weight : ndarray of shape (n,)
        Calls per row (identical texts are one row); KMeans sample weights.
    k_range : (int, int), default=(5, 150)
        Smallest and largest k tried (grid: :func:`callmine.clustering.k_grid`,
        at most one type per 10 rows).
    k_tolerance : float, default=0.05
        The plateau: the k whose silhouette is at least ``(1 - k_tolerance)``
        times the best of the grid. ``rule="plateau"`` takes its smallest k;
        ``rule="knee"`` moves a knee below the plateau up to it.
    spectral : bool, default=True
        ``U`` is a spectral embedding: cluster its first min(k, dim)
        coordinates, rows L2-normalised, as the final clustering does.
    sample_seed, kmeans_seed : int, default=0
        Seeds of the silhouette sample and of KMeans.
    say : callable, optional
        Receives one progress line per k.
    Z : ndarray of shape (n, n_features), optional
        The text representation (L2-normalised rows) in which the silhouette
        is measured (cosine). Without it, the silhouette is measured in
        ``U`` (rows L2-normalised when ``spectral``), which on real logs
        tends to choose too few types (see the module docstring).
    sample_size : int, default=4000
        The silhouette is computed on at most this many rows drawn at random.
    rule : {"knee", "plateau", "smooth", "modularity", "names", "vocab"}, default="knee"
        ``knee``: the joint of the best two-line fit of the silhouette against
        log k (:func:`knee`), or if the silhouette there is not yet on the
        plateau, the nearest plateau k after it (or before it, when none is
        after; with fewer than 4 values of k: the best k).
        ``plateau``: the smallest k within ``k_tolerance`` of the best.
        ``smooth``: the smallest k whose silhouette averaged over
        ``smooth_window`` neighbouring k of the grid (:func:`smoothed`) is
        within ``smooth_tolerance`` of the best average (``k_tolerance`` is
        not used).
        ``modularity``: the k whose partition has the highest modularity
        (:func:`modularity`) in ``graph`` (the smallest such k on a tie).
        ``names``: the number of distinct vocabularies among
        ``name_clusters`` over-clusters (:func:`name_count`; needs ``docs``);
        it need not be a k of the grid (the silhouette table is still
        computed, for the user to compare, and a counted k between two k of
        the grid gets a row of its own).
        ``vocab``: the same count with over-clusters sized by the rows,
        mutual-nearest-neighbour links and 3 KMeans seeds averaged
        (:func:`vocab_count`; needs ``docs``); likewise off the grid.
    n_init : int, default=6
        KMeans restarts per k.
    cluster_space : callable, optional
        ``cluster_space(k)`` returns the rows to cluster into k types
        (default: :func:`callmine.clustering.spectral_space` of ``U``).
    smooth_window : int, default=5
        Odd number of neighbouring k averaged by ``rule="smooth"``.
    smooth_tolerance : float, default=0.10
        ``rule="smooth"``: the plateau is the k whose averaged silhouette is
        at least ``(1 - smooth_tolerance)`` times the best average.
    graph : sparse matrix of shape (n, n), optional
        Symmetric neighbour graph over the rows of ``U`` in which the
        modularity of every partition is measured (the table gains a
        ``modularity`` column). With ``rule="modularity"`` and no graph,
        the cosine ``n_neighbors``-nearest-neighbour graph of ``Z`` (of
        ``U`` without ``Z``) is built, as :func:`callmine.clustering.spectral_embedding`
        builds it; the other rules build none.
    n_neighbors : int, default=10
        Neighbours per row of the graph built for ``rule="modularity"``.
    docs : sequence of str, optional
        ``rule="names"`` / ``"vocab"``: the normalised text of each row of ``U``.
    name_clusters, name_cosine : int, float, default=150, 0.25
        ``rule="names"``: see :func:`name_count` (``n_clusters``, ``cosine``);
        its KMeans seed is ``kmeans_seed``.
    vocab_args : dict, optional
        ``rule="vocab"``: keyword arguments of :func:`vocab_count` other than
        its defaults (``rows_per_cluster``, ``neighbours``, ...); its first
        KMeans seed is ``kmeans_seed``.

    Returns
    -------
    k : int
    table : pandas.DataFrame
        One row per k tried: ``k``, ``silhouette`` (in ``Z``: the criterion),
        ``silhouette_spectral`` (the same partition measured in the spectral
        space, for comparison), ``modularity`` (only with a graph; see
        ``graph``), ``silhouette_smoothed`` (``silhouette``
        averaged over ``smooth_window`` neighbouring k), ``knee_error``
        (squared error of the two-line fit joined at this k; NaN at both ends
        of the grid and for the other rules) and ``chosen``.
    reason : str
        Why this k, in one sentence.

    Examples
    --------
    >>> rs = np.random.RandomState(0)
    >>> centres = np.eye(8)[:6]
    >>> Z = normalize(np.repeat(centres, 20, axis=0) + 0.05 * rs.randn(120, 8))
    >>> k, table, reason = choose_k(Z, np.ones(120), k_range=(2, 12), spectral=False, Z=Z)
    >>> k
    6
    """
    say = say or (lambda msg: None)
    U, weight, Z, k_range = _check(U, weight, Z, k_range, k_tolerance, sample_size, rule,
                                      n_init)
    if isinstance(smooth_window, bool) or not isinstance(smooth_window, (int, np.integer)) \
            or smooth_window < 1 or smooth_window % 2 == 0:
        raise CallmineError(f"smooth_window must be an odd positive integer, "
                            f"got {smooth_window!r}")
    if not 0 <= float(smooth_tolerance) < 1:
        raise CallmineError(f"smooth_tolerance must be in [0, 1), got {smooth_tolerance!r}")
    n = U.shape[0]
    grid = [k for k in k_grid(n, k_range) if k < n]
    if not grid:
        raise CallmineError(f"no k of k_range={k_range!r} can be tried on {n} rows")
    if graph is None and rule == "modularity":
        if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, (int, np.integer)) \
                or n_neighbors < 1:
            raise CallmineError(f"n_neighbors must be a positive integer, got {n_neighbors!r}")
        # the graph of the spectral embedding: cosine neighbours in the representation
        graph = knn_graph(Z if Z is not None else U, int(n_neighbors))
    if rule in ("names", "vocab") and docs is None:
        raise CallmineError(f"rule={rule!r} needs docs (the normalised text of each row of U)")
    if graph is not None:
        graph = sp.csr_matrix(graph)
        if graph.shape != (n, n):
            raise CallmineError(f"graph must be a square matrix with one row per row of U "
                                f"({n}), got shape {graph.shape}")
    rs = check_random_state(sample_seed)
    sample = np.sort(rs.choice(n, min(n, int(sample_size)), replace=False))
    Us = normalize(U[sample]) if spectral else U[sample]
    X, metric, where = (Z[sample], "cosine", "text representation") if Z is not None \
        else (Us, "euclidean", "spectral space")
    def score(k):
        """The row of the table for k: KMeans into k, its silhouettes (and modularity)."""
        if cluster_space is not None:
            V = np.asarray(cluster_space(k), dtype=np.float64)
            if V.ndim != 2 or V.shape[0] != n:
                raise CallmineError(f"cluster_space({k}) must return a 2-D array with one row "
                                    f"per row of U ({n}), got shape {V.shape}")
        else:
            V = spectral_space(U, k) if spectral else U
        lab = KMeans(k, n_init=int(n_init), random_state=kmeans_seed).fit_predict(
            V, sample_weight=weight)
        ls = lab[sample]
        sil = _silhouette(X, ls, metric)
        sil_u = _silhouette(Us, ls, "euclidean")
        row = {"k": k, "silhouette": round(sil, 4), "silhouette_spectral": round(sil_u, 4)}
        extra = ""
        if graph is not None:
            row["modularity"] = round(modularity(graph, lab), 4)
            extra = f", modularity {row['modularity']:.3f} (neighbour graph)"
        say(f"  k={k}: silhouette {sil:.3f} ({where}), {sil_u:.3f} (spectral space){extra}")
        return row

    table = pd.DataFrame([score(k) for k in grid])
    names = None
    about = f"{where}; {len(sample):,} calls sampled"
    if rule in ("names", "vocab") and n < _MIN_COUNT_ROWS:
        # too few rows to over-cluster (e.g. a handful of distinct calls): the silhouette rule
        k, table, reason = pick_k(table, "smooth", k_tolerance=k_tolerance,
                                  smooth_window=int(smooth_window),
                                  smooth_tolerance=float(smooth_tolerance), about=about)
        return k, table, (f"{n} distinct calls are too few for rule={rule!r} (it needs "
                          f"{_MIN_COUNT_ROWS}), so the rule 'smooth' chose - {reason}")
    if rule in ("names", "vocab"):
        names = count_k(rule, U, weight, docs, k_range=k_range, spectral=spectral,
                        random_state=kmeans_seed, name_clusters=name_clusters,
                        name_cosine=name_cosine, vocab_args=vocab_args)
        say(f"  distinct vocabularies among {names[1]['clusters']} over-clusters: {names[0]}")
        if names[0] not in grid:  # the counted k gets its own row, so the table shows it
            table = pd.concat([table, pd.DataFrame([score(names[0])])], ignore_index=True)
            table = table.sort_values("k", kind="stable").reset_index(drop=True)
    return pick_k(table, rule, k_tolerance=k_tolerance, smooth_window=int(smooth_window),
                  smooth_tolerance=float(smooth_tolerance), about=about, names=names)


def count_k(rule: str, U: np.ndarray, weight, docs, *, k_range: tuple[int, int] = (5, 150),
            spectral: bool = True, random_state: int = 0, name_clusters: int = 150,
            name_cosine: float = 0.25, vocab_args: dict | None = None) -> tuple[int, dict]:
    """The count of ``rule="names"`` or ``"vocab"``, kept within ``k_range`` and below the rows.

    Calls :func:`name_count` or :func:`vocab_count` (``vocab_args``: its other
    keyword arguments); when the count had to be moved into ``k_range``, the
    returned detail holds the raw count as ``count``. Pass the result to
    :func:`pick_k` as ``names``.

    >>> docs = ["lost card"] * 30 + ["reset pin"] * 30
    >>> X = np.repeat(np.eye(2), 30, axis=0)
    >>> k, detail = count_k("names", X, None, docs, k_range=(3, 10), spectral=False,
    ...                     name_clusters=2)
    >>> k, detail["count"]
    (3, 2)
    """
    if rule == "names":
        count = name_count(U, weight, docs, n_clusters=name_clusters, cosine=name_cosine,
                           spectral=spectral, random_state=random_state)
    elif rule == "vocab":
        extra = dict(vocab_args or {})
        for key in ("spectral", "random_state"):
            if key in extra:
                raise CallmineError(f"vocab_args must not set {key!r} (choose_k passes "
                                    f"spectral and kmeans_seed), got {vocab_args!r}")
        count = vocab_count(U, weight, docs, spectral=spectral, random_state=random_state,
                            **extra)
    else:
        raise CallmineError(f"rule must be 'names' or 'vocab' to count types, got {rule!r}")
    # the count is kept within k_range (and below the rows), as every rule's k is
    kept = int(min(max(count[0], int(k_range[0])), int(k_range[1]), len(U) - 1))
    if kept != count[0]:
        count = (kept, {**count[1], "count": count[0]})
    return count


def pick_k(table: pd.DataFrame, rule: str = "smooth", *, k_tolerance: float = 0.05,
           smooth_window: int = 5, smooth_tolerance: float = 0.10,
           about: str = "text representation", names: tuple | None = None):
    """Apply a rule to a table of silhouettes over k (the second half of :func:`choose_k`).

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``k`` (increasing) and ``silhouette``; other columns are kept.
    rule : {"smooth", "knee", "plateau", "modularity", "names", "vocab"}
        See :func:`choose_k` (``modularity`` needs the ``modularity`` column,
        ``names`` / ``vocab`` the result of :func:`name_count` /
        :func:`vocab_count` as ``names``).
    about : str
        Where the silhouette was measured, for the reason (``"text
        representation; 4,000 calls sampled"``).
    names : (int, dict), optional
        ``rule="names"``: what :func:`name_count` returned; ``rule="vocab"``:
        what :func:`vocab_count` returned.

    Returns
    -------
    k, table, reason
        ``table`` is a copy with ``silhouette_smoothed``, ``knee_error`` and
        ``chosen`` (re)computed.

    >>> t = pd.DataFrame({"k": [2, 3, 4, 5, 6], "silhouette": [0.1, 0.3, 0.5, 0.5, 0.5]})
    >>> pick_k(t, "smooth", smooth_window=1)[0], pick_k(t, "plateau")[0]
    (4, 4)
    """
    if rule not in RULES:
        raise CallmineError(f"rule must be one of {', '.join(map(repr, RULES))}, got {rule!r}")
    table = table.drop(columns=["silhouette_smoothed", "knee_error", "chosen"],
                       errors="ignore").reset_index(drop=True)
    grid = table["k"].astype(int).tolist()
    where = about.split(";")[0]
    sampled = about[len(where) + 2:] if ";" in about else ""
    sil = table["silhouette"].to_numpy(dtype=np.float64)
    table["silhouette_smoothed"] = np.round(smoothed(sil, int(smooth_window)), 4)
    best, kbest = float(sil.max()), int(table["k"].iloc[int(sil.argmax())])
    tried = f"k tried: {grid[0]}..{grid[-1]}"
    keep = (1 - float(k_tolerance)) * best
    if rule in ("names", "vocab"):
        if names is None:
            what = "name_count" if rule == "names" else "vocab_count"
            raise CallmineError(f"rule={rule!r} needs names={what}(...) (the texts are not "
                                f"in the table); choose_k(..., rule={rule!r}, docs=...) "
                                f"computes it")
        table["knee_error"] = np.nan
        k, d = int(names[0]), names[1]
        clamp = (f"; {d['count']} groups, kept within k_range {grid[0]}..{grid[-1]}"
                 if "count" in d else "")
        on_grid = table.loc[table["k"] == k, "silhouette"]
        sil_k = (f"silhouette in the {where} {float(on_grid.iloc[0]):.3f}" if len(on_grid)
                 else f"between the k of the silhouette grid, {tried}")
        if rule == "names":
            reason = (f"k={k}: the number of distinct vocabularies among {d['clusters']} small "
                      f"clusters of the calls - clusters whose class-based TF-IDF words have a "
                      f"cosine above {d['cosine']:g} are one type (the largest type joins "
                      f"{d['largest_group']} of them); over-clusters of one request type share "
                      f"its distinctive words, different types do not ({sil_k}{clamp})")
        else:
            seeds = "/".join(map(str, d["counts"]))
            reason = (f"k={k}: the number of distinct vocabularies among {d['clusters']} small "
                      f"clusters of the calls - two clusters are one type when each is among "
                      f"the other's {d['neighbours']} most similar and their class-based TF-IDF "
                      f"words have a cosine above {d['cosine']:g}; over-clusters of one request "
                      f"type share its distinctive words, different types do not (groups over "
                      f"{len(d['counts'])} KMeans seeds: {seeds}, averaged; {sil_k}{clamp})")
            share = d.get("largest_share")
            if share is not None:
                reason += f"; the largest group holds {share:.0%} of the calls"
                if share >= _ROUGH_SHARE:
                    reason += (" - most calls share one vocabulary, so the groups are not the "
                               "types and the count comes from the smaller groups around it "
                               "(on the development sets it still tracked the number of types, "
                               "roughly): compare the silhouette table and pass k when the "
                               "granularity is known")
    elif rule == "modularity":
        if "modularity" not in table or table["modularity"].isna().all():
            raise CallmineError(f"rule='modularity' needs a 'modularity' column in the table "
                                f"(choose_k adds it with rule='modularity' or a graph), got "
                                f"columns {', '.join(map(str, table.columns))}")
        table["knee_error"] = np.nan
        q = table["modularity"].to_numpy(dtype=np.float64)
        i = int(np.nanargmax(q))  # the first (smallest) k on a tie
        k = grid[i]
        reason = (f"k={k}: the partition with the highest modularity in the graph of each "
                  f"call's nearest neighbours ({q[i]:.3f}; silhouette in the {where} "
                  f"{sil[i]:.3f}): the share of neighbour links inside the types minus the "
                  f"share expected at random with the same degrees - fewer types merge groups "
                  f"the neighbours keep apart, more types cut through groups they hold "
                  f"together ({tried})")
    elif rule == "smooth":
        table["knee_error"] = np.nan
        tol = float(smooth_tolerance)
        sm = table["silhouette_smoothed"].to_numpy()
        top = float(sm.max())
        k_top = int(table["k"].iloc[int(sm.argmax())])
        if best > top + tol * abs(top):
            # one k stands far above its neighbours: well-separated groups, not KMeans noise
            k = kbest
            reason = (f"k={k}: the best silhouette in the {where} ({best:.3f}) stands out "
                      f"more than {100 * tol:g}% above the best average over "
                      f"{int(smooth_window)} neighbouring k ({top:.3f} at k={k_top}): a sharp "
                      f"peak, so its k is taken ({sampled + '; ' if sampled else ''}{tried})")
        else:
            k = int(table.loc[sm >= top - tol * abs(top), "k"].min())
            s_k = float(table.loc[table["k"] == k, "silhouette_smoothed"].iloc[0])
            reason = (f"k={k}: the smallest number of types whose silhouette in the {where}, "
                      f"averaged over {int(smooth_window)} neighbouring k of the grid "
                      f"({s_k:.3f}), is within {100 * tol:g}% of the best average "
                      f"({top:.3f} at k={k_top}); more types than that barely separate the "
                      f"calls better ({sampled + '; ' if sampled else ''}{tried})")
    elif rule == "knee" and len(grid) >= 4:
        k_knee, errors, (before, after) = knee(table["k"], sil)
        table["knee_error"] = np.round(errors, 6)
        # the k chosen is on the plateau: a knee below it (a curve still far from its best)
        # moves up to its first k, a knee past it (a curve falling after its best) back to its last
        plateau = table.loc[sil >= keep, "k"]
        later = plateau[plateau >= k_knee]
        k = int(later.min()) if len(later) else int(plateau.max())
        s_k = float(table.loc[table["k"] == k, "silhouette"].iloc[0])
        moved = "" if k == k_knee else (f", moved from the knee at k={k_knee} to the nearest k "
                                         f"within {100 * float(k_tolerance):g}% of the best")
        reason = (f"k={k}: the knee of the silhouette in the {where} against log k (two lines "
                  f"fitted, L-method{'; ' + sampled if sampled else ''}): it gains "
                  f"{before:+.3f} per doubling of k up to the knee and {after:+.3f} after{moved} "
                  f"(silhouette {s_k:.3f}, best {best:.3f} at k={kbest}); {tried}")
    else:
        table["knee_error"] = np.nan
        tol = float(k_tolerance) if rule == "plateau" else 0.0
        k = int(table.loc[sil >= (1 - tol) * best, "k"].min())
        s_k = float(table.loc[table["k"] == k, "silhouette"].iloc[0])
        what = (f"within {100 * tol:g}% of the best on the grid" if rule == "plateau"
                else "the best on the grid (too few k for a knee)")
        reason = (f"k={k}: the smallest number of types whose silhouette in the {where} "
                  f"({s_k:.3f}{', ' + sampled if sampled else ''}) is {what} "
                  f"({best:.3f} at k={kbest}); {tried}")
    table["chosen"] = table["k"] == k
    return k, table, reason
