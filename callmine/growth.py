"""Compound-growth projections of the call load (re-exported by :mod:`callmine.forecast`).

:func:`project_load` answers "how many calls a day in year N?" by compound
growth (14,000 calls/day growing 15% a year reaches 14,000 x 1.15^5 = 28,159.0
in year 5); :func:`project_periods` breaks such a projection down by month or
day with a seasonal profile, e.g. from :func:`seasonal_profile`.

Examples
--------
>>> from callmine.forecast import project_load
>>> float(round(project_load(14000, 0.15, 5)["daily_calls"].iloc[-1], 1))
28159.0
"""

from __future__ import annotations

import datetime as _dt
from typing import Iterable

import numpy as np
import pandas as pd

from callmine.errors import CallmineError

_DAYS_PER_YEAR = 365.25


def _check_growth_args(base_daily_calls, annual_growth, years):
    if not isinstance(base_daily_calls, (int, float, np.integer, np.floating)) or not (
            np.isfinite(base_daily_calls) and base_daily_calls >= 0):
        raise CallmineError(f"base_daily_calls must be a number >= 0 (calls per day); got {base_daily_calls!r}")
    if not isinstance(annual_growth, (int, float, np.integer, np.floating)) or not (
            np.isfinite(annual_growth) and annual_growth > -1):
        raise CallmineError(f"annual_growth must be a number > -1 (0.15 means +15% a year); got {annual_growth!r}")
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or years < 0:
        raise CallmineError(f"years must be a whole number >= 0; got {years!r}")


def project_load(base_daily_calls=14000, annual_growth=0.15, years=5, start=None, *, days_per_year=365):
    """Calls per day and per year under compound growth.

    Parameters
    ----------
    base_daily_calls : float, default 14000
        Calls per day in year 0 (today).
    annual_growth : float, default 0.15
        Growth per year as a share (0.15 = +15% a year).
    years : int, default 5
        Years to project after year 0.
    start : date-like, int or None
        First day of year 0 (or a calendar year such as 2026); when given, a
        ``start`` column holds the first day of each projected year.
    days_per_year : int, default 365
        Open days per year, for ``annual_calls``.

    Returns
    -------
    pandas.DataFrame
        One row per year: ``year`` (0 = base), ``daily_calls``
        (``base x (1 + growth)^year``), ``annual_calls`` (``daily_calls x
        days_per_year``), and ``start`` when ``start`` is given.

    Examples
    --------
    >>> project_load(14000, 0.15, 2)["daily_calls"].round(1).tolist()
    [14000.0, 16100.0, 18515.0]
    """
    _check_growth_args(base_daily_calls, annual_growth, years)
    if not isinstance(days_per_year, (int, float)) or not 0 < days_per_year <= 366:
        raise CallmineError(f"days_per_year must be in (0, 366]; got {days_per_year!r}")
    year = np.arange(years + 1)
    daily = float(base_daily_calls) * (1.0 + float(annual_growth)) ** year
    out = pd.DataFrame({"year": year, "daily_calls": daily, "annual_calls": daily * days_per_year})
    if start is not None:
        first = _start_date(start)
        out["start"] = [first + pd.DateOffset(years=int(k)) for k in year]
    return out


def _start_date(start) -> pd.Timestamp:
    if isinstance(start, (int, np.integer)) and not isinstance(start, bool):
        return pd.Timestamp(year=int(start), month=1, day=1)
    try:
        return pd.Timestamp(start).normalize()
    except (TypeError, ValueError):
        raise CallmineError(f"start must be a date (e.g. '2026-01-01') or a year; got {start!r}") from None


def _normalise_profile(profile, keys: Iterable[int], name: str) -> dict[int, float]:
    keys = list(keys)
    if profile is None:
        return {k: 1.0 for k in keys}
    prof = pd.Series(profile, dtype=float)
    missing = [k for k in keys if k not in prof.index]
    if missing or (prof.reindex(keys) < 0).any() or not np.isfinite(prof.reindex(keys)).all():
        raise CallmineError(f"{name} needs a factor >= 0 for each of {keys}; got {dict(prof)!r}")
    prof = prof.reindex(keys)
    if prof.sum() <= 0:
        raise CallmineError(f"{name} factors are all zero")
    return {int(k): float(v) for k, v in (prof / prof.mean()).items()}


