"""The prediction path of a ``fast`` model, without scikit-learn.

``callmine classify`` spends most of a short run starting up: unpickling a
:class:`callmine.classify.RequestTypeClassifier` imports scikit-learn (and
through it scipy.stats), about a second on a shared 2-core machine, before a
single call is classified. Everything a ``fast`` model does at prediction time
is plain numpy and scipy.sparse arithmetic:

1. the text pipeline (:func:`callmine.normalize.normalize_texts`);
2. the n-gram TF-IDF matrix (:class:`callmine.ngrams.NgramTransform`);
3. the linear SVM's scores ``X @ coef.T + intercept``;
4. the temperature softmax, the best type and the ``other`` threshold.

:func:`lean_state` extracts what those steps need from a fitted model (plain
numpy arrays, lists and numbers); :func:`callmine.persist.save_model` stores
it in the model file beside the full model, and
:func:`callmine.persist.load_predictor` rebuilds a :class:`LeanClassifier`
from it without importing scikit-learn. Its predictions are bit-identical to
the model's own ``predict_with_confidence`` (same operations on the same
arrays, in the same order; ``tests/test_persist.py``).

Examples
--------
>>> from callmine.classify import RequestTypeClassifier
>>> clf = RequestTypeClassifier(min_df=1).fit(["где справка", "справка", "карта", "моя карта"] * 3,
...                                           ["cert", "cert", "card", "card"] * 3)
>>> lean = LeanClassifier(lean_state(clf))
>>> lean.predict(["нужна справка"]).tolist() == clf.predict(["нужна справка"]).tolist()
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from callmine.errors import ModelError
from callmine.ngrams import NgramTransform
from callmine.normalize import _as_texts, _check_speaker, normalize_texts

__all__ = ["LEAN_FORMAT", "LeanClassifier", "label_decisions", "lean_state"]

#: Version of the layout returned by :func:`lean_state`.
LEAN_FORMAT = 1

_NORMALIZER_PARAMS = ("redact", "speaker", "stem", "stop_words", "min_token_len")
_NGRAM_PARAMS = ("word_ngram_range", "char_ngram_range", "sublinear_tf", "word_weight",
                 "char_weight", "cache_size")
_NGRAM_FITTED = ("word_ngrams_", "char_vocabulary_", "idf_", "n_word_features_", "n_char_features_",
                 "n_features_out_")


def lean_state(model: Any) -> dict | None:
    """What a fitted ``fast`` :class:`~callmine.classify.RequestTypeClassifier` needs to predict.

    Returns a dict of numpy arrays, lists, strings and numbers (no
    scikit-learn object), or None when the model has no lean form (the
    ``accurate`` profile, boilerplate removal, or not a callmine classifier).
    """
    if getattr(model, "profile", None) != "fast" or not hasattr(model, "pipeline_"):
        return None
    steps = getattr(model.pipeline_, "named_steps", {})
    if list(steps) != ["normalize", "features", "model"]:
        return None
    norm, feat, svm = steps["normalize"], steps["features"], steps["model"]
    if (type(norm).__qualname__, type(norm).__module__) != ("TextNormalizer", "callmine.text"):
        return None
    if (type(feat).__qualname__, type(feat).__module__) != ("NgramFeaturizer", "callmine.features"):
        return None
    if norm.remove_boilerplate or not (hasattr(svm, "coef_") and hasattr(svm, "intercept_")):
        return None
    ngrams = {k: getattr(feat, k) for k in _NGRAM_PARAMS + _NGRAM_FITTED}
    ngrams["dtype"] = np.dtype(feat.dtype).str
    ngrams["words_"] = [str(w) for w in feat.words_]
    ngrams["word_ngrams_"] = {int(n): (np.asarray(k), np.asarray(c)) for n, (k, c) in feat.word_ngrams_.items()}
    return {
        "lean_format": LEAN_FORMAT,
        "normalize": {k: getattr(norm, k) for k in _NORMALIZER_PARAMS},
        "ngrams": ngrams,
        "coef": np.asarray(svm.coef_),
        "intercept": np.asarray(svm.intercept_),
        "classes": [str(c) for c in model.classes_],
        "temperature": float(model.temperature_),
        "threshold": float(model.threshold_),
        "other_label": str(model.other_label),
    }


class _Ngrams(NgramTransform):
    """A fitted :class:`callmine.features.NgramFeaturizer`'s transform, rebuilt from its state."""

    def __init__(self, state: dict):
        self.__dict__.update(state)
        self.dtype = np.dtype(state["dtype"]).type
        self.words_ = np.array(state["words_"], dtype=object)
        # Built now rather than at the first prediction, so that worker processes
        # forked after loading share them instead of each building its own.
        self._word_index = {w: i for i, w in enumerate(self.words_)}
        self._word_char_matrix()

    def transform(self, docs):
        return self._transform(docs)


