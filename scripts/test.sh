#!/usr/bin/env bash
# The test contract: set up what is missing, lint (ruff for the Python, ESLint with
# eslint.config.mjs for static/ and qa/), type-check, then every test (unit, then browser).
# Extra args go to pytest, e.g. `bash scripts/test.sh -m "not browser"`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
echo "== ruff"; .venv/bin/ruff check . && .venv/bin/ruff format --check .
echo "== eslint"; node_modules/.bin/eslint --max-warnings 0 static qa
echo "== mypy"; .venv/bin/mypy
echo "== pytest"; .venv/bin/python -m pytest "$@"
