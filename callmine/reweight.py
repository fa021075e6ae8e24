"""Feature weights from how concentrated each feature is over the clusters of a partition.

A class-based TF-IDF feedback step for request-type discovery
(``RequestTypeDiscoverer(reweight=...)``): after a first clustering, a
feature (word or character n-gram) found in many clusters - phrasal words
that several request types share, such as "не пришло", "қалай", "how" -
loses weight, and a feature found in one cluster - a service noun such as
"ЭЦП" or "пособие" - keeps it. The neighbour graph is then rebuilt over the
reweighted rows and the calls are clustered again.

* :func:`concentration` - per column, ``1 - H / log K``, where ``H`` is the
  entropy of the column's (row-weighted) document frequency over the ``K``
  clusters: 1 for a feature seen in one cluster, 0 for one spread evenly.
* :func:`reweight_columns` - the rows with every column scaled by its
  concentration to a power.

Examples
--------
>>> import numpy as np
>>> X = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
>>> concentration(X, [0, 0, 1, 1]).round(2).tolist()
[1.0, 0.08]
>>> reweight_columns(X, [0, 0, 1, 1]).toarray().round(2).tolist()[0]
[1.0, 0.08]
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp

from callmine.errors import CallmineError

__all__ = ["concentration", "reweight_columns"]


def concentration(X, labels: Sequence[int], weight: Sequence[float] | None = None) -> np.ndarray:
    """How concentrated each column is over the clusters: ``1 - H / log K``.

    Parameters
    ----------
    X : sparse matrix or array of shape (n_rows, n_features)
        Features of the rows; only presence (a non-zero value) counts.
    labels : sequence of int, shape (n_rows,)
        Cluster of each row, numbers ``>= 0`` (outliers removed or
        assigned).
    weight : sequence of float, shape (n_rows,), optional
        Weight of each row (e.g. how many identical calls it stands for);
        1 for every row by default.

    Returns
    -------
    ndarray of shape (n_features,)
        In ``[0, 1]``. ``H`` is the entropy of ``p(c | column)``, the share of
        the column's weighted document frequency falling in cluster ``c``,
        and ``K`` the number of clusters: 1 for a column present in a single
        cluster, 0 for one spread evenly over all clusters. A column never
        present gets 0; with fewer than 2 clusters every column gets 1.

    Examples
    --------
    >>> concentration([[1, 1], [1, 0], [0, 1], [0, 0]], [0, 0, 1, 1]).tolist()
    [1.0, 0.0]
    """
    M = _cluster_frequency(X, labels, weight)
    K = M.shape[0]
    if K < 2:
        return np.ones(M.shape[1])
    total = M.sum(axis=0)
    p = M / np.where(total > 0, total, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        H = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=0)
    out = 1.0 - H / np.log(K)
    out[total <= 0] = 0.0
    return np.clip(out, 0.0, 1.0)


def reweight_columns(X, labels: Sequence[int], weight: Sequence[float] | None = None, *,
                     power: float = 1.0) -> sp.csr_matrix:
    """``X`` with every column scaled by its :func:`concentration` to ``power``.

    Rows are not re-normalised (the caller does, once the blocks it needs
    are stacked).

    Parameters
    ----------
    X : sparse matrix or array of shape (n_rows, n_features)
    labels : sequence of int, shape (n_rows,)
        Cluster of each row (>= 0), e.g. a first clustering.
    weight : sequence of float, shape (n_rows,), optional
        Row weights, as in :func:`concentration`.
    power : float, default=1.0
        Exponent (> 0) of the concentration: larger values keep only the
        features of one cluster.

    Returns
    -------
    scipy.sparse.csr_matrix of shape (n_rows, n_features)

    Examples
    --------
    >>> reweight_columns([[2.0, 1.0], [0.0, 1.0]], [0, 1]).toarray().tolist()
    [[2.0, 0.0], [0.0, 0.0]]
    """
    if isinstance(power, (bool, np.bool_)) or not isinstance(
            power, (int, float, np.integer, np.floating)) or not float(power) > 0:
        raise CallmineError(f"power must be a number > 0, got {power!r}")
    X = sp.csr_matrix(X, dtype=np.float64)
    col = concentration(X, labels, weight) ** float(power)
    return (X @ sp.diags(col)).tocsr()


def _cluster_frequency(X, labels, weight) -> np.ndarray:
    """Weighted document frequency of every column in every cluster, shape (K, n_features)."""
    X = sp.csr_matrix(X)
    n = X.shape[0]
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) != n:
        raise CallmineError(f"labels must have one cluster per row of X ({n} rows), "
                            f"got shape {labels.shape}")
    if n == 0:
        raise CallmineError("X has no rows")
    if not np.issubdtype(labels.dtype, np.integer):
        raise CallmineError(f"labels must be cluster numbers >= 0, got dtype {labels.dtype}")
    if labels.min() < 0:
        raise CallmineError(f"labels must be cluster numbers >= 0, got {int(labels.min())}")
    w = np.ones(n) if weight is None else np.asarray(weight, dtype=np.float64)
    if w.shape != (n,):
        raise CallmineError(f"weight must have one value per row of X ({n} rows), "
                            f"got shape {w.shape}")
    if (w < 0).any() or not np.isfinite(w).all():
        raise CallmineError("weight must be finite and >= 0")
    present = X.copy()
    present.data = (present.data != 0).astype(np.float64)
    K = int(labels.max()) + 1
    Y = sp.csr_matrix((w, (labels, np.arange(n))), shape=(K, n))
    return np.asarray((Y @ present).todense())
