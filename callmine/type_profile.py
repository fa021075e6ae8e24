"""Text profile of request types: similarity, distinctive terms, redacted examples, mode evidence.

Redaction comes first: every transcript passes through
:func:`callmine.pii.redact` (and long digit runs are masked) before its words
are counted or quoted, and rare capitalised words are masked in examples.
Used by :func:`callmine.automation.analyze_automation`.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from callmine.automation_config import MODES
from callmine.lexicon import _fold, _Matcher, mode_evidence

_OPERATOR_SPEAKERS = re.compile(
    r"^\s*(оператор|operator|agent|агент|маман|специалист|консультант|бот|bot|ivr)\s*[:\-]",
    re.IGNORECASE)
_SPEAKER = re.compile(r"^\s*[\w ]{1,20}[:]\s*")
_LONG_DIGITS = re.compile(r"(?<!\d)\d(?:[ \-]?\d){6,}(?!\d)")  # 7+ digits: ids, numbers


def _redact(text: str) -> str:
    try:
        from callmine.pii import redact
    except ImportError:  # pragma: no cover - the text helper ships pii.py
        redact = None
    text = redact(text) if redact else text
    return _LONG_DIGITS.sub("<NUM>", text)


def customer_text(text: str) -> str:
    """The caller's side of a transcript (lines not spoken by the operator)."""
    try:
        from callmine.text import customer_side
        return customer_side(text)
    except ImportError:  # pragma: no cover
        pass
    lines = str(text).splitlines()
    if len(lines) <= 1:
        return str(text)
    kept = [_SPEAKER.sub("", ln) for ln in lines if not _OPERATOR_SPEAKERS.match(ln)]
    return " ".join(kept) if kept else str(text)


def _normalise(texts: list[str]) -> list[str]:
    """Redacted, lower-cased, stop-word-free token strings (not stemmed: readable terms)."""
    try:
        from callmine.text import TextNormalizer
        return list(TextNormalizer(redact=True, speaker="customer", stem=False).fit_transform(texts))
    except ImportError:  # pragma: no cover
        return [" ".join(re.findall(r"[^\W\d_]{2,}", _fold(_redact(t)))) for t in texts]


