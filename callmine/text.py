"""Multilingual text pipeline: language id, speaker turns, normalisation, tokens.

Every model in callmine sees transcripts through :func:`analyze` or its
scikit-learn wrapper :class:`TextNormalizer`:

1. keep the customer's turns (:func:`customer_side`, optional);
2. redact personal data (:func:`callmine.pii.redact`) - before anything else
   sees the text;
3. normalise: URLs to their domain, case folding, ``ё`` -> ``е``, Latin and
   Cyrillic look-alike letters unified inside a word, numbers mapped to
   ``<num>``, ``<year>``, ``<date>``, ``<time>`` (``1414`` is kept);
4. tokenise with an nltk :class:`~nltk.tokenize.RegexpTokenizer`;
5. drop stop words (ru, kk, en lists shipped in the package);
6. stem: Snowball for Russian and English, a light suffix stemmer for Kazakh
   (:func:`stem_kk`).

Steps 3-6 run once per distinct token: the result of every token is cached,
so the per-text cost is one regex pass plus a dictionary lookup per token.

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
from functools import lru_cache

from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from callmine import pii
from callmine.errors import CallmineError
from callmine.stopwords import stop_words as _stop_words

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
#: Allowed values of the ``speaker`` parameter.
SPEAKER_OPTIONS = ("customer", "all")

# --------------------------------------------------------------------------- letters

_KK_LETTERS = "әғқңөұүһі"
_KK_CHARS = re.compile(f"[{_KK_LETTERS}{_KK_LETTERS.upper()}]")
_WORD = re.compile(r"[^\W\d_]+")
_HAS_LAT = re.compile(r"[a-z]")
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
_TOKENIZER = RegexpTokenizer(_TOKEN_PATTERN)

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

    Uses an nltk :class:`~nltk.tokenize.RegexpTokenizer`; words, numbers,
    dates, times, domains and ``<placeholders>`` are tokens; hyphenated
    compounds are split; punctuation is dropped.

    >>> tokenize("Звонил 12.05.2024 в 14:30 на egov.kz, <PHONE>")
    ['звонил', '12.05.2024', 'в', '14:30', 'на', 'egov.kz', '<phone>']
    """
    low = text.lower()
    if "://" in low or "www." in low:
        low = _URL.sub(_url_domain, low)
    return _TOKENIZER.tokenize(low)


# --------------------------------------------------------------------------- stemming

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
def _snowball(lang: str) -> SnowballStemmer:
    return SnowballStemmer({"ru": "russian", "en": "english"}[lang])


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


# --------------------------------------------------------------------------- language id

_RU_SW = _stop_words("ru")
_KK_SW = _stop_words("kk")
_EN_SW = _stop_words("en")
_ALL_SW = _RU_SW | _KK_SW | _EN_SW
_RU_ONLY = _RU_SW - _KK_SW
# Kazakh words without Kazakh-specific letters that tell the language apart
_KK_ONLY = (_KK_SW - _RU_SW) | frozenset(
    """керек бер берем береді беру алу алам алады жаз жазу жасау тексеру тексер бала
    ата ана жер бас жол ай жыл рахмет сау болыңыз жақсы жарайды сәлем мекенжай
    азамат азаматтар жеке куәлік жинақ зейнет жәрдем ақша төлем""".split()
)
_RU_HINT = re.compile(r"[ъьщэё]|(?:ться|тся|ого|его|ому|ему|ые|ие|ая|яя|ой|ей|ия|ть)$")
# Kazakh endings on words without Kazakh letters (жатырмын, алмай, тұрдым is caught by ұ)
_KK_HINT = re.compile(r"(?:мын|мыз|сыз|ймын|ған|ген|лар|лер|дар|дер|тар|тер|нан|нен|дан|ден|атын|еміз|ып|уге|уға|жатыр)$")
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



# --------------------------------------------------------------------------- speaker turns

_OPERATOR_ROLES = (
    "оператор",
    "маман",
    "специалист",
    "консультант",
    "сотрудник",
    "кеңесші",
    "agent",
    "operator",
    "support",
    "оп",
)
_CUSTOMER_ROLES = (
    "абонент",
    "клиент",
    "звонящий",
    "заявитель",
    "гражданин",
    "пользователь",
    "қоңырау шалушы",
    "қоңырау шалған",
    "тұтынушы",
    "азамат",
    "пайдаланушы",
    "caller",
    "customer",
    "client",
    "user",
)
_NUMBERED_ROLES = frozenset({"спикер", "speaker", "говорящий", "участник", "participant"})
_ROLE_OF = {r: "operator" for r in _OPERATOR_ROLES} | {r: "customer" for r in _CUSTOMER_ROLES}
# one-letter markers count only at the start of a line ("О:", "К:", "А:")
_SHORT_ROLE = {"о": "operator", "o": "operator", "а": "customer", "a": "customer",
               "к": "customer", "c": "customer"}
_SPACE = " \t"


_SECOND_WORDS = {r.split()[1] for r in _ROLE_OF if " " in r}
_NON_WORD = re.compile(r"[^\w]+")


def _word_ending_at(text: str, j: int) -> tuple[int, str]:
    """Start and lower-cased text of the word that ends at ``j`` (punctuation cut off)."""
    k = max(text.rfind(" ", 0, j), text.rfind("\n", 0, j), text.rfind("\t", 0, j)) + 1
    w = text[k:j]
    if not w.isalnum():
        last = _NON_WORD.split(w)[-1]
        k = j - len(last)
        w = last
    return k, w.lower()


