"""Automation scenarios: what load and how many operators remain if a share of calls is deflected.

A scenario takes today's calls per request type, deflects a share of chosen
types or automation modes (``self-service``, ``proactive``, ``eliminate``,
...), grows the load by compound growth and staffs every interval of a
typical day with Erlang C (or Erlang A with ``patience``), with and without
automation.

Examples
--------
>>> import pandas as pd
>>> from callmine.scenario import deflect, automation_scenario
>>> load = pd.DataFrame({"request_type": ["status", "password", "complaint"],
...                      "calls": [6000, 4000, 4000],
...                      "mode": ["self-service", "self-service", "operator"]})
>>> deflect(load, {"self-service": 0.5})["residual_calls"].tolist()
[3000.0, 2000.0, 4000.0]
>>> s = automation_scenario(load, {"self-service": 0.5}, years=1)
>>> s[["year", "daily_calls", "residual_daily_calls"]].round(0).values.tolist()
[[0.0, 14000.0, 14000.0], [1.0, 16100.0, 10350.0]]
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from callmine.errors import CallmineError
from callmine.forecast import project_load
from callmine.staffing import staffing_plan

__all__ = ["deflect", "flat_profile", "automation_scenario"]


def _check_load(load, type_col: str, calls_col: str) -> pd.DataFrame:
    if not isinstance(load, pd.DataFrame):
        raise CallmineError(f"load must be a DataFrame with one row per request type; got {type(load).__name__}")
    for col in (type_col, calls_col):
        if col not in load.columns:
            raise CallmineError(f"load has no column {col!r}; columns are {list(load.columns)}")
    if len(load) == 0:
        raise CallmineError("load has no rows (one row per request type)")
    calls = pd.to_numeric(load[calls_col], errors="coerce")
    bad = (calls.isna() | (calls < 0) | ~np.isfinite(calls.astype(float))).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise CallmineError(f"column {calls_col!r} must hold numbers >= 0 (calls per day); got "
                            f"{str(load[calls_col].iloc[i])!r} for {str(load[type_col].iloc[i])!r}")
    out = load.copy()
    out[calls_col] = calls.astype(float)
    return out


def deflect(load: pd.DataFrame, deflection: Mapping[str, float], *, type_col: str = "request_type",
            mode_col: str = "mode", calls_col: str = "calls") -> pd.DataFrame:
    """Deflect a share of the calls of given request types or modes.

    Parameters
    ----------
    load : pandas.DataFrame
        One row per request type with ``type_col`` and ``calls_col`` (calls per
        day), optionally ``mode_col`` (e.g. the ``mode`` of ``automation.csv``).
    deflection : mapping
        Share (0..1) of calls removed, keyed by request type or by mode. A
        request-type key wins over a mode key for the same row.
    type_col, mode_col, calls_col : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        ``load`` plus ``deflection`` (share applied), ``deflected_calls`` and
        ``residual_calls``.
    """
    frame = _check_load(load, type_col, calls_col)
    if not isinstance(deflection, Mapping):
        raise CallmineError(f"deflection must be a mapping of request type or mode to a share; got {deflection!r}")
    types = set(frame[type_col].astype(str))
    modes = set(frame[mode_col].astype(str)) if mode_col in frame.columns else set()
    for key, share in deflection.items():
        if not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise CallmineError(f"deflection share for {key!r} must be in [0, 1]; got {share!r}")
        if str(key) not in types and str(key) not in modes:
            raise CallmineError(f"deflection key {key!r} is neither a request type nor a mode; "
                                f"types are {sorted(types)}" + (f", modes are {sorted(modes)}" if modes else ""))
    by_mode = frame[mode_col].astype(str).map(lambda m: deflection.get(m, np.nan)) \
        if mode_col in frame.columns else pd.Series(np.nan, index=frame.index)
    by_type = frame[type_col].astype(str).map(lambda t: deflection.get(t, np.nan))
    share = by_type.fillna(by_mode).fillna(0.0).astype(float)
    frame["deflection"] = share
    frame["deflected_calls"] = frame[calls_col] * share
    frame["residual_calls"] = frame[calls_col] - frame["deflected_calls"]
    return frame


def flat_profile(interval: int = 1800, open_hours: tuple[float, float] = (8, 20)) -> pd.Series:
    """Equal share of the day's calls in every interval between ``open_hours`` (hours, local time)."""
    start, end = open_hours
    if not (0 <= start < end <= 24):
        raise CallmineError(f"open_hours must be (start, end) hours with 0 <= start < end <= 24; got {open_hours!r}")
    if not isinstance(interval, (int, float)) or interval <= 0 or 86400 % interval:
        raise CallmineError(f"interval must be seconds dividing a day (900, 1800, 3600); got {interval!r}")
    slots = np.arange(0, 86400, interval)
    mask = (slots >= start * 3600) & (slots < end * 3600)
    prof = pd.Series(mask.astype(float), index=pd.Index(slots, name="seconds"))
    return prof / prof.sum()


