"""Batch classification of call logs: streaming, parallel, resumable.

A year of a national hotline's calls (about 5 million transcripts) must be an
overnight job on one machine that survives crashes. This module streams the
input in chunks (memory stays flat whatever the file size), classifies the
chunks in worker processes that each load the model once, writes the results
in input order, and keeps one part file per finished chunk so that an
interrupted run continues where it stopped (the work folder and its
manifest are in :mod:`callmine.resume`).

The public functions are

* :func:`classify_frame`: add ``request_type`` and ``confidence`` to a DataFrame;
* :func:`iter_classified`: stream a call-log file as classified chunks;
* :func:`classify_file`: the whole job behind ``callmine classify``.

The model calls themselves (each distinct transcript once, bounded batches,
the :class:`~callmine.prediction.PredictionCache`) are in
:mod:`callmine.prediction`, the progress bar and the summary of a job in
:mod:`callmine.progress`; :func:`predict_texts` and :func:`format_summary`
stay importable from here.

:func:`callmine.distributed.classify_dask` does the same for a dask DataFrame,
and ``classify_file(..., scheduler=ADDRESS)`` runs the file job on a Dask
cluster.

Examples
--------
>>> import pandas as pd
>>> class Keyword:  # any object with predict_with_confidence works
...     def predict_with_confidence(self, texts):
...         import numpy as np
...         labels = np.array(["passport" if "паспорт" in t else "other" for t in texts], dtype=object)
...         return labels, np.where(labels == "other", 0.5, 0.9)
>>> df = pd.DataFrame({"text": ["Где мой паспорт?", "Сәлеметсіз бе"]})
>>> classify_frame(Keyword(), df)[["request_type", "confidence"]].to_dict("list")
{'request_type': ['passport', 'other'], 'confidence': [0.9, 0.5]}
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections import Counter, deque
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd

from callmine.errors import CallmineError, DataError, ModelError
# Calling the model (deduplicated, batched, cached) lives in callmine.prediction; names stay importable here.
from callmine.prediction import (  # noqa: F401
    MAX_BATCH_CHARS,
    PredictionCache,
    _call_batches,
    _call_model,
    _predict_cached,
    predict_texts,
)
# The progress bar and the summary of a job live in callmine.progress; names stay importable here.
from callmine.progress import _count_records, _Progress, format_summary  # noqa: F401
# The work folder of a resumable run; these names were defined here before and stay importable.
from callmine.resume import (  # noqa: F401
    MANIFEST,
    _FINGERPRINT_BYTES,
    _MANIFEST_LABELS,
    _PART_NAME,
    _PartStore,
    _atomic_write,
    _concat_parquet,
    _file_fingerprint,
    _finalize,
    _manifest,
    _model_fingerprint,
    _open_store,
    _write_text_table,
)

OUTPUT_COLUMNS = ("request_type", "confidence")
DEFAULT_CHUNKSIZE = 50_000


# ---------------------------------------------------------------------------
# Classifying a DataFrame
# ---------------------------------------------------------------------------

def load(model: Any) -> Any:
    """Return ``model`` itself, or the model stored at ``model`` when it is a path.

    A path is loaded with :func:`callmine.persist.load_predictor`: a ``fast``
    model predicts without importing scikit-learn (same results).
    """
    if isinstance(model, (str, os.PathLike)):
        from callmine.persist import load_predictor

        return load_predictor(model)
    if not hasattr(model, "predict_with_confidence"):
        raise ModelError(f"model must be a model file or an object with predict_with_confidence(); "
                         f"got {type(model).__name__}")
    return model


#: Allocations between two collections of young objects while a job runs (Python's default: 700).
GC_YOUNG_THRESHOLD = 50_000


@contextlib.contextmanager
def fewer_gc_passes():
    """Run the cyclic garbage collector less often inside the block (thresholds restored after).

    Classifying allocates millions of short-lived lists and strings and
    almost no reference cycles; with Python's default the collector runs
    every 700 allocations and costs about 6% of a job's CPU time.
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], GC_YOUNG_THRESHOLD), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _output_frame(df: pd.DataFrame, labels: np.ndarray, conf: np.ndarray) -> pd.DataFrame:
    """``df`` plus ``request_type`` and ``confidence``; input columns of those names get ``_input``."""
    out = df.copy(deep=False)
    clash = [c for c in OUTPUT_COLUMNS if c in out.columns]
    if clash:
        renamed = {c: f"{c}_input" for c in clash}
        taken = [v for v in renamed.values() if v in out.columns]
        if taken:
            raise DataError(f"the input has columns {clash + taken!r}; rename {clash[0]!r} so that "
                            f"{OUTPUT_COLUMNS!r} can be added")
        out = out.rename(columns=renamed)
    out["request_type"] = pd.Series(labels, index=out.index, dtype=object)
    out["confidence"] = pd.Series(conf, index=out.index, dtype="float64")
    return out


