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
This module draws who calls, when, about what and on which channel, and
writes the file; the words of each call (templates, spoken-style noise and
the personal-data makers ``make_iin``, ``make_card``, ``make_iban``, ...)
are in :mod:`callmine.synth_text`, whose public names are re-exported here.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import random
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from callmine import synth_phrases as P
from callmine.errors import CallmineError
from callmine.io import open_text_out
# The transcript of one call; these names were defined here before and stay importable.
from callmine.synth_text import (  # noqa: F401
    _CARD_BINS,
    _IBAN_LOWER,
    _LABELS,
    _P_CARD,
    _P_EMAIL,
    _P_IBAN,
    _P_IIN_PHONE_CALL,
    _P_NAME,
    _P_PHONE,
    _SWAPS,
    _Book,
    _book,
    _call_text,
    _compile,
    _format_card,
    _iin_check,
    _make_email,
    _make_name,
    _make_phone,
    _noisy,
    _parse,
    _pick,
    _render,
    _render_seq,
    _request,
    _typo,
    iin_is_valid,
    luhn_is_valid,
    make_card,
    make_iban,
    make_iin,
)

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
            with open_text_out(tmp, gz=fmt == ".csv.gz") as fh:
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

