"""Measure request-type classifiers: accuracy, macro F1, per-type figures, confusions, calibration.

:func:`evaluate` measures a fitted model on labelled texts;
:func:`cross_evaluate` runs k-fold cross-validation of an unfitted one.
Both are also importable from :mod:`callmine.classify`, whose fit report
uses the same expected calibration error (``_ece``).
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from callmine.errors import CallmineError, DataError

__all__ = ["evaluate", "cross_evaluate"]


def _ece(conf: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: mean |accuracy - confidence| over equal-width bins."""
    conf = np.asarray(conf, dtype=float)
    correct = np.asarray(correct, dtype=float)
    if len(conf) == 0:
        return float("nan")
    idx = np.minimum((conf * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.sum() * abs(correct[m].mean() - conf[m].mean())
    return total / len(conf)


def evaluate(model, texts, labels, *, other_label: str = "other", top_confusions: int = 10) -> dict:
    """Measure a fitted classifier on labelled texts.

    Parameters
    ----------
    model : RequestTypeClassifier (fitted) or any object with ``predict_with_confidence``
    texts : sequence of str
    labels : sequence of str
        True request types; ``other_label`` marks out-of-scope requests.
    other_label : str, default="other"
    top_confusions : int, default=10
        Most confused (true, predicted) pairs to list.

    Returns
    -------
    dict
        ``n``, ``accuracy``, ``macro_f1`` (over the true types), ``per_type``
        ({type: {precision, recall, f1, support}}), ``confused_pairs``
        ([{true, predicted, count}], most frequent first), ``rejected_share``
        (predicted ``other_label``), ``ece`` (expected calibration error of
        ``confidence``), ``closed_set_accuracy`` (without rejection, when the
        model supports it) and, when the labels contain ``other_label``,
        ``in_scope_accuracy`` (rejections count as errors) and ``oos_recall``.

    Examples
    --------
    >>> from callmine.classify import RequestTypeClassifier
    >>> texts = ["где моя справка", "справка о пенсии", "заблокировали карту", "карта не работает"] * 5
    >>> labels = ["certificate", "certificate", "card", "card"] * 5
    >>> clf = RequestTypeClassifier(min_df=1).fit(texts, labels)
    >>> evaluate(clf, texts, labels)["accuracy"]
    1.0
    """
    # imported here, not at the top: callmine.classify imports this module
    from callmine.classify import RequestTypeClassifier, _as_texts

    texts = _as_texts(texts, "texts")
    y = _as_texts(labels, "labels")
    if len(texts) != len(y):
        raise CallmineError(f"texts and labels must have the same length; got {len(texts)} and {len(y)}")
    if len(y) == 0:
        raise DataError("cannot evaluate on an empty test set")
    pred, conf = model.predict_with_confidence(texts)
    pred = np.asarray(pred, dtype=object)
    conf = np.asarray(conf, dtype=float)
    truth_types = sorted(set(y.tolist()))
    out: dict = {"n": int(len(y)), "accuracy": float((pred == y).mean())}
    out["macro_f1"] = float(f1_score(y, pred, labels=truth_types, average="macro", zero_division=0))
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=truth_types, zero_division=0)
    out["per_type"] = {t: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                           "support": int(s[i])} for i, t in enumerate(truth_types)}
    all_labels = sorted(set(truth_types) | set(pred.tolist()))
    cm = confusion_matrix(y, pred, labels=all_labels)
    np.fill_diagonal(cm, 0)
    flat = np.argsort(cm, axis=None)[::-1][:top_confusions]
    out["confused_pairs"] = [
        {"true": all_labels[i], "predicted": all_labels[j], "count": int(cm[i, j])}
        for i, j in zip(*np.unravel_index(flat, cm.shape)) if cm[i, j] > 0]
    out["rejected_share"] = float((pred == other_label).mean())
    out["ece"] = float(_ece(conf, pred == y))
    if isinstance(model, RequestTypeClassifier):
        closed, _ = model.predict_with_confidence(texts, reject=False)
        out["closed_set_accuracy"] = float((closed == y).mean())
    is_other = y == other_label
    if is_other.any():
        ins = ~is_other
        out["in_scope_accuracy"] = float((pred[ins] == y[ins]).mean()) if ins.any() else float("nan")
        out["oos_recall"] = float((pred[is_other] == other_label).mean())
        rej = pred == other_label
        out["oos_precision"] = float(is_other[rej].mean()) if rej.any() else float("nan")
    return out


def cross_evaluate(estimator, texts, labels, *, cv: int = 5, random_state: int = 0,
                   other_label: str = "other") -> dict:
    """k-fold cross-validation of an unfitted classifier on a labelled training set.

    Returns
    -------
    dict
        ``folds`` (the :func:`evaluate` figures of each fold, without
        per-type details) and the mean and standard deviation of
        ``accuracy``, ``macro_f1`` and, when present, ``in_scope_accuracy`` and
        ``oos_recall`` (``<name>_mean``, ``<name>_std``).
    """
    from callmine.classify import _as_texts

    texts = _as_texts(texts, "texts")
    y = _as_texts(labels, "labels")
    if not (isinstance(cv, numbers.Integral) and cv >= 2):
        raise CallmineError(f"cv must be an integer >= 2; got {cv!r}")
    skf = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    folds = []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The least populated class")
        splits = list(skf.split(np.zeros(len(y)), y))
    for tr, te in splits:
        m = clone(estimator).fit(texts[tr], y[tr])
        r = evaluate(m, texts[te], y[te], other_label=other_label)
        folds.append({k: v for k, v in r.items() if k not in ("per_type", "confused_pairs")})
    out: dict = {"cv": int(cv), "folds": folds}
    for key in ("accuracy", "macro_f1", "in_scope_accuracy", "oos_recall"):
        vals = [f[key] for f in folds if key in f]
        if vals:
            out[f"{key}_mean"] = float(np.mean(vals))
            out[f"{key}_std"] = float(np.std(vals))
    return out
