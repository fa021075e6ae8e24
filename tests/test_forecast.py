"""Specification of callmine.forecast: projections, LoadForecaster, intraday and per-type splits."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from callmine.cli import main
from callmine.errors import CallmineError
from callmine.forecast import (
    LoadForecaster,
    daily_counts,
    forecast_by_type,
    holiday_dates,
    intraday_profile,
    project_load,
    project_periods,
    seasonal_profile,
    spread_intraday,
)



def synthetic_daily(days=730, start="2024-01-01", growth=0.15, weekend=0.6, noise=0.03, seed=0,
                    holidays=(), holiday_factor=0.4):
    """14,000 calls a day, +15% a year, quieter weekends, multiplicative noise."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range(start, periods=days, freq="D")
    t = (idx - idx[0]).days.to_numpy() / 365.25
    level = 14000 * (1 + growth) ** t * np.where(idx.day_of_week >= 5, weekend, 1.0)
    level = level * np.where(idx.isin(pd.DatetimeIndex(holidays)), holiday_factor, 1.0)
    return pd.Series(level * np.exp(rng.normal(0, noise, days)), index=idx)


# --- compound-growth projection ----------------------------------------------------------------

def test_project_load_defaults_14000_calls_15_percent_5_years():
    p = project_load()
    assert list(p.columns) == ["year", "daily_calls", "annual_calls"]
    assert p["year"].tolist() == [0, 1, 2, 3, 4, 5]
    assert p["daily_calls"].iloc[0] == 14000
    # 14,000 x 1.15^5 = 28,159.0006 exactly; the issue quotes 28,158.6 (a rounding slip of 0.4 calls)
    assert p["daily_calls"].iloc[5] == pytest.approx(14000 * 1.15 ** 5, rel=1e-12)
    assert p["daily_calls"].iloc[5] == pytest.approx(28158.6, abs=0.5)
    assert p["annual_calls"].iloc[1] == pytest.approx(16100 * 365)


def test_project_load_with_start_dates_each_year():
    p = project_load(1000, 0.1, 2, start="2026-01-01")
    assert p["start"].dt.year.tolist() == [2026, 2027, 2028]
    assert project_load(1000, 0.1, 1, start=2030)["start"].iloc[0] == pd.Timestamp("2030-01-01")


@pytest.mark.parametrize("kwargs, match", [
    ({"base_daily_calls": -1}, "base_daily_calls"),
    ({"annual_growth": -1.5}, "annual_growth"),
    ({"years": 2.5}, "years must be a whole number"),
    ({"start": "not a date"}, "start must be a date"),
])
def test_project_load_rejects_bad_arguments(kwargs, match):
    with pytest.raises(CallmineError, match=match):
        project_load(**kwargs)


def test_monthly_breakdown_follows_smooth_growth():
    m = project_periods(14000, 0.15, 1, start="2026-01-01", freq="month")
    assert len(m) == 24 and m["days"].sum() == 365 + 365
    year0 = m["calls"].iloc[:12].sum()
    # integral of 14000 * 1.15^(t / 365.25) over 365 days
    expected = 14000 * 365.25 / np.log(1.15) * (1.15 ** (365 / 365.25) - 1)
    assert year0 == pytest.approx(expected, rel=1e-3)


def test_seasonal_profile_shapes_months_but_keeps_the_year_total():
    flat = project_periods(14000, 0.0, 0, start="2026-01-01")
    prof = {m: (1.3 if m in (1, 2) else 1.0) for m in range(1, 13)}
    shaped = project_periods(14000, 0.0, 0, start="2026-01-01", monthly_profile=prof)
    assert shaped["daily_calls"].iloc[0] > shaped["daily_calls"].iloc[5]
    assert shaped["calls"].sum() == pytest.approx(flat["calls"].sum(), rel=0.01)


def test_daily_breakdown_with_weekday_profile_and_estimated_profiles():
    y = synthetic_daily(days=400)
    prof = seasonal_profile(y)
    assert prof["weekday"][6] < prof["weekday"][2]
    d = project_periods(14000, 0.15, 0, start="2026-01-05", freq="day", weekday_profile=prof["weekday"])
    assert len(d) == 365
    assert d["calls"].iloc[5] < d["calls"].iloc[2]        # Saturday below Wednesday


