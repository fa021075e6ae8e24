"""Clustering maths of request-type discovery, as pure functions.

Used by :class:`callmine.discover.RequestTypeDiscoverer` (steps 3-6 and the
stability score of its method): the spectral embedding of a symmetric
k-nearest-neighbour graph (with its eigenvalues; the edges between a
caller's consecutive calls in ``repeat_call_graph``) and the diffusion-damped
space clustered by the ``accurate`` profile, the choice of the number of types from the
silhouette on a grid of k, the merge of an over-clustering by the clusters'
concept profiles (``partition="concept_merge"``) and the operator's answers in
each cluster (``answer_profiles``), the robust outlier cut-offs,
the stability of types under re-clustering, and the cluster accuracy used by
the benchmarks.
"""

from __future__ import annotations

import warnings
from typing import Callable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.manifold import SpectralEmbedding
from sklearn.metrics import silhouette_score
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize
from sklearn.utils.extmath import safe_sparse_dot
from sklearn.utils import check_random_state

from callmine.errors import CallmineError

__all__ = ["cluster_accuracy", "k_grid", "knn_graph", "repeat_call_graph", "spectral_embedding",
           "spectral_space", "spectral_dims", "diffusion_space", "choose_k", "merge_by_profile",
           "cluster_sums", "answer_profiles", "answer_signal", "central_partition",
           "order_by_size", "outlier_cutoffs", "stability"]


def cluster_accuracy(y_true: Sequence, y_pred: Sequence) -> float:
    """Accuracy after the best one-to-one matching of clusters to labels (Hungarian).

    Every predicted cluster (including ``-1``) is one group; unmatched groups
    count as errors.

    >>> cluster_accuracy(["a", "a", "b", "b"], [1, 1, 0, 0])
    1.0
    >>> cluster_accuracy(["a", "a", "b", "b"], [0, 0, 0, 1])
    0.75
    """
    yt = pd.factorize(np.asarray(y_true, dtype=object))[0]
    yp = pd.factorize(np.asarray(y_pred, dtype=object))[0]
    if len(yt) != len(yp):
        raise CallmineError(f"y_true and y_pred differ in length: {len(yt)} != {len(yp)}")
    if len(yt) == 0:
        return 0.0
    table = np.zeros((yp.max() + 1, yt.max() + 1))
    np.add.at(table, (yp, yt), 1)
    rows, cols = linear_sum_assignment(-table)
    return float(table[rows, cols].sum() / len(yt))


