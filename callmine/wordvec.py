"""Word vectors learned from the calls themselves: same-call co-occurrence, PPMI, SVD.

Two words that never occur together but both co-occur with the same other
words (the templates of one request type in two phrasings, joined by the
calls that mix them) get close vectors. :class:`CallWordVectors` learns one
vector per word from normalised token strings (the output of
:class:`callmine.text.TextNormalizer`, so only redacted, stemmed words ever
enter it) and represents a call by the IDF-weighted mean of its words'
vectors, L2-normalised: an unsupervised semantic smoothing of the bag of
words, used by :class:`callmine.discover.RequestTypeDiscoverer` to judge
type centres and outliers (``word_vectors``).

Method
------
1. Binary call x word matrix ``X`` over the ``max_words`` most frequent words
   in at least ``min_df`` calls; calls weighted by ``sample_weight`` (the
   count of identical calls).
2. Word x word co-occurrence ``C = X^T diag(w) X`` (same call), diagonal removed.
3. Positive pointwise mutual information with context-distribution smoothing
   (Levy, Goldberg & Dagan, 2015): ``max(0, log(C_ij * N / (r_i * c_j)))``
   where ``r_i`` is the row sum, ``c_j`` the column sum raised to
   ``context_alpha`` and rescaled to the same total ``N``.
4. Truncated SVD ``P ~ U S V^T`` (``n_components``); word vectors
   ``U S^power``, rows L2-normalised.
5. A call: sublinear TF-IDF of its words (IDF from the fit calls) times the
   word vectors, L2-normalised (a call with no known word gets a zero row).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.extmath import randomized_svd
from sklearn.utils.validation import check_is_fitted

from callmine.errors import CallmineError

__all__ = ["CallWordVectors", "ppmi"]


def ppmi(C, context_alpha: float = 0.75) -> sp.csr_matrix:
    """Positive PMI of a non-negative co-occurrence matrix (sparse in, sparse out).

    ``max(0, log(C_ij * N / (r_i * c_j)))`` with ``r`` the row sums, ``c`` the
    column sums raised to ``context_alpha`` and rescaled to total ``N``
    (``context_alpha=1``: plain PPMI). Zero rows and columns stay zero.

    >>> ppmi(sp.csr_matrix([[0, 2, 0], [2, 0, 1], [0, 1, 0]]), context_alpha=1).toarray().round(2)
    array([[0.  , 0.69, 0.  ],
           [0.69, 0.  , 0.69],
           [0.  , 0.69, 0.  ]])
    """
    if not 0 < float(context_alpha) <= 1:
        raise CallmineError(f"context_alpha must be in (0, 1], got {context_alpha!r}")
    C = sp.coo_matrix(C, dtype=np.float64)
    if C.nnz and C.data.min() < 0:
        raise CallmineError("co-occurrence counts must be non-negative")
    C.sum_duplicates()
    C.eliminate_zeros()
    total = float(C.sum())
    if total <= 0:
        return sp.csr_matrix(C.shape)
    r = np.asarray(C.sum(axis=1)).ravel()
    c = np.asarray(C.sum(axis=0)).ravel() ** float(context_alpha)
    c = c / c.sum() * total
    pmi = np.log(C.data) + np.log(total) - np.log(r[C.row]) - np.log(c[C.col])
    keep = pmi > 0
    return sp.csr_matrix((pmi[keep], (C.row[keep], C.col[keep])), shape=C.shape)


class CallWordVectors(TransformerMixin, BaseEstimator):
    """Word vectors from same-call co-occurrence (PPMI + SVD); calls as mean word vectors.

    Parameters
    ----------
    n_components : int, default=100
        Dimensions of the word vectors (at most the number of words - 1).
    min_df : int, default=2
        A word must occur in at least this many of the strings given to ``fit``
        (distinct calls when identical calls are passed once with a weight).
    max_words : int, default=20000
        Keep at most this many words (the most frequent), which bounds the
        co-occurrence matrix at ``max_words ** 2`` (sparse) entries.
    context_alpha : float, default=0.75
        Context-distribution smoothing of the PPMI (1: none).
    power : float, default=0.5
        Word vectors are ``U S ** power`` of the SVD.
    random_state : int or None, default=0
        Seed of the randomised SVD.

    Attributes
    ----------
    vocabulary_ : dict
        Word -> row of ``vectors_``.
    vectors_ : ndarray of shape (n_words, n_components_)
        L2-normalised word vectors.
    n_components_ : int
        Dimensions actually used.
    tfidf_ : TfidfVectorizer
        Weights of the words of a call (IDF from the fit calls).

    Examples
    --------
    >>> calls = ["заявк статус", "заявк статус ожида", "өтініш статус", "өтініш ожида",
    ...          "парол забыл", "парол забыл портал", "құпия сөз ұмыт портал"] * 3
    >>> wv = CallWordVectors(n_components=3, min_df=1).fit(calls)
    >>> wv.transform(["заявк", "өтініш"]).shape
    (2, 3)
    """

    def __init__(self, *, n_components: int = 100, min_df: int = 2, max_words: int = 20_000,
                 context_alpha: float = 0.75, power: float = 0.5, random_state=0):
        self.n_components = n_components
        self.min_df = min_df
        self.max_words = max_words
        self.context_alpha = context_alpha
        self.power = power
        self.random_state = random_state

    def _validate(self):
        for name in ("n_components", "min_df", "max_words"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise CallmineError(f"{name} must be a positive integer, got {v!r}")
        if not 0 < float(self.context_alpha) <= 1:
            raise CallmineError(f"context_alpha must be in (0, 1], got {self.context_alpha!r}")
        if not float(self.power) >= 0:
            raise CallmineError(f"power must be >= 0, got {self.power!r}")

    def fit(self, X: Sequence[str], y=None, sample_weight=None) -> "CallWordVectors":
        """Learn word vectors from normalised token strings (space-separated words).

        ``sample_weight``: how many calls each string stands for (default 1).
        """
        self._validate()
        if isinstance(X, str):
            raise CallmineError("expected a list of token strings, got one str; wrap it in a list")
        docs = [str(d) for d in X]
        w = np.ones(len(docs)) if sample_weight is None else np.asarray(sample_weight, float)
        if w.shape != (len(docs),):
            raise CallmineError(f"sample_weight must have one value per text ({len(docs)}), "
                                f"got shape {w.shape}")
        cv = CountVectorizer(analyzer=str.split, min_df=int(self.min_df), binary=True,
                             max_features=int(self.max_words))
        try:
            Xb = cv.fit_transform(docs).astype(np.float64)
        except ValueError:  # empty vocabulary
            Xb = None
        n_words = 0 if Xb is None else Xb.shape[1]
        if n_words < 2:
            raise CallmineError(f"need at least 2 words in >= min_df={self.min_df} texts to learn "
                                f"word vectors, got {n_words}")
        C = (Xb.T @ (Xb.multiply(w[:, None]).tocsr())).tocsr()
        C.setdiag(0)
        P = ppmi(C, float(self.context_alpha))
        dim = max(1, min(int(self.n_components), n_words - 1))
        U, S, _ = randomized_svd(P, dim, random_state=self.random_state)
        self.vectors_ = normalize(U * S ** float(self.power))
        self.vocabulary_ = dict(cv.vocabulary_)
        self.n_components_ = dim
        self.tfidf_ = TfidfVectorizer(analyzer=str.split, vocabulary=self.vocabulary_,
                                      sublinear_tf=True).fit(docs)
        return self

    def transform(self, X: Sequence[str]) -> np.ndarray:
        """L2-normalised IDF-weighted mean word vector of each token string."""
        check_is_fitted(self, "vectors_")
        if isinstance(X, str):
            raise CallmineError("expected a list of token strings, got one str; wrap it in a list")
        T = self.tfidf_.transform([str(d) for d in X])
        return normalize(np.asarray(T @ self.vectors_, dtype=np.float64))

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two words (0 when either is unknown)."""
        check_is_fitted(self, "vectors_")
        i, j = self.vocabulary_.get(a), self.vocabulary_.get(b)
        if i is None or j is None:
            return 0.0
        return float(self.vectors_[i] @ self.vectors_[j])
