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
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from callmine.errors import CallmineError, DataError

MODES = ("self-service", "proactive", "eliminate", "operator")
#: Share of a type's calls assumed to disappear once it is automated in that mode.
DEFAULT_DEFLECTION = {"self-service": 0.3, "proactive": 0.5, "eliminate": 0.7, "operator": 0.0}
#: Weights of the automation-score components (renormalised over those available).
DEFAULT_WEIGHTS = {"volume": 0.5, "homogeneity": 0.3, "simplicity": 0.1, "repeat": 0.1}
CALLER_COLUMNS = ("caller_id", "customer_id", "client_id", "caller_hash", "phone_hash", "caller")
LEXICON_DIR = Path(__file__).resolve().parent / "data" / "lexicons"
_TIE_ORDER = ("eliminate", "proactive", "self-service")
_OPERATOR_SPEAKERS = re.compile(
    r"^\s*(оператор|operator|agent|агент|маман|специалист|консультант|бот|bot|ivr)\s*[:\-]",
    re.IGNORECASE)
_SPEAKER = re.compile(r"^\s*[\w ]{1,20}[:]\s*")
_LONG_DIGITS = re.compile(r"(?<!\d)\d(?:[ \-]?\d){6,}(?!\d)")  # 7+ digits: ids, numbers


@dataclass
class AutomationConfig:
    """Assumptions and overrides of the automation analysis.

    Every field has a stated default; a config file (:func:`load_config`) can
    change any of them.

    Parameters
    ----------
    modes : dict
        Mode forced per request type, e.g. ``{"application_status": "proactive"}``.
    deflection : dict
        Share of a type's calls that automation removes, per mode.
    type_deflection : dict
        Deflection rate per request type, overriding the mode's rate.
    weights : dict
        Weights of the score components ``volume``, ``homogeneity``,
        ``simplicity``, ``repeat``.
    annual_growth : float
        Yearly growth of the call load (0.15 = 15 %).
    years : int
        Years to project.
    daily_calls : float or None
        Calls per day of the whole center; when the log is a sample, every
        per-day and per-year figure is scaled to this volume. None: the
        log's own rate (14,000 a day when it has no ``started_at``).
    aht_s : float or None
        Average handle time in seconds for all types, overriding
        ``duration_s``; ``default_aht_s`` is used when neither is known.
    service_level, target_time_s, shrinkage, max_occupancy, interval_s
        Staffing targets passed to :func:`callmine.staffing.required_agents`.
    hours_per_operator_year : float
        Paid hours of one full-time operator a year (52 x 40 h).
    days_per_year : int
        Days a year the center takes calls.
    operator_threshold, min_score, min_evidence : float
        Thresholds of the mode rules (see :func:`assign_modes`).
    repeat_window_days : float
        A call is a repeat when the same caller called about the same type
        within this many days before.
    lexicons : list of str
        Extra lexicon CSV files (columns ``mode,term,weight``).
    other_labels : list of str
        Labels meaning "out of scope / unassigned"; listed last, mode operator.
    automate_top : int or None
        Count savings for the N best automatable types only (None: all of them).
    """

    modes: dict = field(default_factory=dict)
    deflection: dict = field(default_factory=lambda: dict(DEFAULT_DEFLECTION))
    type_deflection: dict = field(default_factory=dict)
    weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    annual_growth: float = 0.15
    years: int = 5
    daily_calls: float | None = None
    aht_s: float | None = None
    default_aht_s: float = 300.0
    service_level: float = 0.8
    target_time_s: float = 20.0
    shrinkage: float = 0.3
    max_occupancy: float = 0.85
    interval_s: float = 1800.0
    hours_per_operator_year: float = 2080.0
    days_per_year: int = 365
    operator_threshold: float = 0.25
    min_score: float = 0.2
    min_evidence: float = 0.1
    repeat_window_days: float = 7.0
    lexicons: list = field(default_factory=list)
    other_labels: list = field(default_factory=lambda: ["other", "unassigned", "-1"])
    automate_top: int | None = None

    def validate(self) -> "AutomationConfig":
        """Check every value; return self. Raises CallmineError naming the bad one."""
        for name, value in self.modes.items():
            if value not in MODES:
                raise CallmineError(f"modes[{name!r}] must be one of {', '.join(MODES)}; got {value!r}")
        merged = {**DEFAULT_DEFLECTION, **self.deflection}
        for name in self.deflection:
            if name not in MODES:
                raise CallmineError(f"deflection keys must be modes ({', '.join(MODES)}); got {name!r}")
        self.deflection = merged
        for where, table in (("deflection", self.deflection), ("type_deflection", self.type_deflection)):
            for name, value in table.items():
                if not _is_number(value) or not 0 <= value <= 1:
                    raise CallmineError(f"{where}[{name!r}] must be a number in 0..1; got {value!r}")
        for name, value in self.weights.items():
            if name not in DEFAULT_WEIGHTS:
                raise CallmineError(f"weights keys must be {', '.join(DEFAULT_WEIGHTS)}; got {name!r}")
            if not _is_number(value) or value < 0:
                raise CallmineError(f"weights[{name!r}] must be a number >= 0; got {value!r}")
        self.weights = {**DEFAULT_WEIGHTS, **self.weights}
        checks = {
            "annual_growth": (-0.99, 10), "service_level": (0.01, 0.999), "shrinkage": (0, 0.95),
            "max_occupancy": (0.1, 1), "operator_threshold": (0, 10), "min_score": (0, 1),
            "min_evidence": (0, 10), "target_time_s": (0, 1e6), "interval_s": (60, 86400),
            "default_aht_s": (1, 1e5), "hours_per_operator_year": (1, 8784),
            "repeat_window_days": (0, 3650), "days_per_year": (1, 366), "years": (0, 50),
        }
        for name, (lo, hi) in checks.items():
            value = getattr(self, name)
            if not _is_number(value) or not lo <= value <= hi:
                raise CallmineError(f"{name} must be a number in {lo}..{hi}; got {value!r}")
        if self.automate_top is not None and (not isinstance(self.automate_top, int)
                                              or isinstance(self.automate_top, bool) or self.automate_top < 0):
            raise CallmineError(f"automate_top must be a non-negative integer or null; got {self.automate_top!r}")
        for name in ("daily_calls", "aht_s"):
            value = getattr(self, name)
            if value is not None and (not _is_number(value) or value <= 0):
                raise CallmineError(f"{name} must be a positive number or null; got {value!r}")
        self.years = int(self.years)
        return self

    def assumptions(self) -> dict:
        """The stated assumptions, for summaries and method notes."""
        keys = ("deflection", "annual_growth", "years", "daily_calls", "aht_s", "default_aht_s",
                "service_level", "target_time_s", "shrinkage", "max_occupancy", "interval_s",
                "hours_per_operator_year", "days_per_year", "weights", "operator_threshold",
                "min_score", "min_evidence", "repeat_window_days", "automate_top")
        d = asdict(self)
        return {k: d[k] for k in keys}


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
        and math.isfinite(float(value))