# --- LoadForecaster ----------------------------------------------------------------------------

def test_predict_returns_the_next_calendar_days_with_mean_lower_upper():
    y = synthetic_daily(days=120)
    pred = LoadForecaster(holidays=None).fit(y).predict(10)
    assert list(pred.columns) == ["mean", "lower", "upper"]
    assert list(pred.index) == list(pd.date_range(y.index[-1] + pd.Timedelta(days=1), periods=10))
    assert (pred["lower"] <= pred["mean"]).all() and (pred["mean"] <= pred["upper"]).all()


def test_weekday_only_history_forecasts_the_next_business_days():
    y = synthetic_daily(days=140)
    y = y[y.index.day_of_week < 5]                     # Friday 2024-05-17 is the last day
    f = LoadForecaster(holidays=None).fit(y)
    assert f.open_weekdays_ == [0, 1, 2, 3, 4]
    dates = f.predict(6).index
    assert all(d.day_of_week < 5 for d in dates)
    assert dates[0] == pd.Timestamp("2024-05-20") and dates[-1] == pd.Timestamp("2024-05-27")


def test_steps_until_and_long_horizons():
    y = synthetic_daily(days=140)
    y = y[y.index.day_of_week < 5]
    f = LoadForecaster(holidays=None).fit(y)
    assert f.steps_until("2024-05-27") == 6
    long = f.predict(500)
    assert len(long) == 500 and np.isfinite(long.to_numpy()).all()
    with pytest.raises(CallmineError, match="not after the last observed day"):
        f.steps_until("2024-01-01")


def test_learns_the_weekly_pattern_and_the_growth_rate():
    y = synthetic_daily(days=730, growth=0.15)
    f = LoadForecaster(holidays=None).fit(y)
    assert f.growth_rate_ == pytest.approx(0.15, abs=0.02)
    assert f.growth_used_ == pytest.approx(0.15, abs=0.02)
    pred = f.predict(14)["mean"]
    weekend = pred[pred.index.day_of_week >= 5].mean() / pred[pred.index.day_of_week < 5].mean()
    assert weekend == pytest.approx(0.6, abs=0.03)
    expected_level = 14000 * 1.15 ** ((pred.index[0] - y.index[0]).days / 365.25)
    assert pred[pred.index.day_of_week < 5].mean() == pytest.approx(expected_level, rel=0.03)


def test_short_history_reports_growth_but_does_not_extrapolate_it():
    y = synthetic_daily(days=150, growth=0.5)
    f = LoadForecaster(holidays=None).fit(y)
    assert np.isfinite(f.growth_rate_)
    assert f.growth_used_ == 0.0
    assert LoadForecaster(holidays=None, growth="fit").fit(y).growth_used_ > 0.2


def test_fixed_growth_is_built_in():
    y = synthetic_daily(days=150, growth=0.0, noise=0.0, weekend=1.0)
    pred = LoadForecaster(holidays=None, growth=0.15, damping=1.0, alpha=0.0).fit(y).predict(365)["mean"]
    assert pred.iloc[-1] / pred.iloc[0] == pytest.approx(1.15, rel=0.01)


def test_holiday_effect_is_learned_from_a_list_of_dates():
    hol = ["2024-03-08", "2024-05-01", "2024-05-09", "2024-07-06", "2024-08-30", "2024-10-25",
           "2024-12-16", "2025-01-01", "2025-03-08", "2025-05-01"]
    y = synthetic_daily(days=500, holidays=hol, growth=0.0)
    f = LoadForecaster(holidays=hol + ["2025-05-20"]).fit(y)
    assert f.coef_["holiday"] == pytest.approx(np.log(0.4), abs=0.1)
    pred = f.predict(10)["mean"]                          # history ends 2025-05-15
    assert pred[pd.Timestamp("2025-05-20")] < 0.5 * pred[pd.Timestamp("2025-05-21")]


