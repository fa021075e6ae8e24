"""Automation opportunities: per-type statistics, scores, modes and savings.

The core is a pure function of a *classified* call log, one row per call,
with a ``request_type`` column (from a classifier, from discovery or from
ground truth) and, when available, ``confidence``, ``duration_s``,
``channel``, ``started_at``, a caller id and the transcript ``text``.
:func:`analyze_automation` turns it into one row per request type with

* statistics: ``calls``, ``share``, ``cumulative_share`` (Pareto order, by
  volume), ``cumulative_share_ranked`` (in the table's order), ``calls_per_day``, ``mean_handle_s``, ``operator_hours_per_year``,
  ``channel_mix``, ``trend_pct_per_month``, ``similarity`` (mean pairwise
  TF-IDF cosine similarity of the type's calls in the same language),
  ``mean_confidence``,
  ``repeat_rate``;
* score components in 0..1: ``volume``, ``homogeneity``, ``simplicity``,
  ``repeat``, ``operator_signal``, and ``automation_score``;
* ``mode`` (``self-service``, ``proactive``, ``eliminate``, ``operator``)
  with ``mode_reason``, chosen by transparent rules over editable keyword
  lexicons (``callmine/data/lexicons``) and the scores, overridable per type;
* savings for a deflection rate per mode: ``calls_freed_per_year``,
  ``operator_hours_freed_per_year``.

Rows are ordered best automation candidates first: automatable types by
descending score, then ``operator`` types, then out-of-scope rows.

The parts live in sibling modules, and their names are importable from here
too: :mod:`callmine.automation_config` (:class:`AutomationConfig`,
:func:`load_config`), :mod:`callmine.lexicon` (lexicons and mode rules),
:mod:`callmine.type_profile` (redacted text profile per type) and
:mod:`callmine.savings` (deflection, savings, staffing projection). This
module keeps the per-type statistics, the score and the orchestration.

Examples
--------
>>> import pandas as pd
>>> calls = pd.DataFrame({
...     "request_type": ["application_status"] * 6 + ["complaint"] * 2,
...     "text": ["Абонент: какой статус моей заявки?"] * 6
...             + ["Абонент: хочу подать жалобу, безобразие", "Caller: I want to complain"],
...     "duration_s": [60] * 6 + [600, 500]})
>>> table = automation_table(calls)
>>> table[["request_type", "calls", "mode"]].values.tolist()
[['application_status', 6, 'proactive'], ['complaint', 2, 'operator']]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np
import pandas as pd

# The concepts of the analysis live in sibling modules; their names stay importable from here.
from callmine.automation_config import (  # noqa: F401
    DEFAULT_DEFLECTION, DEFAULT_WEIGHTS, MODES, AutomationConfig, _config_from_csv, _is_number, load_config)
from callmine.errors import CallmineError, DataError
from callmine.lexicon import (  # noqa: F401
    _TIE_ORDER, LEXICON_DIR, _fold, _Matcher, _t, _terms_by_mode, assign_modes, load_lexicon, mode_evidence)
from callmine.savings import _intraday_profile, estimate_savings, project_staffing  # noqa: F401
from callmine.type_profile import (  # noqa: F401
    _LONG_DIGITS, _OPERATOR_SPEAKERS, _SPEAKER, _ctfidf, _examples, _mask_rare_names, _normalise, _redact,
    _slice, _text_profile, _within_similarity, customer_text)

#: Longest plausible handle time; longer duration_s values are data errors.
MAX_DURATION_S = 86400.0
KNOWN_CHANNELS = ("phone", "web", "messenger", "mobile", "sms", "unknown")
#: Free-text channel values seen in fewer calls than this (or 0.1% of calls) are grouped as "other".
RARE_CHANNEL_CALLS = 5
CALLER_COLUMNS = ("caller_id", "customer_id", "client_id", "caller_hash", "phone_hash", "caller")


# ---------------------------------------------------------------------------
# The analysis
# ---------------------------------------------------------------------------

@dataclass
class AutomationResult:
    """Everything :func:`analyze_automation` computes.

    Attributes
    ----------
    table : DataFrame
        One row per request type, best automation candidates first.
    trends : DataFrame
        Calls per period (rows) and type (columns); empty without ``started_at``.
    intraday : Series
        Share of a day's calls per interval of the day (index: seconds after midnight).
    projection : DataFrame or None
        Load and staffing per year with and without automation (None when
        the forecasting/staffing functions are unavailable).
    summary : dict
        Headline figures, assumptions and notes (JSON-ready, no personal data).
    """

    table: pd.DataFrame
    trends: pd.DataFrame
    intraday: pd.Series
    projection: pd.DataFrame | None
    summary: dict


def automation_table(calls: pd.DataFrame, config: AutomationConfig | None = None, **kwargs) -> pd.DataFrame:
    """The ranked per-type table of :func:`analyze_automation` (without projection)."""
    kwargs.setdefault("project", False)
    return analyze_automation(calls, config, **kwargs).table


def analyze_automation(calls: pd.DataFrame, config: AutomationConfig | None = None, *,
                       type_col: str = "request_type", text_col: str = "text",
                       caller_col: str | None = "auto", lexicon: pd.DataFrame | None = None,
                       sample_size: int = 300, random_state: int = 0, project: bool = True,
                       progress: Callable[[str], None] | None = None) -> AutomationResult:
    """Rank request types as automation candidates and estimate what automation frees.

    Parameters
    ----------
    calls : DataFrame
        One row per call with ``type_col``; optional ``text_col``,
        ``confidence``, ``duration_s``, ``channel``, ``started_at`` and a caller
        id column.
    config : AutomationConfig, optional
        Assumptions and overrides (defaults stated in :class:`AutomationConfig`).
    type_col, text_col : str
        Column names of the request type and the transcript.
    caller_col : str, None or "auto"
        Caller-id column for repeat contacts; "auto" picks the first of
        ``caller_id``, ``customer_id``, ``client_id``, ``caller_hash``, ``phone_hash``,
        ``caller`` present. Caller ids are only counted, never written out.
    lexicon : DataFrame, optional
        Mode lexicon (:func:`load_lexicon`); default: the shipped one plus
        ``config.lexicons``.
    sample_size : int
        Calls per type sampled for similarity, terms, examples and lexicon evidence.
    random_state : int
        Seed of the sampling.
    project : bool
        Compute the load and staffing projection.
    progress : callable, optional
        Called with a short message before each long step.
    """
    config = (config or AutomationConfig()).validate()
    say = progress or (lambda msg: None)
    if not isinstance(calls, pd.DataFrame):
        raise DataError(f"calls must be a pandas DataFrame; got {type(calls).__name__}")
    if type_col not in calls.columns:
        raise DataError(f"calls has no column {type_col!r} (the request type); "
                        f"columns found: {', '.join(map(str, calls.columns))}")
    if len(calls) == 0:
        raise DataError("calls is empty: nothing to analyse")
    if not isinstance(sample_size, int) or sample_size < 2:
        raise CallmineError(f"sample_size must be an integer >= 2; got {sample_size!r}")
    df = calls.reset_index(drop=True).copy()
    types = df[type_col].astype("string").str.strip()
    df[type_col] = types.where(types.notna() & (types != ""), "other").astype(str)  # no type: out of scope
    df[type_col] = df[type_col].map({v: _redact(v) for v in df[type_col].unique()})  # labels reach every output
    if caller_col == "auto":
        caller_col = next((c for c in CALLER_COLUMNS if c in df.columns), None)
    elif caller_col is not None and caller_col not in df.columns:
        raise DataError(f"caller_col {caller_col!r} is not a column; columns found: "
                        f"{', '.join(map(str, df.columns))}")
    notes: list[str] = []
    times = _parse_times(df["started_at"]) if "started_at" in df.columns else None
    if times is not None and times.notna().sum() == 0:
        notes.append("started_at could not be read as dates: no trends, per-day rates assumed.")
        times = None
    elif times is not None and times.isna().any():
        bad = times.isna()
        notes.append(f"{int(bad.sum()):,} calls have no readable started_at (first at row "
                     f"{calls.index[np.flatnonzero(bad.to_numpy())[0]]}); the period, trends and intraday profile "
                     "use the others.")

    say("per-type statistics")
    table, trends, days = _statistics(df, type_col, times, caller_col, config, notes)
    if text_col in df.columns:
        say(f"text profile of {len(table)} types")
        _text_profile(df, table, type_col, text_col, sample_size, random_state,
                      lexicon if lexicon is not None else load_lexicon(config.lexicons))
    else:
        notes.append(f"no {text_col!r} column: no similarity, terms, examples or lexicon evidence.")
        for col in ("similarity", "top_terms", "examples"):
            table[col] = np.nan if col == "similarity" else ""
        for m in MODES:
            table[f"evidence_{m.replace('-', '_')}"] = 0.0
            table[f"name_evidence_{m.replace('-', '_')}"] = 0.0
        table["evidence_terms"] = ""
    table["is_other"] = table["request_type"].isin([str(x) for x in config.other_labels])
    score_types(table, config.weights)
    assign_modes(table, config)
    table = table.sort_values(["is_other", "_operator_rank", "automation_score", "calls"],
                              ascending=[True, True, False, False], kind="mergesort")
    table = table.drop(columns=["_operator_rank"]).reset_index(drop=True)
    estimate_savings(table, config)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table["cumulative_share_ranked"] = table["share"].cumsum().clip(upper=1.0).round(4)
    table["share"] = table["share"].round(4)
    table["cumulative_share"] = table["cumulative_share"].round(4)
    for col in [c for c in table.columns if c.startswith("channel_") and c != "channel_mix"] + \
            ["repeat_rate", "mean_confidence"]:
        table[col] = table[col].astype(float).round(4)
    intraday = _intraday_profile(times, config)
    projection = None
    if project:
        say("load and staffing projection")
        projection = project_staffing(table, config, intraday, notes=notes)
    summary = _summary(table, projection, config, notes, days, times)
    return AutomationResult(table=table, trends=trends, intraday=intraday,
                            projection=projection, summary=summary)


def _parse_times(col: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(col):
        t = col
    else:
        s = col.astype("string").str.strip()
        try:
            t = pd.to_datetime(s, errors="coerce", format="ISO8601")
        except ValueError:  # mixed UTC offsets: keep each call's local wall-clock time
            s = s.str.replace(r"(Z|[+-]\d\d:?\d\d)$", "", regex=True)
            t = pd.to_datetime(s, errors="coerce", format="ISO8601")
        if t.notna().mean() < 0.5:
            t = pd.to_datetime(s, errors="coerce", format="mixed", dayfirst=True)
    if isinstance(t.dtype, pd.DatetimeTZDtype):
        t = t.dt.tz_localize(None)
    return t


def _statistics(df, type_col, times, caller_col, config, notes):
    n = len(df)
    counts = df[type_col].value_counts()
    table = pd.DataFrame({"request_type": counts.index.astype(str), "calls": counts.to_numpy()})
    table = table.sort_values(["calls", "request_type"], ascending=[False, True], kind="mergesort")
    table = table.reset_index(drop=True)
    table["share"] = table["calls"] / n
    table["cumulative_share"] = table["share"].cumsum().clip(upper=1.0)
    order = list(table["request_type"])

    days = None
    if times is not None:
        valid = times.dropna()
        days = int((valid.max().normalize() - valid.min().normalize()).days) + 1
        log_daily = valid.size / days * (n / max(valid.size, 1))
    else:
        log_daily = None
    if config.daily_calls is not None:
        daily = float(config.daily_calls)
        if log_daily is not None:
            notes.append(f"The log has {log_daily:,.0f} calls a day; figures are scaled to "
                         f"{daily:,.0f} calls a day (daily_calls).")
    elif log_daily is not None:
        daily = log_daily
    else:
        daily = 14000.0
        notes.append("No started_at: the log is assumed to represent 14,000 calls a day "
                     "(set daily_calls to change).")
    scale = daily / n
    table["calls_per_day"] = table["calls"] * scale

    if config.aht_s is not None:
        table["mean_handle_s"] = float(config.aht_s)
    elif "duration_s" in df.columns:
        raw = pd.to_numeric(df["duration_s"], errors="coerce")
        dur = raw.where((raw > 0) & (raw <= MAX_DURATION_S))
        odd = int((raw.notna() & dur.isna()).sum())
        if odd and dur.notna().any():
            notes.append(f"{odd:,} calls have a zero, negative or over-24-hour duration_s; "
                         "they are left out of handle times.")
        mean = dur.groupby(df[type_col]).mean().reindex(order)
        overall = dur.mean()
        if not np.isfinite(overall):
            overall = config.default_aht_s
            notes.append(f"duration_s has no usable values: handle time assumed {overall:.0f} s.")
        table["mean_handle_s"] = mean.fillna(overall).to_numpy()
    else:
        table["mean_handle_s"] = float(config.default_aht_s)
        notes.append(f"No duration_s: handle time assumed {config.default_aht_s:.0f} s for every type.")
    table["operator_hours_per_year"] = (table["calls_per_day"] * config.days_per_year
                                        * table["mean_handle_s"] / 3600.0)

    if "channel" in df.columns:
        ch = df["channel"].astype("string").fillna("unknown").str.strip().str.lower()
        ch = ch.map({v: _redact(v) for v in ch.unique()})  # free-text channels: no personal data out
        seen = ch.value_counts()  # one-off free text (a name typed into the field) becomes "other"
        rare = [v for v in seen.index[seen < max(RARE_CHANNEL_CALLS, 0.001 * n)] if v not in KNOWN_CHANNELS]
        ch = ch.where(~ch.isin(rare), "other")
        mix = pd.crosstab(df[type_col], ch, normalize="index").reindex(order).fillna(0.0)
        top = ch.value_counts().index[:6]
        table["channel_mix"] = [
            ", ".join(f"{c} {v:.0%}" for c, v in row.sort_values(ascending=False).items() if v >= 0.005)
            for _, row in mix.iterrows()]
        for c in top:
            name = "channel_" + (re.sub(r"\W+", "_", str(c)).strip("_") or "other")
            name = name + "_" if name == "channel_mix" else name
            table[name] = mix[c].to_numpy()
    else:
        table["channel_mix"] = ""

    trends = pd.DataFrame()
    table["trend_pct_per_month"] = np.nan
    if times is not None:
        trends, bucket_days = _type_trends(times, df[type_col], order)
        if len(trends) >= 3:
            core = trends.iloc[1:-1] if len(trends) >= 6 else trends
            x = np.arange(len(core), dtype=float)
            x -= x.mean()
            y = core.to_numpy(dtype=float)
            slope = (x[:, None] * (y - y.mean(axis=0))).sum(axis=0) / (x ** 2).sum()
            mean = y.mean(axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = np.where(mean > 0, slope / mean, np.nan) * (30.44 / bucket_days)
            table["trend_pct_per_month"] = np.round(100 * rel, 2)

    if "confidence" in df.columns:
        conf = pd.to_numeric(df["confidence"], errors="coerce")
        table["mean_confidence"] = conf.groupby(df[type_col]).mean().reindex(order).to_numpy()
    else:
        table["mean_confidence"] = np.nan

    table["repeat_rate"] = np.nan
    if caller_col is not None:
        table["repeat_rate"] = _repeat_rates(df, type_col, caller_col, times, config).reindex(order).to_numpy()
    return table, trends, days


def _type_trends(times: pd.Series, types: pd.Series, order: list) -> tuple[pd.DataFrame, float]:
    valid = times.notna()
    t, ty = times[valid], types[valid]
    span = (t.max() - t.min()).days
    # Buckets: months for a year or more of data, weeks for 8 weeks or more, else days.
    period, freq, bucket_days = (("M", "MS", 30.44) if span >= 365 else
                                 ("W", "7D", 7.0) if span >= 56 else ("D", "D", 1.0))
    key = t.dt.to_period(period).dt.start_time
    counts = pd.crosstab(key, ty)
    full = pd.date_range(counts.index.min(), counts.index.max(), freq=freq)
    counts = counts.reindex(full, fill_value=0).reindex(columns=order, fill_value=0)
    counts.index.name = "period_start"
    counts.columns.name = None
    return counts, bucket_days


def _repeat_rates(df, type_col, caller_col, times, config) -> pd.Series:
    caller = df[caller_col].astype("string").str.strip()
    ok = caller.notna() & (caller != "")
    sub = pd.DataFrame({"caller": caller[ok], "type": df.loc[ok, type_col]})
    if times is not None:
        sub["t"] = times[ok]
        sub = sub.dropna(subset=["t"]).sort_values("t", kind="mergesort")
        gap = sub.groupby(["caller", "type"], sort=False)["t"].diff()
        sub["repeat"] = gap.notna() & (gap <= pd.Timedelta(days=config.repeat_window_days))
    else:
        sub["repeat"] = sub.duplicated(["caller", "type"], keep="first")
    return sub.groupby("type")["repeat"].mean()


def score_types(table: pd.DataFrame, weights: Mapping | None = None) -> pd.DataFrame:
    """Add the score components and ``automation_score`` (all 0..1) in place.

    * ``volume`` = sqrt(share / largest in-scope share), at most 1: big types first, small ones
      not zero;
    * ``homogeneity`` = mean of ``similarity`` / largest similarity and
      ``mean_confidence`` (those present): templated requests are easy to automate;
    * ``simplicity`` = clip(1 - (r - 0.5) / 1.5) with r the type's mean handle time
      over the log's mean: short calls are simple;
    * ``repeat`` = clip(2 x repeat_rate): repeated calls are a missed notification;
    * ``operator_signal`` = clip(complaint/emotion lexicon evidence).

    ``automation_score`` = (weighted mean of the available components among
    volume, homogeneity, simplicity, repeat) x (1 - operator_signal).
    """
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    in_scope = ~table["is_other"] if "is_other" in table else pd.Series(True, index=table.index)
    share_max = table.loc[in_scope, "share"].max() if in_scope.any() else table["share"].max()
    table["volume"] = np.sqrt((table["share"] / share_max).clip(upper=1)) if share_max > 0 else 0.0
    sim = table["similarity"] if "similarity" in table else pd.Series(np.nan, index=table.index)
    sim_max = sim.max()
    rel = sim.clip(lower=0) / sim_max if (pd.notna(sim_max) and sim_max > 0) else sim * np.nan
    parts = pd.concat([rel.rename("s"), table.get("mean_confidence", rel * np.nan).rename("c")], axis=1)
    table["homogeneity"] = parts.mean(axis=1, skipna=True)
    aht = table["mean_handle_s"]
    overall = float((aht * table["calls"]).sum() / table["calls"].sum())
    if aht.nunique() > 1 and overall > 0:
        table["simplicity"] = (1 - (aht / overall - 0.5) / 1.5).clip(0, 1)
    else:
        table["simplicity"] = np.nan  # unknown when every type has the same assumed time
    table["repeat"] = (2 * table["repeat_rate"]).clip(0, 1) if "repeat_rate" in table else np.nan
    comp = table[["volume", "homogeneity", "simplicity", "repeat"]].astype(float)
    w = np.array([weights[c] for c in comp.columns], dtype=float)
    have = comp.notna().to_numpy()
    num = (comp.fillna(0).to_numpy() * w).sum(axis=1)
    den = (have * w).sum(axis=1)
    base = np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)
    op = table.get("evidence_operator", pd.Series(0.0, index=table.index)).astype(float)
    table["operator_signal"] = op.clip(0, 1)
    table["automation_score"] = np.round(base * (1 - table["operator_signal"]), 4)
    for c in ("volume", "homogeneity", "simplicity", "repeat", "operator_signal"):
        table[c] = table[c].astype(float).round(4)
    return table


def _summary(table, projection, config, notes, days, times) -> dict:
    types = table[~table["is_other"]]
    auto = types[types["mode"] != "operator"]
    top = auto.head(3)
    by_mode = {}
    for m in MODES:
        sub = types[types["mode"] == m]
        by_mode[m] = {"types": int(len(sub)), "share": round(float(sub["share"].sum()), 4),
                      "calls_freed_per_year": round(float(sub["calls_freed_per_year"].sum()), 0),
                      "operator_hours_freed_per_year": round(float(sub["operator_hours_freed_per_year"].sum()), 0)}
    total_hours = float(table["operator_hours_per_year"].sum())
    out = {
        "n_calls": int(table["calls"].sum()),
        "n_types": int(len(types)),
        "out_of_scope_share": round(float(table.loc[table["is_other"], "share"].sum()), 4),
        "period": ({"start": str(times.min().date()), "end": str(times.max().date()), "days": days}
                   if times is not None else None),
        "calls_per_day": round(float(table["calls_per_day"].sum()), 1),
        "operator_hours_per_year": round(total_hours, 0),
        "top3": {"types": list(top["request_type"]), "modes": list(top["mode"]),
                 "share": round(float(top["share"].sum()), 4),
                 "calls_per_year": round(float(top["calls_per_day"].sum() * config.days_per_year), 0),
                 "operator_hours_per_year": round(float(top["operator_hours_per_year"].sum()), 0),
                 "calls_freed_per_year": round(float(top["calls_freed_per_year"].sum()), 0),
                 "operator_hours_freed_per_year": round(float(top["operator_hours_freed_per_year"].sum()), 0)},
        "savings": {"calls_freed_per_year": round(float(table["calls_freed_per_year"].sum()), 0),
                    "operator_hours_freed_per_year": round(float(table["operator_hours_freed_per_year"].sum()), 0),
                    "share_of_calls_deflected": round(float((table["share"] * table["deflection"]).sum()), 4),
                    "share_of_operator_hours_freed": round(
                        float(table["operator_hours_freed_per_year"].sum()) / total_hours, 4) if total_hours else 0.0},
        "by_mode": by_mode,
        "assumptions": config.assumptions(),
        "projection": projection.to_dict("records") if projection is not None else None,
        "notes": list(notes),
    }
    return _round_floats(json.loads(json.dumps(out, default=_json_default)))


def _round_floats(x, digits: int = 4):
    if isinstance(x, float):
        return round(x, digits)
    if isinstance(x, dict):
        return {k: _round_floats(v, digits) for k, v in x.items()}
    if isinstance(x, list):
        return [_round_floats(v, digits) for v in x]
    return x


def _json_default(x):
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return None if not np.isfinite(x) else float(x)
    return str(x)
