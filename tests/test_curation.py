"""Curation: an edited types.csv plus assignments.csv becomes a labelled training file."""

from __future__ import annotations

import pandas as pd
import pytest

from callmine.cli import main
from callmine.curation import curate, label_map
from callmine.errors import DataError

CALLS = pd.DataFrame({"call_id": ["a", "b", "c", "d", "e"],
                      "text": ["где заявка", "забыл пароль", "статус заявки", "ЭЦП", "шум"]})
ASSIGN = pd.DataFrame({"row": [0, 1, 2, 3, 4], "cluster": [0, 1, 0, 2, -1]})


def types(*rows):
    return pd.DataFrame(list(rows), columns=["cluster", "type_label"])


def test_rename_keeps_every_type_and_drops_outliers():
    out = curate(CALLS, types((0, "application_status"), (1, "password"), (2, "ecp")), ASSIGN)
    assert out["request_type"].tolist() == ["application_status", "password",
                                            "application_status", "ecp"]
    assert out["call_id"].tolist() == ["a", "b", "c", "d"]  # input order, columns kept


def test_same_name_merges_deleted_row_or_empty_name_drops():
    out = curate(CALLS, types((0, "account"), (1, " account "), (2, "")), ASSIGN)
    assert out["request_type"].tolist() == ["account"] * 3
    out = curate(CALLS, types((1, "password")), ASSIGN)
    assert out["call_id"].tolist() == ["b"]


def test_label_column_name_is_chosen_and_never_overwritten():
    out = curate(CALLS, types((0, "x")), ASSIGN, label_col="intent")
    assert "intent" in out.columns
    with pytest.raises(DataError, match="already has a column 'text'"):
        curate(CALLS, types((0, "x")), ASSIGN, label_col="text")


@pytest.mark.parametrize("bad_types, match", [
    (pd.DataFrame({"cluster": [0]}), "types.csv has no column 'type_label'; columns found: cluster"),
    (types(("zero", "x")), "column 'cluster' must hold whole numbers; got 'zero'"),
    (types((0, "a"), (0, "b")), "cluster 0 is listed twice with different names"),
    (types((-1, "junk")), "cluster -1 is not a type"),
    (types((9, "x")), "types.csv names cluster 9 that assignments.csv never uses"),
])
def test_bad_types_table_is_explained(bad_types, match):
    with pytest.raises(DataError, match=match):
        curate(CALLS, bad_types, ASSIGN)


def test_assignments_of_another_file_are_refused():
    with pytest.raises(DataError, match="no line for input row 4"):
        curate(CALLS, types((0, "x")), ASSIGN.iloc[:4])
    with pytest.raises(DataError, match="lists row 0 twice"):
        curate(CALLS, types((0, "x")), pd.concat([ASSIGN, ASSIGN.iloc[:1]]))


def test_label_map_is_the_rule_in_one_place():
    assert label_map(types((0, "a"), (1, ""), (2, "a"), (3, None))) == {0: "a", 2: "a"}


def test_round_trip_discover_edit_curate_train_file(tmp_path, capsys):
    texts = (["Абонент: забыл пароль от портала"] * 12 + ["Абонент: срок ЭЦП истек продлить"] * 12
             + ["Абонент: талон в ЦОН очередь"] * 12)
    src = tmp_path / "calls.csv"
    pd.DataFrame({"call_id": range(len(texts) + 1), "text": texts + [""]}).to_csv(src, index=False)
    out = tmp_path / "disc"
    assert main(["discover", str(src), "-o", str(out), "--k", "3", "-q"]) == 0
    t = pd.read_csv(out / "types.csv")
    assert len(t) == 3
    # the analyst renames two types to one name (merge) and deletes the third
    a = pd.read_csv(out / "assignments.csv")
    keep = t["cluster"].tolist()[:2]
    t = t[t["cluster"].isin(keep)].assign(type_label="login_or_signature")
    t.to_csv(out / "types.csv", index=False)
    train = tmp_path / "train.csv"
    assert main(["curate", str(src), str(out), "-o", str(train)]) == 0
    assert "next: callmine train" in capsys.readouterr().out
    got = pd.read_csv(train)
    expected_rows = a.loc[a["cluster"].isin(keep), "row"].tolist()
    assert got["call_id"].tolist() == expected_rows
    assert set(got["request_type"]) == {"login_or_signature"}
    assert list(got.columns) == ["call_id", "text", "request_type"]


def test_curate_cli_errors_are_one_line(tmp_path, capsys):
    src = tmp_path / "calls.csv"
    CALLS.to_csv(src, index=False)
    assert main(["curate", str(src), str(tmp_path / "nope"), "-o", str(tmp_path / "t.csv")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "does not exist" in err and err.count("\n") == 1