def seasonal_profile(y: pd.Series) -> dict[str, dict[int, float]]:
    """Monthly and weekday factors (mean 1) from a daily call series.

    Returns ``{"monthly": {1..12: factor}, "weekday": {0..6: factor}}`` for
    :func:`project_periods`; months or weekdays absent from ``y`` get factor 0
    for weekdays (closed) and 1 for months (unknown). Monthly factors are
    computed from weekday-adjusted values, so a month with more Mondays does
    not look busier.
    """
    s = _validate_series(y, "y")
    dow = s.groupby(s.index.day_of_week).mean()
    weekday = {d: float(dow.get(d, 0.0) / dow.mean()) for d in range(7)}
    adj = s / s.index.day_of_week.map(lambda d: weekday[d] or 1.0).to_numpy()
    mon = adj.groupby(adj.index.month).mean()
    monthly = {m: float(mon.get(m, np.nan) / mon.mean()) for m in range(1, 13)}
    monthly = {m: (v if np.isfinite(v) else 1.0) for m, v in monthly.items()}
    return {"monthly": monthly, "weekday": weekday}


def project_periods(base_daily_calls=14000, annual_growth=0.15, years=5, start=None, *,
                    freq="month", monthly_profile=None, weekday_profile=None):
    """Break a compound-growth projection down by month or by day.

    Calls grow smoothly (``base x (1 + growth)^(t / 365.25 days)``) and are
    shaped by seasonal factors whose mean is 1, so a year's total matches the
    smooth growth curve.

    Parameters
    ----------
    base_daily_calls, annual_growth, years
        As in :func:`project_load`.
    start : date-like or int, optional
        First day of year 0 (default: 1 January of the current year).
    freq : {"month", "day"}
        One row per month or per day.
    monthly_profile : dict or Series, optional
        Factor per month 1..12 (normalised to mean 1), e.g. from :func:`seasonal_profile`.
    weekday_profile : dict or Series, optional
        Factor per weekday 0 (Monday)..6, normalised to mean 1; used when ``freq="day"``.

    Returns
    -------
    pandas.DataFrame
        ``period`` (first day), ``days``, ``daily_calls`` (mean per day in the
        period) and ``calls`` (period total).

    Examples
    --------
    >>> m = project_periods(14000, 0.15, 1, start="2026-01-01")
    >>> len(m), int(m["calls"].iloc[:12].sum() / 365)
    (24, 15021)
    """
    _check_growth_args(base_daily_calls, annual_growth, years)
    if freq not in ("month", "day"):
        raise CallmineError(f"freq must be 'month' or 'day'; got {freq!r}")
    first = _start_date(start if start is not None else _dt.date.today().replace(month=1, day=1))
    end = first + pd.DateOffset(years=years + 1)
    days = pd.date_range(first, end - pd.Timedelta(days=1), freq="D")
    t = (days - first).days.to_numpy() / _DAYS_PER_YEAR
    daily = float(base_daily_calls) * (1.0 + float(annual_growth)) ** t
    monthly = _normalise_profile(monthly_profile, range(1, 13), "monthly_profile")
    weekday = _normalise_profile(weekday_profile, range(7), "weekday_profile")
    daily = daily * np.array([monthly[m] for m in days.month])
    if freq == "day":
        daily = daily * np.array([weekday[d] for d in days.day_of_week])
        return pd.DataFrame({"period": days, "days": 1, "daily_calls": daily, "calls": daily})
    frame = pd.DataFrame({"calls": daily}, index=days)
    grouped = frame.groupby(days.to_period("M"))["calls"]
    out = pd.DataFrame({"period": grouped.sum().index.to_timestamp(), "days": grouped.size().to_numpy(),
                        "calls": grouped.sum().to_numpy()})
    out["daily_calls"] = out["calls"] / out["days"]
    return out[["period", "days", "daily_calls", "calls"]]


def _validate_series(y, name: str = "y") -> pd.Series:
    if not isinstance(y, pd.Series):
        raise CallmineError(f"{name} must be a pandas Series of calls per day; got {type(y).__name__}")
    if not isinstance(y.index, pd.DatetimeIndex):
        raise CallmineError(f"{name} must have a DatetimeIndex (one date per day); got {type(y.index).__name__}")
    s = pd.to_numeric(y, errors="coerce").astype(float)
    odd = np.isinf(s.to_numpy()) | (s.isna() & y.notna() & (y.astype("string").str.strip() != "")).to_numpy()
    if odd.any():
        i = int(np.flatnonzero(odd)[0])
        raise CallmineError(f"{name} has a non-finite or non-numeric value on "
                            f"{pd.Timestamp(y.index[i]).date()} ({y.iloc[i]!r}); calls must be numbers >= 0 "
                            "(NaN or empty for a gap)")
    s.index = pd.DatetimeIndex(y.index).tz_localize(None) if y.index.tz is not None else pd.DatetimeIndex(y.index)
    s.index = s.index.normalize()
    if s.index.has_duplicates:
        dup = s.index[s.index.duplicated()][0]
        raise CallmineError(f"{name} has more than one value for {dup.date()}; aggregate to one value per day")
    s = s.sort_index()
    if (s < 0).any():
        bad = s[s < 0].index[0]
        raise CallmineError(f"{name} has a negative value on {bad.date()} ({s[bad]}); calls must be >= 0")
    return s
