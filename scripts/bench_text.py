"""Benchmark the callmine text pipeline and redaction; prints ONE JSON object.

Measured in one process on one core (single thread):

- throughput of the full pipeline (``TextNormalizer``: redaction, customer
  side, normalisation, tokenisation, stop words, stemming) on generated
  spoken-style calls of about 60 words, with warm caches (steady state) and
  from cold caches (first pass), for ``speaker="customer"`` and ``"all"``;
- throughput of ``callmine.pii.redact`` alone;
- the baseline named in issue 3, in the same run: the same tokens stemmed by
  uncached Snowball (``SnowballStemmer.stem`` per word, no cache) - the
  "about 30,000 words/s for Russian" figure;
- redaction precision/recall and the share of non-personal numbers kept on
  the labelled set of ``tests/pii_cases.py`` (generated deterministically);
- if ``sample_data/calls.csv`` exists (written by another generator): residual
  personal data after redaction (digit runs of 7+ digits, ``@``, names after
  an introduction), language-id agreement with its ``language`` column, and
  pipeline throughput on those (shorter) calls.

Usage::

    python scripts/bench_text.py [--n 20000] [--cases 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load_cases_module():
    spec = importlib.util.spec_from_file_location("pii_cases", ROOT / "tests" / "pii_cases.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["pii_cases"] = mod
    spec.loader.exec_module(mod)
    return mod


def _clear_caches():
    from callmine import pii, text

    text._CACHES.clear()
    text.stem_kk.cache_clear()
    text._stem_snowball.cache_clear()
    pii._STATE = pii._new_state()


def _best_time(fn, repeat):
    """Best (wall, cpu) seconds over ``repeat`` runs; cpu is this process's CPU time."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        t = (time.perf_counter() - w0, time.process_time() - c0)
        if t[1] < best[1]:
            best = t
    return best


