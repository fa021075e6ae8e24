"""The ``callmine`` command line: a thin layer over the library.

Each subcommand parses its options here and calls library functions; the
library knows nothing of the command line. Problems with data become one
``Error: ...`` line on stderr and exit status 1; usage errors exit 2.

Each ``_cmd_<name>`` handler below belongs to the module named in its
docstring; keep handlers short and put logic in the library.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Sequence

from callmine import __version__
from callmine.errors import CallmineError

EPILOG_HINT = "Run 'callmine COMMAND --help' for the options and an example of each command."


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _not_implemented(name: str, issue: int) -> int:
    raise CallmineError(f"'callmine {name}' is not implemented yet (issue #{issue})")


# ---------------------------------------------------------------------------
# Shared options, defined once.
# ---------------------------------------------------------------------------

def _add_text_col(p: argparse.ArgumentParser) -> None:
    p.add_argument("--text-col", default="text", metavar="COL",
                   help="column holding the transcript (default: text)")


def _add_encoding(p: argparse.ArgumentParser) -> None:
    p.add_argument("--encoding", default=None, metavar="NAME",
                   help="force the CSV/TSV encoding (default: detect UTF-8, UTF-8 with BOM, "
                        "UTF-16 or Windows-1251)")


def _add_quiet(p: argparse.ArgumentParser) -> None:
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def _add_profile(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", choices=["fast", "accurate"], default="fast",
                   help="fast: sparse n-grams (default); accurate: adds sentence embeddings "
                        "(needs callmine[accurate])")


def _add_input(p: argparse.ArgumentParser, name: str = "input_file", metavar: str = "INPUT_FILE") -> None:
    p.add_argument(name, metavar=metavar,
                   help="call log: .csv, .csv.gz, .tsv, .jsonl or .parquet")


# ---------------------------------------------------------------------------
# Handlers. Each is owned by the module named in its docstring.
# ---------------------------------------------------------------------------

def _read_labelled(path: str, text_col: str, label_col: str, encoding, quiet: bool = False):
    """(texts, labels) of a labelled call log; rejects and unlabelled rows reported on stderr."""
    from callmine.io import read_calls

    rows, rejects = read_calls(path, text_col=text_col, required=[label_col], encoding=encoding)
    labels = rows[label_col].astype("string").str.strip()
    unlabelled = (labels.isna() | (labels == "")).to_numpy(dtype=bool)
    if len(rejects) and not quiet:
        reasons = rejects["reason"].value_counts().to_dict()
        print(f"{path}: skipped {len(rejects)} rows without usable text: {reasons}", file=sys.stderr)
    if unlabelled.any() and not quiet:
        print(f"{path}: skipped {int(unlabelled.sum())} rows with an empty {label_col!r} "
              f"(first at row {int(rows.index[unlabelled][0])})", file=sys.stderr)
    return (rows[text_col].to_numpy(dtype=object)[~unlabelled],
            labels.to_numpy(dtype=object)[~unlabelled])


def _cmd_train(args: argparse.Namespace) -> int:
    """classify.py / persist.py (issue #4)."""
    import time

    from callmine.classify import RequestTypeClassifier, cross_evaluate
    from callmine.persist import data_fingerprint, save_model

    texts, labels = _read_labelled(args.train_file, args.text_col, args.label_col, args.encoding,
                                   args.quiet)
    clf = RequestTypeClassifier(profile=args.profile, other_label=args.other_label,
                                random_state=args.random_state)
    meta = {"training_data": {"file": str(args.train_file), "rows": int(len(texts)),
                              "sha256": data_fingerprint(texts, labels),
                              "text_col": args.text_col, "label_col": args.label_col}}
    if args.cv:
        if not args.quiet:
            print(f"cross-validating ({args.cv} folds) ...", file=sys.stderr)
        cv = cross_evaluate(clf, texts, labels, cv=args.cv, random_state=args.random_state,
                            other_label=args.other_label)
        meta["cross_validation"] = {k: v for k, v in cv.items() if k != "folds"}
        if not args.quiet:
            print(f"cv accuracy {cv['accuracy_mean']:.4f} +- {cv['accuracy_std']:.4f}, "
                  f"macro-F1 {cv['macro_f1_mean']:.4f}", file=sys.stderr)
    if not args.quiet:
        print(f"training the {args.profile!r} classifier on {len(texts)} calls, "
              f"{len(set(labels.tolist()))} types ...", file=sys.stderr)
    t0 = time.perf_counter()
    clf.fit(texts, labels)
    meta["training_seconds"] = round(time.perf_counter() - t0, 2)
    save_model(clf, args.output, metadata=meta, format=args.format)
    if not args.quiet:
        r = clf.fit_report_
        print(f"wrote {args.output}: held-out accuracy {r['cv_accuracy']:.4f}, "
              f"threshold {clf.threshold_:.3f} ({meta['training_seconds']} s)", file=sys.stderr)
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    """classify.py / persist.py (issue #4)."""
    import json

    from callmine.classify import evaluate
    from callmine.persist import load_model

    model = load_model(args.model_file)
    texts, labels = _read_labelled(args.test_file, args.text_col, args.label_col, args.encoding)
    other = args.other_label if args.other_label is not None else getattr(model, "other_label", "other")
    result = evaluate(model, texts, labels, other_label=other)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    lines = [f"calls               {result['n']}",
             f"accuracy            {result['accuracy']:.4f}",
             f"macro-F1            {result['macro_f1']:.4f}"]
    if "in_scope_accuracy" in result:
        lines += [f"in-scope accuracy   {result['in_scope_accuracy']:.4f}",
                  f"out-of-scope recall {result['oos_recall']:.4f}"]
    lines.append(f"predicted {other!r}     {result['rejected_share']:.2%}")
    lines.append("")
    lines.append(f"{'type':<32} {'precision':>9} {'recall':>7} {'support':>8}")
    for t, v in result["per_type"].items():
        lines.append(f"{t[:32]:<32} {v['precision']:9.3f} {v['recall']:7.3f} {v['support']:8d}")
    if result["confused_pairs"]:
        lines.append("")
        lines.append("most confused (true -> predicted: count)")
        for c in result["confused_pairs"]:
            lines.append(f"  {c['true']} -> {c['predicted']}: {c['count']}")
    print("\n".join(lines))
    return 0


def _cmd_classify(args: argparse.Namespace) -> int:
    """batch.py (issue #6)."""
    from callmine.batch import classify_file, format_summary

    summary = classify_file(args.model_file, args.input_file, args.output, text_col=args.text_col,
                            encoding=args.encoding, jobs=args.jobs, chunksize=args.chunk_size,
                            resume=args.resume, scheduler=args.scheduler,
                            redact_text=args.redact_text,
                            progress=not args.quiet and sys.stderr.isatty())
    if not args.quiet:
        print(format_summary(summary), file=sys.stderr)
    return 0


def _int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number >= ``minimum`` (else a usage error, exit 2)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
            raise argparse.ArgumentTypeError(f"must be {what}; got {text!r}")
        return value
    return parse


_positive_int = _int_at_least(1)


def _k_arg(value: str):
    """--k: 'auto' or an integer >= 2 (discover, issue #5)."""
    if value.strip().lower() == "auto":
        return "auto"
    try:
        return _int_at_least(2)(value)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"must be an integer >= 2 or 'auto', got {value!r}") from None


