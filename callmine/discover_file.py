"""Discover request types in a call-log file of any size (``callmine discover``).

:func:`discover_file` draws a random sample of the calls in one pass (whole
callers' histories when the file says who called),
fits :class:`callmine.discover.RequestTypeDiscoverer` on it, assigns every
call in a second pass and writes ``assignments.csv``, ``types.csv``,
``k_selection.csv`` and ``summary.json``. Both passes read in chunks, so
memory does not grow with the file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from callmine.errors import CallmineError

__all__ = ["discover_file", "NO_TEXT_LABEL", "OUTLIER_LABEL"]

#: ``type_label`` of calls that fit no type (cluster -1).
OUTLIER_LABEL = "(unassigned)"
#: ``type_label`` of input rows without usable text (cluster -1).
NO_TEXT_LABEL = "(no text)"


def _reservoir(path, *, text_col, encoding, chunksize, size, seed, caller_col=None):
    """One pass: a random sample of ``size`` (position, text) and the counts.

    Uniform (Algorithm R) without a caller column; with one, a sample of
    callers with all their calls (:mod:`callmine.sampling`), so that repeat
    calls stay linked in the fit sample.

    With ``caller_col`` (a column name, or ``"auto"``: the first of
    :data:`callmine.automation.CALLER_COLUMNS` the file has), also the sampled
    rows' callers (None when there are none), and the caller column used as
    the last item.
    """
    from callmine.automation import CALLER_COLUMNS
    from callmine.io import iter_calls
    from callmine.sampling import caller_priorities, smallest

    rs = np.random.RandomState(seed)
    positions: list[int] = []
    texts: list[str] = []
    callers: list = []
    seen = 0
    n_input = 0
    n_rejects = 0
    required = [] if caller_col in (None, "auto") else [caller_col]
    priority = np.zeros(0)  # with a caller column: a bottom-k sample by caller priority
    key = None
    for chunk in iter_calls(path, text_col=text_col, encoding=encoding, chunksize=chunksize,
                            required=required):
        if caller_col == "auto":
            caller_col = next((c for c in CALLER_COLUMNS if c in chunk.rows.columns), None)
        if caller_col is not None and key is None:
            key = int(rs.randint(0, 2**31 - 1))
        n_input += chunk.n_input
        n_rejects += len(chunk.rejects)
        col = chunk.rows[text_col].astype("string").fillna("").tolist()
        who = (chunk.rows[caller_col].astype(object).tolist() if caller_col is not None
               else [None] * len(col))
        pos = chunk.rows.index.to_numpy()
        m = len(col)
        if m == 0:
            continue
        if caller_col is not None:
            # keep each caller's calls together (callmine.sampling), so repeat calls survive
            priority = np.concatenate([priority, caller_priorities(who, rs, key=key)])
            positions.extend(int(p) for p in pos)
            texts.extend(col)
            callers.extend(who)
            if len(positions) > size:
                keep = smallest(priority, size)
                priority = priority[keep]
                positions = [positions[i] for i in keep]
                texts = [texts[i] for i in keep]
                callers = [callers[i] for i in keep]
            seen += m
            continue
        # Algorithm R, vectorised per chunk
        fill = max(0, min(size - len(texts), m))
        positions.extend(int(p) for p in pos[:fill])
        texts.extend(col[:fill])
        callers.extend(who[:fill])
        if fill < m:
            idx = np.arange(fill, m)
            j = (rs.random_sample(len(idx)) * (seen + idx + 1)).astype(np.int64)
            for i, slot in zip(idx[j < size], j[j < size]):
                positions[slot] = int(pos[i])
                texts[slot] = col[i]
                callers[slot] = who[i]
        seen += m
    order = np.argsort(positions, kind="stable")
    caller_col = None if caller_col == "auto" else caller_col  # no row at all
    return ([positions[i] for i in order], [texts[i] for i in order], n_input, n_rejects, seen,
            None if caller_col is None else [callers[i] for i in order], caller_col)


def discover_file(path: str | os.PathLike, out_dir: str | os.PathLike, *, text_col: str = "text",
                  encoding: str | None = None, k="auto", profile: str = "fast",
                  random_state: int = 0, chunksize: int = 50_000, caller_col: str | None = "auto",
                  progress: Callable[[str], None] | None = None, **params) -> dict:
    """Discover request types in a call-log file and write the result.

    Reads the file twice in chunks (constant memory): once to draw a random
    sample of at most ``max_fit_samples`` calls to fit on, once to assign
    every call. Writes into ``out_dir``:

    * ``assignments.csv``: one row per input row, in input order: ``row``
      (0-based input position), ``cluster`` (-1: outlier or no text) and
      ``type_label`` (``"(unassigned)"`` for outliers, ``"(no text)"`` for
      rows without usable text, which are never dropped silently);
    * ``types.csv``: one row per type (see
      :meth:`callmine.discover.RequestTypeDiscoverer.describe`); ``share`` is
      relative to the rows with text;
    * ``k_selection.csv`` with ``k="auto"``: the criterion for every k tried;
    * ``summary.json``: counts, the chosen k and why, the concept step and
      the partition and the neighbour graph used.

    Parameters
    ----------
    path : str or path-like
        Call log (.csv, .csv.gz, .tsv, .jsonl, .parquet).
    out_dir : str or path-like
        Created if missing.
    text_col, encoding : see :func:`callmine.io.iter_calls`.
    k, profile, random_state, **params : see :class:`callmine.discover.RequestTypeDiscoverer`.
    chunksize : int, default=50000
        Rows read and assigned at a time.
    caller_col : str or None, default="auto"
        Column saying who made each call (a hashed phone number or account
        id), for the repeat-call edges of
        :meth:`callmine.discover.RequestTypeDiscoverer.fit`; calls are taken
        in file order. ``"auto"``: the first of ``caller_id``, ``customer_id``,
        ``client_id``, ``caller_hash``, ``phone_hash``, ``caller`` the file has
        (as ``callmine report``); None: not used. A named column the file
        lacks is an error.
    progress : callable, optional
        Receives progress messages.

    Returns
    -------
    dict
        The summary written to ``summary.json``.
    """
    from callmine.discover import RequestTypeDiscoverer
    from callmine.io import iter_calls, write_table

    say = progress or (lambda msg: None)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise CallmineError(f"output folder {str(out)!r} exists and is not a folder")
    disc = RequestTypeDiscoverer(k=k, profile=profile, random_state=random_state,
                                 verbose=progress or False, **params)
    disc._validate()
    max_fit = int(disc.max_fit_samples)
    say(f"reading {path}")
    positions, texts, n_input, n_rejects, n_text, callers, caller_col = _reservoir(
        path, text_col=text_col, encoding=encoding, chunksize=chunksize, size=max_fit,
        seed=int(random_state) if isinstance(random_state, (int, np.integer)) else 0,
        caller_col=caller_col)
    if n_text < 3:
        raise CallmineError(f"{path}: need at least 3 rows with text in column {text_col!r} "
                            f"to discover types, found {n_text}")
    say(f"{n_input:,} rows, {n_rejects:,} without usable text; fitting on {len(texts):,}")
    disc.fit(texts, callers=callers)
    fitted = dict(zip(positions, disc.labels_.tolist()))
    names = np.array(list(disc.type_labels_) + [OUTLIER_LABEL], dtype=object)

    out.mkdir(parents=True, exist_ok=True)
    target = out / "assignments.csv"
    tmp = out / ".assignments.csv.part"
    sizes = np.zeros(disc.n_clusters_, dtype=np.int64)
    n_out = 0
    done = 0
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write("row,cluster,type_label\n")
        for chunk in iter_calls(path, text_col=text_col, encoding=encoding, chunksize=chunksize):
            pos = chunk.rows.index.to_numpy()
            lab = np.full(len(pos), -2, dtype=int)
            known = np.array([p in fitted for p in pos.tolist()], dtype=bool)
            if known.any():
                lab[known] = [fitted[p] for p in pos[known].tolist()]
            if (~known).any():
                col = chunk.rows[text_col].astype("string").fillna("")
                lab[~known] = disc.predict(col[~known].tolist())
            part = pd.DataFrame({"row": pos, "cluster": lab, "type_label": names[lab]})
            if len(chunk.rejects):
                rej = pd.DataFrame({"row": chunk.rejects["row"].to_numpy(dtype=np.int64),
                                    "cluster": -1, "type_label": NO_TEXT_LABEL})
                part = pd.concat([part, rej], ignore_index=True).sort_values("row", kind="stable")
            part.to_csv(fh, header=False, index=False, lineterminator="\n")
            sizes += np.bincount(lab[lab >= 0], minlength=disc.n_clusters_)[: disc.n_clusters_]
            n_out += int((lab < 0).sum())
            done += chunk.n_input
            say(f"assigned {done:,} / {n_input:,} rows")
    os.replace(tmp, target)

    types = disc.describe(np.zeros(0, dtype=int))
    types["size"] = sizes
    types["share"] = np.round(sizes / max(n_text, 1), 4)
    write_table(types, out / "types.csv")
    if disc.k_selection_ is not None:
        write_table(disc.k_selection_, out / "k_selection.csv")
    elif (out / "k_selection.csv").exists():
        (out / "k_selection.csv").unlink()  # from an earlier run with k=auto: no longer true
    summary = {
        "input": str(path),
        "rows": int(n_input),
        "rows_without_text": int(n_rejects),
        "rows_with_text": int(n_text),
        "fitted_on": int(len(texts)),
        "profile": profile,
        "k": int(disc.n_clusters_),
        "k_reason": disc.k_reason_,
        "concepts": getattr(disc, "concepts_reason_", ""),
        "partition": getattr(disc, "partition_", ""),
        "answers": getattr(disc, "answers_reason_", ""),
        "graph_space": getattr(disc, "graph_space_", ""),
        "reweight_rounds": int(getattr(disc, "reweight_rounds_", 0)),
        "refine_rounds": int(getattr(disc, "refine_rounds_", 0)),
        "partitions": int(getattr(disc, "n_partitions_", 1)),
        "partition_agreement": (None if getattr(disc, "partition_agreement_", None) is None
                                else round(float(disc.partition_agreement_), 4)),
        "word_vectors": getattr(disc, "word_vectors_", None) is not None,
        "caller_column": caller_col,
        "callers": disc.callers_reason_,
        "caller_links": int(disc.caller_links_),
        "outliers": int(n_out),
        "outlier_share": round(n_out / max(n_text, 1), 4),
        "random_state": random_state,
    }
    tmp_json = out / ".summary.json.part"
    tmp_json.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp_json, out / "summary.json")
    return summary