def classify_frame(model: Any, df: pd.DataFrame, text_col: str = "text", *,
                   dedupe: bool = True) -> pd.DataFrame:
    """Classify every row of ``df``.

    Parameters
    ----------
    model : object or path
        A fitted :class:`callmine.classify.RequestTypeClassifier` (or any
        object with ``predict_with_confidence(texts) -> (labels, confidence)``),
        or the path of a model file written by ``callmine train``.
    df : pandas.DataFrame
        Calls, one per row.
    text_col : str, default="text"
        Column holding the raw transcript (the model redacts personal data).
    dedupe : bool, default=True
        Classify each distinct transcript once.

    Returns
    -------
    pandas.DataFrame
        ``df``'s columns (same index) plus ``request_type`` (str) and
        ``confidence`` (0..1). Rows whose text is missing or blank get
        ``request_type`` = None and ``confidence`` = NaN. Input columns
        already named ``request_type`` or ``confidence`` are kept as
        ``request_type_input`` / ``confidence_input``.

    Raises
    ------
    DataError
        ``text_col`` is not a column of ``df``.
    """
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"df must be a pandas DataFrame; got {type(df).__name__}")
    if text_col not in df.columns:
        raise DataError(f"no text column {text_col!r}; columns found: "
                        f"{', '.join(map(repr, df.columns)) or '(none)'}")
    model = load(model)
    text = df[text_col]
    usable = (text.notna() & text.astype("string").str.strip().ne("")).to_numpy(dtype=bool)
    labels = np.full(len(df), None, dtype=object)
    conf = np.full(len(df), np.nan)
    if usable.all():
        labels, conf = predict_texts(model, text.to_numpy(dtype=object), dedupe=dedupe)
    elif usable.any():
        labels[usable], conf[usable] = predict_texts(model, text.to_numpy(dtype=object)[usable],
                                                     dedupe=dedupe)
    return _output_frame(df, labels, conf)


# ---------------------------------------------------------------------------
# Streaming a file
# ---------------------------------------------------------------------------

@dataclass
class ClassifiedChunk:
    """A classified block of consecutive input rows (see :class:`callmine.io.Chunk`).

    ``rows`` holds the input columns plus ``request_type`` and ``confidence``,
    indexed by 0-based input position; ``rejects`` has columns ``row`` and
    ``reason``; ``start`` is the position of the block's first input row and
    ``n_input`` the number of input rows it covers.
    """

    rows: pd.DataFrame
    rejects: pd.DataFrame
    start: int
    n_input: int


def _check_jobs(jobs: Any) -> int:
    if isinstance(jobs, bool) or not isinstance(jobs, (int, np.integer)) or jobs < 1:
        raise CallmineError(f"jobs must be a positive integer (worker processes); got {jobs!r}")
    return int(jobs)


def _check_chunksize(chunksize: Any) -> int:
    if isinstance(chunksize, bool) or not isinstance(chunksize, (int, np.integer)) or chunksize < 1:
        raise CallmineError(f"chunksize must be a positive integer (rows per chunk); got {chunksize!r}")
    return int(chunksize)


