"""The ``callmine`` command line: a thin layer over the library.

Each subcommand parses its options here and calls library functions; the
library knows nothing of the command line. Problems with data become one
``Error: ...`` line on stderr and exit status 1; usage errors exit 2.

The ``_cmd_<name>`` handlers live in :mod:`callmine.commands`.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Sequence

from callmine import __version__
from callmine.commands import (  # the handlers (tests patch them here)
    _cmd_classify,
    _cmd_curate,
    _cmd_discover,
    _cmd_egdi,
    _cmd_evaluate,
    _cmd_forecast,
    _cmd_report,
    _cmd_staff,
    _cmd_train,
)
from callmine.errors import CallmineError

EPILOG_HINT = "Run 'callmine COMMAND --help' for the options and an example of each command."


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


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
# Argument types
# ---------------------------------------------------------------------------

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


def _auto_or_int(minimum: int) -> Callable[[str], object]:
    """An argparse ``type``: 'auto' or a whole number >= ``minimum``."""
    def parse(value: str):
        if value.strip().lower() == "auto":
            return "auto"
        try:
            return _int_at_least(minimum)(value)
        except argparse.ArgumentTypeError:
            raise argparse.ArgumentTypeError(
                f"must be an integer >= {minimum} or 'auto', got {value!r}") from None
    return parse


_k_arg = _auto_or_int(2)  # --k (discover, report)
_rounds_arg = _auto_or_int(0)  # --reweight, --refine (discover)


def _overcluster_arg(value: str):
    """--overcluster: 'auto' or a number >= 1 (discover)."""
    if value.strip().lower() == "auto":
        return "auto"
    try:
        x = float(value)
    except ValueError:
        x = float("nan")
    if not x >= 1 or x == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number >= 1 or 'auto', got {value!r}")
    return x


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
    p.add_argument("--k-rule", default="vocab",
                   choices=("vocab", "smooth", "plateau", "knee", "modularity", "names"),
                   help="how --k auto chooses: vocab (default), the number of distinct "
                        "vocabularies among small clusters of the calls (mutual nearest clusters "
                        "whose distinctive words agree are one type); smooth, the smallest k "
                        "whose silhouette in the text representation, averaged over 5 "
                        "neighbouring k, is within 10%% of the best average; plateau, the "
                        "smallest k whose silhouette in the spectral space is within 5%% of the "
                        "best (faster); knee, the knee of the silhouette against log k (errs "
                        "towards more types); modularity, the partition with the highest "
                        "modularity in the neighbour graph; names, the number of distinct "
                        "vocabularies among 150 small clusters joined by any link")
    _add_profile(p)
    p.add_argument("--partition", default="auto", choices=("auto", "kmeans", "concept_merge"),
                   help="how the types are formed: auto (default): concept_merge when the concept "
                        "step is on (KMeans into --overcluster x k clusters merged by their concept "
                        "profiles), else kmeans")
    p.add_argument("--overcluster", default="auto", type=_overcluster_arg, metavar="auto|X",
                   help="clusters made before the concept merge, as a multiple of k (>= 1; "
                        "auto, the default: 2 for fast, 1.5 for accurate)")
    p.add_argument("--answers", default="auto", choices=("auto", "on", "off"),
                   help="merge clusters by how the operator answered as well as by concepts "
                        "(operator turns, redacted; auto, the default: on when >= 5%% of the "
                        "calls have operator words)")
    p.add_argument("--graph-space", default="auto", choices=("auto", "ngrams", "representation"),
                   help="rows the neighbour graph is built over: ngrams (auto, the default), the "
                        "sparse n-gram TF-IDF; representation, the reduced vectors (LSA; faster)")
    p.add_argument("--reweight", default="auto", type=_rounds_arg, metavar="auto|N",
                   help="rounds of term reweighting by concentration over the types found, each "
                        "followed by a new partition (auto, the default: 1 for fast with the "
                        "concept step, else 0; 0 is faster)")
    p.add_argument("--refine", default="auto", type=_rounds_arg, metavar="auto|N",
                   help="most rounds in which each call moves to the type whose words it uses "
                        "(hard EM of a word mixture; auto, the default: 20 for fast, 0 for "
                        "accurate; 0 keeps the clustering as it is)")
    p.add_argument("--partitions", default="auto", type=_auto_or_int(1), metavar="auto|N",
                   help="final partitions from different KMeans starts, of which the one that "
                        "agrees most with the others is kept (auto, the default: 8 for fast, 1 "
                        "for accurate; 1 is one start)")
    p.add_argument("--word-vectors", default="auto", choices=("auto", "on", "off"),
                   help="judge type centres, outliers and assignments next to word vectors "
                        "learned from the calls (auto, the default: on with >= 1,000 distinct calls)")
    p.add_argument("--caller-col", default="auto", metavar="COL|auto|none",
                   help="column saying who made each call (hashed phone or account id): each call "
                        "is linked to the same caller's previous call, since repeat calls are "
                        "mostly about the same matter (auto, the default: caller_id, customer_id, "
                        "client_id, caller_hash, phone_hash or caller if present; none: not used)")
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
