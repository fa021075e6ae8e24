"""Assumptions and overrides of the automation analysis (:mod:`callmine.automation`).

:class:`AutomationConfig` states every assumption with its default (deflection
rate per mode, growth, handle time, staffing targets, thresholds of the mode
rules, ...); :func:`load_config` reads one from ``.json``, ``.toml`` or a
per-type ``.csv``.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd

from callmine.errors import CallmineError

MODES = ("self-service", "proactive", "eliminate", "operator")
#: Share of a type's calls assumed to disappear once it is automated in that mode.
DEFAULT_DEFLECTION = {"self-service": 0.3, "proactive": 0.5, "eliminate": 0.7, "operator": 0.0}
#: Weights of the automation-score components (renormalised over those available).
DEFAULT_WEIGHTS = {"volume": 0.5, "homogeneity": 0.3, "simplicity": 0.1, "repeat": 0.1}


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
        for name, key in (("modes", "request type"), ("deflection", "mode"),
                          ("type_deflection", "request type"), ("weights", "component")):
            value = getattr(self, name)
            if not isinstance(value, dict):
                raise CallmineError(f"{name} must be a mapping (object/table) of {key} to value; "
                                    f"got {type(value).__name__}")
        _check_list(self.lexicons, "lexicons", "file names")
        _check_list(self.other_labels, "other_labels", "labels")
        if isinstance(self.years, (float, np.floating)) and _is_number(self.years) and self.years != int(self.years):
            raise CallmineError(f"years must be a whole number in 0..50; got {self.years!r}")
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


def _check_list(value, name: str, what: str) -> None:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise CallmineError(f"{name} must be a list of {what}; got {value!r}")


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
        try:
            _check_list(data["lexicons"], "lexicons", "file names")
        except CallmineError as exc:
            raise CallmineError(f"config file {str(path)!r}: {exc}") from None
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