def iter_classified(model: Any, path: str | os.PathLike, *, text_col: str = "text",
                    encoding: str | None = None, chunksize: int = DEFAULT_CHUNKSIZE,
                    jobs: int = 1, dedupe: bool = True) -> Iterator[ClassifiedChunk]:
    """Stream a call-log file as classified chunks, in input order.

    Parameters
    ----------
    model : object or path
        Model object or model file (see :func:`classify_frame`). With
        ``jobs > 1`` a path is loaded once in each worker process.
    path : str or path-like
        ``.csv``, ``.csv.gz``, ``.tsv``, ``.jsonl`` or ``.parquet`` call log.
    text_col, encoding :
        As in :func:`callmine.io.iter_calls`.
    chunksize : int, default=50000
        Input rows per chunk.
    jobs : int, default=1
        Worker processes; 1 classifies in this process.
    dedupe : bool, default=True
        Classify each distinct transcript of a chunk once.

    Yields
    ------
    ClassifiedChunk
    """
    from callmine.distributed import predict_task, runner
    from callmine.io import iter_calls

    jobs = _check_jobs(jobs)
    chunks = iter_calls(path, text_col=text_col, encoding=encoding, chunksize=_check_chunksize(chunksize))
    with fewer_gc_passes(), runner(model, jobs) as run:
        def submit(chunk):
            return chunk, run.submit(predict_task, chunk.rows[text_col].to_list(), dedupe)

        for chunk, fut in _bounded(map(submit, chunks), run.max_in_flight):
            labels, conf = fut.result()
            yield ClassifiedChunk(_output_frame(chunk.rows, labels, conf), chunk.rejects,
                                  chunk.start, chunk.n_input)


def _bounded(submitted: Iterator, limit: int) -> Iterator:
    """Consume ``submitted`` at most ``limit`` items ahead of what is yielded, keeping order."""
    pending: deque = deque()
    for item in submitted:
        pending.append(item)
        if len(pending) >= limit:
            yield pending.popleft()
    while pending:
        yield pending.popleft()


# ---------------------------------------------------------------------------
# The whole job
# ---------------------------------------------------------------------------

def _after_chunk(idx: int) -> None:
    """Called in the main process after chunk ``idx`` is finished (a hook for crash tests)."""


def rejects_path_for(output: str | os.PathLike) -> Path:
    """Path of the rejects file written next to ``output``: ``OUTPUT.rejects.csv``."""
    output = Path(output)
    return output.with_name(output.name + ".rejects.csv")


