"""Queueing formulas of a call center: Erlang B, Erlang C and Erlang A.

All functions take the offered ``traffic`` in Erlangs (calls per interval x
average handle time / interval length), integer ``agents`` and times in
**seconds**; they broadcast over NumPy arrays and return floats for scalar
input. Nothing here uses factorials: Erlang B comes from the Poisson
probability and distribution function in log space (``gammaln`` and the
regularised incomplete gamma function), with a series for heavily overloaded
cases, so 100,000 Erlangs cost the same as 10.

:mod:`callmine.staffing` turns these into the number of agents a service
target needs, and re-exports every public name of this module.

Examples
--------
>>> from callmine.erlang import erlang_c, service_level, average_speed_of_answer
>>> round(erlang_c(10, 14), 7)            # 100 calls / 30 min x 180 s = 10 Erlangs
0.1741319
>>> round(service_level(10, 14, aht=180, target_time=20), 5)
0.88835
>>> round(average_speed_of_answer(10, 14, aht=180), 3)
7.836
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import special

from callmine.errors import CallmineError

__all__ = [
    "erlang_b",
    "erlang_c",
    "service_level",
    "average_speed_of_answer",
    "occupancy",
    "erlang_a",
    "traffic_intensity",
]

# Poisson distribution values below this are treated as underflowed.
_TINY = 1e-250


# ---------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------

def _as_traffic(traffic: Any, name: str = "traffic", unit: str = "Erlangs") -> np.ndarray:
    a = np.asarray(traffic, dtype=float)
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise CallmineError(f"{name} must be a finite number >= 0 ({unit}); got {traffic!r}")
    return a


def _as_agents(agents: Any, minimum: int = 0) -> np.ndarray:
    n = np.asarray(agents, dtype=float)
    if not np.all(np.isfinite(n)) or np.any(n < minimum) or np.any(n != np.round(n)):
        raise CallmineError(f"agents must be a whole number >= {minimum}; got {agents!r}")
    return n


def _as_positive(value: Any, name: str, unit: str = "seconds", allow_zero: bool = False) -> np.ndarray:
    v = np.asarray(value, dtype=float)
    bad = (v < 0) if allow_zero else (v <= 0)
    if not np.all(np.isfinite(v)) or np.any(bad):
        rule = ">= 0" if allow_zero else "> 0"
        raise CallmineError(f"{name} must be a finite number {rule} ({unit}); got {value!r}")
    return v


def _out(x: np.ndarray) -> Any:
    """Return a Python float for 0-d results, the array otherwise."""
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


# ---------------------------------------------------------------------------
# Erlang B and C
# ---------------------------------------------------------------------------

def _erlang_b(a: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Erlang B on validated, broadcast float arrays."""
    a, n = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(n, dtype=float))
    out = np.zeros(a.shape, dtype=float)
    zero = a == 0
    out[zero & (n == 0)] = 1.0
    live = ~zero
    if not np.any(live):
        return out
    al, nl = a[live], n[live]
    # B = P(X = n) / P(X <= n), X ~ Poisson(a); P(X <= n) = Q(n + 1, a).
    with np.errstate(divide="ignore"):
        cdf = special.gammaincc(nl + 1.0, al)
        log_pmf = nl * np.log(al) - al - special.gammaln(nl + 1.0)
        b = np.exp(log_pmf - np.log(cdf))
    under = cdf < _TINY
    if np.any(under):
        # Deep overload (n << a): 1/B = sum_j prod_{i<j} (n - i) / a, terms fall fast.
        idx = np.flatnonzero(under)
        for k in idx:
            b[k] = 1.0 / _inverse_b_series(al[k], nl[k])
    out[live] = np.clip(b, 0.0, 1.0)
    return out


def _inverse_b_series(a: float, n: float) -> float:
    if n == 0:
        return 1.0
    total, log_term, i = 1.0, 0.0, 0
    step = 4096
    while i < n:
        j = np.arange(i, min(n, i + step))
        logs = log_term + np.cumsum(np.log((n - j) / a))
        total += float(np.exp(logs).sum())
        log_term = float(logs[-1])
        i = int(j[-1]) + 1
        if log_term < -45:
            break
    return total


