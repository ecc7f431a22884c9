#!/usr/bin/env bash
# Startup (mobile + broadband profiles), short-visit and per-call benchmark (headless Chromium);
# writes BENCHMARKS.md and bench/short-visits.svg. Args go to bench/run.py, e.g.
#   bash scripts/bench.sh                      full run: both profiles, 3 runs, 3 short-visit runs
#   bash scripts/bench.sh --profile mobile     one profile;  --quick: broadband smoke, no report
#   bash scripts/bench.sh --only-i19           the main-thread sections alone (--i19-runs N, default 3)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec .venv/bin/python -m bench.run "$@"
