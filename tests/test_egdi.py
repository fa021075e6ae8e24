"""Specification of the E-Government Development Index (callmine.egdi, `callmine egdi`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from callmine.cli import main
from callmine.egdi import UN2018_INDICATORS, egdi, egdi_level, egdi_table, normalise_components
from callmine.errors import CallmineError, DataError

KZ_2018 = dict(osi=0.8681, tii=0.5723, hci=0.8388)


# --- egdi ------------------------------------------------------------------------

def test_kazakhstan_2018_is_0_7597_very_high():
    value = egdi(**KZ_2018)
    assert isinstance(value, float)
    assert round(value, 4) == 0.7597
    assert egdi_level(value) == "very high"


def test_egdi_is_the_mean_of_the_components_for_arrays_and_series():
    out = egdi(np.array([1.0, 0.0]), [0.5, 0.0], 0.3)
    np.testing.assert_allclose(out, [0.6, 0.1])
    osi = pd.Series([0.9, 0.3], index=["KZ", "XX"])
    s = egdi(osi, pd.Series([0.6, 0.3], index=["KZ", "XX"]), 0.0)
    assert isinstance(s, pd.Series) and list(s.index) == ["KZ", "XX"]
    np.testing.assert_allclose(s.to_numpy(), [0.5, 0.2])


@pytest.mark.parametrize("kwargs, message", [
    (dict(osi=1.2, tii=0.5, hci=0.5), "osi must be between 0 and 1; got 1.2"),
    (dict(osi=0.5, tii=-0.1, hci=0.5), "tii must be between 0 and 1; got -0.1"),
    (dict(osi=0.5, tii=0.5, hci=float("nan")), "hci must be between 0 and 1; got nan"),
    (dict(osi=0.5, tii=0.5, hci=[0.2, 1.5]), "hci must be between 0 and 1; got 1.5"),
    (dict(osi="high", tii=0.5, hci=0.5), "osi must be a number between 0 and 1; got 'high'"),
    (dict(osi=True, tii=0.5, hci=0.5), "osi must be a number between 0 and 1; got True"),
    (dict(osi=[0.1, 0.2], tii=[0.1, 0.2, 0.3], hci=0.5), "must have matching lengths"),
])
def test_egdi_rejects_values_outside_0_1(kwargs, message):
    with pytest.raises(CallmineError, match=message.replace("(", r"\(").replace(")", r"\)")):
        egdi(**kwargs)


# --- levels ------------------------------------------------------------------------

@pytest.mark.parametrize("value, level", [
    (1.0, "very high"), (0.75, "very high"), (0.7499, "high"), (0.5, "high"),
    (0.4999, "middle"), (0.25, "middle"), (0.2499, "low"), (0.0, "low"),
])
def test_level_groups_of_the_survey(value, level):
    assert egdi_level(value) == level


def test_levels_of_a_series_keep_the_index():
    levels = egdi_level(pd.Series([0.8, 0.3], index=["a", "b"]))
    assert levels.to_dict() == {"a": "very high", "b": "middle"}


def test_level_rejects_out_of_range():
    with pytest.raises(CallmineError, match="egdi must be between 0 and 1; got 1.1"):
        egdi_level(1.1)


# --- normalisation -------------------------------------------------------------------

@pytest.fixture
def raw() -> pd.DataFrame:
    # x1 = 0, 1, 2 -> z = -sqrt(3/2), 0, sqrt(3/2)
    # x2 = 0, 0, 3 -> mean 1, sd sqrt(2) -> z = -1/sqrt(2), -1/sqrt(2), sqrt(2)
    return pd.DataFrame({"country": ["A", "B", "C"], "x1": [0.0, 1.0, 2.0], "x2": [0, 0, 3]})


def test_normalisation_by_hand_equal_weights(raw):
    # composite (mean of z) for A, B, C; min-max puts A at 0 and C at 1, and B at
    # sqrt(3/2) / (2 sqrt(3/2) + 3/sqrt(2)) = sqrt(3) / (2 sqrt(3) + 3) = 2 - sqrt(3).
    out = normalise_components(raw, {"tii": ["x1", "x2"]})
    assert list(out.columns) == ["tii"] and list(out.index) == [0, 1, 2]
    np.testing.assert_allclose(out["tii"], [0.0, 2 - math.sqrt(3), 1.0], atol=1e-12)


def test_normalisation_by_hand_with_weights(raw):
    # 2 z1 + z2: B - A = 2 sqrt(3/2) = sqrt(6), C - A = 2 sqrt(6) + 3/sqrt(2)
    out = normalise_components(raw, {"hci": {"x1": 2, "x2": 1}})
    expected_b = math.sqrt(6) / (2 * math.sqrt(6) + 3 / math.sqrt(2))
    np.testing.assert_allclose(out["hci"], [0.0, expected_b, 1.0], atol=1e-12)


def test_one_indicator_is_plain_min_max(raw):
    out = normalise_components(raw.assign(osi_score=[10, 40, 50]), {"osi": ["osi_score"]})
    np.testing.assert_allclose(out["osi"], [0.0, 0.75, 1.0])


def test_sample_or_population_sd_gives_the_same_components(raw):
    z = lambda x, ddof: (x - x.mean()) / x.std(ddof=ddof)  # noqa: E731
    for ddof in (0, 1):
        c = (z(raw["x1"], ddof) + z(raw["x2"], ddof)) / 2
        np.testing.assert_allclose((c - c.min()) / (c.max() - c.min()),
                                   normalise_components(raw, {"tii": ["x1", "x2"]})["tii"])


def test_an_indicator_equal_everywhere_contributes_nothing(raw):
    with_const = normalise_components(raw.assign(x3=5.0), {"tii": ["x1", "x3"]})
    np.testing.assert_allclose(with_const["tii"], [0.0, 0.5, 1.0])


@pytest.mark.parametrize("df, indicators, error, message", [
    (pd.DataFrame({"x1": [1, 2]}), {"tii": ["x9"]}, DataError, "component 'tii': no column 'x9'; columns found: 'x1'"),
    (pd.DataFrame({"x1": [1, "n/a"]}), {"tii": ["x1"]}, DataError, "column 'x1' must hold numbers; got 'n/a' in row 1"),
    (pd.DataFrame({"x1": [3, 3]}), {"tii": ["x1"]}, DataError, "same value for every country"),
    (pd.DataFrame({"x1": [1, 2]}), {}, CallmineError, "indicators must name at least one component"),
    (pd.DataFrame({"x1": [1, 2]}), {"hci": {"x1": -1}}, CallmineError, "weight of 'x1' in component 'hci' must be a positive number; got -1"),
])
def test_normalisation_errors_name_the_problem(df, indicators, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        normalise_components(df, indicators)


# --- tables of countries -----------------------------------------------------------------

def test_table_with_normalised_components_ranks_countries():
    table = pd.DataFrame({"country": ["Kazakhstan", "B", "C"], "osi": [0.8681, 0.2, 0.95],
                          "tii": [0.5723, 0.1, 0.9], "hci": [0.8388, 0.3, 0.95]})
    out = egdi_table(table)
    assert list(out.columns) == ["country", "osi", "tii", "hci", "egdi", "level", "rank"]
    assert out["egdi"].round(4).tolist() == [0.7597, 0.2, 0.9333]
    assert out["level"].tolist() == ["very high", "low", "very high"]
    assert out["rank"].tolist() == [2, 3, 1]


def test_table_from_raw_un_indicators_uses_the_2018_weights():
    rng = np.random.default_rng(0)
    raw = pd.DataFrame({c: rng.uniform(10, 100, 6) for spec in UN2018_INDICATORS.values() for c in spec})
    raw["country"] = list("ABCDEF")
    raw["osi"] = rng.uniform(0, 1, 6)
    out = egdi_table(raw)
    expected = normalise_components(raw, UN2018_INDICATORS)
    np.testing.assert_allclose(out["tii"], expected["tii"])
    np.testing.assert_allclose(out["hci"], expected["hci"])
    assert out["hci"].min() == 0 and out["hci"].max() == 1
    np.testing.assert_allclose(out["egdi"], (out["osi"] + out["tii"] + out["hci"]) / 3)


def test_table_without_a_component_names_what_is_missing():
    with pytest.raises(DataError, match=r"no column 'hci' \(normalised, 0..1\) and no raw indicator columns 'hci_\*'"):
        egdi_table(pd.DataFrame({"country": ["A"], "osi": [0.5], "tii": [0.5]}))


# --- command line -------------------------------------------------------------------------

def test_cli_single_country(capsys):
    assert main(["egdi", "--osi", "0.8681", "--tii", "0.5723", "--hci", "0.8388"]) == 0
    assert capsys.readouterr().out.strip() == "EGDI 0.7597 (very high)"


def test_cli_single_country_writes_csv(tmp_path, capsys):
    out = tmp_path / "kz.csv"
    assert main(["egdi", "--osi", "0.8681", "--tii", "0.5723", "--hci", "0.8388", "-o", str(out)]) == 0
    row = pd.read_csv(out).iloc[0]
    assert row["egdi"] == 0.7597 and row["level"] == "very high"


@pytest.mark.parametrize("argv", [
    ["egdi", "--osi", "0.8", "--tii", "0.5"],
    ["egdi"],
    ["egdi", "--csv", "x.csv", "--osi", "0.5"],
])
def test_cli_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2
    assert "give either --osi, --tii and --hci, or --csv FILE" in capsys.readouterr().err


def test_cli_out_of_range_is_a_one_line_error(capsys):
    assert main(["egdi", "--osi", "1.3", "--tii", "0.5", "--hci", "0.5"]) == 1
    assert capsys.readouterr().err.strip() == "Error: osi must be between 0 and 1; got 1.3"


def test_cli_csv_of_countries(tmp_path, capsys):
    src = tmp_path / "countries.csv"
    src.write_text("country,osi,tii,hci\nKazakhstan,0.8681,0.5723,0.8388\nB,0.2,0.1,0.3\n",
                   encoding="utf-8")
    out = tmp_path / "egdi.csv"
    assert main(["egdi", "--csv", str(src), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Kazakhstan" in printed and "0.7597" in printed and "very high" in printed
    written = pd.read_csv(out)
    assert written["egdi"].tolist() == [0.7597, 0.2]
    assert written["level"].tolist() == ["very high", "low"]


def test_cli_csv_with_raw_indicators(tmp_path, capsys):
    src = tmp_path / "raw.csv"
    src.write_text("country,osi_score,tii_internet,tii_mobile,hci_literacy\n"
                   "A,10,0,0,90\nB,40,1,0,95\nC,50,2,3,100\n", encoding="utf-8")
    assert main(["egdi", "--csv", str(src), "-o", str(tmp_path / "o.csv")]) == 0
    out = pd.read_csv(tmp_path / "o.csv")
    assert out["osi"].tolist() == [0.0, 0.75, 1.0]
    assert out["tii"].tolist() == [0.0, round(2 - math.sqrt(3), 4), 1.0]
    assert out["hci"].tolist() == [0.0, 0.5, 1.0]


def test_cli_csv_missing_component_is_a_data_error(tmp_path, capsys):
    src = tmp_path / "bad.csv"
    src.write_text("country,osi,tii\nA,0.5,0.5\n", encoding="utf-8")
    assert main(["egdi", "--csv", str(src)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: no column 'hci'") and "columns found: 'country', 'osi', 'tii'" in err


def test_table_without_countries_or_with_a_repeated_country_is_an_error():
    empty = pd.DataFrame({"country": [], "osi": [], "tii": [], "hci": []})
    with pytest.raises(DataError, match=r"df has no rows \(no countries\)"):
        egdi_table(empty)
    twice = pd.DataFrame({"country": ["A", "B", "A"], "osi": [0.1, 0.2, 0.3], "tii": [0.1, 0.2, 0.3],
                          "hci": [0.5, 0.5, 0.5]})
    with pytest.raises(DataError, match=r"country 'A' appears more than once \(rows 0 and 2\)"):
        egdi_table(twice)


def test_cli_egdi_header_only_csv_is_one_error_line(tmp_path, capsys):
    src = tmp_path / "c.csv"
    src.write_text("country,osi,tii,hci\n", encoding="utf-8")
    assert main(["egdi", "--csv", str(src)]) == 1
    assert capsys.readouterr().err.startswith("Error: df has no rows")
