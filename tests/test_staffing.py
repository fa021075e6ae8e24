"""Specification of callmine.staffing: Erlang B, C and A, required agents, staffing plans."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from callmine.cli import main
from callmine.errors import CallmineError
from callmine.staffing import (
    average_speed_of_answer,
    erlang_a,
    erlang_b,
    erlang_c,
    occupancy,
    required_agents,
    service_level,
    staffing_plan,
    traffic_intensity,
)


def erlang_b_recursion(a: float, n: int) -> float:
    """Textbook recursion B(n) = A B(n-1) / (n + A B(n-1)), the independent reference."""
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


# --- the reference case: 100 calls / 30 min, 180 s handle time = 10 Erlangs -------------

def test_traffic_of_the_reference_case_is_10_erlangs():
    assert traffic_intensity(100, 1800, 180) == pytest.approx(10.0)


def test_reference_case_at_14_agents():
    assert erlang_c(10, 14) == pytest.approx(0.1741319, abs=5e-8)
    assert service_level(10, 14, aht=180, target_time=20) == pytest.approx(0.88835, abs=5e-6)
    assert average_speed_of_answer(10, 14, aht=180) == pytest.approx(7.836, abs=5e-4)
    assert occupancy(10, 14) == pytest.approx(0.7143, abs=5e-5)


def test_reference_case_at_13_agents_misses_80_percent():
    assert service_level(10, 13, 180, 20) == pytest.approx(0.7955948, abs=5e-8)


def test_14_agents_reach_80_percent_in_20_seconds():
    r = required_agents(100, 1800, 180, service_level=0.8, target_time=20)
    assert r["agents"] == 14
    assert r["scheduled"] == 14
    assert r["traffic"] == pytest.approx(10.0)
    assert r["service_level"] == pytest.approx(0.88835, abs=5e-6)
    assert r["asa"] == pytest.approx(7.836, abs=5e-4)
    assert r["occupancy"] == pytest.approx(0.7143, abs=5e-5)
    assert r["binding"] == "service_level"


def test_30_percent_shrinkage_schedules_20():
    # 14 / 0.7 is 20.000000000000004 in floating point: must still be 20
    assert required_agents(100, 1800, 180, shrinkage=0.3)["scheduled"] == 20


def test_occupancy_cap_0_7_needs_15_agents_22_scheduled():
    r = required_agents(100, 1800, 180, max_occupancy=0.7, shrinkage=0.3)
    assert (r["agents"], r["scheduled"], r["binding"]) == (15, 22, "max_occupancy")


def test_1000_calls_per_hour_occupancy_cap_binds():
    r = required_agents(1000, 3600, 120, service_level=0.8, target_time=20, max_occupancy=0.85, shrinkage=0.3)
    assert r["agents"] == 40
    assert r["scheduled"] == 58
    assert r["binding"] == "max_occupancy"
    assert r["occupancy"] <= 0.85


# --- Erlang C and B reference values -------------------------------------------------------------

@pytest.mark.parametrize("traffic, agents, expected", [(123, 132, 0.3211), (12345, 12421, 0.3812)])
def test_erlang_c_reference_values(traffic, agents, expected):
    assert erlang_c(traffic, agents) == pytest.approx(expected, abs=5e-5)


def test_erlang_b_10_erlangs_need_17_lines_for_2_percent():
    assert erlang_b(10, 16) == pytest.approx(0.0223, abs=5e-5)
    assert erlang_b(10, 17) == pytest.approx(0.01295, abs=5e-6)
    lines = next(n for n in range(1, 100) if erlang_b(10, n) <= 0.02)
    assert lines == 17


@pytest.mark.parametrize("traffic, agents", [(0.5, 1), (10, 3), (10, 14), (123, 132), (850.5, 900),
                                             (12345, 12421), (12345, 100), (3000, 2800)])
def test_erlang_b_matches_the_recursion_including_huge_and_overloaded_traffic(traffic, agents):
    assert erlang_b(traffic, agents) == pytest.approx(erlang_b_recursion(traffic, agents), rel=1e-9)


def test_erlang_b_edge_cases():
    assert erlang_b(5, 0) == 1.0
    assert erlang_b(0, 3) == 0.0
    assert erlang_b(1e-300, 1) == pytest.approx(0.0, abs=1e-250)


def test_erlang_c_is_one_when_agents_do_not_exceed_traffic():
    assert erlang_c(10, 10) == 1.0
    assert erlang_c(10, 5) == 1.0
    assert service_level(10, 10, 180, 20) == 0.0
    assert math.isinf(average_speed_of_answer(10, 9, 180))


def test_functions_broadcast_over_arrays():
    agents = np.arange(11, 20)
    c = erlang_c(10, agents)
    assert isinstance(c, np.ndarray) and c.shape == (9,)
    assert np.all(np.diff(c) < 0)
    assert c[3] == pytest.approx(erlang_c(10, 14))
    sl = service_level(np.array([10.0, 20.0]), np.array([[14], [25]]), 180, 20)
    assert sl.shape == (2, 2)


def test_returns_python_floats_for_scalars():
    assert type(erlang_c(10, 14)) is float
    assert type(service_level(10, 14, 180, 20)) is float


def test_very_large_traffic_is_fast_and_finite():
    r = required_agents(1_000_000, 1800, 180)          # 100,000 Erlangs
    assert 100_000 < r["agents"] < 100_200
    assert 0.8 <= r["service_level"] < 0.81


# --- Erlang A -----------------------------------------------------------------------------------

def test_erlang_a_reference_values():
    r = erlang_a(10, 14, aht=180, patience=300, target_time=20)
    assert r["p_wait"] == pytest.approx(0.14526, abs=5e-6)
    assert r["p_abandon"] == pytest.approx(0.013984, abs=5e-7)
    assert r["occupancy"] == pytest.approx(0.704297, abs=5e-7)
    assert r["asa"] == pytest.approx(4.195, abs=5e-4)
    assert r["service_level"] == pytest.approx(0.916792, abs=5e-7)


def _birth_death_erlang_a(a, n, aht, patience, t, max_queue=400):
    """Independent check: stationary M/M/n+M chain, PASTA and the offered-wait integral."""
    mu, theta = 1 / aht, 1 / patience
    lam = a * mu
    k = np.arange(n + max_queue + 1)
    death = np.minimum(k, n) * mu + np.maximum(k - n, 0) * theta
    logp = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(death[1:]))])
    p = np.exp(logp - logp.max())
    p /= p.sum()
    p_wait = p[n:].sum()
    p_abandon = (p[n:] * (k[n:] - n) * theta).sum() / lam
    # P(answered within t) = P(no wait) + sum_j p_{n+j} P(V_j <= t, patience > V_j)
    # with exp(-theta V_j) ~ Beta(n mu / theta, j + 1)
    from scipy import stats

    x = n * mu / theta
    answered = 1 - p_wait
    for j in range(max_queue):
        if p[n + j] < 1e-16:
            break
        dens = stats.beta(x, j + 1)
        # V = -log(U) / theta; P(V <= t, tau > V) = E[1{V<=t} e^{-theta V}] = E[U 1{U >= e^{-theta t}}]
        val, _ = integrate.quad(lambda u: u * dens.pdf(u), np.exp(-theta * t), 1)
        answered += p[n + j] * val
    return p_wait, p_abandon, answered


@pytest.mark.parametrize("patience", [30, 300, 1e5, 1e7])
def test_erlang_a_matches_an_independent_birth_death_computation(patience):
    pw, pab, sl = _birth_death_erlang_a(10, 14, 180, patience, 20)
    r = erlang_a(10, 14, 180, patience, 20)
    assert r["p_wait"] == pytest.approx(pw, rel=1e-8)
    assert r["p_abandon"] == pytest.approx(pab, rel=1e-8)
    assert r["service_level"] == pytest.approx(sl, rel=1e-7)


@pytest.mark.parametrize("patience", [1e9, 1e12, np.inf])
def test_erlang_a_with_huge_patience_equals_erlang_c(patience):
    r = erlang_a(10, 14, 180, patience, 20)
    assert r["p_wait"] == pytest.approx(erlang_c(10, 14), rel=1e-6)
    assert r["service_level"] == pytest.approx(service_level(10, 14, 180, 20), rel=1e-6)
    assert r["asa"] == pytest.approx(average_speed_of_answer(10, 14, 180), rel=1e-5)
    assert r["p_abandon"] == pytest.approx(0.0, abs=1e-6)


def test_erlang_a_is_stable_when_overloaded():
    r = erlang_a(30, 20, 180, 120, 20)              # more traffic than agents: callers abandon
    assert 0 < r["p_abandon"] < 1
    assert r["occupancy"] <= 1
    assert r["p_wait"] <= 1


def test_required_agents_with_patience_uses_erlang_a():
    c = required_agents(100, 1800, 180)
    a = required_agents(100, 1800, 180, patience=300)
    assert a["agents"] <= c["agents"]
    assert a["p_abandon"] > 0
    assert erlang_a(10, a["agents"], 180, 300)["service_level"] >= 0.8


# --- plans and errors --------------------------------------------------------------------------

def test_staffing_plan_matches_required_agents_row_by_row():
    load = pd.DataFrame({"interval_start": pd.date_range("2026-01-05 08:00", periods=5, freq="30min"),
                         "calls": [0, 20, 100, 250.5, 1000]})
    plan = staffing_plan(load, interval=1800, aht=180, shrinkage=0.3, max_occupancy=0.9)
    assert list(plan["interval_start"]) == list(load["interval_start"])
    for calls, agents, sched in zip(plan["calls"], plan["agents"], plan["scheduled"]):
        r = required_agents(calls, 1800, 180, shrinkage=0.3, max_occupancy=0.9)
        assert (agents, sched) == (r["agents"], r["scheduled"])
    assert plan.loc[0, "agents"] == 0


def test_staffing_plan_accepts_a_handle_time_column():
    load = pd.DataFrame({"calls": [100, 100], "aht_s": [180, 360]})
    plan = staffing_plan(load, aht="aht_s")
    assert plan["agents"].tolist() == [14, required_agents(100, 1800, 360)["agents"]]


@pytest.mark.parametrize("call, match", [
    (lambda: erlang_c(-1, 3), "traffic must be"),
    (lambda: erlang_c(10, 2.5), "agents must be a whole number"),
    (lambda: service_level(10, 14, 0, 20), "aht must be"),
    (lambda: required_agents(100, 1800, 180, service_level=1.0), "service_level must be"),
    (lambda: required_agents(100, 1800, 180, shrinkage=1.0), "shrinkage must be"),
    (lambda: required_agents(100, 1800, 180, max_occupancy=0), "max_occupancy must be"),
    (lambda: required_agents(100, 0, 180), "interval must be"),
    (lambda: erlang_a(10, 14, 180, 0), "patience must be"),
    (lambda: staffing_plan(pd.DataFrame({"n": [1]})), "no column 'calls'"),
])
def test_errors_name_the_parameter(call, match):
    with pytest.raises(CallmineError, match=match):
        call()


# --- command line ------------------------------------------------------------------------------

def test_cli_staff_reference_case(capsys):
    assert main(["staff", "--calls", "100", "--interval", "1800", "--aht", "180", "--shrinkage", "0.3",
                 "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)[0]
    assert (rec["agents"], rec["scheduled"]) == (14, 20)


def test_cli_staff_erlang_a_for_given_agents(capsys):
    assert main(["staff", "--calls", "100", "--agents", "14", "--patience", "300", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)[0]
    assert rec["p_abandon"] == pytest.approx(0.013984, abs=5e-7)


def test_cli_staff_plan_from_a_file_writes_csv(tmp_path, capsys):
    src = tmp_path / "load.csv"
    pd.DataFrame({"interval_start": ["2026-01-05 09:00", "2026-01-05 09:30"], "calls": [100, 1000]}).to_csv(
        src, index=False)
    out = tmp_path / "plan.csv"
    assert main(["staff", str(src), "--aht", "180", "-o", str(out), "-q"]) == 0
    plan = pd.read_csv(out)
    assert plan["agents"].iloc[0] == 14
    assert "interval_start" in plan.columns


def test_cli_staff_bad_values_exit_1(capsys):
    assert main(["staff", "--calls", "100", "--shrinkage", "1.2"]) == 1
    assert capsys.readouterr().err.startswith("Error: shrinkage must be")
    assert main(["staff"]) == 1
    assert main(["staff", "--calls", "abc"]) == 2


def test_cli_staff_too_few_agents_is_unbounded_not_inf_and_json_stays_valid(capsys):
    assert main(["staff", "--calls", "100", "--agents", "5", "--json"]) == 0
    out = capsys.readouterr().out
    rec = json.loads(out)[0]              # strict JSON: no Infinity/NaN tokens
    assert "Infinity" not in out and rec["asa"] is None and rec["service_level"] == 0
    assert main(["staff", "--calls", "100", "--agents", "5"]) == 0
    cap = capsys.readouterr()
    assert "inf" not in cap.out and "unbounded" in cap.out
    assert "5 agents for 10 Erlangs: the queue grows without bound" in cap.err


@pytest.mark.parametrize("value, match", [
    ("abc", r"load.csv: row 1: column 'calls' must be a number of calls >= 0; got 'abc'"),
    ("-5", r"load.csv: row 1: column 'calls' must be a number of calls >= 0; got '-5'"),
    ("", r"load.csv: row 1: column 'calls' must be a number of calls >= 0; got ''"),
])
def test_cli_staff_plan_names_a_bad_calls_value(tmp_path, capsys, value, match):
    src = tmp_path / "load.csv"
    src.write_text(f"interval_start,calls\n09:00,100\n09:30,{value}\n10:00,50\n", encoding="utf-8")
    assert main(["staff", str(src)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and len(err.strip().splitlines()) == 1
    assert re.search(match, err)


def test_cli_staff_agents_with_a_plan_file_is_a_usage_error(tmp_path, capsys):
    src = tmp_path / "load.csv"
    src.write_text("calls\n100\n", encoding="utf-8")
    assert main(["staff", str(src), "--agents", "3"]) == 2
    assert "--agents" in capsys.readouterr().err


def test_negative_calls_error_speaks_of_calls_not_erlangs():
    with pytest.raises(CallmineError, match=r"^calls must be a finite number >= 0 \(calls per interval\); got -3"):
        traffic_intensity(-3, 1800, 180)


def test_staffing_plan_names_the_interval_with_a_bad_calls_value():
    load = pd.DataFrame({"interval_start": ["09:00", "09:30", "10:00"], "calls": [100, np.nan, 50]})
    with pytest.raises(CallmineError, match=r"^column 'calls' must hold calls per interval >= 0; "
                                            r"got .nan. in row 1"):
        staffing_plan(load, interval=1800, aht=180)


def test_cli_staff_shows_pass_through_numbers_rounded_and_writes_them_unchanged(tmp_path, capsys):
    # `callmine forecast --intraday` writes lower/upper next to calls; staff carries them through
    src = tmp_path / "load.csv"
    src.write_text("interval_start,calls,lower,upper,queue\n"
                   "2026-01-05 09:00,100,91.23456789012345,108.7654321098765,007\n", encoding="utf-8")
    out = tmp_path / "plan.csv"
    assert main(["staff", str(src), "--aht", "180", "-o", str(out), "-q"]) == 0
    shown = capsys.readouterr().out
    assert "91.2346" in shown and "91.23456789012345" not in shown
    assert " 007" in shown  # codes stay as written
    written = pd.read_csv(out, dtype=str)
    assert written.loc[0, "lower"] == "91.23456789012345" and written.loc[0, "queue"] == "007"
