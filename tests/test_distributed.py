"""Specification of callmine.distributed: the same classification on a Dask cluster."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from callmine.batch import classify_file, classify_frame
from callmine.errors import CallmineError, DataError, MissingExtraError

from test_batch import KeywordModel, _texts, real_model, real_model_file, write_calls  # noqa: F401

dd = pytest.importorskip("dask.dataframe", reason="needs the dask extra")
distributed = pytest.importorskip("dask.distributed", reason="needs the dask extra")

from callmine.distributed import classify_dask  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    """One in-process worker with two threads on 127.0.0.1 (fast to start)."""
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as cl:
        yield cl


def test_classify_dask_matches_classify_frame(cluster):
    df = pd.DataFrame({"call_id": [f"c{i}" for i in range(40)], "text": _texts(40)})
    df.loc[5, "text"] = "  "
    with distributed.Client(cluster) as client:
        ddf = dd.from_pandas(df, npartitions=4)
        out = classify_dask(KeywordModel(), ddf)
        assert list(out.columns) == ["call_id", "text", "request_type", "confidence"]
        got = client.compute(out).result()
    pd.testing.assert_frame_equal(got, classify_frame(KeywordModel(), df), check_dtype=False)


def test_classify_dask_names_a_missing_text_column():
    ddf = dd.from_pandas(pd.DataFrame({"text": ["паспорт"]}), npartitions=1)
    with pytest.raises(DataError, match=r"no text column 'body'; columns found: 'text'"):
        classify_dask(KeywordModel(), ddf, text_col="body")


def test_classify_dask_wants_a_dask_dataframe():
    with pytest.raises(DataError, match="must be a dask DataFrame; got DataFrame"):
        classify_dask(KeywordModel(), pd.DataFrame({"text": ["x"]}))


def test_a_file_job_on_the_cluster_equals_the_local_run(tmp_path, cluster):
    src = write_calls(tmp_path / "calls.csv", 50, blank_every=11)
    local = classify_file(KeywordModel(), src, tmp_path / "local.csv", chunksize=7)
    remote = classify_file(KeywordModel(), src, tmp_path / "remote.csv", chunksize=7,
                           scheduler=cluster.scheduler_address)
    assert (tmp_path / "remote.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()
    assert (tmp_path / "remote.csv.rejects.csv").read_bytes() == (tmp_path / "local.csv.rejects.csv").read_bytes()
    assert remote["request_types"] == local["request_types"]
    assert remote["scheduler"] == cluster.scheduler_address


@pytest.mark.filterwarnings("ignore:Port 8787 is already in use")
def test_cluster_with_worker_processes_and_the_cli(tmp_path, real_model_file, capsys):
    """A real model file, sent to worker processes by serialisation; --scheduler in the CLI."""
    from callmine.cli import main
    from callmine.synth import generate_calls

    src = tmp_path / "calls.csv"
    generate_calls(120, seed=7).to_csv(src, index=False)
    classify_file(real_model_file, src, tmp_path / "local.parquet", chunksize=25)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cl:
        code = main(["classify", str(real_model_file), str(src), "-o", str(tmp_path / "remote.parquet"),
                     "--chunk-size", "25", "--scheduler", cl.scheduler_address])
    assert code == 0, capsys.readouterr().err
    assert "rows read 120, written 120, rejected 0" in capsys.readouterr().err
    assert (tmp_path / "remote.parquet").read_bytes() == (tmp_path / "local.parquet").read_bytes()


def test_without_dask_the_error_names_the_extra(tmp_path, monkeypatch):
    src = write_calls(tmp_path / "calls.csv", 5)
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails
    with pytest.raises(MissingExtraError, match=r"pip install 'callmine\[dask\]'"):
        classify_file(KeywordModel(), src, tmp_path / "out.csv", scheduler="tcp://127.0.0.1:1")


def test_an_empty_scheduler_address_is_refused(tmp_path):
    src = write_calls(tmp_path / "calls.csv", 5)
    with pytest.raises(CallmineError, match="scheduler must be a Dask scheduler address"):
        classify_file(KeywordModel(), src, tmp_path / "out.csv", scheduler=" ")
