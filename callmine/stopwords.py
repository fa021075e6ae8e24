"""Stop-word lists for Russian, Kazakh and English shipped inside callmine.

The lists live in ``callmine/data/stopwords/{ru,kk,en}.txt`` (one lower-case
word per line); their sources and licenses are in
``callmine/data/stopwords/SOURCES.md``.

Examples
--------
>>> from callmine.stopwords import stop_words
>>> "и" in stop_words("ru"), "және" in stop_words("kk"), "the" in stop_words("en")
(True, True, True)
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from callmine.errors import CallmineError

__all__ = ["LANGUAGES", "stop_words"]

#: Languages with a shipped stop-word list.
LANGUAGES = ("ru", "kk", "en")


@lru_cache(maxsize=None)
def _load(lang: str) -> frozenset[str]:
    path = resources.files("callmine") / "data" / "stopwords" / f"{lang}.txt"
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        w = line.strip().lower().replace("ё", "е")
        if w and not w.startswith("#"):
            words.add(w)
    return frozenset(words)


def stop_words(lang: str = "all") -> frozenset[str]:
    """Return the stop words of ``lang`` (``"ru"``, ``"kk"``, ``"en"`` or ``"all"``).

    Words are lower case with ``ё`` written as ``е``, matching what
    :func:`callmine.text.analyze` produces before stemming.

    Parameters
    ----------
    lang : str, default="all"
        Language code, or ``"all"`` for the union of the three lists.

    Returns
    -------
    frozenset of str
    """
    if lang == "all":
        return _load("ru") | _load("kk") | _load("en")
    if lang not in LANGUAGES:
        raise CallmineError(
            f"stop_words: lang must be one of {', '.join(map(repr, LANGUAGES))} or 'all', got {lang!r}"
        )
    return _load(lang)
