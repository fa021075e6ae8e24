"""Stemming for Russian, English and Kazakh words (used by :mod:`callmine.text`).

- Russian and English: the Snowball stemmers (nltk's, copied to
  :mod:`callmine.snowball` so that nltk is not imported), cached per word.
- Kazakh: :func:`stem_kk`, a light suffix stemmer (plural, possessive, case and
  common verb endings).
- :func:`stem` picks the stemmer per word: Latin script -> English; Cyrillic
  with a Kazakh letter, a Kazakh-only word or a Kazakh ending -> Kazakh;
  other Cyrillic -> Russian.

Examples
--------
>>> from callmine.stemming import stem, stem_kk
>>> stem("заявления"), stem("applications"), stem_kk("құжаттарымды")
('заявлен', 'applic', 'құжат')
"""

from __future__ import annotations

import re
from functools import lru_cache

from callmine.errors import CallmineError
from callmine.stopwords import stop_words as _stop_words

__all__ = ["stem", "stem_kk"]

_KK_LETTERS = "әғқңөұүһі"
_KK_CHARS = re.compile(f"[{_KK_LETTERS}{_KK_LETTERS.upper()}]")
_HAS_LAT = re.compile(r"[a-z]")

# Kazakh words without Kazakh-specific letters that tell the language apart
_KK_ONLY = (_stop_words("kk") - _stop_words("ru")) | frozenset(
    """керек бер берем береді беру алу алам алады жаз жазу жасау тексеру тексер бала
    ата ана жер бас жол ай жыл рахмет сау болыңыз жақсы жарайды сәлем мекенжай
    азамат азаматтар жеке куәлік жинақ зейнет жәрдем ақша төлем""".split()
)
# Kazakh endings on words without Kazakh letters (жатырмын, алмай, тұрдым is caught by ұ)
_KK_HINT = re.compile(r"(?:мын|мыз|сыз|ймын|ған|ген|лар|лер|дар|дер|тар|тер|нан|нен|дан|ден|атын|еміз|ып|уге|уға|жатыр)$")

# Kazakh inflection in slots, stripped from the end of the word in
# morphological order (each slot at most once): person/predicate endings,
# participle/present verb endings, case, possessive, plural.
_KK_PRED = ("мын", "мін", "бын", "бін", "пын", "пін", "мыз", "міз", "быз", "біз", "пыз", "піз",
            "сың", "сің", "сыз", "сіз", "шы", "ші")
_KK_VERB = ("атын", "етін", "йтын", "йтін", "амын", "емін", "ймын", "ймін", "ған", "ген", "қан",
            "кен", "ады", "еді", "йды", "йді", "ып", "іп")
_KK_CASE = ("менен", "ның", "нің", "дың", "дің", "тың", "тің", "дан", "ден", "тан", "тен", "нан",
            "нен", "нда", "нде", "мен", "бен", "пен", "ға", "ге", "қа", "ке", "ны", "ні", "ды", "ді",
            "ты", "ті", "да", "де", "та", "те")
_KK_POSS = ("ымыз", "іміз", "ыңыз", "іңіз", "мыз", "міз", "ңыз", "ңіз", "ым", "ім", "ың", "ің",
            "сы", "сі")
_KK_PLURAL = ("лар", "лер", "дар", "дер", "тар", "тер")
_KK_VOWELS = frozenset("аәеиоөуұүыіэюяё")
_KK_DEVOICE = str.maketrans("бгғ", "пкқ")


def _kk_ok(stem: str, suffix_len: int) -> bool:
    """May this stem stand after stripping a suffix of ``suffix_len`` letters?"""
    n = len(stem)
    if n >= 3:
        return not _KK_VOWELS.isdisjoint(stem)
    # two-letter roots (үй, ат, жер is 3) only before a two-letter-or-longer
    # ending, and only when they end in a consonant (қате is not қа + те)
    return n == 2 and suffix_len >= 2 and stem[-1] not in _KK_VOWELS and not _KK_VOWELS.isdisjoint(stem)


_KK_VOICELESS = frozenset("пткқсшфхцчщ")


def _kk_fits(rest: str, suf: str) -> bool:
    """Does ``suf`` follow ``rest`` by Kazakh sound harmony of consonants?"""
    c = suf[0]
    p = rest[-1]
    if c in "тқк":  # -та, -ты, -қа, -ке, -тан ... follow voiceless consonants
        return p in _KK_VOICELESS
    if c in "дғг":  # -да, -ды, -ға, -ге, -дан ... never follow voiceless ones
        return p not in _KK_VOICELESS
    if c == "н" and suf != "нда" and suf != "нде":  # -ны, -ның, -нан follow vowels and м/н/ң
        return p in _KK_VOWELS or p in "мнң"
    return True


