"""Reading call logs: formats, encodings, column mapping, streaming and bad rows."""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

from callmine.errors import CallmineError, DataError
from callmine.io import detect_encoding, iter_calls, read_calls, write_table
from conftest import CALLS, write_csv


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("utf-16", "utf-16"),
    ("cp1251", "cp1251"),
])
def test_encodings_are_detected_and_give_the_same_rows(tmp_path, encoding, expected):
    rows_in = [r for r in CALLS if "қ" not in r[1] and "ә" not in r[1]]  # cp1251 has no Kazakh letters
    path = write_csv(tmp_path / f"calls_{encoding}.csv", rows_in, encoding=encoding)
    assert detect_encoding(path) == expected
    rows, rejects = read_calls(path)
    assert rows["text"].tolist() == [t for _, t in rows_in]
    assert rows["call_id"].tolist() == [c for c, _ in rows_in]
    assert rejects.empty


def test_kazakh_letters_survive_utf16(tmp_path):
    path = write_csv(tmp_path / "kk.csv", CALLS, encoding="utf-16")
    rows, _ = read_calls(path)
    assert rows.loc[1, "text"] == "Клиент: ЭЦП мерзімі бітті қалай жаңартамын"


def test_one_bad_row_does_not_flip_the_file_encoding(tmp_path):
    path = tmp_path / "mixed.csv"
    good = "".join(f"{i},Абонент: где моя заявка номер {i}\n" for i in range(50))
    bad = "50,".encode() + "битая строка".encode("cp1251") + b"\n"
    path.write_bytes(b"call_id,text\n" + good.encode("utf-8") + bad + "51,последняя\n".encode())
    assert detect_encoding(path) == "utf-8"
    rows, rejects = read_calls(path)
    assert len(rows) == 51
    assert rows.loc[51, "text"] == "последняя"
    assert rejects.to_dict("records") == [{"row": 50, "reason": "undecodable bytes"}]


def test_forced_encoding_overrides_detection(tmp_path):
    path = write_csv(tmp_path / "c.csv", [("1", "заявка")], encoding="cp1251")
    rows, _ = read_calls(path, encoding="cp1251")
    assert rows["text"].tolist() == ["заявка"]
    with pytest.raises(DataError, match="not a known encoding"):
        read_calls(path, encoding="klingon-8")


def test_multiline_quoted_transcripts_count_as_one_row(tmp_path):
    path = write_csv(tmp_path / "ml.csv", CALLS)
    rows, _ = read_calls(path)
    assert rows.loc[4, "text"] == "Оператор: здравствуйте\nАбонент: справка о несудимости нужна"
    assert list(rows.index) == [0, 1, 2, 3, 4]