def erlang_b(traffic, agents):
    """Blocking probability of the Erlang loss system (M/M/n/n).

    Parameters
    ----------
    traffic : float or array-like
        Offered load in Erlangs (arrival rate x mean holding time).
    agents : int or array-like
        Number of lines (servers), >= 0.

    Returns
    -------
    float or numpy.ndarray
        Share of calls that find every line busy.

    Notes
    -----
    ``B(A, n) = (A^n / n!) / sum_{k<=n} A^k / k!`` computed as the Poisson
    probability over the Poisson distribution function, in log space.

    Examples
    --------
    >>> round(erlang_b(10, 17), 5)
    0.01295
    """
    return _out(_erlang_b(_as_traffic(traffic), _as_agents(agents)))


def _erlang_c(a: np.ndarray, n: np.ndarray) -> np.ndarray:
    a, n = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(n, dtype=float))
    b = _erlang_b(a, n)
    stable = n > a
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(stable, n * b / (n - a * (1.0 - b)), 1.0)
    c = np.where(a == 0, 0.0, c)
    return np.clip(c, 0.0, 1.0)


def erlang_c(traffic, agents):
    """Probability that a call waits (Erlang C, M/M/n with an unlimited queue).

    Parameters
    ----------
    traffic : float or array-like
        Offered load in Erlangs.
    agents : int or array-like
        Agents answering calls (>= 0).

    Returns
    -------
    float or numpy.ndarray
        P(wait > 0); 1 when ``agents <= traffic`` (the queue grows without bound).

    Notes
    -----
    ``C = n B / (n - A (1 - B))`` with ``B`` the Erlang B value.

    Examples
    --------
    >>> round(erlang_c(123, 132), 4)
    0.3211
    """
    return _out(_erlang_c(_as_traffic(traffic), _as_agents(agents)))


def _service_level(a, n, aht, t):
    a, n, aht, t = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, n, aht, t)))
    c = _erlang_c(a, n)
    with np.errstate(over="ignore", invalid="ignore"):
        sl = 1.0 - c * np.exp(-(n - a) * t / aht)
    sl = np.where((n > a) | (a == 0), sl, 0.0)
    return np.clip(sl, 0.0, 1.0)


def service_level(traffic, agents, aht, target_time):
    """Share of calls answered within ``target_time`` (Erlang C).

    Parameters
    ----------
    traffic : float or array-like
        Offered load in Erlangs.
    agents : int or array-like
        Agents answering calls.
    aht : float
        Average handle time in seconds.
    target_time : float
        Answer target in seconds (same unit as ``aht``).

    Returns
    -------
    float or numpy.ndarray
        ``1 - C exp(-(n - A) t / aht)``; 0 when ``agents <= traffic``.

    Examples
    --------
    >>> round(service_level(10, 13, 180, 20), 7)
    0.7955948
    """
    a = _as_traffic(traffic)
    n = _as_agents(agents)
    aht = _as_positive(aht, "aht")
    t = _as_positive(target_time, "target_time", allow_zero=True)
    return _out(_service_level(a, n, aht, t))


