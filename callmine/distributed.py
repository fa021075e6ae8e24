"""Where batch classification runs: this process, worker processes, or a Dask cluster.

:mod:`callmine.batch` reads the input and writes the output; the chunks in
between are classified by a *runner*:

* ``jobs=1``: in this process;
* ``jobs=N``: ``N`` worker processes (``concurrent.futures``): on Linux
  forked from this process once it has loaded the model (so they share its
  memory and start at once), elsewhere each loading the model file once; a
  worker classifies a chunk and writes its part file;
* ``scheduler=ADDRESS``: a Dask cluster (optional extra ``callmine[dask]``),
  with the model sent to every worker once. The file is read and the output
  written on the machine that runs the job, so the workers need no shared
  disk, and resuming, rejects and input order work as in a local run.

:func:`classify_dask` classifies a ``dask.dataframe.DataFrame`` directly.
Every runner gives the file job byte-identical output: the chunks, and the
model calls inside them, are the same whoever classifies them.

Examples
--------
>>> from dask.distributed import Client, LocalCluster            # doctest: +SKIP
>>> import dask.dataframe as dd                                  # doctest: +SKIP
>>> with LocalCluster(n_workers=2) as cluster, Client(cluster):  # doctest: +SKIP
...     ddf = dd.read_parquet("calls/*.parquet")
...     out = classify_dask("models/default.joblib", ddf).compute()
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable

import numpy as np
import pandas as pd

from callmine.batch import _output_frame, classify_frame, load
from callmine.errors import CallmineError, DataError, MissingExtraError, ModelError
from callmine.prediction import PredictionCache, predict_texts


class Done:
    """A finished result with the ``Future.result()`` interface."""

    def __init__(self, value: Any):
        self._value = value

    def result(self) -> Any:
        return self._value


# ---------------------------------------------------------------------------
# This process and local worker processes
# ---------------------------------------------------------------------------

_SEP = "\x00"


class PackedFrame:
    """A chunk's rows on their way to a worker process: each text column travels as one string.

    Pickling a 50,000-row frame of text columns value by value costs the
    reading process about as much CPU as parsing it; joined into one string
    per column it costs a tenth. Columns that are not all ``str`` (or hold
    the separator) are pickled as they are. The worker gets back an equal
    frame (same values, dtypes, index).
    """

    __slots__ = ("frame",)

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def __reduce__(self):
        return (_unpack_frame, (_pack_frame(self.frame),))


def _pack_frame(df: pd.DataFrame):
    if df.columns.has_duplicates:
        return df
    cols = []
    for name in df.columns:
        s = df[name]
        if s.dtype == object:
            vals = s.tolist()
            if set(map(type, vals)) <= {str}:
                joined = _SEP.join(vals)
                if joined.count(_SEP) == max(len(vals) - 1, 0):
                    cols.append((name, joined))
                    continue
        cols.append((name, s.reset_index(drop=True)))
    return (cols, df.index, len(df))


def _unpack_frame(packed) -> pd.DataFrame:
    if isinstance(packed, pd.DataFrame):
        return packed
    cols, index, n = packed
    data = {}
    for name, v in cols:
        if isinstance(v, str):
            arr = np.empty(n, dtype=object)
            if n:
                arr[:] = v.split(_SEP)
            v = pd.Series(arr, dtype=object, copy=False)
        data[name] = v
    frame = pd.DataFrame(data, copy=False) if data else pd.DataFrame(index=range(n))
    frame.index = index
    return frame


_WORKER: dict[str, Any] = {"model": None, "error": None, "cache": None}


def _init_worker(model_source: Any) -> None:
    import gc

    from callmine.batch import GC_YOUNG_THRESHOLD

    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])  # a worker process: see fewer_gc_passes
    _WORKER["cache"] = PredictionCache()  # this worker's predictions, kept across its chunks
    try:
        _WORKER["model"] = load(model_source)
    except BaseException as exc:  # reported by the first task, with its message
        _WORKER["error"] = exc


def _worker_model() -> Any:
    if _WORKER["error"] is not None:
        exc = _WORKER["error"]
        if isinstance(exc, CallmineError):
            raise exc
        raise ModelError(f"a worker could not load the model: {type(exc).__name__}: {exc}")
    return _WORKER["model"]


def predict_task(texts: list, dedupe: bool) -> tuple[np.ndarray, np.ndarray]:
    """Task: classify ``texts`` with this worker's model."""
    return predict_texts(_worker_model(), texts, dedupe=dedupe, cache=_WORKER["cache"])


