"""The n-gram TF-IDF computation of :class:`callmine.features.NgramFeaturizer`, without scikit-learn.

:class:`NgramTransform` holds what a fitted featurizer needs to turn token
strings into its sparse matrix; :class:`callmine.features.NgramFeaturizer`
(the scikit-learn transformer, which also learns the vocabularies) builds on
it, and :mod:`callmine.lean` uses it to classify without importing
scikit-learn. See :mod:`callmine.features` for the method.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["NgramTransform", "char_wb_ngrams"]


def char_wb_ngrams(word: str, ngram_range: tuple[int, int] = (1, 5)) -> list[str]:
    """Character n-grams of one word padded with a space on each side.

    The same n-grams, in the same order, as scikit-learn's ``char_wb``
    analyzer gives for a one-word document: a word shorter than ``n`` is
    counted once as a whole and longer n-grams are skipped.

    Parameters
    ----------
    word : str
        One token (no whitespace).
    ngram_range : (int, int), default=(1, 5)
        Smallest and largest n.

    Returns
    -------
    list of str

    Examples
    --------
    >>> char_wb_ngrams("карта", (3, 3))
    [' ка', 'кар', 'арт', 'рта', 'та ']
    >>> char_wb_ngrams("ok", (2, 5))
    [' o', 'ok', 'k ', ' ok', 'ok ', ' ok ']
    """
    min_n, max_n = ngram_range
    w = " " + word + " "
    w_len = len(w)
    out: list[str] = []
    for n in range(min_n, max_n + 1):
        if w_len <= n:
            out.append(w)
            break
        out.extend(w[i:i + n] for i in range(w_len - n + 1))
    return out


def _check_range(name: str, value) -> tuple[int, int]:
    try:
        lo, hi = (int(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair of integers (min_n, max_n); got {value!r}") from None
    if lo < 1 or hi < lo:
        raise ValueError(f"{name} must satisfy 1 <= min_n <= max_n; got {value!r}")
    return lo, hi


def _as_docs(X) -> list[str]:
    if isinstance(X, str):
        raise ValueError("X must be an iterable of documents (str), not a single str")
    docs = list(X)
    for i, d in enumerate(docs):
        if not isinstance(d, str):
            raise ValueError(f"document {i} is {type(d).__name__} ({d!r}); expected str")
    return docs


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray, sublinear: bool, dtype) -> sp.csr_matrix:
    """Sublinear tf x idf, rows L2-normalised (in place on a fresh matrix)."""
    X = counts.astype(dtype, copy=True)
    # Canonical column order in each row: float sums below (and the model's dot
    # products) then do not depend on which other documents share the batch.
    X.sort_indices()
    if sublinear:
        np.log(X.data, out=X.data)
        X.data += 1
    X.data *= idf[X.indices]
    sq = np.asarray(X.multiply(X).sum(axis=1)).ravel()
    norms = np.sqrt(sq, dtype=np.float64)
    norms[norms == 0] = 1.0
    X.data /= np.repeat(norms, np.diff(X.indptr)).astype(dtype, copy=False)
    return X


class NgramTransform:
    """Fitted n-gram vocabularies and idf -> TF-IDF matrix (no scikit-learn).

    Subclassed by :class:`callmine.features.NgramFeaturizer`, whose
    parameters and fitted attributes it reads: ``word_ngram_range``,
    ``char_ngram_range``, ``sublinear_tf``, ``word_weight``, ``char_weight``,
    ``dtype``, ``cache_size``, ``words_``, ``word_ngrams_``,
    ``char_vocabulary_``, ``idf_``, ``n_word_features_``,
    ``n_char_features_``.
    """

    # ------------------------------------------------------------------ helpers
    def _ranges(self):
        wr = None if self.word_ngram_range is None else _check_range(
            "word_ngram_range", self.word_ngram_range)
        cr = None if self.char_ngram_range is None else _check_range(
            "char_ngram_range", self.char_ngram_range)
        if wr is None and cr is None:
            raise ValueError("word_ngram_range and char_ngram_range cannot both be None")
        return wr, cr

    @staticmethod
    def _tokenise(docs: list[str]):
        """Return (doc index per token, distinct words, word code per token)."""
        tokens = [d.split() for d in docs]
        lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
        flat = [w for t in tokens for w in t]
        if flat:
            codes, uniques = pd.factorize(np.array(flat, dtype=object), sort=False)
            uniques = list(uniques)
        else:
            codes, uniques = np.zeros(0, dtype=np.int64), []
        doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        return doc_of, uniques, codes.astype(np.int64, copy=False)

    @staticmethod
    def _ngram_keys(doc_of, gid, n, base):
        """Integer keys of all n-grams (valid ones: inside one document, known words)."""
        m = len(gid) - n + 1
        if m <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        ok = doc_of[n - 1:] == doc_of[:m]
        key = np.zeros(m, dtype=np.int64)
        for j in range(n):
            part = gid[j:j + m]
            ok &= part >= 0
            key = key * base + part
        return key[ok], doc_of[:m][ok]

    def _char_rows(self, words: list[str]) -> sp.csr_matrix:
        """Character count rows (over the fitted character vocabulary) for words."""
        vocab = self.char_vocabulary_
        _, cr = self._ranges()
        indptr = [0]
        indices: list[int] = []
        for w in words:
            cols = [vocab[g] for g in char_wb_ngrams(w, cr) if g in vocab]
            indices.extend(cols)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        m = sp.csr_matrix((data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
                          shape=(len(words), self.n_char_features_))
        m.sum_duplicates()
        return m

    def _word_char_matrix(self) -> sp.csr_matrix:
        wc = getattr(self, "_word_char", None)
        if wc is None:
            wc = self._char_rows(list(self.words_))
            self._word_char = wc
        return wc

    def _finish(self, word_counts, char_counts) -> sp.csr_matrix:
        blocks = []
        nw = self.n_word_features_
        if word_counts is not None:
            Xw = _tfidf(word_counts, self.idf_[:nw], self.sublinear_tf, self.dtype)
            if self.word_weight != 1.0:
                Xw.data *= self.word_weight
            blocks.append(Xw)
        if char_counts is not None:
            Xc = _tfidf(char_counts, self.idf_[nw:], self.sublinear_tf, self.dtype)
            if self.char_weight != 1.0:
                Xc.data *= self.char_weight
            blocks.append(Xc)
        if len(blocks) == 1:
            return blocks[0]
        return sp.hstack(blocks, format="csr", dtype=self.dtype)

    def _transform(self, X: Iterable[str]) -> sp.csr_matrix:
        """The TF-IDF matrix of documents ``X`` (see :meth:`NgramFeaturizer.transform`)."""
        wr, cr = self._ranges()
        docs = _as_docs(X)
        n_docs = len(docs)
        doc_of, words, codes = self._tokenise(docs)
        index = getattr(self, "_word_index", None)
        if index is None:
            index = self._word_index = {w: i for i, w in enumerate(self.words_)}
        gw = np.fromiter((index.get(w, -1) for w in words), dtype=np.int64, count=len(words))
        gid = gw[codes] if len(codes) else codes
        base = max(len(self.words_), 1)

        word_counts = None
        if wr is not None:
            rows_l, cols_l = [], []
            for n in range(wr[0], wr[1] + 1):
                keys, cols = self.word_ngrams_[n]
                key, rows = self._ngram_keys(doc_of, gid, n, base)
                if len(keys) == 0 or len(key) == 0:
                    continue
                pos = np.searchsorted(keys, key)
                pos[pos == len(keys)] = 0
                hit = keys[pos] == key
                rows_l.append(rows[hit])
                cols_l.append(cols[pos[hit]])
            rows = np.concatenate(rows_l) if rows_l else np.zeros(0, np.int64)
            cols = np.concatenate(cols_l) if cols_l else np.zeros(0, np.int64)
            word_counts = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                                        shape=(n_docs, self.n_word_features_))
            word_counts.sum_duplicates()

        char_counts = None
        if cr is not None:
            known = gw >= 0
            kcode = np.flatnonzero(known[codes]) if len(codes) else np.zeros(0, np.int64)
            dw = sp.csr_matrix((np.ones(len(kcode), dtype=np.float32), (doc_of[kcode], gid[kcode])),
                               shape=(n_docs, len(self.words_)))
            char_counts = (dw @ self._word_char_matrix()).tocsr()
            unknown = np.flatnonzero(~known)
            if len(unknown):
                oov_words = [words[i] for i in unknown]
                char_counts = char_counts + self._oov_counts(doc_of, codes, unknown, oov_words, n_docs)
                char_counts = char_counts.tocsr()
        return self._finish(word_counts, char_counts)

    def _oov_counts(self, doc_of, codes, unknown, oov_words, n_docs) -> sp.csr_matrix:
        """Character counts contributed by words unseen in training (cached per word)."""
        cache = getattr(self, "_oov_cache", None)
        if cache is None:
            cache = self._oov_cache = {}
        missing = [w for w in oov_words if w not in cache]
        if missing:
            if len(cache) + len(missing) > int(self.cache_size):
                cache.clear()
            vocab = self.char_vocabulary_
            _, cr = self._ranges()
            for w in missing:
                cache[w] = np.array([vocab[g] for g in char_wb_ngrams(w, cr) if g in vocab],
                                    dtype=np.int32)
        parts = [cache[w] for w in oov_words]
        lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        indices = np.concatenate(parts) if parts else np.zeros(0, np.int32)
        wc = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr),
                           shape=(len(oov_words), self.n_char_features_))
        local = np.full(int(codes.max()) + 1, -1, dtype=np.int64)
        local[unknown] = np.arange(len(unknown))
        lc = local[codes]
        sel = np.flatnonzero(lc >= 0)
        dw = sp.csr_matrix((np.ones(len(sel), dtype=np.float32), (doc_of[sel], lc[sel])),
                           shape=(n_docs, len(unknown)))
        return dw @ wc