def _cmd_discover(args: argparse.Namespace) -> int:
    """discover.py / naming.py (issue #5)."""
    from callmine.discover import discover_file

    say = None if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    params = {} if args.max_fit_samples is None else {"max_fit_samples": args.max_fit_samples}
    params["concepts"] = {"auto": "auto", "on": True, "off": False}.get(args.concepts, args.concepts)
    params["k_rule"] = args.k_rule
    s = discover_file(args.input_file, args.output, text_col=args.text_col, encoding=args.encoding,
                      k=args.k, profile=args.profile, random_state=args.random_state,
                      chunksize=args.chunk_size, progress=say, **params)
    print(f"{s['k']} request types in {s['rows_with_text']:,} calls "
          f"({s['outliers']:,} unassigned, {s['rows_without_text']:,} rows without text)")
    print(f"why {s['k']}: {s['k_reason']}")
    if s.get("concepts"):
        print(f"cross-lingual concepts: {s['concepts']}")
    print(f"wrote {args.output}/assignments.csv and {args.output}/types.csv "
          f"(edit types.csv, then run 'callmine curate')")
    return 0


def _cmd_curate(args: argparse.Namespace) -> int:
    """curation.py (issue #5)."""
    from callmine.curation import curate_files

    s = curate_files(args.input_file, args.discover_dir, args.output, text_col=args.text_col,
                     encoding=args.encoding, label_col=args.label_col)
    print(f"wrote {args.output}: {s['rows']:,} labelled calls, {s['types']} types "
          f"({s['dropped']:,} calls of dropped types or unassigned, "
          f"{s['without_text']:,} rows without text left out)")
    print(f"next: callmine train {args.output} --label-col {args.label_col} -o MODEL_FILE")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    """report.py / automation.py (issue #7)."""
    from callmine.automation import AutomationConfig, load_config
    from callmine.report import build_report

    config = load_config(args.config) if args.config else AutomationConfig()
    for name, value in (("daily_calls", args.daily_calls), ("annual_growth", args.growth),
                        ("years", args.years)):
        if value is not None:
            setattr(config, name, value)
    k = args.k
    progress = None if args.quiet else (lambda msg: print(f"report: {msg}", file=sys.stderr, flush=True))
    summary = build_report(args.input_file, args.output, model=args.model, label_col=args.label_col,
                           config=config, text_col=args.text_col, encoding=args.encoding, lang=args.lang,
                           k=k, caller_col=args.caller_col or "auto", random_state=args.random_state,
                           progress=progress)
    from callmine.wording import headline
    top = summary["top3"]
    print(headline("en", summary["n_types"], len(top["types"]), share=f"{100 * top['share']:.1f}%",
                   hours=f"{top['operator_hours_per_year']:,.0f}", names="; ".join(top["types"])))
    if progress:
        progress(f"wrote {args.output}/report.html, automation.csv, summary.json")
    return 0


