"""Readable names for discovered request types.

A cluster of calls is named by the words that set it apart from the other
clusters, found with **class-based TF-IDF** (as in BERTopic): all calls of a
cluster are joined into one document, and a term scores high when it is
frequent in that cluster and rare across clusters.

* :class:`ClassTfidfTransformer` - the weighting, a small subclass of
  scikit-learn's ``TfidfTransformer`` (one row per class).
* :func:`distinctive_terms` - top terms of each cluster from normalised
  (stemmed) token strings, shown to people in their most frequent surface
  form (:func:`surface_forms` maps ``заявлен`` back to ``заявления``).
* :func:`make_label` - a short label from the top 2-3 terms.
* :func:`representative_examples` - calls closest to the cluster centre,
  with personal data redacted.

Examples
--------
>>> docs = ["card arriv", "card arriv late", "pin block", "pin block card"]
>>> terms = distinctive_terms(docs, [0, 0, 1, 1], n_terms=2, min_df=1)
>>> terms[0], terms[1]
(['arriv', 'card arriv'], ['block', 'pin'])
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

from callmine.errors import CallmineError

__all__ = [
    "ClassTfidfTransformer",
    "distinctive_terms",
    "surface_forms",
    "make_label",
    "unique_labels",
    "representative_examples",
]

#: Label used when a cluster has no usable term.
EMPTY_LABEL = "(no distinctive words)"


class ClassTfidfTransformer(TfidfTransformer):
    """Class-based TF-IDF: weight terms of whole classes against each other.

    The input is a class-term count matrix (one row per class, the summed
    counts of all its documents). The weight of term ``t`` in class ``c`` is

    .. math:: w_{t,c} = \\frac{tf_{t,c}}{\\sum_t tf_{t,c}} \\cdot \\log\\left(1 + \\frac{A}{f_t}\\right)

    where :math:`f_t` is the frequency of ``t`` over all classes and
    :math:`A` the average number of words per class (BERTopic's c-TF-IDF).

    Parameters
    ----------
    reduce_frequent_words : bool, default=False
        Use the square root of the term frequency (damps filler words that
        are frequent everywhere).

    Attributes
    ----------
    idf_ : ndarray of shape (n_terms,)

    Examples
    --------
    >>> import numpy as np
    >>> counts = np.array([[3, 0, 1], [0, 2, 1]])
    >>> w = ClassTfidfTransformer().fit_transform(counts).toarray()
    >>> bool(w[0, 0] > w[0, 2]) and bool(w[1, 1] > w[1, 2])
    True
    """

    def __init__(self, *, reduce_frequent_words: bool = False):
        self.reduce_frequent_words = reduce_frequent_words

    def fit(self, X, y=None):
        """Learn the class-based idf from a class-term count matrix ``X``."""
        X = sp.csr_matrix(X, dtype=np.float64)
        if X.shape[0] < 1:
            raise CallmineError("ClassTfidfTransformer needs at least one class row, got 0")
        freq = np.asarray(X.sum(axis=0)).ravel()
        avg_words = float(X.sum()) / X.shape[0]
        with np.errstate(divide="ignore"):
            idf = np.log(1.0 + avg_words / np.where(freq > 0, freq, np.inf))
        self.idf_ = idf
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X, copy=True):
        """Return the c-TF-IDF weights (sparse, one row per class)."""
        check_is_fitted(self, "idf_")
        X = sp.csr_matrix(X, dtype=np.float64, copy=copy)
        if X.shape[1] != len(self.idf_):
            raise CallmineError(f"ClassTfidfTransformer was fitted on {len(self.idf_)} terms, "
                                f"got a matrix with {X.shape[1]}")
        if self.reduce_frequent_words:
            X.data = np.sqrt(X.data)
        X = normalize(X, norm="l1", axis=1)
        return (X @ sp.diags(self.idf_)).tocsr()


def _is_word_term(term: str) -> bool:
    """True for terms worth showing: no placeholders (<num>, <person>) or bare numbers."""
    return not any(w.startswith("<") or w.isdigit() for w in term.split())


def distinctive_terms(docs: Sequence[str], labels: Sequence[int], *, n_terms: int = 10,
                      ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                      reduce_frequent_words: bool = True) -> dict[int, list[str]]:
    """Top c-TF-IDF terms of each cluster.

    Parameters
    ----------
    docs : sequence of str
        Whitespace-tokenised documents (output of :class:`callmine.text.TextNormalizer`).
    labels : sequence of int
        Cluster of each document; negative labels (outliers) are left out.
    n_terms : int, default=10
    ngram_range : (int, int), default=(1, 2)
        Word n-gram sizes considered.
    min_df : int, default=2
        Ignore terms found in fewer documents (typos, one-off names).
    reduce_frequent_words : bool, default=True
        See :class:`ClassTfidfTransformer`.

    Returns
    -------
    dict of int -> list of str
        Best term first; placeholders such as ``<num>`` are never returned.
    """
    labels = np.asarray(labels)
    if len(docs) != len(labels):
        raise CallmineError(f"docs and labels differ in length: {len(docs)} != {len(labels)}")
    if int(n_terms) < 1:
        raise CallmineError(f"n_terms must be a positive integer, got {n_terms!r}")
    keep = labels >= 0
    classes = np.unique(labels[keep])
    out: dict[int, list[str]] = {int(c): [] for c in classes}
    if len(classes) == 0:
        return out
    kept_docs = [d for d, k in zip(docs, keep) if k]
    min_df_eff = min_df if len(kept_docs) >= 4 * min_df else 1
    cv = CountVectorizer(analyzer="word", token_pattern=r"\S+", lowercase=False,
                         ngram_range=ngram_range, min_df=min_df_eff)
    try:
        counts = cv.fit_transform(kept_docs)
    except ValueError:  # empty vocabulary: every document is empty
        return out
    vocab = cv.get_feature_names_out()
    showable = np.array([_is_word_term(t) for t in vocab])
    codes = np.searchsorted(classes, labels[keep])
    member = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                           shape=(len(classes), len(codes)))
    class_counts = member @ counts
    weights = ClassTfidfTransformer(reduce_frequent_words=reduce_frequent_words) \
        .fit_transform(class_counts).toarray()
    weights[:, ~showable] = 0.0
    for i, c in enumerate(classes):
        row = weights[i]
        order = np.argsort(-row, kind="stable")[: int(n_terms)]
        out[int(c)] = [str(vocab[j]) for j in order if row[j] > 0]
    return out


def surface_forms(stemmed_docs: Iterable[str], plain_docs: Iterable[str]) -> dict[str, str]:
    """Map each stem to its most frequent original word.

    ``stemmed_docs`` and ``plain_docs`` are the same documents normalised
    with and without stemming (token for token, as
    :class:`callmine.text.TextNormalizer` does with ``stem=True``/``False``);
    documents whose token counts differ are skipped.

    >>> surface_forms(["заявк статус", "заявк"], ["заявки статус", "заявка"])["заявк"] in ("заявки", "заявка")
    True
    """
    counts: dict[str, Counter] = defaultdict(Counter)
    for s, p in zip(stemmed_docs, plain_docs):
        st, pl = s.split(), p.split()
        if len(st) != len(pl):
            continue
        for a, b in zip(st, pl):
            counts[a][b] += 1
    # most frequent surface form; ties broken by the shorter, then alphabetical word
    return {stem: min(c.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0]
            for stem, c in counts.items()}


def _show(term: str, surface: Mapping[str, str] | None) -> str:
    if not surface:
        return term
    return " ".join(surface.get(w, w) for w in term.split())


def make_label(terms: Sequence[str], *, n_words: int = 3,
               surface: Mapping[str, str] | None = None) -> str:
    """A short label from a cluster's best terms.

    Takes terms in order, skipping a term whose words are all already in the
    label (``card`` after ``card arrival``), until ``n_words`` distinct words
    are used; words are shown in their surface form.

    >>> make_label(["card arriv", "card", "arriv", "late", "new"], surface={"arriv": "arrived"})
    'card arrived, late'
    """
    words: list[str] = []
    parts: list[str] = []
    for term in terms:
        ws = term.split()
        if all(w in words for w in ws):
            continue
        if words and len(words) + len([w for w in ws if w not in words]) > n_words:
            if len(words) >= 2:
                break
            continue
        parts.append(_show(term, surface))
        words.extend(w for w in ws if w not in words)
        if len(words) >= n_words:
            break
    return ", ".join(parts) if parts else EMPTY_LABEL


def unique_labels(labels: Sequence[str]) -> list[str]:
    """Make labels unique by appending ``#2``, ``#3``... to repeats.

    Discovered types must have distinct names, because giving two clusters the
    same name in ``types.csv`` means "merge them" to the curation step.

    >>> unique_labels(["card", "pin", "card"])
    ['card', 'pin', 'card #2']
    """
    seen: Counter = Counter()
    out = []
    taken = set(labels)
    for lab in labels:
        seen[lab] += 1
        if seen[lab] == 1:
            out.append(lab)
            continue
        i = seen[lab]
        while f"{lab} #{i}" in taken:
            i += 1
        new = f"{lab} #{i}"
        taken.add(new)
        out.append(new)
    return out


def _shorten(text: str, max_chars: int) -> str:
    text = " ".join(str(text).split())
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars].rsplit(" ", 1)[0]
    return (cut or text[:max_chars]) + "…"


def representative_examples(texts: Sequence[str], vectors: np.ndarray, labels: Sequence[int],
                            centroids: np.ndarray, *, n_examples: int = 3,
                            max_chars: int = 200, redact: bool = True) -> dict[int, list[str]]:
    """Calls closest to each cluster centre (cosine), redacted and shortened.

    Parameters
    ----------
    texts : sequence of str
        Raw transcripts, aligned with ``vectors``.
    vectors : ndarray of shape (n, d)
        L2-normalised representations.
    labels : sequence of int
        Cluster of each text; ``centroids[c]`` is the centre of cluster ``c``.
    centroids : ndarray of shape (n_clusters, d)
    n_examples : int, default=3
        Distinct examples per cluster.
    max_chars : int, default=200
    redact : bool, default=True
        Keep only the customer's side and replace personal data
        (:func:`callmine.pii.redact`). Never turn off for output people see.
    """
    from callmine.normalize import speaker_text

    labels = np.asarray(labels)
    out: dict[int, list[str]] = {}
    for c in range(len(centroids)):
        idx = np.flatnonzero(labels == c)
        if len(idx) == 0:
            out[c] = []
            continue
        sim = vectors[idx] @ centroids[c]
        chosen: list[str] = []
        for i in idx[np.argsort(-sim, kind="stable")]:
            text = str(texts[i])
            if redact:
                text = speaker_text(text)
            text = _shorten(text, max_chars)
            if text and text not in chosen:
                chosen.append(text)
            if len(chosen) >= n_examples:
                break
        out[c] = chosen
    return out
