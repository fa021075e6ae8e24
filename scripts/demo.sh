#!/usr/bin/env bash
# Set up a virtual environment and run the main job: the automation report on
# sample_data/ with the shipped default model. Output: report_out/report.html.
# Usage: bash scripts/demo.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
OUT=${1:-report_out}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
.venv/bin/callmine report sample_data/calls.csv --model models/default.joblib --daily-calls 14000 -o "$OUT"
echo "Open $OUT/report.html in a browser (works offline)." >&2
