"""From call logs: daily counts, the intraday profile and per-type forecasts.

:func:`daily_counts` turns call start times into calls per day (the input of
:class:`callmine.forecast.LoadForecaster`); :func:`intraday_profile` and
:func:`spread_intraday` spread a daily forecast over 15/30/60-minute
intervals; :func:`forecast_by_type` splits a total forecast by request type so
that the types add up to the total. All are re-exported by
:mod:`callmine.forecast`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from callmine.errors import CallmineError, DataError

if TYPE_CHECKING:
    from callmine.forecast import LoadForecaster


def _timestamps(started_at, name="started_at") -> pd.Series:
    s = pd.Series(started_at) if not isinstance(started_at, pd.Series) else started_at
    if not pd.api.types.is_datetime64_any_dtype(s):
        parsed = pd.to_datetime(s, errors="coerce", format="mixed")
    else:
        parsed = s
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    if parsed.notna().sum() == 0:
        raise DataError(f"{name} has no readable date-times (e.g. 2026-01-15T09:30:00); "
                        f"first values: {list(s.head(3))}")
    return parsed


def daily_counts(started_at, *, weights=None, fill: bool = True) -> pd.Series:
    """Calls per day from ``started_at`` timestamps (or weighted counts).

    Parameters
    ----------
    started_at : array-like of date-times
        One per call (unparseable values are ignored).
    weights : array-like, optional
        Calls per timestamp (e.g. interval counts); default 1 each.
    fill : bool, default True
        Include days without calls between the first and last day as 0.

    Returns
    -------
    pandas.Series
        Calls per day (``calls``), DatetimeIndex named ``date``.
    """
    ts = _timestamps(started_at)
    w = np.ones(len(ts)) if weights is None else pd.to_numeric(pd.Series(weights), errors="coerce").to_numpy()
    frame = pd.DataFrame({"day": ts.dt.normalize().to_numpy(), "w": w}).dropna()
    out = frame.groupby("day")["w"].sum()
    if fill and len(out):
        out = out.reindex(pd.date_range(out.index.min(), out.index.max(), freq="D"), fill_value=0.0)
    out.index = pd.DatetimeIndex(out.index, name="date")
    return out.rename("calls").astype(float)


def _check_freq(freq) -> pd.Timedelta:
    try:
        step = pd.Timedelta(freq)
    except (TypeError, ValueError):
        raise CallmineError(f"freq must be an interval such as '15min', '30min' or '60min'; got {freq!r}") from None
    day = pd.Timedelta(days=1)
    if step <= pd.Timedelta(0) or step > day or day % step != pd.Timedelta(0):
        raise CallmineError(f"freq must divide a day evenly (e.g. '15min', '30min', '60min'); got {freq!r}")
    return step


def intraday_profile(started_at, *, freq="30min", weights=None, by_weekday=True) -> pd.DataFrame:
    """Share of a day's calls in each interval of the day.

    Parameters
    ----------
    started_at : array-like of date-times
        Call start times (local time), or interval start times with ``weights``.
    freq : str, default "30min"
        Interval length: "15min", "30min", "60min", ...
    weights : array-like, optional
        Calls per timestamp (default 1).
    by_weekday : bool, default True
        One profile per weekday (columns 0 = Monday .. 6) or one for all days (column ``all``).

    Returns
    -------
    pandas.DataFrame
        Index ``slot`` (time of day the interval starts, ``datetime.time``),
        one column per weekday with calls, each summing to 1.

    Examples
    --------
    >>> p = intraday_profile(["2026-01-05 09:10", "2026-01-05 09:40", "2026-01-05 10:05"], freq="60min")
    >>> float(p.loc[:, 0].max())
    0.6666666666666666
    """
    step = _check_freq(freq)
    ts = _timestamps(started_at)
    w = np.ones(len(ts)) if weights is None else pd.to_numeric(pd.Series(weights), errors="coerce").to_numpy()
    ok = ts.notna().to_numpy() & np.isfinite(w)
    ts, w = ts[ok], w[ok]
    sec = (ts - ts.dt.normalize()).dt.total_seconds().to_numpy()
    slot = (sec // step.total_seconds()).astype(int)
    n_slots = int(pd.Timedelta(days=1) / step)
    slots = [(pd.Timestamp(0) + k * step).time() for k in range(n_slots)]
    key = ts.dt.day_of_week.to_numpy() if by_weekday else np.zeros(len(ts), dtype=int)
    cols = sorted(set(key.tolist()))
    table = np.zeros((n_slots, len(cols)))
    for j, c in enumerate(cols):
        m = key == c
        table[:, j] = np.bincount(slot[m], weights=w[m], minlength=n_slots)
    sums = table.sum(axis=0)
    table = table / np.where(sums > 0, sums, 1.0)
    out = pd.DataFrame(table, index=pd.Index(slots, name="slot"),
                       columns=cols if by_weekday else ["all"])
    return out


def spread_intraday(daily, profile: pd.DataFrame) -> pd.DataFrame:
    """Spread daily calls over the intervals of each day.

    Parameters
    ----------
    daily : pandas.Series or pandas.DataFrame
        Calls per day (DatetimeIndex); a DataFrame from
        :meth:`LoadForecaster.predict` spreads ``mean``, ``lower`` and ``upper``.
    profile : pandas.DataFrame
        From :func:`intraday_profile`; weekdays missing from it use the mean profile.

    Returns
    -------
    pandas.DataFrame
        One row per interval: ``interval_start`` (Timestamp), ``date``,
        ``calls`` (and ``lower``/``upper`` when given). Each day's intervals add
        up to that day's value.
    """
    if isinstance(daily, pd.Series):
        frame = daily.rename("calls").to_frame()
    elif isinstance(daily, pd.DataFrame):
        if "mean" in daily.columns:
            frame = daily.rename(columns={"mean": "calls"})
        elif "calls" in daily.columns:
            frame = daily
        else:
            raise CallmineError(f"daily needs a 'mean' or 'calls' column; got {list(daily.columns)}")
    else:
        raise CallmineError(f"daily must be a Series or DataFrame of calls per day; got {type(daily).__name__}")
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise CallmineError("daily must have a DatetimeIndex (one date per row)")
    if not isinstance(profile, pd.DataFrame) or profile.empty:
        raise CallmineError("profile must be a non-empty DataFrame from intraday_profile()")
    value_cols = [c for c in ("calls", "lower", "upper") if c in frame.columns]
    mean_prof = profile.mean(axis=1)
    mean_prof = mean_prof / mean_prof.sum()
    slots = list(profile.index)
    offsets = pd.to_timedelta([pd.Timedelta(hours=s.hour, minutes=s.minute, seconds=s.second) for s in slots])
    parts = []
    for day, row in frame.iterrows():
        wd = day.day_of_week
        shares = profile[wd] if wd in profile.columns else (profile["all"] if "all" in profile.columns else mean_prof)
        if shares.sum() <= 0:
            shares = mean_prof
        shares = shares.to_numpy()
        part = {"interval_start": day.normalize() + offsets, "date": day.normalize()}
        for c in value_cols:
            part[c] = float(row[c]) * shares
        parts.append(pd.DataFrame(part))
    if not parts:
        return pd.DataFrame(columns=["interval_start", "date"] + value_cols)
    return pd.concat(parts, ignore_index=True)


def forecast_by_type(started_at, request_type, *, steps: int, forecaster: LoadForecaster | None = None,
                     share_days: int = 28, total: pd.DataFrame | None = None) -> pd.DataFrame:
    """Forecast calls per request type that add up to the total forecast.

    The total is forecast by ``forecaster`` (a :class:`LoadForecaster`) from
    the daily counts; each type gets its share of the calls in the last
    ``share_days`` days (top-down), so the types always sum to the total.

    Parameters
    ----------
    started_at : array-like of date-times
        Start time of each call.
    request_type : array-like
        Request type of each call (same length).
    steps : int
        Days to forecast.
    forecaster : LoadForecaster, optional
        Unfitted forecaster to use (default ``LoadForecaster()``).
    share_days : int, default 28
        Recent days used for the type shares.
    total : pandas.DataFrame, optional
        An existing total forecast (``mean``/``lower``/``upper``) to split instead.

    Returns
    -------
    pandas.DataFrame
        Long format: ``date``, ``request_type``, ``share``, ``mean``, ``lower``,
        ``upper``; for each date ``mean`` sums to the total forecast. The
        total's interval is scaled by the share (a simple but conservative
        per-type interval).
    """
    ts = _timestamps(started_at)
    types = pd.Series(request_type).astype("string").fillna("unknown").to_numpy()
    if len(types) != len(ts):
        raise CallmineError(f"request_type has {len(types)} values but started_at has {len(ts)}")
    if not isinstance(share_days, (int, np.integer)) or share_days < 1:
        raise CallmineError(f"share_days must be a whole number >= 1; got {share_days!r}")
    ok = ts.notna().to_numpy()
    day = ts[ok].dt.normalize()
    if total is None:
        from callmine.forecast import LoadForecaster  # forecast.py imports this module

        model = forecaster if forecaster is not None else LoadForecaster()
        total = model.fit(daily_counts(ts[ok])).predict(steps)
    recent = day >= day.max() - pd.Timedelta(days=share_days - 1)
    counts = pd.Series(types[ok][recent.to_numpy()]).value_counts()
    shares = (counts / counts.sum()).sort_index()
    rows = []
    for date, r in total.iterrows():
        for typ, sh in shares.items():
            rows.append((date, typ, float(sh), r["mean"] * sh, r["lower"] * sh, r["upper"] * sh))
    return pd.DataFrame(rows, columns=["date", "request_type", "share", "mean", "lower", "upper"])