def load_config(path) -> AutomationConfig:
    """Read an :class:`AutomationConfig` from ``.json``, ``.toml`` or ``.csv``.

    JSON/TOML hold the config fields (``modes``, ``deflection``,
    ``type_deflection``, ``annual_growth``, ``aht_s``, ...). A CSV holds
    per-type overrides: a ``request_type`` column plus ``mode`` and/or
    ``deflection``. Lexicon paths are resolved relative to the file.

    Examples
    --------
    >>> import json, tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "rules.json")
    >>> _ = open(p, "w").write(json.dumps({"modes": {"pension": "proactive"}, "aht_s": 240}))
    >>> cfg = load_config(p)
    >>> cfg.modes, cfg.aht_s, cfg.deflection["eliminate"]
    ({'pension': 'proactive'}, 240, 0.7)
    """
    path = Path(path)
    if not path.is_file():
        raise CallmineError(f"config file {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        elif suffix == ".toml":
            import tomllib
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        elif suffix == ".csv":
            data = _config_from_csv(path)
        else:
            raise CallmineError(f"config file {str(path)!r}: extension must be .json, .toml or .csv; "
                                f"got {suffix!r}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise CallmineError(f"config file {str(path)!r} is not valid {suffix[1:]}: {exc}") from None
    if not isinstance(data, dict):
        raise CallmineError(f"config file {str(path)!r} must hold an object/table at the top level")
    allowed = [f.name for f in fields(AutomationConfig)]
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise CallmineError(f"config file {str(path)!r}: unknown key(s) {', '.join(map(repr, unknown))}; "
                            f"allowed: {', '.join(allowed)}")
    if "lexicons" in data:
        data["lexicons"] = [str((path.parent / p).resolve()) for p in data["lexicons"]]
    try:
        return AutomationConfig(**data).validate()
    except CallmineError as exc:
        raise CallmineError(f"config file {str(path)!r}: {exc}") from None


def _config_from_csv(path: Path) -> dict:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if "request_type" not in df.columns or not ({"mode", "deflection"} & set(df.columns)):
        raise CallmineError(f"config file {str(path)!r} needs columns request_type and mode and/or "
                            f"deflection; found {', '.join(df.columns)}")
    data: dict = {"modes": {}, "type_deflection": {}}
    for row in df.itertuples(index=False):
        mode = getattr(row, "mode", "").strip()
        if mode:
            data["modes"][row.request_type] = mode
        rate = getattr(row, "deflection", "").strip()
        if rate:
            try:
                data["type_deflection"][row.request_type] = float(rate)
            except ValueError:
                raise CallmineError(f"config file {str(path)!r}: deflection for "
                                    f"{row.request_type!r} must be a number; got {rate!r}") from None
    return data


# ---------------------------------------------------------------------------
# Lexicons
# ---------------------------------------------------------------------------

def load_lexicon(paths: Iterable | None = None, *, builtin: bool = True) -> pd.DataFrame:
    """Read mode lexicons: columns ``mode``, ``term``, ``weight``, ``source``.

    Parameters
    ----------
    paths : iterable of path-like, optional
        Extra CSV files with columns ``mode,term,weight`` (``note`` optional).
    builtin : bool
        Include the shipped ``ru``, ``kk`` and ``en`` lexicons.
    """
    files = sorted(LEXICON_DIR.glob("*.csv")) if builtin else []
    files += [Path(p) for p in (paths or [])]
    frames = []
    for f in files:
        if not f.is_file():
            raise CallmineError(f"lexicon file {str(f)!r} does not exist")
        df = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        missing = {"mode", "term", "weight"} - set(df.columns)
        if missing:
            raise CallmineError(f"lexicon file {str(f)!r} lacks column(s) {', '.join(sorted(missing))}; "
                                f"found {', '.join(df.columns)}")
        bad = sorted(set(df["mode"]) - set(MODES))
        if bad:
            raise CallmineError(f"lexicon file {str(f)!r}: mode must be one of {', '.join(MODES)}; "
                                f"got {bad[0]!r}")
        weight = pd.to_numeric(df["weight"], errors="coerce")
        if weight.isna().any() or ((weight < 0) | (weight > 1)).any():
            raise CallmineError(f"lexicon file {str(f)!r}: weight must be a number in 0..1")
        frames.append(pd.DataFrame({"mode": df["mode"], "term": df["term"].map(_fold).str.strip(),
                                    "weight": weight.astype(float), "source": f.name}))
    if not frames:
        return pd.DataFrame({"mode": [], "term": [], "weight": [], "source": []})
    out = pd.concat(frames, ignore_index=True)
    return out[out["term"] != ""].reset_index(drop=True)


def _fold(text: str) -> str:
    return str(text).lower().replace("ё", "е")


class _Matcher:
    """Lexicon terms compiled per mode and tried only at word starts.

    Alternatives are ordered by weight, then length, so the strongest and most
    specific term wins at a position; a position is skipped at once when no term
    of the mode begins with its letter.
    """

    _WORD = re.compile(r"\w+")

    def __init__(self, lexicon: pd.DataFrame):
        self.patterns = {}
        for mode in MODES:
            sub = lexicon[lexicon["mode"] == mode]
            terms = sorted(zip(sub["term"], sub["weight"]), key=lambda tw: (-tw[1], -len(tw[0]), tw[0]))
            parts, groups, firsts = [], {}, set()
            for i, (term, weight) in enumerate(terms):
                exact = term.endswith("$")
                words = term.rstrip("$").split()
                if not words:
                    continue
                body = r"\W+".join(re.escape(w) + r"\w*" for w in words[:-1])
                last = re.escape(words[-1]) + (r"(?!\w)" if exact else "")
                body = (body + r"\W+" if body else "") + last
                parts.append(f"(?P<t{i}>{body})")
                groups[f"t{i}"] = (term, float(weight))
                firsts.add(words[0][0])
            if parts:
                self.patterns[mode] = (re.compile("|".join(parts)), groups, firsts)

    def hits(self, text: str) -> dict:
        """{mode: (max weight, [terms])} for one text."""
        found: dict = {}
        folded = _fold(text)
        for word in self._WORD.finditer(folded):
            pos = word.start()
            first = folded[pos]
            for mode, (rx, groups, firsts) in self.patterns.items():
                if first in firsts:
                    m = rx.match(folded, pos)
                    if m:
                        found.setdefault(mode, []).append(groups[m.lastgroup])
        return {mode: (max(w for _, w in hits), [t for t, _ in hits]) for mode, hits in found.items()}


def mode_evidence(texts: Sequence[str], lexicon: pd.DataFrame) -> pd.DataFrame:
    """Per-mode evidence of a group of texts: mean over texts of the best term weight.

    Returns a DataFrame indexed by mode with ``evidence`` (0..1), ``hit_rate``
    (share of texts with a hit) and ``terms`` (most frequent matched terms).
    """
    matcher = lexicon if isinstance(lexicon, _Matcher) else _Matcher(lexicon)
    n = max(len(texts), 1)
    total = dict.fromkeys(MODES, 0.0)
    hits = dict.fromkeys(MODES, 0)
    counts: dict = {m: {} for m in MODES}
    for text in texts:
        for mode, (weight, terms) in matcher.hits(text).items():
            total[mode] += weight
            hits[mode] += 1
            for t in set(terms):
                counts[mode][t] = counts[mode].get(t, 0) + 1
    return pd.DataFrame({
        "evidence": [total[m] / n for m in MODES],
        "hit_rate": [hits[m] / n for m in MODES],
        "terms": [[t for t, _ in sorted(counts[m].items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
                  for m in MODES],
    }, index=list(MODES))


# ---------------------------------------------------------------------------
# Text helpers (redaction-first)
# ---------------------------------------------------------------------------

def _redact(text: str) -> str:
    try:
        from callmine.pii import redact
    except ImportError:  # pragma: no cover - the text helper ships pii.py
        redact = None
    text = redact(text) if redact else text
    return _LONG_DIGITS.sub("<NUM>", text)


def customer_text(text: str) -> str:
    """The caller's side of a transcript (lines not spoken by the operator)."""
    try:
        from callmine.text import customer_side
        return customer_side(text)
    except ImportError:  # pragma: no cover
        pass
    lines = str(text).splitlines()
    if len(lines) <= 1:
        return str(text)
    kept = [_SPEAKER.sub("", ln) for ln in lines if not _OPERATOR_SPEAKERS.match(ln)]
    return " ".join(kept) if kept else str(text)


def _normalise(texts: list[str]) -> list[str]:
    """Redacted, lower-cased, stop-word-free token strings (not stemmed: readable terms)."""
    try:
        from callmine.text import TextNormalizer
        return list(TextNormalizer(redact=True, speaker="customer", stem=False).fit_transform(texts))
    except ImportError:  # pragma: no cover
        return [" ".join(re.findall(r"[^\W\d_]{2,}", _fold(_redact(t)))) for t in texts]


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
        dur = pd.to_numeric(df["duration_s"], errors="coerce")
        dur = dur.where(dur > 0)
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


def _text_profile(df, table, type_col, text_col, sample_size, random_state, lexicon):
    """Similarity, top terms, redacted examples and lexicon evidence per type."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    rng = np.random.default_rng(random_state)
    samples = {}
    for t, idx in df.groupby(type_col, sort=False).indices.items():
        idx = np.asarray(idx)
        samples[t] = np.sort(rng.choice(idx, size=sample_size, replace=False)) if len(idx) > sample_size else idx
    all_idx = np.concatenate([samples[t] for t in table["request_type"]])
    raw = df[text_col].astype("string").fillna("").to_numpy(dtype=object)[all_idx]
    customer = [customer_text(x) for x in raw]
    if "language" in df.columns:
        langs = df["language"].astype("string").fillna("").to_numpy(dtype=object)[all_idx]
    else:
        try:
            from callmine.text import detect_language
        except ImportError:  # pragma: no cover
            detect_language = lambda text: ""  # noqa: E731
        langs = np.array([detect_language(x) for x in customer], dtype=object)
    norm = _normalise(list(raw))
    vec = TfidfVectorizer(analyzer=str.split, min_df=2, sublinear_tf=True)
    try:
        X = vec.fit_transform(norm)
    except ValueError:  # empty vocabulary
        vec = TfidfVectorizer(analyzer=str.split, min_df=1, sublinear_tf=True)
        X = vec.fit_transform([s or "_" for s in norm])
    vocab = np.asarray(vec.get_feature_names_out())
    # Words in at least 3 sampled calls (after redaction) are "common": never masked in examples.
    doc_freq = Counter()
    for x in customer:
        doc_freq.update(set(re.findall(r"[^\W\d_]+", _fold(_redact(x)))))
    common = {w for w, f in doc_freq.items() if f >= 3}
    matcher = _Matcher(lexicon)
    sims, terms, examples, evidence, name_ev, ev_terms = [], [], [], [], [], []
    counts = np.vstack([np.asarray(X[_slice(all_idx, samples, table, i)].sum(axis=0)).ravel()
                        for i in range(len(table))]) if len(table) else np.zeros((0, len(vocab)))
    ctfidf = _ctfidf(counts)
    for i, t in enumerate(table["request_type"]):
        rows = _slice(all_idx, samples, table, i)
        Xi = X[rows]
        s = np.asarray(Xi.sum(axis=0)).ravel()
        sims.append(_within_similarity(Xi, langs[rows]))
        top = [vocab[j] for j in np.argsort(-ctfidf[i])[:12]
               if ctfidf[i, j] > 0 and not vocab[j].startswith("<")][:6]
        terms.append(", ".join(top))
        centroid = s / (np.linalg.norm(s) or 1.0)
        closeness = np.asarray(Xi @ centroid).ravel()
        texts_i = [customer[j] for j in range(rows.start, rows.stop)]
        examples.append(" | ".join(_examples(texts_i, closeness, common)))
        ev = mode_evidence(texts_i, matcher)
        name_hits = matcher.hits(str(t).replace("_", " "))
        evidence.append(ev["evidence"])
        name_ev.append({mo: name_hits.get(mo, (0.0, []))[0] for mo in MODES})
        ev_terms.append("; ".join(f"{mo}: {', '.join(ev.loc[mo, 'terms'])}" for mo in MODES
                                  if ev.loc[mo, "terms"]))
    table["similarity"] = np.round(sims, 4)
    table["top_terms"] = terms
    table["examples"] = examples
    for mo in MODES:
        key = mo.replace("-", "_")
        table[f"evidence_{key}"] = np.round([e[mo] for e in evidence], 4)
        table[f"name_evidence_{key}"] = [e[mo] for e in name_ev]
    table["evidence_terms"] = ev_terms


def _within_similarity(X, langs: np.ndarray) -> float:
    """Mean cosine similarity over pairs of calls in the same language (rows of X are L2-normalised).

    Pairs across languages are left out, so that a type asked in Russian, Kazakh and
    English is as "templated" as one asked in a single language.
    """
    num = den = 0.0
    for lang in np.unique(langs):
        Xg = X[np.flatnonzero(langs == lang)]
        m = Xg.shape[0]
        if m > 1:
            s = np.asarray(Xg.sum(axis=0)).ravel()
            num += float(s @ s - Xg.multiply(Xg).sum())
            den += m * (m - 1)
    if den == 0:
        m = X.shape[0]
        if m < 2:
            return np.nan
        s = np.asarray(X.sum(axis=0)).ravel()
        return float((s @ s - X.multiply(X).sum()) / (m * (m - 1)))
    return num / den


def _slice(all_idx, samples, table, i) -> slice:
    sizes = [len(samples[t]) for t in table["request_type"]]
    start = int(sum(sizes[:i]))
    return slice(start, start + sizes[i])


def _ctfidf(counts: np.ndarray) -> np.ndarray:
    """Class-based TF-IDF (BERTopic): tf per class times log(1 + A / f_term)."""
    if counts.size == 0:
        return counts
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1e-12)
    avg = counts.sum() / counts.shape[0]
    idf = np.log1p(avg / np.maximum(counts.sum(axis=0), 1e-12))
    return tf * idf


def _examples(texts: list[str], closeness: np.ndarray, common: set, k: int = 3) -> list[str]:
    """Up to k typical (closest to the centroid), distinct, redacted examples."""
    out, seen = [], set()
    for j in np.argsort(-closeness, kind="mergesort"):
        text = _mask_rare_names(_redact(texts[j]), common)
        text = re.sub(r"\s+", " ", text).strip()
        if len(text) > 180:
            text = text[:177].rsplit(" ", 1)[0] + "…"
        key = text.lower()
        if text and key not in seen:
            seen.add(key)
            out.append(text)
        if len(out) == k:
            break
    return out


def _mask_rare_names(text: str, common: set) -> str:
    """Mask capitalised words that are rare in the log (likely names) as <PERSON>."""
    def repl(m):
        word = m.group(0)
        if word[0].isupper() and m.start() > 0 and word.lower() not in common and len(word) > 2 \
                and not word.isupper():
            return "<PERSON>"
        return word
    return re.sub(r"[^\W\d_]+", repl, text)


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


def assign_modes(table: pd.DataFrame, config: AutomationConfig | None = None) -> pd.DataFrame:
    """Add ``mode`` and ``mode_reason`` in place, by these rules in order.

    Evidence per mode = text evidence + 0.5 x name evidence (terms in the type's name).

    1. out-of-scope labels (``config.other_labels``) -> ``operator``;
    2. a per-type override in ``config.modes`` -> that mode;
    3. operator (complaint/emotion) evidence >= ``operator_threshold`` -> ``operator``;
    4. ``automation_score`` < ``min_score`` -> ``operator`` (too varied, long or rare);
    5. the strongest of ``eliminate``, ``proactive``, ``self-service`` evidence, if
       >= ``min_evidence`` (ties in that order);
    6. otherwise ``self-service`` (templated but no keyword evidence).
    """
    config = (config or AutomationConfig()).validate()
    modes, reasons = [], []
    others = {str(x) for x in config.other_labels}
    for _, row in table.iterrows():
        ev = {m: float(row.get(f"evidence_{m.replace('-', '_')}", 0.0) or 0.0)
              + 0.5 * float(row.get(f"name_evidence_{m.replace('-', '_')}", 0.0) or 0.0) for m in MODES}
        terms = _terms_by_mode(row.get("evidence_terms", ""))
        name = row["request_type"]
        if name in others:
            mode, why = "operator", "out-of-scope or unassigned requests"
        elif name in config.modes:
            mode, why = config.modes[name], "config override"
        elif ev["operator"] >= config.operator_threshold:
            mode, why = "operator", f"complaint/emotion evidence {ev['operator']:.2f}" + _t(terms, "operator")
        elif row["automation_score"] < config.min_score:
            mode, why = "operator", f"automation score {row['automation_score']:.2f} < {config.min_score}"
        else:
            best = max(_TIE_ORDER, key=lambda m: (ev[m], -_TIE_ORDER.index(m)))
            if ev[best] >= config.min_evidence:
                mode, why = best, f"{best} evidence {ev[best]:.2f}" + _t(terms, best)
            else:
                mode, why = "self-service", "no keyword evidence; templated enough to automate"
        modes.append(mode)
        reasons.append(why)
    table["mode"] = modes
    table["mode_reason"] = reasons
    table["_operator_rank"] = (table["mode"] == "operator").astype(int)
    return table


def _terms_by_mode(text) -> dict:
    out = {}
    for part in str(text or "").split("; "):
        if ": " in part:
            m, t = part.split(": ", 1)
            out[m] = t
    return out


def _t(terms: dict, mode: str) -> str:
    return f" ({terms[mode]})" if terms.get(mode) else ""


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


# ---------------------------------------------------------------------------
# Load and staffing
# ---------------------------------------------------------------------------

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
