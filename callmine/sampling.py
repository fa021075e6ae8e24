"""Samples of a call log that keep each caller's calls together.

Discovery fits on a sample of a large log (``max_fit_samples`` calls) and
links a caller's consecutive calls (:func:`callmine.clustering.repeat_call_graph`).
A uniform sample of 20,000 calls out of millions keeps almost no caller's two
calls, so the links vanish exactly where the log is large. Sampling callers
instead of calls keeps them: every caller gets one random priority, shared
by all their calls, and the calls with the smallest priorities are kept
(a bottom-k sample). Every call is still kept with the same probability, so
the sample is as representative of the calls as a uniform one; calls of an
unknown caller get a priority of their own.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

__all__ = ["known_callers", "caller_priorities", "sample_by_caller", "smallest"]


def known_callers(callers: Sequence) -> tuple[pd.Series, np.ndarray]:
    """The callers as an object Series and a mask of the known ones (not None, NaN or blank).

    >>> known_callers(["a", None, " ", float("nan"), 7])[1].tolist()
    [True, False, False, False, True]
    """
    who = pd.Series(list(callers), dtype=object)
    return who, (who.notna() & (who.astype(str).str.strip() != "")).to_numpy()


def caller_priorities(callers: Sequence, random_state=None, *, key: int | None = None
                      ) -> np.ndarray:
    """A priority in [0, 1) per call: the same for all calls of one caller.

    A caller's priority is a hash of its id keyed by ``key`` (default: a
    draw from ``random_state``; pass the same key for every chunk of one
    file), so it is the same wherever the caller appears and in every run
    with the same seed; a call whose caller is unknown (None, NaN or
    ``""``) gets a draw of its own from ``random_state``.

    >>> p = caller_priorities(["a", "b", "a", None, ""], 0)
    >>> bool(p[0] == p[2]), bool(p[0] != p[1]), bool(0 <= p.min() and p.max() < 1)
    (True, True, True)
    """
    rs = check_random_state(random_state)
    if key is None:
        key = int(rs.randint(0, 2**31 - 1))
    who, known = known_callers(callers)
    out = rs.random_sample(len(who))
    if known.any():
        h = pd.util.hash_array(who[known].astype(str).to_numpy(dtype=object), hash_key=f"{int(key) % 10**16:016d}")
        out[known] = (h >> np.uint64(11)).astype(np.float64) / float(2**53)
    return out


def smallest(priority: np.ndarray, size: int) -> np.ndarray:
    """Positions of the ``size`` smallest priorities (ties: the earlier first), in input order.

    >>> smallest(np.array([0.5, 0.1, 0.5, 0.3]), 3).tolist()
    [0, 1, 3]
    """
    priority = np.asarray(priority, dtype=np.float64)
    order = np.lexsort((np.arange(len(priority)), priority))[: max(0, int(size))]
    return np.sort(order)


def sample_by_caller(callers: Sequence, size: int, random_state=None) -> np.ndarray:
    """Positions of a sample of ``size`` calls that keeps callers' calls together (sorted).

    >>> who = ["a", "b", "a", "b", "a", "b"]
    >>> pos = sample_by_caller(who, 3, 0)
    >>> len(pos), len({who[i] for i in pos})  # all three calls of one caller
    (3, 1)
    """
    return smallest(caller_priorities(callers, random_state), size)
