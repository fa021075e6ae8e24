"""Reading and writing call logs.

Formats are chosen by extension: ``.csv``, ``.csv.gz``, ``.tsv`` (``.tsv.gz``),
``.jsonl`` (``.jsonl.gz``) and ``.parquet``. CSV/TSV encodings UTF-8 (with or
without BOM), UTF-16 and Windows-1251 are detected, or forced with
``encoding=``.

Every reader returns rows indexed by their 0-based input position (the data
record number, header excluded; a multi-line quoted transcript is one record)
and reports rows it cannot use, with that position and a reason, instead of
dropping them:

* a CSV/TSV record with more fields than the header (``too many fields``) or
  fewer (``too few fields``);
* a record with bytes that do not decode in the file's encoding;
* a JSONL line that is not a JSON object;
* a row whose text is empty or blank.

Format and encoding detection are in :mod:`callmine.formats`, the writers
(:func:`write_table`, :func:`atomic_path`, :func:`open_text_out`) in
:mod:`callmine.writers`; their names are importable from here too.

Examples
--------
>>> import pandas as pd, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "calls.csv")
>>> _ = open(path, "w", encoding="utf-8").write("call_id,text\\n1,где моя заявка\\n2,\\n")
>>> rows, rejects = read_calls(path)
>>> rows["text"].tolist(), rejects.to_dict("records")
(['где моя заявка'], [{'row': 1, 'reason': 'empty text'}])
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from itertools import islice
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from callmine.errors import DataError
# Formats, encodings and writers live in their own modules; these names stay importable from here.
from callmine.formats import (  # noqa: F401
    _DECODE_ERRORS,
    _SAMPLE_BYTES,
    _SURROGATE,
    FORMATS,
    _check_exists,
    _detect_encoding_bytes,
    _open_binary,
    _resolve_encoding,
    detect_encoding,
    file_format,
)
from callmine.writers import (  # noqa: F401
    _chmod_like_new_file,
    atomic_path,
    open_text_out,
    write_table,
    write_table_to,
)

REJECT_COLUMNS = ["row", "reason"]
DEFAULT_CHUNKSIZE = 50_000

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class Chunk:
    """A block of consecutive input rows.

    Attributes
    ----------
    rows : pandas.DataFrame
        Usable rows, indexed by 0-based input position.
    rejects : pandas.DataFrame
        Unusable rows of this block: columns ``row`` (input position) and ``reason``.
    start : int
        Input position of the block's first row.
    n_input : int
        Number of input rows the block covers (``len(rows) + len(rejects)``).
    """

    rows: pd.DataFrame
    rejects: pd.DataFrame
    start: int
    n_input: int


# ---------------------------------------------------------------------------
# Readers: each yields (position, record dict or None, reason or None)
# ---------------------------------------------------------------------------

def _open_csv(path: Path, delimiter: str, encoding: str):
    """Open a CSV/TSV file; return (header, csv reader, raw file) after checking the header."""
    errors_at_open = _DECODE_ERRORS[0]
    raw = _open_binary(path)
    # Undecodable bytes are escaped (and counted) so that only their row is rejected.
    try:
        text = io.TextIOWrapper(raw, encoding=encoding, errors="callmine-escape", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        header = next(reader)
    except StopIteration:
        raw.close()
        raise DataError(f"{path}: the file is empty (no header row)") from None
    except UnicodeDecodeError as exc:
        raw.close()
        raise DataError(f"{path}: cannot be decoded as {encoding} ({exc.reason}); "
                        "pass --encoding to choose another") from None
    except csv.Error as exc:
        raw.close()
        raise DataError(f"{path}: malformed header row: {exc}") from None
    header = [h.strip() for h in header]
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    if any(_SURROGATE.search(h) for h in header):
        raw.close()
        raise DataError(f"{path}: the header row cannot be decoded as {encoding}; "
                        "pass --encoding to choose another")
    return header, reader, raw, errors_at_open


class _Malformed(list):
    """Stands in a chunk for a record the csv module could not parse."""

    def __init__(self, reason: str):
        super().__init__()
        self.reason = reason


def _take_records(reader, n: int) -> list[list[str]]:
    """Up to ``n`` records of a csv reader, a :class:`_Malformed` in place of each parse error."""
    out: list[list[str]] = []
    while len(out) < n:
        try:
            out.extend(islice(reader, n - len(out)))  # records read before an error are kept
        except csv.Error as exc:
            out.append(_Malformed(f"malformed record: {exc}"))
            continue
        break  # n records, or the end of the file
    return out


def _csv_chunks(reader, raw, columns: list[str], text_col: str, chunksize: int,
                errors_at_open: int) -> Iterator[Chunk]:
    """Cut a csv reader into chunks of ``chunksize`` records.

    The records of a chunk are taken with ``islice``; a chunk is checked
    record by record only when its field counts differ from the header's or
    when the file has had undecodable bytes.
    """
    n = len(columns)
    start = 0
    try:
        while True:
            buf: list[list[str]] = []
            while len(buf) < chunksize:
                got = _take_records(reader, chunksize - len(buf))
                if not got:
                    break
                if [] in got:  # blank lines are not records (a _Malformed is kept)
                    got = [rec for rec in got if rec or isinstance(rec, _Malformed)]
                buf.extend(got)
            count = len(buf)
            if count == 0 and start > 0:
                return
            rejects: list[tuple[int, str]] = []
            positions = list(range(start, start + count))
            check_bytes = _DECODE_ERRORS[0] != errors_at_open
            buf, positions = _check_csv_records(buf, positions, rejects, n, check_bytes)
            yield _finish_chunk(_frame(buf, columns, False), positions, rejects, text_col, start, count)
            start += count
            if count < chunksize:
                return
    finally:
        raw.close()


def _jsonl_records(path: Path, encoding: str):
    raw = _open_binary(path)
    text = io.TextIOWrapper(raw, encoding=encoding, errors="callmine-escape")

    def gen():
        pos = 0
        try:
            for line in text:
                if not line.strip():
                    continue
                if _SURROGATE.search(line):
                    yield pos, None, "undecodable bytes"
                    pos += 1
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    yield pos, None, f"not valid JSON: {exc.msg} at column {exc.colno}"
                    pos += 1
                    continue
                if not isinstance(obj, dict):
                    yield pos, None, f"not a JSON object (got {type(obj).__name__})"
                    pos += 1
                    continue
                yield pos, obj, None
                pos += 1
        except UnicodeDecodeError as exc:
            yield pos, None, f"undecodable bytes ({encoding}: {exc.reason}); rest of file unreadable"
        finally:
            raw.close()

    return gen()


def _columns_error(path: Path, what: str, col: str, found: Sequence[str]) -> DataError:
    shown = ", ".join(repr(c) for c in found) if found else "(none)"
    return DataError(f"{path}: no {what} column {col!r}; columns found: {shown}")


def _check_columns(path: Path, found: Sequence[str], text_col: str, required: Iterable[str]) -> None:
    if text_col not in found:
        raise _columns_error(path, "text", text_col, found)
    for col in required:
        if col not in found:
            raise _columns_error(path, "required", col, found)


def _finish_chunk(frame: pd.DataFrame, positions: list[int], rejects: list[tuple[int, str]],
                  text_col: str, start: int, n_input: int) -> Chunk:
    frame.index = pd.Index(positions, dtype="int64", name=None)
    if len(frame):
        text = frame[text_col]
        values = text.tolist() if text.dtype == object else None
        if values is not None and all(type(v) is str for v in values):
            blank = np.fromiter((not v.strip() for v in values), dtype=bool, count=len(values))
        else:
            blank = text.isna().to_numpy() | text.astype(str).str.strip().eq("").to_numpy()
        if blank.any():
            rejects.extend((int(pos), "empty text") for pos in frame.index[blank])
            frame = frame.loc[~blank]
    rej = pd.DataFrame(sorted(rejects), columns=REJECT_COLUMNS)
    rej["row"] = rej["row"].astype("int64")
    rej["reason"] = rej["reason"].astype(object)
    return Chunk(rows=frame, rejects=rej, start=start, n_input=n_input)


def _iter_records_chunks(records, columns: list[str], text_col: str, chunksize: int,
                         as_dicts: bool) -> Iterator[Chunk]:
    buf: list = []
    positions: list[int] = []
    rejects: list[tuple[int, str]] = []
    start = 0
    count = 0
    for pos, rec, reason in records:
        if reason is not None:
            rejects.append((pos, reason))
        else:
            buf.append(rec)
            positions.append(pos)
        count += 1
        if count == chunksize:
            yield _finish_chunk(_frame(buf, columns, as_dicts), positions, rejects, text_col, start, count)
            start += count
            buf, positions, rejects, count = [], [], [], 0
    if count or start == 0:
        yield _finish_chunk(_frame(buf, columns, as_dicts), positions, rejects, text_col, start, count)


def _check_csv_records(buf: list[list[str]], positions: list[int], rejects: list[tuple[int, str]],
                       n: int, check_bytes: bool = True) -> tuple[list[list[str]], list[int]]:
    """Reject records with the wrong number of fields or undecodable bytes.

    Checked once per chunk (field counts as a set, bytes in one search over the
    joined chunk); only a chunk with a problem is checked record by record.
    """
    lengths = set(map(len, buf))
    if lengths <= {n} and not (check_bytes and _SURROGATE.search("\x1e".join(map("\x1f".join, buf)))):
        return buf, positions
    good, good_pos = [], []
    for pos, rec in zip(positions, buf):
        if isinstance(rec, _Malformed):
            rejects.append((pos, rec.reason))
            continue
        if len(rec) != n:
            if len(rec) > n and not any(rec[n:]):
                rec = rec[:n]  # trailing empty fields (a trailing delimiter)
            else:
                what = "too many" if len(rec) > n else "too few"
                rejects.append((pos, f"{what} fields: expected {n}, got {len(rec)}"))
                continue
        if _SURROGATE.search("\x1f".join(rec)):
            rejects.append((pos, "undecodable bytes"))
            continue
        good.append(rec)
        good_pos.append(pos)
    return good, good_pos


def _frame(buf: list, columns: list[str], as_dicts: bool) -> pd.DataFrame:
    if as_dicts:
        frame = pd.DataFrame.from_records(buf, columns=columns) if buf else pd.DataFrame(columns=columns)
        return frame
    if not buf:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.DataFrame(buf, columns=columns, dtype=object)


def _jsonl_columns(path: Path, encoding: str, text_col: str, required: Iterable[str]) -> list[str]:
    """Columns of a JSONL file: keys of the first objects (in first-seen order)."""
    cols: list[str] = []
    seen = 0
    for _, obj, _reason in _jsonl_records(path, encoding):
        if obj is None:
            continue
        for k in obj:
            if k not in cols:
                cols.append(k)
        seen += 1
        if seen >= 1000:
            break
    return cols


def iter_calls(path: str | os.PathLike, *, text_col: str = "text", required: Iterable[str] = (),
               encoding: str | None = None, chunksize: int = DEFAULT_CHUNKSIZE) -> Iterator[Chunk]:
    """Stream a call log as :class:`Chunk` objects of ``chunksize`` input rows.

    Parameters
    ----------
    path : str or path-like
        ``.csv``, ``.csv.gz``, ``.tsv``, ``.jsonl`` or ``.parquet`` file.
    text_col : str, default="text"
        Column holding the transcript; rows where it is empty go to ``rejects``.
    required : iterable of str
        Other columns that must exist (e.g. the label column).
    encoding : str, optional
        Force the encoding of a text file; detected when omitted.
    chunksize : int
        Input rows per chunk (the last chunk may be shorter).

    Raises
    ------
    DataError
        Missing file, unknown format, missing column (the message names the
        file, the column asked for and the columns found).
    """
    path = Path(path)
    fmt = file_format(path)
    _check_exists(path)
    if int(chunksize) < 1:
        raise DataError(f"chunksize must be a positive integer; got {chunksize!r}")
    chunksize = int(chunksize)
    required = list(required)
    if fmt in ("csv", "tsv"):
        enc = _resolve_encoding(path, encoding)
        header, reader, raw, errors_at_open = _open_csv(path, "," if fmt == "csv" else "\t", enc)
        try:
            _check_columns(path, header, text_col, required)
        except DataError:
            raw.close()
            raise
        yield from _guard_encoding(_csv_chunks(reader, raw, header, text_col, chunksize, errors_at_open), path, enc)
    elif fmt == "jsonl":
        enc = _resolve_encoding(path, encoding)
        columns = _jsonl_columns(path, enc, text_col, required)
        _check_columns(path, columns, text_col, required)
        records = ((pos, ({c: obj.get(c) for c in columns} if obj is not None else None), reason)
                   for pos, obj, reason in _jsonl_records(path, enc))
        yield from _guard_encoding(
            _iter_records_chunks(records, columns, text_col, chunksize, as_dicts=True), path, enc)
    else:  # parquet
        yield from _iter_parquet(path, text_col, required, chunksize)


def _guard_encoding(chunks: Iterator[Chunk], path: Path, encoding: str) -> Iterator[Chunk]:
    """Stop with a clear error when most of the first chunk does not decode.

    A few undecodable rows are rejects; a file where most rows fail was read
    in the wrong encoding, and rejecting all of it would help nobody.
    """
    first = True
    for chunk in chunks:
        if first:
            first = False
            bad = int(chunk.rejects["reason"].astype(str).str.startswith("undecodable").sum())
            if bad >= 5 and bad >= 0.5 * chunk.n_input:
                first_bad = int(chunk.rejects.loc[
                    chunk.rejects["reason"].astype(str).str.startswith("undecodable"), "row"].iloc[0])
                raise DataError(
                    f"{path}: {bad} of the first {chunk.n_input} rows cannot be decoded as {encoding} "
                    f"(first at row {first_bad}); the file is in another encoding: "
                    "pass --encoding (e.g. cp1251, utf-16, utf-8)")
        yield chunk


def _iter_parquet(path: Path, text_col: str, required: list[str], chunksize: int) -> Iterator[Chunk]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise DataError(f"{path}: not a readable Parquet file ({exc})") from None
    columns = list(pf.schema_arrow.names)
    _check_columns(path, columns, text_col, required)
    start = 0
    any_batch = False
    for batch in pf.iter_batches(batch_size=chunksize):
        frame = batch.to_pandas()
        n = len(frame)
        any_batch = True
        yield _finish_chunk(frame, list(range(start, start + n)), [], text_col, start, n)
        start += n
    if not any_batch:
        empty = pf.schema_arrow.empty_table().to_pandas()
        yield _finish_chunk(empty, [], [], text_col, 0, 0)


def read_calls(path: str | os.PathLike, *, text_col: str = "text", required: Iterable[str] = (),
               encoding: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a whole call log into memory.

    Returns
    -------
    rows : pandas.DataFrame
        Every input column (CSV values as strings, Parquet with native types),
        indexed by 0-based input position; only rows with usable text.
    rejects : pandas.DataFrame
        Columns ``row`` (0-based input position) and ``reason``.

    See :func:`iter_calls` for the parameters and errors.
    """
    frames, rejects = [], []
    for chunk in iter_calls(path, text_col=text_col, required=required, encoding=encoding,
                            chunksize=200_000):
        frames.append(chunk.rows)
        rejects.append(chunk.rejects)
    rows = pd.concat(frames) if len(frames) > 1 else frames[0]
    rej = pd.concat(rejects, ignore_index=True) if len(rejects) > 1 else rejects[0].reset_index(drop=True)
    return rows, rej
