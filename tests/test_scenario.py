"""Specification of callmine.scenario: deflection and staffing with and without automation."""

from __future__ import annotations

import pandas as pd
import pytest

from callmine.errors import CallmineError
from callmine.scenario import automation_scenario, deflect, flat_profile
from callmine.staffing import required_agents


@pytest.fixture
def load():
    return pd.DataFrame({
        "request_type": ["application_status", "password_reset", "complaint", "other"],
        "calls": [6000.0, 4000.0, 3000.0, 1000.0],
        "mode": ["self-service", "self-service", "operator", "operator"],
        "mean_handle_s": [120.0, 150.0, 400.0, 200.0],
    })


def test_deflect_by_mode(load):
    out = deflect(load, {"self-service": 0.6})
    assert out["deflection"].tolist() == [0.6, 0.6, 0.0, 0.0]
    assert out["residual_calls"].tolist() == [2400.0, 1600.0, 3000.0, 1000.0]
    assert out["deflected_calls"].sum() == pytest.approx(6000.0)


def test_a_request_type_key_overrides_its_mode(load):
    out = deflect(load, {"self-service": 0.6, "password_reset": 0.9, "complaint": 0.1})
    assert out["deflection"].tolist() == [0.6, 0.9, 0.1, 0.0]


@pytest.mark.parametrize("deflection, match", [
    ({"chatbot": 0.5}, "neither a request type nor a mode"),
    ({"self-service": 1.5}, r"must be in \[0, 1\]"),
    (["self-service"], "must be a mapping"),
])
def test_deflect_rejects_unknown_keys_and_bad_shares(load, deflection, match):
    with pytest.raises(CallmineError, match=match):
        deflect(load, deflection)


def test_deflect_needs_the_calls_column(load):
    with pytest.raises(CallmineError, match="no column 'calls'"):
        deflect(load.drop(columns="calls"), {"self-service": 0.5})


def test_scenario_grows_the_load_and_deflects_from_year_one(load):
    s = automation_scenario(load, {"self-service": 0.5}, years=5, annual_growth=0.15)
    assert s["year"].tolist() == [0, 1, 2, 3, 4, 5]
    assert s["daily_calls"].iloc[5] == pytest.approx(14000 * 1.15 ** 5)
    assert s["residual_daily_calls"].iloc[0] == s["daily_calls"].iloc[0]         # no automation today
    share = (14000 - 5000) / 14000
    assert s["residual_daily_calls"].iloc[3] == pytest.approx(s["daily_calls"].iloc[3] * share)
    assert (s["peak_agents_automated"] <= s["peak_agents"]).all()
    assert s["agents_saved"].iloc[5] > 0
    assert s["agents_saved"].iloc[0] == 0


def test_scenario_staffs_each_interval_with_erlang_c(load):
    s = automation_scenario(load, {}, years=0, aht=180, interval=1800, shrinkage=0.3)
    per_interval = 14000 / 24                       # flat 08:00-20:00: 24 half-hours
    r = required_agents(per_interval, 1800, 180, shrinkage=0.3)
    assert s["peak_agents"].iloc[0] == r["agents"]
    assert s["peak_scheduled"].iloc[0] == r["scheduled"]
    assert s["agent_hours_per_day"].iloc[0] == pytest.approx(24 * r["scheduled"] * 0.5)


def test_handle_time_column_changes_the_residual_mix(load):
    s = automation_scenario(load, {"self-service": 1.0}, years=1, aht="mean_handle_s")
    assert s["aht_s"].iloc[1] == pytest.approx((6000 * 120 + 4000 * 150 + 3000 * 400 + 1000 * 200) / 14000)
    assert s["aht_automated_s"].iloc[1] == pytest.approx((3000 * 400 + 1000 * 200) / 4000)


def test_base_daily_calls_overrides_the_total_and_profile_is_checked(load):
    s = automation_scenario(load, {"self-service": 0.5}, years=0, base_daily_calls=28000)
    assert s["daily_calls"].iloc[0] == 28000
    with pytest.raises(CallmineError, match="sum to 1"):
        automation_scenario(load, {}, profile=pd.Series([0.5, 0.2]))


def test_flat_profile():
    p = flat_profile(3600, (9, 18))
    assert p.sum() == pytest.approx(1.0)
    assert (p > 0).sum() == 9
    with pytest.raises(CallmineError, match="open_hours"):
        flat_profile(3600, (18, 9))


def test_erlang_a_scenario_needs_no_more_agents_than_erlang_c(load):
    c = automation_scenario(load, {"self-service": 0.5}, years=1)
    a = automation_scenario(load, {"self-service": 0.5}, years=1, patience=300)
    assert (a["peak_agents"] <= c["peak_agents"]).all()


def test_an_empty_load_or_a_bad_calls_value_is_named(load):
    with pytest.raises(CallmineError, match=r"load has no rows \(one row per request type\)"):
        automation_scenario(load.iloc[:0], {"self-service": 0.5}, years=1, aht=180)
    bad = load.assign(calls=[6000.0, -5.0, 3000.0, 1000.0])
    with pytest.raises(CallmineError, match=r"column 'calls' must hold numbers >= 0 \(calls per day\); "
                                            r"got '-5.0' for 'password_reset'"):
        automation_scenario(bad, {"self-service": 0.5}, years=1, aht=180)
