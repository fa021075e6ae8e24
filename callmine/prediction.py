"""Calling a model on transcripts: each distinct text once, in bounded batches, through a cache.

:func:`predict_texts` is the inner loop of batch classification (used by
:mod:`callmine.batch`, :mod:`callmine.distributed` and :mod:`callmine.report`):
it returns ``(labels, confidence)`` for a sequence of transcripts, calling
the model once per distinct text, on consecutive batches of at most
``MAX_BATCH_CHARS`` characters, and skipping texts a
:class:`PredictionCache` already holds. The results are the same with or
without deduplication, batching or cache. These names are also importable
from :mod:`callmine.batch`.

Examples
--------
>>> import numpy as np
>>> class Keyword:  # any object with predict_with_confidence works
...     def predict_with_confidence(self, texts):
...         labels = np.array(["passport" if "паспорт" in t else "other" for t in texts], dtype=object)
...         return labels, np.where(labels == "other", 0.5, 0.9)
>>> labels, conf = predict_texts(Keyword(), ["паспорт", "Сәлем", "паспорт"], cache=PredictionCache())
>>> labels.tolist(), conf.tolist()
(['passport', 'other', 'passport'], [0.9, 0.5, 0.9])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from callmine.errors import ModelError

MAX_BATCH_CHARS = 1_000_000


class PredictionCache:
    """A bounded memo of predictions, kept across the chunks of a job (one per worker).

    A prediction depends only on the transcript (never on the other calls of
    its batch), so a transcript seen in an earlier chunk need not be
    classified again: the output is byte-identical with or without the cache.
    Two levels: the raw transcript, and, for a model with a lean form
    (:class:`callmine.lean.LeanClassifier`), the normalised token string the
    model sees, so that transcripts differing only in redacted personal data,
    case, punctuation or the operator's turns share one prediction.

    Only short texts are kept (at most ``max_text_chars`` characters): in
    call logs the repeats are short requests ("где справка?"), long
    transcripts are unique. Memory is bounded: when a level holds more than
    ``max_items`` entries or ``max_chars`` characters of keys, it is emptied
    and filled again.

    Parameters
    ----------
    max_items : int, default=100_000
    max_chars : int, default=10_000_000
    max_text_chars : int, default=200
    """

    def __init__(self, max_items: int = 100_000, max_chars: int = 10_000_000,
                 max_text_chars: int = 200):
        self.max_items, self.max_chars = int(max_items), int(max_chars)
        self.max_text_chars = int(max_text_chars)
        self.raw: dict[str, tuple] = {}
        self.norm: dict[str, tuple] = {}
        self._chars = {"raw": 0, "norm": 0}
        self.hits = {"raw": 0, "norm": 0}
        self.misses = 0

    def put(self, level: str, keys: list[str], labels: np.ndarray, conf: np.ndarray) -> None:
        """Remember ``labels``/``conf`` of ``keys`` at ``level`` ("raw" or "norm")."""
        limit = self.max_text_chars
        keep = [i for i, k in enumerate(keys) if len(k) <= limit]
        if not keep or len(keep) > self.max_items:
            return
        if len(keep) < len(keys):
            keys = [keys[i] for i in keep]
            labels, conf = labels[keep], conf[keep]
        store = self.raw if level == "raw" else self.norm
        chars = sum(map(len, keys))
        if len(store) + len(keys) > self.max_items or self._chars[level] + chars > self.max_chars:
            store.clear()
            self._chars[level] = 0
        self._chars[level] += chars
        store.update(zip(keys, zip(labels.tolist(), conf.tolist())))


def predict_texts(model: Any, texts, *, dedupe: bool = True,
                  max_batch_chars: int | None = MAX_BATCH_CHARS,
                  cache: PredictionCache | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Predict ``(labels, confidence)`` for a sequence of transcripts.

    With ``dedupe`` (default) each distinct transcript is classified once and
    the result copied to its repeats: short requests repeat often in real
    call logs (messenger, SMS), and the prediction of one text does not
    depend on the others. The model is called on consecutive batches of at
    most ``max_batch_chars`` characters (None: one call), so that its working
    memory (feature matrices) is bounded whatever the length of the
    transcripts; the batches depend only on ``texts``. A ``cache``
    (:class:`PredictionCache`, used with ``dedupe``) skips transcripts
    classified by earlier calls; the results are the same.
    """
    texts = np.asarray(texts, dtype=object)
    if len(texts) == 0:
        return np.empty(0, dtype=object), np.empty(0, dtype=float)
    if not dedupe:
        return _call_batches(model, texts, max_batch_chars)
    codes, uniques = pd.factorize(texts)
    if cache is None:
        if len(uniques) == len(texts):
            return _call_batches(model, texts, max_batch_chars)
        labels, conf = _call_batches(model, uniques, max_batch_chars)
        return labels[codes], conf[codes]
    labels, conf = _predict_cached(model, uniques, max_batch_chars, cache)
    return labels[codes], conf[codes]


