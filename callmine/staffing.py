"""How many operators a call load needs, from Erlang C or Erlang A.

:func:`required_agents` finds the smallest number of agents that meets a
service target (share answered within a time, an occupancy cap) for one
interval, and :func:`staffing_plan` does it for every interval of a forecast
at once. Times are in **seconds**, traffic in Erlangs. The queueing formulas
themselves (Erlang B, C and A, service level, ASA, occupancy) are in
:mod:`callmine.erlang` and re-exported here.

Examples
--------
>>> from callmine.staffing import erlang_c, service_level, required_agents
>>> round(erlang_c(10, 14), 7)            # 100 calls / 30 min x 180 s = 10 Erlangs
0.1741319
>>> round(service_level(10, 14, aht=180, target_time=20), 5)
0.88835
>>> required_agents(100, 1800, 180, shrinkage=0.3)["scheduled"]
20
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from callmine.errors import CallmineError
# The queueing formulas; these names were defined here before and stay importable.
from callmine.erlang import (  # noqa: F401
    _SERIES_X,
    _TINY,
    _as_agents,
    _as_positive,
    _as_traffic,
    _erlang_a,
    _erlang_b,
    _erlang_c,
    _inverse_b_series,
    _log_a_fn,
    _log_a_series,
    _out,
    _service_level,
    average_speed_of_answer,
    erlang_a,
    erlang_b,
    erlang_c,
    occupancy,
    service_level,
    traffic_intensity,
)

__all__ = [
    "erlang_b",
    "erlang_c",
    "service_level",
    "average_speed_of_answer",
    "occupancy",
    "erlang_a",
    "traffic_intensity",
    "required_agents",
    "staffing_plan",
]


# ---------------------------------------------------------------------------
# required agents and plans
# ---------------------------------------------------------------------------

def _check_targets(service_level, target_time, max_occupancy, shrinkage, patience):
    if not (isinstance(service_level, (int, float)) and 0 < service_level < 1):
        raise CallmineError(f"service_level must be a share strictly between 0 and 1; got {service_level!r}")
    if not (isinstance(target_time, (int, float)) and target_time >= 0):
        raise CallmineError(f"target_time must be a number of seconds >= 0; got {target_time!r}")
    if not (isinstance(max_occupancy, (int, float)) and 0 < max_occupancy <= 1):
        raise CallmineError(f"max_occupancy must be a share in (0, 1]; got {max_occupancy!r}")
    if not (isinstance(shrinkage, (int, float)) and 0 <= shrinkage < 1):
        raise CallmineError(f"shrinkage must be a share in [0, 1); got {shrinkage!r}")
    if patience is not None and not (isinstance(patience, (int, float)) and patience > 0):
        raise CallmineError(f"patience must be a number of seconds > 0 or None; got {patience!r}")


def _metrics(a, n, aht, target_time, patience):
    """Service level, ASA, occupancy, P(wait), P(abandon) for arrays a, n (n >= 1)."""
    if patience is None or math.isinf(patience):
        c = _erlang_c(a, n)
        sl = _service_level(a, n, aht, target_time)
        with np.errstate(divide="ignore", invalid="ignore"):
            asa = np.where(n > a, c * aht / (n - a), np.inf)
        occ = np.minimum(a / n, 1.0)
        return {"service_level": sl, "asa": asa, "occupancy": occ, "p_wait": c,
                "p_abandon": np.zeros_like(sl)}
    r = _erlang_a(a, n, aht, patience, target_time)
    return {k: r[k] for k in ("service_level", "asa", "occupancy", "p_wait", "p_abandon")}


def _ok(a, n, aht, target_time, service_level, max_occupancy, patience):
    m = _metrics(a, n, aht, target_time, patience)
    ok = (m["service_level"] >= service_level - 1e-12) & (m["occupancy"] <= max_occupancy + 1e-12)
    if patience is None:
        ok &= n > a
    return ok


def _solve_agents(a, aht, service_level, target_time, max_occupancy, patience):
    """Smallest n >= 1 meeting the targets, vectorised over traffic values ``a`` (> 0)."""
    a = np.asarray(a, dtype=float)
    lo = np.zeros(a.shape)                       # predicate false at lo (n = 0 never works)
    hi = np.maximum(np.ceil(a / max_occupancy + 10 * np.sqrt(a) + 20), 1.0)
    for _ in range(60):
        bad = ~_ok(a, hi, aht, target_time, service_level, max_occupancy, patience)
        if not np.any(bad):
            break
        hi = np.where(bad, hi * 2, hi)
    else:  # pragma: no cover - targets are validated to be reachable
        raise CallmineError("could not meet the service target with any number of agents")
    while np.any(hi - lo > 1):
        mid = np.floor((lo + hi) / 2)
        mid = np.where(hi - lo > 1, mid, hi)
        good = _ok(a, np.maximum(mid, 1.0), aht, target_time, service_level, max_occupancy, patience)
        hi = np.where(good & (hi - lo > 1), mid, hi)
        lo = np.where(~good & (hi - lo > 1), mid, lo)
    return hi


def _scheduled(agents: np.ndarray, shrinkage: float) -> np.ndarray:
    # ceil(agents / (1 - shrinkage)), tolerant of float noise (14 / 0.7 -> 20, not 21)
    return np.ceil(np.round(agents / (1.0 - shrinkage), 9))


def required_agents(calls, interval, aht, service_level=0.8, target_time=20,
                    max_occupancy=1.0, shrinkage=0.0, *, patience=None):
    """Agents needed for a service target in one interval.

    Parameters
    ----------
    calls : float
        Calls offered in the interval.
    interval : float
        Interval length in seconds (1800 for 30 minutes).
    aht : float
        Average handle time in seconds.
    service_level : float, default 0.8
        Share of calls to answer within ``target_time``.
    target_time : float, default 20
        Answer target in seconds.
    max_occupancy : float, default 1.0
        Upper limit on ``traffic / agents`` (0.85 keeps agents 15% idle).
    shrinkage : float, default 0.0
        Share of paid time away from the phones (breaks, training, absence).
    patience : float or None, keyword-only
        Mean caller patience in seconds: use Erlang A instead of Erlang C.

    Returns
    -------
    dict
        ``agents`` (on the phones), ``scheduled`` (``ceil(agents / (1 - shrinkage))``),
        ``traffic`` (Erlangs), ``service_level``, ``asa`` (seconds), ``occupancy``,
        ``p_wait``, ``p_abandon`` (0 under Erlang C) and ``binding``: which target
        set the number (``"service_level"`` or ``"max_occupancy"``).

    Examples
    --------
    >>> r = required_agents(1000, 3600, 120, max_occupancy=0.85, shrinkage=0.3)
    >>> r["agents"], r["scheduled"], r["binding"]
    (40, 58, 'max_occupancy')
    """
    _check_targets(service_level, target_time, max_occupancy, shrinkage, patience)
    calls_f = float(_as_traffic(calls, "calls", "calls per interval"))
    interval_f = float(_as_positive(interval, "interval"))
    aht_f = float(_as_positive(aht, "aht"))
    plan = _plan_arrays(np.array([calls_f]), interval_f, aht_f, service_level, target_time,
                        max_occupancy, shrinkage, patience)
    row = {k: v[0] for k, v in plan.items()}
    out: dict[str, Any] = {
        "agents": int(row["agents"]),
        "scheduled": int(row["scheduled"]),
        "traffic": float(row["traffic"]),
        "service_level": float(row["service_level"]),
        "asa": float(row["asa"]),
        "occupancy": float(row["occupancy"]),
        "p_wait": float(row["p_wait"]),
        "p_abandon": float(row["p_abandon"]),
        "binding": str(row["binding"]),
    }
    return out


def _plan_arrays(calls, interval, aht, service_level, target_time, max_occupancy, shrinkage, patience):
    a = calls * aht / interval
    agents = np.zeros(a.shape)
    live = a > 0
    if np.any(live):
        agents[live] = _solve_agents(a[live], aht, service_level, target_time, max_occupancy, patience)
    n_eval = np.maximum(agents, 1.0)
    m = _metrics(a, n_eval, aht, target_time, patience)
    # which target binds: would the service level alone have allowed one agent fewer?
    binding = np.full(a.shape, "service_level", dtype=object)
    if max_occupancy < 1 and np.any(live):
        fewer = np.maximum(agents - 1, 1.0)
        sl_only = _metrics(a, fewer, aht, target_time, patience)["service_level"] >= service_level - 1e-12
        if patience is None:
            sl_only &= fewer > a
        binding[live & sl_only & (agents > 1)] = "max_occupancy"
    binding[~live] = "none"
    out = {
        "traffic": a,
        "agents": agents.astype(int),
        "scheduled": _scheduled(agents, shrinkage).astype(int),
        "service_level": np.where(live, m["service_level"], 1.0),
        "asa": np.where(live, m["asa"], 0.0),
        "occupancy": np.where(live, m["occupancy"], 0.0),
        "p_wait": np.where(live, m["p_wait"], 0.0),
        "p_abandon": np.where(live, m["p_abandon"], 0.0),
        "binding": binding,
    }
    return out


def staffing_plan(load, *, interval=1800, aht=180, service_level=0.8, target_time=20,
                  max_occupancy=1.0, shrinkage=0.0, patience=None, calls_col="calls"):
    """Agents per interval for a forecast of calls per interval.

    Parameters
    ----------
    load : pandas.DataFrame or pandas.Series
        Calls per interval: a Series, or a DataFrame with a ``calls_col`` column
        (e.g. the output of :func:`callmine.forecast.spread_intraday`). The index is kept.
    interval : float, default 1800
        Interval length in seconds.
    aht : float or str, default 180
        Average handle time in seconds, or the name of a column holding it per row.
    service_level, target_time, max_occupancy, shrinkage, patience
        As in :func:`required_agents`.
    calls_col : str, default "calls"
        Column with the calls per interval when ``load`` is a DataFrame.

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``traffic``, ``agents``, ``scheduled``,
        ``service_level``, ``asa``, ``occupancy``, ``p_wait``, ``p_abandon``
        and ``binding``, one row per interval. The search is vectorised over
        intervals (a binary search on agents for all rows at once).

    Examples
    --------
    >>> import pandas as pd
    >>> staffing_plan(pd.Series([100, 50]), aht=180)["agents"].tolist()
    [14, 8]
    """
    _check_targets(service_level, target_time, max_occupancy, shrinkage, patience)
    if isinstance(load, pd.Series):
        frame = load.rename(calls_col).to_frame()
    elif isinstance(load, pd.DataFrame):
        if calls_col not in load.columns:
            raise CallmineError(f"load has no column {calls_col!r}; columns are {list(load.columns)}")
        frame = load.copy()
    else:
        raise CallmineError(f"load must be a pandas Series or DataFrame; got {type(load).__name__}")
    calls = pd.to_numeric(frame[calls_col], errors="coerce").to_numpy(dtype=float)
    bad = ~(np.isfinite(calls) & (calls >= 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise CallmineError(f"column {calls_col!r} must hold calls per interval >= 0; got "
                            f"{str(frame[calls_col].iloc[i])!r} in row {i}")
    interval_f = float(_as_positive(interval, "interval"))
    if isinstance(aht, str):
        if aht not in frame.columns:
            raise CallmineError(f"aht column {aht!r} not found; columns are {list(frame.columns)}")
        aht_v = _as_positive(frame[aht].to_numpy(dtype=float), "aht")
        # group by distinct handle time so each binary search stays vectorised
        parts = {}
        for value in np.unique(aht_v):
            mask = aht_v == value
            parts[value] = (mask, _plan_arrays(calls[mask], interval_f, float(value), service_level,
                                               target_time, max_occupancy, shrinkage, patience))
        keys = next(iter(parts.values()))[1].keys()
        res = {}
        for k in keys:
            col = np.empty(len(frame), dtype=object if k == "binding" else float)
            for mask, p in parts.values():
                col[mask] = p[k]
            res[k] = col
        res["agents"] = res["agents"].astype(int)
        res["scheduled"] = res["scheduled"].astype(int)
    else:
        aht_f = float(_as_positive(aht, "aht"))
        res = _plan_arrays(calls, interval_f, aht_f, service_level, target_time, max_occupancy,
                           shrinkage, patience) if len(calls) else {
            k: np.array([]) for k in ("traffic", "agents", "scheduled", "service_level", "asa",
                                      "occupancy", "p_wait", "p_abandon", "binding")}
    for k, v in res.items():
        frame[k] = v
    return frame