def test_country_holidays_from_the_holidays_package():
    kz = holiday_dates("KZ", [2026])
    assert pd.Timestamp("2026-03-22") in kz            # Nauryz
    assert holiday_dates(None, [2026]) == set()


def test_gaps_missing_and_zero_days_are_skipped():
    y = synthetic_daily(days=200)
    y = y.drop(y.index[50:60])
    y.iloc[100] = 0.0
    y.iloc[101] = np.nan
    f = LoadForecaster(holidays=None).fit(y)
    assert f.n_days_ == len(y) - 2
    assert np.isfinite(f.predict(7).to_numpy()).all()


def test_intervals_cover_about_80_percent_in_a_backtest():
    y = synthetic_daily(days=900, noise=0.05, seed=3)
    hits = []
    for end in range(700, 880, 15):
        pred = LoadForecaster(holidays=None).fit(y.iloc[:end]).predict(14)
        actual = y.reindex(pred.index)
        hits.append(((actual >= pred["lower"]) & (actual <= pred["upper"])).to_numpy())
    coverage = np.concatenate(hits).mean()
    assert 0.68 <= coverage <= 0.92


def test_is_a_scikit_learn_style_estimator():
    f = LoadForecaster(holidays="US", alpha=0.2)
    assert clone(f).get_params()["holidays"] == "US"
    assert f.set_params(alpha=0.3).alpha == 0.3
    assert not hasattr(f, "coef_")                     # nothing computed before fit


@pytest.mark.parametrize("y, kwargs, match", [
    ([1, 2, 3], {}, "must be a pandas Series"),
    (pd.Series([1.0] * 30), {}, "DatetimeIndex"),
    (pd.Series([1.0] * 5, index=pd.date_range("2026-01-01", periods=5)), {}, "at least 14 days"),
    (pd.Series([-1.0] * 30, index=pd.date_range("2026-01-01", periods=30)), {}, "negative value"),
    (pd.Series([1.0] * 30, index=pd.DatetimeIndex(["2026-01-01"] * 30)), {}, "more than one value"),
    (synthetic_daily(60), {"holidays": "XX"}, "not a country code"),
    (synthetic_daily(60), {"growth": "up"}, "growth must be"),
    (synthetic_daily(60), {"coverage": 80}, "coverage must be"),
])
def test_fit_errors_name_the_problem(y, kwargs, match):
    with pytest.raises(CallmineError, match=match):
        LoadForecaster(**{"holidays": None, **kwargs}).fit(y)


def test_predict_errors():
    with pytest.raises(CallmineError, match="not fitted"):
        LoadForecaster().predict(3)
    f = LoadForecaster(holidays=None).fit(synthetic_daily(60))
    with pytest.raises(CallmineError, match="steps must be a positive integer"):
        f.predict(0)


# --- call logs: daily counts, intraday profile, per-type split ---------------------------------

def call_log(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    day = pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 56, n), unit="D")
    minute = np.clip(rng.normal(13 * 60, 150, n), 8 * 60, 20 * 60 - 1).astype(int)
    started = day + pd.to_timedelta(minute, unit="min")
    types = rng.choice(["status", "password", "complaint"], n, p=[0.5, 0.3, 0.2])
    return pd.DataFrame({"started_at": started.strftime("%Y-%m-%dT%H:%M:%S"), "request_type": types})


def test_daily_counts_fills_empty_days_with_zero():
    s = daily_counts(["2026-01-01 10:00", "2026-01-01 11:00", "2026-01-03 09:00"])
    assert s.tolist() == [2.0, 0.0, 1.0]


@pytest.mark.parametrize("freq, n_slots", [("15min", 96), ("30min", 48), ("60min", 24)])
def test_intraday_profile_shares_sum_to_one_per_weekday(freq, n_slots):
    prof = intraday_profile(call_log()["started_at"], freq=freq)
    assert len(prof) == n_slots
    assert sorted(prof.columns) == list(range(7))
    assert np.allclose(prof.sum(axis=0), 1.0)
    assert (prof.loc[datetime.time(3, 0)] == 0).all()             # nobody calls at night
    overall = intraday_profile(call_log()["started_at"], freq=freq, by_weekday=False)["all"]
    midday = [t for t in overall.index if datetime.time(11, 0) <= t < datetime.time(15, 0)]
    assert overall[midday].sum() > 0.5                            # calls peak around 13:00


