"""The work folder of a resumable batch job: ``OUTPUT.partial/``.

:func:`callmine.batch.classify_file` keeps one set of part files per finished
chunk in a folder next to the output, so that an interrupted run can continue
where it stopped and still give the output of an uninterrupted run:

* ``manifest.json``: what a resume must match (input fingerprint, model
  fingerprint, chunk size, text column, encoding, output format, dedupe);
* ``data-NNNNNN.*``: the classified rows of chunk ``NNNNNN`` (no header), in
  the output format;
* ``rejects-NNNNNN.csv``: its rejected rows (``row,reason``, no header);
* ``done-NNNNNN.json``: written last, marks the chunk finished and holds its
  counts.

Every file is written to a temporary name, fsynced and renamed. At the end
:func:`_finalize` joins the parts, in chunk order, into the output and
``OUTPUT.rejects.csv`` (again through temporary files) and removes the
folder. These helpers are internal to :mod:`callmine.batch` and
:mod:`callmine.distributed` (whose workers write the part files).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from callmine import __version__
from callmine.errors import CallmineError, ModelError
from callmine.io import atomic_path

MANIFEST = "manifest.json"
_FINGERPRINT_BYTES = 1 << 20  # hash the first and last MiB of the input
_PART_NAME = re.compile(r"^(data-\d{6}\..+|rejects-\d{6}\.csv|done-\d{6}\.json|manifest\.json|\..*\.tmp)$")


# ---------------------------------------------------------------------------
# Part files: one per finished chunk, so that a run can be resumed
# ---------------------------------------------------------------------------

def _atomic_write(path: Path, write: Callable[[Any], None]) -> None:
    """Write ``path`` through ``write(binary_file)``: temporary file, fsync, rename."""
    with atomic_path(path, fsync=True) as tmp, open(tmp, "wb") as fh:
        write(fh)


def _write_text_table(df: pd.DataFrame, fh, fmt: str, header: bool) -> None:
    if fmt in ("csv", "tsv"):
        sep = "," if fmt == "csv" else "\t"
        text = None if header else csv_rows(df, sep)
        if text is not None:
            fh.write(text.encode("utf-8"))
        else:
            df.to_csv(fh, sep=sep, index=False, header=header, encoding="utf-8")
    else:  # jsonl
        if len(df):
            text = df.to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
            fh.write(text.encode("utf-8"))
            if not text.endswith("\n"):
                fh.write(b"\n")


def _quotes(char: str) -> bool:
    """Does the csv module (which pandas.to_csv uses) quote a field holding ``char``?"""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(["a" + char, "b"])
    return buf.getvalue().startswith('"')


# Characters that make csv.writer(lineterminator="\n") quote a field, besides the
# delimiter and the quote itself (Python versions differ on "\r").
_QUOTE_TRIGGERS = tuple(c for c in "\n\r" if _quotes(c))


def csv_rows(df: pd.DataFrame, sep: str = ",") -> str | None:
    """The rows of ``df`` as ``df.to_csv(sep=sep, index=False, header=False)`` writes them, faster.

    For frames of text columns (object dtype holding str, None or NaN) and
    float columns, the frames a CSV or TSV input gives: the same characters
    as pandas (minimal quoting with doubled quotes, ``""`` for missing values,
    floats as ``numpy.astype(str)``, ``"\n"`` line ends), about three times
    faster. Returns None for other frames (write those with pandas).
    """
    n_rows, n_cols = df.shape
    if n_cols < 2 or n_rows == 0:
        return None
    triggers = (sep, '"') + _QUOTE_TRIGGERS
    cols = []
    for j in range(n_cols):
        v = df.iloc[:, j].to_numpy()
        if v.dtype == object:
            vals = v.tolist()
            if not all(type(x) is str for x in vals):
                mask = pd.isna(v)
                if not all(type(x) is str or m for x, m in zip(vals, mask.tolist())):
                    return None  # numbers, dates, ... inside a text column: pandas formats them
                vals = ["" if m else x for x, m in zip(vals, mask.tolist())]
        elif v.dtype.kind == "f":
            mask = np.isnan(v)
            vals = _float_strings(v)
            if mask.any():
                vals = ["" if m else x for x, m in zip(vals, mask.tolist())]
        else:
            return None
        joined = "".join(vals)
        if any(t in joined for t in triggers):
            if len(triggers) == 3:
                a, b, c = triggers
                vals = [('"' + x.replace('"', '""') + '"') if (a in x or b in x or c in x) else x
                        for x in vals]
            else:
                vals = [('"' + x.replace('"', '""') + '"') if any(t in x for t in triggers) else x
                        for x in vals]
        cols.append(vals)
    return "\n".join(map(sep.join, zip(*cols))) + "\n"


def _float_strings(v: np.ndarray) -> list[str]:
    """``v.astype(str)`` as a list (what pandas writes for floats); ``repr`` when it is the same, faster."""
    if v.dtype == np.float64:
        sample = v[:: max(1, len(v) // 256)]
        if sample.astype(str).tolist() == list(map(repr, sample.tolist())):
            return list(map(repr, v.tolist()))
    return v.astype(str).tolist()


@dataclass
class _PartStore:
    """The work folder ``OUTPUT.partial/`` of a run."""

    folder: Path
    fmt: str
    gz: bool
    redact_col: str | None = None  # column whose personal data is redacted in the output

    def data_path(self, idx: int) -> Path:
        return self.folder / f"data-{idx:06d}.{'parquet' if self.fmt == 'parquet' else 'part'}"

    def rejects_path(self, idx: int) -> Path:
        return self.folder / f"rejects-{idx:06d}.csv"

    def done_path(self, idx: int) -> Path:
        return self.folder / f"done-{idx:06d}.json"

    def write_table(self, df: pd.DataFrame, path: Path, header: bool = False) -> None:
        if self.fmt == "parquet":
            _atomic_write(path, lambda fh: df.to_parquet(fh, index=False))
        elif self.gz:
            def write(fh):
                with gzip.GzipFile(filename="", fileobj=fh, mode="wb", mtime=0) as gz:
                    _write_text_table(df, gz, self.fmt, header)
            _atomic_write(path, write)
        else:
            _atomic_write(path, lambda fh: _write_text_table(df, fh, self.fmt, header))

    def write_chunk(self, idx: int, out: pd.DataFrame, rejects: pd.DataFrame,
                    start: int, n_input: int) -> dict:
        """Write a classified chunk; its ``done`` file, written last, marks it finished."""
        if self.redact_col is not None and len(out):
            from callmine.pii import redact_many

            out = out.copy()
            out[self.redact_col] = redact_many(out[self.redact_col].tolist())
        self.write_table(out, self.data_path(idx))
        _atomic_write(self.rejects_path(idx),
                      lambda fh: rejects.to_csv(fh, index=False, header=False, encoding="utf-8"))
        counts = out["request_type"].value_counts(sort=False)
        stats = {"chunk": idx, "start": int(start), "n_input": int(n_input), "written": int(len(out)),
                 "rejected": int(len(rejects)), "columns": [str(c) for c in out.columns],
                 "counts": {str(k): int(v) for k, v in counts.items()}}
        _atomic_write(self.done_path(idx), lambda fh: fh.write(json.dumps(stats).encode("utf-8")))
        return stats

    def done_stats(self, idx: int) -> dict | None:
        """Stats of chunk ``idx`` if it is finished (marker and both part files present)."""
        if not (self.data_path(idx).is_file() and self.rejects_path(idx).is_file()):
            return None
        try:
            return json.loads(self.done_path(idx).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None


# ---------------------------------------------------------------------------
# The manifest: what a resume must match
# ---------------------------------------------------------------------------

def _file_fingerprint(path: Path) -> dict:
    st = path.stat()
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        digest.update(fh.read(_FINGERPRINT_BYTES))
        if st.st_size > 2 * _FINGERPRINT_BYTES:
            fh.seek(-_FINGERPRINT_BYTES, os.SEEK_END)
            digest.update(fh.read())
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256_head_tail": digest.hexdigest()}


def _model_fingerprint(model: Any) -> str:
    if isinstance(model, (str, os.PathLike)):
        path = Path(model)
        if not path.is_file():
            raise ModelError(f"model file {str(path)!r} does not exist")
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return "file:" + digest.hexdigest()
    import joblib

    return "object:" + joblib.hash(model)


def _manifest(input: Path, output: Path, model: Any, *, chunksize: int, text_col: str,
              encoding: str | None, fmt: str, dedupe: bool, redact_text: bool = False) -> dict:
    """What a resume into ``output`` must match (written to ``OUTPUT.partial/manifest.json``)."""
    return {
        "callmine": __version__,
        "input": str(input.resolve()),
        "input_fingerprint": _file_fingerprint(input),
        "model": _model_fingerprint(model),
        "chunksize": chunksize,
        "text_col": text_col,
        "encoding": encoding,
        "format": fmt,
        "gz": str(output).lower().endswith(".gz"),
        "dedupe": bool(dedupe),
        "redact_text": bool(redact_text),
    }


_MANIFEST_LABELS = {
    "input_fingerprint": "the input file changed (size, modification time or content)",
    "model": "the model is not the same",
    "chunksize": "the chunk size differs",
    "text_col": "the text column differs",
    "encoding": "the encoding differs",
    "format": "the output format differs",
    "dedupe": "the dedupe setting differs",
    "redact_text": "the --redact-text setting differs",
}


# ---------------------------------------------------------------------------
# Opening and finishing the work folder
# ---------------------------------------------------------------------------

def _open_store(output: Path, manifest: dict, resume: bool) -> tuple[_PartStore, bool]:
    """Create (or, with ``resume``, reuse) ``OUTPUT.partial/``. Returns (store, resumed)."""
    folder = output.with_name(output.name + ".partial")
    store = _PartStore(folder, manifest["format"], manifest["gz"],
                       manifest["text_col"] if manifest.get("redact_text") else None)
    mpath = folder / MANIFEST
    if folder.exists():
        if not folder.is_dir() or any(not _PART_NAME.match(p.name) for p in folder.iterdir()):
            raise CallmineError(f"{folder} exists and is not a callmine work folder; move it away")
        if resume and mpath.exists():
            try:
                old = json.loads(mpath.read_text(encoding="utf-8"))
            except ValueError:
                old = None
            if old is not None:
                for key, what in _MANIFEST_LABELS.items():
                    if old.get(key) != manifest.get(key):
                        hint = (f"; rerun with --chunk-size {old.get(key)}" if key == "chunksize"
                                else f"; delete {folder} or run without --resume to start over")
                        raise CallmineError(f"cannot resume into {output}: {what} since the "
                                            f"interrupted run ({key}: {old.get(key)!r} then, "
                                            f"{manifest.get(key)!r} now){hint}")
                return store, True
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    _atomic_write(mpath, lambda fh: fh.write(json.dumps(manifest, indent=1).encode("utf-8")))
    return store, False


def _finalize(store: _PartStore, n_chunks: int, columns: list[str], output: Path, rejects_out: Path) -> None:
    """Concatenate the parts into ``output`` and ``rejects_out`` (temporary files, then rename)."""
    def copy_parts(fh, paths):
        for p in paths:
            with open(p, "rb") as src:
                shutil.copyfileobj(src, fh, 1 << 22)

    header_df = pd.DataFrame(columns=columns)
    rejects_tmp = output.with_name("." + rejects_out.name + ".final.tmp")
    output_tmp = output.with_name("." + output.name + ".final.tmp")

    def write_rejects(fh):
        fh.write(b"row,reason\n")
        copy_parts(fh, [store.rejects_path(i) for i in range(n_chunks)])

    def write_output(fh):
        if store.fmt == "parquet":
            _concat_parquet([store.data_path(i) for i in range(n_chunks)], fh)
            return
        if store.fmt in ("csv", "tsv"):
            if store.gz:
                with gzip.GzipFile(filename="", fileobj=fh, mode="wb", mtime=0) as gz:
                    _write_text_table(header_df, gz, store.fmt, True)
            else:
                _write_text_table(header_df, fh, store.fmt, True)
        copy_parts(fh, [store.data_path(i) for i in range(n_chunks)])

    for tmp, writer in ((rejects_tmp, write_rejects), (output_tmp, write_output)):
        with open(tmp, "wb") as fh:
            writer(fh)
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(rejects_tmp, rejects_out)
    os.replace(output_tmp, output)
    shutil.rmtree(store.folder, ignore_errors=True)


def _concat_parquet(paths: list[Path], fh) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schemas = [pq.read_schema(p).remove_metadata() for p in paths]
    schema = pa.unify_schemas(schemas, promote_options="permissive")
    with pq.ParquetWriter(fh, schema) as writer:
        for p in paths:
            table = pq.read_table(p).replace_schema_metadata(None)
            writer.write_table(table.select(schema.names).cast(schema))