def _lookup(cache: PredictionCache, level: str, keys: list) -> tuple[np.ndarray, np.ndarray, list]:
    """Cached (label, confidence) of ``keys`` at ``level``; returns them and the positions missed."""
    n = len(keys)
    labels = np.empty(n, dtype=object)
    conf = np.empty(n, dtype=np.float64)
    get = getattr(cache, level).get
    found = [get(k) for k in keys]
    miss = [i for i, f in enumerate(found) if f is None]
    hit = [i for i, f in enumerate(found) if f is not None]
    if hit:
        labels[hit] = [found[i][0] for i in hit]
        conf[hit] = [found[i][1] for i in hit]
        cache.hits[level] += len(hit)
    return labels, conf, miss


def _predict_cached(model: Any, uniques: np.ndarray, max_chars: int | None,
                    cache: PredictionCache) -> tuple[np.ndarray, np.ndarray]:
    """Predictions of distinct texts through ``cache`` (raw text, then normalised text)."""
    labels, conf, miss = _lookup(cache, "raw", uniques.tolist())
    if not miss:
        return labels, conf
    miss_texts = uniques[miss]
    if hasattr(model, "normalize") and hasattr(model, "predict_docs"):
        docs = np.asarray(model.normalize(list(miss_texts)), dtype=object)
        dcodes, dunique = pd.factorize(docs)
        dl, dc, todo = _lookup(cache, "norm", dunique.tolist())
        if todo:
            new_docs = dunique[todo]
            pl, pc = _call_batches(model, new_docs, max_chars, docs=True)
            dl[todo], dc[todo] = pl, pc
            cache.put("norm", new_docs.tolist(), pl, pc)
            cache.misses += len(todo)
        ml, mc = dl[dcodes], dc[dcodes]
    else:
        ml, mc = _call_batches(model, miss_texts, max_chars)
        cache.misses += len(miss)
    labels[miss], conf[miss] = ml, mc
    cache.put("raw", miss_texts.tolist(), ml, mc)
    return labels, conf


def _call_batches(model: Any, texts: np.ndarray, max_chars: int | None,
                  docs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The model on consecutive batches of at most ``max_chars`` characters.

    ``docs``: ``texts`` are normalised documents for ``model.predict_docs``.
    """
    if max_chars is None:
        return _call_model(model, list(texts), docs)
    ends = np.cumsum(np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts)))
    if ends[-1] <= max_chars:
        return _call_model(model, list(texts), docs)
    # Batch k holds the texts whose cumulative length falls in (k * max_chars, (k + 1) * max_chars].
    batch = (ends - 1) // max_chars
    bounds = np.flatnonzero(np.diff(batch)) + 1
    parts = [_call_model(model, list(part), docs) for part in np.split(texts, bounds)]
    return (np.concatenate([p[0] for p in parts]).astype(object, copy=False),
            np.concatenate([p[1] for p in parts]))


def _call_model(model: Any, texts: list, docs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    out = model.predict_docs(texts) if docs else model.predict_with_confidence(texts)
    try:
        labels, conf = out
    except (TypeError, ValueError):
        raise ModelError("predict_with_confidence must return (labels, confidence); "
                         f"got {type(out).__name__}") from None
    labels = np.asarray(labels, dtype=object)
    conf = np.asarray(conf, dtype=float)
    if labels.shape != (len(texts),) or conf.shape != (len(texts),):
        raise ModelError(f"predict_with_confidence returned {labels.shape[0] if labels.ndim else 0} labels "
                         f"and {conf.shape[0] if conf.ndim else 0} confidences for {len(texts)} texts")
    return labels, conf
