"""Synthetic call logs of a national e-government hotline (Kazakhstan).

The generator models the case callmine was built for: a single national
contact center (1414 / egov) answering questions about public services, with
about 14,000 calls a day growing some 15% a year. It produces the columns of
a callmine call log (``call_id``, ``started_at``, ``channel``, ``language``,
``duration_s``, ``text``, the ground-truth ``request_type``) plus a hashed
``caller_id`` with repeat callers.

What is modelled
----------------
* 35 request types with long-tailed shares (see :data:`REQUEST_TYPES`), some
  with a seasonal peak (school enrolment in spring and August, property tax
  in autumn, ...).
* Transcripts in Russian, Kazakh and English, and ``mixed`` calls that switch
  language between or inside turns; Kazakh phrasings borrow Russian
  administrative terms (ЭЦП, справка, заявка) as callers really do.
* Spoken style for phone calls: no punctuation, lower case, fillers (ээ, ну,
  вот, мм, um), speech-recognition typos (dropped, doubled and swapped
  letters), speaker turns (``Оператор:``/``Абонент:``, ``Маман:``/``Клиент:``,
  ``Agent:``/``Caller:``), greeting, identity check and closing boilerplate.
  Chat channels have shorter, cleaner turns; SMS is one message.
* Personal data in some calls: IINs with a valid check digit, +7/8 phone
  numbers, Luhn-valid card numbers, emails, IBANs and names after
  "меня зовут" / "менің атым" / "my name is".
* About 7% hard calls: very short, vague, or mixing two topics (labelled by
  the first), so that classifiers cannot be perfect.
* Time: calls spread over ``years`` years with ``annual_growth``, a weekly
  pattern (weekdays heavy, Saturday lighter, Sunday light), an intraday
  pattern (peaks 10-12 and 14-16, phone lines 08:00-20:00, chats a little
  wider) and fewer calls on Kazakhstan public holidays (``holidays`` package).

Everything is deterministic for a seed, and independent of ``chunksize``.
"""

from __future__ import annotations

import datetime as _dt
import gzip
import json
import os
import random
import re
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from callmine import synth_phrases as P
from callmine.errors import CallmineError

__all__ = ["REQUEST_TYPES", "COLUMNS", "generate_calls", "iter_generated", "write_calls",
           "make_iin", "iin_is_valid", "make_card", "luhn_is_valid", "make_iban"]

COLUMNS = ["call_id", "started_at", "channel", "language", "duration_s", "text", "request_type",
           "caller_id"]
CHANNELS = ["phone", "web", "messenger", "mobile", "sms"]
LANGUAGES = ["ru", "kk", "en", "mixed"]
LANGUAGE_SHARES = np.array([0.52, 0.30, 0.05, 0.13])
DEFAULT_CHANNEL_MIX = (0.62, 0.12, 0.13, 0.08, 0.05)
#: Request type ids (stable snake_case), most frequent first.
REQUEST_TYPES: list[str] = sorted(P.TYPES, key=lambda t: -P.TYPES[t]["share"])

# Relative call volume by weekday (Mon..Sun) and by hour (0..23).
WEEKDAY_FACTOR = np.array([1.18, 1.10, 1.06, 1.04, 0.98, 0.50, 0.28])
HOLIDAY_FACTOR = 0.35
_PHONE_HOURS = np.zeros(24)
_PHONE_HOURS[8:20] = [0.45, 0.85, 1.30, 1.35, 1.00, 0.80, 1.25, 1.30, 1.00, 0.75, 0.50, 0.30]
_CHAT_HOURS = _PHONE_HOURS.copy()
_CHAT_HOURS[[6, 7, 20, 21, 22, 23]] = [0.05, 0.15, 0.30, 0.25, 0.15, 0.08]
_CHANNEL_AHT = np.array([1.0, 1.25, 1.35, 1.2, 0.6])   # chats take longer per contact, sms shorter
HARD_SHARE = 0.09
REPEAT_SHARE = 0.12

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


