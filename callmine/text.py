"""Multilingual text pipeline: language id, speaker turns, normalisation, tokens.

Every model in callmine sees transcripts through :func:`analyze` or its
scikit-learn wrapper :class:`TextNormalizer`:

1. keep the customer's turns (:func:`customer_side`, optional) - only the
   turn markers are looked at before step 2;
2. redact personal data (:func:`callmine.pii.redact`) in each kept turn
   (:func:`speaker_text`) - before anything else sees the text;
3. normalise: URLs to their domain, case folding, ``ё`` -> ``е``, Latin and
   Cyrillic look-alike letters unified inside a word, numbers mapped to
   ``<num>``, ``<year>``, ``<date>``, ``<time>`` (``1414`` is kept);
4. tokenise (the ``regex`` engine, as nltk's ``RegexpTokenizer``);
5. drop stop words (ru, kk, en lists shipped in the package);
6. stem: Snowball for Russian and English, a light suffix stemmer for Kazakh
   (:func:`stem_kk`).

Steps 3-6 run once per distinct whitespace-separated chunk: its output tokens
are cached, so the per-text cost is a ``lower()``/``split()`` plus one
dictionary lookup per chunk.

Speaker turns live in :mod:`callmine.turns` and stemming in
:mod:`callmine.stemming`; their public functions (:func:`split_turns`,
:func:`customer_side`, :func:`stem`, :func:`stem_kk`) are re-exported here.

Examples
--------
>>> from callmine.text import analyze, detect_language
>>> analyze("Клиент: Мне нужна справка о пенсионных отчислениях, мой ИИН 900101300007")
['справк', 'пенсион', 'отчислен', 'иин', '<iin>']
>>> detect_language("Сәлеметсіз бе, маған анықтама керек")
'kk'
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from callmine.errors import CallmineError
# The sklearn-free core of the pipeline (also used by callmine.lean); re-exported here.
from callmine.normalize import (  # noqa: F401
    _ALL_SW,
    _CACHE_LIMIT,
    _CACHES,
    _CYR2LAT,
    _DATE,
    _HAS_CYR,
    _KEEP_NUMBERS,
    _LAT2CYR,
    _LOOKALIKE_CYR,
    _LOOKALIKE_LAT,
    _PLACEHOLDER_TOKENS,
    _TOKEN_PATTERN,
    _TOKENIZER,
    _URL,
    _YEAR,
    SPEAKER_OPTIONS,
    _cache_for,
    _check_speaker,
    _missing,
    _normalized,
    _process_chunk,
    _process_token,
    _tokens,
    _url_domain,
    normalize_texts,
    normalize_token,
    speaker_text,
    tokenize,
)
from callmine.stemming import (  # noqa: F401  (_stem_snowball: its cache is cleared by the benchmark)
    _HAS_LAT,
    _KK_CHARS,
    _KK_HINT,
    _KK_ONLY,
    _stem_snowball,
    stem,
    stem_kk,
)
from callmine.stopwords import stop_words as _stop_words
from callmine.turns import _markers, customer_side, split_turns  # noqa: F401  (re-exported)

__all__ = [
    "LANGUAGE_CODES",
    "SPEAKER_OPTIONS",
    "detect_language",
    "split_turns",
    "customer_side",
    "normalize_token",
    "tokenize",
    "stem_kk",
    "stem",
    "analyze",
    "TextNormalizer",
    "BoilerplateRemover",
]

#: Values :func:`detect_language` returns for text with letters.
LANGUAGE_CODES = ("ru", "kk", "en", "mixed")

# --------------------------------------------------------------------------- letters

_WORD = re.compile(r"[^\W\d_]+")
# --------------------------------------------------------------------------- tokens

# --------------------------------------------------------------------------- language id

_RU_SW = _stop_words("ru")
_KK_SW = _stop_words("kk")
_RU_ONLY = _RU_SW - _KK_SW
_RU_HINT = re.compile(r"[ъьщэё]|(?:ться|тся|ого|его|ому|ему|ые|ие|ая|яя|ой|ей|ия|ть)$")
# words that say nothing about the language: fillers both languages use, turn markers
_NEUTRAL = frozenset(
    "ну вот как бы типа короче ээ эээ мм ммм алло да ок окей"
    " оператор клиент абонент маман специалист консультант агент".split()
)
_EMAIL_OR_DOMAIN = re.compile(r"\S*@\S*|\S+\.(?:kz|ru|com|org|net|gov|рф)\S*|<[a-z]+>")


_WORD_VOTE: dict[str, int] = {}  # word -> index into the counts of detect_language


def _word_vote(w: str) -> int:
    """0 no evidence, 1 English, 2 Kazakh, 3 Russian, 4 weakly Russian."""
    if w in _NEUTRAL:
        return 0
    if _HAS_LAT.search(w) is not None and _HAS_CYR.search(w) is None:
        return 1
    if _KK_CHARS.search(w) is not None or w in _KK_ONLY or _KK_HINT.search(w) is not None:
        return 2
    if w in _RU_ONLY or _RU_HINT.search(w) is not None:
        return 3
    return 4


def detect_language(text: str) -> str:
    """Return the language of ``text``: ``'ru'``, ``'kk'``, ``'en'`` or ``'mixed'``.

    Evidence per word: Latin script votes English; a Cyrillic word with a
    Kazakh-specific letter (ә ғ қ ң ө ұ ү һ і) or a Kazakh-only function word
    votes Kazakh; a Russian-only function word or a Russian-only letter or
    ending (ь ъ щ э ё, -ться, -ого, ...) votes Russian; other Cyrillic words
    lean Russian. A text is ``'mixed'`` when two languages each hold a
    substantial share of the evidence (code-switching). Text without any
    letters gives ``'unknown'``.

    >>> detect_language("Здравствуйте, мне нужна справка")
    'ru'
    >>> detect_language("Hello, I need a certificate")
    'en'
    >>> detect_language("Сәлеметсіз бе, мне нужна справка о несудимости, маған анықтама керек")
    'mixed'
    """
    low = text.lower()
    if "@" in low or "." in low or "<" in low:
        low = _EMAIL_OR_DOMAIN.sub(" ", low)
    words = _WORD.findall(low)
    if not words:
        return "unknown"
    counts = [0, 0, 0, 0, 0]  # neutral, en, kk, ru, weak ru
    cache = _WORD_VOTE
    if len(cache) > 200_000:
        cache.clear()
    for w in words:
        v = cache.get(w)
        if v is None:
            v = cache[w] = _word_vote(w)
        counts[v] += 1
    _, en, kk, ru, weak_ru = counts
    cyr = kk + ru + weak_ru
    total = en + cyr
    if total == 0:
        return "unknown"
    if en / total >= 0.75:
        return "en"
    if en >= 2 and en / total >= 0.2:
        return "mixed"
    ru_score = ru + 0.5 * weak_ru
    if kk == 0:
        return "ru"
    share = kk / (kk + ru_score)
    if kk >= 2 and ru >= 2 and 0.2 <= share <= 0.8:
        return "mixed"
    return "kk" if share > 0.5 else "ru"



# --------------------------------------------------------------------------- per-token step


def analyze(
    text: str,
    *,
    redact: bool = True,
    speaker: str = "customer",
    stem: bool = True,
    stop_words: bool = True,
    min_token_len: int = 2,
) -> list[str]:
    """Run the whole pipeline on one text and return its tokens.

    Parameters
    ----------
    text : str
        A transcript.
    redact : bool, default=True
        Replace personal data in each kept turn (:func:`callmine.pii.redact`); its
        placeholders become the tokens ``<iin>``, ``<phone>``, ``<card>``,
        ``<email>``, ``<iban>``, ``<person>``.
    speaker : {"customer", "all", "operator"}, default="customer"
        Keep only the customer's turns (see :func:`customer_side`), all text, or
        only the operator's turns (nothing when no operator turn is marked).
    stem : bool, default=True
        Snowball (ru, en) / light Kazakh stemming.
    stop_words : bool, default=True
        Drop ru, kk and en stop words.
    min_token_len : int, default=2
        Drop shorter words (numbers and placeholders are always kept).

    Returns
    -------
    list of str

    Examples
    --------
    >>> analyze("Оператор: Слушаю вас. Абонент: Маған зейнетақы туралы анықтама керек")
    ['зейнетақ', 'анықтама', 'керек']
    """
    _check_speaker(speaker)
    if not isinstance(text, str):
        text = "" if _missing(text) else str(text)
    text = speaker_text(text, speaker=speaker, redact=redact)
    return _tokens(text, _cache_for(stem, stop_words, min_token_len), stem, stop_words, min_token_len)


# --------------------------------------------------------------------------- boilerplate


class BoilerplateRemover(TransformerMixin, BaseEstimator):
    """Drop word n-grams that occur in a large share of calls (greetings, closings).

    Fit on token strings (the output of :class:`TextNormalizer`, or any
    space-separated tokens); every n-gram of ``ngram`` consecutive tokens
    found in at least ``min_df`` of the documents (and in at least
    ``min_count`` documents) is boilerplate. ``transform`` removes every token
    covered by a boilerplate n-gram.

    Parameters
    ----------
    min_df : float, default=0.3
        Share of documents (0 < min_df <= 1) an n-gram must appear in.
    ngram : int, default=3
        Length of the phrases learned (>= 1; 1 would drop single frequent words).
    min_count : int, default=5
        Smallest absolute number of documents (protects small corpora).

    Attributes
    ----------
    ngrams_ : frozenset of tuple of str
        The boilerplate phrases learned.
    n_documents_ : int

    Examples
    --------
    >>> docs = ["здравств контакт центр слуша нужн справк"] * 8 + ["здравств контакт центр слуша пенс"] * 2
    >>> BoilerplateRemover(min_df=0.5, ngram=3).fit(docs).transform(["здравств контакт центр слуша пенс"])
    ['пенс']
    """

    def __init__(self, *, min_df: float = 0.3, ngram: int = 3, min_count: int = 5):
        self.min_df = min_df
        self.ngram = ngram
        self.min_count = min_count

    def _validate(self) -> None:
        if not (isinstance(self.min_df, (int, float)) and 0 < self.min_df <= 1):
            raise CallmineError(f"min_df must be a share in (0, 1], got {self.min_df!r}")
        if not (isinstance(self.ngram, int) and self.ngram >= 1):
            raise CallmineError(f"ngram must be an integer >= 1, got {self.ngram!r}")
        if not (isinstance(self.min_count, int) and self.min_count >= 1):
            raise CallmineError(f"min_count must be an integer >= 1, got {self.min_count!r}")

    def fit(self, X: Iterable[str], y=None) -> "BoilerplateRemover":
        """Learn the boilerplate n-grams of the token strings ``X``."""
        self._validate()
        n = self.ngram
        df: Counter = Counter()
        n_docs = 0
        for doc in X:
            toks = _as_tokens(doc)
            n_docs += 1
            if len(toks) >= n:
                df.update(set(zip(*(toks[i:] for i in range(n)))))
        threshold = max(math.ceil(self.min_df * n_docs), self.min_count)
        self.ngrams_ = frozenset(g for g, c in df.items() if c >= threshold)
        self.n_documents_ = n_docs
        return self

    def transform(self, X: Iterable[str]) -> list[str]:
        """Return the token strings of ``X`` without boilerplate tokens."""
        check_is_fitted(self, "ngrams_")
        return [" ".join(self.remove(_as_tokens(doc))) for doc in X]

    def remove(self, tokens: list[str]) -> list[str]:
        """Remove boilerplate from one list of tokens."""
        grams = self.ngrams_
        n = self.ngram
        if not grams or len(tokens) < n:
            return list(tokens)
        keep = [True] * len(tokens)
        hit = False
        for i, g in enumerate(zip(*(tokens[i:] for i in range(n)))):
            if g in grams:
                keep[i : i + n] = [False] * n
                hit = True
        if not hit:
            return list(tokens)
        return [t for t, k in zip(tokens, keep) if k]


def _as_tokens(doc) -> list[str]:
    if isinstance(doc, str):
        return doc.split()
    if _missing(doc):
        return []
    return list(doc)


# --------------------------------------------------------------------------- transformer


class TextNormalizer(TransformerMixin, BaseEstimator):
    """scikit-learn transformer: raw transcripts -> normalised token strings.

    ``transform`` returns one string per input text: tokens joined by single
    spaces, redacted (placeholders ``<iin>``, ``<phone>``, ``<card>``,
    ``<email>``, ``<iban>``, ``<person>``), normalised, stemmed, without stop
    words - ready for ``CountVectorizer(analyzer=str.split)`` or
    ``TfidfVectorizer(token_pattern=r"\\S+", lowercase=False)``.

    Parameters
    ----------
    redact : bool, default=True
        Redact personal data (:func:`callmine.pii.redact`) in each kept turn, before anything else.
    speaker : {"customer", "all", "operator"}, default="customer"
        Keep only the customer's turns, everything, or only the operator's turns.
    remove_boilerplate : bool, default=False
        Learn frequent phrases in ``fit`` (:class:`BoilerplateRemover`) and drop them.
    stem : bool, default=True
        Stem words (Snowball ru/en, light Kazakh stemmer).
    stop_words : bool, default=True
        Drop ru/kk/en stop words.
    min_token_len : int, default=2
        Drop shorter words.
    boilerplate_min_df : float, default=0.3
        Share of calls a phrase must appear in to count as boilerplate.
    boilerplate_ngram : int, default=3
        Phrase length, in tokens, for boilerplate.

    Attributes
    ----------
    boilerplate_ : BoilerplateRemover or None
        Fitted when ``remove_boilerplate`` is True.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklearn.pipeline import make_pipeline
    >>> docs = ["Клиент: мой номер 87012345678, нужна справка", "Customer: I need a certificate"]
    >>> TextNormalizer().fit_transform(docs)
    ['номер <phone> справк', 'need certif']
    >>> pipe = make_pipeline(TextNormalizer(), CountVectorizer(analyzer=str.split)).fit(docs)
    >>> sorted(pipe[-1].vocabulary_)
    ['<phone>', 'certif', 'need', 'номер', 'справк']
    """

    def __init__(
        self,
        *,
        redact: bool = True,
        speaker: str = "customer",
        remove_boilerplate: bool = False,
        stem: bool = True,
        stop_words: bool = True,
        min_token_len: int = 2,
        boilerplate_min_df: float = 0.3,
        boilerplate_ngram: int = 3,
    ):
        self.redact = redact
        self.speaker = speaker
        self.remove_boilerplate = remove_boilerplate
        self.stem = stem
        self.stop_words = stop_words
        self.min_token_len = min_token_len
        self.boilerplate_min_df = boilerplate_min_df
        self.boilerplate_ngram = boilerplate_ngram

    def _validate(self) -> None:
        _check_speaker(self.speaker)
        if not (isinstance(self.min_token_len, int) and self.min_token_len >= 1):
            raise CallmineError(f"min_token_len must be an integer >= 1, got {self.min_token_len!r}")

    def _analyze_all(self, X) -> list[list[str]]:
        if isinstance(X, str):
            raise CallmineError(
                "TextNormalizer expects a list of texts, got one str; wrap it in a list"
            )
        return [d.split() for d in self._normalize_all(X)]

    def _normalize_all(self, X) -> list[str]:
        return normalize_texts(X, redact=self.redact, speaker=self.speaker, stem=self.stem,
                               stop_words=self.stop_words, min_token_len=self.min_token_len)

    def fit(self, X, y=None) -> "TextNormalizer":
        """Validate parameters and, if asked, learn boilerplate phrases from ``X``."""
        self._validate()
        if self.remove_boilerplate:
            self.boilerplate_ = BoilerplateRemover(
                min_df=self.boilerplate_min_df, ngram=self.boilerplate_ngram
            ).fit(self._analyze_all(X))
        else:
            self.boilerplate_ = None
        return self

    def transform(self, X) -> list[str]:
        """Return the normalised token string of each text in ``X``."""
        self._validate()
        if self.remove_boilerplate:
            check_is_fitted(self, "boilerplate_")
        bp = getattr(self, "boilerplate_", None) if self.remove_boilerplate else None
        if bp is not None:
            return [" ".join(bp.remove(d)) for d in self._analyze_all(X)]
        return self._normalize_all(X)

    def fit_transform(self, X, y=None, **fit_params) -> list[str]:
        """Fit and transform in one pass over ``X``."""
        self._validate()
        if self.remove_boilerplate:
            docs = self._analyze_all(X)
            self.boilerplate_ = BoilerplateRemover(
                min_df=self.boilerplate_min_df, ngram=self.boilerplate_ngram
            ).fit(docs)
            return [" ".join(self.boilerplate_.remove(d)) for d in docs]
        self.boilerplate_ = None
        return self._normalize_all(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = bool(self.remove_boilerplate)
        return tags
