"""The command line: help for every command, exit codes, one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from callmine.cli import build_parser, main

COMMANDS = ["train", "evaluate", "classify", "discover", "curate", "report", "forecast", "staff", "egdi"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_answers_help_with_an_example(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Example:" in out and f"callmine {command}" in out


def test_interface_commands_are_all_present():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert set(COMMANDS) <= set(sub.choices)


def test_usage_error_exits_2(capsys):
    assert main(["train"]) == 2
    assert main(["no-such-command"]) == 2


def test_missing_column_is_one_error_line_and_exit_1(tmp_path, capsys):
    from conftest import CALLS, write_csv

    path = write_csv(tmp_path / "c.csv", CALLS)
    code = main(["discover", str(path), "-o", str(tmp_path / "out"), "--text-col", "transcript"])
    err = capsys.readouterr().err
    assert code == 1
    error_lines = [line for line in err.splitlines() if line.startswith("Error: ")]
    assert len(error_lines) == 1 and err.splitlines()[-1] == error_lines[0]
    assert "transcript" in error_lines[0] and "Traceback" not in err


def test_python_dash_m_runs_the_same_cli():
    proc = subprocess.run([sys.executable, "-m", "callmine", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert proc.stdout.startswith("callmine ")


@pytest.mark.parametrize("argv", [
    ["train", "{csv}", "--label-col", "request_type", "-o", "{tmp}/m.joblib"],
    ["report", "{csv}", "-o", "{tmp}/rep", "--text-col", "transcript"],
    ["discover", "{csv}", "-o", "{tmp}/out", "--text-col", "transcript"],
])
def test_commands_that_read_a_call_log_name_the_missing_column(tmp_path, capsys, argv):
    from conftest import CALLS, write_csv

    path = write_csv(tmp_path / "c.csv", CALLS)
    code = main([a.format(csv=path, tmp=tmp_path) for a in argv])
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines()[-1].startswith("Error: ")
    assert "columns found: 'call_id', 'text'" in err


@pytest.mark.parametrize("flag, said", [("off", "concepts=False"), ("on", "concepts=True")])
def test_discover_says_whether_cross_lingual_concepts_were_used(tmp_path, capsys, flag, said):
    from conftest import write_csv

    rows = [(str(i), t) for i, t in enumerate(
        ["Абонент: где моя заявка на пособие", "Клиент: өтінішім қайда", "Caller: where is my application",
         "Абонент: забыл пароль от портала", "Клиент: құпия сөзді ұмыттым", "Caller: I forgot my password"] * 5)]
    path = write_csv(tmp_path / "c.csv", rows)
    assert main(["discover", str(path), "-o", str(tmp_path / "out"), "--k", "2", "--concepts", flag, "-q"]) == 0
    out = capsys.readouterr().out
    assert f"cross-lingual concepts: {said}" in out


def test_discover_k_rule_knee_is_used_and_explained(tmp_path, capsys):
    from conftest import write_csv

    rows = [(str(i), t) for i, t in enumerate(
        ["Абонент: где моя заявка на пособие", "Абонент: забыл пароль от портала",
         "Абонент: срок ЭЦП истек как продлить", "Абонент: справка о несудимости где"] * 10)]
    path = write_csv(tmp_path / "c.csv", rows)
    out_dir = tmp_path / "out"
    assert main(["discover", str(path), "-o", str(out_dir), "--k-rule", "knee", "-q"]) == 0
    assert "knee" in capsys.readouterr().out
    assert "knee_error" in (out_dir / "k_selection.csv").read_text(encoding="utf-8")


def test_an_unexpected_failure_is_one_error_line_not_a_traceback(monkeypatch, capsys):
    import callmine.cli as cli

    def boom(args):
        raise ValueError("dimension mismatch")

    monkeypatch.setattr(cli, "_cmd_egdi", boom)
    monkeypatch.delenv("CALLMINE_DEBUG", raising=False)
    assert cli.main(["egdi", "--osi", "0.5", "--tii", "0.5", "--hci", "0.5"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: unexpected ValueError: dimension mismatch") and "Traceback" not in err


def test_a_reader_that_goes_away_ends_the_command_quietly(monkeypatch, capsys):
    # `callmine forecast | head -1`: writing to the closed pipe raises BrokenPipeError
    import callmine.cli as cli

    def write_to_closed_pipe(args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "_cmd_egdi", write_to_closed_pipe)
    assert cli.main(["egdi", "--osi", "0.5", "--tii", "0.5", "--hci", "0.5"]) == 141
    assert capsys.readouterr().err == ""


def test_an_unwritable_output_is_one_error_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = main(["forecast", "--base", "14000", "-o", str(blocker / "sub" / "out.csv")])
    err = capsys.readouterr().err
    assert code == 1 and err.splitlines()[-1].startswith("Error: ")


@pytest.mark.parametrize("argv", [
    ["classify", "m.joblib", "in.csv", "-o", "out.csv", "--jobs", "0"],
    ["classify", "m.joblib", "in.csv", "-o", "out.csv", "--chunk-size", "many"],
    ["discover", "in.csv", "-o", "out", "--k", "1"],
    ["discover", "in.csv", "-o", "out", "--max-fit-samples", "-5"],
    ["forecast", "--steps", "0"],
])
def test_bad_numbers_in_options_are_usage_errors(argv, capsys):
    assert main(argv) == 2
    assert "must be" in capsys.readouterr().err


def _two_type_log(tmp_path):
    """40 calls of two request types in Russian and Kazakh (for the discover options)."""
    from conftest import write_csv

    rows = [(str(i), t) for i, t in enumerate(
        ["Абонент: где моя заявка на пособие", "Клиент: өтінішім қайда",
         "Абонент: срок ЭЦП истек как продлить", "Клиент: ЭЦҚ мерзімі бітті"] * 10)]
    return write_csv(tmp_path / "c.csv", rows)


def test_discover_partition_option_reaches_the_estimator_and_the_summary(tmp_path):
    import json

    path = _two_type_log(tmp_path)
    for choice in ("kmeans", "concept_merge"):
        out_dir = tmp_path / choice
        assert main(["discover", str(path), "-o", str(out_dir), "--k", "2", "--partition", choice,
                     "--concepts", "on", "-q"]) == 0
        summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
        assert summary["partition"] == choice
    assert main(["discover", str(path), "-o", str(tmp_path / "x"), "--partition", "ward"]) == 2


def test_discover_graph_space_and_overcluster_options_reach_the_estimator(tmp_path, capsys):
    import json

    path = _two_type_log(tmp_path)
    for space in ("representation", "ngrams"):
        out_dir = tmp_path / space
        assert main(["discover", str(path), "-o", str(out_dir), "--k", "2", "--graph-space", space,
                     "--overcluster", "1.5", "--concepts", "on", "-q"]) == 0
        assert json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))[
            "graph_space"] == space
    for bad in ("0.5", "many", "inf"):
        assert main(["discover", str(path), "-o", str(tmp_path / "x"), "--overcluster", bad]) == 2
        assert "must be a number >= 1 or 'auto'" in capsys.readouterr().err
    assert main(["discover", str(path), "-o", str(tmp_path / "y"), "--graph-space", "lsa"]) == 2


def test_discover_reweight_and_word_vector_options_reach_the_estimator(tmp_path, capsys):
    import json

    from callmine.synth import generate_calls

    path = tmp_path / "calls.csv"  # enough distinct calls for the neighbour graph
    generate_calls(120, seed=3).to_csv(path, index=False)
    for rounds, vectors in ((0, "off"), (2, "on")):
        out_dir = tmp_path / f"r{rounds}"
        assert main(["discover", str(path), "-o", str(out_dir), "--k", "4", "--concepts", "on",
                     "--reweight", str(rounds), "--word-vectors", vectors, "-q"]) == 0
        summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
        assert (summary["reweight_rounds"], summary["word_vectors"]) == (rounds, vectors == "on")
    capsys.readouterr()
    for answers, said in (("off", "answers=False"), ("on", "answers on: ")):
        out_dir = tmp_path / f"a{answers}"
        assert main(["discover", str(path), "-o", str(out_dir), "--k", "4", "--concepts", "on",
                     "--partition", "concept_merge", "--answers", answers, "-q"]) == 0
        summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
        assert summary["answers"].startswith(said)
        printed = "types merged by the operator's answers as well: " in capsys.readouterr().out
        assert printed == (answers == "on")
    for bad in ("-1", "once"):
        assert main(["discover", str(path), "-o", str(tmp_path / "x"), "--reweight", bad]) == 2
        assert "must be an integer >= 0 or 'auto'" in capsys.readouterr().err
    assert main(["discover", str(path), "-o", str(tmp_path / "z"), "--word-vectors", "yes"]) == 2
    assert main(["discover", str(path), "-o", str(tmp_path / "z"), "--answers", "yes"]) == 2
