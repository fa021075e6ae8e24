"""Refine a partition of calls with a mixture of multinomials over their words (hard EM).

A short call is about one request type, and its words are drawn from that
type's word distribution: the Dirichlet multinomial mixture of short-text
clustering (Yin & Wang 2014, GSDMM; Nigam et al. 2000, EM with naive Bayes).
Starting from a partition, every round estimates each type's word
probabilities and size from its calls, then moves every call to the type
under which its words are most probable (hard EM, "classification EM").
Unlike KMeans in a dense space, the evidence of every word adds up, rare key
words count as much as frequent ones, and a type's size enters as a prior,
so calls left at the edge of a neighbouring cluster go back to the type
whose words they use.

Pure functions; the discoverer keeps the vectoriser and calls
:func:`refine_partition` and :func:`mixture_scores`.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from callmine.clustering import cluster_sums
from callmine.errors import CallmineError

__all__ = ["mixture_parameters", "mixture_scores", "refine_partition"]


def mixture_parameters(labels: np.ndarray, counts, weight: np.ndarray, k: int, *,
                       beta: float = 0.1, alpha: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Log word probabilities and log prior of each type: the M step.

    ``counts`` (rows x words, sparse or dense) holds each row's word counts;
    a row stands for ``weight`` calls. Type ``c``'s probability of word ``t``
    is ``(sum of weight * counts over its rows + beta) / (its total + beta *
    words)``; its prior is proportional to its weight plus ``alpha`` (calls).

    Returns ``log_theta`` (k x words) and ``log_prior`` (k,), natural logs.

    >>> lt, lp = mixture_parameters(np.array([0, 1]), np.array([[2., 0], [0, 1]]),
    ...                             np.ones(2), 2, beta=1.0)
    >>> np.round(np.exp(lt), 3).tolist(), np.round(np.exp(lp), 3).tolist()
    ([[0.75, 0.25], [0.333, 0.667]], [0.5, 0.5])
    """
    labels = np.asarray(labels)
    w = np.asarray(weight, dtype=np.float64)
    T = cluster_sums(labels, counts, k, row_weight=w) + float(beta)
    log_theta = np.log(T) - np.log(T.sum(axis=1, keepdims=True))
    sizes = np.bincount(labels, weights=w, minlength=int(k)) + float(alpha)
    log_prior = np.log(sizes) - np.log(sizes.sum())
    return log_theta, log_prior


def mixture_scores(counts, log_theta: np.ndarray, log_prior: np.ndarray) -> np.ndarray:
    """Log joint probability (up to a per-row constant) of each row under each type: the E step.

    ``counts @ log_theta.T + log_prior``, shape (rows, k).
    """
    S = counts @ log_theta.T
    return np.asarray(S) + log_prior


def refine_partition(labels: np.ndarray, counts, weight: np.ndarray, k: int, *,
                     beta: float = 0.1, alpha: float = 1.0, max_rounds: int = 20
                     ) -> tuple[np.ndarray, int]:
    """Hard-EM rounds of a multinomial mixture started at ``labels`` (``0..k-1``).

    Each round re-estimates the mixture from the current labels
    (:func:`mixture_parameters`) and gives every row the type with the
    highest score (:func:`mixture_scores`; ties: the lowest type), except
    that the rows of a type the round would leave empty stay in it (the
    number of types stays that of ``labels``). Stops when no row moves or
    after ``max_rounds`` rounds. Rows without any counted word keep their
    label (only the prior would speak).

    Returns the refined labels and the number of rounds that moved rows.

    >>> counts = np.array([[3., 0], [2, 0], [0, 3], [3, 0]])
    >>> refine_partition(np.array([0, 0, 1, 1]), counts, np.ones(4), 2)
    (array([0, 0, 1, 0]), 1)
    """
    lab = np.asarray(labels).astype(int, copy=True)
    k = int(k)
    if len(lab) and (lab.min() < 0 or lab.max() >= k):
        raise CallmineError(f"labels must be in 0..{k - 1}, got {lab.min()}..{lab.max()}")
    if int(max_rounds) < 0:
        raise CallmineError(f"max_rounds must be >= 0, got {max_rounds!r}")
    C = sp.csr_matrix(counts, dtype=np.float64)
    has_words = np.asarray(C.sum(axis=1)).ravel() > 0
    moved_rounds = 0
    for _ in range(int(max_rounds)):
        log_theta, log_prior = mixture_parameters(lab, C, weight, k, beta=beta, alpha=alpha)
        new = np.where(has_words, mixture_scores(C, log_theta, log_prior).argmax(axis=1), lab)
        emptied = np.setdiff1d(lab, new)
        if len(emptied):  # those types keep their calls this round
            stay = np.isin(lab, emptied)
            new[stay] = lab[stay]
        if np.array_equal(new, lab):
            break
        lab = new
        moved_rounds += 1
    return lab, moved_rounds
