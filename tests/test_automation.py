"""Specification of callmine.automation: per-type statistics, scores, modes, overrides, savings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from callmine.automation import (
    DEFAULT_DEFLECTION,
    MODES,
    AutomationConfig,
    analyze_automation,
    automation_table,
    load_config,
    load_lexicon,
    mode_evidence,
)
from callmine.errors import CallmineError, DataError

# ---------------------------------------------------------------------------
# A planted call log: one templated status type is exactly 40% of the calls.
# ---------------------------------------------------------------------------

STATUS = ["Абонент: здравствуйте, какой статус моей заявки на {s}?",
          "Абонент: когда будет готова моя заявка на {s}?",
          "Клиент: хочу узнать статус заявки на {s}",
          "Caller: what is the status of my application for {s}?",
          "Клиент: менің өтінішімнің мәртебесі қандай, {s}"]
CERT = ["Абонент: мне нужна справка о несудимости",
        "Абонент: где взять адресную справку для работы",
        "Клиент: нужна выписка о зарегистрированных правах на квартиру",
        "Клиент: маған сотталмағандығы туралы анықтама керек"]
HOWTO = ["Абонент: как зарегистрироваться на портале, какие документы нужны",
         "Абонент: подскажите режим работы ЦОН в субботу",
         "Caller: how do I reset my password on the portal?",
         "Абонент: сколько стоит госпошлина за замену паспорта"]
COMPLAINT = ["Абонент: хочу пожаловаться, третий раз звоню, безобразие",
             "Абонент: это ужас, сколько можно ждать, требую руководство",
             "Caller: this is unacceptable, I want to file a complaint",
             "Клиент: шағым түсіргім келеді, қызметкер дөрекі сөйледі"]
# Free talk: 400 distinct made-up words, so two calls rarely share one.
WORDS = [a + b + c for a in ("ка", "ло", "ми", "ту", "ре", "са", "но", "бе")
         for b in ("ра", "зу", "ки", "мо", "ле") for c in ("н", "т", "с", "р", "л", "м", "к", "д", "п", "в")]
SERVICES = ["пособие", "ЭЦП", "паспорт", "лицензию", "пенсию"]
MIX = {"application_status": 0.4, "certificate": 0.15, "howto": 0.15, "complaint": 0.1, "misc": 0.2}
HANDLE_S = {"application_status": 90, "certificate": 150, "howto": 140, "complaint": 600, "misc": 500}


def planted_log(n: int = 200, seed: int = 0, *, caller: bool = True, growing: str | None = None) -> pd.DataFrame:
    """Calls with ground-truth types in exactly the shares of MIX."""
    rng = np.random.default_rng(seed)
    kinds = np.concatenate([[k] * round(n * p) for k, p in MIX.items()])
    rng.shuffle(kinds)
    start = pd.Timestamp("2026-01-05 08:00")
    rows = []
    for i, kind in enumerate(kinds):
        if kind == "misc":
            text = "Абонент: " + " ".join(rng.choice(WORDS, size=8))
        else:
            pool = {"application_status": STATUS, "certificate": CERT, "howto": HOWTO,
                    "complaint": COMPLAINT}[kind]
            text = pool[rng.integers(len(pool))].format(s=SERVICES[rng.integers(len(SERVICES))])
        day = int(rng.integers(0, 84))
        if growing == kind:
            day = int(84 * np.sqrt(rng.uniform()))  # more calls later
        t = start + pd.Timedelta(days=day, minutes=int(rng.integers(0, 600)))
        row = {"call_id": f"c{i}", "started_at": t.isoformat(),
               "channel": ["phone", "phone", "web"][i % 3],
               "duration_s": int(HANDLE_S[kind] * rng.uniform(0.8, 1.2)), "text": text, "request_type": kind}
        if caller:
            row["caller_id"] = f"id{rng.integers(0, n):05d}"
        rows.append(row)
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def result():
    return analyze_automation(planted_log(), random_state=0)


@pytest.fixture(scope="module")
def table(result):
    return result.table.set_index("request_type", drop=False)


# ---------------------------------------------------------------------------
# Ranking and modes
# ---------------------------------------------------------------------------

def test_templated_status_type_with_40_percent_of_calls_ranks_first_as_proactive(result):
    first = result.table.iloc[0]
    assert first["request_type"] == "application_status"
    assert first["share"] == pytest.approx(0.4)
    assert first["mode"] == "proactive"
    assert first["rank"] == 1


@pytest.mark.parametrize("kind, mode", [("certificate", "eliminate"), ("howto", "self-service"),
                                        ("complaint", "operator"), ("application_status", "proactive")])
def test_each_planted_type_gets_the_mode_its_words_call_for(table, kind, mode):
    assert table.loc[kind, "mode"] == mode, table.loc[kind, "mode_reason"]


def test_mode_reason_names_the_matched_terms(table):
    assert "статус" in table.loc["application_status", "mode_reason"]
    assert "справк" in table.loc["certificate", "mode_reason"]


def test_operator_types_come_after_every_automatable_type(result):
    modes = list(result.table["mode"])
    first_operator = modes.index("operator")
    assert all(m == "operator" for m in modes[first_operator:])
    auto = result.table[result.table["mode"] != "operator"]["automation_score"]
    assert list(auto) == sorted(auto, reverse=True)


def test_out_of_scope_label_is_operator_and_listed_last():
    calls = planted_log()
    calls.loc[calls.index[:60], "request_type"] = "other"
    t = automation_table(calls)
    assert t.iloc[-1]["request_type"] == "other"
    assert t.iloc[-1]["mode"] == "operator"
    assert "out-of-scope" in t.iloc[-1]["mode_reason"]


def test_calls_without_a_type_count_as_out_of_scope():
    calls = planted_log()
    calls.loc[calls.index[:10], "request_type"] = None
    calls.loc[calls.index[10:20], "request_type"] = "  "
    t = automation_table(calls).set_index("request_type")
    assert t.loc["other", "calls"] == 20 and t.loc["other", "mode"] == "operator"


def test_a_complaint_signal_of_one_makes_the_score_zero(table):
    assert table.loc["complaint", "operator_signal"] == pytest.approx(1.0)
    assert table.loc["complaint", "automation_score"] == 0.0


# ---------------------------------------------------------------------------
# Statistics and score components
# ---------------------------------------------------------------------------

def test_table_has_the_documented_columns(result):
    need = {"request_type", "calls", "share", "cumulative_share", "automation_score", "mode", "mode_reason",
            "volume", "homogeneity", "simplicity", "repeat", "operator_signal", "calls_per_day",
            "mean_handle_s", "operator_hours_per_year", "channel_mix", "trend_pct_per_month", "similarity",
            "mean_confidence", "repeat_rate", "deflection", "calls_freed_per_year",
            "operator_hours_freed_per_year", "top_terms", "examples"}
    assert need <= set(result.table.columns)


@pytest.mark.parametrize("col", ["automation_score", "volume", "homogeneity", "simplicity", "repeat",
                                 "operator_signal", "share", "cumulative_share"])
def test_scores_and_shares_are_between_0_and_1(result, col):
    values = result.table[col].dropna()
    assert len(values) and values.between(0, 1).all()


def test_cumulative_share_follows_volume_order_and_ends_at_one(result):
    pareto = result.table.sort_values("cumulative_share")
    assert list(pareto["calls"]) == sorted(pareto["calls"], reverse=True)
    assert pareto["cumulative_share"].iloc[0] == pytest.approx(0.4)
    assert pareto["cumulative_share"].iloc[-1] == pytest.approx(1.0)


def test_volume_is_one_for_the_largest_type_and_sqrt_of_relative_share_otherwise(table):
    assert table.loc["application_status", "volume"] == 1.0
    assert table.loc["complaint", "volume"] == pytest.approx(np.sqrt(0.1 / 0.4), abs=1e-3)


def test_templated_types_are_more_homogeneous_than_free_talk(table):
    assert table.loc["application_status", "similarity"] > 3 * table.loc["misc", "similarity"]
    assert table.loc["application_status", "homogeneity"] > table.loc["misc", "homogeneity"]


def test_short_calls_are_simpler_than_long_ones(table):
    assert table.loc["application_status", "simplicity"] > 0.9
    assert table.loc["misc", "simplicity"] < 0.3


def test_handle_time_hours_and_per_day_rates_come_from_the_log(table):
    row = table.loc["application_status"]
    assert row["mean_handle_s"] == pytest.approx(90, rel=0.05)
    per_day = 80 / 84  # 80 calls over 84 days
    assert row["calls_per_day"] == pytest.approx(per_day, rel=0.05)
    assert row["operator_hours_per_year"] == pytest.approx(per_day * 365 * row["mean_handle_s"] / 3600, rel=0.01)


def test_channel_mix_is_reported_per_type(table):
    assert "phone" in table.loc["howto", "channel_mix"]
    assert table.loc["howto", "channel_phone"] + table.loc["howto", "channel_web"] == pytest.approx(1.0)


def test_daily_calls_scales_every_rate_to_the_centre_volume():
    t = automation_table(planted_log(), AutomationConfig(daily_calls=14000)).set_index("request_type")
    assert t["calls_per_day"].sum() == pytest.approx(14000, rel=1e-3)
    assert t.loc["application_status", "calls_per_day"] == pytest.approx(5600, rel=1e-3)


def test_growing_type_has_a_positive_trend_and_trends_table_has_a_column_per_type():
    res = analyze_automation(planted_log(400, growing="howto"), project=False)
    t = res.table.set_index("request_type")
    assert t.loc["howto", "trend_pct_per_month"] > 10
    assert set(res.trends.columns) == set(t.index)
    assert res.trends.to_numpy().sum() == 400


def test_repeat_rate_counts_the_same_caller_about_the_same_type_within_the_window():
    calls = pd.DataFrame({
        "request_type": ["a", "a", "a", "b"],
        "text": ["статус заявки"] * 3 + ["справка"],
        "caller_id": ["x", "x", "y", "x"],
        "started_at": ["2026-01-01T10:00", "2026-01-03T10:00", "2026-01-03T11:00", "2026-01-04T10:00"]})
    t = automation_table(calls, AutomationConfig(min_score=0)).set_index("request_type")
    assert t.loc["a", "repeat_rate"] == pytest.approx(1 / 3, abs=1e-3)
    assert t.loc["b", "repeat_rate"] == 0.0
    short = automation_table(calls, AutomationConfig(repeat_window_days=1)).set_index("request_type")
    assert short.loc["a", "repeat_rate"] == 0.0


@pytest.mark.parametrize("stamps", [
    ["2026-01-01T10:00:00+05:00", "2026-01-31T10:00:00+06:00"],  # mixed UTC offsets
    ["01.01.2026 10:00", "31.01.2026 10:00"],                     # day-first, not ISO
    ["2026-01-01T10:00:00Z", "2026-01-31T10:00:00Z"],
])
def test_started_at_in_several_formats_gives_the_period_and_per_day_rate(stamps):
    calls = pd.DataFrame({"request_type": ["a", "a"], "text": ["статус заявки"] * 2, "started_at": stamps})
    res = analyze_automation(calls, project=False)
    assert res.summary["period"] == {"start": "2026-01-01", "end": "2026-01-31", "days": 31}
    assert res.table.loc[0, "calls_per_day"] == pytest.approx(2 / 31, abs=1e-2)


def test_without_caller_duration_or_time_the_missing_parts_are_nan_and_noted():
    calls = planted_log(caller=False).drop(columns=["duration_s", "started_at"])
    res = analyze_automation(calls, project=False)
    assert res.table["repeat_rate"].isna().all()
    assert res.table["simplicity"].isna().all()
    assert res.table["trend_pct_per_month"].isna().all()
    notes = " ".join(res.summary["notes"])
    assert "No duration_s" in notes and "14,000 calls a day" in notes
    assert res.table.iloc[0]["request_type"] == "application_status"


def test_homogeneity_is_the_mean_of_relative_similarity_and_classifier_confidence():
    calls = planted_log()
    calls["confidence"] = np.where(calls["request_type"] == "misc", 0.2, 0.9)
    t = automation_table(calls).set_index("request_type")
    assert t.loc["misc", "mean_confidence"] == pytest.approx(0.2)
    relative = t["similarity"] / t["similarity"].max()
    assert list(t["homogeneity"]) == pytest.approx(list((relative + t["mean_confidence"]) / 2), abs=1e-3)


def test_weights_can_make_homogeneity_decide_the_ranking():
    t = automation_table(planted_log(), AutomationConfig(weights={"volume": 0, "simplicity": 0, "repeat": 0}))
    auto = t[t["mode"] != "operator"]
    assert list(auto["automation_score"]) == pytest.approx(list(auto["homogeneity"] * (1 - auto["operator_signal"])),
                                                           abs=1e-3)


# ---------------------------------------------------------------------------
# Savings
# ---------------------------------------------------------------------------

def test_savings_apply_the_default_deflection_of_each_mode(table):
    for kind in table.index:
        row = table.loc[kind]
        assert row["deflection"] == DEFAULT_DEFLECTION[row["mode"]]
        assert row["operator_hours_freed_per_year"] == pytest.approx(
            row["operator_hours_per_year"] * row["deflection"], abs=0.2)
    assert table.loc["complaint", "calls_freed_per_year"] == 0


def test_automate_top_counts_savings_for_the_best_n_automatable_types_only():
    t = automation_table(planted_log(), AutomationConfig(automate_top=1))
    freed = t[t["calls_freed_per_year"] > 0]["request_type"].tolist()
    assert freed == ["application_status"]
    assert (t.iloc[1:]["deflection"] == 0).all()


def test_summary_headline_figures_add_up(result):
    s = result.summary
    top = result.table[result.table["mode"] != "operator"].head(3)
    assert s["n_types"] == 5
    assert s["top3"]["types"] == list(top["request_type"])
    assert s["top3"]["share"] == pytest.approx(top["share"].sum(), abs=1e-3)
    assert s["top3"]["operator_hours_freed_per_year"] == pytest.approx(top["operator_hours_freed_per_year"].sum(), abs=1)
    assert s["savings"]["operator_hours_freed_per_year"] == pytest.approx(
        result.table["operator_hours_freed_per_year"].sum(), abs=1)
    assert set(s["by_mode"]) == set(MODES)
    json.dumps(s)  # JSON-ready


def test_projection_grows_15_percent_a_year_and_automation_needs_fewer_operators():
    pytest.importorskip("callmine.forecast", reason="callmine.forecast (issue #8) not merged yet")
    p = analyze_automation(planted_log(), AutomationConfig(daily_calls=14000)).projection
    assert list(p["year"]) == [0, 1, 2, 3, 4, 5]
    assert p["daily_calls"].iloc[1] / p["daily_calls"].iloc[0] == pytest.approx(1.15, rel=1e-3)
    assert (p["daily_calls_automated"].iloc[1:] < p["daily_calls"].iloc[1:]).all()
    assert (p["operators_fte_automated"].iloc[1:] <= p["operators_fte"].iloc[1:]).all()
    assert p["operators_fte"].iloc[-1] > p["operators_fte"].iloc[0]


# ---------------------------------------------------------------------------
# Overrides and config files
# ---------------------------------------------------------------------------

def _write_config(tmp_path, kind: str):
    if kind == "json":
        p = tmp_path / "rules.json"
        p.write_text(json.dumps({"modes": {"misc": "self-service", "application_status": "eliminate"},
                                 "type_deflection": {"misc": 0.1}}), encoding="utf-8")
    elif kind == "toml":
        p = tmp_path / "rules.toml"
        p.write_text('[modes]\nmisc = "self-service"\napplication_status = "eliminate"\n'
                     '[type_deflection]\nmisc = 0.1\n', encoding="utf-8")
    else:
        p = tmp_path / "rules.csv"
        p.write_text("request_type,mode,deflection\nmisc,self-service,0.1\napplication_status,eliminate,\n",
                     encoding="utf-8")
    return p


@pytest.mark.parametrize("kind", ["json", "toml", "csv"])
def test_config_file_overrides_mode_and_deflection_per_type(tmp_path, kind):
    cfg = load_config(_write_config(tmp_path, kind))
    t = automation_table(planted_log(), cfg).set_index("request_type")
    assert t.loc["misc", "mode"] == "self-service"
    assert t.loc["misc", "mode_reason"] == "config override"
    assert t.loc["misc", "deflection"] == 0.1
    assert t.loc["application_status", "mode"] == "eliminate"
    assert t.loc["application_status", "deflection"] == DEFAULT_DEFLECTION["eliminate"]


def test_config_overrides_deflection_per_mode_and_growth(tmp_path):
    p = tmp_path / "rules.json"
    p.write_text(json.dumps({"deflection": {"proactive": 0.9}, "annual_growth": 0.2, "aht_s": 240}))
    cfg = load_config(p)
    assert cfg.deflection == {**DEFAULT_DEFLECTION, "proactive": 0.9}
    t = automation_table(planted_log(), cfg).set_index("request_type")
    assert t.loc["application_status", "deflection"] == 0.9
    assert (t["mean_handle_s"] == 240).all()


@pytest.mark.parametrize("content, match", [
    ({"mode": {}}, r"unknown key\(s\) 'mode'; allowed: modes"),
    ({"modes": {"x": "robot"}}, r"modes\['x'\] must be one of self-service, proactive, eliminate, operator; got 'robot'"),
    ({"deflection": {"proactive": 1.5}}, r"deflection\['proactive'\] must be a number in 0..1; got 1.5"),
    ({"deflection": {"chatbot": 0.5}}, r"deflection keys must be modes .*got 'chatbot'"),
    ({"annual_growth": "fast"}, r"annual_growth must be a number"),
    ({"modes": ["tax_debt"]}, r"modes must be a mapping \(object/table\) of request type to value; got list"),
    ({"type_deflection": 0.5}, r"type_deflection must be a mapping .*; got float"),
    ({"lexicons": "my_terms.csv"}, r"lexicons must be a list of file names; got 'my_terms.csv'"),
    ({"other_labels": "other"}, r"other_labels must be a list of labels; got 'other'"),
    ({"years": 2.5}, r"years must be a whole number in 0..50; got 2.5"),
])
def test_bad_config_values_are_named_in_the_error(tmp_path, content, match):
    p = tmp_path / "rules.json"
    p.write_text(json.dumps(content))
    with pytest.raises(CallmineError, match=match):
        load_config(p)


def test_config_file_with_unknown_extension_or_missing_is_an_error(tmp_path):
    p = tmp_path / "rules.yaml"
    p.write_text("modes: {}")
    with pytest.raises(CallmineError, match=r"extension must be .json, .toml or .csv; got '.yaml'"):
        load_config(p)
    with pytest.raises(CallmineError, match="does not exist"):
        load_config(tmp_path / "nope.json")


def test_extra_lexicon_from_config_decides_the_mode_of_an_unknown_type(tmp_path):
    calls = pd.DataFrame({"request_type": ["zzz"] * 20 + ["other"] * 5,
                          "text": ["Абонент: шлагбаум во дворе сломался"] * 20 + ["Абонент: привет"] * 5})
    before = automation_table(calls).set_index("request_type")
    assert before.loc["zzz", "mode"] == "self-service"  # no evidence: default
    (tmp_path / "mine.csv").write_text("mode,term,weight\nproactive,шлагбаум,1\n", encoding="utf-8")
    (tmp_path / "rules.json").write_text(json.dumps({"lexicons": ["mine.csv"]}))
    after = automation_table(calls, load_config(tmp_path / "rules.json")).set_index("request_type")
    assert after.loc["zzz", "mode"] == "proactive"
    assert "шлагбаум" in after.loc["zzz", "mode_reason"]


# ---------------------------------------------------------------------------
# Lexicons
# ---------------------------------------------------------------------------

def test_shipped_lexicons_cover_every_mode_in_ru_kk_and_en():
    lex = load_lexicon()
    for source in ("ru.csv", "kk.csv", "en.csv"):
        assert set(lex.loc[lex["source"] == source, "mode"]) == set(MODES)


@pytest.mark.parametrize("text, mode, expected", [
    ("мне нужна справка", "eliminate", 1.0),         # prefix: справк -> справка
    ("Маған анықтама керек", "eliminate", 1.0),      # Kazakh
    ("какие   документы нужны?", "self-service", 1.0),  # phrase across spaces
    ("I will sue you", "operator", 1.0),              # whole word with $
    ("a suede jacket", "operator", 0.0),              # ... not a prefix
    ("Статус ЗАЯВКИ", "proactive", 1.0),              # case-insensitive
    ("ещё вопрос", "proactive", 0.0),
])
def test_lexicon_terms_match_word_starts_phrases_and_whole_words(text, mode, expected):
    ev = mode_evidence([text], load_lexicon())
    assert ev.loc[mode, "evidence"] == pytest.approx(expected)


def test_bad_lexicon_file_is_named(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("mode,term,weight\nrobot,x,1\n", encoding="utf-8")
    with pytest.raises(CallmineError, match=r"bad.csv.*mode must be one of .*got 'robot'"):
        load_lexicon([p])


# ---------------------------------------------------------------------------
# Input checks and privacy
# ---------------------------------------------------------------------------

def test_missing_type_column_is_a_data_error_naming_it():
    with pytest.raises(DataError, match=r"no column 'request_type'.*columns found: text"):
        automation_table(pd.DataFrame({"text": ["a"]}))


def test_empty_log_and_bad_caller_column_are_errors():
    with pytest.raises(DataError, match="empty"):
        automation_table(pd.DataFrame({"request_type": [], "text": []}))
    with pytest.raises(DataError, match=r"caller_col 'phone' is not a column"):
        automation_table(planted_log(), caller_col="phone")


def test_examples_and_terms_carry_no_personal_data():
    calls = pd.DataFrame({
        "request_type": ["a"] * 6,
        "text": ["Абонент: меня зовут Айгерим Садыкова, мой ИИН 900101300007, статус заявки?",
                 "Абонент: телефон 8 701 234 56 78, почта aigerim.s@mail.kz, статус заявки?",
                 "Абонент: карта 4400 4301 2345 6786 статус заявки",
                 "Абонент: статус заявки", "Абонент: статус заявки подскажите", "Абонент: какой статус заявки"]})
    row = automation_table(calls).iloc[0]
    out = row["examples"] + " " + row["top_terms"]
    for secret in ("Айгерим", "Садыкова", "900101300007", "234 56 78", "aigerim", "4400 4301", "6786"):
        assert secret not in out


def test_rare_capitalised_words_in_examples_are_masked_but_common_ones_kept():
    names = ["Бекжан", "Алтынай", "Гульмира", "Ерлан", "Дархан"]
    calls = pd.DataFrame({"request_type": ["a"] * 5,
                          "text": [f"Абонент: статус заявки в Астане, спросите у {n} в ЦОН" for n in names]})
    examples = automation_table(calls).loc[0, "examples"]
    assert examples == "статус заявки в Астане, спросите у <PERSON> в ЦОН"  # identical once masked
    assert not any(n in examples for n in names)
    assert "Астане" in examples and "ЦОН" in examples


SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "calls.csv"


@pytest.mark.skipif(not SAMPLE.is_file(), reason="sample_data/calls.csv is absent")
def test_sample_data_ranking_is_sensible():
    """The ranking explained in docs/report.md, on the ground-truth labels of sample_data."""
    calls = pd.read_csv(SAMPLE, dtype=str)
    t = automation_table(calls, sample_size=100)
    by = t.set_index("request_type")
    assert t.loc[0, "request_type"] == "application_status" and t.loc[0, "mode"] == "proactive"
    assert set(t.loc[:3, "request_type"]) >= {"application_status", "digital_signature"}
    assert by.loc["complaint", "mode"] == "operator" and t.iloc[-1]["request_type"] == "complaint"
    for kind, mode in [("no_criminal_record", "eliminate"), ("residence_certificate", "eliminate"),
                       ("birth_benefit", "proactive"), ("portal_login", "self-service")]:
        assert by.loc[kind, "mode"] == mode, by.loc[kind, "mode_reason"]


def test_a_large_out_of_scope_group_does_not_shrink_the_volume_of_real_types():
    calls = planted_log()
    extra = pd.DataFrame({"request_type": ["other"] * 300, "text": ["Абонент: алло алло"] * 300})
    t = automation_table(pd.concat([calls, extra], ignore_index=True)).set_index("request_type")
    assert t.loc["application_status", "volume"] == 1.0
    assert t.loc["other", "volume"] == 1.0  # clipped


def test_personal_data_in_request_type_labels_is_redacted():
    calls = planted_log()
    calls.loc[calls.index[:30], "request_type"] = "Айгерим 880513499422 +7 701 234 56 78"
    t = automation_table(calls)
    joined = " ".join(t["request_type"])
    assert "880513499422" not in joined and "701 234" not in joined
    assert "Айгерим <IIN> <PHONE>" in set(t["request_type"])


def test_implausible_durations_are_left_out_of_handle_times_with_a_note():
    calls = planted_log()
    bad = calls["request_type"] == "application_status"
    calls.loc[calls.index[bad][:5], "duration_s"] = 1e12      # 31,700 years
    calls.loc[calls.index[bad][5:10], "duration_s"] = -90
    good = calls.loc[calls.index[bad][10:], "duration_s"].mean()
    res = analyze_automation(calls, project=False)
    t = res.table.set_index("request_type")
    assert t.loc["application_status", "mean_handle_s"] == pytest.approx(good, abs=0.05)
    assert any("10 calls" in n and "duration_s" in n for n in res.summary["notes"])


def test_partly_unreadable_started_at_is_noted():
    calls = planted_log()
    calls["started_at"] = calls["started_at"].astype(str)
    calls.loc[calls.index[:20], "started_at"] = "garbage"
    res = analyze_automation(calls, project=False)
    assert any("20 calls" in n and "started_at" in n for n in res.summary["notes"])


def test_rare_free_text_channels_are_grouped_so_names_in_them_stay_out():
    calls = planted_log()
    calls.loc[calls.index[:2], "channel"] = "перезвонила Айгерим Садыкова"
    t = automation_table(calls)
    out = t.to_csv()
    assert "айгерим" not in out.lower() and "садыкова" not in out.lower()
    assert "channel_other" in t.columns and t["channel_other"].sum() > 0
