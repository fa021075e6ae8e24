"""Request-type classification: train, predict with a calibrated confidence, reject the unknown.

:class:`RequestTypeClassifier` is a scikit-learn estimator built as a
``Pipeline`` (text pipeline -> features -> linear model) with two profiles:

``fast`` (default)
    :class:`callmine.text.TextNormalizer` (PII redaction, customer side,
    normalisation, cached stemming) -> :class:`callmine.features.NgramFeaturizer`
    (word 1-3 + character 1-5 n-gram TF-IDF, character n-grams computed once
    per distinct word) -> a Crammer-Singer linear SVM.
``accurate``
    The same sparse features stacked with multilingual sentence embeddings
    (:class:`callmine.embeddings.SentenceEmbedder`, extra ``callmine[accurate]``)
    in one linear SVM, whose scores are blended with a soft nearest-neighbour
    vote of the training embeddings (:class:`NeighbourBlendSVC`).

Out of scope
    Decision values become probabilities by temperature scaling fitted on
    cross-validated (out-of-fold) decision values of the training data, so
    ``confidence`` is calibrated. A confidence threshold is then chosen on
    held-out predictions: in each fold a random group of types is also left
    out of training, so its held-out requests score like requests of an
    unseen type, and the threshold maximises the expected accuracy of a
    stream in which ``oos_share`` of the requests are of no known type. Requests below the threshold become
    ``other_label``. Rows labelled ``other_label`` in the training data are
    learned as a class of their own and count in the choice of threshold.

:func:`evaluate` (a fitted model on labelled texts) and :func:`cross_evaluate`
(k-fold cross-validation of an unfitted one) live in :mod:`callmine.evaluation`
and are re-exported here.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Iterable

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from callmine.errors import CallmineError, DataError
from callmine.evaluation import _ece, cross_evaluate, evaluate  # re-exported: public API of classify
from callmine.features import NgramFeaturizer
from callmine.normalize import _as_texts  # noqa: F401  (also imported from here by callmine.evaluation)

__all__ = ["PROFILES", "NeighbourBlendSVC", "RequestTypeClassifier", "TextCleaner", "evaluate",
           "cross_evaluate"]

#: Allowed values of ``profile``.
PROFILES = ("fast", "accurate")
#: Largest threshold ``threshold="auto"`` may choose: beyond it a model rejects
#: most requests it is right about; give it rows labelled ``other`` instead.
MAX_AUTO_THRESHOLD = 0.9
#: Weight and temperature of the ``accurate`` profile's nearest-neighbour vote
#: (:class:`NeighbourBlendSVC`), chosen by 4-fold cross-validation on the
#: BANKING77 training set (docs/classifier.md).
NEIGHBOUR_WEIGHT = 2.0
NEIGHBOUR_TEMPERATURE = 0.02


class TextCleaner(TransformerMixin, BaseEstimator):
    """Redact personal data and keep the customer's side; returns clean text (not tokens).

    The input of the sentence embedder in the ``accurate`` profile: personal
    data never reaches a vectorizer.

    Parameters
    ----------
    redact : bool, default=True
    speaker : {"customer", "all"}, default="customer"

    Examples
    --------
    >>> TextCleaner().transform(["Клиент: мой ИИН 900101300007, нужна справка"])
    ['мой ИИН <IIN>, нужна справка']
    """

    def __init__(self, *, redact: bool = True, speaker: str = "customer"):
        self.redact = redact
        self.speaker = speaker

    def fit(self, X, y=None):
        return self

    def transform(self, X) -> list[str]:
        from callmine.normalize import speaker_text
        from callmine.pii import redact

        if self.speaker == "customer":  # each customer turn redacted on its own
            return [speaker_text(t, redact=self.redact) for t in _as_texts(X)]
        return [redact(t) if self.redact else t for t in _as_texts(X)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = False
        return tags


def _linear_svm(C, random_state, max_iter: int = 10_000) -> LinearSVC:
    """The linear SVM of both profiles (Crammer-Singer multi-class)."""
    return LinearSVC(C=C, multi_class="crammer_singer", random_state=random_state, max_iter=max_iter)


class NeighbourBlendSVC(ClassifierMixin, BaseEstimator):
    """Linear SVM on all features plus a soft nearest-neighbour vote on the embedding block.

    The final step of the ``accurate`` profile. ``X`` is the stacked feature
    matrix whose last ``n_embedding`` columns are the (scaled) sentence
    embedding. The decision value of type ``c`` is the Crammer-Singer SVM's
    plus ``neighbour_weight`` times a soft maximum of the cosine similarities
    between the request's embedding and the training embeddings of type ``c``::

        s_c(x) = temperature * log(sum over training rows i of type c of exp(cos(x, e_i) / temperature))

    (``temperature`` -> 0 gives the similarity of the nearest training request
    of the type). The training embeddings are stored as float16 (about 1 KB per
    training request; float16 and float32 gave the same cross-validated
    accuracy).

    Parameters
    ----------
    C : float, default=0.5
        Regularisation of the linear SVM.
    n_embedding : int, default=512
        Number of trailing columns of ``X`` that hold the embedding (rows are
        L2-normalised before the vote, so the block's scale does not matter).
    neighbour_weight : float, default=2.0
        Weight of the vote against the SVM's decision values (0 turns it off).
    temperature : float, default=0.02
        Softness of the maximum (> 0).
    random_state : int, default=0
    max_iter : int, default=10_000
    chunk_size : int, default=1024
        Requests compared with the training embeddings at once (memory:
        ``chunk_size x n_training`` float32).

    Attributes
    ----------
    svm_ : sklearn.svm.LinearSVC
    classes_ : ndarray
    neighbours_ : ndarray of float16, shape (n_training, n_embedding)
        Training embeddings sorted by type.
    class_starts_ : ndarray of int
        First row of each type of ``classes_`` in ``neighbours_``.
    """

    def __init__(self, *, C=0.5, n_embedding=512, neighbour_weight=2.0, temperature=0.02,
                 random_state=0, max_iter=10_000, chunk_size=1024):
        self.C = C
        self.n_embedding = n_embedding
        self.neighbour_weight = neighbour_weight
        self.temperature = temperature
        self.random_state = random_state
        self.max_iter = max_iter
        self.chunk_size = chunk_size

    def _embeddings(self, X) -> np.ndarray:
        n = int(self.n_embedding)
        if not (isinstance(self.n_embedding, numbers.Integral) and 1 <= n <= X.shape[1]):
            raise CallmineError(f"n_embedding must be an integer in 1..{X.shape[1]} (the number of "
                                f"features); got {self.n_embedding!r}")
        E = X[:, X.shape[1] - n:]
        E = np.asarray(E.toarray() if hasattr(E, "toarray") else E, dtype=np.float32)
        norms = np.linalg.norm(E, axis=1, keepdims=True)
        return E / np.where(norms > 0, norms, 1.0)

    def fit(self, X, y):
        if not (isinstance(self.temperature, numbers.Real) and self.temperature > 0):
            raise CallmineError(f"temperature must be a positive number; got {self.temperature!r}")
        if not (isinstance(self.neighbour_weight, numbers.Real) and self.neighbour_weight >= 0):
            raise CallmineError(f"neighbour_weight must be a number >= 0; got {self.neighbour_weight!r}")
        E = self._embeddings(X)
        self.svm_ = _linear_svm(self.C, self.random_state, self.max_iter).fit(X, y)
        self.classes_ = self.svm_.classes_
        codes = np.searchsorted(self.classes_, np.asarray(y))
        order = np.argsort(codes, kind="stable")
        self.neighbours_ = E[order].astype(np.float16)
        self.class_starts_ = np.searchsorted(codes[order], np.arange(len(self.classes_)))
        return self

    def neighbour_scores(self, X) -> np.ndarray:
        """The soft nearest-neighbour similarity to each type, shape (n_rows, n_classes)."""
        check_is_fitted(self, "neighbours_")
        E = self._embeddings(X)
        t = float(self.temperature)
        starts = self.class_starts_
        sizes = np.diff(np.r_[starts, len(self.neighbours_)])
        N = self.neighbours_.astype(np.float32)
        out = np.empty((len(E), len(starts)), dtype=np.float64)
        step = max(1, int(self.chunk_size))
        for i in range(0, len(E), step):
            M = (E[i:i + step] @ N.T) / t
            top = np.maximum.reduceat(M, starts, axis=1)
            M -= np.repeat(top, sizes, axis=1)
            np.exp(M, out=M)
            out[i:i + step] = t * (np.log(np.add.reduceat(M, starts, axis=1)) + top)
        return out

    def decision_function(self, X) -> np.ndarray:
        check_is_fitted(self, "svm_")
        dec = self.svm_.decision_function(X)
        if self.neighbour_weight and X.shape[0]:
            vote = self.neighbour_scores(X) * float(self.neighbour_weight)
            dec = dec + (vote[:, 1] - vote[:, 0] if dec.ndim == 1 else vote)
        return dec

    def predict(self, X) -> np.ndarray:
        dec = self.decision_function(X)
        idx = (dec > 0).astype(int) if dec.ndim == 1 else dec.argmax(axis=1)
        return self.classes_[idx]


class RequestTypeClassifier(ClassifierMixin, BaseEstimator):
    """Classify transcripts into request types; unknown requests become ``other``.

    Parameters
    ----------
    profile : {"fast", "accurate"}, default="fast"
        ``fast``: sparse word and character n-grams and a linear SVM;
        ``accurate``: adds sentence embeddings and a nearest-neighbour vote
        (:class:`NeighbourBlendSVC`; needs ``callmine[accurate]``).
    other_label : str, default="other"
        Label of out-of-scope requests, in training data and in predictions.
    C : float, default=0.5
        Regularisation of the linear SVM (larger fits the training data closer).
    word_ngram_range, char_ngram_range : (int, int), default=(1, 3), (1, 5)
        n-gram sizes of the sparse features.
    min_df : int, default=2
        Keep n-grams seen in at least this many training requests.
    embedding_weight : float, default=1.0
        Scale of the embedding block against the sparse blocks (``accurate``).
    threshold : "auto", float or None, default="auto"
        Confidence below which a request becomes ``other_label``: learned from
        held-out training predictions (``"auto"``), fixed (a float in 0..1), or
        never (None).
    oos_share : float, default=0.03
        Share of out-of-scope requests the ``"auto"`` threshold is tuned for
        (0 < oos_share < 1): larger rejects more.
    cv : int, default=3
        Folds of the cross-validation that yields the held-out predictions for
        calibration and the threshold (>= 2).
    speaker : {"customer", "all"}, default="customer"
        Classify the customer's turns only, or the whole transcript.
    stem, stop_words : bool, default=True, False
        Options of :class:`callmine.text.TextNormalizer`.
    remove_boilerplate : bool, default=False
        Learn and drop frequent greeting/closing phrases.
    random_state : int, default=0
        Seed of the folds and the SVM.

    Attributes
    ----------
    pipeline_ : sklearn.pipeline.Pipeline
        The fitted text -> features -> model pipeline.
    classes_ : ndarray of str
        Labels the model learned (``other_label`` among them only if the
        training data had such rows).
    temperature_ : float
        Softmax temperature of the calibration.
    threshold_ : float
        Confidence threshold in use (0.0 when rejection is off).
    fit_report_ : dict
        Held-out (out-of-fold) figures measured in ``fit``: accuracy, log loss,
        expected calibration error, threshold and its simulated costs.

    Examples
    --------
    >>> texts = ["где моя справка", "справка о пенсии", "заблокировали карту",
    ...          "карта не работает"] * 5
    >>> labels = ["certificate", "certificate", "card", "card"] * 5
    >>> clf = RequestTypeClassifier(min_df=1).fit(texts, labels)
    >>> clf.predict(["нужна справка"]).tolist()
    ['certificate']
    """

    def __init__(self, *, profile="fast", other_label="other", C=0.5, word_ngram_range=(1, 3),
                 char_ngram_range=(1, 5), min_df=2, embedding_weight=1.0, threshold="auto",
                 oos_share=0.03, cv=3, speaker="customer", stem=True, stop_words=False,
                 remove_boilerplate=False, random_state=0):
        self.profile = profile
        self.other_label = other_label
        self.C = C
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.min_df = min_df
        self.embedding_weight = embedding_weight
        self.threshold = threshold
        self.oos_share = oos_share
        self.cv = cv
        self.speaker = speaker
        self.stem = stem
        self.stop_words = stop_words
        self.remove_boilerplate = remove_boilerplate
        self.random_state = random_state

    # ------------------------------------------------------------------ building
    def _validate(self) -> None:
        if self.profile not in PROFILES:
            raise CallmineError(f"profile must be one of {', '.join(map(repr, PROFILES))}; "
                                f"got {self.profile!r}")
        if not isinstance(self.other_label, str) or not self.other_label:
            raise CallmineError(f"other_label must be a non-empty str; got {self.other_label!r}")
        if not (isinstance(self.C, numbers.Real) and self.C > 0):
            raise CallmineError(f"C must be a positive number; got {self.C!r}")
        t = self.threshold
        if not (t is None or t == "auto" or (isinstance(t, numbers.Real) and 0 <= t <= 1)):
            raise CallmineError(f"threshold must be 'auto', a number in 0..1 or None; got {t!r}")
        if not (isinstance(self.oos_share, numbers.Real) and 0 < self.oos_share < 1):
            raise CallmineError(f"oos_share must be a number strictly between 0 and 1; "
                                f"got {self.oos_share!r}")
        if not (isinstance(self.cv, numbers.Integral) and self.cv >= 2):
            raise CallmineError(f"cv must be an integer >= 2; got {self.cv!r}")
        if not (isinstance(self.min_df, numbers.Integral) and self.min_df >= 1):
            raise CallmineError(f"min_df must be an integer >= 1; got {self.min_df!r}")
        if self.profile == "accurate":
            from callmine.embeddings import load_encoder
            load_encoder()  # raises MissingExtraError naming callmine[accurate]

    def _normalizer(self):
        from callmine.text import TextNormalizer

        return TextNormalizer(redact=True, speaker=self.speaker, stem=self.stem,
                              stop_words=self.stop_words, min_token_len=1,
                              remove_boilerplate=self.remove_boilerplate)

    def _featurizer(self):
        return NgramFeaturizer(word_ngram_range=self.word_ngram_range,
                               char_ngram_range=self.char_ngram_range, min_df=self.min_df)

    def _svm(self):
        return _linear_svm(self.C, self.random_state)

    def _build(self) -> Pipeline:
        if self.profile == "fast":
            return Pipeline([("normalize", self._normalizer()), ("features", self._featurizer()),
                             ("model", self._svm())])
        from callmine.embeddings import SentenceEmbedder

        features = FeatureUnion(
            [("ngrams", Pipeline([("normalize", self._normalizer()), ("ngrams", self._featurizer())])),
             ("embeddings", Pipeline([("clean", TextCleaner(speaker=self.speaker)),
                                      ("embed", SentenceEmbedder())]))],
            transformer_weights={"ngrams": 1.0, "embeddings": float(self.embedding_weight)})
        model = NeighbourBlendSVC(C=self.C, neighbour_weight=NEIGHBOUR_WEIGHT,
                                  temperature=NEIGHBOUR_TEMPERATURE, random_state=self.random_state)
        return Pipeline([("features", features), ("model", model)])

    # ------------------------------------------------------------------ fit
    def fit(self, X, y):
        """Train on raw transcripts ``X`` and their request types ``y``; returns self."""
        self._validate()
        texts = _as_texts(X)
        if y is None:
            raise CallmineError("y (the request types) is required")
        labels = _as_texts(y, "y")
        if len(labels) != len(texts):
            raise CallmineError(f"X and y must have the same length; got {len(texts)} texts and "
                                f"{len(labels)} labels")
        if any(lab == "" for lab in labels):
            raise DataError("y has empty labels; drop or fill those rows before training")
        classes = np.unique(labels)
        if len(classes) < 2:
            raise DataError(f"need at least two request types to train; got {classes.tolist()}")

        # Fitted once: the text front end (stateless unless remove_boilerplate) and embeddings.
        pipe = self._build()
        front, linear = self._split(pipe)
        Z = front.fit_transform(texts)
        model = linear.fit(Z, labels)
        self.pipeline_ = pipe
        self.classes_ = np.asarray(model.classes_, dtype=object)

        oof, unknown = self._out_of_fold(front, linear, texts, labels)
        self._calibrate(oof, labels, unknown)
        m = self.pipeline_.named_steps["model"]
        m = getattr(m, "svm_", m)  # accurate: the SVM inside the neighbour blend
        if m.coef_.dtype != np.float32:
            m.coef_ = m.coef_.astype(np.float32)
            m.intercept_ = m.intercept_.astype(np.float32)
        return self

    def _split(self, pipe: Pipeline):
        """(front, linear): what is fitted once on all texts, and what is refitted per fold.

        ``front`` maps raw texts to what the refitted part needs; for the fast
        profile that is the token strings, for the accurate one the token
        strings and the embeddings.
        """
        return _Front(pipe, self.profile), _Linear(pipe, self.profile)

    def _class_groups(self, labels: np.ndarray, n_groups: int):
        """Request types split into ``n_groups`` random groups (None: too few types)."""
        if self.threshold != "auto":
            return None
        types = np.array(sorted(set(labels.tolist()) - {self.other_label}), dtype=object)
        if len(types) < 3:
            return None
        rng = check_random_state(self.random_state)
        return np.array_split(types[rng.permutation(len(types))], min(n_groups, len(types)))

    def _out_of_fold(self, front, linear, texts, labels):
        """Held-out decision values of the training rows.

        Returns ``(oof, unknown)``: ``oof`` (n_rows, n_classes) from models that
        saw every type but not the row; ``unknown``, a list of ``(rows,
        decision values, classes)`` from models that saw neither the rows nor
        their type (a group of types left out per fold): how requests of an
        unseen type score.
        """
        counts = pd.Series(labels).value_counts()
        n_splits = int(min(self.cv, max(2, counts.min())))
        if counts.min() < 2 or len(labels) < 2 * n_splits:
            n_splits = min(n_splits, len(labels))
        skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=self.random_state)
        oof = np.full((len(labels), len(self.classes_)), np.nan)
        col = {c: j for j, c in enumerate(self.classes_)}
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The least populated class")
            splits = list(skf.split(np.zeros(len(labels)), labels))
        groups = self._class_groups(labels, len(splits))
        unknown = []
        Z = front.cached
        for k, (tr, te) in enumerate(splits):
            if len(np.unique(labels[tr])) < 2:
                continue
            fold = linear.clone_fit(Z, tr, labels[tr])
            dec = fold.decision(Z, te)
            cols = [col[c] for c in fold.classes_]
            if dec.ndim == 1:  # binary: one column
                dec = np.column_stack([-dec, dec])
            block = np.full((len(te), len(self.classes_)), np.nan)
            block[:, cols] = dec
            oof[te] = block
            if groups is not None and k < len(groups):
                held = np.isin(labels, groups[k])
                tr_k, te_k = tr[~held[tr]], te[held[te]]
                if len(te_k) and len(np.unique(labels[tr_k])) >= 2:
                    fold = linear.clone_fit(Z, tr_k, labels[tr_k])
                    dec = fold.decision(Z, te_k)
                    if dec.ndim == 1:
                        dec = np.column_stack([-dec, dec])
                    unknown.append((te_k, dec, np.asarray(fold.classes_, dtype=object)))
        # classes absent from a fold's training part: far below the row's worst score
        rows_min = np.nanmin(np.where(np.isnan(oof), np.inf, oof), axis=1, keepdims=True)
        rows_min[~np.isfinite(rows_min)] = 0.0
        oof = np.where(np.isnan(oof), rows_min - 10.0, oof)
        front.cached = None
        return oof, unknown

    def _calibrate(self, oof: np.ndarray, labels: np.ndarray, unknown: list) -> None:
        y = np.searchsorted(self.classes_, labels)

        # Log-loss against slightly smoothed targets (eps = 1 / (n + 1)): with
        # perfectly separated held-out data the plain optimum is T -> 0 and
        # every confidence would be exactly 1.
        eps = 1.0 / (len(y) + 1)

        def nll(log_t):
            lp = log_softmax(oof / math.exp(log_t), axis=1)
            return -((1 - eps) * lp[np.arange(len(y)), y].mean() + eps * lp.mean())

        res = minimize_scalar(nll, bounds=(math.log(1e-3), math.log(1e2)), method="bounded")
        self.temperature_ = float(math.exp(res.x))
        proba = softmax(oof / self.temperature_, axis=1)
        conf = proba.max(axis=1)
        pred = self.classes_[proba.argmax(axis=1)]
        correct = pred == labels
        report = {"cv_accuracy": float(correct.mean()), "cv_log_loss": float(res.fun),
                  "cv_ece": float(_ece(conf, correct)), "temperature": self.temperature_}

        other = self.other_label
        if self.threshold is None:
            self.threshold_ = 0.0
        elif self.threshold != "auto":
            self.threshold_ = float(self.threshold)
        else:
            self.threshold_, info = self._learn_threshold(oof, proba, labels, y, unknown)
            report.update(info)
        report["threshold"] = self.threshold_
        acc_pred = np.where(conf < self.threshold_, other, pred)
        report["cv_accuracy_with_threshold"] = float((acc_pred == labels).mean())
        report["cv_rejected_share"] = float((conf < self.threshold_).mean())
        self.fit_report_ = report

    def _learn_threshold(self, oof, proba, labels, y, unknown):
        other = self.other_label
        known = labels != other
        conf = proba.max(axis=1)
        pred = self.classes_[proba.argmax(axis=1)]
        if unknown:
            # requests of types the scoring model never saw (types left out per fold)
            unk_conf, unk_pred = [], []
            for _, dec, classes in unknown:
                p = softmax(dec / self.temperature_, axis=1)
                unk_conf.append(p.max(axis=1))
                unk_pred.append(classes[p.argmax(axis=1)])
            unk_conf, unk_pred = np.concatenate(unk_conf), np.concatenate(unk_pred)
            simulation = "types left out of training"
        else:
            # too few types: the held-out requests scored without their own type's column
            masked = oof[known].copy()
            masked[np.arange(masked.shape[0]), y[known]] = -np.inf
            unk_proba = softmax(masked / self.temperature_, axis=1)
            unk_conf = unk_proba.max(axis=1)
            unk_pred = self.classes_[unk_proba.argmax(axis=1)]
            simulation = "own type masked"
        unk_ok_if_accepted = unk_pred == other  # (only when an "other" class exists)

        cands = np.unique(np.concatenate([[0.0], conf, unk_conf, [1.0 + 1e-9]]))
        cands = np.quantile(cands, np.linspace(0, 1, min(len(cands), 2001)))
        cands = cands[cands <= MAX_AUTO_THRESHOLD]
        # accuracy on known requests (rejections are errors)
        k_ok = (pred[known] == labels[known])
        k_conf = conf[known]
        o_ok_accepted = pred[~known] == other
        o_conf = conf[~known]

        def frac(ok, c, t, reject_ok):
            acc = np.where(c < t, reject_ok, ok)
            return acc.mean() if len(acc) else np.nan

        best_t, best = 0.0, -1.0
        w = float(self.oos_share)
        rows = []
        for t in cands:
            in_acc = frac(k_ok, k_conf, t, False)
            sim_oos = frac(unk_ok_if_accepted, unk_conf, t, True)
            if (~known).any():
                real_oos = frac(o_ok_accepted, o_conf, t, True)
                # real out-of-scope rows at their share, plus simulated unknowns at oos_share
                share = (~known).mean()
                score = (1 - share) * in_acc + share * real_oos
                score = (1 - w) * score + w * sim_oos
            else:
                real_oos = np.nan
                score = (1 - w) * in_acc + w * sim_oos
            rows.append((t, in_acc, sim_oos, real_oos))
            if score > best + 1e-12:
                best, best_t = score, float(t)
        t, in_acc, sim_oos, real_oos = min(rows, key=lambda r: abs(r[0] - best_t))
        info = {"cv_in_scope_accuracy": float(in_acc), "cv_simulated_oos_recall": float(sim_oos),
                "oos_share": w, "oos_simulation": simulation}
        if not np.isnan(real_oos):
            info["cv_oos_recall"] = float(real_oos)
        return best_t, info

    # ------------------------------------------------------------------ predict
    def _decision_unique(self, texts: np.ndarray):
        """Decision values for the distinct texts, and the inverse index."""
        codes, uniques = pd.factorize(texts, sort=False)
        if len(uniques) == 0:
            return np.zeros((0, len(self.classes_))), codes
        dec = self.pipeline_.decision_function(list(uniques))
        if dec.ndim == 1:
            dec = np.column_stack([-dec, dec])
        return np.asarray(dec, dtype=np.float64), codes

    def decision_function(self, X) -> np.ndarray:
        """Raw SVM scores, shape (n_texts, n_classes)."""
        check_is_fitted(self, "pipeline_")
        dec, codes = self._decision_unique(_as_texts(X))
        return dec[codes]

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probabilities over ``classes_``, shape (n_texts, n_classes)."""
        check_is_fitted(self, "pipeline_")
        dec, codes = self._decision_unique(_as_texts(X))
        return softmax(dec / self.temperature_, axis=1)[codes]

    def predict_with_confidence(self, X, *, reject: bool = True):
        """Return (labels, confidence) for raw transcripts.

        ``confidence`` is the calibrated probability of the best known type; a
        request whose confidence is below ``threshold_`` gets ``other_label``
        (keeping that low confidence). ``reject=False`` turns rejection off.
        Identical texts are computed once.

        Returns
        -------
        labels : ndarray of str
        confidence : ndarray of float in 0..1
        """
        check_is_fitted(self, "pipeline_")
        from callmine.lean import label_decisions

        dec, codes = self._decision_unique(_as_texts(X))
        labels, conf = label_decisions(dec, self.classes_, self.temperature_,
                                       self.threshold_ if reject else 0.0, self.other_label)
        return labels[codes], conf[codes]

    def predict(self, X) -> np.ndarray:
        """Request type of each transcript (``other_label`` when out of scope)."""
        return self.predict_with_confidence(X)[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


class _Front:
    """The part of the pipeline fitted once on all training texts (see ``_split``)."""

    def __init__(self, pipe: Pipeline, profile: str):
        self.pipe, self.profile, self.cached = pipe, profile, None

    def fit_transform(self, texts):
        if self.profile == "fast":
            self.cached = self.pipe.named_steps["normalize"].fit_transform(texts)
        else:
            union = self.pipe.named_steps["features"]
            ngram_pipe = dict(union.transformer_list)["ngrams"]
            emb_pipe = dict(union.transformer_list)["embeddings"]
            tokens = ngram_pipe.named_steps["normalize"].fit_transform(texts)
            emb = emb_pipe.fit_transform(texts)
            self.cached = (tokens, emb)
        return self.cached


class _Linear:
    """Features (refitted per fold) + SVM on the output of :class:`_Front`."""

    def __init__(self, pipe: Pipeline, profile: str):
        self.pipe, self.profile = pipe, profile

    def _parts(self):
        if self.profile == "fast":
            return self.pipe.named_steps["features"], None, 1.0
        union = self.pipe.named_steps["features"]
        weight = (union.transformer_weights or {}).get("embeddings", 1.0)
        return dict(union.transformer_list)["ngrams"].named_steps["ngrams"], True, weight

    def _matrix(self, featurizer, Z, rows=None, fit=False):
        import scipy.sparse as sp

        tokens, emb = (Z, None) if self.profile == "fast" else Z
        tok = tokens if rows is None else [tokens[i] for i in rows]
        S = featurizer.fit_transform(tok) if fit else featurizer.transform(tok)
        if emb is None:
            return S
        _, _, weight = self._parts()
        E = emb if rows is None else emb[rows]
        return sp.hstack([S, sp.csr_matrix(E * weight)], format="csr")

    def fit(self, Z, labels):
        featurizer, _, _ = self._parts()
        model = self.pipe.named_steps["model"]
        model.fit(self._matrix(featurizer, Z, fit=True), labels)
        return model

    def clone_fit(self, Z, rows, labels):
        featurizer = clone(self._parts()[0])
        model = clone(self.pipe.named_steps["model"])
        model.fit(self._matrix(featurizer, Z, rows, fit=True), labels)
        linear = self

        class _Fold:
            classes_ = model.classes_

            @staticmethod
            def decision(Z_, te):
                return model.decision_function(linear._matrix(featurizer, Z_, te))

        return _Fold
