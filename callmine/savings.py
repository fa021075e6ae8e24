"""What automation frees: deflected calls, operator hours and the staffing projection.

:func:`estimate_savings` applies a deflection rate per mode (or per type) to
the ranked per-type table of :func:`callmine.automation.analyze_automation`;
:func:`project_staffing` grows the load by compound growth and staffs a
typical day with Erlang C, with and without automation.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from callmine.automation_config import AutomationConfig



def estimate_savings(table: pd.DataFrame, config: AutomationConfig | None = None) -> pd.DataFrame:
    """Add ``deflection``, ``calls_freed_per_year`` and ``operator_hours_freed_per_year`` in place.

    The deflection rate is ``config.type_deflection`` for the type, else
    ``config.deflection`` for its mode. With ``config.automate_top = N`` only
    the first N rows whose mode is not ``operator`` (the table in rank order)
    are automated; the others keep all their calls.
    """
    config = (config or AutomationConfig()).validate()
    rate = [config.type_deflection.get(t, config.deflection[m])
            for t, m in zip(table["request_type"], table["mode"])]
    if config.automate_top is not None:
        automatable = np.cumsum((table["mode"] != "operator").to_numpy())
        rate = [r if (m != "operator" and k <= config.automate_top) else
                (r if m == "operator" else 0.0) for r, m, k in zip(rate, table["mode"], automatable)]
    table["deflection"] = np.asarray(rate, dtype=float)
    table["calls_freed_per_year"] = (table["calls_per_day"] * config.days_per_year
                                     * table["deflection"]).round(1)
    table["operator_hours_freed_per_year"] = (table["operator_hours_per_year"]
                                              * table["deflection"]).round(1)
    table["calls_per_day"] = table["calls_per_day"].round(2)
    table["operator_hours_per_year"] = table["operator_hours_per_year"].round(1)
    table["mean_handle_s"] = table["mean_handle_s"].round(1)
    return table


def _intraday_profile(times: pd.Series | None, config: AutomationConfig) -> pd.Series:
    step = int(config.interval_s)
    slots = np.arange(0, 86400, step)
    if times is not None and times.notna().any():
        t = times.dropna()
        sec = t.dt.hour * 3600 + t.dt.minute * 60 + t.dt.second
        counts = (sec // step * step).value_counts().reindex(slots, fill_value=0)
        if (sec > 0).any():
            prof = counts / counts.sum()
            prof.index.name = "seconds"
            return prof.astype(float)
    # No time of day known: calls spread evenly over 08:00-20:00.
    prof = pd.Series(((slots >= 8 * 3600) & (slots < 20 * 3600)).astype(float), index=slots)
    prof.index.name = "seconds"
    return prof / prof.sum()


def project_staffing(table: pd.DataFrame, config: AutomationConfig, intraday: pd.Series,
                     notes: list | None = None) -> pd.DataFrame | None:
    """Daily calls, operator hours and agents per year, with and without automation.

    Load grows by ``config.annual_growth`` a year from today's rate
    (:func:`callmine.forecast.project_load`); automation removes each type's
    deflected share from year 1 on; agents are computed for every interval
    of a typical day with :func:`callmine.staffing.required_agents` (Erlang C)
    and summed into agent-hours, peak agents and full-time operators.
    """
    notes = notes if notes is not None else []
    try:
        from callmine.forecast import project_load
        from callmine.staffing import required_agents
    except ImportError:
        notes.append("Forecasting/staffing functions unavailable: calls and hours shown only.")
        return None
    base = float(table["calls_per_day"].sum())
    if base <= 0:
        return None
    remaining = table["calls_per_day"] * (1 - table["deflection"])
    deflected = 1 - float(remaining.sum()) / base
    aht = float((table["calls_per_day"] * table["mean_handle_s"]).sum() / base)
    aht_auto = float((remaining * table["mean_handle_s"]).sum() / max(remaining.sum(), 1e-9))
    load = project_load(base_daily_calls=base, annual_growth=config.annual_growth, years=config.years)
    cache: dict = {}

    def staff(daily, handle):
        hours, peak = 0.0, 0
        for share in intraday[intraday > 0].to_numpy():
            calls = round(daily * share, 1)
            if calls <= 0:
                continue
            key = (calls, round(handle, 1))
            if key not in cache:
                r = required_agents(calls, config.interval_s, handle, service_level=config.service_level,
                                    target_time=config.target_time_s, max_occupancy=config.max_occupancy,
                                    shrinkage=config.shrinkage)
                cache[key] = (int(r["agents"]), float(r["scheduled"]))
            agents, sched = cache[key]
            hours += sched * config.interval_s / 3600
            peak = max(peak, math.ceil(sched))
        return hours, peak

    rows = []
    for year, daily in zip(load["year"], load["daily_calls"]):
        daily = float(daily)
        auto_daily = daily * (1 - deflected) if year > 0 else daily
        h0, p0 = staff(daily, aht)
        h1, p1 = staff(auto_daily, aht_auto if year > 0 else aht)
        rows.append({
            "year": int(year), "daily_calls": daily, "daily_calls_automated": auto_daily,
            "operator_hours_per_day": round(daily * aht / 3600, 1),
            "operator_hours_per_day_automated": round(auto_daily * (aht_auto if year > 0 else aht) / 3600, 1),
            "agent_hours_per_day": round(h0, 1), "agent_hours_per_day_automated": round(h1, 1),
            "peak_agents": p0, "peak_agents_automated": p1,
            "operators_fte": round(h0 * config.days_per_year / config.hours_per_operator_year, 2),
            "operators_fte_automated": round(h1 * config.days_per_year / config.hours_per_operator_year, 2),
        })
    out = pd.DataFrame(rows)
    out.attrs = {}
    return out
