"""The ``callmine`` command line: a thin layer over the library.

Each subcommand parses its options here and calls library functions; the
library knows nothing of the command line. Problems with data become one
``Error: ...`` line on stderr and exit status 1; usage errors exit 2.

Each ``_cmd_<name>`` handler below belongs to the module named in its
docstring; keep handlers short and put logic in the library.
"""

from __future__ import annotations

import argparse
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

def _cmd_train(args: argparse.Namespace) -> int:
    """classify.py / persist.py (issue #4)."""
    return _not_implemented("train", 4)


def _cmd_evaluate(args: argparse.Namespace) -> int:
    """classify.py / persist.py (issue #4)."""
    return _not_implemented("evaluate", 4)


def _cmd_classify(args: argparse.Namespace) -> int:
    """batch.py (issue #6)."""
    from callmine.batch import classify_file, format_summary

    summary = classify_file(args.model_file, args.input_file, args.output, text_col=args.text_col,
                            encoding=args.encoding, jobs=args.jobs, chunksize=args.chunk_size,
                            resume=args.resume, scheduler=args.scheduler, dedupe=not args.no_dedupe,
                            progress=not args.quiet and sys.stderr.isatty())
    if not args.quiet:
        print(format_summary(summary), file=sys.stderr)
    return 0


def _cmd_discover(args: argparse.Namespace) -> int:
    """discover.py / naming.py (issue #5)."""
    return _not_implemented("discover", 5)


def _cmd_curate(args: argparse.Namespace) -> int:
    """discover.py (issue #5)."""
    return _not_implemented("curate", 5)


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
    if k != "auto":
        try:
            k = int(k)
        except ValueError:
            raise CallmineError(f"--k must be a positive integer or 'auto'; got {k!r}") from None
    progress = None if args.quiet else (lambda msg: print(f"report: {msg}", file=sys.stderr, flush=True))
    summary = build_report(args.input_file, args.output, model=args.model, label_col=args.label_col,
                           config=config, text_col=args.text_col, encoding=args.encoding, lang=args.lang,
                           k=k, caller_col=args.caller_col or "auto", random_state=args.random_state,
                           progress=progress)
    top = summary["top3"]
    print(f"{summary['n_types']} request types; the top 3 automatable types "
          f"({', '.join(top['types'])}) are {100 * top['share']:.1f}% of calls and "
          f"{top['operator_hours_per_year']:,.0f} operator-hours a year.")
    if progress:
        progress(f"wrote {args.output}/report.html, automation.csv, summary.json")
    return 0


def _cmd_forecast(args: argparse.Namespace) -> int:
    """forecast.py (issue #8)."""
    return _not_implemented("forecast", 8)


def _cmd_staff(args: argparse.Namespace) -> int:
    """staffing.py (issue #8)."""
    return _not_implemented("staff", 8)


def _cmd_egdi(args: argparse.Namespace) -> int:
    """egdi.py (issue #9)."""
    return _not_implemented("egdi", 9)


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
    p.add_argument("--other-label", default="other", metavar="LABEL")

    # classify
    p = add("classify", _cmd_classify, "Batch-classify a call log (streaming, parallel, resumable).",
            "callmine classify models/default.joblib calls.csv -o classified.csv --jobs 2")
    p.add_argument("model_file", metavar="MODEL_FILE")
    _add_input(p)
    p.add_argument("-o", "--output", required=True, metavar="OUTPUT_FILE",
                   help="output file: .csv, .tsv, .jsonl or .parquet")
    _add_text_col(p)
    _add_encoding(p)
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default: 1)")
    p.add_argument("--chunk-size", type=int, default=50_000, metavar="ROWS",
                   help="rows per chunk (default: 50000)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run on the Dask cluster at ADDRESS (needs callmine[dask]); "
                        "input and output stay on this machine")
    p.add_argument("--no-dedupe", action="store_true",
                   help="classify every row, even a transcript repeated in the same chunk "
                        "(default: each distinct transcript once)")
    _add_quiet(p)

    # discover
    p = add("discover", _cmd_discover, "Discover request types without labels.",
            "callmine discover calls.csv -o types_out --k auto")
    _add_input(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT_DIR")
    _add_text_col(p)
    _add_encoding(p)
    p.add_argument("--k", default="auto", metavar="N|auto",
                   help="number of request types, or 'auto' (default)")
    _add_profile(p)
    p.add_argument("--random-state", type=int, default=0, metavar="SEED")
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
    p.add_argument("-o", "--output", required=True, metavar="OUT_DIR")
    p.add_argument("--model", default=None, metavar="MODEL_FILE",
                   help="classify with this model; without it, types are discovered")
    p.add_argument("--label-col", default=None, metavar="COL",
                   help="use this existing column as the request type (no model, no discovery)")
    p.add_argument("--config", default=None, metavar="FILE",
                   help="rules and assumptions: .json/.toml (modes, deflection, aht_s, annual_growth, "
                        "...) or .csv (request_type, mode, deflection); see docs/report.md")
    p.add_argument("--lang", choices=["en", "ru"], default="en", help="language of the HTML report")
    p.add_argument("--daily-calls", type=float, default=None, metavar="N",
                   help="scale per-day/per-year figures to N calls a day (the log is a sample)")
    p.add_argument("--growth", type=float, default=None, metavar="RATE",
                   help="annual load growth for the projection (default 0.15)")
    p.add_argument("--years", type=int, default=None, metavar="N", help="years to project (default 5)")
    p.add_argument("--k", default="auto", metavar="N|auto",
                   help="number of types when discovering (default: auto)")
    p.add_argument("--caller-col", default=None, metavar="COL",
                   help="caller-id column for repeat contacts (default: caller_id etc. if present)")
    p.add_argument("--random-state", type=int, default=0, metavar="SEED")
    _add_text_col(p)
    _add_encoding(p)
    _add_quiet(p)

    # forecast
    p = add("forecast", _cmd_forecast, "Project or forecast call load.",
            "callmine forecast --base 14000 --growth 0.15 --years 5")
    p.add_argument("input_file", nargs="?", default=None, metavar="INPUT_FILE",
                   help="call log (with started_at) or daily counts (date, calls); "
                        "omit to project from --base and --growth")
    _add_encoding(p)
    p.add_argument("-o", "--output", default=None, metavar="CSV")

    # staff
    p = add("staff", _cmd_staff, "Operators needed for a load (Erlang C).",
            "callmine staff --calls 100 --interval 1800 --aht 180")
    p.add_argument("-o", "--output", default=None, metavar="CSV")

    # egdi
    p = add("egdi", _cmd_egdi, "E-Government Development Index (UN method).",
            "callmine egdi --osi 0.8681 --tii 0.5723 --hci 0.8388")
    p.add_argument("-o", "--output", default=None, metavar="CSV")

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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