def _text_profile(df, table, type_col, text_col, sample_size, random_state, lexicon):
    """Similarity, top terms, redacted examples and lexicon evidence per type."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    rng = np.random.default_rng(random_state)
    samples = {}
    for t, idx in df.groupby(type_col, sort=False).indices.items():
        idx = np.asarray(idx)
        samples[t] = np.sort(rng.choice(idx, size=sample_size, replace=False)) if len(idx) > sample_size else idx
    all_idx = np.concatenate([samples[t] for t in table["request_type"]])
    raw = df[text_col].astype("string").fillna("").to_numpy(dtype=object)[all_idx]
    customer = [customer_text(x) for x in raw]
    if "language" in df.columns:
        langs = df["language"].astype("string").fillna("").to_numpy(dtype=object)[all_idx]
    else:
        try:
            from callmine.text import detect_language
        except ImportError:  # pragma: no cover
            detect_language = lambda text: ""  # noqa: E731
        langs = np.array([detect_language(x) for x in customer], dtype=object)
    norm = _normalise(list(raw))
    vec = TfidfVectorizer(analyzer=str.split, min_df=2, sublinear_tf=True)
    try:
        X = vec.fit_transform(norm)
    except ValueError:  # empty vocabulary
        vec = TfidfVectorizer(analyzer=str.split, min_df=1, sublinear_tf=True)
        X = vec.fit_transform([s or "_" for s in norm])
    vocab = np.asarray(vec.get_feature_names_out())
    # Words in at least 3 sampled calls (after redaction) are "common": never masked in examples.
    doc_freq = Counter()
    for x in customer:
        doc_freq.update(set(re.findall(r"[^\W\d_]+", _fold(_redact(x)))))
    common = {w for w, f in doc_freq.items() if f >= 3}
    matcher = _Matcher(lexicon)
    sims, terms, examples, evidence, name_ev, ev_terms = [], [], [], [], [], []
    counts = np.vstack([np.asarray(X[_slice(all_idx, samples, table, i)].sum(axis=0)).ravel()
                        for i in range(len(table))]) if len(table) else np.zeros((0, len(vocab)))
    ctfidf = _ctfidf(counts)
    for i, t in enumerate(table["request_type"]):
        rows = _slice(all_idx, samples, table, i)
        Xi = X[rows]
        s = np.asarray(Xi.sum(axis=0)).ravel()
        sims.append(_within_similarity(Xi, langs[rows]))
        top = [vocab[j] for j in np.argsort(-ctfidf[i])[:12]
               if ctfidf[i, j] > 0 and not vocab[j].startswith("<")][:6]
        terms.append(", ".join(top))
        centroid = s / (np.linalg.norm(s) or 1.0)
        closeness = np.asarray(Xi @ centroid).ravel()
        texts_i = [customer[j] for j in range(rows.start, rows.stop)]
        examples.append(" | ".join(_examples(texts_i, closeness, common)))
        ev = mode_evidence(texts_i, matcher)
        name_hits = matcher.hits(str(t).replace("_", " "))
        evidence.append(ev["evidence"])
        name_ev.append({mo: name_hits.get(mo, (0.0, []))[0] for mo in MODES})
        ev_terms.append("; ".join(f"{mo}: {', '.join(ev.loc[mo, 'terms'])}" for mo in MODES
                                  if ev.loc[mo, "terms"]))
    table["similarity"] = np.round(sims, 4)
    table["top_terms"] = terms
    table["examples"] = examples
    for mo in MODES:
        key = mo.replace("-", "_")
        table[f"evidence_{key}"] = np.round([e[mo] for e in evidence], 4)
        table[f"name_evidence_{key}"] = [e[mo] for e in name_ev]
    table["evidence_terms"] = ev_terms


def _within_similarity(X, langs: np.ndarray) -> float:
    """Mean cosine similarity over pairs of calls in the same language (rows of X are L2-normalised).

    Pairs across languages are left out, so that a type asked in Russian, Kazakh and
    English is as "templated" as one asked in a single language.
    """
    num = den = 0.0
    for lang in np.unique(langs):
        Xg = X[np.flatnonzero(langs == lang)]
        m = Xg.shape[0]
        if m > 1:
            s = np.asarray(Xg.sum(axis=0)).ravel()
            num += float(s @ s - Xg.multiply(Xg).sum())
            den += m * (m - 1)
    if den == 0:
        m = X.shape[0]
        if m < 2:
            return np.nan
        s = np.asarray(X.sum(axis=0)).ravel()
        return float((s @ s - X.multiply(X).sum()) / (m * (m - 1)))
    return num / den


def _slice(all_idx, samples, table, i) -> slice:
    sizes = [len(samples[t]) for t in table["request_type"]]
    start = int(sum(sizes[:i]))
    return slice(start, start + sizes[i])


def _ctfidf(counts: np.ndarray) -> np.ndarray:
    """Class-based TF-IDF (BERTopic): tf per class times log(1 + A / f_term)."""
    if counts.size == 0:
        return counts
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1e-12)
    avg = counts.sum() / counts.shape[0]
    idf = np.log1p(avg / np.maximum(counts.sum(axis=0), 1e-12))
    return tf * idf


def _examples(texts: list[str], closeness: np.ndarray, common: set, k: int = 3) -> list[str]:
    """Up to k typical (closest to the centroid), distinct, redacted examples."""
    out, seen = [], set()
    for j in np.argsort(-closeness, kind="mergesort"):
        text = _mask_rare_names(_redact(texts[j]), common)
        text = re.sub(r"\s+", " ", text).strip()
        if len(text) > 180:
            text = text[:177].rsplit(" ", 1)[0] + "…"
        key = text.lower()
        if text and key not in seen:
            seen.add(key)
            out.append(text)
        if len(out) == k:
            break
    return out


def _mask_rare_names(text: str, common: set) -> str:
    """Mask capitalised words that are rare in the log (likely names) as <PERSON>."""
    def repl(m):
        word = m.group(0)
        if word[0].isupper() and m.start() > 0 and word.lower() not in common and len(word) > 2 \
                and not word.isupper():
            return "<PERSON>"
        return word
    return re.sub(r"[^\W\d_]+", repl, text)
