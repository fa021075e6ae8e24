"""The handlers of the ``callmine`` subcommands (one ``_cmd_<name>`` each).

:mod:`callmine.cli` builds the parser and calls these with the parsed
arguments; each handler reads its input, calls the library, prints and
returns the exit status. Each belongs to the module named in its docstring;
keep handlers short and put logic in the library.
"""

from __future__ import annotations

import argparse
import sys

from callmine.errors import CallmineError


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


def _cmd_discover(args: argparse.Namespace) -> int:
    """discover.py / naming.py (issue #5)."""
    from callmine.discover import discover_file

    say = None if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    params = {} if args.max_fit_samples is None else {"max_fit_samples": args.max_fit_samples}
    params["concepts"] = {"auto": "auto", "on": True, "off": False}.get(args.concepts, args.concepts)
    params["k_rule"] = args.k_rule
    params["partition"] = args.partition
    params["overcluster"] = args.overcluster
    params["answers"] = {"auto": "auto", "on": True, "off": False}[args.answers]
    params["graph_space"] = args.graph_space
    params["reweight"] = args.reweight
    params["refine"] = args.refine
    params["n_partitions"] = args.partitions
    params["word_vectors"] = {"auto": "auto", "on": True, "off": False}[args.word_vectors]
    s = discover_file(args.input_file, args.output, text_col=args.text_col, encoding=args.encoding,
                      k=args.k, profile=args.profile, random_state=args.random_state,
                      chunksize=args.chunk_size, progress=say,
                      caller_col=None if args.caller_col == "none" else args.caller_col, **params)
    print(f"{s['k']} request types in {s['rows_with_text']:,} calls "
          f"({s['outliers']:,} unassigned, {s['rows_without_text']:,} rows without text)")
    print(f"why {s['k']}: {s['k_reason']}")
    if s.get("concepts"):
        print(f"cross-lingual concepts: {s['concepts']}")
    if s.get("answers", "").startswith("answers on"):
        print("types merged by the operator's answers as well: "
              + s["answers"].removeprefix("answers on: "))
    if s.get("caller_links"):
        print(f"repeat calls ({s['caller_column']}): {s['caller_links']:,} pairs of consecutive "
              f"calls by one caller linked")
    if s.get("partition_agreement") is not None:
        print(f"kept the central of {s['partitions']} KMeans starts: it agrees with the others "
              f"at adjusted Rand index {s['partition_agreement']:.2f} (1 = the same types)")
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