def automation_scenario(load: pd.DataFrame, deflection: Mapping[str, float], *, annual_growth: float = 0.15,
                        years: int = 5, base_daily_calls: float | None = None, automation_from_year: int = 1,
                        aht: float | str = 180, interval: int = 1800, profile: pd.Series | None = None,
                        service_level: float = 0.8, target_time: float = 20, max_occupancy: float = 1.0,
                        shrinkage: float = 0.0, patience: float | None = None, type_col: str = "request_type",
                        mode_col: str = "mode", calls_col: str = "calls") -> pd.DataFrame:
    """Residual load and agents per year under growth, with and without automation.

    Parameters
    ----------
    load, deflection, type_col, mode_col, calls_col
        As in :func:`deflect` (``calls`` per day today).
    annual_growth : float, default 0.15
        Compound growth of all calls a year.
    years : int, default 5
        Years after year 0 (today).
    base_daily_calls : float, optional
        Today's calls per day; default the sum of ``load[calls_col]`` (the
        load is then used for the type mix only).
    automation_from_year : int, default 1
        First year in which the deflection applies.
    aht : float or str, default 180
        Handle time in seconds, or the name of a per-type column in ``load``
        (the residual mix then changes the mean handle time).
    interval : int, default 1800
        Staffing interval in seconds.
    profile : pandas.Series, optional
        Share of a day's calls per interval (sums to 1), e.g. one column of
        :func:`callmine.forecast.intraday_profile`; default :func:`flat_profile`.
    service_level, target_time, max_occupancy, shrinkage, patience
        Staffing targets, as in :func:`callmine.staffing.required_agents`.

    Returns
    -------
    pandas.DataFrame
        One row per year: ``year``, ``daily_calls``, ``residual_daily_calls``,
        ``deflected_daily_calls``, ``aht_s``/``aht_automated_s``,
        ``peak_agents``/``peak_agents_automated`` (on the phones at the busiest
        interval), ``peak_scheduled``/``peak_scheduled_automated`` (after
        shrinkage), ``agent_hours_per_day``/``agent_hours_per_day_automated``
        (scheduled agents x interval hours summed over the day) and
        ``agents_saved`` (peak scheduled difference).
    """
    frame = deflect(load, deflection, type_col=type_col, mode_col=mode_col, calls_col=calls_col)
    total_today = float(frame[calls_col].sum())
    if total_today <= 0:
        raise CallmineError(f"load has no calls (sum of {calls_col!r} is 0)")
    base = total_today if base_daily_calls is None else float(base_daily_calls)
    residual_share = float(frame["residual_calls"].sum()) / total_today
    if isinstance(aht, str):
        if aht not in frame.columns:
            raise CallmineError(f"aht column {aht!r} not found; columns are {list(frame.columns)}")
        h = pd.to_numeric(frame[aht], errors="coerce")
        if h.isna().any() or (h <= 0).any():
            raise CallmineError(f"aht column {aht!r} must hold handle times > 0 (seconds)")
        aht0 = float((frame[calls_col] * h).sum() / total_today)
        resid = frame["residual_calls"]
        aht1 = float((resid * h).sum() / resid.sum()) if resid.sum() > 0 else aht0
    else:
        if not isinstance(aht, (int, float)) or aht <= 0:
            raise CallmineError(f"aht must be seconds > 0 or a column name; got {aht!r}")
        aht0 = aht1 = float(aht)
    prof = flat_profile(interval) if profile is None else pd.Series(profile, dtype=float)
    if prof.lt(0).any() or not np.isclose(prof.sum(), 1.0, atol=1e-6):
        raise CallmineError(f"profile shares must be >= 0 and sum to 1; they sum to {prof.sum():.6f}")
    shares = prof[prof > 0].to_numpy()

    proj = project_load(base, annual_growth, years)
    rows = []
    for year, daily in zip(proj["year"], proj["daily_calls"]):
        automated = year >= automation_from_year
        resid_daily = daily * (residual_share if automated else 1.0)
        handle1 = aht1 if automated else aht0
        out = {"year": int(year), "daily_calls": float(daily), "residual_daily_calls": float(resid_daily),
               "deflected_daily_calls": float(daily - resid_daily), "aht_s": aht0, "aht_automated_s": handle1}
        for suffix, calls_day, handle in (("", daily, aht0), ("_automated", resid_daily, handle1)):
            plan = staffing_plan(pd.Series(calls_day * shares), interval=interval, aht=handle,
                                 service_level=service_level, target_time=target_time,
                                 max_occupancy=max_occupancy, shrinkage=shrinkage, patience=patience)
            out["peak_agents" + suffix] = int(plan["agents"].max())
            out["peak_scheduled" + suffix] = int(plan["scheduled"].max())
            out["agent_hours_per_day" + suffix] = float(plan["scheduled"].sum() * interval / 3600)
        out["agents_saved"] = out["peak_scheduled"] - out["peak_scheduled_automated"]
        rows.append(out)
    return pd.DataFrame(rows)