# ---------------------------------------------------------------------------
# Calendar and volumes
# ---------------------------------------------------------------------------

def _check_params(n: int, start: str, years: int, annual_growth: float, chunksize: int) -> _dt.date:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise CallmineError(f"n must be a non-negative integer; got {n!r}")
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or years < 1:
        raise CallmineError(f"years must be a positive integer; got {years!r}")
    if not isinstance(annual_growth, (int, float)) or not -0.9 < annual_growth < 10:
        raise CallmineError(f"annual_growth must be a number between -0.9 and 10; got {annual_growth!r}")
    if isinstance(chunksize, bool) or not isinstance(chunksize, (int, np.integer)) or chunksize < 1:
        raise CallmineError(f"chunksize must be a positive integer; got {chunksize!r}")
    try:
        return _dt.date.fromisoformat(str(start)[:10])
    except ValueError:
        raise CallmineError(f"start must be an ISO date like '2023-01-01'; got {start!r}") from None


def _days(start: _dt.date, years: int) -> list[_dt.date]:
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return [start + _dt.timedelta(days=i) for i in range((end - start).days)]


def _holiday_set(days: list[_dt.date]) -> set:
    import holidays as _holidays

    kz = _holidays.country_holidays("KZ", years=range(days[0].year, days[-1].year + 1))
    # "Day off (substituted ...)" entries are real days off too; working Saturdays are ignored.
    return set(kz)


def daily_weights(start: _dt.date, years: int, annual_growth: float, seed: int) -> tuple[list, np.ndarray]:
    """Relative expected calls per calendar day (growth x weekday x holiday x noise)."""
    days = _days(start, years)
    hol = _holiday_set(days)
    t = np.arange(len(days)) / 365.25
    dow = np.array([d.weekday() for d in days])
    w = (1.0 + annual_growth) ** t * WEEKDAY_FACTOR[dow]
    w *= np.where([d in hol for d in days], HOLIDAY_FACTOR, 1.0)
    w *= np.exp(np.random.default_rng([seed, 7]).normal(0.0, 0.06, len(days)))
    return days, w / w.sum()


def _type_tables():
    types = REQUEST_TYPES
    share = np.array([P.TYPES[t]["share"] for t in types], dtype=float)
    month_p = np.empty((13, len(types)))
    for m in range(1, 13):
        f = np.array([P.TYPES[t].get("season", {}).get(m, 1.0) for t in types])
        month_p[m] = share * f / (share * f).sum()
    ch_cum = np.cumsum([P.TYPES[t].get("channels", DEFAULT_CHANNEL_MIX) for t in types], axis=1)
    ch_cum /= ch_cum[:, -1:]
    aht = np.array([P.TYPES[t]["aht"] for t in types], dtype=float)
    return month_p, ch_cum, aht


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------

