"""Specification of callmine.batch: streaming, parallel, resumable batch classification."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from callmine import batch
from callmine.batch import classify_file, classify_frame, iter_classified, predict_texts
from callmine.cli import main
from callmine.errors import CallmineError, DataError, ModelError

HERE = Path(__file__).resolve().parent

TOPICS = {
    "passport": ["паспорт", "удостоверение личности", "жеке куәлік"],
    "tax": ["налог", "салық", "tax"],
    "benefit": ["пособие", "жәрдемақы", "benefit"],
}


class KeywordModel:
    """A stand-in model: a request type by keyword, a confidence from the text.

    ``slow_marker``: texts containing it take ``delay`` seconds, so that chunks
    finish out of order in worker processes. Outside the model's state (so
    that a resumed run sees the same model): every call appends its number of
    texts to the file named by $TEST_BATCH_CALLS, and sleeps $TEST_BATCH_DELAY
    seconds.
    """

    def __init__(self, slow_marker=None, delay=0.0):
        self.slow_marker, self.delay = slow_marker, delay

    def predict_with_confidence(self, texts):
        if self.slow_marker and any(self.slow_marker in t for t in texts):
            time.sleep(self.delay)
        time.sleep(float(os.environ.get("TEST_BATCH_DELAY", 0)))
        if os.environ.get("TEST_BATCH_DIE") and any(os.environ["TEST_BATCH_DIE"] in t for t in texts):
            os._exit(3)  # a worker killed in the middle of a chunk
        if os.environ.get("TEST_BATCH_CALLS"):
            with open(os.environ["TEST_BATCH_CALLS"], "a") as fh:
                fh.write(f"{len(texts)}\n")
        labels = []
        for t in texts:
            low = t.lower()
            labels.append(next((k for k, words in TOPICS.items() if any(w in low for w in words)), "other"))
        conf = np.array([0.5 + (sum(map(ord, t)) % 50) / 100 for t in texts])
        return np.array(labels, dtype=object), conf


@pytest.fixture(scope="module")
def real_model():
    """A real fast RequestTypeClassifier trained on 600 synthetic calls (about 1 s)."""
    from callmine.classify import RequestTypeClassifier
    from callmine.synth import generate_calls

    train = generate_calls(600, seed=3)
    return RequestTypeClassifier().fit(train["text"].tolist(), train["request_type"].tolist())


@pytest.fixture(scope="module")
def real_model_file(real_model, tmp_path_factory):
    from callmine.persist import save_model

    return save_model(real_model, tmp_path_factory.mktemp("model") / "model.joblib")


def _texts(n: int, seed: int = 0) -> list[str]:
    """``n`` transcripts with commas, quotes, line breaks, Cyrillic and Kazakh letters."""
    rng = np.random.default_rng(seed)
    words = [w for ws in TOPICS.values() for w in ws] + ["здравствуйте", "қалай", "где", "help"]
    out = []
    for i in range(n):
        k = rng.integers(2, 6)
        body = " ".join(rng.choice(words, size=k))
        if i % 5 == 1:
            body = f'Оператор: слушаю\nАбонент: {body}, "срочно"'
        if i % 7 == 3:
            body += "\r\nещё строка"
        out.append(f"{body} №{i}")
    return out


def write_calls(path: Path, n: int = 50, *, encoding: str = "utf-8", sep: str = ",",
                blank_every: int = 0) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow(["call_id", "channel", "text"])
    for i, t in enumerate(_texts(n)):
        w.writerow([f"c{i}", "phone" if i % 2 else "web", "  " if blank_every and i % blank_every == 0 else t])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def expected_frame(path: Path, model=None) -> pd.DataFrame:
    """What classify_file must write: the readable rows classified in one go."""
    from callmine.io import read_calls

    rows, _ = read_calls(path)
    return classify_frame(model or KeywordModel(), rows).reset_index(drop=True)


def read_output(path: Path) -> pd.DataFrame:
    name = str(path)
    if name.endswith(".parquet"):
        return pd.read_parquet(path)
    if name.endswith(".jsonl"):
        return pd.read_json(path, lines=True, dtype=False)
    return pd.read_csv(path, sep="\t" if ".tsv" in name else ",", dtype=str, keep_default_na=False)


def assert_same_rows(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    for col in got.columns:
        if col == "confidence":
            np.testing.assert_allclose(got[col].astype(float), want[col].astype(float), rtol=1e-12)
        else:
            assert got[col].astype(str).tolist() == want[col].astype(str).tolist(), col


# ---------------------------------------------------------------------------
# classify_frame / predict_texts
# ---------------------------------------------------------------------------

def test_classify_frame_adds_request_type_and_confidence_keeping_index_and_columns():
    df = pd.DataFrame({"call_id": ["a", "b", "c"], "text": ["Где паспорт?", "салық", "привет"]},
                      index=[10, 11, 12])
    out = classify_frame(KeywordModel(), df)
    assert list(out.columns) == ["call_id", "text", "request_type", "confidence"]
    assert out.index.tolist() == [10, 11, 12]
    assert out["request_type"].tolist() == ["passport", "tax", "other"]
    assert out["confidence"].between(0, 1).all()
    assert list(df.columns) == ["call_id", "text"]  # input untouched


def test_classify_frame_leaves_blank_texts_unclassified():
    df = pd.DataFrame({"text": ["паспорт", None, "   ", "налог"]})
    out = classify_frame(KeywordModel(), df)
    assert out["request_type"].tolist() == ["passport", None, None, "tax"]
    assert out["confidence"].isna().tolist() == [False, True, True, False]


def test_classify_frame_keeps_an_input_request_type_column_under_another_name():
    df = pd.DataFrame({"text": ["паспорт"], "request_type": ["truth"]})
    out = classify_frame(KeywordModel(), df)
    assert list(out.columns) == ["text", "request_type_input", "request_type", "confidence"]
    assert out.loc[0, "request_type_input"] == "truth"


def test_classify_frame_names_a_missing_text_column():
    with pytest.raises(DataError, match=r"no text column 'transcript'; columns found: 'text'"):
        classify_frame(KeywordModel(), pd.DataFrame({"text": ["x"]}), text_col="transcript")


def test_a_model_without_predict_with_confidence_is_refused():
    with pytest.raises(ModelError, match="predict_with_confidence.*got int"):
        classify_frame(3, pd.DataFrame({"text": ["x"]}))


def test_a_model_returning_the_wrong_number_of_predictions_is_an_error():
    class Broken:
        def predict_with_confidence(self, texts):
            return np.array(["a"], dtype=object), np.array([0.5])

    with pytest.raises(ModelError, match="returned 1 labels and 1 confidences for 2 texts"):
        predict_texts(Broken(), ["x", "y"], dedupe=False)


def test_dedupe_classifies_each_distinct_text_once_with_the_same_result(tmp_path, monkeypatch):
    calls = tmp_path / "calls.txt"
    monkeypatch.setenv("TEST_BATCH_CALLS", str(calls))
    texts = ["паспорт", "налог", "паспорт", "паспорт", "hello"]
    labels, conf = predict_texts(KeywordModel(), texts)
    plain = predict_texts(KeywordModel(), texts, dedupe=False)
    assert labels.tolist() == plain[0].tolist()
    np.testing.assert_array_equal(conf, plain[1])
    assert calls.read_text().split() == ["3", "5"]


def test_the_model_is_called_on_batches_of_bounded_total_length(tmp_path, monkeypatch):
    calls = tmp_path / "calls.txt"
    monkeypatch.setenv("TEST_BATCH_CALLS", str(calls))
    texts = ["налог " * 3, "паспорт", "x" * 50, "пособие", "налог " * 3, "ok"]  # lengths 18, 7, 50, 7, 18, 2
    labels, conf = predict_texts(KeywordModel(), texts, max_batch_chars=20)
    # distinct texts (5): cumulative lengths 18, 25, 75, 82, 84 -> batches [18], [7], [50], [7, 2]
    assert calls.read_text().split() == ["1", "1", "1", "2"]
    plain = predict_texts(KeywordModel(), texts, dedupe=False, max_batch_chars=None)
    assert labels.tolist() == plain[0].tolist() and np.array_equal(conf, plain[1])


def test_a_prediction_cache_skips_texts_seen_in_earlier_calls_with_the_same_results(tmp_path, monkeypatch):
    calls = tmp_path / "calls.txt"
    monkeypatch.setenv("TEST_BATCH_CALLS", str(calls))
    cache = batch.PredictionCache()
    first = ["паспорт", "налог", "паспорт"]
    second = ["налог", "пособие", "паспорт", "tax", "пособие"]
    got1 = predict_texts(KeywordModel(), first, cache=cache)
    got2 = predict_texts(KeywordModel(), second, cache=cache)
    assert calls.read_text().split() == ["2", "2"]  # only "пособие" and "tax" were new
    assert cache.hits["raw"] == 2 and cache.misses == 4
    for texts, got in ((first, got1), (second, got2)):
        plain = predict_texts(KeywordModel(), texts, dedupe=False)
        assert got[0].tolist() == plain[0].tolist() and np.array_equal(got[1], plain[1])


def test_a_full_prediction_cache_starts_over_and_stays_correct(tmp_path, monkeypatch):
    cache = batch.PredictionCache(max_items=3, max_chars=1000)
    texts = _texts(40)
    for start in range(0, 40, 5):
        part = texts[start:start + 9]
        got = predict_texts(KeywordModel(), part, cache=cache)
        plain = predict_texts(KeywordModel(), part, dedupe=False)
        assert got[0].tolist() == plain[0].tolist() and np.array_equal(got[1], plain[1])
        assert len(cache.raw) <= 3


def test_long_transcripts_are_not_kept_in_the_cache():
    cache = batch.PredictionCache(max_text_chars=20)
    texts = ["паспорт", "налог " * 10]
    got = predict_texts(KeywordModel(), texts, cache=cache)
    assert list(cache.raw) == ["паспорт"]
    assert got[0].tolist() == predict_texts(KeywordModel(), texts, dedupe=False)[0].tolist()


def test_the_cache_shares_predictions_of_texts_the_model_sees_alike(real_model_file, real_model):
    """With a lean model the second level is the normalised text: case, punctuation, personal data."""
    from callmine.persist import load_predictor

    lean = load_predictor(real_model_file)
    cache = batch.PredictionCache()
    base = "Абонент: мне нужна справка о пенсионных отчислениях, мой ИИН 900101300007"
    variants = [base, base.upper(), base.replace("900101300007", "850505400123"), base + "!!!",
                "Оператор: слушаю вас. " + base]
    first = predict_texts(lean, variants[:1], cache=cache)
    got = predict_texts(lean, variants, cache=cache)
    # four new transcripts, one normalised text, already in the cache: the model saw one text in all
    assert cache.misses == 1 and cache.hits == {"raw": 1, "norm": 1}
    want = real_model.predict_with_confidence(variants)
    assert got[0].tolist() == want[0].tolist() and np.array_equal(got[1], want[1])
    assert first[0][0] == want[0][0] and first[1][0] == want[1][0]


def test_classify_file_output_is_byte_identical_with_and_without_the_cache(tmp_path, monkeypatch,
                                                                           real_model_file):
    from callmine import distributed
    from callmine.synth import generate_calls

    src = tmp_path / "calls.csv"
    calls = generate_calls(150, seed=8)
    pd.concat([calls, calls.sample(frac=1, random_state=1)]).to_csv(src, index=False)  # repeats across chunks
    classify_file(real_model_file, src, tmp_path / "cached.csv", chunksize=40)
    classify_file(real_model_file, src, tmp_path / "cached2.csv", chunksize=40, jobs=2)
    monkeypatch.setattr(distributed, "PredictionCache", lambda: batch.PredictionCache(max_items=0))
    classify_file(real_model_file, src, tmp_path / "uncached.csv", chunksize=40)
    plain = (tmp_path / "uncached.csv").read_bytes()
    assert (tmp_path / "cached.csv").read_bytes() == plain
    assert (tmp_path / "cached2.csv").read_bytes() == plain


_CSV_CHARS = [",", '"', "\n", "\r", "\t", " ", "a", "б", "\x0b", "\u2028", "'", ";", "\\", "ё"]


@pytest.mark.parametrize("sep", [",", "\t"])
def test_csv_rows_writes_what_pandas_to_csv_writes(sep):
    from callmine.resume import csv_rows

    rng = np.random.default_rng(3)
    for _ in range(60):
        n = int(rng.integers(1, 40))
        cols = {}
        for j in range(3):
            values = ["".join(rng.choice(_CSV_CHARS, size=int(rng.integers(0, 6)))) for _ in range(n)]
            for i in np.flatnonzero(rng.random(n) < 0.1):
                values[i] = [None, np.nan, pd.NA][int(rng.integers(0, 3))]
            cols[f"c{j}"] = pd.Series(values, dtype=object)
        cols["confidence"] = rng.choice([np.nan, 0.0, 1.0, 1e-7, 0.1 + 0.2, 123456789.125, -0.0], size=n)
        cols["p"] = rng.random(n) ** 9
        df = pd.DataFrame(cols)
        assert csv_rows(df, sep) == df.to_csv(sep=sep, index=False, header=False)


def test_csv_rows_leaves_other_column_types_to_pandas():
    from callmine.resume import csv_rows

    assert csv_rows(pd.DataFrame({"a": ["x"], "n": [1]})) is None
    assert csv_rows(pd.DataFrame({"a": ["x"], "n": pd.Series([1], dtype=object)})) is None
    assert csv_rows(pd.DataFrame({"a": [""]})) is None  # one column: pandas writes '""'


# ---------------------------------------------------------------------------
# classify_file: chunks, order, formats, rejects, encodings
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("chunksize", [1, 7, 50, 1000])
def test_chunk_boundaries_do_not_change_the_output(tmp_path, chunksize):
    src = write_calls(tmp_path / "calls.csv", 50)
    out = tmp_path / "out.csv"
    summary = classify_file(KeywordModel(), src, out, chunksize=chunksize)
    assert_same_rows(read_output(out), expected_frame(src))
    assert summary["rows_read"] == summary["rows_written"] == 50
    assert summary["chunks"] == -(-50 // chunksize)
    assert not (tmp_path / "out.csv.partial").exists()


def test_two_workers_keep_input_order_when_chunks_finish_out_of_order(tmp_path):
    src = write_calls(tmp_path / "calls.csv", 50)
    # The first chunk (rows 0-6) holds "№0" and is slow, so later chunks finish first.
    slow = KeywordModel(slow_marker="№0", delay=1.0)
    classify_file(KeywordModel(), src, tmp_path / "one.csv", chunksize=7, jobs=1)
    summary = classify_file(slow, src, tmp_path / "two.csv", chunksize=7, jobs=2)
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()
    assert summary["jobs"] == 2 and summary["rows_written"] == 50


def test_workers_started_without_fork_load_the_model_themselves(tmp_path, monkeypatch):
    import callmine.distributed

    monkeypatch.setattr(callmine.distributed, "_start_method", lambda: "spawn")
    src = write_calls(tmp_path / "calls.csv", 20)
    classify_file(KeywordModel(), src, tmp_path / "one.csv", chunksize=7)
    classify_file(KeywordModel(), src, tmp_path / "two.csv", chunksize=7, jobs=2)
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


@pytest.mark.parametrize("jobs", [1, 2])
def test_iter_classified_streams_the_same_rows_in_order(tmp_path, jobs):
    src = write_calls(tmp_path / "calls.csv", 50, blank_every=10)
    chunks = list(iter_classified(KeywordModel(), src, chunksize=7, jobs=jobs))
    assert [c.start for c in chunks] == list(range(0, 50, 7))
    assert sum(c.n_input for c in chunks) == 50
    got = pd.concat([c.rows for c in chunks])
    assert got.index.tolist() == [i for i in range(50) if i % 10]
    assert_same_rows(got.reset_index(drop=True), expected_frame(src))
    assert pd.concat([c.rejects for c in chunks])["row"].tolist() == [0, 10, 20, 30, 40]


@pytest.mark.parametrize("name", ["out.csv", "out.tsv", "out.jsonl", "out.parquet", "out.csv.gz"])
def test_output_format_follows_the_extension(tmp_path, name):
    src = write_calls(tmp_path / "calls.csv", 30)
    classify_file(KeywordModel(), src, tmp_path / name, chunksize=7)
    assert_same_rows(read_output(tmp_path / name), expected_frame(src))


def test_parquet_output_keeps_types_from_a_parquet_input(tmp_path):
    df = pd.DataFrame({"call_id": np.arange(20), "duration_s": np.linspace(1, 2, 20), "text": _texts(20)})
    df.to_parquet(tmp_path / "calls.parquet")
    classify_file(KeywordModel(), tmp_path / "calls.parquet", tmp_path / "out.parquet", chunksize=6)
    got = pd.read_parquet(tmp_path / "out.parquet")
    assert got["call_id"].tolist() == list(range(20))
    assert got["duration_s"].dtype == np.float64
    assert got["request_type"].tolist() == classify_frame(KeywordModel(), df)["request_type"].tolist()


def test_rejects_go_to_output_rejects_csv_with_position_and_reason(tmp_path):
    src = tmp_path / "calls.csv"
    src.write_text('call_id,text\nc0,паспорт\nc1,\nc2,налог,extra\nc3,"много\nстрок"\nc4,   \n',
                   encoding="utf-8")
    summary = classify_file(KeywordModel(), src, tmp_path / "out.csv", chunksize=2)
    rejects = pd.read_csv(tmp_path / "out.csv.rejects.csv")
    assert rejects["row"].tolist() == [1, 2, 4]
    assert rejects["reason"].tolist()[0] == "empty text"
    assert "too many fields" in rejects["reason"].tolist()[1]
    assert read_output(tmp_path / "out.csv")["call_id"].tolist() == ["c0", "c3"]
    assert (summary["rows_read"], summary["rows_written"], summary["rows_rejected"]) == (5, 2, 3)


def test_a_clean_input_still_gets_an_empty_rejects_file(tmp_path):
    src = write_calls(tmp_path / "calls.csv", 5)
    classify_file(KeywordModel(), src, tmp_path / "out.csv")
    assert (tmp_path / "out.csv.rejects.csv").read_text() == "row,reason\n"


def test_an_input_without_usable_rows_gives_a_header_only_output(tmp_path):
    src = tmp_path / "calls.csv"
    src.write_text("call_id,text\nc0,\nc1, \n", encoding="utf-8")
    summary = classify_file(KeywordModel(), src, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text() == "call_id,text,request_type,confidence\n"
    assert summary["rows_rejected"] == 2


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1251"])
def test_other_encodings_give_the_same_predictions_as_utf8(tmp_path, encoding, real_model):
    from callmine.synth import generate_calls

    calls = generate_calls(120, seed=5)[["call_id", "channel", "text"]]
    # Windows-1251 has no Kazakh letters: keep the calls it can encode, for every encoding.
    calls = calls[calls["text"].map(lambda t: t.encode("cp1251", errors="ignore").decode("cp1251") == t)]
    assert len(calls) > 40
    for enc, name in (("utf-8", "u8.csv"), (encoding, "other.csv")):
        (tmp_path / name).write_bytes(calls.to_csv(index=False, lineterminator="\r\n").encode(enc))
    classify_file(real_model, tmp_path / "u8.csv", tmp_path / "u8.out.csv", chunksize=16)
    classify_file(real_model, tmp_path / "other.csv", tmp_path / "other.out.csv", chunksize=16)
    assert (tmp_path / "other.out.csv").read_bytes() == (tmp_path / "u8.out.csv").read_bytes()
    assert len(read_output(tmp_path / "u8.out.csv")) == len(calls)


def test_missing_text_column_fails_before_writing_anything(tmp_path):
    src = write_calls(tmp_path / "calls.csv", 5)
    with pytest.raises(DataError, match="no text column 'transcript'"):
        classify_file(KeywordModel(), src, tmp_path / "out.csv", text_col="transcript")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calls.csv"]


@pytest.mark.parametrize("kwargs, match", [
    ({"jobs": 0}, r"jobs must be a positive integer .*got 0"),
    ({"chunksize": -5}, r"chunksize must be a positive integer .*got -5"),
])
def test_bad_parameters_are_named(tmp_path, kwargs, match):
    src = write_calls(tmp_path / "calls.csv", 5)
    with pytest.raises(CallmineError, match=match):
        classify_file(KeywordModel(), src, tmp_path / "out.csv", **kwargs)


def test_an_output_that_is_a_folder_or_the_input_is_refused(tmp_path):
    src = write_calls(tmp_path / "calls.csv", 5)
    (tmp_path / "out.csv").mkdir()
    with pytest.raises(CallmineError, match=r"out\.csv' is a folder"):
        classify_file(KeywordModel(), src, tmp_path / "out.csv")
    with pytest.raises(CallmineError, match="is the input file"):
        classify_file(KeywordModel(), src, src)


def test_a_chunk_whose_part_file_was_lost_is_classified_again(tmp_path, monkeypatch):
    src = _crashed_run(tmp_path, monkeypatch)  # chunks 0 and 1 finished
    (tmp_path / "out.csv.partial" / "data-000001.part").unlink()
    summary = classify_file(KeywordModel(), src, tmp_path / "out.csv", chunksize=7, resume=True)
    assert summary["chunks_resumed"] == 1
    assert_same_rows(read_output(tmp_path / "out.csv"), expected_frame(src))


def test_unknown_output_extension_is_refused(tmp_path):
    src = write_calls(tmp_path / "calls.csv", 5)
    with pytest.raises(DataError, match=r"out\.xlsx: unknown file type"):
        classify_file(KeywordModel(), src, tmp_path / "out.xlsx")


def test_progress_callback_gets_running_totals(tmp_path):
    src = write_calls(tmp_path / "calls.csv", 20)
    seen = []
    classify_file(KeywordModel(), src, tmp_path / "out.csv", chunksize=7, progress=seen.append)
    assert [s["rows_read"] for s in seen] == [7, 14, 20]


def test_progress_bar_goes_to_stderr(tmp_path, capsys):
    src = write_calls(tmp_path / "calls.csv", 20)
    classify_file(KeywordModel(), src, tmp_path / "out.csv", chunksize=7, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "100%" in captured.err and "rows/s" in captured.err


# ---------------------------------------------------------------------------
# Resume
# ---------------------------------------------------------------------------

class Crash(BaseException):
    """A simulated hard stop (like a kill): not an error the CLI turns into 'Error: ...'."""


def _crash_after(k):
    def hook(idx):
        if idx == k:
            raise Crash(f"simulated crash after chunk {idx}")
    return hook


def test_resume_after_a_crash_gives_the_output_of_an_uninterrupted_run(tmp_path, monkeypatch):
    src = write_calls(tmp_path / "calls.csv", 50, blank_every=9)
    classify_file(KeywordModel(), src, tmp_path / "clean.csv", chunksize=7)
    out = tmp_path / "out.csv"
    monkeypatch.setattr(batch, "_after_chunk", _crash_after(2))
    with pytest.raises(Crash):
        classify_file(KeywordModel(), src, out, chunksize=7)
    assert not out.exists()  # a half-done run never looks finished
    assert sorted(p.name for p in (tmp_path / "out.csv.partial").glob("done-*")) == [
        "done-000000.json", "done-000001.json", "done-000002.json"]
    monkeypatch.undo()
    calls = tmp_path / "calls.txt"
    monkeypatch.setenv("TEST_BATCH_CALLS", str(calls))
    summary = classify_file(KeywordModel(), src, out, chunksize=7, resume=True)
    assert out.read_bytes() == (tmp_path / "clean.csv").read_bytes()
    assert (tmp_path / "out.csv.rejects.csv").read_bytes() == (tmp_path / "clean.csv.rejects.csv").read_bytes()
    assert summary["chunks_resumed"] == 3 and summary["chunks"] == 8
    assert summary["rows_read"] == 50 and summary["rows_rejected"] == 6
    assert len(calls.read_text().split()) == 5  # only the 5 unfinished chunks were classified
    assert not (tmp_path / "out.csv.partial").exists()


@pytest.mark.parametrize("name", ["out.parquet", "out.jsonl", "out.csv.gz"])
def test_resume_is_exact_for_every_output_format(tmp_path, monkeypatch, name):
    src = write_calls(tmp_path / "calls.csv", 30)
    classify_file(KeywordModel(), src, tmp_path / ("clean." + name), chunksize=4)
    monkeypatch.setattr(batch, "_after_chunk", _crash_after(3))
    with pytest.raises(Crash):
        classify_file(KeywordModel(), src, tmp_path / name, chunksize=4)
    monkeypatch.undo()
    classify_file(KeywordModel(), src, tmp_path / name, chunksize=4, resume=True)
    assert (tmp_path / name).read_bytes() == (tmp_path / ("clean." + name)).read_bytes()


def _crashed_run(tmp_path, monkeypatch, n=30, chunksize=7):
    src = write_calls(tmp_path / "calls.csv", n)
    monkeypatch.setattr(batch, "_after_chunk", _crash_after(1))
    with pytest.raises(Crash):
        classify_file(KeywordModel(), src, tmp_path / "out.csv", chunksize=chunksize)
    monkeypatch.undo()
    return src


def test_with_a_real_model_resume_and_workers_give_byte_identical_output(tmp_path, monkeypatch,
                                                                          real_model_file):
    from callmine.synth import generate_calls

    src = tmp_path / "calls.csv"
    generate_calls(200, seed=6).to_csv(src, index=False)
    classify_file(real_model_file, src, tmp_path / "clean.csv", chunksize=30)
    classify_file(real_model_file, src, tmp_path / "two.csv", chunksize=30, jobs=2)
    monkeypatch.setattr(batch, "_after_chunk", _crash_after(3))
    with pytest.raises(Crash):
        classify_file(real_model_file, src, tmp_path / "out.csv", chunksize=30, jobs=2)
    monkeypatch.undo()
    classify_file(real_model_file, src, tmp_path / "out.csv", chunksize=30, resume=True)
    clean = (tmp_path / "clean.csv").read_bytes()
    assert (tmp_path / "two.csv").read_bytes() == clean
    assert (tmp_path / "out.csv").read_bytes() == clean


def test_resume_is_refused_when_the_input_changed(tmp_path, monkeypatch):
    src = _crashed_run(tmp_path, monkeypatch)
    write_calls(src, 31)
    with pytest.raises(CallmineError, match=r"cannot resume .*the input file changed"):
        classify_file(KeywordModel(), src, tmp_path / "out.csv", chunksize=7, resume=True)


def test_resume_is_refused_when_the_model_changed(tmp_path, monkeypatch):
    src = _crashed_run(tmp_path, monkeypatch)
    with pytest.raises(CallmineError, match=r"cannot resume .*the model is not the same"):
        classify_file(KeywordModel(delay=0.5), src, tmp_path / "out.csv", chunksize=7, resume=True)


def test_resume_with_another_chunk_size_says_which_to_use(tmp_path, monkeypatch):
    src = _crashed_run(tmp_path, monkeypatch)
    with pytest.raises(CallmineError, match=r"chunk size differs .*rerun with --chunk-size 7"):
        classify_file(KeywordModel(), src, tmp_path / "out.csv", chunksize=8, resume=True)


def test_without_resume_an_old_work_folder_is_discarded(tmp_path, monkeypatch):
    src = _crashed_run(tmp_path, monkeypatch)
    summary = classify_file(KeywordModel(), src, tmp_path / "out.csv", chunksize=7)
    assert summary["chunks_resumed"] == 0 and summary["rows_written"] == 30


def test_a_worker_that_dies_is_an_error_that_suggests_resume(tmp_path, monkeypatch):
    src = write_calls(tmp_path / "calls.csv", 40)
    monkeypatch.setenv("TEST_BATCH_DIE", "№30")
    with pytest.raises(CallmineError, match=r"a worker process died .*rerun with --resume"):
        classify_file(KeywordModel(), src, tmp_path / "out.csv", chunksize=7, jobs=2)
    monkeypatch.delenv("TEST_BATCH_DIE")
    summary = classify_file(KeywordModel(), src, tmp_path / "out.csv", chunksize=7, resume=True)
    assert summary["chunks_resumed"] >= 1 and summary["rows_written"] == 40
    assert_same_rows(read_output(tmp_path / "out.csv"), expected_frame(src))


def test_a_foreign_folder_named_like_the_work_folder_is_not_deleted(tmp_path):
    src = write_calls(tmp_path / "calls.csv", 5)
    (tmp_path / "out.csv.partial").mkdir()
    (tmp_path / "out.csv.partial" / "thesis.docx").write_text("precious")
    with pytest.raises(CallmineError, match="is not a callmine work folder"):
        classify_file(KeywordModel(), src, tmp_path / "out.csv")
    assert (tmp_path / "out.csv.partial" / "thesis.docx").exists()


_KILL_SCRIPT = """
import sys
sys.path.insert(0, {here!r})
from test_batch import KeywordModel
from callmine.batch import classify_file
classify_file(KeywordModel(), {src!r}, {out!r}, chunksize=5, jobs=2)
"""


def test_resume_after_kill_9_of_a_two_worker_run(tmp_path):
    src = write_calls(tmp_path / "calls.csv", 100)
    out = tmp_path / "out.csv"
    script = _KILL_SCRIPT.format(here=str(HERE), src=str(src), out=str(out))
    env = dict(os.environ, TEST_BATCH_DELAY="0.15")
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True, env=env)
    partial = tmp_path / "out.csv.partial"
    deadline = time.monotonic() + 30
    while len(list(partial.glob("done-*.json"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers, as a crash would
    proc.wait()
    done = len(list(partial.glob("done-*.json")))
    assert 4 <= done < 20 and not out.exists()
    summary = classify_file(KeywordModel(), src, out, chunksize=5, jobs=1, resume=True)
    assert summary["chunks_resumed"] == done
    classify_file(KeywordModel(), src, tmp_path / "clean.csv", chunksize=5)
    assert out.read_bytes() == (tmp_path / "clean.csv").read_bytes()


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

@pytest.fixture
def model_file(real_model_file):
    return real_model_file


def test_a_real_model_with_two_workers_gives_its_own_predictions_in_input_order(tmp_path, real_model,
                                                                                real_model_file):
    from callmine.io import read_calls
    from callmine.synth import generate_calls

    src = tmp_path / "calls.csv"
    generate_calls(300, seed=4).to_csv(src, index=False)
    code = main(["classify", str(real_model_file), str(src), "-o", str(tmp_path / "out.parquet"),
                 "--jobs", "2", "--chunk-size", "40", "-q"])
    assert code == 0
    got = pd.read_parquet(tmp_path / "out.parquet")
    rows, _ = read_calls(src)
    # One model call per chunk of 40 input rows: exactly the model's own output.
    parts = [real_model.predict_with_confidence(rows["text"].iloc[i:i + 40].tolist()) for i in range(0, 300, 40)]
    assert got["call_id"].tolist() == rows["call_id"].tolist()
    assert got["request_type"].tolist() == np.concatenate([p[0] for p in parts]).tolist()
    np.testing.assert_array_equal(got["confidence"].to_numpy(), np.concatenate([p[1] for p in parts]))
    assert got["request_type_input"].tolist() == rows["request_type"].tolist()
    assert (got["request_type"] == got["request_type_input"]).mean() > 0.6


def test_cli_classify_writes_the_output_and_a_summary_on_stderr(tmp_path, model_file, capsys):
    src = write_calls(tmp_path / "calls.csv", 20, blank_every=10)
    code = main(["classify", str(model_file), str(src), "-o", str(tmp_path / "out.jsonl"),
                 "--chunk-size", "7"])
    captured = capsys.readouterr()
    assert code == 0 and captured.out == ""
    assert "rows read 20, written 18, rejected 2" in captured.err
    assert "calls per type:" in captured.err
    assert len(read_output(tmp_path / "out.jsonl")) == 18


def test_cli_classify_quiet_prints_nothing(tmp_path, model_file, capsys):
    src = write_calls(tmp_path / "calls.csv", 5)
    assert main(["classify", str(model_file), str(src), "-o", str(tmp_path / "o.csv"), "-q"]) == 0
    assert capsys.readouterr() == ("", "")


def test_cli_classify_reports_bad_data_as_one_error_line(tmp_path, model_file, capsys):
    src = write_calls(tmp_path / "calls.csv", 5)
    code = main(["classify", str(model_file), str(src), "-o", str(tmp_path / "o.csv"), "--text-col", "body"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("Error: ") and "no text column 'body'" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("option, value", [("--jobs", "0"), ("--chunk-size", "-3"), ("--jobs", "two")])
def test_cli_classify_bad_numbers_are_usage_errors(tmp_path, model_file, capsys, option, value):
    src = write_calls(tmp_path / "calls.csv", 5)
    code = main(["classify", str(model_file), str(src), "-o", str(tmp_path / "o.csv"), option, value])
    assert code == 2
    assert f"argument {option}: must be a positive integer; got '{value}'" in capsys.readouterr().err


def test_cli_classify_with_a_missing_model_file_exits_1(tmp_path, capsys):
    src = write_calls(tmp_path / "calls.csv", 5)
    code = main(["classify", str(tmp_path / "nope.joblib"), str(src), "-o", str(tmp_path / "o.csv")])
    assert code == 1 and "nope.joblib" in capsys.readouterr().err


def test_cli_classify_resume_flag(tmp_path, model_file, monkeypatch, capsys):
    src = write_calls(tmp_path / "calls.csv", 30)
    monkeypatch.setattr(batch, "_after_chunk", _crash_after(1))
    with pytest.raises(Crash):
        main(["classify", str(model_file), str(src), "-o", str(tmp_path / "o.csv"), "--chunk-size", "7"])
    monkeypatch.setattr(batch, "_after_chunk", lambda idx: None)
    assert main(["classify", str(model_file), str(src), "-o", str(tmp_path / "o.csv"),
                 "--chunk-size", "7", "--resume"]) == 0
    assert "resumed: 2 of 5 chunks were already done" in capsys.readouterr().err
    assert main(["classify", str(model_file), str(src), "-o", str(tmp_path / "clean.csv"),
                 "--chunk-size", "7", "-q"]) == 0
    assert (tmp_path / "o.csv").read_bytes() == (tmp_path / "clean.csv").read_bytes()


def test_manifest_records_what_a_resume_must_match(tmp_path, monkeypatch):
    _crashed_run(tmp_path, monkeypatch)
    manifest = json.loads((tmp_path / "out.csv.partial" / "manifest.json").read_text())
    assert manifest["chunksize"] == 7 and manifest["text_col"] == "text"
    assert set(manifest["input_fingerprint"]) == {"size", "mtime_ns", "sha256_head_tail"}
    assert manifest["model"].startswith("object:")


def test_redact_text_writes_no_personal_data_and_the_same_labels(tmp_path):
    from callmine.cli import main
    from callmine.classify import RequestTypeClassifier

    texts = (["Абонент: где моя заявка на пособие мой иин 900101300007"] * 6
             + ["Caller: I forgot my portal password, call me on +7 701 234 56 78"] * 6)
    labels = ["application_status"] * 6 + ["portal_login"] * 6
    from callmine.persist import save_model

    model = save_model(RequestTypeClassifier(threshold=None).fit(texts, labels), tmp_path / "m.joblib")
    src = tmp_path / "calls.csv"
    pd.DataFrame({"call_id": range(12), "text": texts}).to_csv(src, index=False)
    plain, redacted = tmp_path / "plain.csv", tmp_path / "redacted.csv"
    assert main(["classify", str(model), str(src), "-o", str(plain), "-q"]) == 0
    assert main(["classify", str(model), str(src), "-o", str(redacted), "-q", "--redact-text"]) == 0
    a, b = pd.read_csv(plain), pd.read_csv(redacted)
    assert "900101300007" in plain.read_text(encoding="utf-8")
    out = redacted.read_text(encoding="utf-8")
    assert "900101300007" not in out and "234 56 78" not in out and "<IIN>" in out and "<PHONE>" in out
    assert a["request_type"].tolist() == b["request_type"].tolist()
    assert a["confidence"].tolist() == b["confidence"].tolist()


def test_packed_frame_travels_as_one_string_per_text_column_and_comes_back_equal():
    import pickle

    from callmine.distributed import PackedFrame, _pack_frame

    frames = [
        pd.DataFrame({"text": ["Клиент: где заявка", "", "a\nb,\"c\""], "id": ["1", "2", "3"]},
                     index=[10, 11, 13], dtype=object),
        pd.DataFrame({"text": ["has \x00 the separator", "x"], "n": [1.5, np.nan]}),  # pickled as is
        pd.DataFrame({"text": pd.Series([], dtype=object)}),
        pd.DataFrame({"text": ["only one"]}, dtype=object),
    ]
    for df in frames:
        back = pickle.loads(pickle.dumps(PackedFrame(df)))
        pd.testing.assert_frame_equal(back, df)
    columns, _index, n = _pack_frame(frames[0])
    assert n == 3 and [(name, type(v)) for name, v in columns] == [("text", str), ("id", str)]
    columns, _index, _n = _pack_frame(frames[1])
    assert [type(v) for _, v in columns] == [pd.Series, pd.Series]


def test_two_jobs_warm_first_chunk_inline_then_fork_gives_the_same_output(tmp_path, real_model_file):
    # --jobs 2 classifies the first chunk in the main process and forks the workers
    # afterwards (they inherit its caches); the output must not depend on it.
    src = write_calls(tmp_path / "in.csv", 900)
    out1, out2 = tmp_path / "o1.csv", tmp_path / "o2.csv"
    classify_file(real_model_file, src, out1, jobs=1, chunksize=200)
    stats = classify_file(real_model_file, src, out2, jobs=2, chunksize=200)
    assert stats["chunks"] == 5
    assert out1.read_bytes() == out2.read_bytes()


def test_the_progress_bar_starts_no_thread_so_workers_can_be_forked_after_it(tmp_path):
    import threading

    from callmine.progress import _Progress

    src = write_calls(tmp_path / "in.csv", 20)
    before = threading.active_count()
    bar = _Progress(src, "csv", "text")
    try:
        assert threading.active_count() == before
    finally:
        bar.close()


def test_parquet_input_starts_the_workers_first_and_gives_the_csv_output(tmp_path, real_model_file):
    # Parquet input keeps the workers starting before reading (Arrow may run threads);
    # the output must be the same as from the same rows in CSV.
    src = write_calls(tmp_path / "in.csv", 600)
    pq = tmp_path / "in.parquet"
    pd.read_csv(src, dtype=str, keep_default_na=False).to_parquet(pq, index=False)
    out_csv, out_pq = tmp_path / "from_csv.csv", tmp_path / "from_parquet.csv"
    classify_file(real_model_file, src, out_csv, jobs=2, chunksize=150)
    classify_file(real_model_file, pq, out_pq, jobs=2, chunksize=150)
    assert out_pq.read_bytes() == out_csv.read_bytes()