def test_malformed_and_blank_rows_are_reported_with_position_and_reason(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("call_id,text\n1,ok one\n2,too,many,fields\n3,   \n4\n5,ok two\n", encoding="utf-8")
    rows, rejects = read_calls(path)
    assert rows["call_id"].tolist() == ["1", "5"]
    assert list(rows.index) == [0, 4]
    got = dict(zip(rejects["row"], rejects["reason"]))
    assert got[1].startswith("too many fields: expected 2, got 4")
    assert got[2] == "empty text"
    assert got[3].startswith("too few fields")
    assert len(rows) + len(rejects) == 5  # nothing is lost


def test_missing_column_names_file_column_and_columns_found(tmp_path):
    path = write_csv(tmp_path / "c.csv", CALLS)
    with pytest.raises(DataError, match=r"c\.csv: no text column 'transcript'; columns found: 'call_id', 'text'"):
        read_calls(path, text_col="transcript")
    with pytest.raises(DataError, match="no required column 'label'"):
        read_calls(path, required=["label"])


def test_values_are_kept_as_written(tmp_path):
    path = write_csv(tmp_path / "c.csv", [("007", "текст")])
    rows, _ = read_calls(path)
    assert rows.loc[0, "call_id"] == "007"


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz", ".tsv", ".jsonl", ".parquet"])
def test_every_format_round_trips(tmp_path, suffix):
    df = pd.DataFrame({"call_id": [c for c, _ in CALLS], "text": [t for _, t in CALLS]})
    path = write_table(df, tmp_path / f"calls{suffix}")
    rows, rejects = read_calls(path)
    assert rows["text"].tolist() == df["text"].tolist()
    assert rejects.empty
    assert not list(tmp_path.glob("*.tmp"))


def test_gzip_csv_is_read_by_extension(tmp_path):
    path = tmp_path / "c.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("text\nпривет\n")
    rows, _ = read_calls(path)
    assert rows["text"].tolist() == ["привет"]


def test_jsonl_bad_lines_are_rejects(tmp_path):
    path = tmp_path / "c.jsonl"
    lines = [json.dumps({"text": "один"}, ensure_ascii=False), "{broken", "[1, 2]",
             json.dumps({"text": ""}), json.dumps({"text": "два", "extra": 1}, ensure_ascii=False)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows, rejects = read_calls(path)
    assert rows["text"].tolist() == ["один", "два"]
    assert list(rows.index) == [0, 4]
    reasons = dict(zip(rejects["row"], rejects["reason"]))
    assert reasons[1].startswith("not valid JSON")
    assert reasons[2] == "not a JSON object (got list)"
    assert reasons[3] == "empty text"


def test_streaming_chunks_cover_every_row_once(tmp_path):
    rows_in = [(str(i), f"текст {i}" if i % 7 else "") for i in range(103)]
    path = write_csv(tmp_path / "big.csv", rows_in)
    chunks = list(iter_calls(path, chunksize=10))
    assert [c.start for c in chunks] == list(range(0, 103, 10))
    assert sum(c.n_input for c in chunks) == 103
    seen = sorted([*(i for c in chunks for i in c.rows.index), *(r for c in chunks for r in c.rejects["row"])])
    assert seen == list(range(103))
    assert all(c.rows.index.min() >= c.start for c in chunks if len(c.rows))


def test_unknown_extension_and_missing_file_are_clear_errors(tmp_path):
    with pytest.raises(DataError, match="unknown file type"):
        read_calls(tmp_path / "calls.xlsx")
    with pytest.raises(DataError, match="no such file"):
        read_calls(tmp_path / "absent.csv")


def test_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(DataError, match="empty"):
        read_calls(path)


def test_a_wrong_forced_encoding_is_one_clear_error(tmp_path):
    rows_in = [(str(i), f"где моя заявка {i}") for i in range(20)]
    path = write_csv(tmp_path / "win.csv", rows_in, encoding="cp1251")
    with pytest.raises(DataError, match=r"cannot be decoded as utf-8 .*first at row 0.*--encoding"):
        read_calls(path, encoding="utf-8")


def test_written_files_get_ordinary_permissions(tmp_path):
    import os
    import stat

    path = write_table(pd.DataFrame({"text": ["a"]}), tmp_path / "out.csv")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_a_record_the_csv_module_rejects_is_reported_and_reading_goes_on():
    import csv

    from callmine.io import _Malformed, _take_records

    class FlakyReader:
        def __init__(self):
            self.items = iter([["1", "a"], csv.Error("bad quoting"), ["3", "c"]])

        def __iter__(self):
            return self

        def __next__(self):
            item = next(self.items)
            if isinstance(item, Exception):
                raise item
            return item

    out = _take_records(FlakyReader(), 10)
    assert len(out) == 3 and out[0] == ["1", "a"] and out[2] == ["3", "c"]
    assert isinstance(out[1], _Malformed) and out[1].reason == "malformed record: bad quoting"
    reader = FlakyReader()
    assert _take_records(reader, 2)[0] == ["1", "a"] and _take_records(reader, 2) == [["3", "c"]]


@pytest.mark.parametrize("chunksize", [1, 3, 7, 1000])
def test_blank_lines_take_no_position_at_any_chunk_size(tmp_path, chunksize):
    path = tmp_path / "blank.csv"
    body = "".join(f"{i},текст {i}\n" + ("\n" if i % 4 == 0 else "") for i in range(20))
    path.write_text("call_id,text\n" + body, encoding="utf-8")
    chunks = list(iter_calls(path, chunksize=chunksize))
    rows = pd.concat([c.rows for c in chunks])
    assert rows["call_id"].tolist() == [str(i) for i in range(20)]
    assert list(rows.index) == list(range(20))
    assert sum(c.n_input for c in chunks) == 20


@pytest.mark.parametrize("suffix", [".csv.gz", ".tsv.gz", ".jsonl.gz"])
def test_gzip_output_is_the_same_bytes_for_the_same_table(tmp_path, suffix):
    df = pd.DataFrame({"text": ["где моя заявка", "ЭЦП"]})
    first = write_table(df, tmp_path / f"a{suffix}").read_bytes()
    second = write_table(df, tmp_path / f"b{suffix}").read_bytes()  # other name, later time
    assert first == second
    assert read_calls(tmp_path / f"a{suffix}")[0]["text"].tolist() == df["text"].tolist()


@pytest.mark.parametrize("header", ["call_id,channel,text", "text,note,note"])
def test_chunk_frames_hold_the_records_as_strings_in_file_order(tmp_path, header):
    """Every column holds the fields as str (object dtype), rows in file order, also with a repeated header name."""
    path = tmp_path / "calls.csv"
    lines = [header] + [f'{i},"a, ""b"" {i}",текст {i}' for i in range(12)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text_col = header.split(",")[0] if header.startswith("text") else "text"
    chunks = list(iter_calls(path, text_col=text_col, chunksize=5))
    got = pd.concat([c.rows for c in chunks])
    want = pd.DataFrame([[str(i), f'a, "b" {i}', f"текст {i}"] for i in range(12)],
                        columns=header.split(","), dtype=object)
    assert list(got.columns) == header.split(",") and got.index.tolist() == list(range(12))
    assert got.dtypes.tolist() == [object] * 3
    assert got.to_numpy().tolist() == want.to_numpy().tolist()


def test_a_file_where_an_output_folder_should_be_is_a_clear_error(tmp_path):
    from callmine.io import write_table
    blocker = tmp_path / "outfile"
    blocker.write_text("not a folder")
    with pytest.raises(CallmineError, match=r"'.*outfile' is a file, not a folder"):
        write_table(pd.DataFrame({"a": [1]}), blocker / "sub" / "x.csv")
    assert blocker.read_text() == "not a folder"
