"""The words of one synthetic hotline call (the transcripts of :mod:`callmine.synth`).

:func:`_call_text` writes the transcript of one call from its request type,
language, channel and difficulty, drawing every choice from the
``random.Random`` it is given (so :mod:`callmine.synth` stays deterministic
for a seed). The phrasings are the templates of
:mod:`callmine.synth_phrases` (``"[a|b|c]"`` alternatives, nestable),
compiled once. This module also makes the personal data that some calls
contain, with valid check digits so that redaction can be tested on them:
IINs (Kazakhstan individual identification numbers), Luhn-valid card
numbers, Kazakhstan IBANs, +7/8 phone numbers, emails and names. The public
names are re-exported by :mod:`callmine.synth`.

Examples
--------
>>> import random
>>> from callmine.synth_text import iin_is_valid, make_iin, luhn_is_valid, make_card
>>> rnd = random.Random(0)
>>> iin_is_valid(make_iin(rnd)), luhn_is_valid(make_card(rnd))
(True, True)
"""

from __future__ import annotations

import datetime as _dt
import random
import re

from callmine import synth_phrases as P

__all__ = ["make_iin", "iin_is_valid", "make_card", "luhn_is_valid", "make_iban"]

# PII probabilities: base per call, and raised for the types where the data come up naturally.
_P_IIN_PHONE_CALL = 0.15
_P_NAME = 0.12
_P_PHONE = {"sms_code": 0.45, "mobile_number_registration": 0.5, "complaint": 0.3}
_P_EMAIL = {"portal_login": 0.25, "complaint": 0.25, "application_status": 0.06}
_P_CARD = {"tax_debt": 0.22, "traffic_fines": 0.25, "payment_issue": 0.45}
_P_IBAN = {"social_payments": 0.12, "birth_benefit": 0.12, "disability_benefit": 0.12,
           "funeral_benefit": 0.1, "pension_contributions": 0.05}

_IBAN_LOWER = re.compile(r"\bkz\d{18}\b")
_LABELS = {"ru": ("Оператор:", "Абонент:"), "kk": ("Маман:", "Клиент:"), "en": ("Agent:", "Caller:")}


# ---------------------------------------------------------------------------
# Templates: "[a|b|c]" alternatives, nestable; compiled once.
# ---------------------------------------------------------------------------

def _parse(template: str, i: int = 0, nested: bool = False):
    seq: list = []
    buf: list[str] = []
    alts: list = []
    while i < len(template):
        ch = template[i]
        if ch == "[":
            if buf:
                seq.append("".join(buf))
                buf = []
            node, i = _parse(template, i + 1, nested=True)
            seq.append(node)
            continue
        if nested and ch == "|":
            seq.append("".join(buf))
            alts.append([s for s in seq if s != ""])
            seq, buf = [], []
        elif nested and ch == "]":
            seq.append("".join(buf))
            alts.append([s for s in seq if s != ""])
            return tuple(alts), i + 1
        else:
            buf.append(ch)
        i += 1
    if nested:
        raise ValueError(f"unclosed '[' in template {template!r}")
    seq.append("".join(buf))
    return [s for s in seq if s != ""], i


def _compile(template: str) -> list:
    return _parse(template)[0]


def _render_seq(seq: list, rnd: random.Random, out: list[str]) -> None:
    for part in seq:
        if isinstance(part, str):
            out.append(part)
        else:
            _render_seq(part[int(rnd.random() * len(part))], rnd, out)


def _render(compiled: list, rnd: random.Random) -> str:
    out: list[str] = []
    _render_seq(compiled, rnd, out)
    return " ".join("".join(out).split())


def _pick(rnd: random.Random, items: list):
    return items[int(rnd.random() * len(items))]


