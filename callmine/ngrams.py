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

#: Attributes rebuilt on demand (caches of the words seen in ``transform``):
#: never pickled, so model files stay small and hold no predicted text.
CACHE_ATTRS = ("_word_char", "_word_index", "_oov_index", "_char_rows_all")


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
    """Sublinear tf x idf, rows L2-normalised.

    ``counts`` is not modified unless it already has ``dtype`` (a fresh
    matrix made by the caller), in which case it is used in place.
    """
    X = counts if counts.dtype == dtype else counts.astype(dtype)
    # Canonical column order in each row: float sums below (and the model's dot
    # products) then do not depend on which other documents share the batch.
    X.sort_indices()
    data = X.data
    if sublinear:
        np.log(data, out=data)
        data += 1
    data *= idf[X.indices]
    # Row sums of squares, reduced as X.multiply(X).sum(axis=1) does (same float result).
    indptr = X.indptr
    rows = np.flatnonzero(np.diff(indptr))
    sums = np.zeros(X.shape[0], dtype=data.dtype)
    if len(rows):
        sums[rows] = np.add.reduceat(data * data, indptr[rows])
    norms = np.sqrt(sums, dtype=np.float64)
    norms[norms == 0] = 1.0
    data /= np.repeat(norms.astype(dtype, copy=False), np.diff(indptr))
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
        joined = " \x00 ".join(docs)  # one split for the batch; "\x00" marks where a document ends
        if len(docs) > 1 and joined.count("\x00") == len(docs) - 1:
            codes, uniques = pd.factorize(np.array(joined.split(), dtype=object), sort=False)
            uniques = list(uniques)
            sep = uniques.index("\x00")
            is_sep = codes == sep
            doc_of = np.cumsum(is_sep)[~is_sep]
            codes = codes[~is_sep]
            codes[codes > sep] -= 1
            del uniques[sep]
            return doc_of.astype(np.int64, copy=False), uniques, codes.astype(np.int64, copy=False)
        tokens = [d.split() for d in docs]
        lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
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
            unknown = np.flatnonzero(gw < 0)
            rows_of = gw
            if len(unknown):
                rows_of = gw.copy()
                rows_of[unknown] = self._oov_rows([words[i] for i in unknown])
            char_rows = self._char_rows_matrix()
            dw = sp.csr_matrix((np.ones(len(codes), dtype=np.float32), (doc_of, rows_of[codes])),
                               shape=(n_docs, char_rows.shape[0]))
            char_counts = (dw @ char_rows).tocsr()
        return self._finish(word_counts, char_counts)

    def _char_rows_matrix(self) -> sp.csr_matrix:
        """Character count rows of the known words, then of the unseen words cached so far."""
        m = getattr(self, "_char_rows_all", None)
        return self._word_char_matrix() if m is None else m

    def _oov_rows(self, oov_words: list[str]) -> np.ndarray:
        """Row numbers in :meth:`_char_rows_matrix` of words unseen in training.

        Their character n-grams are computed once per word and appended to the
        matrix (at most ``cache_size`` words are kept; then it starts afresh),
        so that a batch needs one sparse product for all its words.
        """
        index = getattr(self, "_oov_index", None)
        base = self._word_char_matrix()
        if index is None or len(index) + len(oov_words) > int(self.cache_size):
            index = self._oov_index = {}
            self._char_rows_all = None
        missing = [w for w in oov_words if w not in index]
        if missing:
            vocab = self.char_vocabulary_
            _, cr = self._ranges()
            parts = [[vocab[g] for g in char_wb_ngrams(w, cr) if g in vocab] for w in missing]
            lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
            indices = np.fromiter((j for p in parts for j in p), dtype=np.int32, count=int(lengths.sum()))
            new = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices,
                                 np.concatenate([[0], np.cumsum(lengths)])),
                                shape=(len(missing), self.n_char_features_))
            first = base.shape[0] + len(index)
            index.update(zip(missing, range(first, first + len(missing))))
            self._char_rows_all = sp.vstack([self._char_rows_matrix(), new], format="csr")
        return np.fromiter(map(index.__getitem__, oov_words), dtype=np.int64, count=len(oov_words))
