"""Specification of the synthetic hotline call log (callmine.synth, scripts/make_sample_data.py)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import re
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import pytest

from callmine.errors import CallmineError
from callmine.synth import (COLUMNS, REQUEST_TYPES, generate_calls, iin_is_valid, iter_generated,
                            luhn_is_valid, make_card, make_iban, make_iin, type_shares, write_calls)

ROOT = Path(__file__).resolve().parents[1]
KAZAKH_LETTERS = re.compile("[әғқңөұүһі]")


@pytest.fixture(scope="module")
def calls() -> pd.DataFrame:
    return generate_calls(6000, seed=11)


@pytest.fixture(scope="module")
def daily(calls) -> pd.Series:
    days = pd.to_datetime(calls["started_at"]).dt.normalize().value_counts()
    return days.reindex(pd.date_range("2023-01-01", "2025-12-31"), fill_value=0)


# --- shape and determinism -------------------------------------------------

def test_columns_are_the_call_log_columns(calls):
    assert list(calls.columns) == COLUMNS
    assert COLUMNS[:7] == ["call_id", "started_at", "channel", "language", "duration_s", "text",
                           "request_type"]
    assert calls["call_id"].is_unique
    assert calls["duration_s"].dtype == "int64"
    assert calls["text"].str.len().min() > 0


def test_same_seed_gives_same_rows_and_other_seed_other_rows():
    a = generate_calls(300, seed=3)
    pd.testing.assert_frame_equal(a, generate_calls(300, seed=3))
    assert not a["text"].equals(generate_calls(300, seed=4)["text"])


def test_chunks_concatenate_to_the_same_rows_whatever_the_chunk_size():
    whole = generate_calls(500, seed=2)
    chunks = list(iter_generated(500, seed=2, chunksize=77))
    assert [len(c) for c in chunks[:-1]] == [77] * (len(chunks) - 1)
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), whole)


def test_started_at_is_sorted_iso_within_the_period(calls):
    ts = pd.to_datetime(calls["started_at"], format="%Y-%m-%dT%H:%M:%S")
    assert ts.is_monotonic_increasing
    assert ts.min() >= pd.Timestamp("2023-01-01") and ts.max() < pd.Timestamp("2026-01-01")


def test_zero_rows_gives_an_empty_frame_with_the_columns():
    empty = generate_calls(0)
    assert len(empty) == 0 and list(empty.columns) == COLUMNS


# --- request types -----------------------------------------------------------

def test_at_least_30_request_types_with_stable_snake_case_ids(calls):
    assert len(REQUEST_TYPES) >= 30
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", t) for t in REQUEST_TYPES)
    for expected in ["application_status", "digital_signature", "portal_login", "address_registration",
                     "birth_benefit", "pension_contributions", "tax_debt", "vehicle_registration",
                     "no_criminal_record", "queue_booking", "social_payments", "complaint"]:
        assert expected in REQUEST_TYPES
    assert calls["request_type"].nunique() >= 30


def test_request_type_shares_are_long_tailed(calls):
    shares = calls["request_type"].value_counts(normalize=True)
    assert shares.iloc[0] > 0.10                   # a head type above 10%
    assert shares.iloc[0] / shares.iloc[-1] > 15   # ... and a tail many times smaller
    assert shares.iloc[:5].sum() < 0.6            # ... but no handful of types takes everything
    base = type_shares()
    assert base["share"].sum() == pytest.approx(1.0)
    assert base["share"].is_monotonic_decreasing


def test_handle_time_differs_by_type(calls):
    med = calls.groupby("request_type")["duration_s"].median()
    assert med["complaint"] > 1.8 * med["general_info"]
    assert calls["duration_s"].between(15, 3600).all()


# --- languages and transcript style -------------------------------------------

def test_all_languages_present_with_their_speaker_labels(calls):
    share = calls["language"].value_counts(normalize=True)
    assert set(share.index) == {"ru", "kk", "en", "mixed"}
    assert share["ru"] > share["kk"] > share["mixed"] > share["en"] > 0.02
    phone = calls[calls["channel"] == "phone"]
    for lang, label in [("ru", "Абонент:"), ("kk", "Клиент:"), ("en", "Caller:")]:
        assert phone.loc[phone["language"] == lang, "text"].str.contains(label).mean() > 0.95
    assert calls["text"].str.contains("Оператор:").any()
    assert calls["text"].str.contains("Маман:").any()
    assert calls["text"].str.contains("Agent:").any()


def test_code_switching_in_kazakh_and_mixed_calls(calls):
    kk = calls.loc[calls["language"] == "kk", "text"].str.lower()
    assert kk.str.contains("эцп|справка|заявка|пособие|пароль").mean() > 0.05
    mixed = calls.loc[calls["language"] == "mixed", "text"].str.lower()
    russian = r"\b(?:как|не|что|на|хочу|можно|здравствуйте|спасибо|короче|значит|слушайте|в общем)\b"
    both = mixed.str.contains(KAZAKH_LETTERS) & mixed.str.contains(russian)
    assert both.mean() > 0.6


def test_phone_calls_are_spoken_style_with_fillers_and_boilerplate(calls):
    phone = calls.loc[calls["channel"] == "phone", "text"]
    body = phone.str.replace(r"\w+:|\S+@\S+", "", regex=True)
    assert not body.str.contains(r"[,.!?]").any()                       # no punctuation
    assert phone.str.contains(r"\b(?:ээ|ну|вот|мм|um|uh|енді)\b").mean() > 0.3
    assert phone.str.contains("здравствуйте|сәлеметсіз бе|hello").mean() > 0.2
    assert phone.str.contains("всего доброго|спасибо за обращение|сау болыңыз|have a nice day").any()


def test_some_calls_are_hard(calls):
    words = calls["text"].str.replace(r"\w+:", "", regex=True).str.split().str.len()
    assert 0.01 < (words <= 5).mean() < 0.2
    assert calls["text"].str.contains("и еще вопрос|заодно спрошу|тағы бір сұрақ|one more thing").any()


# --- personal data -------------------------------------------------------------

def test_personal_data_appear_in_some_calls_with_valid_check_digits(calls):
    text = calls["text"]
    iins = text.str.findall(r"(?<!\d)\d{12}(?!\d)").explode().dropna()
    assert len(iins) > 50 and all(iin_is_valid(x) for x in iins)
    cards = text.str.findall(r"(?<!\d)(?:\d{4} ){3}\d{4}(?!\d)|(?<!\d)\d{16}(?!\d)").explode().dropna()
    assert len(cards) > 5 and all(luhn_is_valid(x) for x in cards)
    assert text.str.contains(r"[\w.]+@\w+\.\w+").sum() > 20
    assert text.str.contains(r"(?:\+7|\b8)\s?\(?7\d\d").sum() > 50
    assert text.str.contains(r"KZ\d{18}").any()
    assert text.str.contains("меня зовут|менің атым|my name is", case=False).sum() > 100
    assert 0.1 < text.str.contains(r"\d{12}|@|\+7|меня зовут|атым|name is").mean() < 0.6


def test_iin_card_and_iban_generators():
    rnd = random.Random(0)
    for _ in range(200):
        iin = make_iin(rnd)
        assert iin_is_valid(iin)
        assert int(iin[6]) in (3, 4, 5, 6)
        assert not iin_is_valid(iin[:11] + str((int(iin[11]) + 1) % 10))
        assert luhn_is_valid(make_card(rnd))
        iban = make_iban(rnd)
        numeric = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
        assert len(iban) == 20 and int(numeric) % 97 == 1
    assert luhn_is_valid("4111 1111 1111 1111") and not luhn_is_valid("4111111111111112")


def test_caller_id_is_hashed_and_some_callers_call_again(calls):
    assert calls["caller_id"].str.fullmatch(r"c\d{8}").all()
    repeat = calls["caller_id"].duplicated()
    assert 0.05 < repeat.mean() < 0.25
    again = calls[calls["caller_id"].duplicated(keep=False)].groupby("caller_id")["request_type"]
    assert (again.nunique() == 1).mean() > 0.5      # repeat contacts are mostly about the same matter


# --- time patterns ---------------------------------------------------------------

def test_volume_grows_about_15_percent_a_year(calls):
    per_year = pd.to_datetime(calls["started_at"]).dt.year.value_counts().sort_index()
    growth = (per_year[2025] / per_year[2023]) ** 0.5 - 1
    assert 0.08 < growth < 0.22


def test_weekdays_heavy_saturday_lighter_sunday_light(daily):
    by_dow = daily.groupby(daily.index.day_of_week).mean()
    assert by_dow[:5].min() > by_dow[5] > by_dow[6]
    assert by_dow[6] < 0.45 * by_dow[:5].mean()


def test_public_holidays_have_fewer_calls(daily):
    kz = holidays.country_holidays("KZ", years=[2023, 2024, 2025])
    is_hol = np.array([d.date() in kz for d in daily.index])
    weekday = daily.index.day_of_week < 5
    assert daily[is_hol & weekday].mean() < 0.6 * daily[~is_hol & weekday].mean()


def test_intraday_peaks_and_phone_hours(calls):
    hour = pd.to_datetime(calls["started_at"]).dt.hour
    phone_hours = hour[calls["channel"] == "phone"]
    assert phone_hours.between(8, 19).all()
    counts = hour.value_counts()
    assert counts[11] > counts[13] < counts[15]
    assert counts[10] > 2 * counts[8] and counts[15] > 2 * counts[19]


def test_channel_mix_depends_on_type(calls):
    mix = pd.crosstab(calls["request_type"], calls["channel"], normalize="index")
    assert set(mix.columns) == {"phone", "web", "messenger", "mobile", "sms"}
    assert mix.loc["mobile_app", "mobile"] > 2 * mix.loc["application_status", "mobile"]


# --- writing files ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["calls.csv", "calls.csv.gz", "calls.jsonl", "calls.parquet"])
def test_write_calls_by_extension_round_trips(tmp_path, name):
    path = tmp_path / name
    assert write_calls(path, 150, seed=5, chunksize=40) == 150
    if name.endswith(".jsonl"):
        back = pd.read_json(path, lines=True, dtype=False)
    elif name.endswith(".parquet"):
        back = pd.read_parquet(path)
    else:
        back = pd.read_csv(path, dtype={"duration_s": "int64"}, keep_default_na=False)
    expected = generate_calls(150, seed=5)
    assert list(back.columns) == COLUMNS
    assert back["text"].tolist() == expected["text"].tolist()
    assert back["duration_s"].astype("int64").tolist() == expected["duration_s"].tolist()
    assert not list(tmp_path.glob("*.tmp"))


def test_write_calls_rejects_unknown_extension(tmp_path):
    with pytest.raises(CallmineError, match=r"unsupported extension.*\.csv"):
        write_calls(tmp_path / "calls.xlsx", 10)


@pytest.mark.parametrize("kwargs, message", [
    (dict(n=-1), "n must be a non-negative integer; got -1"),
    (dict(n=10, start="01/01/2023"), "start must be an ISO date"),
    (dict(n=10, years=0), "years must be a positive integer; got 0"),
    (dict(n=10, annual_growth=-2.0), "annual_growth must be"),
])
def test_bad_parameters_are_named(kwargs, message):
    with pytest.raises(CallmineError, match=re.escape(message)):
        generate_calls(**kwargs)


def test_script_writes_the_requested_rows(tmp_path):
    spec = importlib.util.spec_from_file_location("make_sample_data", ROOT / "scripts" / "make_sample_data.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = tmp_path / "s.csv"
    assert script.main(["-n", "60", "--seed", "1", "-o", str(out), "-q"]) == 0
    assert len(pd.read_csv(out)) == 60
    assert script.main(["-n", "5", "-o", str(tmp_path / "s.txt"), "-q"]) == 1


def test_committed_sample_matches_the_documented_command():
    path = ROOT / "sample_data" / "calls.csv"
    if not path.exists():
        pytest.skip("sample_data/calls.csv is not in this checkout")
    assert path.stat().st_size < 5_000_000
    sample = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(sample) == 20_000
    readme = (ROOT / "sample_data" / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in readme.lower()
    assert all(f"`{t}`" in readme for t in REQUEST_TYPES)
    made_with = re.search(r"numpy (\S+) and holidays (\S+)", readme)
    assert made_with, "sample_data/README.md must say which numpy and holidays made the file"
    if made_with.groups() != (np.__version__, holidays.__version__):
        pytest.skip(f"sample made with numpy/holidays {made_with.groups()}, installed "
                    f"{(np.__version__, holidays.__version__)}: random streams may differ")
    regenerated = generate_calls(20_000, seed=0).astype({"duration_s": str})
    pd.testing.assert_frame_equal(sample, regenerated, check_dtype=False)
    assert "python scripts/make_sample_data.py -n 20000 --seed 0 -o sample_data/calls.csv" in readme