class LeanClassifier:
    """A ``fast`` model's predictions from :func:`lean_state`, without scikit-learn.

    Has the prediction methods of
    :class:`~callmine.classify.RequestTypeClassifier` (``predict``,
    ``predict_with_confidence``, ``predict_proba``, ``decision_function``)
    with bit-identical results, and its ``classes_``, ``temperature_``,
    ``threshold_`` and ``other_label``.

    Parameters
    ----------
    state : dict
        The output of :func:`lean_state`.
    """

    profile = "fast"

    def __init__(self, state: dict):
        if not isinstance(state, dict) or state.get("lean_format") != LEAN_FORMAT:
            got = state.get("lean_format") if isinstance(state, dict) else type(state).__name__
            raise ModelError(f"lean model state of format {got!r}; this callmine reads format {LEAN_FORMAT}")
        self._normalize = dict(state["normalize"])
        _check_speaker(self._normalize["speaker"])
        self._ngrams = _Ngrams(state["ngrams"])
        self.coef_ = state["coef"]
        self.intercept_ = state["intercept"]
        self.classes_ = np.array(state["classes"], dtype=object)
        self.temperature_ = float(state["temperature"])
        self.threshold_ = float(state["threshold"])
        self.other_label = state["other_label"]

    def __repr__(self) -> str:
        return f"LeanClassifier({len(self.classes_)} types, {self.coef_.shape[1]} features)"

    def normalize(self, texts) -> list[str]:
        """The normalised token strings the model sees (what its ``normalize`` step returns)."""
        return normalize_texts(texts, **self._normalize)

    def _scores(self, docs: list[str]) -> np.ndarray:
        """Decision values of normalised documents, float64 (n_docs, n_classes)."""
        X = self._ngrams.transform(docs)
        coef = self.coef_
        scores = X @ (coef.T if coef.ndim == 2 else coef) + self.intercept_
        if scores.ndim > 1 and scores.shape[1] == 1:
            scores = scores.reshape(-1)
        if scores.ndim == 1:  # binary: one column
            scores = np.column_stack([-scores, scores])
        return np.asarray(scores, dtype=np.float64)

    def _decision_unique(self, texts: np.ndarray):
        codes, uniques = pd.factorize(texts, sort=False)
        if len(uniques) == 0:
            return np.zeros((0, len(self.classes_))), codes
        return self._scores(self.normalize(list(uniques))), codes

    def decision_function(self, X) -> np.ndarray:
        """Raw SVM scores, shape (n_texts, n_classes)."""
        dec, codes = self._decision_unique(_as_texts(X))
        return dec[codes]

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probabilities over ``classes_``, shape (n_texts, n_classes)."""
        dec, codes = self._decision_unique(_as_texts(X))
        return _softmax(dec / self.temperature_)[codes]

    def predict_with_confidence(self, X, *, reject: bool = True):
        """Return (labels, confidence) as :meth:`RequestTypeClassifier.predict_with_confidence` does."""
        dec, codes = self._decision_unique(_as_texts(X))
        labels, conf = self._label(dec, reject)
        return labels[codes], conf[codes]

    def predict_docs(self, docs: list[str], *, reject: bool = True):
        """(labels, confidence) of already normalised, distinct documents (see :meth:`normalize`)."""
        if not docs:
            return np.empty(0, dtype=object), np.empty(0, dtype=np.float64)
        return self._label(self._scores(docs), reject)

    def _label(self, dec: np.ndarray, reject: bool):
        return label_decisions(dec, self.classes_, self.temperature_,
                               self.threshold_ if reject else 0.0, self.other_label)

    def predict(self, X) -> np.ndarray:
        """Request type of each transcript (``other_label`` when out of scope)."""
        return self.predict_with_confidence(X)[0]


def label_decisions(dec: np.ndarray, classes: np.ndarray, temperature: float, threshold: float,
                    other_label: str) -> tuple[np.ndarray, np.ndarray]:
    """(labels, confidence) from SVM decision values, shape (n, n_classes).

    Confidence is the temperature-scaled softmax probability of the best
    class; below ``threshold`` (0: never) the label becomes ``other_label``.
    The one labelling step of both :class:`LeanClassifier` and
    :class:`callmine.classify.RequestTypeClassifier`, so their results match
    bit for bit.
    """
    proba = _softmax(dec / temperature)
    best = proba.argmax(axis=1)
    conf = proba[np.arange(len(best)), best]
    labels = np.asarray(classes)[best].astype(object)
    if threshold > 0:
        labels[conf < threshold] = other_label
    return labels, conf


def _softmax(x: np.ndarray) -> np.ndarray:
    """``scipy.special.softmax(x, axis=1)``, the same operations (without importing scipy.special)."""
    x_max = np.max(x, axis=1, keepdims=True)
    exp_x_shifted = np.exp(x - x_max)
    return exp_x_shifted / np.sum(exp_x_shifted, axis=1, keepdims=True)
