"""How many calls: compound-growth projections and fitted daily forecasts.

Two tools for two questions:

* :func:`project_load` answers "how many calls a day in year N?" by compound
  growth (14,000 calls/day growing 15% a year reaches 14,000 x 1.15^5 = 28,159.0 in year 5);
  :func:`project_periods` breaks such a projection down by month or day with a
  seasonal profile.
* :class:`LoadForecaster` learns a daily call series (weekly pattern, public
  holidays, turn of the month, growth, yearly seasonality when the history is
  long enough) and forecasts the next days with 80% intervals whose coverage
  is calibrated on rolling backtests of the history itself.

Helpers spread a daily forecast over the day (:func:`intraday_profile`,
:func:`spread_intraday`) and split it by request type so that the types add
up to the total (:func:`forecast_by_type`).

Examples
--------
>>> from callmine.forecast import project_load
>>> float(round(project_load(14000, 0.15, 5)["daily_calls"].iloc[-1], 1))
28159.0
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from threadpoolctl import threadpool_limits

from callmine.errors import CallmineError, DataError

__all__ = [
    "project_load",
    "project_periods",
    "seasonal_profile",
    "LoadForecaster",
    "daily_counts",
    "intraday_profile",
    "spread_intraday",
    "forecast_by_type",
    "holiday_dates",
]

_DAYS_PER_YEAR = 365.25


# ---------------------------------------------------------------------------
# Compound-growth projections
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# Holidays and calendars
# ---------------------------------------------------------------------------

def holiday_dates(holidays="KZ", years: Iterable[int] = ()) -> set[pd.Timestamp]:
    """Holiday dates for ``years``.

    ``holidays`` is a country code of the ``holidays`` package (``"KZ"``,
    ``"US"``, ...), an iterable of dates, or None (no holidays).
    """
    if holidays is None:
        return set()
    if isinstance(holidays, str):
        import holidays as _hol

        try:
            cal = _hol.country_holidays(holidays.upper(), years=sorted(set(int(y) for y in years)))
        except (NotImplementedError, KeyError):
            raise CallmineError(
                f"holidays={holidays!r} is not a country code known to the 'holidays' package "
                "(e.g. 'KZ', 'RU', 'US'); pass a list of dates or None") from None
        return {pd.Timestamp(d) for d in cal.keys()}
    try:
        return {pd.Timestamp(d).normalize() for d in holidays}
    except (TypeError, ValueError):
        raise CallmineError(
            f"holidays must be a country code, a list of dates or None; got {holidays!r}") from None


def _validate_series(y, name: str = "y") -> pd.Series:
    if not isinstance(y, pd.Series):
        raise CallmineError(f"{name} must be a pandas Series of calls per day; got {type(y).__name__}")
    if not isinstance(y.index, pd.DatetimeIndex):
        raise CallmineError(f"{name} must have a DatetimeIndex (one date per day); got {type(y.index).__name__}")
    s = pd.to_numeric(y, errors="coerce").astype(float)
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


# ---------------------------------------------------------------------------
# LoadForecaster
# ---------------------------------------------------------------------------

class LoadForecaster(BaseEstimator):
    """Daily call-volume forecaster with calendar effects and calibrated intervals.

    The log of calls per day is a robust (Huber) regression on the day of the
    week, public holidays and the day after them, the first and last open days
    of the month, an optional growth trend and, with two years of history, a
    yearly Fourier season; a smoothed local level of the regression residuals
    carries recent deviations into the forecast and fades with horizon.

    Parameters
    ----------
    holidays : str, list of dates or None, default "KZ"
        Country code for the ``holidays`` package, explicit holiday dates, or None.
    growth : {"auto", "fit", "none"} or float, default "auto"
        Trend in the forecast: ``"auto"`` fits the growth when the history
        spans at least ``min_trend_days`` days (otherwise it is reported but not
        extrapolated), ``"fit"`` always fits it, ``"none"`` uses a flat level,
        a float fixes the annual growth (0.15 = +15% a year).
    yearly : {"auto"} or bool, default "auto"
        Yearly seasonality (Fourier terms); ``"auto"`` uses it from two years of history.
    month_turn : tuple of two ints, default (3, 2)
        Flags for the first ``k1`` and last ``k2`` open days of each month.
    alpha : float or None, default None
        Smoothing weight of the residual level (0..1); None chooses from
        (0.1, 0.2, 0.3, 0.5) by rolling backtests of the history.
    damping : float or None, default None
        Per-step fading of the residual level (0..1); None chooses from
        (0.8, 0.9, 0.95, 1.0) by rolling backtests.
    halflife : float or None, default None
        Down-weight old days with this half-life in days (None: equal weights).
    coverage : float, default 0.8
        Nominal coverage of ``lower``..``upper``.
    backtest_origins : int, default 80
        Rolling forecast origins (the last ones of the history) used to choose
        ``alpha``/``damping`` and to calibrate the intervals.
    backtest_horizon : int or None, default None
        Steps forecast from each backtest origin (None: four weeks of the calendar).

    Attributes
    ----------
    growth_rate_ : float
        Annual growth estimated from the history (share a year; NaN if under 8 weeks).
    growth_used_ : float
        Annual growth built into the forecast (0 when not extrapolated).
    open_weekdays_ : list of int
        Weekdays (0 = Monday) the series is open; future dates follow this calendar.
    alpha_, damping_ : float
        Level parameters in use.
    backtest_mape_ : float
        MAPE (%) of the chosen configuration in the internal rolling backtests.
    coef_ : pandas.Series
        Regression coefficients (log scale).

    Notes
    -----
    ``predict(steps)`` returns the next ``steps`` dates *of the series' own
    calendar*: every day for a 7-day series, the next Monday..Friday dates
    for a weekday-only series (weekdays with data in fewer than a quarter of
    the weeks count as closed). Holidays stay in the future index - whether
    the centre opens is a business decision - and are forecast with the
    holiday effect learned from history (a regular day when the history has
    no open holiday). Days with zero or missing calls are treated as gaps
    (closed or not recorded) and left out of the fit.

    ``mean`` is the point forecast ``exp(m)`` of the log-scale model (a
    median, which suits MAPE); ``lower``/``upper`` are ``exp(m + q s(h))`` with
    ``q`` the empirical quantiles of standardised log errors of rolling
    backtests on the history and ``s(h)^2 = a + b (h - 1)`` their variance
    growth with the horizon ``h``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> idx = pd.date_range("2025-01-01", periods=120, freq="D")
    >>> y = pd.Series(14000 + 2000 * (idx.day_of_week < 5), index=idx, dtype=float)
    >>> f = LoadForecaster(holidays=None).fit(y)
    >>> list(f.predict(3).columns)
    ['mean', 'lower', 'upper']
    """

    _ALPHAS = (0.1, 0.2, 0.3, 0.5)
    _DAMPINGS = (0.8, 0.9, 0.95, 1.0)

    def __init__(self, *, holidays="KZ", growth="auto", yearly="auto", month_turn=(3, 2), alpha=None,
                 damping=None, halflife=None, coverage=0.8, backtest_origins=80, backtest_horizon=None,
                 min_trend_days=365, huber=1.5):
        self.holidays = holidays
        self.growth = growth
        self.yearly = yearly
        self.month_turn = month_turn
        self.alpha = alpha
        self.damping = damping
        self.halflife = halflife
        self.coverage = coverage
        self.backtest_origins = backtest_origins
        self.backtest_horizon = backtest_horizon
        self.min_trend_days = min_trend_days
        self.huber = huber

    # validation ----------------------------------------------------------------------
    def _check_params(self):
        g = self.growth
        if not (g in ("auto", "fit", "none") or (isinstance(g, (int, float)) and not isinstance(g, bool)
                                                  and g > -1)):
            raise CallmineError(f"growth must be 'auto', 'fit', 'none' or a number > -1; got {g!r}")
        if self.yearly not in ("auto", True, False):
            raise CallmineError(f"yearly must be 'auto', True or False; got {self.yearly!r}")
        mt = self.month_turn
        if not (isinstance(mt, (tuple, list)) and len(mt) == 2
                and all(isinstance(k, (int, np.integer)) and 0 <= k <= 10 for k in mt)):
            raise CallmineError(f"month_turn must be two whole numbers in 0..10 (first, last); got {mt!r}")
        for name, v in (("alpha", self.alpha), ("damping", self.damping)):
            if v is not None and not (isinstance(v, (int, float)) and 0 <= v <= 1):
                raise CallmineError(f"{name} must be None or a number in [0, 1]; got {v!r}")
        if self.halflife is not None and not (isinstance(self.halflife, (int, float)) and self.halflife > 0):
            raise CallmineError(f"halflife must be None or a number of days > 0; got {self.halflife!r}")
        if not (isinstance(self.coverage, float) and 0 < self.coverage < 1):
            raise CallmineError(f"coverage must be a share strictly between 0 and 1; got {self.coverage!r}")
        if not (isinstance(self.backtest_origins, (int, np.integer)) and self.backtest_origins >= 0):
            raise CallmineError(f"backtest_origins must be a whole number >= 0; got {self.backtest_origins!r}")
        bh = self.backtest_horizon
        if bh is not None and not (isinstance(bh, (int, np.integer)) and bh >= 1):
            raise CallmineError(f"backtest_horizon must be None or a whole number >= 1; got {bh!r}")

    # calendar and design ---------------------------------------------------------------
    def _calendar(self, start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
        days = pd.date_range(start, end, freq="D")
        return days[np.isin(days.day_of_week, self.open_weekdays_)]

    def _design(self, dates: pd.DatetimeIndex) -> pd.DataFrame:
        """Feature matrix (without intercept/trend) for calendar dates."""
        hol = self.holidays_
        X: dict[str, np.ndarray] = {}
        dow = dates.day_of_week.to_numpy()
        for d in self.open_weekdays_[1:]:
            X[f"dow_{d}"] = (dow == d).astype(float)
        is_hol = np.array([d in hol for d in dates], dtype=bool)
        X["holiday"] = is_hol.astype(float)
        # first open day after a holiday (in the series' own calendar)
        cal = self._calendar(dates.min() - pd.Timedelta(days=21), dates.max())
        prev = pd.Series(cal[:-1], index=cal[1:])
        prev_is_hol = np.array([(d in prev.index) and (prev[d] in hol) for d in dates], dtype=bool)
        X["after_holiday"] = (prev_is_hol & ~is_hol).astype(float)
        k_first, k_last = self.month_turn
        if k_first or k_last:
            months = pd.date_range(dates.min().replace(day=1), dates.max() + pd.offsets.MonthEnd(0), freq="D")
            open_days = months[np.isin(months.day_of_week, self.open_weekdays_)]
            open_days = open_days[[d not in hol for d in open_days]]
            per = open_days.to_period("M")
            frame = pd.DataFrame({"p": per}, index=open_days)
            rank = frame.groupby("p").cumcount().to_numpy()
            size = frame.groupby("p")["p"].transform("size").to_numpy()
            first = pd.Series(rank, index=open_days).reindex(dates).to_numpy()
            last = pd.Series(size - 1 - rank, index=open_days).reindex(dates).to_numpy()
            for k in range(k_first):
                X[f"month_first_{k + 1}"] = (first == k).astype(float)
            for k in range(k_last):
                X[f"month_last_{k + 1}"] = (last == k).astype(float)
        if self.yearly_:
            doy = dates.day_of_year.to_numpy() / _DAYS_PER_YEAR
            for k in range(1, 5):
                X[f"yearly_sin_{k}"] = np.sin(2 * np.pi * k * doy)
                X[f"yearly_cos_{k}"] = np.cos(2 * np.pi * k * doy)
        return pd.DataFrame(X, index=dates)

    def _years(self, dates: pd.DatetimeIndex) -> np.ndarray:
        return (dates - self.t0_).days.to_numpy() / _DAYS_PER_YEAR

    def _fit_regression(self, ly: np.ndarray, F: np.ndarray, t: np.ndarray, age: np.ndarray, trend: bool,
                        offset: np.ndarray):
        """Huber IRLS on log calls; returns (beta, residuals, clip)."""
        cols = [np.ones(len(ly))] + ([t] if trend else [])
        X = np.column_stack(cols + [F]) if F.size else np.column_stack(cols)
        target = ly - offset
        w = np.ones(len(ly)) if self.halflife is None else 0.5 ** (age / float(self.halflife))
        rw = np.ones(len(ly))
        clip = np.inf
        beta = np.zeros(X.shape[1])
        for _ in range(6):
            ww = w * rw
            gram = X.T @ (X * ww[:, None])
            ridge = 1e-8 * np.trace(gram) / len(gram) * np.eye(len(gram))
            beta = np.linalg.solve(gram + ridge, X.T @ (ww * target))
            r = target - X @ beta
            scale = np.median(np.abs(r - np.median(r))) / 0.6745
            if not np.isfinite(scale) or scale <= 1e-12:
                break
            clip = float(self.huber) * scale
            rw = np.where(np.abs(r) <= clip, 1.0, clip / np.maximum(np.abs(r), 1e-12))
        r = target - X @ beta
        return beta, r, clip

    @staticmethod
    def _levels(r: np.ndarray, alphas: np.ndarray, clip: float) -> np.ndarray:
        """Final smoothed residual level for each alpha (clipped errors).

        Only the last 400 residuals matter (weights fall as (1 - alpha)^age).
        """
        tail = [float(v) for v in r[-400:]]
        out = np.zeros(len(alphas))
        for i, a in enumerate(alphas):
            a = float(a)
            level = 0.0
            for rt in tail:
                e = rt - level
                level += a * (clip if e > clip else (-clip if e < -clip else e))
            out[i] = level
        return out

    # fit / predict ---------------------------------------------------------------------
    def fit(self, y, X=None):
        """Fit on a daily series.

        Parameters
        ----------
        y : pandas.Series
            Calls per day with a DatetimeIndex (missing days allowed; zero or
            NaN days are gaps).
        X : ignored
            Present for scikit-learn compatibility.

        Returns
        -------
        self
        """
        self._check_params()
        s = _validate_series(y, "y")
        # small matrices: multi-threaded BLAS only adds contention
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(s)

    def _fit(self, s: pd.Series):
        s = s[(s > 0) & s.notna()]
        if len(s) < 14:
            raise CallmineError(f"y needs at least 14 days with calls > 0 to fit; got {len(s)}")
        idx = s.index
        # calendar: weekdays with data in at least a quarter of the weeks spanned
        weeks = max((idx[-1] - idx[0]).days / 7.0, 1.0)
        counts = np.bincount(idx.day_of_week, minlength=7)
        self.open_weekdays_ = [d for d in range(7) if counts[d] >= max(1, 0.25 * weeks)]
        span = (idx[-1] - idx[0]).days + 1
        self.yearly_ = bool(span >= 730) if self.yearly == "auto" else bool(self.yearly)
        years = range(idx[0].year - 1, idx[-1].year + 12)
        self.holidays_ = holiday_dates(self.holidays, years)
        self.t0_ = idx[0]
        self.last_date_ = idx[-1]

        cal_end = idx[-1] + pd.Timedelta(days=400)
        self._full_calendar = self._calendar(idx[0], cal_end)
        design = self._design(self._full_calendar)
        pos = pd.Series(np.arange(len(self._full_calendar)), index=self._full_calendar)
        F_hist = design.reindex(idx).to_numpy()
        keep = F_hist.std(axis=0) > 0            # drop effects absent from the history
        self.features_ = list(design.columns[keep])
        self._design_cache = design[self.features_]
        F_hist = F_hist[:, keep]
        ly = np.log(s.to_numpy())
        t = self._years(idx)
        age = (idx[-1] - idx).days.to_numpy().astype(float)
        hpos = pos.reindex(idx).to_numpy()

        # growth: estimated for reporting always; used as chosen
        if span >= 56:
            b, _, _ = self._fit_regression(ly, F_hist, t, age, True, np.zeros(len(ly)))
            self.growth_rate_ = float(np.expm1(b[1]))
        else:
            self.growth_rate_ = float("nan")
        g = self.growth
        if isinstance(g, str):
            self._trend = g == "fit" or (g == "auto" and span >= self.min_trend_days)
            self._offset_rate = 0.0
        else:
            self._trend = False
            self._offset_rate = float(np.log1p(g))
        offset = self._offset_rate * t

        # rolling backtests on the history: choose alpha/damping, calibrate intervals
        horizon = self.backtest_horizon or 4 * len(self.open_weekdays_)
        alphas = np.array(self._ALPHAS if self.alpha is None else (float(self.alpha),))
        dampings = np.array(self._DAMPINGS if self.damping is None else (float(self.damping),))
        min_train = max(28, 6 * len(self.open_weekdays_), F_hist.shape[1] + 10)
        n = len(s)
        origins = [o for o in range(max(min_train, n - self.backtest_origins), n)]
        errs, hs = [], []   # errs: list of arrays (n_alpha, n_damp, n_targets)
        for o in origins:
            targets = np.arange(o, min(n, o + horizon))
            sub_age = (idx[o - 1] - idx[:o]).days.to_numpy().astype(float)
            beta, r, clip = self._fit_regression(ly[:o], F_hist[:o], t[:o], sub_age, self._trend, offset[:o])
            lev = self._levels(r, alphas, clip)
            Xf = self._x(F_hist[targets], t[targets], self._trend)
            base = Xf @ beta + offset[targets]
            h = hpos[targets] - hpos[o - 1]
            pred = base[None, None, :] + lev[:, None, None] * dampings[None, :, None] ** h[None, None, :]
            errs.append(ly[targets][None, None, :] - pred)
            hs.append(h)
        if errs:
            E = np.concatenate(errs, axis=2)
            H = np.concatenate(hs)
            ape = np.abs(np.expm1(-E)) * 100          # |y - f| / y with f = y * exp(-e)
            score = ape.mean(axis=2)
            ia, idmp = np.unravel_index(np.argmin(score), score.shape)
            self.alpha_, self.damping_ = float(alphas[ia]), float(dampings[idmp])
            self.backtest_mape_ = float(score[ia, idmp])
            self._calibrate(E[ia, idmp], H)
        else:
            self.alpha_ = float(alphas[np.argmin(np.abs(alphas - 0.3))])
            self.damping_ = float(dampings[np.argmin(np.abs(dampings - 0.9))])
            self.backtest_mape_ = float("nan")
            self._interval = None

        beta, r, clip = self._fit_regression(ly, F_hist, t, age, self._trend, offset)
        names = ["intercept"] + (["trend"] if self._trend else []) + self.features_
        self.coef_ = pd.Series(beta, index=names)
        self.growth_used_ = (float(np.expm1(beta[1])) if self._trend else float(np.expm1(self._offset_rate)))
        self._beta = beta
        self.level_ = float(self._levels(r, np.array([self.alpha_]), clip)[0])
        if self._interval is None:
            sd = float(np.std(r)) if len(r) > 1 else 0.0
            self._interval = ("normal", sd)
        self.n_days_ = int(n)
        return self

    def _x(self, F: np.ndarray, t: np.ndarray, trend: bool) -> np.ndarray:
        cols = [np.ones(len(t))] + ([t] if trend else [])
        return np.column_stack(cols + [F]) if F.size else np.column_stack(cols)

    def _calibrate(self, e: np.ndarray, h: np.ndarray) -> None:
        if len(e) < 30:
            self._interval = None
            return
        hu = np.unique(h)
        ms = np.array([np.mean(e[h == k] ** 2) for k in hu])
        cnt = np.array([np.sum(h == k) for k in hu])
        A = np.column_stack([np.ones(len(hu)), hu - 1.0]) * np.sqrt(cnt)[:, None]
        a, b = np.linalg.lstsq(A, ms * np.sqrt(cnt), rcond=None)[0]
        if b < 0:
            a, b = float(np.average(ms, weights=cnt)), 0.0
        a = max(a, 1e-10)
        scale = np.sqrt(a + b * (h - 1.0))
        z = e / scale
        lo_q = (1 - self.coverage) / 2
        self._interval = ("empirical", float(a), float(b),
                          float(np.quantile(z, lo_q)), float(np.quantile(z, 1 - lo_q)))

    def _check_fitted(self):
        if not hasattr(self, "coef_"):
            raise CallmineError("this LoadForecaster is not fitted yet; call fit(y) first")

    def future_dates(self, steps: int) -> pd.DatetimeIndex:
        """The next ``steps`` dates of the series' calendar after the last observed day."""
        self._check_fitted()
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
            raise CallmineError(f"steps must be a positive integer; got {steps!r}")
        end = self.last_date_ + pd.Timedelta(days=int(steps) * 7 // max(len(self.open_weekdays_), 1) + 14)
        cal = self._calendar(self.last_date_ + pd.Timedelta(days=1), end)
        return cal[:steps]

    def steps_until(self, date) -> int:
        """Number of ``predict`` steps needed to reach ``date`` (inclusive) in the series' calendar."""
        self._check_fitted()
        try:
            end = pd.Timestamp(date).normalize()
        except (TypeError, ValueError):
            raise CallmineError(f"date must be a date such as '2026-02-01'; got {date!r}") from None
        if end <= self.last_date_:
            raise CallmineError(f"date {end.date()} is not after the last observed day {self.last_date_.date()}")
        return int(len(self._calendar(self.last_date_ + pd.Timedelta(days=1), end)))

    def predict(self, steps: int) -> pd.DataFrame:
        """Forecast the next ``steps`` dates of the series' calendar.

        Returns
        -------
        pandas.DataFrame
            Indexed by date (``date``), columns ``mean`` (point forecast, calls
            per day), ``lower`` and ``upper`` (the ``coverage`` interval, 80% by default).
        """
        dates = self.future_dates(steps)
        if dates.max() > self._full_calendar.max():
            design = self._design(self._calendar(self.t0_, dates.max()))[self.features_]
        else:
            design = self._design_cache
        F = design.reindex(dates).to_numpy()
        t = self._years(dates)
        cal = self._calendar(self.last_date_, dates.max())
        h = np.searchsorted(cal, dates).astype(float)   # steps after the last observed day
        m = self._x(F, t, self._trend) @ self._beta + self._offset_rate * t + self.level_ * self.damping_ ** h
        if self._interval[0] == "empirical":
            _, a, b, qlo, qhi = self._interval
            s = np.sqrt(a + b * (h - 1.0))
            lo, hi = m + qlo * s, m + qhi * s
        else:
            from scipy.stats import norm

            z = norm.ppf(0.5 + self.coverage / 2)
            s = self._interval[1] * np.sqrt(h)
            lo, hi = m - z * s, m + z * s
        out = pd.DataFrame({"mean": np.exp(m), "lower": np.exp(lo), "upper": np.exp(hi)},
                           index=pd.DatetimeIndex(dates, name="date"))
        return out


# ---------------------------------------------------------------------------
# From call logs: daily counts, intraday profile, per-type split
# ---------------------------------------------------------------------------

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