def chunk_task(store, idx: int, rows: pd.DataFrame, rejects: pd.DataFrame, start: int,
               n_input: int, text_col: str, dedupe: bool) -> dict:
    """Task: classify chunk ``idx`` and write its part files to ``store``; returns its stats."""
    if isinstance(rows, PackedFrame):
        rows = rows.frame
    labels, conf = predict_texts(_worker_model(), rows[text_col].to_numpy(dtype=object), dedupe=dedupe,
                                 cache=_WORKER["cache"])
    return store.write_chunk(idx, _output_frame(rows, labels, conf), rejects, start, n_input)


class InlineRunner:
    """Classify in this process (``jobs=1``)."""

    max_in_flight = 1
    remote = False

    def __init__(self, model: Any):
        self._saved = dict(_WORKER)
        _WORKER.update(model=load(model), error=None, cache=PredictionCache())

    def submit(self, fn: Callable, *args) -> Done:
        return Done(fn(*args))

    def close(self, error: bool = False) -> None:
        _WORKER.update(self._saved)


class _PoolFuture:
    def __init__(self, future):
        self.future = future

    def result(self) -> Any:
        try:
            return self.future.result()
        except BrokenProcessPool:
            raise CallmineError("a worker process died (out of memory or killed); the finished chunks "
                                "are kept: rerun with --resume (resume=True) to continue") from None


