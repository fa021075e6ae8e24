"""The core of the text pipeline: raw transcript -> normalised token string.

This module holds what :class:`callmine.text.TextNormalizer` computes, without
scikit-learn or nltk, so that classifying with a saved model
(:mod:`callmine.lean`) starts fast. :mod:`callmine.text` re-exports the public
names (:func:`tokenize`, :func:`normalize_token`) and builds the scikit-learn
transformers on :func:`normalize_texts`.

Steps, per text: keep the customer's turns (or drop the speaker markers) and
redact personal data in each turn (:func:`speaker_text`), then per distinct lower-cased
whitespace-separated chunk (cached): URLs to their domain, tokens
(:func:`tokenize`), :func:`normalize_token`, stop words, stemming.

Examples
--------
>>> normalize_texts(["Клиент: мой номер 87012345678, нужна справка"])
['номер <phone> справк']
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import regex

from callmine import pii
from callmine.errors import CallmineError
from callmine.names import redact_reply_name
from callmine.stemming import _HAS_LAT, stem
from callmine.stopwords import stop_words as _stop_words
from callmine.turns import customer_parts, operator_parts, utterance_parts

__all__ = ["SPEAKER_OPTIONS", "normalize_texts", "normalize_token", "speaker_text", "tokenize"]

#: Allowed values of the ``speaker`` parameter.
SPEAKER_OPTIONS = ("customer", "all", "operator")

# --------------------------------------------------------------------------- letters

_HAS_CYR = re.compile(r"[а-яёәғқңөұүһі]")

# Latin letters that look like Cyrillic ones (lower case, after case folding;
# "h", "b", "m", "t", "k" come from capitals Н, В, М, Т, К) and back.
_LAT2CYR = str.maketrans("aceopxykmthbi", "асеорхукмтнві")
_CYR2LAT = str.maketrans("асеорхукмтнві", "aceopxykmthbi")
_LOOKALIKE_CYR = set("асеорхукмтнві")
_LOOKALIKE_LAT = set("aceopxykmthbi")

# --------------------------------------------------------------------------- tokens

_PLACEHOLDER_TOKENS = frozenset(p.lower() for p in pii.PLACEHOLDERS) | {
    "<num>",
    "<year>",
    "<date>",
    "<time>",
    "<url>",
}

_TOKEN_PATTERN = (
    r"<[a-z]+>"  # placeholders (already lower-cased)
    r"|[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.(?:kz|ru|com|org|net|gov|edu|io|info|рф|қаз)(?![^\W_])"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}(?!\d)"  # dates
    r"|\d{1,2}:\d{2}(?::\d{2})?(?!\d)"  # times
    r"|\d+(?:[.,]\d+)?"  # numbers
    r"|[^\W\d_]+(?:['’][^\W\d_]+)*"  # words (hyphens split compounds)
)


class _RegexpTokenizer:
    """What nltk's ``RegexpTokenizer(pattern)`` does, without importing nltk.

    nltk compiles the pattern with the ``regex`` engine and the flags
    ``UNICODE | MULTILINE | DOTALL`` and tokenizes with ``findall``; so does
    this class (the tokens are the same, ``tests/test_text.py``).
    """

    def __init__(self, pattern: str):
        self._regexp = regex.compile(pattern, regex.UNICODE | regex.MULTILINE | regex.DOTALL)
        self.tokenize = self._regexp.findall


_TOKENIZER = _RegexpTokenizer(_TOKEN_PATTERN)

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.I)
_DATE = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}$")
_YEAR = re.compile(r"(?:19|20)\d\d$")
_KEEP_NUMBERS = frozenset({"1414"})


def _url_domain(m: re.Match) -> str:
    s = m.group()
    s = re.sub(r"^(?:https?://)?(?:www\.)?", "", s, flags=re.I)
    return " " + s.split("/", 1)[0].split("?", 1)[0].rstrip(".,;:!)") + " "


def tokenize(text: str) -> list[str]:
    """Split lower-cased ``text`` into raw tokens (no stemming, no stop words).

    Uses the ``regex`` engine, as nltk's ``RegexpTokenizer`` does; words, numbers,
    dates, times, domains and ``<placeholders>`` are tokens; hyphenated
    compounds are split; punctuation is dropped.

    >>> tokenize("Звонил 12.05.2024 в 14:30 на egov.kz, <PHONE>")
    ['звонил', '12.05.2024', 'в', '14:30', 'на', 'egov.kz', '<phone>']
    """
    low = text.lower()
    if "://" in low or "www." in low:
        low = _URL.sub(_url_domain, low)
    return _TOKENIZER.tokenize(low)


_ALL_SW = _stop_words("all")


# --------------------------------------------------------------------------- per-token step


def normalize_token(tok: str) -> str:
    """Normalise one lower-case token (no stemming, no stop-word removal).

    ``ё`` becomes ``е``; inside a word mixing scripts, look-alike letters are
    converted to the word's majority script; numbers become ``<num>``
    (``<year>`` for 1900-2099, ``<date>``, ``<time>``), except ``1414``.

    >>> [normalize_token(t) for t in ("ёлка", "cпpавка", "1414", "15000", "2024", "14:30")]
    ['елка', 'справка', '1414', '<num>', '<year>', '<time>']
    """
    if tok in _PLACEHOLDER_TOKENS:
        return tok
    c = tok[0]
    if c.isdigit():
        if tok in _KEEP_NUMBERS:
            return tok
        if ":" in tok:
            return "<time>"
        if _DATE.match(tok):
            return "<date>"
        if _YEAR.match(tok):
            return "<year>"
        if "." in tok and tok[-1].isalpha():  # domain starting with a digit
            return tok
        return "<num>"
    if c == "<":
        return tok
    if "ё" in tok:
        tok = tok.replace("ё", "е")
    if _HAS_LAT.search(tok) is not None and _HAS_CYR.search(tok) is not None and "." not in tok:
        n_cyr = sum(1 for ch in tok if ch not in _LOOKALIKE_CYR and _HAS_CYR.match(ch))
        n_lat = sum(1 for ch in tok if ch not in _LOOKALIKE_LAT and _HAS_LAT.match(ch))
        tok = tok.translate(_CYR2LAT) if n_lat > n_cyr else tok.translate(_LAT2CYR)
    return tok


def _process_token(tok: str, do_stem: bool, drop_stop: bool, min_len: int) -> str | None:
    t = normalize_token(tok)
    if t[0] == "<" or t[0].isdigit() or "." in t:
        return t
    if drop_stop and t in _ALL_SW:
        return None
    if len(t) < min_len:
        return None
    if do_stem:
        t = stem(t)
    return t


def _process_chunk(chunk: str, do_stem: bool, drop_stop: bool, min_len: int) -> str:
    """Output tokens (space-joined, maybe "") of one lower-case whitespace chunk."""
    out = []
    for tok in _TOKENIZER.tokenize(chunk):
        t = _process_token(tok, do_stem, drop_stop, min_len)
        if t:
            out.append(t)
    return " ".join(out)


# One cache per option set: lower-cased whitespace-separated chunk ("справку,")
# -> its output tokens joined by spaces ("справк"; "" when all are dropped).
_CACHES: dict[tuple, dict[str, str]] = {}
_CACHE_LIMIT = 500_000


def _cache_for(do_stem: bool, drop_stop: bool, min_len: int) -> dict[str, str]:
    key = (do_stem, drop_stop, min_len)
    cache = _CACHES.get(key)
    if cache is None or len(cache) > _CACHE_LIMIT:
        cache = _CACHES[key] = {}
    return cache


def _normalized(text: str, cache: dict, do_stem: bool, drop_stop: bool, min_len: int) -> str:
    """Normalised token string of ``text`` (already redacted / speaker-filtered)."""
    low = text.lower()
    if "://" in low or "www." in low:
        low = _URL.sub(_url_domain, low)
    chunks = low.split()
    try:  # the common case: every chunk seen before
        return " ".join(filter(None, map(cache.__getitem__, chunks)))
    except KeyError:
        for c in set(chunks).difference(cache):
            cache[c] = _process_chunk(c, do_stem, drop_stop, min_len)
        return " ".join(filter(None, map(cache.__getitem__, chunks)))


def _tokens(text: str, cache: dict, do_stem: bool, drop_stop: bool, min_len: int) -> list[str]:
    return _normalized(text, cache, do_stem, drop_stop, min_len).split()


def _missing(value) -> bool:
    """None, NaN, pandas.NA or NaT: a missing text."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # array-like values
        return False