def _marker_at(text: str, i: int) -> tuple[str, int] | None:
    """If the colon at ``i`` ends a turn marker, return (role, marker start)."""
    j = i
    while j and text[j - 1] in _SPACE:
        j -= 1
    if j and text[j - 1] in "])":
        j -= 1
    k, w = _word_ending_at(text, j)
    if not w:
        return None
    role = _ROLE_OF.get(w)
    start = k
    if role is None:
        if w.isdigit() or w in _SECOND_WORDS:
            k2 = k
            while k2 and text[k2 - 1] in _SPACE:
                k2 -= 1
            k3, w2 = _word_ending_at(text, k2) if k2 < k else (k2, "")
            if w2 and w.isdigit() and w2 in _NUMBERED_ROLES:
                role, start = "unknown", k3
            elif w2 and f"{w2} {w}" in _ROLE_OF:
                role, start = _ROLE_OF[f"{w2} {w}"], k3
            else:
                return None
        elif w in _SHORT_ROLE:
            line_start = text.rfind("\n", 0, k) + 1
            if text[line_start:k].strip(_SPACE + "[("):
                return None
            role = _SHORT_ROLE[w]
        else:
            return None
    if start and text[start - 1] in "[(":
        start -= 1
    return role, start


def _markers(text: str) -> list[tuple[str, int, int]]:
    """All turn markers as (role, start, end) with ``end`` just after the colon."""
    found = []
    i = text.find(":")
    while i != -1:
        m = _marker_at(text, i)
        if m is not None:
            found.append((m[0], m[1], i + 1))
        i = text.find(":", i + 1)
    return found


def split_turns(text: str) -> list[tuple[str, str]]:
    """Split a transcript into ``(role, utterance)`` turns.

    Turn markers such as ``Оператор:``, ``Абонент:``, ``Клиент:``,
    ``Маман:``, ``Қоңырау шалушы:``, ``Agent:``, ``Caller:``,
    ``Operator:``, ``Customer:`` (any case, optionally in brackets) start a
    turn. Roles are ``'operator'``, ``'customer'`` or ``'unknown'`` (text
    before the first marker, or markers such as ``Спикер 1:``). Empty
    utterances are dropped; a text without markers is one ``'unknown'`` turn.

    >>> split_turns("Оператор: Здравствуйте! Клиент: Мне нужна справка.")
    [('operator', 'Здравствуйте!'), ('customer', 'Мне нужна справка.')]
    """
    if ":" not in text:
        t = text.strip()
        return [("unknown", t)] if t else []
    turns = []
    pos = 0
    role = "unknown"
    for r, start, end in _markers(text):
        utt = text[pos:start].strip()
        if utt:
            turns.append((role, utt))
        role = r
        pos = end
    utt = text[pos:].strip()
    if utt:
        turns.append((role, utt))
    return turns


def customer_side(text: str) -> str:
    """Return only what the customer said (the whole text if there are no markers).

    Customer turns are joined with a space. When markers exist but none is a
    customer's, the turns that are not the operator's are returned (``""``
    if the operator is the only speaker).

    >>> customer_side("Маман: Сәлеметсіз бе! Қоңырау шалушы: Маған анықтама керек.")
    'Маған анықтама керек.'
    >>> customer_side("мне нужна справка")
    'мне нужна справка'
    """
    if ":" not in text:
        return text
    found = _markers(text)
    if not found:
        return text
    said = {"customer": [], "operator": [], "unknown": []}
    pos = 0
    role = "unknown"
    for r, start, end in found:
        utt = text[pos:start].strip()
        if utt:
            said[role].append(utt)
        role = r
        pos = end
    utt = text[pos:].strip()
    if utt:
        said[role].append(utt)
    if said["customer"]:
        return " ".join(said["customer"])
    if said["operator"]:
        return " ".join(said["unknown"])
    return text


def _strip_markers(text: str) -> str:
    """Return all utterances without their turn markers."""
    if ":" not in text:
        return text
    found = _markers(text)
    if not found:
        return text
    parts = []
    pos = 0
    for _, start, end in found:
        parts.append(text[pos:start])
        pos = end
    parts.append(text[pos:])
    return " ".join(parts)


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


def _check_speaker(speaker) -> None:
    if speaker not in SPEAKER_OPTIONS:
        raise CallmineError(
            f"speaker must be one of {', '.join(map(repr, SPEAKER_OPTIONS))}, got {speaker!r}"
        )


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
        Replace personal data first (:func:`callmine.pii.redact`); its
        placeholders become the tokens ``<iin>``, ``<phone>``, ``<card>``,
        ``<email>``, ``<iban>``, ``<person>``.
    speaker : {"customer", "all"}, default="customer"
        Keep only the customer's turns (see :func:`customer_side`) or all text.
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
        text = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    if redact:
        text = pii.redact(text)
    text = customer_side(text) if speaker == "customer" else _strip_markers(text)
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
    if doc is None or (isinstance(doc, float) and math.isnan(doc)):
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
        Redact personal data (:func:`callmine.pii.redact`) before anything else.
    speaker : {"customer", "all"}, default="customer"
        Keep only the customer's turns, or everything.
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
        if isinstance(X, str):
            raise CallmineError(
                "TextNormalizer expects a list of texts, got one str; wrap it in a list"
            )
        do_stem, drop, ml = bool(self.stem), bool(self.stop_words), self.min_token_len
        cache = _cache_for(do_stem, drop, ml)
        do_redact = bool(self.redact)
        side = customer_side if self.speaker == "customer" else _strip_markers
        redact = pii.redact
        out = []
        for text in X:
            if not isinstance(text, str):
                if text is None or (isinstance(text, float) and math.isnan(text)):
                    text = ""
                else:
                    text = str(text)
            if do_redact:
                text = redact(text)
            if ":" in text:
                text = side(text)
            out.append(_normalized(text, cache, do_stem, drop, ml))
        return out

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