def _start_method() -> str:
    """``fork`` on Linux: the workers inherit the model loaded once here (no
    second import or load; its memory pages are shared). Elsewhere
    ``forkserver`` or ``spawn``, and each worker loads the model itself."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _noop() -> None:
    return None


class PoolRunner:
    """``jobs`` worker processes, each with the model loaded once.

    With ``warm_first`` (and ``fork``), the first task runs in this process
    and the workers are forked after it: they inherit the caches it filled
    (text pipeline, unseen words' character n-grams) instead of each
    building them again from nothing. Only for callers that start no
    threads before the second task (the CSV/JSONL reader).
    """

    remote = False

    def __init__(self, model: Any, jobs: int, warm_first: bool = False):
        method = _start_method()
        if method == "fork":
            model = load(model)
        elif isinstance(model, os.PathLike):
            model = os.fspath(model)
        elif not isinstance(model, str):
            load(model)  # check the object here rather than in every worker
        self._start_args = (model, jobs, method)
        self.pool = None
        self._inline = warm_first and method == "fork"
        # Keep every worker busy while the next chunk is read, without
        # holding more of the file in memory than that.
        self.max_in_flight = jobs + 1
        if not self._inline:
            self._start()

    def _start(self) -> None:
        model, jobs, method = self._start_args
        ctx = multiprocessing.get_context(method)
        self.pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx,
                                        initializer=_init_worker, initargs=(model,))
        # Start the workers now, while this process runs no other threads
        # (progress bar, Arrow readers): forking is safe at this point. The objects
        # loaded so far (the model) are frozen for the garbage collector while the
        # workers fork, so that a collection in a worker does not copy their pages.
        import gc

        gc.freeze()
        try:
            futures = [self.pool.submit(_noop) for _ in range(jobs)]
            for fut in futures:
                fut.result()
        except BaseException:
            self.pool.shutdown(wait=True, cancel_futures=True)
            raise
        finally:
            gc.unfreeze()

    def submit(self, fn: Callable, *args) -> _PoolFuture | Done:
        if self._inline:
            self._inline = False
            saved = dict(_WORKER)
            _WORKER.update(model=self._start_args[0], error=None, cache=PredictionCache())
            try:
                return Done(fn(*args))
            finally:
                _WORKER.update(saved)
        if self.pool is None:
            self._start()
        return _PoolFuture(self.pool.submit(fn, *args))

    def close(self, error: bool = False) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=error)


# ---------------------------------------------------------------------------
# Dask
# ---------------------------------------------------------------------------

def _import_distributed(feature: str):
    try:
        import dask.distributed as distributed
    except ImportError:
        raise MissingExtraError("dask[distributed]", "dask", feature) from None
    return distributed


def _import_dataframe(feature: str):
    try:
        import dask
        import dask.dataframe as dd
    except ImportError:
        raise MissingExtraError("dask[dataframe]", "dask", feature) from None
    return dask, dd


def _classify_partition(part: pd.DataFrame, model: Any, text_col: str, dedupe: bool) -> pd.DataFrame:
    return classify_frame(model, part, text_col, dedupe=dedupe)


def classify_dask(model: Any, ddf, text_col: str = "text", *, dedupe: bool = True):
    """Classify a dask DataFrame; lazy, like any dask operation.

    Parameters
    ----------
    model : object or path
        Fitted model or model file (loaded here, then sent to the workers once).
    ddf : dask.dataframe.DataFrame
        Calls, one per row.
    text_col : str, default="text"
        Transcript column.
    dedupe : bool, default=True
        Classify each distinct transcript of a partition once.

    Returns
    -------
    dask.dataframe.DataFrame
        ``ddf``'s columns plus ``request_type`` and ``confidence``, as
        :func:`callmine.batch.classify_frame` gives for each partition (rows
        with blank text get ``request_type`` None and ``confidence`` NaN).

    Raises
    ------
    MissingExtraError
        dask is not installed (``pip install 'callmine[dask]'``).
    DataError
        ``text_col`` is not a column of ``ddf``.
    """
    dask, dd = _import_dataframe("classify_dask")
    if not isinstance(ddf, dd.DataFrame):
        raise DataError(f"ddf must be a dask DataFrame; got {type(ddf).__name__} "
                        "(use callmine.batch.classify_frame for pandas)")
    if text_col not in ddf.columns:
        raise DataError(f"no text column {text_col!r}; columns found: "
                        f"{', '.join(map(repr, ddf.columns)) or '(none)'}")
    model = load(model)
    meta = _output_frame(ddf._meta, np.empty(0, dtype=object), np.empty(0, dtype=float))
    model_key = dask.delayed(model, pure=True, traverse=False)
    return ddf.map_partitions(_classify_partition, model_key, text_col, dedupe, meta=meta)


class _Remote:
    """A cluster future whose result is written to the local part store."""

    def __init__(self, future, store, idx: int, chunk):
        self.future, self.store, self.idx, self.chunk = future, store, idx, chunk

    def result(self) -> dict:
        labels, conf = self.future.result()
        chunk = self.chunk
        out = _output_frame(chunk.rows, labels, conf)
        return self.store.write_chunk(self.idx, out, chunk.rejects, chunk.start, chunk.n_input)


class DaskRunner:
    """Classify chunks on the Dask cluster at ``address``; the model is scattered once."""

    remote = True

    def __init__(self, model: Any, address: str):
        distributed = _import_distributed("--scheduler (classifying on a Dask cluster)")
        if not isinstance(address, str) or not address.strip():
            raise CallmineError(f"scheduler must be a Dask scheduler address such as "
                                f"'tcp://10.0.0.5:8786'; got {address!r}")
        model = load(model)
        try:
            self.client = distributed.Client(address, timeout="20s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise CallmineError(f"cannot connect to the Dask scheduler at {address!r}: {exc}") from None
        try:
            self.model = self.client.scatter(model, broadcast=True, hash=False)
            threads = sum(self.client.nthreads().values()) or 1
        except BaseException:
            self.client.close()
            raise
        self.max_in_flight = threads + 1

    def submit_chunk(self, store, idx: int, chunk, text_col: str, dedupe: bool) -> _Remote:
        texts = chunk.rows[text_col].to_list()
        fut = self.client.submit(predict_texts, self.model, texts, dedupe=dedupe, pure=False)
        return _Remote(fut, store, idx, chunk)

    def close(self, error: bool = False) -> None:
        self.client.close()


class runner:
    """Context manager giving the runner for ``jobs`` / ``scheduler``; closes it on exit."""

    def __init__(self, model: Any, jobs: int = 1, scheduler: str | None = None, warm_first: bool = False):
        self.args = (model, jobs, scheduler, warm_first)
        self.runner = None

    def __enter__(self):
        model, jobs, scheduler, warm_first = self.args
        if scheduler is not None:
            self.runner = DaskRunner(model, scheduler)
        elif jobs == 1:
            self.runner = InlineRunner(model)
        else:
            self.runner = PoolRunner(model, jobs, warm_first=warm_first)
        return self.runner

    def __exit__(self, exc_type, exc, tb):
        if self.runner is not None:
            self.runner.close(error=exc_type is not None)
        return False


__all__ = ["classify_dask"]