def _kk_strip(w: str, suffixes: tuple[str, ...], harmony: bool = False) -> str | None:
    for suf in suffixes:
        if w.endswith(suf):
            rest = w[: -len(suf)]
            if _kk_ok(rest, len(suf)) and (not harmony or _kk_fits(rest, suf)):
                return rest
    return None


@lru_cache(maxsize=200_000)
def stem_kk(word: str) -> str:
    """Light Kazakh stemmer: strip plural, possessive, case and common verb endings.

    Endings are removed in slots from the end of the word - predicate/person
    (-мын, -сыз, -шы), verb (-ған, -атын, -ады, -ып), case (-ның, -ға, -ны,
    -да, -дан, -мен, ...), possessive (-ым, -ың, -ымыз, -сы, ...), plural
    (-лар, -дар, -тар, ...) - each at most once, and only while the stem keeps
    three letters with a vowel (two for a consonant-final root before a longer
    ending: үйге -> үй). Endings that exist only after another one are checked
    in context: dative -а/-е after -м/-ң, -на/-не and accusative -н after a
    3rd-person possessive. Finally a 3rd-person -ы/-і after a consonant, a
    gerund -у, and a voiced б/г/ғ left at the end are normalised, so that a
    word with and without endings shares one stem (кітабымды -> кітап).

    >>> [stem_kk(w) for w in ("құжаттарымды", "құжатты", "құжат", "құжатым")]
    ['құжат', 'құжат', 'құжат', 'құжат']
    >>> stem_kk("кітабымды"), stem_kk("үйге"), stem_kk("анықтамасын")
    ('кітап', 'үй', 'анықтама')
    """
    w = word
    if len(w) < 4:
        return w
    r = _kk_strip(w, _KK_PRED)
    if r is not None:
        w = r
    r = _kk_strip(w, _KK_VERB)
    if r is not None:
        w = r
    else:
        # case
        r = _kk_strip(w, _KK_CASE, harmony=True)
        if r is None and len(w) >= 5:
            last, prev = w[-1], w[-2]
            if last in "ае" and w[-3:-1] in ("ым", "ім", "ың", "ің"):  # кітабыма, құжатыңа
                r = w[:-1]
            elif last == "н" and prev in "ыі":  # анықтамасын
                r = w[:-1]
            elif w[-2:] in ("на", "не") and len(w) >= 5 and w[-3] in "ыі":  # анықтамасына
                r = w[:-2]
        if r is not None:
            w = r
        # possessive
        r = _kk_strip(w, _KK_POSS)
        if r is None and len(w) >= 4 and w[-1] in "ыі" and w[-2] not in _KK_VOWELS:
            r = w[:-1]  # құжаты, балалары
        elif r is None and len(w) >= 7 and w[-1] in "мң" and w[-2] in _KK_VOWELS:
            r = w[:-1]  # анықтамам (long words only: адам, төлем are roots)
        if r is not None:
            w = r
        # plural
        r = _kk_strip(w, _KK_PLURAL)
        if r is not None:
            w = r
    # a bare 3rd-person -ы/-і after a consonant (құжаты, зейнетақы/зейнетақысы)
    if len(w) >= 4 and w[-1] in "ыі" and w[-2] not in _KK_VOWELS:
        w = w[:-1]
    # gerund -у after a vowel-final verb stem (тіркеу, төлеу)
    elif len(w) >= 4 and w[-1] == "у" and w[-2] in _KK_VOWELS:
        w = w[:-1]
    if w != word and w[-1] in "бгғ":
        w = w[:-1] + w[-1].translate(_KK_DEVOICE)
    return w


@lru_cache(maxsize=4)
def _snowball(lang: str):
    from callmine.snowball import EnglishStemmer, RussianStemmer

    return {"ru": RussianStemmer, "en": EnglishStemmer}[lang]()


@lru_cache(maxsize=300_000)
def _stem_snowball(word: str, lang: str) -> str:
    return _snowball(lang).stem(word)


def _word_language(word: str) -> str:
    """Stemmer language of one lower-case word: 'kk', 'ru' or 'en'."""
    if _HAS_LAT.search(word) is not None:
        return "en"
    if _KK_CHARS.search(word) is not None or word in _KK_ONLY or _KK_HINT.search(word) is not None:
        return "kk"  # Kazakh letters, a Kazakh-only word, or a Kazakh ending (жатырмын, алмаймын)
    return "ru"


def stem(word: str, lang: str | None = None) -> str:
    """Stem one lower-case word; ``lang`` ('ru', 'kk', 'en') is guessed when None.

    >>> stem("заявления"), stem("applications"), stem("өтініштер")
    ('заявлен', 'applic', 'өтініш')
    """
    lang = lang or _word_language(word)
    if lang == "kk":
        return stem_kk(word)
    if lang in ("ru", "en"):
        return _stem_snowball(word, lang)
    raise CallmineError(f"stem: lang must be 'ru', 'kk', 'en' or None, got {lang!r}")