class _Book:
    """All templates compiled once."""

    def __init__(self) -> None:
        c = _compile
        self.req = {t: {lang: [c(s) for s in d[lang]] for lang in ("ru", "kk", "en")} for t, d in P.TYPES.items()}
        self.op = {t: {lang: [c(s) for s in d["op_" + lang]] for lang in ("ru", "kk", "en")}
                   for t, d in P.TYPES.items()}
        self.kw = {t: {lang: d["kw_" + lang] for lang in ("ru", "kk", "en")} for t, d in P.TYPES.items()}
        one = lambda table: {k: [c(s) for s in v] for k, v in table.items()}  # noqa: E731
        self.greet = one(P.GREETING)
        self.hello = one(P.CALLER_HELLO)
        self.id_ask = one(P.IDENTITY_ASK)
        self.phone_ask = one(P.PHONE_ASK)
        self.closing = one(P.CLOSING)
        self.thanks = one(P.CALLER_THANKS)
        self.vague = one(P.VAGUE)
        single = lambda table: {k: c(v) for k, v in table.items()}  # noqa: E731
        self.id_give = single(P.IDENTITY_GIVE)
        self.phone_give = single(P.PHONE_GIVE)
        self.email_give = single(P.EMAIL_GIVE)
        self.card_give = single(P.CARD_GIVE)
        self.iban_give = single(P.IBAN_GIVE)
        self.name_give = single(P.NAME_GIVE)
        self.second = single(P.SECOND_TOPIC)
        self.short = single(P.SHORT)


_BOOK: _Book | None = None


def _book() -> _Book:
    global _BOOK
    if _BOOK is None:
        _BOOK = _Book()
    return _BOOK


# ---------------------------------------------------------------------------
# Personal data with valid check digits
# ---------------------------------------------------------------------------

def _iin_check(d11: list[int]) -> int | None:
    s = sum(w * x for w, x in zip(range(1, 12), d11)) % 11
    if s == 10:
        s = sum(w * x for w, x in zip([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2], d11)) % 11
        if s == 10:
            return None
    return s


def iin_is_valid(iin: str) -> bool:
    """True if ``iin`` is 12 digits with a correct Kazakhstan IIN/BIN check digit."""
    if len(iin) != 12 or not iin.isdigit():
        return False
    digits = [int(ch) for ch in iin]
    return _iin_check(digits[:11]) == digits[11]


def make_iin(rnd: random.Random) -> str:
    """A random individual identification number (IIN) with a valid check digit.

    Digits 1-6 are the birth date (YYMMDD), digit 7 the century and sex
    (3/4 for 1900-1999, 5/6 from 2000), 8-11 a serial number, 12 the check digit.
    """
    while True:
        year = rnd.randint(1950, 2006)
        day = _dt.date(year, 1, 1) + _dt.timedelta(days=rnd.randrange(365))
        century = (3 if year < 2000 else 5) + rnd.randrange(2)
        body = f"{year % 100:02d}{day.month:02d}{day.day:02d}{century}{rnd.randrange(10000):04d}"
        check = _iin_check([int(ch) for ch in body])
        if check is not None:
            return body + str(check)