def test_spread_intraday_keeps_each_days_total():
    log = call_log()
    pred = LoadForecaster(holidays=None).fit(daily_counts(log["started_at"])).predict(3)
    spread = spread_intraday(pred, intraday_profile(log["started_at"], freq="30min"))
    totals = spread.groupby("date")[["calls", "lower", "upper"]].sum()
    assert np.allclose(totals["calls"], pred["mean"])
    assert np.allclose(totals["upper"], pred["upper"])
    assert len(spread) == 3 * 48


def test_intraday_rejects_a_bad_interval():
    with pytest.raises(CallmineError, match="freq must divide a day"):
        intraday_profile(["2026-01-05 09:00"], freq="7min")


def test_per_type_forecasts_add_up_to_the_total():
    log = call_log()
    by_type = forecast_by_type(log["started_at"], log["request_type"], steps=5,
                               forecaster=LoadForecaster(holidays=None))
    total = LoadForecaster(holidays=None).fit(daily_counts(log["started_at"])).predict(5)
    sums = by_type.groupby("date")["mean"].sum()
    assert np.allclose(sums.to_numpy(), total["mean"].to_numpy())
    assert set(by_type["request_type"]) == {"status", "password", "complaint"}
    assert by_type.groupby("date")["share"].sum().round(9).eq(1).all()


# --- command line ------------------------------------------------------------------------------

def test_cli_projection_prints_and_writes_csv(tmp_path, capsys):
    out = tmp_path / "load.csv"
    assert main(["forecast", "--base", "14000", "--growth", "0.15", "--years", "5", "-o", str(out)]) == 0
    assert "28,159.00" in capsys.readouterr().out
    table = pd.read_csv(out)
    assert table["daily_calls"].iloc[-1] == pytest.approx(14000 * 1.15 ** 5)


def test_cli_forecast_from_a_daily_count_file(tmp_path, capsys):
    src = tmp_path / "daily.csv"
    y = synthetic_daily(days=100)
    pd.DataFrame({"date": y.index.strftime("%Y-%m-%d"), "calls": y.round().to_numpy()}).to_csv(src, index=False)
    out = tmp_path / "fc.csv"
    assert main(["forecast", str(src), "--steps", "7", "--holidays", "none", "-o", str(out), "-q"]) == 0
    fc = pd.read_csv(out)
    assert list(fc.columns) == ["date", "mean", "lower", "upper"] and len(fc) == 7


def test_cli_forecast_from_a_call_log_with_intraday_intervals(tmp_path, capsys):
    src = tmp_path / "calls.csv"
    call_log().to_csv(src, index=False)
    out = tmp_path / "intervals.csv"
    assert main(["forecast", str(src), "--steps", "2", "--intraday", "30min", "-o", str(out), "-q"]) == 0
    table = pd.read_csv(out)
    assert len(table) == 96 and {"interval_start", "calls", "lower", "upper"} <= set(table.columns)


def test_cli_forecast_by_type_adds_up_and_monthly_projection(tmp_path, capsys):
    src = tmp_path / "calls.csv"
    call_log().to_csv(src, index=False)
    out = tmp_path / "types.csv"
    assert main(["forecast", str(src), "--steps", "3", "--by-type", "request_type", "--holidays", "none",
                 "-o", str(out), "-q"]) == 0
    table = pd.read_csv(out)
    assert len(table) == 3 * 3 and table.groupby("date")["share"].sum().round(9).eq(1).all()
    assert main(["forecast", "--freq", "month", "--years", "0", "--start", "2026-01-01", "-q"]) == 0
    assert "2026-12-01" in capsys.readouterr().out


