#!/usr/bin/env bash
# Set up what is missing, then serve the demo on http://127.0.0.1:8000/ (args go to serve.py).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
NEED_BROWSER=0 bash scripts/setup.sh
exec .venv/bin/python serve.py "$@"