def _cmd_forecast(args: argparse.Namespace) -> int:
    """forecast.py (issue #8)."""
    import pandas as pd

    from callmine import forecast as fc

    def say(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr)

    if args.by_type and args.intraday:
        print("callmine forecast: error: give --by-type or --intraday, not both", file=sys.stderr)
        return 2
    if args.input_file is None:
        if args.freq == "year":
            table = fc.project_load(args.base, args.growth, args.years, start=args.start)
        else:
            table = fc.project_periods(args.base, args.growth, args.years, start=args.start, freq=args.freq)
    else:
        from callmine.errors import DataError
        from callmine.io import read_calls

        holidays = None if args.holidays.lower() == "none" else args.holidays
        model = fc.LoadForecaster(holidays=holidays)
        def skipped(bad_rows, what: str) -> None:  # always shown: they change the numbers
            if len(bad_rows):
                print(f"{args.input_file}: skipped {len(bad_rows)} rows without {what} (first at row "
                      f"{min(bad_rows)}); the forecast counts only the others", file=sys.stderr)

        try:
            rows, rejects = read_calls(args.input_file, text_col=args.time_col, encoding=args.encoding)
            log = True
        except DataError as first:
            try:
                rows, rejects = read_calls(args.input_file, text_col=args.date_col, required=[args.calls_col],
                                           encoding=args.encoding)
                log = False
            except DataError:
                raise DataError(f"{first}; a daily-count file needs columns {args.date_col!r} and "
                                f"{args.calls_col!r} instead") from None
        if log:
            times = fc._timestamps(rows[args.time_col], args.time_col)
            skipped(list(rejects["row"]) + list(rows.index[times.isna().to_numpy()]),
                    f"a readable {args.time_col!r}")
            daily = fc.daily_counts(times)
            say(f"{args.input_file}: {int(daily.sum())} calls over {len(daily)} days")
        else:
            dates = pd.to_datetime(rows[args.date_col], errors="coerce", format="mixed")
            calls = pd.to_numeric(rows[args.calls_col], errors="coerce")
            ok = dates.notna() & calls.notna()
            skipped(list(rejects["row"]) + list(rows.index[~ok.to_numpy()]),
                    f"a readable {args.date_col!r} and numeric {args.calls_col!r}")
            if not ok.any():
                raise DataError(f"{args.input_file}: no row has a readable {args.date_col!r} and "
                                f"numeric {args.calls_col!r}")
            daily = calls[ok].groupby(dates[ok].dt.normalize()).sum().astype(float)
            daily.index = pd.DatetimeIndex(daily.index, name="date")
        model.fit(daily)
        import math

        growth = (f"growth {model.growth_rate_:+.1%}/year estimated ({model.growth_used_:+.1%} used)"
                  if math.isfinite(model.growth_rate_) else "growth not estimated (under 8 weeks of history)")
        mape = (f"backtest MAPE {model.backtest_mape_:.2f}%" if math.isfinite(model.backtest_mape_)
                else "no backtest (too short a history; intervals from in-sample residuals)")
        say(f"fitted on {model.n_days_} days: {growth}, {mape}")
        pred = model.predict(args.steps)
        if args.by_type:
            if not log or args.by_type not in rows.columns:
                raise DataError(f"--by-type {args.by_type!r} needs a call log with that column")
            table = fc.forecast_by_type(times, rows[args.by_type], steps=args.steps, total=pred)
        elif args.intraday:
            if not log:
                raise DataError("--intraday needs a call log with start times, not daily counts")
            profile = fc.intraday_profile(times, freq=args.intraday)
            table = fc.spread_intraday(pred, profile)
        else:
            table = pred.reset_index()
    print(table.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    if args.output:
        from callmine.io import write_table

        write_table(table, args.output)
        say(f"wrote {args.output}")
    return 0


def _cmd_staff(args: argparse.Namespace) -> int:
    """staffing.py (issue #8)."""
    import json
    import math

    import pandas as pd

    from callmine import staffing as st

    targets = dict(service_level=args.service_level, target_time=args.target_time,
                   max_occupancy=args.max_occupancy, shrinkage=args.shrinkage, patience=args.patience)
    if args.input_file is not None and args.agents is not None:
        print("callmine staff: error: --agents evaluates one interval (--calls N); it cannot be "
              "combined with INPUT_FILE", file=sys.stderr)
        return 2
    if args.input_file is not None:
        import numpy as np

        from callmine.io import read_calls

        rows, rejects = read_calls(args.input_file, text_col=args.calls_col, encoding=args.encoding)
        rule = f"column {args.calls_col!r} must be a number of calls >= 0"
        if len(rejects):
            first = rejects.iloc[0]
            got = "got ''" if first["reason"] == "empty text" else f"({first['reason']})"
            raise CallmineError(f"{args.input_file}: row {first['row']}: {rule}; {got}")
        load = rows.copy()
        calls = pd.to_numeric(load[args.calls_col], errors="coerce")
        bad = ~(np.isfinite(calls.to_numpy(dtype=float)) & (calls.to_numpy(dtype=float) >= 0))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise CallmineError(f"{args.input_file}: row {load.index[i]}: {rule}; "
                                f"got {str(load[args.calls_col].iloc[i])!r}")
        load[args.calls_col] = calls.astype(float)
        table = st.staffing_plan(load, interval=args.interval, aht=args.aht, calls_col=args.calls_col, **targets)
    elif args.calls is None:
        raise CallmineError("give --calls N (calls per interval) or an INPUT_FILE with a calls column")
    elif args.agents is not None:
        traffic = st.traffic_intensity(args.calls, args.interval, args.aht)
        if args.patience is not None:
            r = st.erlang_a(traffic, args.agents, args.aht, args.patience, args.target_time)
        else:
            r = {"p_wait": st.erlang_c(traffic, args.agents),
                 "service_level": st.service_level(traffic, args.agents, args.aht, args.target_time),
                 "asa": st.average_speed_of_answer(traffic, args.agents, args.aht),
                 "occupancy": st.occupancy(traffic, args.agents), "p_abandon": 0.0}
        table = pd.DataFrame([{"calls": args.calls, "traffic": traffic, "agents": args.agents, **r}])
        if not args.quiet and args.patience is None and args.agents <= traffic and traffic > 0:
            print(f"{args.agents} agents for {traffic:g} Erlangs: the queue grows without bound "
                  "(every caller waits; the average wait is unbounded)", file=sys.stderr)
    else:
        r = st.required_agents(args.calls, args.interval, args.aht, **targets)
        table = pd.DataFrame([{"calls": args.calls, **r}])
    if args.json:  # strict JSON: an unbounded wait is null, not Infinity
        records = [{k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in rec.items()}
                   for rec in table.to_dict("records")]
        print(json.dumps(records, default=float))
    else:
        shown = table.copy()
        for col in shown.columns:  # pass-through text columns of numbers (lower, upper) shown like the rest
            if shown[col].dtype == object and shown[col].map(type).eq(str).all():
                num = pd.to_numeric(shown[col], errors="coerce")
                if len(num) and num.notna().all() and shown[col].str.contains(".", regex=False).any():
                    shown[col] = num.astype(float)
        print(shown.to_string(index=False,
                              float_format=lambda v: f"{v:.4f}" if math.isfinite(v) else "unbounded"))
    if args.output:
        from callmine.io import write_table

        write_table(table, args.output)
        if not args.quiet:
            print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _cmd_egdi(args: argparse.Namespace) -> int:
    """egdi.py (issue #9)."""
    import pandas as pd

    from callmine.egdi import egdi, egdi_level, egdi_table
    from callmine.errors import DataError
    from callmine.io import read_calls, write_table

    given = {k: getattr(args, k) for k in ("osi", "tii", "hci")}
    n_given = sum(v is not None for v in given.values())
    if not ((args.csv is None and n_given == 3) or (args.csv is not None and n_given == 0)):
        print("callmine egdi: error: give either --osi, --tii and --hci, or --csv FILE",
              file=sys.stderr)
        return 2
    if args.csv is None:
        value = egdi(**given)
        table = pd.DataFrame([{**given, "egdi": value, "level": egdi_level(value)}])
        print(f"EGDI {value:.4f} ({table['level'][0]})")
    else:
        rows, rejects = read_calls(args.csv, text_col=args.country_col, encoding=args.encoding)
        if len(rejects):
            first = rejects.iloc[0]
            raise DataError(f"{args.csv}: row {first['row']}: {first['reason']} "
                            f"(no value in column {args.country_col!r})")
        table = egdi_table(rows.reset_index(drop=True), country_col=args.country_col)
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if args.output:
        write_table(table.round(4), args.output)
        print(f"wrote {len(table)} row(s) to {args.output}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callmine",
        description="Contact-center call analytics: discover request types, classify calls, "
                    "rank automation candidates, forecast load and staff it.",
        epilog=EPILOG_HINT,
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"callmine {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def add(name: str, handler: Callable, help: str, example: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help,
                           epilog="Example:\n  " + example, formatter_class=_Formatter)
        p.set_defaults(handler=handler)
        return p

    # train
    p = add("train", _cmd_train, "Train a request-type classifier and write it as one file.",
            "callmine train labelled.csv --label-col request_type -o models/my.joblib")
    p.add_argument("train_file", metavar="TRAIN_FILE", help="labelled call log")
    p.add_argument("--label-col", required=True, metavar="COL", help="column holding the request type")
    p.add_argument("-o", "--output", required=True, metavar="MODEL_FILE", help="model file to write")
    _add_text_col(p)
    _add_encoding(p)
    _add_profile(p)
    p.add_argument("--other-label", default="other", metavar="LABEL",
                   help="label of out-of-scope examples (default: other)")
    p.add_argument("--random-state", type=int, default=0, metavar="SEED")
    p.add_argument("--cv", type=int, default=0, metavar="K",
                   help="also run K-fold cross-validation and store its figures in the model file")
    p.add_argument("--format", choices=["pickle", "skops"], default="pickle",
                   help="model file payload: pickle (default) or skops (loads without running "
                        "code; needs callmine[safe])")
    _add_quiet(p)

    # evaluate
    p = add("evaluate", _cmd_evaluate, "Measure a model on a labelled test file.",
            "callmine evaluate models/default.joblib test.csv --label-col request_type --json")
    p.add_argument("model_file", metavar="MODEL_FILE")
    p.add_argument("test_file", metavar="TEST_FILE")
    p.add_argument("--label-col", required=True, metavar="COL")
    _add_text_col(p)
    _add_encoding(p)
    p.add_argument("--json", action="store_true", help="print one JSON object to stdout")
    p.add_argument("--other-label", default=None, metavar="LABEL",
                   help="label of out-of-scope requests in TEST_FILE (default: the model's, "
                        "usually other)")

    # classify
    p = add("classify", _cmd_classify, "Batch-classify a call log (streaming, parallel, resumable).",
            "callmine classify models/default.joblib calls.csv -o classified.csv --jobs 2\n"
            "  callmine classify models/default.joblib calls.csv -o classified.csv --jobs 2 --resume\n"
            "  callmine classify models/default.joblib calls.csv -o out.parquet "
            "--scheduler tcp://10.0.0.5:8786\n\n"
            "Writes every readable row with text, in input order, with request_type and\n"
            "confidence; unreadable or empty rows go to OUTPUT_FILE.rejects.csv. Finished\n"
            "chunks are kept in OUTPUT_FILE.partial/ until the end, so --resume continues\n"
            "after a crash with the same result as an uninterrupted run.")

    p.add_argument("model_file", metavar="MODEL_FILE", help="model written by 'callmine train'")
    _add_input(p)
    p.add_argument("-o", "--output", required=True, metavar="OUTPUT_FILE",
                   help="output file: .csv, .csv.gz, .tsv, .jsonl or .parquet")
    _add_text_col(p)
    _add_encoding(p)
    p.add_argument("--jobs", type=_positive_int, default=1, metavar="N",
                   help="worker processes, each with the model loaded once (default: 1)")
    p.add_argument("--chunk-size", type=_positive_int, default=50_000, metavar="ROWS",
                   help="rows per chunk (default: 50000); memory grows with it")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted run from its last finished chunk")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on the Dask cluster at ADDRESS (needs callmine[dask]); "
                        "input and output stay on this machine")
    p.add_argument("--redact-text", action="store_true",
                   help="write the transcript column with personal data replaced by placeholders "
                        "(<IIN>, <PHONE>, <CARD>, <EMAIL>, <IBAN>, <PERSON>), for sharing the output")
    _add_quiet(p)

    # discover
    p = add("discover", _cmd_discover, "Discover request types without labels.",
            "callmine discover calls.csv -o types_out --k auto")
    _add_input(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT_DIR")
    _add_text_col(p)
    _add_encoding(p)
    p.add_argument("--k", default="auto", type=_k_arg, metavar="N|auto",
                   help="number of request types, or 'auto' (default): chosen by --k-rule; "
                        "the table is written to OUT_DIR/k_selection.csv")
    p.add_argument("--k-rule", default="smooth", choices=("smooth", "plateau", "knee"),
                   help="how --k auto chooses: smooth (default), the smallest k whose silhouette "
                        "in the text representation, averaged over 5 neighbouring k, is within "
                        "10%% of the best average; plateau, the smallest k whose silhouette in "
                        "the spectral space is within 5%% of the best (faster); knee, the knee of "
                        "the silhouette against log k (errs towards more types)")
    _add_profile(p)
    p.add_argument("--random-state", type=int, default=0, metavar="SEED")
    p.add_argument("--concepts", default="auto", metavar="auto|on|off|CSV",
                   help="cross-lingual concept lexicon (ru/kk/en e-government terms mapped to one "
                        "token): on when the log mixes languages (auto, default), always, never, "
                        "or a CSV (concept,lang,term) of your own terms added to the shipped ones")
    p.add_argument("--max-fit-samples", type=_positive_int, default=None, metavar="ROWS",
                   help="fit on at most this many calls drawn at random, assign the rest "
                        "(default: 20000)")
    p.add_argument("--chunk-size", type=_positive_int, default=50_000, metavar="ROWS",
                   help="rows read and assigned at a time (default: 50000)")
    _add_quiet(p)

    # curate
    p = add("curate", _cmd_curate,
            "Turn an edited types.csv plus assignments.csv into a labelled training file.",
            "callmine curate calls.csv types_out -o labelled.csv")
    _add_input(p)
    p.add_argument("discover_dir", metavar="DISCOVER_DIR",
                   help="folder written by 'callmine discover' (types.csv edited by hand)")
    p.add_argument("-o", "--output", required=True, metavar="TRAIN_FILE")
    _add_text_col(p)
    _add_encoding(p)
    p.add_argument("--label-col", default="request_type", metavar="COL",
                   help="label column to write (default: request_type)")

    # report
    p = add("report", _cmd_report, "The main job: the automation opportunity report.",
            "callmine report sample_data/calls.csv --model models/default.joblib -o report_out")
    _add_input(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT_DIR",
                   help="folder to write report.html, automation.csv and summary.json into")
    p.add_argument("--model", default=None, metavar="MODEL_FILE",
                   help="classify with this model; without it, types are discovered")
    p.add_argument("--label-col", default=None, metavar="COL",
                   help="use this existing column as the request type (no model, no discovery)")
    p.add_argument("--config", default=None, metavar="FILE",
                   help="rules and assumptions: .json/.toml (modes, deflection, aht_s, annual_growth, "
                        "...) or .csv (request_type, mode, deflection); see docs/report.md")
    p.add_argument("--lang", choices=["en", "ru"], default="en", help="language of the HTML report")
    p.add_argument("--daily-calls", type=float, default=None, metavar="N",
                   help="scale per-day/per-year figures to N calls a day (the log is a sample); "
                        "default: the log's own rate from started_at, or 14000 without it")
    p.add_argument("--growth", type=float, default=None, metavar="RATE",
                   help="annual load growth for the projection (default: the config's, else 0.15)")
    p.add_argument("--years", type=int, default=None, metavar="N",
                   help="years to project (default: the config's, else 5)")
    p.add_argument("--k", default="auto", type=_k_arg, metavar="N|auto",
                   help="number of types when discovering (default: auto)")
    p.add_argument("--caller-col", default=None, metavar="COL",
                   help="caller-id column for repeat contacts (default: caller_id etc. if present)")
    p.add_argument("--random-state", type=int, default=0, metavar="SEED")
    _add_text_col(p)
    _add_encoding(p)
    _add_quiet(p)

    # forecast
    p = add("forecast", _cmd_forecast, "Project or forecast call load.",
            "callmine forecast --base 14000 --growth 0.15 --years 5\n"
            "  callmine forecast sample_data/calls.csv --steps 28 --intraday 30min -o load.csv\n"
            "  callmine forecast daily.csv --steps 20 --holidays US   (daily.csv: date,calls)")
    p.add_argument("input_file", nargs="?", default=None, metavar="INPUT_FILE",
                   help="call log (with started_at) or daily counts (date, calls); "
                        "omit to project from --base and --growth")
    _add_encoding(p)
    p.add_argument("-o", "--output", default=None, metavar="CSV")
    p.add_argument("--base", type=float, default=14000, metavar="CALLS",
                   help="calls per day today, for the projection (default: 14000)")
    p.add_argument("--growth", type=float, default=0.15, metavar="SHARE",
                   help="annual growth, 0.15 = +15%% a year (default: 0.15)")
    p.add_argument("--years", type=int, default=5, metavar="N", help="years to project (default: 5)")
    p.add_argument("--start", default=None, metavar="DATE", help="first day of year 0 (e.g. 2026-01-01)")
    p.add_argument("--freq", choices=["year", "month", "day"], default="year",
                   help="projection rows: one per year (default), month or day")
    p.add_argument("--steps", type=_positive_int, default=28, metavar="DAYS",
                   help="days to forecast from a file (default: 28)")
    p.add_argument("--holidays", default="KZ", metavar="CODE",
                   help="country code of public holidays (default: KZ) or 'none'")
    p.add_argument("--time-col", default="started_at", metavar="COL",
                   help="call start column of a call log (default: started_at)")
    p.add_argument("--date-col", default="date", metavar="COL", help="date column of a daily-count file")
    p.add_argument("--calls-col", default="calls", metavar="COL", help="count column of a daily-count file")
    p.add_argument("--by-type", default=None, metavar="COL",
                   help="split the forecast by this request-type column (types add up to the total)")
    p.add_argument("--intraday", default=None, metavar="FREQ",
                   help="spread the daily forecast over intervals of the day: 15min, 30min or 60min")
    _add_quiet(p)

    # staff
    p = add("staff", _cmd_staff, "Operators needed for a load (Erlang C, or Erlang A with --patience).",
            "callmine staff --calls 100 --interval 1800 --aht 180 --shrinkage 0.3\n"
            "  callmine staff load.csv --aht 180 --max-occupancy 0.85 -o plan.csv   (a calls column per interval)")
    p.add_argument("input_file", nargs="?", default=None, metavar="INPUT_FILE",
                   help="optional table with calls per interval (e.g. from 'callmine forecast --intraday')")
    _add_encoding(p)
    p.add_argument("-o", "--output", default=None, metavar="CSV")
    p.add_argument("--calls", type=float, default=None, metavar="N", help="calls offered in one interval")
    p.add_argument("--calls-col", default="calls", metavar="COL", help="calls column of INPUT_FILE")
    p.add_argument("--interval", type=float, default=1800, metavar="SECONDS",
                   help="interval length in seconds (default: 1800)")
    p.add_argument("--aht", type=float, default=180, metavar="SECONDS",
                   help="average handle time in seconds (default: 180)")
    p.add_argument("--service-level", type=float, default=0.8, metavar="SHARE",
                   help="share of calls to answer within --target-time (default: 0.8)")
    p.add_argument("--target-time", type=float, default=20, metavar="SECONDS",
                   help="answer target in seconds (default: 20)")
    p.add_argument("--max-occupancy", type=float, default=1.0, metavar="SHARE",
                   help="upper limit on agent occupancy (default: 1.0, no limit)")
    p.add_argument("--shrinkage", type=float, default=0.0, metavar="SHARE",
                   help="share of paid time off the phones (default: 0)")
    p.add_argument("--patience", type=float, default=None, metavar="SECONDS",
                   help="mean caller patience: use Erlang A (abandonment) instead of Erlang C")
    p.add_argument("--agents", type=int, default=None, metavar="N",
                   help="evaluate this many agents instead of finding the number needed")
    p.add_argument("--json", action="store_true", help="print JSON records instead of a table")
    _add_quiet(p)

    # egdi
    p = add("egdi", _cmd_egdi, "E-Government Development Index (UN method).",
            "callmine egdi --osi 0.8681 --tii 0.5723 --hci 0.8388\n"
            "  callmine egdi --csv countries.csv -o egdi.csv\n\n"
            "EGDI = (OSI + TII + HCI) / 3 (UN E-Government Survey 2018). The CSV has a country\n"
            "column and either osi, tii, hci (0..1) or raw indicators named osi_*, tii_*, hci_*,\n"
            "which are z-scored and min-max normalised across the countries in the file.")
    p.add_argument("--osi", type=float, default=None, metavar="X", help="Online Service Index, 0..1")
    p.add_argument("--tii", type=float, default=None, metavar="X",
                   help="Telecommunication Infrastructure Index, 0..1")
    p.add_argument("--hci", type=float, default=None, metavar="X", help="Human Capital Index, 0..1")
    p.add_argument("--csv", default=None, metavar="FILE",
                   help="table of countries (.csv, .tsv, .jsonl, .parquet)")
    p.add_argument("--country-col", default="country", metavar="COL",
                   help="column with the country names (default: country)")
    _add_encoding(p)
    p.add_argument("-o", "--output", default=None, metavar="CSV",
                   help="also write the result table (.csv, .tsv, .jsonl, .parquet)")

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 bad data, 2 bad usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(exc.code or 0)
    try:
        return int(args.handler(args) or 0)
    except CallmineError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`callmine forecast | head`): stop quietly, like other
        # command-line tools; point stdout at devnull so the interpreter's final flush
        # does not raise again
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 141
    except OSError as exc:  # a file that cannot be written, a full disk, ...
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        if os.environ.get("CALLMINE_DEBUG"):
            raise
        print(f"Error: unexpected {type(exc).__name__}: {exc} (a bug in callmine; "
              "rerun with CALLMINE_DEBUG=1 for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
