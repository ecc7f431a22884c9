#!/usr/bin/env bash
# Startup and per-call benchmark (headless Chromium); writes BENCHMARKS.md. Args go to bench/run.py.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec .venv/bin/python -m bench.run "$@"