def k_grid(n: int, k_range: tuple[int, int] = (5, 150)) -> list[int]:
    """The numbers of types tried by ``k="auto"`` for ``n`` calls.

    Every k below 10, then steps of 5 up to 50, of 10 up to 150 and of 25
    above, within ``k_range`` and at most ``n // 10`` (at least 10 calls per
    type on average).

    >>> k_grid(3080)[:4], k_grid(3080)[-1]
    ([5, 6, 7, 8], 150)
    >>> k_grid(60, (2, 150))
    [2, 3, 4, 5, 6]
    """
    lo, hi = int(k_range[0]), int(k_range[1])
    hi = min(hi, max(2, n // 10))
    lo = max(2, min(lo, hi))
    grid = list(range(2, 10)) + list(range(10, 51, 5)) + list(range(60, 151, 10)) \
        + list(range(175, 1001, 25))
    out = sorted({k for k in grid if lo <= k <= hi} | {lo})
    return out


def knn_graph(Z: np.ndarray, n_neighbors: int):
    """Symmetric cosine kNN connectivity graph (1: mutual neighbours, 0.5: one-way).

    A sparse ``Z`` with dense columns (a sentence embedding stacked beside
    sparse n-grams) is searched by :func:`_split_knn`, much faster than a
    sparse product over the dense block; otherwise scikit-learn's brute-force
    search.
    """
    n = Z.shape[0]
    nn = min(int(n_neighbors), n - 1)
    dense_cols = _dense_columns(Z)
    if dense_cols is not None:
        graph = _split_knn(Z, dense_cols, nn + 1)
    else:
        graph = NearestNeighbors(n_neighbors=nn + 1, metric="cosine").fit(Z) \
            .kneighbors_graph(Z, mode="connectivity")
    graph.setdiag(0)
    graph.eliminate_zeros()
    return (0.5 * (graph + graph.T)).tocsr()


def _dense_columns(Z, min_share: float = 0.5, min_count: int = 32):
    """Columns of a sparse ``Z`` stored in at least ``min_share`` of its rows (None: too few)."""
    if not sp.issparse(Z) or Z.shape[0] < 2:
        return None
    counts = np.bincount(Z.tocsr().indices, minlength=Z.shape[1])
    cols = np.flatnonzero(counts >= min_share * Z.shape[0])
    return cols if len(cols) >= min_count else None


def _split_knn(Z, dense_cols: np.ndarray, n_query: int, block_cells: int = 2**24):
    """Cosine ``n_query``-nearest-neighbour connectivity of the rows of a sparse ``Z``.

    The cosine similarity is computed as the sparse product over the sparse
    columns plus a dense (BLAS) product over ``dense_cols``, ``block_cells``
    similarities at a time; every row's neighbours include itself, as with
    :meth:`sklearn.neighbors.NearestNeighbors.kneighbors_graph` on the same
    rows (the same maths; exact ties may be broken differently).
    """
    Z = normalize(sp.csr_matrix(Z, dtype=np.float64))
    n = Z.shape[0]
    keep = np.ones(Z.shape[1], dtype=bool)
    keep[dense_cols] = False
    Zs = Z[:, np.flatnonzero(keep)].tocsr()
    Zd = np.ascontiguousarray(Z[:, dense_cols].toarray())
    ZsT = Zs.T.tocsr()
    step = max(1, int(block_cells) // n)
    indices = np.empty((n, n_query), dtype=np.int64)
    for start in range(0, n, step):
        stop = min(n, start + step)
        sim = safe_sparse_dot(Zs[start:stop], ZsT, dense_output=True)
        sim += Zd[start:stop] @ Zd.T
        indices[start:stop] = np.argpartition(-sim, n_query - 1, axis=1)[:, :n_query]
    rows = np.repeat(np.arange(n), n_query)
    return sp.csr_matrix((np.ones(n * n_query), (rows, indices.ravel())), shape=(n, n))


def repeat_call_graph(callers: Sequence, rows: np.ndarray, n_rows: int,
                      weight: float = 1.0, max_calls: int | None = None) -> sp.csr_matrix:
    """Symmetric graph joining the consecutive calls of each caller, for the neighbour graph.

    ``callers[i]`` identifies who made call ``i`` (a hashed number or account;
    None, NaN or ``""``: unknown, never joined) and ``rows[i]`` is the row of
    the clustered representation that call ``i`` became (identical
    normalised calls share a row, ``0..n_rows-1``). Calls are taken in the
    order given (a call log's time order): every call of a caller is joined
    to that caller's previous call by an edge of ``weight`` between their
    rows; two calls on the same row add nothing, repeated pairs add up. A
    caller who calls again usually calls about the same matter, often in
    other words, so these edges pull the phrasings of one request type
    together where the words alone do not. A caller id with more than
    ``max_calls`` calls is not joined at all: a shared or placeholder number
    (an office, "anonymous", a withheld number) would chain unrelated calls.

    >>> g = repeat_call_graph(["a", "b", "a", None, "a"], np.array([0, 1, 2, 3, 2]), 4, 2.0)
    >>> g.toarray().tolist()
    [[0.0, 0.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0], [2.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
    """
    rows = np.asarray(rows, dtype=np.int64)
    if len(callers) != len(rows):
        raise CallmineError(f"callers and rows differ in length: {len(callers)}, {len(rows)}")
    from callmine.sampling import known_callers

    who, known = known_callers(callers)
    codes = np.full(len(rows), -1, dtype=np.int64)
    codes[known] = pd.factorize(who[known].astype(str))[0]
    if max_calls is not None and known.any():
        shared = np.bincount(codes[known]) > int(max_calls)
        known = known & ~shared[np.maximum(codes, 0)]  # unknown rows (code -1) stay unknown
    order = np.flatnonzero(known)[np.argsort(codes[known], kind="stable")]
    same = codes[order[1:]] == codes[order[:-1]]
    a, b = rows[order[:-1][same]], rows[order[1:][same]]
    keep = a != b
    a, b = a[keep], b[keep]
    g = sp.csr_matrix((np.full(len(a), float(weight)), (a, b)), shape=(n_rows, n_rows))
    return (g + g.T).tocsr()


def spectral_embedding(Z: np.ndarray, *, n_neighbors: int = 10, n_components: int = 30,
                       random_state: int | None = None, return_eigenvalues: bool = False,
                       graph=None):
    """Laplacian eigenmaps of the symmetric cosine kNN graph over the rows of ``Z``.

    ``n_neighbors`` is capped at ``n - 1`` and ``n_components`` at ``n - 2``
    (at least 1); a graph that is not fully connected is accepted silently.

    With ``return_eigenvalues``, also returns the eigenvalue of every column
    in the normalised adjacency ``D^-1/2 A D^-1/2`` (1 for a perfectly
    separated group, smaller for less smooth coordinates; Rayleigh quotients
    of the columns), for :func:`diffusion_space`.

    ``graph``: the :func:`knn_graph` of ``Z`` when already built (to reuse one
    graph for several embeddings or for the modularity of ``k="auto"``).
    """
    n = Z.shape[0]
    if graph is None:
        graph = knn_graph(Z, n_neighbors)
    dim = max(1, min(int(n_components), n - 2))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Graph is not fully connected")
        U = SpectralEmbedding(n_components=dim, affinity="precomputed",
                              random_state=random_state).fit_transform(graph)
    if not return_eigenvalues:
        return U
    deg = np.asarray(graph.sum(axis=1)).ravel()
    deg = np.where(deg > 0, deg, 1.0)
    # scikit-learn returns D^-1/2 v for the eigenvectors v of the normalised graph
    V = U * np.sqrt(deg)[:, None]
    V /= np.maximum(np.linalg.norm(V, axis=0), 1e-12)
    inv = 1.0 / np.sqrt(deg)
    MV = inv[:, None] * (graph @ (inv[:, None] * V))
    return U, np.einsum("ij,ij->j", V, MV)


def spectral_space(U: np.ndarray, k: int) -> np.ndarray:
    """The first min(k, dim) spectral coordinates, rows L2-normalised (k types need ~k)."""
    return normalize(U[:, : max(2, min(k, U.shape[1]))])


def spectral_dims(k: int, factor: float = 1.5) -> int:
    """Spectral coordinates computed for the final clustering into ``k`` types: ceil(1.5 k).

    >>> spectral_dims(77), spectral_dims(35), spectral_dims(2)
    (116, 53, 3)
    """
    return max(2, int(np.ceil(float(factor) * int(k))))


def diffusion_space(U: np.ndarray, eigenvalues: np.ndarray, k: int,
                    decay: float = 0.2) -> np.ndarray:
    """All spectral coordinates, damped like diffusion-map coordinates, rows L2-normalised.

    Column ``i`` is scaled by ``(lambda_i / lambda_1) ** t`` with ``t`` such
    that the ``k``-th column gets weight ``decay``: coordinates that
    separate coarse groups keep their full weight, the later, noisier ones
    still help to split close types but count less (a diffusion over ``t``
    steps of the neighbour graph, with ``t`` set by ``k``). Unlike a hard cut
    at ``k`` columns, the result barely depends on how many columns were
    computed.

    >>> U = np.eye(4)[:, :3] + 0.1
    >>> diffusion_space(U, np.array([1.0, 0.9, 0.5]), 2).shape
    (4, 3)
    """
    lam = np.clip(np.asarray(eigenvalues, dtype=np.float64), 1e-9, None)
    if lam.shape[0] != U.shape[1]:
        raise CallmineError(f"eigenvalues has {lam.shape[0]} values for {U.shape[1]} "
                            f"spectral coordinates")
    if not 0 < float(decay) < 1:
        raise CallmineError(f"decay must be in (0, 1), got {decay!r}")
    top = lam.max()
    kk = min(max(int(k), 1), lam.shape[0]) - 1
    ratio = lam[kk] / top
    t = np.log(float(decay)) / np.log(ratio) if ratio < 1 - 1e-9 else 0.0
    return normalize(U * ((lam / top) ** t)[None, :])


def choose_k(U: np.ndarray, weight: np.ndarray, *, k_range: tuple[int, int] = (5, 150),
             k_tolerance: float = 0.05, spectral: bool = True, sample_seed: int = 0,
             kmeans_seed: int = 0, say: Callable[[str], None] | None = None):
    """Choose the number of types: the start of the silhouette plateau over :func:`k_grid`.

    KMeans (2 restarts, seed ``kmeans_seed``, rows weighted by ``weight``)
    for every k of the grid; the silhouette is computed on a sample of up to
    4,000 rows (seed ``sample_seed``) of ``U`` (rows L2-normalised when
    ``spectral``). The chosen k is the smallest whose silhouette is at least
    ``(1 - k_tolerance)`` times the best.

    Returns
    -------
    k : int
    table : pandas.DataFrame
        ``k``, ``silhouette`` and ``chosen`` for every k tried.
    reason : str
        Why this k, in one sentence.
    """
    say = say or (lambda msg: None)
    n = U.shape[0]
    grid = k_grid(n, k_range)
    rows = []
    rs = check_random_state(sample_seed)
    sample = np.sort(rs.choice(n, min(n, 4000), replace=False))
    for k in grid:
        if k >= n:
            continue
        # one space for every k, so that the silhouettes are comparable
        V = normalize(U) if spectral else U
        lab = KMeans(k, n_init=2, random_state=kmeans_seed).fit_predict(
            V, sample_weight=weight)
        ls = lab[sample]
        sil = silhouette_score(V[sample], ls) if 1 < len(np.unique(ls)) < len(sample) else -1.0
        rows.append({"k": k, "silhouette": round(float(sil), 4)})
        say(f"  k={k}: silhouette {sil:.3f}")
    table = pd.DataFrame(rows)
    best = table["silhouette"].max()
    ok = table["silhouette"] >= (1 - float(k_tolerance)) * best
    k = int(table.loc[ok, "k"].min())
    table["chosen"] = table["k"] == k
    kbest = int(table.loc[table["silhouette"].idxmax(), "k"])
    reason = (f"k={k}: the smallest number of types whose silhouette "
              f"({float(table.loc[table['chosen'], 'silhouette'].iloc[0]):.3f}) is within "
              f"{100 * float(k_tolerance):g}% of the best on the grid "
              f"({best:.3f} at k={kbest}); k tried: {grid[0]}..{grid[-1]}")
    return k, table, reason


def merge_by_profile(labels: np.ndarray, profiles: np.ndarray, weight: np.ndarray,
                     k: int) -> np.ndarray:
    """Merge clusters greedily by the cosine similarity of their mean profiles until ``k`` remain.

    The profile of a cluster is the ``weight``-weighted mean of its rows of
    ``profiles`` (e.g. the concept TF-IDF of its calls); at every step the two
    clusters with the most similar profiles become one (ties: the lowest
    cluster numbers first), and its profile is the weighted mean of both.
    Used by ``partition="concept_merge"``: KMeans splits a large request type
    into sub-topics phrased in different words (or languages) that still
    speak of the same concepts, and this joins them again.

    Returns labels renumbered ``0..m-1`` in order of first cluster number,
    ``m = min(k, number of clusters)``.

    >>> merge_by_profile(np.array([0, 1, 2, 2]), np.array([[1., 0], [1, .1], [0, 1], [0, 1]]),
    ...                  np.ones(4), 2).tolist()
    [0, 0, 1, 1]
    """
    labels = np.asarray(labels)
    P = np.asarray(profiles, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    if not (len(labels) == len(P) == len(w)):
        raise CallmineError(f"labels, profiles and weight differ in length: "
                            f"{len(labels)}, {len(P)}, {len(w)}")
    ids, lab = np.unique(labels, return_inverse=True)
    m = len(ids)
    sums = np.zeros((m, P.shape[1]))
    np.add.at(sums, lab, P * w[:, None])
    alive = list(range(m))
    target = max(1, int(k))
    while len(alive) > target:
        C = normalize(sums[alive])
        sim = C @ C.T
        sim[np.tril_indices(len(alive))] = -np.inf
        i, j = np.unravel_index(int(np.argmax(sim)), sim.shape)
        a, b = alive[i], alive[j]
        sums[a] += sums[b]
        lab[lab == b] = a
        alive.remove(b)
    return np.unique(lab, return_inverse=True)[1]


def cluster_sums(labels: np.ndarray, X, m: int, row_weight=None) -> np.ndarray:
    """Dense ``(m, X.shape[1])`` sums of the rows of ``X`` (sparse or dense) in each cluster.

    Row ``i`` counts ``row_weight[i]`` times (once when None); clusters are ``0..m-1``.

    >>> cluster_sums(np.array([0, 1, 0]), np.array([[1., 0], [0, 1], [2, 0]]), 2).tolist()
    [[3.0, 0.0], [0.0, 1.0]]
    """
    labels = np.asarray(labels)
    n = len(labels)
    w = np.ones(n) if row_weight is None else np.asarray(row_weight, dtype=np.float64)
    onehot = sp.csr_matrix((w, (labels, np.arange(n))), shape=(int(m), n))
    return np.asarray(safe_sparse_dot(onehot, X, dense_output=True), dtype=np.float64)


def answer_profiles(labels: np.ndarray, counts, weight: np.ndarray, *,
                    min_share: float = 0.02) -> np.ndarray:
    """How distinctively the operator answered in each cluster: one unit-length row per cluster.

    ``counts[i, t]`` is the number of calls of row ``i`` (a distinct
    customer text standing for ``weight[i]`` calls) in whose operator turns
    word ``t`` occurs. For cluster ``c`` the **share** of its calls with
    word ``t`` (``counts`` summed over the cluster / its weight) is weighted
    by ``log(m / d_t)``, where ``m`` is the number of clusters and ``d_t``
    the number of clusters in which at least ``min_share`` of the calls have
    the word (at least 1): words the operator says in every cluster
    (greetings, "your IIN please", closings) get weight 0, words of one
    answer script get the most. Rows are L2-normalised; a cluster with no
    distinctive operator word gets a zero row.

    Why: the operator answers all the phrasings of one request type from
    the same script ("reset the password with the forgot-password button"
    for "I forgot my password", "my account is blocked" and "wrong SMS code
    at login"), so clusters that KMeans cut out of one type share their
    answers even when the customers' words differ. Used next to the concept
    profiles by :func:`merge_by_profile` (``RequestTypeDiscoverer(answers=...)``).

    Returns an array of shape ``(labels.max() + 1, counts.shape[1])``.

    >>> counts = np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1], [0, 0, 0]])
    >>> answer_profiles(np.array([0, 1, 2, 2]), counts, np.ones(4)).round(2).tolist()
    [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    labels = np.asarray(labels)
    w = np.asarray(weight, dtype=np.float64)
    if not (len(labels) == counts.shape[0] == len(w)):
        raise CallmineError(f"labels, counts and weight differ in length: "
                            f"{len(labels)}, {counts.shape[0]}, {len(w)}")
    if not 0 < float(min_share) < 1:
        raise CallmineError(f"min_share must be in (0, 1), got {min_share!r}")
    m = int(labels.max()) + 1 if len(labels) else 0
    totals = cluster_sums(labels, counts, m)
    share = totals / np.maximum(np.bincount(labels, weights=w, minlength=m), 1e-12)[:, None]
    spread = np.maximum((share >= float(min_share)).sum(axis=0), 1)
    return normalize(share * np.log(m / spread))


def _g_statistic(labels: np.ndarray, counts, weight: np.ndarray) -> float:
    """G = 2 sum x log(x / E) over the cluster x word table of ``counts`` (E: independence)."""
    m = int(labels.max()) + 1
    x = cluster_sums(labels, counts, m)
    n = np.bincount(labels, weights=weight, minlength=m)[:, None]
    expected = n * (x.sum(axis=0, keepdims=True) / max(float(weight.sum()), 1e-12))
    pos = (x > 0) & (expected > 0)
    return float(2.0 * np.sum(x[pos] * np.log(x[pos] / expected[pos])))


def answer_signal(labels: np.ndarray, counts, weight: np.ndarray, *, n_null: int = 3,
                  random_state=0) -> float:
    """How much more the operator's words depend on the clusters than by chance (a ratio).

    The G statistic (likelihood-ratio test of independence) of the cluster x
    operator-word table (``counts`` and ``weight`` as in
    :func:`answer_profiles`), divided by its mean over ``n_null`` tables with
    the cluster labels shuffled among the rows. About 1 when the operator's
    words say nothing about the clusters (only chance), well above 1 when
    the operators of a cluster answer from its own script: on synthetic logs
    of other seeds 3.8-4.1, 2.6 with the operator turns of a random other call
    added to every call, 1.0 with every call's operator turns taken from a
    random other call.

    >>> labels = np.repeat([0, 1], 50)
    >>> script = np.repeat(np.eye(2), 50, axis=0)          # each cluster's own answer
    >>> answer_signal(labels, script, np.ones(100)) > 10
    True
    """
    labels = np.asarray(labels)
    w = np.asarray(weight, dtype=np.float64)
    if not (len(labels) == counts.shape[0] == len(w)):
        raise CallmineError(f"labels, counts and weight differ in length: "
                            f"{len(labels)}, {counts.shape[0]}, {len(w)}")
    if isinstance(n_null, bool) or not isinstance(n_null, (int, np.integer)) or n_null < 1:
        raise CallmineError(f"n_null must be a positive integer, got {n_null!r}")
    real = _g_statistic(labels, counts, w)
    rs = check_random_state(random_state)
    null = np.mean([_g_statistic(rs.permutation(labels), counts, w) for _ in range(int(n_null))])
    return float(real / null) if null > 0 else (float("inf") if real > 0 else 0.0)


def central_partition(partitions: Sequence[np.ndarray]) -> tuple[int, np.ndarray]:
    """The partition that agrees most with the others: the medoid under the adjusted Rand index.

    ``partitions`` are label arrays over the same rows (clusterings of one
    representation with different random starts). Returns the index of the
    one with the highest mean adjusted Rand index (ARI, 1 = identical, about
    0 = chance) to the others (ties: the first) and the matrix of pairwise
    ARIs (ones on the diagonal). A start that split one type and merged two
    others agrees less with the rest than a start that found what most starts
    find, so the central partition varies less with the seed than any one of
    them (the median partition of consensus clustering, restricted to the
    candidates).

    >>> i, A = central_partition([np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0]),
    ...                           np.array([0, 1, 0, 1])])
    >>> i, np.round(A[0], 2).tolist()
    (0, [1.0, 1.0, -0.5])
    """
    from sklearn.metrics import adjusted_rand_score

    m = len(partitions)
    if m == 0:
        raise CallmineError("central_partition needs at least one partition")
    A = np.eye(m)
    for i in range(m):
        for j in range(i + 1, m):
            A[i, j] = A[j, i] = adjusted_rand_score(partitions[i], partitions[j])
    return int(np.argmax(A.sum(axis=1))), A


def order_by_size(labels: np.ndarray, weight: np.ndarray, k: int) -> tuple[np.ndarray, int]:
    """Renumber clusters ``0..k-1`` by total weight, largest first (ties: lower number first).

    Returns the new labels and the number of non-empty clusters.
    """
    counts = np.bincount(labels, weights=weight, minlength=k)
    order = np.lexsort((np.arange(k), -counts))
    remap = np.empty(k, dtype=int)
    remap[order] = np.arange(k)
    return remap[labels], int((counts > 0).sum())


def outlier_cutoffs(dist: np.ndarray, labels: np.ndarray, k: int,
                    threshold: float | None) -> np.ndarray:
    """Distance beyond which a member of each cluster is an outlier.

    ``median + threshold * spread`` of the cluster's distances, where spread
    is the MAD scaled by 1.4826 (at least a quarter of the standard deviation
    and 1e-3); ``threshold=None`` gives ``inf``.
    """
    cut = np.empty(k)
    for c in range(k):
        d = dist[labels == c]
        med = np.median(d)
        mad = 1.4826 * np.median(np.abs(d - med))
        spread = max(mad, 0.25 * float(np.std(d)), 1e-3)
        t = np.inf if threshold is None else float(threshold)
        cut[c] = med + t * spread
    return cut


def stability(U: np.ndarray, labels: np.ndarray, k: int, weight: np.ndarray, *,
              n_runs: int = 5, sample_seed: int = 0, kmeans_seed: int = 0,
              cluster: Callable[[np.ndarray, int], np.ndarray] | None = None) -> np.ndarray:
    """Mean best Jaccard overlap of each cluster with re-clusterings of 80% subsamples.

    Run ``r`` draws its subsample from one generator seeded ``sample_seed``
    and uses KMeans seed ``kmeans_seed + r`` (one restart), or, when given,
    ``cluster(rows, seed)`` (the rows of the subsample, the seed; returns
    their labels) so that the re-clusterings use the same method as the
    fit. NaN for every cluster when ``n_runs`` is 0 or there are fewer than
    10 rows.
    """
    runs = int(n_runs)
    n = len(labels)
    if runs == 0 or n < 10:
        return np.full(k, np.nan)
    rs = check_random_state(sample_seed)
    scores = np.zeros((runs, k))
    for r in range(runs):
        sub = np.sort(rs.choice(n, max(k + 1, int(0.8 * n)), replace=False))
        if cluster is None:
            other = KMeans(k, n_init=1, random_state=kmeans_seed + r).fit_predict(
                U[sub], sample_weight=weight[sub])
        else:
            other = cluster(sub, kmeans_seed + r)
        mine = labels[sub]
        table = pd.crosstab(mine, other)
        sizes_a = table.sum(axis=1).to_numpy()[:, None]
        sizes_b = table.sum(axis=0).to_numpy()[None, :]
        inter = table.to_numpy()
        jac = inter / (sizes_a + sizes_b - inter)
        best = pd.Series(jac.max(axis=1), index=table.index)
        scores[r] = best.reindex(range(k)).fillna(0.0).to_numpy()
    return scores.mean(axis=0)
