"""Benchmark ``callmine classify``: throughput and peak memory, against plain baselines.

Prints ONE JSON object to stdout (progress notes go to stderr).

Part 1, national scale: generates ``--n`` synthetic hotline transcripts with
``callmine.synth`` (default 1,000,000), trains a ``fast`` model (as
``callmine train --profile fast`` does) on separately generated calls, then
measures, each in its own process (whole process: start-up, model load,
reading, classifying, writing), wall time and CPU time (all processes):

* ``callmine classify --jobs 1`` and ``--jobs 2``;
* the plain baseline: ``pandas.read_csv`` of the whole file, the same model's
  ``predict``, ``to_csv``;
* ``--jobs 2`` again on a tenth of the file, to show that memory stays flat.

Peak memory is the largest sum over the process and all its descendants
(workers included) of the proportional set size (PSS: shared pages split
among the processes sharing them) sampled every 50 ms from /proc; also the
same sum of resident sizes (RSS, counts shared pages once per process) and
the largest single process (``getrusage(RUSAGE_CHILDREN)`` of a wrapper).

Part 2, BANKING77 (``../shared/data/banking77``, skipped when absent): the
3,080 test requests repeated to ``--banking-rows`` rows (default 200,000);
``callmine classify --jobs 1`` with a ``fast`` model trained on the train
set, whole process, next to fastText (``fasttext-numpy2``) trained on the same train set (fixed seed,
one thread) and predicting the same rows in the same run; and the model's
own speed, stage by stage, on the distinct test requests (the repeated rows
are classified once per distinct text inside each chunk).

Every run records the 1-minute load average before it starts: on a shared
machine, wall times of runs made under load are not comparable; CPU seconds
are less sensitive to it.

``callmine classify`` loads a ``fast`` model's lean form (no scikit-learn import,
bit-identical predictions); the baseline loads the full model with ``load_model``.
``cpu_accounting`` turns the CPU seconds into the best speed-up ``--jobs 2`` could
show on 2 idle cores.

Usage::

    python scripts/bench_batch.py                       # 1,000,000 calls (~15 min on 2 cores)
    python scripts/bench_batch.py --n 100000 --banking-rows 50000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
PY = sys.executable
TARGET_CALLS_PER_YEAR = 5_100_000


def log(msg: str) -> None:
    print(f"[bench_batch] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Measuring a command: wall time, peak memory of its process tree
# ---------------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out.extend(int(c) for c in fh.read().split())
    except OSError:
        pass
    return out


def _mem_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of ``pid`` in kB. PSS shares each shared page among the processes
    mapping it, so summing PSS over a process tree does not count libraries and
    copy-on-write pages of forked workers twice."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of ``pid`` so far (0 if gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def _tree(root: int) -> list[int]:
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid not in out:
            out.append(pid)
            todo.extend(_children(pid))
    return out


_WRAPPER = (
    "import json, resource, subprocess, sys\n"
    "rc = subprocess.call(sys.argv[1:])\n"
    "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(json.dumps({'rc': rc, 'maxrss_kb': ru.ru_maxrss, 'cpu_s': ru.ru_utime + ru.ru_stime}),"
    " file=sys.stderr)\n"
)


def measure(cmd: list[str], label: str) -> dict:
    """Run ``cmd`` in a wrapper process; return seconds and peak memory."""
    log(f"{label}: {' '.join(cmd)}")
    load_before = round(os.getloadavg()[0], 2)
    t0 = time.perf_counter()
    proc = subprocess.Popen([PY, "-c", _WRAPPER, *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    peak = {"rss": 0, "pss": 0}
    cpu: dict[int, float] = {}
    main_pid: list[int] = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            pids = _tree(proc.pid)[1:]  # without the wrapper
            if pids and not main_pid:
                main_pid.append(pids[0])
            mems = [_mem_kb(pid) for pid in pids]
            peak["rss"] = max(peak["rss"], sum(m[0] for m in mems))
            peak["pss"] = max(peak["pss"], sum(m[1] for m in mems))
            for pid in pids:
                cpu[pid] = max(cpu.get(pid, 0.0), _cpu_s(pid))
            stop.wait(0.05)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - t0
    stop.set()
    th.join()
    last = err.strip().splitlines()[-1] if err.strip() else "{}"
    try:
        info = json.loads(last)
    except ValueError:
        info = {"rc": proc.returncode, "maxrss_kb": 0}
    if info.get("rc") != 0:
        sys.stderr.write(err)
        raise SystemExit(f"{label} failed with exit status {info.get('rc')}")
    main_cpu = cpu.get(main_pid[0], 0.0) if main_pid else 0.0
    return {"seconds": round(seconds, 2), "cpu_seconds": round(info.get("cpu_s", 0.0), 2),
            "load_avg_1min_after": round(os.getloadavg()[0], 2),
            "cpu_seconds_sampled_main_process": round(main_cpu, 2),
            "cpu_seconds_sampled_other_processes": round(sum(cpu.values()) - main_cpu, 2),
            "load_avg_1min_before": load_before, "peak_pss_tree_mb": round(peak["pss"] / 1024, 1),
            "peak_rss_tree_mb": round(peak["rss"] / 1024, 1),
            "max_rss_single_process_mb": round(info["maxrss_kb"] / 1024, 1)}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


_BASELINE = """
import sys, pandas as pd
from callmine.persist import load_model
model_path, src, out, text_col = sys.argv[1:5]
model = load_model(model_path)
df = pd.read_csv(src)
df["request_type"] = model.predict(df[text_col].fillna("").astype(str).tolist())
df.to_csv(out, index=False)
"""


def train_fast_model(train_csv: Path, label_col: str, model_path: Path) -> None:
    """The ``fast`` profile with its defaults, as ``callmine train --profile fast`` trains it."""
    from callmine.classify import RequestTypeClassifier
    from callmine.persist import save_model

    df = pd.read_csv(train_csv, dtype=str, keep_default_na=False)
    model = RequestTypeClassifier(profile="fast", random_state=0).fit(df["text"].tolist(),
                                                                    df[label_col].tolist())
    save_model(model, model_path)


def profile_model(model_path: Path, texts: list[str], work: Path) -> dict:
    """CPU seconds per pipeline stage of ``predict_with_confidence`` on the distinct ``texts``.

    Runs in a fresh process, so that the text pipeline's caches start empty:
    ``cold`` is what the first chunk of a run sees, ``warm`` the same texts
    again (what the caches give), ``cold_stage_cpu_seconds`` the stages of
    the model's pipeline one by one in another fresh process.
    """
    path = work / "profile_texts.json"
    path.write_text(json.dumps(list(dict.fromkeys(texts)), ensure_ascii=False), encoding="utf-8")
    out = {}
    for mode in ("whole", "stages"):
        res = subprocess.run([PY, __file__, "--profile-model", str(model_path), str(path), mode],
                             check=True, capture_output=True, text=True)
        out.update(json.loads(res.stdout))
    return out


def _profile_child(model_path: str, texts_path: str, mode: str) -> dict:
    from callmine.persist import load_model

    if mode == "readers":  # texts_path is the input CSV here
        from callmine.batch import fewer_gc_passes
        from callmine.io import iter_calls

        c0 = time.process_time()
        with fewer_gc_passes():  # as in a classify job
            n = sum(chunk.n_input for chunk in iter_calls(texts_path, chunksize=50_000))
        io_cpu = time.process_time() - c0
        c0 = time.process_time()
        pd.read_csv(texts_path)
        return {"rows": n, "callmine_io_iter_calls_cpu_seconds": round(io_cpu, 2),
                "pandas_read_csv_cpu_seconds": round(time.process_time() - c0, 2)}
    texts = json.loads(Path(texts_path).read_text(encoding="utf-8"))
    if mode in ("whole", "batch=None") or mode.startswith("batch="):
        from callmine.persist import load_predictor  # what callmine classify uses

        model = load_predictor(model_path)
    else:
        model = load_model(model_path)
    if mode.startswith("batch="):  # one chunk through predict_texts, fresh process
        from callmine.batch import predict_texts

        limit = None if mode == "batch=None" else int(mode[len("batch="):])
        c0 = time.process_time()
        predict_texts(model, texts, max_batch_chars=limit)
        return {mode: round(time.process_time() - c0, 3)}
    if mode == "whole":
        result = {"texts": len(texts)}
        for name in ("cold", "warm"):
            c0 = time.process_time()
            model.predict_with_confidence(texts)
            cpu = time.process_time() - c0
            result[name] = {"cpu_seconds": round(cpu, 3), "rows_per_cpu_s": round(len(texts) / cpu, 1)}
        return result
    stages, data = {}, texts
    for name, step in getattr(getattr(model, "pipeline_", None), "steps", []):
        c0 = time.process_time()
        data = step.transform(data) if hasattr(step, "transform") else step.decision_function(data)
        stages[name] = round(time.process_time() - c0, 3)
    return {"cold_stage_cpu_seconds": stages}


def classify_cmd(model: Path, src: Path, out: Path, jobs: int, extra=()) -> list[str]:
    return [PY, "-m", "callmine", "classify", str(model), str(src), "-o", str(out),
            "--jobs", str(jobs), "--quiet", *extra]


# ---------------------------------------------------------------------------
# Part 1: synthetic national-scale file
# ---------------------------------------------------------------------------

def national(n: int, work: Path, chunksize: int, train_n: int) -> dict:
    from callmine.synth import generate_calls, write_calls

    src = work / "calls.csv"
    t0 = time.perf_counter()
    write_calls(src, n, seed=1)
    log(f"generated {n:,} calls ({src.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f} s")
    small = work / "calls_tenth.csv"
    # The first tenth of the rows, same header.
    head = pd.read_csv(src, nrows=max(n // 10, 1), dtype=str, keep_default_na=False)
    head.to_csv(small, index=False)
    train = work / "train.csv"
    generate_calls(train_n, seed=2, start="2020-01-01").to_csv(train, index=False)
    model = work / "model.joblib"
    t0 = time.perf_counter()
    train_fast_model(train, "request_type", model)
    log(f"trained the fast model on {train_n:,} calls in {time.perf_counter() - t0:.0f} s")
    extra = ["--chunk-size", str(chunksize)]

    runs = {
        "baseline_pandas": measure([PY, "-c", _BASELINE, str(model), str(src), str(work / "base.csv"), "text"],
                                   "plain baseline"),
        "jobs1": measure(classify_cmd(model, src, work / "out1.csv", 1, extra), "--jobs 1"),
        "jobs2": measure(classify_cmd(model, src, work / "out2.csv", 2, extra), "--jobs 2"),
        "jobs2_tenth": measure(classify_cmd(model, small, work / "out2_tenth.csv", 2, extra),
                               "--jobs 2 on a tenth"),
    }
    for name, r in runs.items():
        rows = max(n // 10, 1) if name.endswith("tenth") else n
        r["rows"] = rows
        r["calls_per_s"] = round(rows / r["seconds"], 1)
        r["calls_per_cpu_s"] = round(rows / r["cpu_seconds"], 1)
    out1 = pd.read_csv(work / "out1.csv", usecols=["request_type"])["request_type"]
    base = pd.read_csv(work / "base.csv", usecols=["request_type", "text"])
    truth = pd.read_csv(src, usecols=["request_type"])["request_type"]
    first = pd.read_csv(src, nrows=chunksize, usecols=["text"], dtype=str, keep_default_na=False)["text"]
    model_profile = profile_model(model, first.tolist(), work)
    # One chunk (all its rows, repeats included) through predict_texts: one model call
    # versus calls on batches of at most MAX_BATCH_CHARS characters; CPU seconds, fresh processes.
    from callmine.batch import MAX_BATCH_CHARS

    (work / "chunk_texts.json").write_text(json.dumps(first.tolist(), ensure_ascii=False), encoding="utf-8")
    batching = {}
    for mode in ("batch=None", f"batch={MAX_BATCH_CHARS}"):
        res = subprocess.run([PY, __file__, "--profile-model", str(model), str(work / "chunk_texts.json"), mode],
                             check=True, capture_output=True, text=True)
        batching.update(json.loads(res.stdout))
    res = subprocess.run([PY, __file__, "--profile-model", str(model), str(src), "readers"],
                         check=True, capture_output=True, text=True)
    readers = json.loads(res.stdout)
    base_rate = runs["baseline_pandas"]["calls_per_s"]
    j2 = runs["jobs2"]
    minutes = TARGET_CALLS_PER_YEAR / j2["calls_per_s"] / 60
    # On 2 idle cores a job cannot finish faster than its CPU seconds / 2 (nor than its
    # busiest process); the baseline is one process, so it takes about its CPU seconds.
    base_cpu, j2_cpu = runs["baseline_pandas"]["cpu_seconds"], j2["cpu_seconds"]
    j2_main = j2["cpu_seconds_sampled_main_process"]
    j2_floor = max(j2_cpu / 2, j2_main)
    cpu_accounting = {
        "baseline_cpu_seconds": base_cpu,
        "jobs1_cpu_seconds": runs["jobs1"]["cpu_seconds"],
        "jobs2_cpu_seconds": j2_cpu,
        "jobs2_cpu_seconds_main_process": j2_main,
        "jobs2_cpu_seconds_workers": j2["cpu_seconds_sampled_other_processes"],
        "jobs2_cpu_share_of_baseline": round(j2_cpu / base_cpu, 3),
        "jobs2_best_wall_seconds_on_2_idle_cores": round(j2_floor, 2),
        "jobs2_best_speedup_on_2_idle_cores": round(base_cpu / j2_floor, 2),
        "jobs2_cpu_seconds_needed_for_2_5x": round(2 * base_cpu / 2.5, 2),
        "note": "baseline wall ~ its CPU seconds (one process); --jobs 2 wall >= max(CPU/2, main "
                "process CPU) on 2 cores, so 2.5x needs --jobs 2 to use at most 80% of the "
                "baseline's CPU seconds",
    }
    return {
        "n_calls": n,
        "input_mb": round(src.stat().st_size / 1e6, 1),
        "distinct_text_share": round(float(base["text"].nunique() / len(base)), 4),
        "chunk_size": chunksize,
        "model_train_calls": train_n,
        "runs": runs,
        "speedup_jobs1_vs_baseline": round(runs["jobs1"]["calls_per_s"] / base_rate, 2),
        "speedup_jobs2_vs_baseline": round(j2["calls_per_s"] / base_rate, 2),
        "jobs1_jobs2_outputs_identical": sha256(work / "out1.csv") == sha256(work / "out2.csv"),
        "labels_agree_with_baseline": round(float((out1.to_numpy() == base["request_type"].to_numpy()).mean()), 6),
        "accuracy_vs_synthetic_truth": round(float((out1.to_numpy() == truth.to_numpy()).mean()), 4),
        "minutes_for_5_1_million_calls_jobs2": round(minutes, 1),
        "cpu_accounting": cpu_accounting,
        "model_profile_distinct_texts_of_first_chunk": model_profile,
        "first_chunk_predict_cpu_seconds_by_model_batch_chars": batching,
        "reading_cpu_seconds": readers,
        "targets": {
            "jobs2_at_least_2_5x_baseline": j2["calls_per_s"] >= 2.5 * base_rate,
            "peak_memory_under_1_5_gb": max(runs["jobs1"]["peak_pss_tree_mb"], j2["peak_pss_tree_mb"]) < 1536,
            "year_5_1m_under_15_min": minutes < 15,
        },
    }


# ---------------------------------------------------------------------------
# Part 2: BANKING77 against fastText
# ---------------------------------------------------------------------------

_FASTTEXT_PARAMS = dict(lr=0.5, epoch=50, wordNgrams=2, dim=100, minn=0, maxn=0, loss="softmax",
                        thread=1, seed=0, verbose=0)


def _ft_line(text: str) -> str:
    return " ".join(str(text).lower().replace("\n", " ").split())


def banking(rows: int, work: Path, data_dir: Path) -> dict:
    b77 = data_dir / "banking77"
    if not (b77 / "train.csv").is_file():
        return {"skipped": f"needs {b77} (absent)"}
    train = pd.read_csv(b77 / "train.csv")
    test = pd.read_csv(b77 / "test.csv")
    reps = -(-rows // len(test))
    big = pd.concat([test] * reps, ignore_index=True).iloc[:rows]
    src = work / "b77_test_x.csv"
    big.to_csv(src, index=False)
    model = work / "b77.joblib"
    t0 = time.perf_counter()
    train_fast_model(b77 / "train.csv", "category", model)
    train_s = time.perf_counter() - t0
    out = {"rows": rows, "distinct_texts": int(test["text"].nunique()), "callmine_train_seconds": round(train_s, 1)}
    dst = work / "b77_out.csv"
    r = measure(classify_cmd(model, src, dst, 1), "BANKING77 --jobs 1")
    pred = pd.read_csv(dst, usecols=["request_type"])["request_type"].to_numpy()
    r["rows_per_s"] = round(rows / r["seconds"], 1)
    r["rows_per_cpu_s"] = round(rows / r["cpu_seconds"], 1)
    r["accuracy"] = round(float((pred == big["category"].to_numpy()).mean()), 4)
    out["callmine_jobs1"] = r
    out["model_profile_distinct_test_texts"] = profile_model(model, test["text"].tolist(), work)

    import fasttext

    ft_train = work / "ft_train.txt"
    ft_train.write_text("".join(f"__label__{c} {_ft_line(t)}\n" for t, c in zip(train["text"], train["category"])),
                        encoding="utf-8")
    t0 = time.perf_counter()
    ft = fasttext.train_supervised(input=str(ft_train), **_FASTTEXT_PARAMS)
    ft_train_s = time.perf_counter() - t0
    texts = [_ft_line(t) for t in big["text"]]
    t0, c0 = time.perf_counter(), time.process_time()
    labels, _ = ft.predict(texts, k=1)
    ft_s, ft_cpu = time.perf_counter() - t0, time.process_time() - c0
    ft_pred = np.array([lab[0][len("__label__"):] for lab in labels], dtype=object)
    out["fasttext"] = {
        "params": _FASTTEXT_PARAMS,
        "train_seconds": round(ft_train_s, 1),
        "predict_seconds": round(ft_s, 2),
        "predict_cpu_seconds": round(ft_cpu, 2),
        "rows_per_s": round(rows / ft_s, 1),
        "rows_per_cpu_s": round(rows / ft_cpu, 1),
        "rows_per_s_note": "predict() on an in-memory list only (no process start, reading or writing)",
        "accuracy": round(float((ft_pred == big["category"].to_numpy()).mean()), 4),
    }
    half = out["fasttext"]["rows_per_s"] / 2
    cm = out["callmine_jobs1"]
    out["callmine_rows_per_s_over_half_fasttext"] = round(cm["rows_per_s"] / half, 2)
    out["callmine_rows_per_cpu_s_over_half_fasttext"] = round(
        cm["rows_per_cpu_s"] / (out["fasttext"]["rows_per_cpu_s"] / 2), 2)
    out["targets"] = {
        "callmine_at_least_half_fasttext_rows_per_s": cm["rows_per_s"] >= half,
        "callmine_at_least_half_fasttext_rows_per_cpu_s":
            cm["rows_per_cpu_s"] >= out["fasttext"]["rows_per_cpu_s"] / 2,
        "model_on_distinct_texts_at_least_half_fasttext_rows_per_cpu_s":
            out["model_profile_distinct_test_texts"]["cold"]["rows_per_cpu_s"]
            >= out["fasttext"]["rows_per_cpu_s"] / 2,
        "callmine_accuracy_at_least_91_5": cm["accuracy"] >= 0.915,
    }
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--profile-model"]:  # internal: see profile_model
        print(json.dumps(_profile_child(*argv[1:4])))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="synthetic calls to classify (default 1,000,000)")
    ap.add_argument("--chunk-size", type=int, default=50_000)
    ap.add_argument("--train-n", type=int, default=10_000, help="synthetic calls to train the model on")
    ap.add_argument("--banking-rows", type=int, default=200_000)
    ap.add_argument("--skip-national", action="store_true")
    ap.add_argument("--skip-banking", action="store_true")
    ap.add_argument("--workdir", default=None, help="keep files here (default: a temporary folder)")
    ap.add_argument("--data-dir", default=str(SHARED), help=f"shared benchmark data (default: {SHARED})")
    args = ap.parse_args(argv)
    import callmine

    result = {"benchmark": "bench_batch", "callmine_path": str(Path(callmine.__file__).parent),
              "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                          "load_avg_1min_at_start": round(os.getloadavg()[0], 2)}}
    with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp:
        work = Path(args.workdir) if args.workdir else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if not args.skip_national:
            result["national"] = national(args.n, work, args.chunk_size, args.train_n)
        if not args.skip_banking:
            result["banking77"] = banking(args.banking_rows, work, Path(args.data_dir))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
