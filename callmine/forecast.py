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

This module holds :class:`LoadForecaster` and :func:`holiday_dates`; the
projections live in :mod:`callmine.growth` and the call-log helpers in
:mod:`callmine.intraday`, and every name is importable from here.

Examples
--------
>>> from callmine.forecast import project_load
>>> float(round(project_load(14000, 0.15, 5)["daily_calls"].iloc[-1], 1))
28159.0
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from threadpoolctl import threadpool_limits

from callmine.errors import CallmineError
# Projections and call-log helpers live in sibling modules; their names stay importable from here.
from callmine.growth import (  # noqa: F401
    _DAYS_PER_YEAR, _check_growth_args, _normalise_profile, _start_date, _validate_series, project_load,
    project_periods, seasonal_profile)
from callmine.intraday import (  # noqa: F401
    _check_freq, _timestamps, daily_counts, forecast_by_type, intraday_profile, spread_intraday)

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
        # backtest errors all of one sign put the empirical interval beside the median: widen it to hold it
        lo, hi = np.minimum(lo, m), np.maximum(hi, m)
        out = pd.DataFrame({"mean": np.exp(m), "lower": np.exp(lo), "upper": np.exp(hi)},
                           index=pd.DatetimeIndex(dates, name="date"))
        return out
