"""E-Government Development Index (EGDI), by the method of the UN E-Government Survey.

The EGDI is the mean of three normalised component indices (United Nations,
*E-Government Survey 2018: Gearing E-Government to Support Transformation
towards Sustainable and Resilient Societies*, Annexes, "Survey methodology"):

* OSI, the Online Service Index (from the survey's assessment of national portals);
* TII, the Telecommunication Infrastructure Index (in 2018: internet users,
  mobile-cellular subscriptions, active mobile-broadband subscriptions and
  fixed-broadband subscriptions, each per 100 inhabitants; equal weights);
* HCI, the Human Capital Index (adult literacy rate 1/3, gross enrolment ratio
  2/9, expected years of schooling 2/9, mean years of schooling 2/9).

Each component is built from its indicators across all countries: every
indicator is standardised (z-score: ``(x - mean) / standard deviation``), the
z-scores are averaged with the component's weights, and the composite is
rescaled to 0..1 by min-max across countries. The EGDI is then
``(OSI + TII + HCI) / 3`` and countries are grouped as very high (>= 0.75),
high (0.50-0.75), middle (0.25-0.50) and low (< 0.25).

Examples
--------
>>> from callmine.egdi import egdi, egdi_level
>>> value = egdi(0.8681, 0.5723, 0.8388)     # Kazakhstan, 2018
>>> round(value, 4), egdi_level(value)
(0.7597, 'very high')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Real

import numpy as np
import pandas as pd

from callmine.errors import CallmineError, DataError

__all__ = ["COMPONENTS", "LEVELS", "UN2018_INDICATORS", "egdi", "egdi_level", "egdi_table",
           "normalise_components"]

#: The three components, in the survey's order.
COMPONENTS = ("osi", "tii", "hci")

#: Level groups: (name, lower bound inclusive), highest first.
LEVELS = (("very high", 0.75), ("high", 0.50), ("middle", 0.25), ("low", 0.0))

#: Indicators and weights of the 2018 survey, under callmine's column names
#: (``<component>_<indicator>``). OSI is the survey's own normalised score.
UN2018_INDICATORS: dict[str, dict[str, float]] = {
    "tii": {"tii_internet_users": 0.25, "tii_mobile_subscriptions": 0.25,
            "tii_mobile_broadband": 0.25, "tii_fixed_broadband": 0.25},
    "hci": {"hci_adult_literacy": 1 / 3, "hci_gross_enrolment": 2 / 9,
            "hci_expected_years": 2 / 9, "hci_mean_years": 2 / 9},
}


def _as_unit_interval(name: str, value):
    """Return ``value`` as float or float array, checking 0 <= value <= 1."""
    if isinstance(value, (bool, np.bool_)) or isinstance(value, str):
        raise CallmineError(f"{name} must be a number between 0 and 1; got {value!r}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise CallmineError(f"{name} must be a number between 0 and 1; got {value!r}") from None
    bad = ~np.isfinite(arr) | (arr < 0) | (arr > 1)
    if bad.any():
        first = float(arr.flat[int(np.argmax(bad.ravel()))]) if arr.ndim else float(arr)
        raise CallmineError(f"{name} must be between 0 and 1; got {first!r}")
    return arr


def egdi(osi, tii, hci):
    """E-Government Development Index: the mean of the three normalised components.

    Parameters
    ----------
    osi, tii, hci : float, array-like or pandas.Series
        Online Service Index, Telecommunication Infrastructure Index and Human
        Capital Index, each already normalised to 0..1 (as published in the UN
        E-Government Survey, or from :func:`normalise_components`). Arrays and
        Series broadcast against each other.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        ``(osi + tii + hci) / 3``: a float for scalars, a Series (with the
        first Series' index) if any input is a Series, otherwise an array.

    Raises
    ------
    CallmineError
        If a value is not a finite number between 0 and 1.

    Notes
    -----
    UN E-Government Survey 2018, Annexes, "Survey methodology":
    EGDI = 1/3 (OSI_normalised + TII_normalised + HCI_normalised).

    Examples
    --------
    >>> round(egdi(0.8681, 0.5723, 0.8388), 4)   # Kazakhstan, 2018
    0.7597
    >>> egdi([1.0, 0.0], [0.5, 0.0], [0.0, 0.3]).round(4).tolist()
    [0.5, 0.1]
    """
    values = {name: _as_unit_interval(name, v) for name, v in zip(COMPONENTS, (osi, tii, hci))}
    try:
        result = (values["osi"] + values["tii"] + values["hci"]) / 3.0
    except ValueError:
        shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in values.items())
        raise CallmineError(f"osi, tii and hci must have matching lengths; got {shapes}") from None
    series = next((v for v in (osi, tii, hci) if isinstance(v, pd.Series)), None)
    if series is not None:
        return pd.Series(np.broadcast_to(result, series.shape), index=series.index, name="egdi")
    if result.ndim == 0:
        return float(result)
    return result


def _level(v: float) -> str:
    for name, lower in LEVELS:
        if v >= lower:
            return name
    return "low"  # pragma: no cover - v >= 0 is checked


def egdi_level(value):
    """The survey's EGDI level group: ``"very high"``, ``"high"``, ``"middle"`` or ``"low"``.

    Very high: EGDI >= 0.75; high: 0.50 <= EGDI < 0.75; middle: 0.25 <= EGDI < 0.50;
    low: EGDI < 0.25 (UN E-Government Survey 2018, chapter 1).

    Parameters
    ----------
    value : float, array-like or pandas.Series
        EGDI value(s) between 0 and 1.

    Returns
    -------
    str, numpy.ndarray of str, or pandas.Series of str

    Examples
    --------
    >>> egdi_level(0.7597), egdi_level(0.75), egdi_level(0.7499), egdi_level(0.1)
    ('very high', 'very high', 'high', 'low')
    """
    arr = _as_unit_interval("egdi", value)
    if arr.ndim == 0:
        return _level(float(arr))
    labels = np.array([_level(float(v)) for v in arr.ravel()], dtype=object).reshape(arr.shape)
    if isinstance(value, pd.Series):
        return pd.Series(labels, index=value.index, name="level")
    return labels


def _weights(component: str, spec) -> dict[str, float]:
    if isinstance(spec, str):
        spec = [spec]
    if isinstance(spec, Mapping):
        weights = {str(k): v for k, v in spec.items()}
    elif isinstance(spec, Sequence):
        weights = {str(col): 1.0 for col in spec}
    else:
        raise CallmineError(f"indicators[{component!r}] must be a list of columns or a mapping "
                            f"column -> weight; got {spec!r}")
    if not weights:
        raise CallmineError(f"indicators[{component!r}] names no column")
    for col, w in weights.items():
        if isinstance(w, bool) or not isinstance(w, Real) or not np.isfinite(w) or w <= 0:
            raise CallmineError(f"weight of {col!r} in component {component!r} must be a positive "
                                f"number; got {w!r}")
    total = float(sum(weights.values()))
    return {col: float(w) / total for col, w in weights.items()}


def _numeric_column(df: pd.DataFrame, col: str) -> pd.Series:
    raw = df[col]
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() | ~np.isfinite(values.astype(float))
    if bad.any():
        where = raw.index[bad.to_numpy()][0]
        raise DataError(f"column {col!r} must hold numbers; got {raw.loc[where]!r} in row {where!r}")
    return values.astype(float)


def normalise_components(df: pd.DataFrame, indicators: Mapping[str, object]) -> pd.DataFrame:
    """Build normalised component indices (0..1) from raw indicators, UN method.

    For each component: z-score every indicator across the rows (countries),
    take the weighted mean of the z-scores, and min-max the composite to 0..1
    across the rows.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per country, raw indicator columns (numbers, e.g. internet
        users per 100 inhabitants, adult literacy in %).
    indicators : mapping component -> list of columns, or component -> {column: weight}
        The columns of each component. Lists weigh their columns equally;
        weights are rescaled to sum to 1. :data:`UN2018_INDICATORS` holds the
        2018 survey's TII and HCI indicators and weights.

    Returns
    -------
    pandas.DataFrame
        Same index as ``df``, one float column per component (in the order of
        ``indicators``), each between 0 (lowest country) and 1 (highest).

    Raises
    ------
    DataError
        If a column is missing or not numeric, or if a component has the same
        value for every country (min-max is then undefined; at least two
        different countries are needed).
    CallmineError
        If ``indicators`` is empty or a weight is not a positive number.

    Notes
    -----
    UN E-Government Survey 2018, Annexes: "the z-score for each component
    indicator is computed" as ``z = (x - mean) / sd``, the composite is the
    (weighted) mean of the z-scores, and "the composite value ... is normalized
    to the range 0 to 1" as ``(c - min c) / (max c - min c)``. Whether the
    standard deviation is the population or the sample one does not change the
    result: it scales every z-score of a component by the same factor, which
    the min-max step removes. An indicator equal in every country has no
    spread; it contributes z = 0.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"internet": [80, 50, 20], "mobile": [150, 120, 60]},
    ...                    index=["A", "B", "C"])
    >>> normalise_components(raw, {"tii": ["internet", "mobile"]})["tii"].round(4).tolist()
    [1.0, 0.5826, 0.0]
    """
    if not isinstance(df, pd.DataFrame):
        raise CallmineError(f"df must be a pandas DataFrame; got {type(df).__name__}")
    if not indicators:
        raise CallmineError("indicators must name at least one component, e.g. {'tii': ['internet_users']}")
    out = {}
    for component, spec in indicators.items():
        weights = _weights(str(component), spec)
        missing = [c for c in weights if c not in df.columns]
        if missing:
            raise DataError(f"component {component!r}: no column {missing[0]!r}; columns found: "
                            + ", ".join(repr(c) for c in df.columns))
        composite = pd.Series(0.0, index=df.index)
        for col, w in weights.items():
            x = _numeric_column(df, col)
            sd = x.std(ddof=0)
            z = (x - x.mean()) / sd if sd > 0 else x * 0.0
            composite = composite + w * z
        lo, hi = composite.min(), composite.max()
        if not hi - lo > 1e-12:
            raise DataError(f"component {component!r} has the same value for every country "
                            f"({len(df)} rows); min-max needs at least two different countries")
        out[str(component)] = ((composite - lo) / (hi - lo)).clip(0.0, 1.0)
    return pd.DataFrame(out, index=df.index)


def _component_columns(columns: Sequence[str], component: str) -> list[str]:
    prefix = component + "_"
    return [c for c in columns if str(c).lower().startswith(prefix)]


def egdi_table(df: pd.DataFrame, *, country_col: str = "country") -> pd.DataFrame:
    """EGDI, level and rank for a table of countries.

    Each component is taken from a column named ``osi``, ``tii`` or ``hci``
    (already normalised, 0..1) or, if there is none, built with
    :func:`normalise_components` from its raw indicator columns named
    ``osi_*``, ``tii_*`` or ``hci_*``. Raw TII and HCI indicators named as in
    :data:`UN2018_INDICATORS` get the 2018 weights; other raw indicators are
    weighted equally.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per country.
    country_col : str, default "country"
        Column with the country names (kept in the output if present).

    Returns
    -------
    pandas.DataFrame
        ``country`` (if present), ``osi``, ``tii``, ``hci``, ``egdi``, ``level``
        and ``rank`` (1 = highest EGDI; ties share the lowest rank), in input order.

    Raises
    ------
    DataError
        If a component has neither a normalised column nor raw ``<component>_*``
        columns, or values are not numeric or out of range.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"country": ["Kazakhstan", "Country B"], "osi": [0.8681, 0.5],
    ...                       "tii": [0.5723, 0.4], "hci": [0.8388, 0.6]})
    >>> egdi_table(table)[["country", "egdi", "level", "rank"]].round(4).values.tolist()
    [['Kazakhstan', 0.7597, 'very high', 1], ['Country B', 0.5, 'high', 2]]
    """
    if not isinstance(df, pd.DataFrame):
        raise CallmineError(f"df must be a pandas DataFrame; got {type(df).__name__}")
    if len(df) == 0:
        raise DataError("df has no rows (no countries); give one row per country")
    if country_col in df.columns:
        names = df[country_col].astype("string").str.strip()
        dup = names.duplicated(keep=False) & names.notna()
        if dup.any():
            first = names[dup].iloc[0]
            pos = np.flatnonzero((names == first).to_numpy(dtype=bool))
            raise DataError(f"country {first!r} appears more than once (rows {pos[0]} and {pos[1]}); "
                            "give one row per country")
    lower = {str(c).lower(): c for c in df.columns}
    parts: dict[str, pd.Series] = {}
    raw_spec: dict[str, object] = {}
    for comp in COMPONENTS:
        if comp in lower:
            values = _numeric_column(df, lower[comp])
            _as_unit_interval(f"column {lower[comp]!r}", values.to_numpy())
            parts[comp] = values
            continue
        cols = _component_columns(list(df.columns), comp)
        if not cols:
            raise DataError(f"no column {comp!r} (normalised, 0..1) and no raw indicator columns "
                            f"'{comp}_*'; columns found: " + ", ".join(repr(c) for c in df.columns))
        un = UN2018_INDICATORS.get(comp, {})
        raw_spec[comp] = {c: un[c] for c in cols} if set(cols) == set(un) else cols
    if raw_spec:
        built = normalise_components(df, raw_spec)
        for comp in raw_spec:
            parts[comp] = built[comp]
    out = pd.DataFrame(index=df.index)
    if country_col in df.columns:
        out["country"] = df[country_col]
    for comp in COMPONENTS:
        out[comp] = parts[comp].astype(float)
    out["egdi"] = egdi(out["osi"], out["tii"], out["hci"])
    out["level"] = egdi_level(out["egdi"])
    out["rank"] = out["egdi"].round(12).rank(ascending=False, method="min").astype("int64")
    return out