def _check_speaker(speaker) -> None:
    if speaker not in SPEAKER_OPTIONS:
        raise CallmineError(
            f"speaker must be one of {', '.join(map(repr, SPEAKER_OPTIONS))}, got {speaker!r}"
        )


def _as_texts(X, name: str = "X") -> np.ndarray:
    """Return X as a 1-D object array of str (None/NaN become "")."""
    if isinstance(X, str):
        raise CallmineError(f"{name} must be a list of texts, got one str; wrap it in a list")
    if isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise CallmineError(f"{name} must be one column of texts; got a DataFrame with "
                                f"columns {list(X.columns)}")
        X = X.iloc[:, 0]
    arr = np.asarray(list(X) if not isinstance(X, (np.ndarray, pd.Series)) else X, dtype=object)
    if arr.ndim != 1:
        arr = arr.reshape(-1) if arr.ndim == 2 and 1 in arr.shape else arr
    if arr.ndim != 1:
        raise CallmineError(f"{name} must be a 1-D sequence of texts; got shape {arr.shape}")
    out = np.empty(len(arr), dtype=object)
    for i, t in enumerate(arr):
        if isinstance(t, str):
            out[i] = t
        elif t is None or (isinstance(t, float) and math.isnan(t)) or t is pd.NA:
            out[i] = ""
        else:
            out[i] = str(t)
    return out


