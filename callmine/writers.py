"""Writing tables and text files so that a half-written file never appears.

:func:`write_table` writes a DataFrame in the format its file name says
(``.csv``, ``.csv.gz``, ``.tsv``, ``.jsonl``, ``.parquet``), through
:func:`atomic_path` (a temporary file beside the target, renamed onto it at
the end); :func:`open_text_out` opens a UTF-8 text file, gzip-compressed
with reproducible bytes when asked. These names are also importable from
:mod:`callmine.io`.

Examples
--------
>>> import pandas as pd, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "out.tsv")
>>> _ = write_table(pd.DataFrame({"call_id": [1], "text": ["сәлем"]}), path)
>>> open(path, encoding="utf-8").read()
'call_id\\ttext\\n1\\tсәлем\\n'
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

import pandas as pd

from callmine.errors import CallmineError, DataError
from callmine.formats import file_format


def write_table(df: pd.DataFrame, path: str | os.PathLike, *, index: bool = False) -> Path:
    """Write ``df`` to ``path`` by its extension, atomically (temporary file, then rename).

    ``.csv`` and ``.csv.gz`` are UTF-8 CSV, ``.tsv`` tab-separated, ``.jsonl``
    one JSON object per line (UTF-8, not ASCII-escaped), ``.parquet`` Parquet.
    A half-written file never appears under ``path``.
    """
    path = Path(path)
    fmt = file_format(path)
    with atomic_path(path) as tmp:
        write_table_to(df, tmp, fmt=fmt, gz=str(path).lower().endswith(".gz"), index=index)
    return path


def make_folder(folder: str | os.PathLike) -> Path:
    """Create ``folder`` and its parents if needed; a file in the way is a clear error.

    >>> import tempfile, os
    >>> base = tempfile.mkdtemp(); open(os.path.join(base, "f"), "w").close()
    >>> make_folder(os.path.join(base, "f", "sub"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    callmine.errors.CallmineError: cannot create folder '...sub': '...f' is a file, not a folder
    """
    folder = Path(folder)
    for p in (folder, *folder.parents):
        if p.exists():
            if not p.is_dir():
                raise CallmineError(f"cannot create folder {str(folder)!r}: {str(p)!r} is a file, "
                                    "not a folder")
            break
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, fsync: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends, move it onto ``path``.

    The file written there gets the permissions of a new file (``0666 & ~umask``)
    and replaces ``path`` in one rename, so a half-written file never appears
    under ``path``. If the block raises, the temporary file is removed.
    ``fsync=True`` flushes it to disk before the rename.
    """
    path = Path(path)
    make_folder(path.parent)
    fd, name = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _chmod_like_new_file(tmp)
        if fsync:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


@contextlib.contextmanager
def open_text_out(path: str | os.PathLike, *, gz: bool = False) -> Iterator[IO[str]]:
    """Open a UTF-8 text file for writing, gzip-compressed when ``gz``.

    The gzip header carries no file name and time 0, so the same content
    always gives the same bytes.
    """
    if not gz:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            yield fh
        return
    with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as gzf, \
            io.TextIOWrapper(gzf, encoding="utf-8", newline="") as fh:
        yield fh


def _chmod_like_new_file(path: str | os.PathLike) -> None:
    """Give a temporary file (created 0600) the permissions a new file would get (0666 & ~umask)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def write_table_to(df: pd.DataFrame, target: str | os.PathLike, *, fmt: str, gz: bool = False,
                   index: bool = False) -> None:
    """Write ``df`` in format ``fmt`` (``csv``, ``tsv``, ``jsonl``, ``parquet``) to ``target`` as is."""
    if gz and fmt in ("csv", "tsv", "jsonl"):
        with open_text_out(target, gz=True) as fh:
            write_table_to(df, fh, fmt=fmt, index=index)
        return
    if fmt == "csv":
        df.to_csv(target, index=index, encoding="utf-8")
    elif fmt == "tsv":
        df.to_csv(target, sep="\t", index=index, encoding="utf-8")
    elif fmt == "jsonl":
        out = df.reset_index() if index else df
        out.to_json(target, orient="records", lines=True, force_ascii=False, date_format="iso")
    elif fmt == "parquet":
        df.to_parquet(target, index=index)
    else:
        raise DataError(f"unknown output format {fmt!r}; options are csv, tsv, jsonl, parquet")