def _rates(n_docs, n_words, times):
    """Rates per CPU-second of one core (the target's unit) and per wall-clock second."""
    wall, cpu = times
    cpu = max(cpu, 1e-9)
    return {
        "transcripts_per_s": round(n_docs / cpu),
        "words_per_s": round(n_words / cpu),
        "cpu_seconds": round(cpu, 4),
        "wall_transcripts_per_s": round(n_docs / wall),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000, help="generated calls to time")
    ap.add_argument("--cases", type=int, default=5000, help="labelled redaction cases")
    ap.add_argument("--repeat", type=int, default=3, help="timed repeats (best is reported)")
    ap.add_argument("--sample", default=str(ROOT / "sample_data" / "calls.csv"))
    args = ap.parse_args(argv)

    from nltk.stem.snowball import SnowballStemmer

    from callmine import pii
    from callmine.stopwords import stop_words
    from callmine.text import TextNormalizer, _TOKENIZER, detect_language

    pc = _load_cases_module()
    calls = [t for t, _ in pc.make_transcripts(args.n, seed=2024, words=60)]
    n_words = sum(len(t.split()) for t in calls)
    result = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
            "note": "single process, single thread; rates are per CPU-second of this process "
            "(time.process_time), wall_* rates are per wall-clock second on a shared machine",
        },
        "transcripts": {"n": len(calls), "mean_words": round(n_words / len(calls), 1)},
        "target_transcripts_per_s_per_core": 20000,
    }

    # ---- full pipeline
    for speaker in ("customer", "all"):
        tn = TextNormalizer(speaker=speaker).fit(calls[:10])
        _clear_caches()
        cold = _best_time(lambda: tn.transform(calls), 1)
        warm = _best_time(lambda: tn.transform(calls), args.repeat)
        result[f"pipeline_{speaker}"] = {"warm": _rates(len(calls), n_words, warm),
                                         "cold_first_pass": _rates(len(calls), n_words, cold)}

    # ---- redaction alone
    warm = _best_time(lambda: [pii.redact(t) for t in calls], args.repeat)
    result["redaction_only"] = _rates(len(calls), n_words, warm)

    # ---- language identification alone
    warm = _best_time(lambda: [detect_language(t) for t in calls], args.repeat)
    result["language_id_only"] = _rates(len(calls), n_words, warm)

    # ---- baseline of the issue: uncached Snowball on the same tokens
    sub = calls[: max(500, len(calls) // 10)]
    toks = [t for doc in sub for t in _TOKENIZER.tokenize(doc.lower())]
    ru, en = SnowballStemmer("russian"), SnowballStemmer("english")
    sw = stop_words("all")
    lat = re.compile(r"[a-z]")

    def baseline():
        for t in toks:
            if t in sw:
                continue
            (en if lat.search(t) else ru).stem(t)

    t_base = _best_time(baseline, 1)[1]
    result["baseline_uncached_snowball"] = {
        "words_per_s": round(len(toks) / t_base),
        "transcripts_per_s_equivalent": round(len(sub) / t_base),
        "what": "lower + RegexpTokenizer + stop words + SnowballStemmer.stem per token, no cache, no redaction",
    }
    pipe_rate = result["pipeline_customer"]["warm"]["transcripts_per_s"]
    result["speedup_vs_baseline"] = round(pipe_rate / result["baseline_uncached_snowball"]["transcripts_per_s_equivalent"], 1)
    result["meets_throughput_target"] = pipe_rate >= 20000

    # ---- redaction quality on the labelled set
    cases = pc.make_cases(args.cases, seed=7)
    score = pc.score(pii.redact, cases)
    misses = score.pop("misses")
    score["first_misses"] = [m[:2] for m in misses[:5]]
    score["meets_targets"] = score["recall"] >= 0.995 and score["non_personal_kept"] >= 0.98
    result["redaction_labelled_set"] = score

    # ---- sample_data, if present
    sample = Path(args.sample)
    if sample.is_file():
        import pandas as pd

        df = pd.read_csv(sample)
        texts = [t for t in df["text"].astype(str)]
        red = [pii.redact(t) for t in texts]
        long_digits = sum(len(re.findall(r"\d(?:[\s\-()]{0,2}\d){6,}", r)) for r in red)
        at = sum("@" in r for r in red)
        names = sum(
            1
            for r in red
            for m in re.finditer(r"(?:зовут|атым|есімім|name is)\s+(\S+)", r, re.I)
            if not m.group(1).startswith("<")
        )
        # names from the sample generator's own lists still readable after redaction
        # (an independent check: those lists were written by another author)
        known_names = None
        try:
            from callmine import synth_phrases as P

            lists = [getattr(P, a) for a in ("OPERATOR_NAMES", "FIRST_NAMES", "LAST_NAMES", "LATIN_NAMES") if hasattr(P, a)]
            gen_names = {n.lower() for lst in lists for n in lst}
            gen_names |= {n + "а" for n in gen_names if n.endswith(("ов", "ев", "ин"))}
            gen_names.discard("ли")  # also the Russian particle "ли", everywhere in the calls
            known_names = sum(
                1 for r in red for w in re.findall(r"[^\W\d_]+", r.lower()) if w in gen_names
            )
        except ImportError:
            pass
        placeholders = {}
        for r in red:
            for p in re.findall(r"<[A-Z]+>", r):
                placeholders[p] = placeholders.get(p, 0) + 1
        sd = {
            "file": str(sample.relative_to(ROOT)) if sample.is_relative_to(ROOT) else str(sample),
            "calls": len(texts),
            "mean_words": round(sum(len(t.split()) for t in texts) / len(texts), 1),
            "placeholders": dict(sorted(placeholders.items())),
            "residual_digit_runs_7plus": long_digits,
            "residual_at_signs": at,
            "residual_names_after_introduction": names,
            "residual_generator_names": known_names,
        }
        if "language" in df.columns:
            det = [detect_language(t) for t in texts]
            sd["language_agreement"] = round(sum(a == b for a, b in zip(det, df["language"])) / len(texts), 4)
        tn = TextNormalizer().fit(texts[:10])
        sd_words = sum(len(t.split()) for t in texts)
        _clear_caches()
        sd["pipeline_customer_cold_first_pass"] = _rates(len(texts), sd_words, _best_time(lambda: tn.transform(texts), 1))
        sec = _best_time(lambda: tn.transform(texts), args.repeat)
        sd["pipeline_customer_warm"] = _rates(len(texts), sd_words, sec)
        result["sample_data"] = sd

    result["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