def average_speed_of_answer(traffic, agents, aht):
    """Mean wait in seconds over all calls (ASA, Erlang C).

    ``ASA = C aht / (n - A)``; infinite when ``agents <= traffic``.

    Examples
    --------
    >>> round(average_speed_of_answer(10, 14, 180), 3)
    7.836
    """
    a = _as_traffic(traffic)
    n = _as_agents(agents)
    aht = _as_positive(aht, "aht")
    a, n, aht = np.broadcast_arrays(a, n, aht)
    c = _erlang_c(a, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = np.where(n > a, c * aht / (n - a), np.inf)
    asa = np.where(a == 0, 0.0, asa)
    return _out(asa)


def occupancy(traffic, agents):
    """Share of agents' time spent handling calls: ``min(traffic / agents, 1)``.

    Examples
    --------
    >>> round(occupancy(10, 14), 4)
    0.7143
    """
    a = _as_traffic(traffic)
    n = _as_agents(agents)
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(n > 0, np.minimum(a / np.where(n > 0, n, 1.0), 1.0), np.where(a > 0, 1.0, 0.0))
    return _out(occ)


def traffic_intensity(calls, interval, aht):
    """Offered load in Erlangs: ``calls x aht / interval`` (``interval``, ``aht`` in seconds)."""
    calls = _as_traffic(calls, "calls", "calls per interval")
    interval = _as_positive(interval, "interval")
    aht = _as_positive(aht, "aht")
    return _out(calls * aht / interval)


# ---------------------------------------------------------------------------
# Erlang A (M/M/n+M, Palm's model with exponential patience)
# ---------------------------------------------------------------------------

# Above this x = n mu / theta the incomplete-gamma form of A loses digits (its log terms are
# ~x log x); below-capacity cases then use the positive series instead.
_SERIES_X = 1e6


def _log_a_fn(x: np.ndarray, y: np.ndarray, with_d: bool = False):
    """log A(x, y), ``A(x, y) = x e^y y^-x gamma(x, y) = sum_j y^j / prod_{i<=j} (x + i)``.

    With ``with_d`` also returns ``D / A`` where ``D = sum_j j y^j / prod (x + i)``
    (the mean queue length per waiting state), computed without cancellation.
    """
    x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    out = np.zeros(x.shape, dtype=float)
    d_over_a = np.zeros(x.shape, dtype=float)
    pos = y > 0
    if np.any(pos):
        xp, yp = x[pos], y[pos]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            p = special.gammainc(xp, yp)
            val = np.log(xp) + yp - xp * np.log(yp) + special.gammaln(xp) + np.log(p)
            # D = x - A (x - y)  (from (x + j) t_j = y t_{j-1})
            dva = xp * np.exp(-val) - (xp - yp)
        series = (p < _TINY) | ((xp > _SERIES_X) & (yp < xp))
        for k in np.flatnonzero(series):
            val[k], dva[k] = _log_a_series(xp[k], yp[k])
        out[pos] = val
        d_over_a[pos] = np.maximum(dva, 0.0)
    return (out, d_over_a) if with_d else out


def _log_a_series(x: float, y: float) -> tuple[float, float]:
    """(log A, D / A) from the series when y < x (terms fall at least geometrically)."""
    acc, acc_d = [0.0], [-np.inf]
    log_term, j0, step = 0.0, 1, 4096
    while True:
        j = np.arange(j0, j0 + step, dtype=float)
        logs = log_term + np.cumsum(np.log(y) - np.log(x + j))
        acc.append(float(special.logsumexp(logs)))
        acc_d.append(float(special.logsumexp(logs + np.log(j))))
        log_term = float(logs[-1])
        j0 += step
        if log_term < -45:
            break
    log_a = float(special.logsumexp(acc))
    return log_a, float(np.exp(special.logsumexp(acc_d) - log_a))


def _erlang_a(a, n, aht, patience, t):
    a, n, aht, patience, t = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (a, n, aht, patience, t)))
    mu = 1.0 / aht
    lam = a * mu
    theta = 1.0 / patience
    x = n * mu / theta                      # n mu / theta
    y = lam / theta                         # lambda / theta
    b = _erlang_b(a, n)
    log_a, d_over_a = _log_a_fn(x, y, with_d=True)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # pi_n = E / (1 + (A - 1) E); P(wait) = A pi_n = 1 / (1 + (1 - E) / (A E)), in logs
        # so that an astronomically large A (overload, long patience) cannot overflow
        ratio = np.exp(np.log1p(-b) - log_a - np.log(b))
        p_wait = np.where(b > 0, 1.0 / (1.0 + ratio), 0.0)
        rho = lam / (n * mu)
        # P(abandon | wait) = theta E[queue | wait] / lambda = D / (A y)
        #                  = 1 / (rho A) + 1 - 1 / rho, evaluated without cancellation
        p_ab_given_wait = np.where(y > 0, d_over_a / np.where(y > 0, y, 1.0), 0.0)
        p_ab_given_wait = np.clip(p_ab_given_wait, 0.0, 1.0)
        p_abandon = p_ab_given_wait * p_wait
        occ = np.minimum(rho * (1.0 - p_abandon), 1.0)
        asa = p_abandon / theta                         # mean wait of all callers (Little)
        # answered within t: P(W = 0) + int_0^t f_V(s) e^{-theta s} ds, V = offered wait
        u_log = -theta * t
        yu = y * np.exp(u_log)
        y_gain = -y * np.expm1(u_log)           # y (1 - e^{-theta t}) without cancellation
        log_a1 = _log_a_fn(x + 1.0, y)
        log_a1u = _log_a_fn(x + 1.0, yu)
        tail = np.exp((x + 1.0) * u_log + y_gain + log_a1u - log_a1)
        answered_by_t = p_wait * np.exp(log_a1 - log_a) * x / (x + 1.0) * (1.0 - tail)
        sl = (1.0 - p_wait) + answered_by_t
        # P(offered wait V > t)
        p_wait_gt_t = p_wait * np.exp(x * u_log + y_gain + _log_a_fn(x, yu) - log_a)
    zero = a == 0
    res = {
        "p_wait": np.where(zero, 0.0, np.clip(p_wait, 0.0, 1.0)),
        "p_abandon": np.where(zero, 0.0, p_abandon),
        "occupancy": np.where(zero, 0.0, occ),
        "asa": np.where(zero, 0.0, asa),
        "service_level": np.where(zero, 1.0, np.clip(sl, 0.0, 1.0)),
        "p_offered_wait_gt_target": np.where(zero, 0.0, np.clip(p_wait_gt_t, 0.0, 1.0)),
    }
    return res