def iter_generated(n: int, *, seed: int = 0, start: str = "2023-01-01", years: int = 3,
                   annual_growth: float = 0.15, chunksize: int = 50_000) -> Iterator[pd.DataFrame]:
    """Yield the synthetic call log of :func:`generate_calls` in chunks of ``chunksize`` rows.

    Memory stays flat whatever ``n`` is; concatenating the chunks gives exactly
    ``generate_calls(n, seed=seed, ...)``, whatever the chunk size.
    """
    start_d = _check_params(n, start, years, annual_growth, chunksize)
    days, w = daily_weights(start_d, years, annual_growth, seed)
    counts = np.random.default_rng([seed, 1]).multinomial(n, w)
    month_p, ch_cum, aht = _type_tables()
    phone_h = _PHONE_HOURS / _PHONE_HOURS.sum()
    chat_h = _CHAT_HOURS / _CHAT_HOURS.sum()
    pool: list[tuple[str, int, int]] = []
    buf: list[pd.DataFrame] = []
    buffered = 0
    next_id = 0
    for d, (day, k) in enumerate(zip(days, counts)):
        if k == 0:
            continue
        rng = np.random.default_rng([seed, 2, d])
        rnd = random.Random(int(rng.integers(2**62)))
        k = int(k)
        types = rng.choice(len(REQUEST_TYPES), size=k, p=month_p[day.month])
        langs = rng.choice(4, size=k, p=LANGUAGE_SHARES)
        chans = (rng.random(k)[:, None] > ch_cum[types]).sum(axis=1)
        hours = np.where(chans == 0, rng.choice(24, size=k, p=phone_h), rng.choice(24, size=k, p=chat_h))
        secs = hours * 3600 + rng.integers(0, 3600, size=k)
        order = np.argsort(secs, kind="stable")   # rows of a day in time order
        types, langs, chans, secs = types[order], langs[order], chans[order], secs[order]
        dur = rng.lognormal(np.log(aht[types] * _CHANNEL_AHT[chans]), 0.45)
        u_hard = rng.random(k)
        hard = np.where(u_hard < HARD_SHARE, 1 + (u_hard < HARD_SHARE * 0.75) + (u_hard < HARD_SHARE * 0.35), 0)
        # hard: 1 vague, 2 short, 3 two topics (share ~ 0.25 / 0.40 / 0.35 of hard calls)
        second = rng.choice(len(REQUEST_TYPES), size=k, p=month_p[day.month])
        base = _dt.datetime(day.year, day.month, day.day)
        rows_text, rows_type, rows_lang, rows_caller, rows_dur = [], [], [], [], []
        for j in range(k):
            t, lg = int(types[j]), int(langs[j])
            dj = float(dur[j])
            if pool and rnd.random() < REPEAT_SHARE:
                caller, pt, pl = _pick(rnd, pool)
                if rnd.random() < 0.65:   # calling again about the same matter
                    if pt != t:
                        dj *= aht[pt] / aht[t]
                    t, lg = pt, pl
            else:
                caller = f"c{rnd.randrange(10**8):08d}"
            if len(pool) < 5000:
                pool.append((caller, t, lg))
            else:
                pool[rnd.randrange(5000)] = (caller, t, lg)
            h = int(hard[j])
            sec = None
            if h == 3:
                s2 = int(second[j])
                sec = REQUEST_TYPES[s2] if s2 != t else None
                h = 0
            rtype = REQUEST_TYPES[t]
            text = _call_text(rtype, LANGUAGES[lg], CHANNELS[int(chans[j])], h, sec, rnd)
            if h == 2:
                dj *= 0.4
            rows_text.append(text)
            rows_type.append(rtype)
            rows_lang.append(LANGUAGES[lg])
            rows_caller.append(caller)
            rows_dur.append(dj)
        stamps = [(base + _dt.timedelta(seconds=int(s))).isoformat() for s in secs]
        frame = pd.DataFrame({
            "call_id": [f"C{next_id + j:08d}" for j in range(k)],
            "started_at": stamps,
            "channel": [CHANNELS[int(c)] for c in chans],
            "language": rows_lang,
            "duration_s": np.clip(np.rint(rows_dur), 15, 3600).astype("int64"),
            "text": rows_text,
            "request_type": rows_type,
            "caller_id": rows_caller,
        })
        next_id += k
        buf.append(frame)
        buffered += k
        while buffered >= chunksize:
            whole = pd.concat(buf, ignore_index=True)
            yield whole.iloc[:chunksize].reset_index(drop=True)
            rest = whole.iloc[chunksize:].reset_index(drop=True)
            buf, buffered = ([rest] if len(rest) else []), len(rest)
    if buffered:
        yield pd.concat(buf, ignore_index=True)


