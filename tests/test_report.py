"""Specification of callmine.report and 'callmine report': files, self-contained HTML, privacy, CLI."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from callmine.automation import AutomationConfig
from callmine.cli import main
from callmine.errors import CallmineError
from callmine.report import build_report, sparkline

from test_automation import planted_log

# Personal data planted in the transcripts; none of it may reach any output file.
SECRETS = {
    "iin": "900101300007", "iin_spaced": "900101 300007",
    "phone": "8 701 234 56 78", "phone_plus": "+77012345678",
    "card": "4400 4301 2345 6786", "email": "aigerim.sadykova@mail.kz",
    "first_name": "Айгерим", "last_name": "Садыкова", "en_name": "Jonathan Whitmore",
    "caller": "CALLER-SECRET-", "call": "CALLID-SECRET-",
}


def _pii_log(n: int = 200) -> pd.DataFrame:
    calls = planted_log(n, seed=1)
    rng = np.random.default_rng(3)
    extras = [f"меня зовут {SECRETS['first_name']} {SECRETS['last_name']}, ИИН {SECRETS['iin']}",
              f"мой телефон {SECRETS['phone']}, почта {SECRETS['email']}",
              f"карта {SECRETS['card']}, номер {SECRETS['phone_plus']}",
              f"my name is {SECRETS['en_name']}, IIN {SECRETS['iin_spaced']}"]
    calls["text"] = [t + " Абонент: " + extras[rng.integers(len(extras))] for t in calls["text"]]
    calls["caller_id"] = [SECRETS["caller"] + str(i % 50) for i in range(len(calls))]
    calls["call_id"] = [SECRETS["call"] + str(i) for i in range(len(calls))]
    return calls


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    calls = _pii_log()
    src = out / "calls.csv"
    calls.to_csv(src, index=False)
    assert main(["report", str(src), "-o", str(out / "en"), "--label-col", "request_type", "-q"]) == 0
    return out / "en"


class KeywordModel:
    """A stand-in classifier: status words -> application_status, else general."""

    def predict_with_confidence(self, texts):
        labels = ["application_status" if ("статус" in t or "status" in t or "заявк" in t) else "general"
                  for t in texts]
        return np.array(labels, dtype=object), np.where(np.array(labels) == "general", 0.5, 0.9)


# ---------------------------------------------------------------------------
# Output files
# ---------------------------------------------------------------------------

def test_report_writes_automation_csv_summary_and_html(report_dir):
    assert sorted(p.name for p in report_dir.iterdir()) == ["automation.csv", "report.html", "summary.json"]


def test_automation_csv_ranks_the_templated_40_percent_status_type_first_as_proactive(report_dir):
    t = pd.read_csv(report_dir / "automation.csv")
    assert list(t.columns[:7]) == ["rank", "request_type", "calls", "share", "cumulative_share",
                                   "cumulative_share_ranked", "automation_score"]
    assert {"mode", "mode_reason", "volume", "homogeneity", "simplicity", "operator_signal",
            "operator_hours_per_year", "calls_freed_per_year", "examples"} <= set(t.columns)
    assert t.loc[0, "request_type"] == "application_status"
    assert t.loc[0, "mode"] == "proactive"
    assert set(t["mode"]) <= {"self-service", "proactive", "eliminate", "operator"}
    assert t["automation_score"].between(0, 1).all()


def test_summary_json_has_headline_savings_and_assumptions(report_dir):
    s = json.loads((report_dir / "summary.json").read_text(encoding="utf-8"))
    assert s["n_types"] == 5 and s["source"] == "labels"
    assert s["top3"]["types"][0] == "application_status"
    assert s["assumptions"]["deflection"]["proactive"] == 0.5
    assert s["assumptions"]["annual_growth"] == 0.15
    assert s["savings"]["operator_hours_freed_per_year"] > 0


def test_html_has_headline_charts_table_sparklines_and_method_notes(report_dir):
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert re.search(r"5 request types; the top 3 automatable types are [\d.]+% of calls and [\d\u202f]+ "
                     r"operator-hours a year", page)
    assert page.count('src="data:image/png;base64,') >= 1  # Pareto (+ load chart when forecasting exists)
    assert page.count('<svg class="spark"') == 5
    for heading in ("Pareto", "Ranked automation candidates", "Assumptions", "Method notes"):
        assert heading in page


def test_html_is_self_contained_no_network_no_scripts(report_dir):
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", page, re.IGNORECASE)
    assert not re.search(r"@import", page)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    for src in re.findall(r'src="([^"]+)"', page):
        assert src.startswith("data:image/png;base64,")


def test_no_personal_data_in_any_output_file(report_dir):
    for path in report_dir.iterdir():
        content = path.read_text(encoding="utf-8")
        for kind, secret in SECRETS.items():
            assert secret.lower() not in content.lower(), f"{kind} leaked into {path.name}"
        assert "30000" not in content.replace(" ", "")  # no IIN fragment


def test_russian_report_has_russian_labels(tmp_path):
    out = tmp_path / "ru"
    build_report(planted_log(), out, label_col="request_type", lang="ru",
                 config=AutomationConfig(daily_calls=1000))
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in page
    for text in ("Отчёт о возможностях автоматизации", "типов обращений", "проактивно", "Методика",
                 "признаки режима «проактивно»", "признаки жалобы/эмоций"):
        assert text in page
    assert "proactive evidence" not in page
    assert "показатели пересчитаны на 1,000 звонков в день" in page


# ---------------------------------------------------------------------------
# Typing the calls: model, labels, discovery
# ---------------------------------------------------------------------------

def test_with_a_model_object_calls_are_classified_and_confidence_is_used(tmp_path):
    summary = build_report(planted_log(), tmp_path, model=KeywordModel())
    t = pd.read_csv(tmp_path / "automation.csv").set_index("request_type")
    assert summary["source"] == "model"
    assert set(t.index) == {"application_status", "general"}
    assert t.loc["application_status", "mean_confidence"] == pytest.approx(0.9)
    assert t.index[0] == "application_status" and t.loc["application_status", "mode"] == "proactive"


def test_cli_with_model_file_classifies(tmp_path, monkeypatch, capsys):
    import callmine.batch

    real = callmine.batch.load
    monkeypatch.setattr(callmine.batch, "load",
                        lambda m: KeywordModel() if str(m).endswith("tiny.model") else real(m))
    (tmp_path / "tiny.model").write_bytes(b"stand-in")
    src = tmp_path / "calls.csv"
    planted_log().to_csv(src, index=False)
    code = main(["report", str(src), "-o", str(tmp_path / "out"), "--model", str(tmp_path / "tiny.model"),
                 "--daily-calls", "14000", "--growth", "0.1"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.startswith("2 request types; the top 2 automatable types (application_status")
    assert "report: classifying 200 calls" in captured.err
    s = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert s["model"] == "tiny.model" and s["calls_per_day"] == pytest.approx(14000, rel=1e-3)
    assert s["assumptions"]["annual_growth"] == 0.1


def test_cli_with_a_real_tiny_model_file_ranks_the_status_type_first(tmp_path, capsys):
    from callmine.classify import RequestTypeClassifier
    from callmine.persist import save_model

    train = planted_log(200, seed=5)
    model = RequestTypeClassifier(cv=2).fit(train["text"].tolist(), train["request_type"].tolist())
    save_model(model, tmp_path / "tiny.joblib")
    src = tmp_path / "calls.csv"
    planted_log(200, seed=6).drop(columns=["request_type"]).to_csv(src, index=False)
    assert main(["report", str(src), "-o", str(tmp_path / "out"), "--model", str(tmp_path / "tiny.joblib"),
                 "-q"]) == 0
    t = pd.read_csv(tmp_path / "out" / "automation.csv")
    assert t.loc[0, "request_type"] == "application_status" and t.loc[0, "mode"] == "proactive"
    assert t["mean_confidence"].between(0, 1).all()


def test_labels_from_callmine_classify_output_keep_their_confidence(tmp_path):
    calls = planted_log()
    calls["confidence"] = 0.75
    build_report(calls, tmp_path, label_col="request_type")
    t = pd.read_csv(tmp_path / "automation.csv")
    assert (t["mean_confidence"] == 0.75).all()


def test_without_model_or_labels_types_are_discovered(tmp_path):
    pytest.importorskip("callmine.discover", reason="callmine.discover (issue #5) not merged yet")
    summary = build_report(planted_log(), tmp_path, k=5)
    t = pd.read_csv(tmp_path / "automation.csv")
    assert summary["source"] == "discovery"
    assert 2 <= len(t) <= 6
    assert t["calls"].sum() == 200
    status = t[t["request_type"].str.contains("статус")]
    assert len(status) and (status["mode"] == "proactive").all()


# ---------------------------------------------------------------------------
# Errors and options
# ---------------------------------------------------------------------------

def test_cli_bad_config_is_one_error_line_exit_1(tmp_path, capsys):
    src = tmp_path / "calls.csv"
    planted_log().to_csv(src, index=False)
    (tmp_path / "rules.json").write_text(json.dumps({"modes": {"misc": "robot"}}))
    code = main(["report", str(src), "-o", str(tmp_path / "out"), "--label-col", "request_type",
                 "--config", str(tmp_path / "rules.json")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("Error: config file") and "modes['misc'] must be one of" in err
    assert "Traceback" not in err


def test_cli_config_override_reaches_the_csv(tmp_path):
    src = tmp_path / "calls.csv"
    planted_log().to_csv(src, index=False)
    (tmp_path / "rules.csv").write_text("request_type,mode\napplication_status,operator\n", encoding="utf-8")
    assert main(["report", str(src), "-o", str(tmp_path / "out"), "--label-col", "request_type", "-q",
                 "--config", str(tmp_path / "rules.csv")]) == 0
    t = pd.read_csv(tmp_path / "out" / "automation.csv").set_index("request_type")
    assert t.loc["application_status", "mode"] == "operator"
    assert t.loc["application_status", "calls_freed_per_year"] == 0


def test_cli_missing_label_column_and_bad_lang(tmp_path, capsys):
    src = tmp_path / "calls.csv"
    planted_log().to_csv(src, index=False)
    assert main(["report", str(src), "-o", str(tmp_path / "o"), "--label-col", "nope"]) == 1
    assert "nope" in capsys.readouterr().err
    assert main(["report", str(src), "-o", str(tmp_path / "o"), "--lang", "de"]) == 2


def test_output_path_that_is_a_file_is_one_error_line(tmp_path, capsys):
    src = tmp_path / "calls.csv"
    planted_log().to_csv(src, index=False)
    (tmp_path / "out").write_text("not a folder")
    assert main(["report", str(src), "-o", str(tmp_path / "out"), "--label-col", "request_type", "-q"]) == 1
    assert "exists and is not a folder" in capsys.readouterr().err


def test_model_and_labels_together_or_unknown_lang_are_refused(tmp_path):
    with pytest.raises(CallmineError, match="either model or label_col"):
        build_report(planted_log(), tmp_path, model=KeywordModel(), label_col="request_type")
    with pytest.raises(CallmineError, match=r"lang must be one of en, ru; got 'fr'"):
        build_report(planted_log(), tmp_path, label_col="request_type", lang="fr")


def test_sparkline_is_an_inline_svg_or_empty():
    svg = sparkline([1, 3, 2, 5])
    assert svg.startswith("<svg") and svg.count(",") == 4 and "http" not in svg
    assert sparkline([1]) == ""


@pytest.mark.parametrize("label", ["", "other"])
def test_a_log_with_no_in_scope_request_type_is_one_error_line(tmp_path, capsys, label):
    src = tmp_path / "calls.csv"
    planted_log().assign(request_type=label).to_csv(src, index=False)
    assert main(["report", str(src), "-o", str(tmp_path / "out"), "--label-col", "request_type", "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: no request type to rank: every call's 'request_type' is blank or "
                          "out of scope (other, unassigned, -1)")
    assert not (tmp_path / "out").exists()


def test_emoji_in_a_type_name_draws_without_warnings_and_is_escaped(tmp_path, recwarn):
    calls = planted_log()
    calls["request_type"] = calls["request_type"].replace({"application_status": "Статус 📄 <b>",
                                                           "howto": "ЭЦП / қолтаңба"})
    build_report(calls, tmp_path, label_col="request_type")
    assert not [w for w in recwarn if "Glyph" in str(w.message)]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Статус 📄 &lt;b&gt;" in page and "ЭЦП / қолтаңба" in page and "<b>Статус" not in page.replace(
        "<b>Статус 📄 &lt;b&gt;", "")


def test_new_data_notes_are_translated_in_the_russian_report(tmp_path):
    calls = planted_log()
    calls.loc[calls.index[:3], "started_at"] = "garbage"
    calls.loc[calls.index[3:5], "duration_s"] = -1
    build_report(calls, tmp_path, label_col="request_type", lang="ru")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "У 3 звонков started_at не читается" in page
    assert "У 2 звонков duration_s нулевое, отрицательное или больше суток" in page


@pytest.mark.parametrize("k", ["0", "1", "x"])
def test_cli_report_bad_k_is_a_usage_error(tmp_path, capsys, k):
    src = tmp_path / "calls.csv"
    planted_log().to_csv(src, index=False)
    assert main(["report", str(src), "-o", str(tmp_path / "out"), "--k", k]) == 2
    assert "--k" in capsys.readouterr().err


def test_when_no_type_is_automatable_the_headline_says_so(tmp_path, capsys):
    src = tmp_path / "calls.csv"
    calls = planted_log()
    calls.to_csv(src, index=False)
    rules = {"modes": {t: "operator" for t in calls["request_type"].unique()}}
    (tmp_path / "rules.json").write_text(json.dumps(rules))
    assert main(["report", str(src), "-o", str(tmp_path / "out"), "--label-col", "request_type", "-q",
                 "--config", str(tmp_path / "rules.json")]) == 0
    out = capsys.readouterr().out
    assert out.strip() == "5 request types; none is an automation candidate (every type stays with operators)."
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "none is an automation candidate" in page and "()" not in page


@pytest.mark.parametrize("lang, n_types, n_top, expected", [
    ("en", 35, 3, "35 request types; the top 3 automatable types are 31.8% of calls"),
    ("en", 1, 1, "1 request type; the one automatable type is 31.8% of calls"),
    ("en", 4, 2, "4 request types; the top 2 automatable types are"),
    ("en", 5, 0, "5 request types; none is an automation candidate"),
    ("ru", 35, 3, "35 типов обращений; три лучших кандидата на автоматизацию — 31.8% звонков"),
    ("ru", 21, 1, "21 тип обращений; единственный кандидат на автоматизацию — 31.8%"),
    ("ru", 3, 2, "3 типа обращений; два лучших кандидата на автоматизацию —"),
])
def test_the_headline_counts_what_is_there_in_each_language(lang, n_types, n_top, expected):
    from callmine.wording import headline
    assert headline(lang, n_types, n_top, share="31.8%", hours="1,000").startswith(expected)