def normalize_texts(X, *, redact: bool = True, speaker: str = "customer", stem: bool = True,
                    stop_words: bool = True, min_token_len: int = 2) -> list[str]:
    """Normalised token string (tokens joined by single spaces) of each text in ``X``.

    What :meth:`callmine.text.TextNormalizer.transform` returns (without
    boilerplate removal); missing texts (None, NaN) give ``""``.

    Parameters
    ----------
    X : iterable of str
    redact, speaker, stem, stop_words, min_token_len :
        As in :class:`callmine.text.TextNormalizer`.
    """
    if isinstance(X, str):
        raise CallmineError(
            "TextNormalizer expects a list of texts, got one str; wrap it in a list"
        )
    do_stem, drop, ml = bool(stem), bool(stop_words), min_token_len
    cache = _cache_for(do_stem, drop, ml)
    parts_of = _PARTS_OF[speaker]
    do_redact = bool(redact)
    out = []
    for text in X:
        if not isinstance(text, str):
            text = "" if _missing(text) else str(text)
        out.append(_normalized(_side_text(text, parts_of, do_redact), cache, do_stem, drop, ml))
    return out


#: The turns each ``speaker`` keeps.
_PARTS_OF = {"customer": customer_parts, "all": utterance_parts, "operator": operator_parts}


def _side_text(text: str, parts_of, do_redact: bool) -> str:
    """``text``'s kept turns (``parts_of``: a value of ``_PARTS_OF``), each redacted.

    A text without a colon has no turn markers: all of it is the customer's
    (and everything), and the operator said nothing.
    """
    if parts_of is operator_parts and ":" not in text:
        return ""
    if ":" in text:
        parts = parts_of(text, redact_reply_name if do_redact else None)
        return pii.redact_turns(parts) if do_redact else " ".join(parts)
    return pii.redact(text) if do_redact else text


def speaker_text(text: str, *, speaker: str = "customer", redact: bool = True) -> str:
    """The text the model sees before tokenising: one side of the call, personal data redacted.

    ``speaker="customer"``: the customer's turns (:func:`callmine.turns.customer_parts`),
    ``"all"``: every turn without its marker, ``"operator"``: the operator's turns
    (:func:`callmine.turns.operator_parts`; ``""`` when none is marked); each turn is redacted on its own
    (:func:`callmine.pii.redact`) and the turns are joined with a space. Only
    the kept turns are redacted, and a name span cannot run into the next
    turn ("my name is Kamila" + "thank you").

    >>> speaker_text("Оператор: Как вас зовут? Клиент: Меня зовут Асхат. Оператор: Слушаю. Клиент: Где моя заявка")
    'Меня зовут <PERSON>. Где моя заявка'
    """
    _check_speaker(speaker)
    if not isinstance(text, str):
        text = "" if _missing(text) else str(text)
    return _side_text(text, _PARTS_OF[speaker], bool(redact))