def generate_calls(n: int, *, seed: int = 0, start: str = "2023-01-01", years: int = 3,
                   annual_growth: float = 0.15) -> pd.DataFrame:
    """Generate ``n`` synthetic hotline calls as a DataFrame.

    Parameters
    ----------
    n : int
        Number of calls (rows).
    seed : int, default 0
        Random seed; the same seed gives the same rows.
    start : str, default "2023-01-01"
        First calendar day (ISO date).
    years : int, default 3
        Length of the period in years; calls are spread over every day of it.
    annual_growth : float, default 0.15
        Growth of the daily volume per year (0.15 = +15% a year).

    Returns
    -------
    pandas.DataFrame
        Columns ``call_id``, ``started_at`` (ISO date-time string, sorted),
        ``channel``, ``language`` (``ru``, ``kk``, ``en`` or ``mixed``),
        ``duration_s`` (int), ``text``, ``request_type`` (ground truth) and
        ``caller_id`` (hashed, never a phone number).

    Examples
    --------
    >>> from callmine.synth import generate_calls
    >>> calls = generate_calls(100, seed=1)
    >>> list(calls.columns)[:4]
    ['call_id', 'started_at', 'channel', 'language']
    """
    chunks = list(iter_generated(n, seed=seed, start=start, years=years, annual_growth=annual_growth,
                                 chunksize=max(int(n), 1)))
    if not chunks:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "duration_s" else object) for c in COLUMNS})
    return chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)


_FORMATS = (".csv.gz", ".csv", ".jsonl", ".parquet")


def write_calls(path: str | os.PathLike, n: int, *, seed: int = 0, chunksize: int = 50_000,
                start: str = "2023-01-01", years: int = 3, annual_growth: float = 0.15,
                progress=None) -> int:
    """Write ``n`` synthetic calls to ``path`` in chunks (flat memory); return the rows written.

    The format follows the extension: ``.csv``, ``.csv.gz``, ``.jsonl`` or
    ``.parquet``. The file is written to a temporary name and renamed at the
    end, so an interrupted run leaves no partial file. ``progress``, if given,
    is called with the number of rows written so far after each chunk.
    """
    path = Path(path)
    name = path.name.lower()
    fmt = next((f for f in _FORMATS if name.endswith(f)), None)
    if fmt is None:
        raise CallmineError(f"output file {str(path)!r} has an unsupported extension; "
                            f"use one of {', '.join(_FORMATS)}")
    chunks = iter_generated(n, seed=seed, start=start, years=years, annual_growth=annual_growth,
                            chunksize=chunksize)
    tmp = path.with_name(path.name + ".tmp")
    written = 0
    try:
        if fmt == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            writer = None
            try:
                for chunk in chunks:
                    table = pa.Table.from_pandas(chunk, preserve_index=False)
                    if writer is None:
                        writer = pq.ParquetWriter(tmp, table.schema)
                    writer.write_table(table)
                    written += len(chunk)
                    if progress:
                        progress(written)
                if writer is None:
                    pd.DataFrame(columns=COLUMNS).to_parquet(tmp, index=False)
            finally:
                if writer is not None:
                    writer.close()
        else:
            opener = gzip.open if fmt == ".csv.gz" else open
            with opener(tmp, "wt", encoding="utf-8", newline="") as fh:
                first = True
                for chunk in chunks:
                    if fmt == ".jsonl":
                        for rec in chunk.to_dict(orient="records"):
                            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    else:
                        chunk.to_csv(fh, header=first, index=False, lineterminator="\n")
                    first = False
                    written += len(chunk)
                    if progress:
                        progress(written)
                if first and fmt != ".jsonl":
                    fh.write(",".join(COLUMNS) + "\n")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return written


def type_shares() -> pd.DataFrame:
    """The modelled request types with their base share (0..1) and median handle time (s)."""
    share = np.array([P.TYPES[t]["share"] for t in REQUEST_TYPES], dtype=float)
    return pd.DataFrame({"request_type": REQUEST_TYPES, "share": share / share.sum(),
                         "median_duration_s": [P.TYPES[t]["aht"] for t in REQUEST_TYPES]})