def luhn_is_valid(number: str) -> bool:
    """True if the digits of ``number`` (spaces ignored) pass the Luhn check."""
    digits = [int(ch) for ch in number if ch.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return len(digits) >= 12 and total % 10 == 0


_CARD_BINS = ["440043", "400303", "539545", "517792", "415713", "548601", "220220"]


def make_card(rnd: random.Random) -> str:
    """A random 16-digit payment card number that passes the Luhn check."""
    body = _pick(rnd, _CARD_BINS) + "".join(str(rnd.randrange(10)) for _ in range(9))
    for last in range(10):
        if luhn_is_valid(body + str(last)):
            return body + str(last)
    raise AssertionError("unreachable")  # pragma: no cover


def make_iban(rnd: random.Random) -> str:
    """A random Kazakhstan IBAN (KZ, 20 characters) with valid ISO 13616 check digits."""
    bban = f"{rnd.randrange(100, 1000)}" + "".join(str(rnd.randrange(10)) for _ in range(13))
    numeric = bban + "2035" + "00"  # "KZ00" moved to the end, K=20 Z=35
    check = 98 - int(numeric) % 97
    return f"KZ{check:02d}{bban}"


def _make_phone(rnd: random.Random) -> str:
    op = _pick(rnd, ["701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "700"])
    a, b, c = rnd.randrange(1000), rnd.randrange(100), rnd.randrange(100)
    fmt = rnd.randrange(5)
    if fmt == 0:
        return f"+7{op}{a:03d}{b:02d}{c:02d}"
    if fmt == 1:
        return f"+7 {op} {a:03d} {b:02d} {c:02d}"
    if fmt == 2:
        return f"8{op}{a:03d}{b:02d}{c:02d}"
    if fmt == 3:
        return f"8 {op} {a:03d} {b:02d} {c:02d}"
    return f"8 ({op}) {a:03d}-{b:02d}-{c:02d}"


def _make_email(rnd: random.Random) -> str:
    user = _pick(rnd, P.LATIN_NAMES)
    if rnd.random() < 0.5:
        user += _pick(rnd, [".", "_", ""]) + _pick(rnd, P.LATIN_LAST)
    if rnd.random() < 0.5:
        user += str(rnd.randrange(1, 2000))
    return f"{user}@{_pick(rnd, P.EMAIL_DOMAINS)}"


def _make_name(rnd: random.Random, lang: str = "ru") -> str:
    if lang == "en":
        name = _pick(rnd, P.LATIN_NAMES).capitalize()
        if rnd.random() < 0.4:
            last = _pick(rnd, P.LATIN_LAST).capitalize()
            name = f"{name} {last}"
        return name
    name = _pick(rnd, P.FIRST_NAMES)
    if rnd.random() < 0.4:
        last = _pick(rnd, P.LAST_NAMES)
        if name.endswith(("а", "я", "рим", "ыз", "ем", "ерт")) and last.endswith(("ов", "ев", "ин")):
            last += "а"
        name = f"{name} {last}" if rnd.random() < 0.6 else f"{last} {name}"
    return name


def _format_card(rnd: random.Random, card: str) -> str:
    if rnd.random() < 0.5:
        return " ".join(card[i:i + 4] for i in range(0, 16, 4))
    return card


# ---------------------------------------------------------------------------
# Spoken-style noise
# ---------------------------------------------------------------------------

_SWAPS = {"е": "и", "и": "е", "о": "а", "а": "о", "ы": "и", "ә": "а", "ө": "о", "ү": "у", "қ": "к", "ң": "н",
          "ұ": "у", "і": "и"}


def _typo(word: str, rnd: random.Random) -> str:
    i = 1 + int(rnd.random() * (len(word) - 2))
    op = rnd.random()
    if op < 0.35:
        return word[:i] + word[i + 1:]                       # dropped letter
    if op < 0.6:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # swapped letters
    if op < 0.75:
        return word[:i] + word[i] + word[i:]                 # doubled letter
    ch = _SWAPS.get(word[i])
    return word[:i] + ch + word[i + 1:] if ch else word[:i] + word[i + 1:]


def _noisy(text: str, rnd: random.Random, lang: str, p_filler: float, p_typo: float) -> str:
    words = text.split()
    if p_typo:
        for j, w in enumerate(words):
            if len(w) >= 5 and w.isalpha() and rnd.random() < p_typo:
                words[j] = _typo(w, rnd)
    if p_filler and rnd.random() < p_filler:
        fillers = P.FILLERS[lang]
        for _ in range(1 + (rnd.random() < 0.2)):
            words.insert(int(rnd.random() * (len(words) + 1)), _pick(rnd, fillers))
    return " ".join(words)


# ---------------------------------------------------------------------------
# One call
# ---------------------------------------------------------------------------

def _request(b: _Book, rtype: str, lang: str, hard: int, rnd: random.Random) -> str:
    if hard == 1:   # vague
        return _render(_pick(rnd, b.vague[lang]), rnd)
    if hard == 2:   # short: a keyword or two
        return _render(b.short[lang], rnd) + " " + _pick(rnd, b.kw[rtype][lang])
    return _render(_pick(rnd, b.req[rtype][lang]), rnd)


def _call_text(rtype: str, lang: str, channel: str, hard: int, second: str | None,
               rnd: random.Random) -> str:
    b = _book()
    phone = channel == "phone"
    mixed = lang == "mixed"
    if mixed:
        op_lang = "kk" if rnd.random() < 0.5 else "ru"
        other = "ru" if op_lang == "kk" else "kk"
    else:
        op_lang = other = lang
    op_label, caller_label = _LABELS[op_lang]
    caller_lang = other if mixed and rnd.random() < 0.5 else op_lang

    # Caller's request, possibly with a code switch or a second topic.
    req = _request(b, rtype, caller_lang, hard, rnd)
    if mixed:
        # Switch language inside the caller's turn: a second clause in the other language,
        # or the other language's greeting and discourse words around the request.
        alt = "kk" if caller_lang == "ru" else "ru"
        r = rnd.random()
        if r < 0.55 and hard != 2:
            words = _render(_pick(rnd, b.req[rtype][alt]), rnd).split()
            req = req + " " + " ".join(words[: max(3, len(words) // 2)] if rnd.random() < 0.7 else words)
        elif r < 0.8:
            req = _render(_pick(rnd, b.hello[alt]), rnd) + " " + _pick(rnd, P.SWITCH_WORDS[alt]) + " " + req
        else:
            req = req + " " + _pick(rnd, P.SWITCH_WORDS[alt]) + " " + _render(_pick(rnd, b.thanks[alt]), rnd)
    if second is not None:
        req = req + " " + _render(b.second[caller_lang], rnd) + " " + _render(
            _pick(rnd, b.req[second][caller_lang]), rnd)
    p_fill = 0.6 if phone else 0.12
    p_typo = 0.04 if phone else 0.0
    req = _noisy(req, rnd, caller_lang, p_fill, p_typo)

    pii: list[str] = []
    if rnd.random() < _P_NAME:
        pii.append(_render(b.name_give[caller_lang], rnd) + " " + _make_name(rnd, caller_lang))
    if rnd.random() < _P_PHONE.get(rtype, 0.04):
        pii.append(_render(b.phone_give[caller_lang], rnd) + " " + _make_phone(rnd))
    if rnd.random() < _P_EMAIL.get(rtype, 0.015):
        pii.append(_render(b.email_give[caller_lang], rnd) + " " + _make_email(rnd))
    if rnd.random() < _P_CARD.get(rtype, 0.005):
        pii.append(_render(b.card_give[caller_lang], rnd) + " " + _format_card(rnd, make_card(rnd)))
    if rnd.random() < _P_IBAN.get(rtype, 0.0):
        pii.append(_render(b.iban_give[caller_lang], rnd) + " " + make_iban(rnd))

    if channel == "sms":
        text = req if not pii else req + " " + " ".join(pii)
        return text if rnd.random() < 0.5 else text[:1].upper() + text[1:]

    turns: list[tuple[str, str]] = []
    if phone:
        if rnd.random() < 0.25:
            greet = _render(_pick(rnd, b.greet[op_lang]), rnd).replace("@OP", _pick(rnd, P.OPERATOR_NAMES))
            turns.append((op_label, greet))
        opening = _render(_pick(rnd, b.hello[caller_lang]), rnd) if rnd.random() < 0.25 else ""
        name_first = pii and pii[0].split()[0] in ("меня", "менің", "атым", "my")
        head = " ".join(x for x in (opening, pii.pop(0) if name_first and rnd.random() < 0.8 else "") if x)
        turns.append((caller_label, (head + " " + req).strip()))
        if rnd.random() < _P_IIN_PHONE_CALL:
            turns.append((op_label, _render(_pick(rnd, b.id_ask[op_lang]), rnd)))
            turns.append((caller_label, _render(b.id_give[caller_lang], rnd) + " " + make_iin(rnd)))
        if pii:
            if rnd.random() < 0.3:
                turns.append((op_label, _render(_pick(rnd, b.phone_ask[op_lang]), rnd)))
            turns.append((caller_label, " ".join(pii)))
        if hard != 1 and rnd.random() < 0.12:
            answer = _render(_pick(rnd, b.op[rtype][op_lang]), rnd)
            turns.append((op_label, _noisy(answer, rnd, op_lang, 0.0, 0.02)))
        if rnd.random() < 0.15:
            turns.append((op_label, _render(_pick(rnd, b.closing[op_lang]), rnd)))
            if rnd.random() < 0.6:
                turns.append((caller_label, _render(_pick(rnd, b.thanks[caller_lang]), rnd)))
        text = " ".join(f"{label} {text.lower()}" for label, text in turns)
        return _IBAN_LOWER.sub(lambda m: m.group(0).upper(), text) if "kz" in text else text

    # web / messenger / mobile chat: shorter, cleaner turns
    if pii and rnd.random() < 0.7:
        req = req + " " + " ".join(pii)
    elif pii:
        turns.append((caller_label, " ".join(pii)))
    turns.insert(0, (caller_label, req))
    if rnd.random() < 0.08:
        turns.insert(0, (op_label, _render(_pick(rnd, b.greet[op_lang]), rnd).replace("@OP", _pick(rnd, P.OPERATOR_NAMES))))
    if hard != 1 and rnd.random() < 0.1:
        turns.append((op_label, _render(_pick(rnd, b.op[rtype][op_lang]), rnd)))
    return " ".join(f"{label} {text}" for label, text in turns)