def erlang_a(traffic, agents, aht, patience, target_time=20):
    """Erlang A (M/M/n+M): a queue whose callers hang up after an exponential patience.

    Parameters
    ----------
    traffic : float or array-like
        Offered load in Erlangs.
    agents : int or array-like
        Agents answering calls (>= 1).
    aht : float
        Average handle time in seconds.
    patience : float
        Mean time a caller is willing to wait, in seconds (``numpy.inf`` gives Erlang C).
    target_time : float, default 20
        Answer target in seconds for ``service_level``.

    Returns
    -------
    dict
        ``p_wait`` (P(wait > 0)), ``p_abandon`` (share of callers who hang up),
        ``occupancy`` (carried load / agents), ``asa`` (mean wait of all callers,
        seconds), ``service_level`` (share of all callers answered within
        ``target_time``) and ``p_offered_wait_gt_target`` (P(offered wait >
        target)). Floats for scalar input, arrays otherwise.

    Notes
    -----
    With ``lambda = traffic / aht``, ``mu = 1 / aht``, ``theta = 1 / patience``,
    ``x = n mu / theta``, ``y = lambda / theta`` and
    ``A(x, y) = x e^y y^-x gamma(x, y)`` (lower incomplete gamma), following
    Palm and Garnett, Mandelbaum & Reiman (2002):
    ``pi_n = E_B / (1 + (A(x, y) - 1) E_B)`` (``E_B`` the Erlang B value),
    ``P(wait) = A(x, y) pi_n``, ``P(abandon | wait) = 1 / (rho A(x, y)) + 1 - 1 / rho``
    with ``rho = lambda / (n mu)``, ``occupancy = rho (1 - P(abandon))`` and mean wait
    ``P(abandon) / theta`` (Little's law on the queue). The offered wait ``V``
    of a caller who finds ``j`` waiting satisfies ``exp(-theta V) ~ Beta(x, j + 1)``,
    which gives ``P(V > t) = P(wait) gamma(x, y e^{-theta t}) / gamma(x, y)`` and the
    service level ``P(answered within t) = 1 - P(wait) + pi_n x / (x + 1)
    [A(x+1, y) - e^{-(x+1) theta t + y (1 - e^{-theta t})} A(x+1, y e^{-theta t})]``.
    ``A`` is evaluated in log space (incomplete gamma, or its series when that
    underflows), so huge patience converges to Erlang C.

    Examples
    --------
    >>> r = erlang_a(10, 14, aht=180, patience=300)
    >>> round(r["p_wait"], 5), round(r["p_abandon"], 6), round(r["asa"], 3)
    (0.14526, 0.013984, 4.195)
    """
    a = _as_traffic(traffic)
    n = _as_agents(agents, minimum=1)
    aht = _as_positive(aht, "aht")
    pat = np.asarray(patience, dtype=float)
    if np.any(np.isnan(pat)) or np.any(pat <= 0):
        raise CallmineError(f"patience must be a number > 0 (seconds, inf for Erlang C); got {patience!r}")
    t = _as_positive(target_time, "target_time", allow_zero=True)
    if np.all(np.isinf(pat)):
        a_, n_, aht_, t_ = np.broadcast_arrays(a, n, aht, t)
        c = _erlang_c(a_, n_)
        with np.errstate(divide="ignore", invalid="ignore"):
            asa = np.where(n_ > a_, c * aht_ / (n_ - a_), np.inf)
            gt = np.where(n_ > a_, c * np.exp(-(n_ - a_) * t_ / aht_), 1.0)
        res = {"p_wait": c, "p_abandon": np.zeros_like(c), "occupancy": np.minimum(a_ / n_, 1.0),
               "asa": np.where(a_ == 0, 0.0, asa), "service_level": _service_level(a_, n_, aht_, t_),
               "p_offered_wait_gt_target": np.where(a_ == 0, 0.0, gt)}
    else:
        if np.any(np.isinf(pat)):
            raise CallmineError("patience must be all finite or all inf in one call")
        res = _erlang_a(a, n, aht, pat, t)
    return {k: _out(v) for k, v in res.items()}