def classify_file(model: Any, input: str | os.PathLike, output: str | os.PathLike, *,
                  text_col: str = "text", encoding: str | None = None, jobs: int = 1,
                  chunksize: int = DEFAULT_CHUNKSIZE, resume: bool = False,
                  scheduler: str | None = None, dedupe: bool = True, redact_text: bool = False,
                  progress: bool | Callable[[dict], None] = False) -> dict:
    """Classify a call-log file into ``output`` (the job behind ``callmine classify``).

    Writes every readable input row that has text, in input order, with the
    input columns plus ``request_type`` and ``confidence``; rows that cannot
    be read or have no text go to ``OUTPUT.rejects.csv`` (``row`` = 0-based
    input position, ``reason``). The input is streamed in chunks of
    ``chunksize`` rows; each finished chunk is kept in ``OUTPUT.partial/``
    until the end, when the parts are joined into a temporary file renamed
    to ``output`` (so a half-written file never appears under that name).

    Parameters
    ----------
    model : path or object
        Model file written by ``callmine train``, or a fitted model object
        (anything with ``predict_with_confidence``).
    input : str or path-like
        ``.csv``, ``.csv.gz``, ``.tsv``, ``.jsonl`` or ``.parquet`` call log.
    output : str or path-like
        ``.csv``, ``.csv.gz``, ``.tsv``, ``.jsonl`` (``.gz``) or ``.parquet``.
    text_col : str, default="text"
        Transcript column.
    encoding : str, optional
        Force the encoding of a text input; detected when omitted.
    jobs : int, default=1
        Worker processes; each loads the model once. Ignored with ``scheduler``.
    chunksize : int, default=50000
        Input rows per chunk (memory grows with ``chunksize * (jobs + 1)``).
    resume : bool, default=False
        Continue an interrupted run from its last finished chunk. The final
        output is identical to that of an uninterrupted run. Refused (with
        :class:`CallmineError`) if the input, the model or the settings
        changed. Without ``resume`` an earlier work folder is discarded.
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://host:8786``): chunks are
        classified on that cluster (needs ``callmine[dask]``). The input is
        read and the output written here, so workers need no shared disk.
    dedupe : bool, default=True
        Classify each distinct transcript of a chunk once.
    redact_text : bool, default=False
        Write the transcript column with personal data replaced by
        placeholders (``<IIN>``, ``<PHONE>``, ...), so the output can be
        shared; the model sees the same text either way.
    progress : bool or callable, default=False
        True shows a progress bar on stderr; a callable is called with the
        running totals after each chunk.

    Returns
    -------
    dict
        ``rows_read``, ``rows_written``, ``rows_rejected``, ``request_types``
        (calls per type, most frequent first), ``chunks``, ``chunks_resumed``,
        ``seconds``, ``rows_per_s``, ``output``, ``rejects``.
    """
    from callmine.distributed import Done, PackedFrame, chunk_task, runner
    from callmine.io import detect_encoding, file_format, iter_calls
    from callmine.writers import make_folder

    t0 = time.perf_counter()
    jobs = _check_jobs(jobs)
    chunksize = _check_chunksize(chunksize)
    input, output = Path(input), Path(output)
    if not input.is_file():
        raise DataError(f"{input}: no such file")
    fmt = file_format(output)
    in_fmt = file_format(input)
    if output.resolve() == input.resolve():
        raise CallmineError(f"output {str(output)!r} is the input file; choose another name")
    if output.is_dir():
        raise CallmineError(f"output {str(output)!r} is a folder; give a file name such as "
                            f"{str(output / 'classified.csv')!r}")
    make_folder(output.parent)
    if in_fmt != "parquet" and encoding is None:
        encoding = detect_encoding(input)
    chunks = iter_calls(input, text_col=text_col, encoding=encoding, chunksize=chunksize)
    manifest = _manifest(input, output, model, chunksize=chunksize, text_col=text_col, encoding=encoding,
                         fmt=fmt, dedupe=dedupe, redact_text=redact_text)
    totals = {"rows_read": 0, "rows_written": 0, "rows_rejected": 0, "chunks": 0, "chunks_resumed": 0}
    counts: Counter = Counter()
    columns: list[str] | None = None
    bar = None
    # The workers start before this process reads (Arrow may run reader threads), or,
    # for CSV/JSONL, after it classified the first chunk (they inherit its caches).
    with fewer_gc_passes(), runner(model, jobs, scheduler, warm_first=in_fmt != "parquet") as run:
        first = next(chunks)  # fails early on a missing column, before any file is written
        store, resumed = _open_store(output, manifest, resume)

        def submit(item):
            idx, chunk = item
            stats = store.done_stats(idx) if resumed else None
            if stats is not None:
                if stats["start"] != chunk.start or stats["n_input"] != chunk.n_input:
                    raise CallmineError(f"cannot resume into {output}: chunk {idx} of the input differs "
                                        f"from the interrupted run; delete {store.folder} to start over")
                return idx, None, Done(dict(stats, resumed=True))
            rows = chunk.rows if bar is not None else None
            if run.remote:
                return idx, rows, run.submit_chunk(store, idx, chunk, text_col, dedupe)
            fut = run.submit(chunk_task, store, idx, PackedFrame(chunk.rows), chunk.rejects, chunk.start,
                             chunk.n_input, text_col, dedupe)
            return idx, rows, fut

        try:
            bar = _Progress(input, in_fmt, text_col) if progress is True else None
            for idx, rows, fut in _bounded(map(submit, enumerate(chain([first], chunks))),
                                           run.max_in_flight):
                stats = fut.result()
                totals["chunks"] += 1
                totals["chunks_resumed"] += bool(stats.get("resumed"))
                totals["rows_read"] += stats["n_input"]
                totals["rows_written"] += stats["written"]
                totals["rows_rejected"] += stats["rejected"]
                counts.update(stats["counts"])
                if columns is None:
                    columns = stats["columns"]
                if bar is not None:
                    bar.update(stats["n_input"], rows)
                elif callable(progress):
                    progress(dict(totals))
                _after_chunk(idx)
        finally:
            if bar is not None:
                bar.close()
    rejects_out = rejects_path_for(output)
    _finalize(store, totals["chunks"], columns or [], output, rejects_out)
    seconds = time.perf_counter() - t0
    return {
        **totals,
        "request_types": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        "seconds": round(seconds, 3),
        "rows_per_s": round(totals["rows_read"] / seconds, 1) if seconds > 0 else None,
        "jobs": jobs if scheduler is None else None,
        "scheduler": scheduler,
        "output": str(output),
        "rejects": str(rejects_out),
        "resumed": resumed,
    }