def test_cli_forecast_names_missing_columns(tmp_path, capsys):
    src = tmp_path / "bad.csv"
    pd.DataFrame({"x": [1, 2]}).to_csv(src, index=False)
    assert main(["forecast", str(src)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error:") and "started_at" in err and "'calls'" in err


# --- real data (../shared/data/bank_calls) -----------------------------------------------------

@pytest.mark.shared_data
def test_bank_calls_single_origin_beats_the_baselines_and_4_2_percent(shared_file):
    path = shared_file("bank_calls/bank_calls.csv")
    raw = pd.read_csv(path)
    stamps = pd.to_datetime(raw["DateTime"].str.rstrip("Z"))     # the Z is wrong: local times
    y = raw["Calls"].groupby(stamps.dt.normalize()).sum().astype(float)
    hist, test = y.iloc[:-19], y.iloc[-19:]
    pred = LoadForecaster(holidays="US").fit(hist).predict(25)["mean"].reindex(test.index)
    mape = float((np.abs(test - pred) / test).mean() * 100)
    naive = np.array([hist[hist.index.day_of_week == d.day_of_week].iloc[-1] for d in test.index])
    naive_mape = float((np.abs(test - naive) / test).mean() * 100)
    assert naive_mape == pytest.approx(5.60, abs=0.01)
    assert mape <= 4.2


def test_the_interval_always_contains_the_mean_even_when_backtests_all_err_one_way():
    # half a year of steady growth: growth is not used (< 1 year), so every backtest underforecasts
    y = synthetic_daily(days=180, noise=0.0, growth=0.5, weekend=1.0)
    fc = LoadForecaster(holidays=None).fit(y).predict(28)
    assert (fc["lower"] <= fc["mean"]).all() and (fc["mean"] <= fc["upper"]).all()


@pytest.mark.parametrize("bad, match", [
    (np.inf, r"y has a non-finite or non-numeric value on 2024-01-04 \(inf\)"),
    ("abc", r"y has a non-finite or non-numeric value on 2024-01-04 \('abc'\)"),
])
def test_a_non_numeric_or_infinite_day_is_an_error_not_a_gap(bad, match):
    y = synthetic_daily(days=60).astype(object)
    y.iloc[3] = bad
    with pytest.raises(CallmineError, match=match):
        LoadForecaster(holidays=None).fit(y)


def test_cli_forecast_short_history_progress_has_no_nan(tmp_path, capsys):
    src = tmp_path / "calls.csv"
    log = call_log()
    log[log["started_at"] < "2026-01-25"].to_csv(src, index=False)    # 20 days: no growth, no backtests
    assert main(["forecast", str(src), "--steps", "3", "--holidays", "none"]) == 0
    err = capsys.readouterr().err
    assert "nan" not in err.lower()
    assert "growth not estimated (under 8 weeks of history)" in err and "no backtest" in err


def test_cli_forecast_by_type_and_intraday_together_is_a_usage_error(tmp_path, capsys):
    src = tmp_path / "calls.csv"
    call_log().to_csv(src, index=False)
    assert main(["forecast", str(src), "--by-type", "request_type", "--intraday", "30min"]) == 2
    assert "--by-type" in capsys.readouterr().err


def test_cli_forecast_reports_rows_it_could_not_count(tmp_path, capsys):
    src = tmp_path / "calls.csv"
    log = call_log()
    log.loc[log.index[[4, 9, 20]], "started_at"] = ["garbage", "", "31/02/2026 xx"]
    log.to_csv(src, index=False)
    assert main(["forecast", str(src), "--steps", "2", "--holidays", "none", "-q"]) == 0
    err = capsys.readouterr().err
    assert "skipped 3 rows without a readable 'started_at' (first at row 4)" in err
    daily = tmp_path / "daily.csv"
    y = synthetic_daily(days=60)
    d = pd.DataFrame({"date": y.index.strftime("%Y-%m-%d"), "calls": y.round().astype(int).astype(str).to_numpy()})
    d.loc[5, "calls"] = "abc"
    d.loc[7, "date"] = "2024-13-45"
    d.to_csv(daily, index=False)
    assert main(["forecast", str(daily), "--steps", "2", "--holidays", "none", "-q"]) == 0
    err = capsys.readouterr().err
    assert "skipped 2 rows without a readable 'date' and numeric 'calls' (first at row 5)" in err
