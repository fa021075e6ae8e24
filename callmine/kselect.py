"""Choose the number of request types (``k="auto"``).

:func:`choose_k` clusters the spectral embedding ``U`` of the calls into k
types for every k of :func:`callmine.clustering.k_grid` (the same space as
the final clustering: the first min(k, dim) spectral coordinates, rows
L2-normalised) and scores each partition by its **silhouette in the text
representation** ``Z`` (cosine distance). The chosen k is the smallest k
whose silhouette is at least ``(1 - k_tolerance)`` times the best on the
grid: the start of the plateau, since more types than that do not separate
the calls better. The same must hold for the curve smoothed over neighbouring
k of the grid (mean of each k and its two neighbours), so that one lucky
KMeans run does not open the plateau early.

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
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize
from sklearn.utils import check_random_state

from callmine.clustering import k_grid, spectral_space
from callmine.errors import CallmineError

__all__ = ["choose_k"]


def _silhouette(X: np.ndarray, labels: np.ndarray, metric: str) -> float:
    if not 1 < len(np.unique(labels)) < len(labels):
        return -1.0
    return float(silhouette_score(X, labels, metric=metric))


def _smooth(values: np.ndarray) -> np.ndarray:
    """Mean of each value and its neighbours on the grid (2 at the ends)."""
    v = np.asarray(values, dtype=np.float64)
    return np.array([v[max(0, i - 1): i + 2].mean() for i in range(len(v))])


def _check(U, weight, Z, k_range, k_tolerance, sample_size):
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
    return U, weight, Z, (lo, hi)


def choose_k(U: np.ndarray, weight: np.ndarray, *, k_range: tuple[int, int] = (5, 150),
             k_tolerance: float = 0.05, spectral: bool = True, sample_seed: int = 0,
             kmeans_seed: int = 0, say: Callable[[str], None] | None = None,
             Z: np.ndarray | None = None, sample_size: int = 4000):
    """Choose the number of types: the start of the (smoothed) silhouette plateau in ``Z``.

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
        The chosen k is the smallest whose silhouette, and whose smoothed
        silhouette, are at least ``(1 - k_tolerance)`` times their best on
        the grid (if no k meets both, which only a tiny tolerance allows: the
        smallest k meeting the first).
    spectral : bool, default=True
        ``U`` is a spectral embedding: cluster its first min(k, dim)
        coordinates, rows L2-normalised, as the final clustering does.
    sample_seed, kmeans_seed : int, default=0
        Seeds of the silhouette sample and of KMeans (2 restarts per k).
    say : callable, optional
        Receives one progress line per k.
    Z : ndarray of shape (n, n_features), optional
        The text representation (L2-normalised rows) in which the silhouette
        is measured (cosine). Without it, the silhouette is measured in
        ``U`` (rows L2-normalised when ``spectral``), which on real logs
        tends to choose too few types (see the module docstring).
    sample_size : int, default=4000
        The silhouette is computed on at most this many rows drawn at random.

    Returns
    -------
    k : int
    table : pandas.DataFrame
        One row per k tried: ``k``, ``silhouette`` (in the representation),
        ``smoothed`` (mean over the neighbouring k),
        ``silhouette_spectral`` (the same partition measured in the spectral
        space, for comparison) and ``chosen``.
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
    U, weight, Z, k_range = _check(U, weight, Z, k_range, k_tolerance, sample_size)
    n = U.shape[0]
    grid = [k for k in k_grid(n, k_range) if k < n]
    if not grid:
        raise CallmineError(f"no k of k_range={k_range!r} can be tried on {n} rows")
    rs = check_random_state(sample_seed)
    sample = np.sort(rs.choice(n, min(n, int(sample_size)), replace=False))
    Us = normalize(U[sample]) if spectral else U[sample]
    X, metric, where = (Z[sample], "cosine", "text representation") if Z is not None \
        else (Us, "euclidean", "spectral space")
    rows = []
    for k in grid:
        V = spectral_space(U, k) if spectral else U
        lab = KMeans(k, n_init=2, random_state=kmeans_seed).fit_predict(V, sample_weight=weight)
        ls = lab[sample]
        sil = _silhouette(X, ls, metric)
        sil_u = _silhouette(Us, ls, "euclidean")
        rows.append({"k": k, "silhouette": round(sil, 4), "silhouette_spectral": round(sil_u, 4)})
        say(f"  k={k}: silhouette {sil:.3f} ({where}), {sil_u:.3f} (spectral space)")
    table = pd.DataFrame(rows)
    table.insert(2, "smoothed", np.round(_smooth(table["silhouette"].to_numpy()), 4))
    best = float(table["smoothed"].max())
    keep = 1 - float(k_tolerance)
    raw_ok = table["silhouette"] >= keep * table["silhouette"].max()
    ok = raw_ok & (table["smoothed"] >= keep * best)
    # a tiny tolerance can leave no k meeting both: then the raw silhouette alone decides
    k = int(table.loc[ok if ok.any() else raw_ok, "k"].min())
    table["chosen"] = table["k"] == k
    kbest = int(table.loc[table["smoothed"].idxmax(), "k"])
    chosen = float(table.loc[table["chosen"], "smoothed"].iloc[0])
    reason = (f"k={k}: the smallest number of types whose silhouette in the {where} "
              f"({chosen:.3f} averaged with the neighbouring k; {len(sample):,} calls sampled) "
              f"is within {100 * float(k_tolerance):g}% of the best on the grid "
              f"({best:.3f} at k={kbest}); k tried: {grid[0]}..{grid[-1]}")
    return k, table, reason
