"""Mode keyword lexicons and the rules that choose a request type's automation mode.

The editable lexicons in ``callmine/data/lexicons`` (``ru``, ``kk``, ``en``;
columns ``mode,term,weight``) are read by :func:`load_lexicon`;
:func:`mode_evidence` measures how strongly a group of transcripts speaks of
each mode, and :func:`assign_modes` turns that evidence and the automation
score into a ``mode`` (``self-service``, ``proactive``, ``eliminate``,
``operator``) with a readable ``mode_reason``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd

from callmine.automation_config import MODES, AutomationConfig
from callmine.errors import CallmineError

LEXICON_DIR = Path(__file__).resolve().parent / "data" / "lexicons"
_TIE_ORDER = ("eliminate", "proactive", "self-service")


def load_lexicon(paths: Iterable | None = None, *, builtin: bool = True) -> pd.DataFrame:
    """Read mode lexicons: columns ``mode``, ``term``, ``weight``, ``source``.

    Parameters
    ----------
    paths : iterable of path-like, optional
        Extra CSV files with columns ``mode,term,weight`` (``note`` optional).
    builtin : bool
        Include the shipped ``ru``, ``kk`` and ``en`` lexicons.
    """
    files = sorted(LEXICON_DIR.glob("*.csv")) if builtin else []
    files += [Path(p) for p in (paths or [])]
    frames = []
    for f in files:
        if not f.is_file():
            raise CallmineError(f"lexicon file {str(f)!r} does not exist")
        df = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        missing = {"mode", "term", "weight"} - set(df.columns)
        if missing:
            raise CallmineError(f"lexicon file {str(f)!r} lacks column(s) {', '.join(sorted(missing))}; "
                                f"found {', '.join(df.columns)}")
        bad = sorted(set(df["mode"]) - set(MODES))
        if bad:
            raise CallmineError(f"lexicon file {str(f)!r}: mode must be one of {', '.join(MODES)}; "
                                f"got {bad[0]!r}")
        weight = pd.to_numeric(df["weight"], errors="coerce")
        if weight.isna().any() or ((weight < 0) | (weight > 1)).any():
            raise CallmineError(f"lexicon file {str(f)!r}: weight must be a number in 0..1")
        frames.append(pd.DataFrame({"mode": df["mode"], "term": df["term"].map(_fold).str.strip(),
                                    "weight": weight.astype(float), "source": f.name}))
    if not frames:
        return pd.DataFrame({"mode": [], "term": [], "weight": [], "source": []})
    out = pd.concat(frames, ignore_index=True)
    return out[out["term"] != ""].reset_index(drop=True)


def _fold(text: str) -> str:
    return str(text).lower().replace("ё", "е")


class _Matcher:
    """Lexicon terms compiled per mode and tried only at word starts.

    Alternatives are ordered by weight, then length, so the strongest and most
    specific term wins at a position; a position is skipped at once when no term
    of the mode begins with its letter.
    """

    _WORD = re.compile(r"\w+")

    def __init__(self, lexicon: pd.DataFrame):
        self.patterns = {}
        for mode in MODES:
            sub = lexicon[lexicon["mode"] == mode]
            terms = sorted(zip(sub["term"], sub["weight"]), key=lambda tw: (-tw[1], -len(tw[0]), tw[0]))
            parts, groups, firsts = [], {}, set()
            for i, (term, weight) in enumerate(terms):
                exact = term.endswith("$")
                words = term.rstrip("$").split()
                if not words:
                    continue
                body = r"\W+".join(re.escape(w) + r"\w*" for w in words[:-1])
                last = re.escape(words[-1]) + (r"(?!\w)" if exact else "")
                body = (body + r"\W+" if body else "") + last
                parts.append(f"(?P<t{i}>{body})")
                groups[f"t{i}"] = (term, float(weight))
                firsts.add(words[0][0])
            if parts:
                self.patterns[mode] = (re.compile("|".join(parts)), groups, firsts)

    def hits(self, text: str) -> dict:
        """{mode: (max weight, [terms])} for one text."""
        found: dict = {}
        folded = _fold(text)
        for word in self._WORD.finditer(folded):
            pos = word.start()
            first = folded[pos]
            for mode, (rx, groups, firsts) in self.patterns.items():
                if first in firsts:
                    m = rx.match(folded, pos)
                    if m:
                        found.setdefault(mode, []).append(groups[m.lastgroup])
        return {mode: (max(w for _, w in hits), [t for t, _ in hits]) for mode, hits in found.items()}


def mode_evidence(texts: Sequence[str], lexicon: pd.DataFrame) -> pd.DataFrame:
    """Per-mode evidence of a group of texts: mean over texts of the best term weight.

    Returns a DataFrame indexed by mode with ``evidence`` (0..1), ``hit_rate``
    (share of texts with a hit) and ``terms`` (most frequent matched terms).
    """
    matcher = lexicon if isinstance(lexicon, _Matcher) else _Matcher(lexicon)
    n = max(len(texts), 1)
    total = dict.fromkeys(MODES, 0.0)
    hits = dict.fromkeys(MODES, 0)
    counts: dict = {m: {} for m in MODES}
    for text in texts:
        for mode, (weight, terms) in matcher.hits(text).items():
            total[mode] += weight
            hits[mode] += 1
            for t in set(terms):
                counts[mode][t] = counts[mode].get(t, 0) + 1
    return pd.DataFrame({
        "evidence": [total[m] / n for m in MODES],
        "hit_rate": [hits[m] / n for m in MODES],
        "terms": [[t for t, _ in sorted(counts[m].items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
                  for m in MODES],
    }, index=list(MODES))


def assign_modes(table: pd.DataFrame, config: AutomationConfig | None = None) -> pd.DataFrame:
    """Add ``mode`` and ``mode_reason`` in place, by these rules in order.

    Evidence per mode = text evidence + 0.5 x name evidence (terms in the type's name).

    1. out-of-scope labels (``config.other_labels``) -> ``operator``;
    2. a per-type override in ``config.modes`` -> that mode;
    3. operator (complaint/emotion) evidence >= ``operator_threshold`` -> ``operator``;
    4. ``automation_score`` < ``min_score`` -> ``operator`` (too varied, long or rare);
    5. the strongest of ``eliminate``, ``proactive``, ``self-service`` evidence, if
       >= ``min_evidence`` (ties in that order);
    6. otherwise ``self-service`` (templated but no keyword evidence).
    """
    config = (config or AutomationConfig()).validate()
    modes, reasons = [], []
    others = {str(x) for x in config.other_labels}
    for _, row in table.iterrows():
        ev = {m: float(row.get(f"evidence_{m.replace('-', '_')}", 0.0) or 0.0)
              + 0.5 * float(row.get(f"name_evidence_{m.replace('-', '_')}", 0.0) or 0.0) for m in MODES}
        terms = _terms_by_mode(row.get("evidence_terms", ""))
        name = row["request_type"]
        if name in others:
            mode, why = "operator", "out-of-scope or unassigned requests"
        elif name in config.modes:
            mode, why = config.modes[name], "config override"
        elif ev["operator"] >= config.operator_threshold:
            mode, why = "operator", f"complaint/emotion evidence {ev['operator']:.2f}" + _t(terms, "operator")
        elif row["automation_score"] < config.min_score:
            mode, why = "operator", f"automation score {row['automation_score']:.2f} < {config.min_score}"
        else:
            best = max(_TIE_ORDER, key=lambda m: (ev[m], -_TIE_ORDER.index(m)))
            if ev[best] >= config.min_evidence:
                mode, why = best, f"{best} evidence {ev[best]:.2f}" + _t(terms, best)
            else:
                mode, why = "self-service", "no keyword evidence; templated enough to automate"
        modes.append(mode)
        reasons.append(why)
    table["mode"] = modes
    table["mode_reason"] = reasons
    table["_operator_rank"] = (table["mode"] == "operator").astype(int)
    return table


def _terms_by_mode(text) -> dict:
    out = {}
    for part in str(text or "").split("; "):
        if ": " in part:
            m, t = part.split(": ", 1)
            out[m] = t
    return out


def _t(terms: dict, mode: str) -> str:
    return f" ({terms[mode]})" if terms.get(mode) else ""
