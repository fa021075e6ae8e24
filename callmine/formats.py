"""File formats and text encodings of call-log files.

:func:`file_format` names a file's format by its extension (``.csv``,
``.tsv``, ``.jsonl``, ``.parquet``, each optionally ``.gz``);
:func:`detect_encoding` tells UTF-8 (with or without BOM), UTF-16 and
Windows-1251 apart. The readers in :mod:`callmine.io` decode with the
``callmine-escape`` error handler registered here: undecodable bytes become
lone surrogates (so only their row is rejected) and are counted in
``_DECODE_ERRORS``, so that clean chunks can skip the byte check.

Examples
--------
>>> import tempfile, os
>>> file_format("calls.csv.gz"), file_format("calls.jsonl")
('csv', 'jsonl')
>>> path = os.path.join(tempfile.mkdtemp(), "calls.csv")
>>> _ = open(path, "w", encoding="cp1251").write("call_id,text\\n1,где моя заявка\\n")
>>> detect_encoding(path)
'cp1251'
"""

from __future__ import annotations

import codecs
import gzip
import os
import re
from pathlib import Path
from typing import IO

from callmine.errors import DataError

FORMATS = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".jsonl", ".jsonl.gz", ".parquet")
_SAMPLE_BYTES = 1 << 21  # 2 MiB read to detect the encoding

_SURROGATEESCAPE = codecs.lookup_error("surrogateescape")
_DECODE_ERRORS = [0]  # bytes replaced so far by the handler below, in this process


def _count_and_escape(exc: UnicodeDecodeError):
    """``surrogateescape`` that also counts, so clean chunks can skip the byte check."""
    _DECODE_ERRORS[0] += exc.end - exc.start
    return _SURROGATEESCAPE(exc)


codecs.register_error("callmine-escape", _count_and_escape)

# Undecodable bytes show up as lone surrogates under errors="surrogateescape".
_SURROGATE = re.compile(r"[\udc80-\udcff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def file_format(path: str | os.PathLike) -> str:
    """Return the format of ``path`` by its extension: ``csv``, ``tsv``, ``jsonl`` or ``parquet``."""
    name = str(path).lower()
    if name.endswith(".gz"):
        name = name[:-3]
    for ext in ("csv", "tsv", "jsonl", "parquet"):
        if name.endswith("." + ext):
            return ext
    if name.endswith(".json") or name.endswith(".ndjson"):
        return "jsonl"
    raise DataError(f"{path}: unknown file type; expected one of {', '.join(FORMATS)}")


def _open_binary(path: Path) -> IO[bytes]:
    if str(path).lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _check_exists(path: Path) -> None:
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if path.is_dir():
        raise DataError(f"{path}: is a folder, not a call-log file")


def detect_encoding(path: str | os.PathLike) -> str:
    """Detect the text encoding of a CSV/TSV/JSONL file.

    Returns ``"utf-8-sig"`` (BOM), ``"utf-16"`` (BOM or NUL-byte pattern),
    ``"utf-8"`` or ``"cp1251"``. Decided on the first 2 MiB: the file is
    UTF-8 when its valid multi-byte characters outnumber the undecodable
    bytes, so a single bad row does not flip the whole file to Windows-1251
    (that row is reported as a reject instead).
    """
    path = Path(path)
    _check_exists(path)
    with _open_binary(path) as fh:
        sample = fh.read(_SAMPLE_BYTES)
    return _detect_encoding_bytes(sample)


def _detect_encoding_bytes(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    head = sample[:4096]
    if len(head) >= 4:
        even_nul = head[0::2].count(0)
        odd_nul = head[1::2].count(0)
        half = len(head) / 2
        if odd_nul > 0.3 * half and even_nul < 0.05 * half:
            return "utf-16-le"
        if even_nul > 0.3 * half and odd_nul < 0.05 * half:
            return "utf-16-be"
    # Cut a possibly split multi-byte character at the end of the sample.
    text = sample.decode("utf-8", errors="surrogateescape")
    if len(sample) == _SAMPLE_BYTES:
        text = text[:-4]
    bad = len(_SURROGATE.findall(text))
    if bad == 0:
        return "utf-8"
    good = len(_NON_ASCII.findall(text)) - bad
    return "utf-8" if good >= bad else "cp1251"


def _resolve_encoding(path: Path, encoding: str | None) -> str:
    if encoding is None:
        return detect_encoding(path)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DataError(f"--encoding {encoding!r} is not a known encoding; "
                        "try utf-8, utf-8-sig, utf-16 or cp1251") from None
    return encoding
