"""Fast sparse n-gram features for request classification.

:class:`NgramFeaturizer` turns whitespace-tokenised documents (the output of
:class:`callmine.text.TextNormalizer`) into one sparse TF-IDF matrix made of
two blocks, each L2-normalised:

* word n-grams (default 1-3), and
* character n-grams inside word boundaries (default 1-5, the ``char_wb``
  analyzer of scikit-learn).

It gives the same features as a ``FeatureUnion`` of two scikit-learn
``TfidfVectorizer`` (``analyzer="word"`` and ``analyzer="char_wb"``) over the
same tokens, several times faster:

* character n-grams are computed **once per distinct word**, never per
  occurrence: a document's character counts are the product of its
  document-word count matrix with a word-character matrix. Training words are
  expanded once; words first seen at prediction time are expanded once and
  cached;
* word n-grams are looked up as integer keys with numpy (no n-gram strings are
  built at prediction time).

:func:`char_wb_ngrams` is the pure function the featurizer applies to words.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

# The transform itself, without scikit-learn (used by callmine.lean); re-exported here.
from callmine.ngrams import CACHE_ATTRS, NgramTransform, _as_docs, _check_range, _tfidf, char_wb_ngrams  # noqa: F401

__all__ = ["NgramFeaturizer", "char_wb_ngrams"]


class NgramFeaturizer(NgramTransform, TransformerMixin, BaseEstimator):
    """Word and character n-gram TF-IDF features, characters computed per distinct word.

    Parameters
    ----------
    word_ngram_range : (int, int) or None, default=(1, 3)
        Word n-gram sizes; None leaves the word block out.
    char_ngram_range : (int, int) or None, default=(1, 5)
        Character n-gram sizes (inside word boundaries, as ``char_wb``);
        None leaves the character block out.
    min_df : int, default=2
        Keep n-grams seen in at least this many training documents (both
        blocks). 2 drops one-off n-grams: the model file is much smaller and
        accuracy is unchanged.
    sublinear_tf : bool, default=True
        Use ``1 + log(tf)`` instead of raw counts.
    word_weight, char_weight : float, default=1.0
        Scale of each L2-normalised block.
    dtype : numpy dtype, default=numpy.float32
    cache_size : int, default=200_000
        Most words first seen at prediction time whose character n-grams are
        kept in memory (the cache is not saved with the model).

    Attributes
    ----------
    words_ : ndarray of str
        Distinct training words; their position is the word id.
    word_ngrams_ : dict
        For each word n-gram size n, ``(keys, columns)``: sorted int64 keys of
        kept n-grams (word ids in base ``len(words_)``) and their columns.
    char_vocabulary_ : dict of str -> int
        Character n-gram -> column inside the character block.
    idf_ : ndarray
        Inverse document frequency of every output column (smooth idf, as in
        scikit-learn).
    n_word_features_, n_char_features_ : int

    Examples
    --------
    >>> f = NgramFeaturizer(min_df=1).fit(["card not arrived", "card blocked"])
    >>> f.transform(["my card arrived"]).shape[0]
    1
    """

    def __init__(self, *, word_ngram_range=(1, 3), char_ngram_range=(1, 5), min_df=2,
                 sublinear_tf=True, word_weight=1.0, char_weight=1.0, dtype=np.float32,
                 cache_size=200_000):
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.dtype = dtype
        self.cache_size = cache_size

    # ---------------------------------------------------------------- fit / transform
    def fit(self, X: Iterable[str], y=None):
        """Learn the n-gram vocabularies and idf from documents of space-separated tokens."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X: Iterable[str], y=None) -> sp.csr_matrix:
        wr, cr = self._ranges()
        if int(self.min_df) < 1:
            raise ValueError(f"min_df must be a positive integer; got {self.min_df!r}")
        docs = _as_docs(X)
        if not docs:
            raise ValueError("cannot fit NgramFeaturizer on an empty list of documents")
        n_docs = len(docs)
        min_df = int(self.min_df)
        doc_of, words, codes = self._tokenise(docs)
        if not words:
            raise ValueError("cannot fit NgramFeaturizer: the documents have no tokens")
        # Words seen in fewer than min_df documents cannot be part of a kept word
        # n-gram: they are not stored (smaller file, no one-off names or numbers).
        pairs = np.unique(doc_of * len(words) + codes)
        wdf = np.bincount(pairs % len(words), minlength=len(words))
        keep_w = wdf >= min_df
        new_id = np.full(len(words), -1, dtype=np.int64)
        new_id[keep_w] = np.arange(int(keep_w.sum()))
        self.words_ = np.array(words, dtype=object)[keep_w]
        gid = new_id[codes]
        base = max(len(self.words_), 1)
        self._word_index = {w: i for i, w in enumerate(self.words_)}
        self._oov_index = self._char_rows_all = None
        idfs = []

        # word block
        self.word_ngrams_ = {}
        word_counts = None
        n_word = 0
        if wr is not None:
            rows_l, cols_l = [], []
            for n in range(wr[0], wr[1] + 1):
                key, rows = self._ngram_keys(doc_of, gid, n, base)
                uk, inv = np.unique(key, return_inverse=True)
                # document frequency of each distinct key
                pairs = np.unique(rows * len(uk) + inv) if len(uk) else np.zeros(0, np.int64)
                df = np.bincount(pairs % max(len(uk), 1), minlength=len(uk))
                keep = df >= min_df
                col_of = np.full(len(uk), -1, dtype=np.int64)
                col_of[keep] = np.arange(n_word, n_word + keep.sum())
                self.word_ngrams_[n] = (uk[keep], col_of[keep])
                n_word += int(keep.sum())
                c = col_of[inv]
                rows_l.append(rows[c >= 0])
                cols_l.append(c[c >= 0])
                idfs.append(np.log((1 + n_docs) / (1 + df[keep])) + 1)
            rows = np.concatenate(rows_l) if rows_l else np.zeros(0, np.int64)
            cols = np.concatenate(cols_l) if cols_l else np.zeros(0, np.int64)
            word_counts = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                                        shape=(n_docs, n_word))
            word_counts.sum_duplicates()
        self.n_word_features_ = n_word

        # character block: n-grams of each distinct word, counted through the doc-word matrix
        char_counts = None
        n_char = 0
        self.char_vocabulary_ = {}
        if cr is not None:
            vocab: dict[str, int] = {}
            indptr = [0]
            indices: list[int] = []
            for w in words:
                for g in char_wb_ngrams(w, cr):
                    j = vocab.get(g)
                    if j is None:
                        j = vocab[g] = len(vocab)
                    indices.append(j)
                indptr.append(len(indices))
            wc = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr),
                               shape=(len(words), len(vocab)))
            wc.sum_duplicates()
            dw = sp.csr_matrix((np.ones(len(codes), dtype=np.float32), (doc_of, codes)),
                               shape=(n_docs, len(words)))
            dw.sum_duplicates()
            counts = (dw @ wc).tocsr()
            df = np.bincount(counts.indices, minlength=len(vocab))
            keep = df >= min_df
            new_col = np.full(len(vocab), -1, dtype=np.int64)
            new_col[keep] = np.arange(int(keep.sum()))
            grams = np.empty(len(vocab), dtype=object)
            for g, j in vocab.items():
                grams[j] = g
            self.char_vocabulary_ = {g: int(new_col[j]) for j, g in enumerate(grams) if keep[j]}
            n_char = int(keep.sum())
            char_counts = counts[:, np.flatnonzero(keep)].tocsr()
            self._word_char = wc[np.flatnonzero(keep_w)][:, np.flatnonzero(keep)].tocsr()
            idfs.append(np.log((1 + n_docs) / (1 + df[keep])) + 1)
        self.n_char_features_ = n_char
        self.idf_ = np.concatenate(idfs).astype(self.dtype) if idfs else np.zeros(0, self.dtype)
        self.n_features_out_ = n_word + n_char
        return self._finish(word_counts, char_counts)

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        """Return the TF-IDF matrix (n_documents, n_features_out_), float32 CSR."""
        check_is_fitted(self, "idf_")
        return self._transform(X)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names ``w:<n-gram>`` and ``c:<n-gram>`` of the output columns."""
        check_is_fitted(self, "idf_")
        names = np.empty(self.n_features_out_, dtype=object)
        base = max(len(self.words_), 1)
        for n, (keys, cols) in self.word_ngrams_.items():
            for k, c in zip(keys.tolist(), cols.tolist()):
                parts = []
                for _ in range(n):
                    k, r = divmod(k, base)
                    parts.append(self.words_[r])
                names[c] = "w:" + " ".join(reversed(parts))
        for g, j in self.char_vocabulary_.items():
            names[self.n_word_features_ + j] = "c:" + g
        return names

    def __getstate__(self):
        state = self.__dict__.copy()
        # rebuilt on demand: keeps model files small
        for k in CACHE_ATTRS:
            state.pop(k, None)
        return state
