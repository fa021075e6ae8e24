"""Cross-lingual domain concepts: ru / kk / en words -> one concept token.

Calls of the same request type in Russian, Kazakh and English share few
words (``заявка`` / ``өтініш`` / ``application``), so lexical clustering
splits them by language. The editable lexicon in
``callmine/data/concepts/egov.csv`` (columns ``concept,lang,term``; lines
starting with ``#`` are comments) maps the surface forms of general
e-government vocabulary to one canonical concept, and
:class:`ConceptMapper` turns the stemmed token strings of
:class:`callmine.text.TextNormalizer` into concept tokens
(``concept:application concept:status``) that
:class:`callmine.discover.RequestTypeDiscoverer` adds as a feature block.

Matching: every lexicon term is run through the same text pipeline
(:func:`callmine.text.analyze`, stemmed, stop words dropped), so inflected
forms match; a term word whose stem has at least ``prefix_min`` letters also
matches longer tokens that start with it (Kazakh case endings such as
``куәлігін``). Multi-word terms (``құпия сөз``) match consecutive tokens; the
longest term wins. A call without any lexicon word gets no concept token.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from callmine.errors import CallmineError, DataError

__all__ = ["CONCEPT_DIR", "CONCEPT_PREFIX", "load_concepts", "ConceptMapper", "concepts_of"]

CONCEPT_DIR = Path(__file__).resolve().parent / "data" / "concepts"
#: Prefix of the concept tokens (cannot collide with a stemmed word).
CONCEPT_PREFIX = "concept:"
_COLUMNS = ("concept", "lang", "term")
_LANGS = ("ru", "kk", "en")


def load_concepts(paths: Iterable | str | Path | None = None, *,
                  builtin: bool = True) -> pd.DataFrame:
    """Read concept lexicons: columns ``concept``, ``lang``, ``term``, ``source``.

    Parameters
    ----------
    paths : path or iterable of paths, optional
        Extra CSV files with columns ``concept,lang,term`` (``#`` comment
        lines allowed), read after the built-in ones.
    builtin : bool, default=True
        Include every ``*.csv`` of ``callmine/data/concepts``.

    Returns
    -------
    pandas.DataFrame
        One row per (concept, lang, term), duplicates removed, file order kept.
    """
    files: list[Path] = sorted(CONCEPT_DIR.glob("*.csv")) if builtin else []
    if paths is not None:
        if isinstance(paths, (str, Path)):
            paths = [paths]
        files += [Path(p) for p in paths]
    frames = []
    for f in files:
        if not f.is_file():
            raise DataError(f"concept lexicon {str(f)!r} not found")
        df = pd.read_csv(f, dtype=str, comment="#", keep_default_na=False, encoding="utf-8-sig")
        missing = [c for c in _COLUMNS if c not in df.columns]
        if missing:
            raise DataError(f"concept lexicon {str(f)!r} lacks column(s) {missing}; "
                            f"columns found: {list(df.columns)}")
        df = df[list(_COLUMNS)].apply(lambda s: s.str.strip())
        bad = df[~df["lang"].str.lower().isin(_LANGS)]
        if len(bad):
            raise DataError(f"concept lexicon {str(f)!r}: lang must be one of {_LANGS}, "
                            f"got {bad['lang'].iloc[0]!r} for term {bad['term'].iloc[0]!r}")
        bad = df[(df["concept"] == "") | (df["term"] == "") | df["concept"].str.contains(r"\s")]
        if len(bad):
            raise DataError(f"concept lexicon {str(f)!r}: every row needs a one-word concept "
                            f"and a term, got concept={bad['concept'].iloc[0]!r} "
                            f"term={bad['term'].iloc[0]!r}")
        df["lang"] = df["lang"].str.lower()
        df["source"] = str(f)
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=[*_COLUMNS, "source"])
    out = pd.concat(frames, ignore_index=True)
    return out.drop_duplicates(["concept", "lang", "term"]).reset_index(drop=True)


def _stems(term: str) -> tuple[str, ...]:
    from callmine.text import analyze
    return tuple(analyze(term, redact=False, speaker="all", stem=True, stop_words=True))


class ConceptMapper(TransformerMixin, BaseEstimator):
    """Map normalised (stemmed) token strings to concept-token strings.

    Parameters
    ----------
    lexicon : path, iterable of paths or DataFrame, optional
        Extra lexicon file(s) (see :func:`load_concepts`) or a DataFrame with
        columns ``concept``, ``term``.
    builtin : bool, default=True
        Use the shipped lexicon ``callmine/data/concepts/*.csv``.
    prefix_min : int, default=5
        A term stem this long or longer also matches tokens that start with it.

    Attributes
    ----------
    concepts_ : list of str
        Concept names known, sorted.
    n_terms_ : int
        Lexicon terms indexed (terms that are all stop words are skipped).

    Examples
    --------
    >>> from callmine.text import analyze
    >>> m = ConceptMapper().fit()
    >>> m.transform([" ".join(analyze("Маған зейнетақы туралы анықтама керек"))])
    ['concept:pension concept:certificate']
    """

    def __init__(self, *, lexicon=None, builtin: bool = True, prefix_min: int = 5):
        self.lexicon = lexicon
        self.builtin = builtin
        self.prefix_min = prefix_min

    def fit(self, X=None, y=None) -> "ConceptMapper":
        """Index the lexicon (``X`` is ignored)."""
        pm = self.prefix_min
        if isinstance(pm, bool) or not isinstance(pm, int) or pm < 1:
            raise CallmineError(f"prefix_min must be a positive integer, got {pm!r}")
        if isinstance(self.lexicon, pd.DataFrame):
            missing = [c for c in ("concept", "term") if c not in self.lexicon.columns]
            if missing:
                raise DataError(f"lexicon DataFrame lacks column(s) {missing}; "
                                f"columns found: {list(self.lexicon.columns)}")
            lex = self.lexicon[["concept", "term"]].astype(str)
            if self.builtin:
                lex = pd.concat([load_concepts()[["concept", "term"]], lex], ignore_index=True)
        else:
            lex = load_concepts(self.lexicon, builtin=bool(self.builtin))
        index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        n = 0
        for concept, term in zip(lex["concept"], lex["term"]):
            stems = _stems(term)
            if not stems:
                continue
            entry = (stems, CONCEPT_PREFIX + concept)
            bucket = index.setdefault(stems[0], [])
            if entry not in bucket:
                bucket.append(entry)
                n += 1
        for bucket in index.values():  # longest phrase first
            bucket.sort(key=lambda e: -len(e[0]))
        self.index_ = index
        self.n_terms_ = n
        self.concepts_ = sorted({c[len(CONCEPT_PREFIX):] for b in index.values() for _, c in b})
        return self

    def _word_match(self, stem: str, tok: str) -> bool:
        return tok == stem or (len(stem) >= self.prefix_min and tok.startswith(stem))

    def _candidates(self, tok: str):
        out = list(self.index_.get(tok, ()))
        for L in range(int(self.prefix_min), len(tok)):
            out.extend(self.index_.get(tok[:L], ()))  # stems of L >= prefix_min letters
        return out

    def map_tokens(self, tokens: Sequence[str]) -> list[str]:
        """Concept tokens found in one list of stemmed tokens (in order, duplicates kept)."""
        return self.replace_tokens(tokens, keep_other=False)

    def replace_tokens(self, tokens: Sequence[str], *, keep_other: bool = True) -> list[str]:
        """``tokens`` with every matched term replaced by its concept token(s).

        With ``keep_other=False`` only the concept tokens are returned.
        """
        check_is_fitted(self, "index_")
        out: list[str] = []
        i, n = 0, len(tokens)
        while i < n:
            best_len, best = 0, []
            for stems, concept in self._candidates(tokens[i]):
                L = len(stems)
                if L < best_len or i + L > n:
                    continue
                if all(self._word_match(s, t) for s, t in zip(stems, tokens[i:i + L])):
                    if L > best_len:
                        best_len, best = L, []
                    if concept not in best:
                        best.append(concept)
            if best_len:
                out.extend(best)
                i += best_len
            else:
                if keep_other:
                    out.append(tokens[i])
                i += 1
        return out

    def transform(self, X) -> list[str]:
        """Concept-token strings (space-joined) of normalised token strings."""
        check_is_fitted(self, "index_")
        if isinstance(X, str):
            raise CallmineError("expected a list of token strings, got one str; wrap it in a list")
        return [" ".join(self.map_tokens(str(doc).split())) for doc in X]


def concepts_of(text: str, mapper: ConceptMapper | None = None) -> list[str]:
    """Concept names (without prefix) found in one raw transcript (customer side).

    >>> concepts_of("Caller: I forgot my password for the portal")
    ['password', 'portal']
    """
    from callmine.text import analyze
    m = mapper if mapper is not None else ConceptMapper().fit()
    return [c[len(CONCEPT_PREFIX):] for c in m.map_tokens(analyze(text))]
