"""Personal-data redaction for call transcripts.

:func:`redact` replaces personal data with typed placeholders before a
transcript reaches a vectorizer, a model file, a log line or a report:

========== ==========================================================
``<IIN>``    Kazakhstan IIN/BIN: 12 digits (in up to six groups: 6+6,
             3+3+3+3, ...) with a valid check digit, or any 12-digit
             number that the words around it call an IIN/BIN/ЖСН/БСН.
``<PHONE>``  Kazakh and Russian numbers: ``+7``/``8``/``7`` and ten
             digits with spaces, dashes or brackets; ``7xx`` mobile
             numbers without prefix; other ``+``-international numbers.
``<CARD>``   13-19 digit payment cards passing the Luhn test, written in
             one piece or 4-4-4-4[-3] / 4-6-5 groups (any grouping right
             after "карта"/"card").
``<EMAIL>``  e-mail addresses.
``<IBAN>``   KZ IBANs (20 characters) passing the mod-97 test, or failing
             it right after a word such as "IBAN", "счёт", "шот".
``<PERSON>`` names given after self-introductions ("меня зовут ...",
             "менің атым ...", "my name is ...", "с вами говорит ..."),
             and full Russian/Kazakh names with a patronymic
             (:mod:`callmine.names`).
========== ==========================================================

What is not personal is kept: the hotline number 1414, amounts, dates,
times, short reference numbers. Placeholders are never re-redacted, so
``redact(redact(t)) == redact(t)``.

Examples
--------
>>> from callmine.pii import redact
>>> redact("Меня зовут Айгерим, мой ИИН 900101300007, телефон 8 701 234 56 78")
'Меня зовут <PERSON>, мой ИИН <IIN>, телефон <PHONE>'
>>> redact("звонил на 1414 в 14:30, оплатил 15 000 тенге")
'звонил на 1414 в 14:30, оплатил 15 000 тенге'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from callmine.names import _PATRO_END, _STRIP, chunk_given_name, chunk_trigger_words, redact_names

__all__ = [
    "PLACEHOLDERS",
    "redact",
    "redact_many",
    "redact_turns",
    "iin_is_valid",
    "luhn_is_valid",
    "iban_is_valid",
]

#: Every placeholder :func:`redact` can produce.
PLACEHOLDERS = ("<IIN>", "<PHONE>", "<CARD>", "<EMAIL>", "<IBAN>", "<PERSON>")

# --------------------------------------------------------------------------- checks

# flags of the fast path (see _scan)
_NUM, _NAME, _PATRO, _GIVEN = 1, 2, 4, 8
_GIVEN_MARK = "="  # marks a given name among a chunk's trigger words

_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def iin_is_valid(digits: str) -> bool:
    """Return True if ``digits`` (12 digits) has a valid IIN/BIN check digit.

    The check digit is the weighted sum of the first 11 digits (weights 1..11)
    modulo 11; if that is 10, the weights 3..11,1,2 are used; if it is 10
    again the number is invalid.

    >>> iin_is_valid("900101300007"), iin_is_valid("900101300008")
    (True, False)
    """
    if len(digits) != 12 or not digits.isdigit():
        return False
    d = [ord(c) - 48 for c in digits]
    s = sum(w * x for w, x in zip(_W1, d)) % 11
    if s == 10:
        s = sum(w * x for w, x in zip(_W2, d)) % 11
        if s == 10:
            return False
    return s == d[11]


def luhn_is_valid(digits: str) -> bool:
    """Return True if ``digits`` passes the Luhn check used by payment cards.

    >>> luhn_is_valid("4400430123456789"), luhn_is_valid("4400430123456788")
    (True, False)
    """
    if not digits.isdigit():
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        x = ord(c) - 48
        if i % 2:
            x *= 2
            if x > 9:
                x -= 9
        total += x
    return total % 10 == 0


def iban_is_valid(iban: str) -> bool:
    """Return True if ``iban`` (spaces allowed) passes the ISO 13616 mod-97 check.

    >>> iban_is_valid("KZ86 125K ZT50 0410 0100")
    True
    """
    s = iban.replace(" ", "").upper()
    if len(s) < 15 or not s.isalnum():
        return False
    s = s[4:] + s[:4]
    try:
        return int("".join(str(int(c, 36)) for c in s)) % 97 == 1
    except ValueError:
        return False


# --------------------------------------------------------------------------- patterns

_DIGIT = re.compile(r"\d")
# at least 10 digits close together: the only way to hold a phone, IIN or card
_LONG_NUMBER = re.compile(r"\d(?:[\s\-()]{0,3}\d){9}")

_IBAN = re.compile(r"(?<![0-9A-Za-z])[Kk][Zz]\d\d(?:[ ]?[0-9A-Za-z]){16}(?![0-9A-Za-z])")
_IBAN_CONTEXT = re.compile(
    r"(?:iban|иban|иван|счет|счёт|шот|есепшот|account|реквизит)[^\n]{0,25}$", re.I
)

_IIN_CONTEXT = re.compile(
    r"(?:иин|жсн|бин|бсн|iin|bin|инн|идентификац|сәйкестендіру)[^\W\d]*(?P<gap>[^\n\d<>]{0,70})$", re.I
)

# --------------------------------------------------------------------------- fast path
# Each distinct lower-cased whitespace-separated chunk is classified once: can it
# be part of a number/e-mail/IBAN (_NUM), a self-introduction (_NAME) or a
# patronymic (_PATRO) or a listed given name (_GIVEN, kept with the trigger words)? A text none of whose chunks is
# flagged is returned as is.

_SAFE_NUMBER = re.compile(r"(?:1414|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?)$")
_SEEN_LIMIT = 500_000  # distinct chunks kept before the caches start afresh


def _new_state() -> tuple[set, set, dict, set]:
    """Fresh chunk caches: seen chunks, number chunks, name chunks (-> their trigger words and
    given names), patronymic chunks."""
    return set(), set(), {}, set()


# Replaced (never cleared in place) when full, so that a thread still holding the
# old caches sees them consistent: a chunk is added to "seen" only after its flags.
_STATE = _new_state()


def _classify(chunk: str, num: set, name: dict, patro: set) -> None:
    if "@" in chunk or (_DIGIT.search(chunk) is not None and not _SAFE_NUMBER.match(chunk.strip(_STRIP + "(«"))):
        num.add(chunk)
    found = chunk_trigger_words(chunk)  # also "здравствуйте,меня", "(оператор"
    first = chunk_given_name(chunk)
    if first is not None:
        found += (_GIVEN_MARK + first,)  # a listed given name, kept with the trigger words
    if found:
        name[chunk] = found
    if _PATRO_END.search(chunk.rstrip(_STRIP)) is not None:
        patro.add(chunk)


def _scan(low: str) -> tuple[int, set | None, set | None]:
    """Which redaction passes can match the lower-cased text ``low``.

    Returns the flags and, when a self-introduction is possible, the trigger
    words present, and the listed given names present.
    """
    global _STATE
    chunks = low.split()  # a list: set operations accept it, and building a set costs more
    seen, num, name, patro = state = _STATE
    if not seen.issuperset(chunks):
        if len(seen) > _SEEN_LIMIT:
            seen, num, name, patro = state = _new_state()
            _STATE = state
        for c in set(chunks).difference(seen):
            _classify(c, num, name, patro)
        seen.update(chunks)
    f = 0
    words = None
    if not num.isdisjoint(chunks):
        f |= _NUM
    if not name.keys().isdisjoint(chunks):
        f |= _NAME
        words = set()
        for c in name.keys() & set(chunks):
            words.update(name[c])
    if not patro.isdisjoint(chunks):
        f |= _PATRO
    names = None
    if words is not None:
        names = {w[1:] for w in words if w[0] == _GIVEN_MARK}
        if names:
            f |= _GIVEN
            words.difference_update(_GIVEN_MARK + w for w in names)
            if not words:
                f &= ~_NAME
        else:
            names = None
    return f, words, names


# --------------------------------------------------------------------------- replacers


def _sub_iban(m: re.Match) -> str:
    s = m.group()
    if iban_is_valid(s):
        return "<IBAN>"
    if _IBAN_CONTEXT.search(m.string, max(0, m.start() - 40), m.start()):
        return "<IBAN>"
    return s


# words naming another kind of number: an IIN mentioned before them is not this one's context
_OTHER_NUMBER = re.compile(
    r"номер|заявк|обращен|телефон|карт|сч[её]т|индекс|сумм|нөмір|өтініш|шот|reference|request|number|phone",
    re.I,
)
_IIN_AFTER = re.compile(r"[^\n\d<>,.;:!?]{0,20}(?<![^\W\d_])(?:иин|жсн|бин|бсн|iin|bin)", re.I)


def _iin_context(text: str, start: int, end: int) -> bool:
    """Do the words around text[start:end] call it an IIN/BIN?"""
    ctx = _IIN_CONTEXT.search(text, max(0, start - 120), start)
    if ctx is not None and _OTHER_NUMBER.search(ctx.group("gap")) is None:
        return True
    return _IIN_AFTER.match(text, end, end + 40) is not None


# ---- numbers: one pass over runs of digit groups
# A run is digit groups separated by up to three spaces, dashes or brackets,
# optionally led by "+" or "(" - how phones, IINs and cards are dictated.
_RUN = re.compile(r"(?:\+[ \t]?\(?|\()?\d+(?:[ \t\-()]{1,3}\d+)*")
_GROUP = re.compile(r"\d+")


_CARD_CONTEXT = re.compile(r"(?:карт|card|visa|mastercard)[^\W\d]*[^\n\d<>]{0,25}$", re.I)


def _card_shape(lengths: list[int]) -> bool:
    """Is this grouping of digits one a card is written in?"""
    k = len(lengths)
    if k == 1:
        return True
    if lengths[:-1] == [4] * (k - 1) and 1 <= lengths[-1] <= 4:
        return True
    return lengths in ([4, 6, 5], [4, 6, 4])


def _redact_runs(text: str) -> str:
    """Replace cards, IINs and phones in the digit runs that hold 10+ digits."""
    out = []
    last = 0
    m = _LONG_NUMBER.search(text)
    while m is not None:
        start = m.start()
        if start > last and text[start - 1] == "(":
            start -= 1
        if start > last and text[start - 1] == "+":
            start -= 1
        elif start > last + 1 and text[start - 1] in " \t" and text[start - 2] == "+":
            start -= 2
        r = _RUN.match(text, start)
        if r is None:  # cannot happen: the match starts with a digit, "(" or "+"
            break
        out.append(text[last : r.start()])
        out.append(_run_replacement(text, r.start(), r.group()))
        last = r.end()
        m = _LONG_NUMBER.search(text, last)
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _run_replacement(text: str, base: int, s: str) -> str:
    """The run ``s`` found at ``text[base:]`` with its personal numbers replaced."""
    groups = [(g.start(), g.group()) for g in _GROUP.finditer(s)]
    n = len(groups)
    cum = [0]
    for _, g in groups:
        cum.append(cum[-1] + len(g))
    if cum[-1] < 10:
        return s
    plus = s[0] == "+"
    out = []
    last = 0
    i = 0
    while i < n:
        found = None
        # a payment card: 13-19 digits in a card grouping passing Luhn (longest first)
        card_ctx = None
        for j in range(min(n, i + 10), i, -1):
            length = cum[j] - cum[i]
            if 13 <= length <= 19:
                if not _card_shape([len(g) for _, g in groups[i:j]]):
                    # any grouping ("44 00 43 01 ...") when the words before say card
                    if card_ctx is None:
                        card_ctx = _CARD_CONTEXT.search(text, max(0, base + groups[i][0] - 40), base + groups[i][0]) is not None
                    if not card_ctx:
                        continue
                digits = "".join(g for _, g in groups[i:j])
                if luhn_is_valid(digits):
                    found = (j, "<CARD>")
                    break
        # an IIN/BIN: 12 digits with a valid check digit, or named so by the context
        if found is None:
            for j in range(i + 1, min(n, i + 6) + 1):
                length = cum[j] - cum[i]
                if length > 12:
                    break
                if length == 12:
                    digits = "".join(g for _, g in groups[i:j])
                    end = groups[j - 1][0] + len(groups[j - 1][1])
                    if iin_is_valid(digits) or _iin_context(text, base + groups[i][0], base + end):
                        found = (j, "<IIN>")
                    break
        # a phone: +7/8/7 and ten digits, a 7xx mobile number, or "+" and 9-14 digits
        if found is None:
            first = groups[i][1][0]
            for j in range(i + 1, n + 1):
                length = cum[j] - cum[i]
                if length > 14:
                    break
                if (length == 11 and first in "78") or (
                    length == 10 and first == "7" and groups[i][1][:2] < "78" and not (i == 0 and plus)
                ):
                    found = (j, "<PHONE>")
                    break
            if found is None and i == 0 and plus and 9 <= cum[-1] <= 14 and first != "7":
                found = (n, "<PHONE>")
        if found is None:
            i += 1
            continue
        j, placeholder = found
        start = 0 if (i == 0 and s[0] in "+(") else groups[i][0]
        end = groups[j - 1][0] + len(groups[j - 1][1])
        if end < len(s) and s[end] == ")" and "(" in s[start:end]:
            end += 1
        out.append(s[last:start])
        out.append(placeholder)
        last = end
        i = j
    if not out:
        return s
    out.append(s[last:])
    return "".join(out)


def _sub_email(text: str) -> str:
    """Replace e-mail addresses, found from each "@" outwards."""
    out = []
    last = 0
    i = text.find("@")
    while i != -1:
        left = _EMAIL_LEFT.search(text, max(last, i - 64), i)
        right = _EMAIL_RIGHT.match(text, i + 1)
        if left is not None and right is not None:
            out.append(text[last : left.start()])
            out.append("<EMAIL>")
            last = right.end()
            i = text.find("@", last)
        else:
            i = text.find("@", i + 1)
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


_EMAIL_LEFT = re.compile(r"(?<![\w.+-])[\w.+-]*\w$")
_EMAIL_RIGHT = re.compile(r"[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)+")


def redact(text: str) -> str:
    """Replace personal data in ``text`` with typed placeholders.

    Parameters
    ----------
    text : str
        A transcript or any free text (Russian, Kazakh, English or mixed).

    Returns
    -------
    str
        The text with IINs/BINs, phone numbers, payment cards, e-mails, KZ
        IBANs and self-introduced names replaced by ``<IIN>``, ``<PHONE>``,
        ``<CARD>``, ``<EMAIL>``, ``<IBAN>`` and ``<PERSON>``. Everything
        else, including 1414, amounts, dates, times and short numbers, is
        kept verbatim. Idempotent.

    Examples
    --------
    >>> redact("Менің атым Ерлан, ЖСН 900101 300007, поштам erlan.k@mail.kz")
    'Менің атым <PERSON>, ЖСН <IIN>, поштам <EMAIL>'
    >>> redact("My name is John Smith, card 4400 4301 2345 6789")
    'My name is <PERSON>, card <CARD>'
    """
    if not isinstance(text, str):
        raise TypeError(f"redact expects a str, got {type(text).__name__}")
    low = text.lower()
    flags, words, names = _scan(low)
    if not flags:
        return text
    if flags & _NUM:
        new = _redact_numbers(text)
        if new != text:
            text = new
            low = None
    if flags & (_NAME | _PATRO | _GIVEN):
        text = redact_names(text, introductions=bool(flags & _NAME), full_names=bool(flags & _PATRO),
                            name_pairs=bool(flags & _GIVEN), given=names,
                            words=words or set(), low=low)
    return text


def redact_turns(parts: list[str]) -> str:
    """Redact each of ``parts`` on its own and join them with a space.

    The same as ``" ".join(map(redact, parts))``; when the joined text has
    nothing that could be personal data (the usual case) it is checked once
    instead of part by part.

    >>> redact_turns(["меня зовут Асхат", "спасибо"])
    'меня зовут <PERSON> спасибо'
    """
    joined = " ".join(parts)
    if len(parts) < 2:
        return redact(joined)
    if not _scan(joined.lower())[0]:
        return joined
    return " ".join(map(redact, parts))


def _redact_numbers(text: str) -> str:
    if "@" in text:
        text = _sub_email(text)
    if "kz" in text or "KZ" in text or "Kz" in text or "kZ" in text:
        text = _IBAN.sub(_sub_iban, text)
    if _LONG_NUMBER.search(text) is not None:
        text = _redact_runs(text)
    return text


def _is_na(value) -> bool:
    try:
        return bool(value != value) or type(value).__name__ in ("NAType", "NaTType")
    except (TypeError, ValueError):  # pandas.NA refuses bool()
        return True


def redact_many(texts: Iterable[str]) -> list[str]:
    """Apply :func:`redact` to each text; ``None``/NaN become ``""``.

    >>> redact_many(["мой номер +7 777 123 45 67", "спасибо"])
    ['мой номер <PHONE>', 'спасибо']
    """
    out = []
    for t in texts:
        if not isinstance(t, str) and (t is None or _is_na(t)):
            out.append("")
        else:
            out.append(redact(t if isinstance(t, str) else str(t)))
    return out
