"""Turn discovered (and hand-edited) request types into a labelled training file.

``callmine discover`` writes ``types.csv``, meant to be edited in a
spreadsheet before the types are used to train a classifier:

* **rename** a type: change its ``type_label``;
* **merge** types: give several rows the same ``type_label``;
* **drop** a type: delete its row, or empty its ``type_label``.

:func:`curate` applies the edited ``types.csv`` to ``assignments.csv`` and
the call log: every call of a kept type gets the type's name in the label
column; calls of dropped types, outliers (cluster -1) and rows without text
are left out. The result is a file for ``callmine train --label-col``.

Only ``cluster`` and ``type_label`` of ``types.csv`` are read; other columns
(``size``, ``examples``...) may be changed or removed freely.

Examples
--------
>>> import pandas as pd
>>> calls = pd.DataFrame({"text": ["где заявка", "забыл пароль", "статус заявки"]})
>>> assignments = pd.DataFrame({"row": [0, 1, 2], "cluster": [0, 1, 0]})
>>> types = pd.DataFrame({"cluster": [0, 1], "type_label": ["application_status", ""]})
>>> curate(calls, types, assignments)["request_type"].tolist()
['application_status', 'application_status']
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from callmine.errors import DataError

__all__ = ["curate", "curate_files", "read_types", "label_map"]


def _need(df: pd.DataFrame, cols, what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError(f"{what} has no column {missing[0]!r}; columns found: "
                        f"{', '.join(map(str, df.columns)) or '(none)'}")


def _int_column(s: pd.Series, what: str, col: str) -> pd.Series:
    num = pd.to_numeric(s.astype("string").str.strip(), errors="coerce")
    bad = num.isna() | (num != np.floor(num))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"{what}: column {col!r} must hold whole numbers; "
                        f"got {s.iloc[i]!r} on data line {i + 1}")
    return num.astype("int64")


def label_map(types: pd.DataFrame, *, what: str = "types.csv") -> dict[int, str]:
    """Cluster -> curated name, from an edited types table.

    Rows with an empty ``type_label`` are dropped; names are stripped of
    surrounding spaces. A cluster listed twice must have one name.

    >>> label_map(pd.DataFrame({"cluster": [0, 1, 2], "type_label": ["a ", "", "a"]}))
    {0: 'a', 2: 'a'}
    """
    _need(types, ["cluster", "type_label"], what)
    clusters = _int_column(types["cluster"], what, "cluster")
    names = types["type_label"].astype("string").fillna("").str.strip()
    out: dict[int, str] = {}
    for c, name in zip(clusters.tolist(), names.tolist()):
        if c < 0:
            raise DataError(f"{what}: cluster {c} is not a type (-1 marks unassigned calls); "
                            f"delete that row")
        if not name:
            continue
        if c in out and out[c] != name:
            raise DataError(f"{what}: cluster {c} is listed twice with different names "
                            f"({out[c]!r} and {name!r}); keep one row per cluster")
        out[c] = name
    return out


def read_types(path: str | os.PathLike) -> pd.DataFrame:
    """Read an edited ``types.csv`` (UTF-8 with or without BOM, or Windows-1251)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"types file {str(path)!r} does not exist")
    for enc in ("utf-8-sig", "cp1251"):
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc)
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError:
            raise DataError(f"types file {str(path)!r} is empty") from None
    raise DataError(f"types file {str(path)!r} is neither UTF-8 nor Windows-1251")


def curate(calls: pd.DataFrame, types: pd.DataFrame, assignments: pd.DataFrame, *,
           label_col: str = "request_type") -> pd.DataFrame:
    """Label calls with their curated request type.

    Parameters
    ----------
    calls : pandas.DataFrame
        The call log, indexed by 0-based input position (as returned by
        :func:`callmine.io.read_calls`).
    types : pandas.DataFrame
        The edited ``types.csv`` (``cluster``, ``type_label``).
    assignments : pandas.DataFrame
        ``assignments.csv`` of the same call log (``row``, ``cluster``).
    label_col : str, default="request_type"
        Column to write the names into; must not already exist in ``calls``.

    Returns
    -------
    pandas.DataFrame
        The kept calls in input order, with all their columns plus ``label_col``.

    Raises
    ------
    DataError
        Missing columns, an existing ``label_col``, or assignments that do not
        belong to this call log (positions missing or unknown).
    """
    _need(assignments, ["row", "cluster"], "assignments.csv")
    if label_col in calls.columns:
        raise DataError(f"the call log already has a column {label_col!r}; "
                        f"choose another name for the label column (--label-col)")
    names = label_map(types)
    rows = _int_column(assignments["row"], "assignments.csv", "row")
    clusters = _int_column(assignments["cluster"], "assignments.csv", "cluster")
    if rows.duplicated().any():
        raise DataError(f"assignments.csv lists row {int(rows[rows.duplicated()].iloc[0])} "
                        f"twice; it must have one line per input row")
    cluster_of = pd.Series(clusters.to_numpy(), index=rows.to_numpy())
    unknown = calls.index.difference(cluster_of.index)
    if len(unknown):
        raise DataError(f"assignments.csv has no line for input row {int(unknown[0])} "
                        f"({len(unknown)} rows missing): was it written for another file? "
                        f"Run 'callmine discover' on this file again")
    known_clusters = set(clusters[clusters >= 0].tolist())
    stray = sorted(set(names) - known_clusters)
    if stray:
        raise DataError(f"types.csv names cluster {stray[0]} that assignments.csv never uses; "
                        f"clusters found there: 0..{max(known_clusters) if known_clusters else -1}")
    labels = cluster_of.reindex(calls.index).map(names)
    keep = labels.notna().to_numpy()
    out = calls.loc[keep].copy()
    out[label_col] = labels[keep].astype(str).to_numpy()
    return out


def curate_files(input_path: str | os.PathLike, discover_dir: str | os.PathLike,
                 output_path: str | os.PathLike, *, text_col: str = "text",
                 encoding: str | None = None, label_col: str = "request_type") -> dict:
    """Read a call log and a ``callmine discover`` folder; write the labelled training file.

    Returns a summary: ``rows`` written, ``types`` (distinct names),
    ``dropped`` calls (dropped types and outliers) and ``without_text``.
    """
    from callmine.io import read_calls, write_table

    ddir = Path(discover_dir)
    if not ddir.is_dir():
        raise DataError(f"discover folder {str(ddir)!r} does not exist")
    apath = ddir / "assignments.csv"
    if not apath.is_file():
        raise DataError(f"{str(apath)!r} does not exist; run 'callmine discover' first")
    types = read_types(ddir / "types.csv")
    assignments = pd.read_csv(apath, dtype=str, keep_default_na=False, encoding="utf-8")
    calls, rejects = read_calls(input_path, text_col=text_col, encoding=encoding)
    out = curate(calls, types, assignments, label_col=label_col)
    write_table(out, output_path)
    return {
        "rows": int(len(out)),
        "types": int(out[label_col].nunique()),
        "dropped": int(len(calls) - len(out)),
        "without_text": int(len(rejects)),
        "counts": out[label_col].value_counts().to_dict(),
    }
