#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: Debian packages (the three browser engines the tests
# drive: chromium, firefox-esr, webkit2gtk-driver with xvfb for its X display; nginx for the
# tests; node/npm if missing), the npm packages pinned by package-lock.json (the runtime files,
# terser for the build, ESLint for test.sh), a virtual environment with the project and its
# test and build extras, and the bundle (dist/, with the Pyodide snapshot when chromium is
# there). Each step is skipped when it is already done. Run by demo.sh, test.sh and bench.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

need_browser="${NEED_BROWSER:-1}"
if [ "$need_browser" = 1 ]; then
  # nginx and its brotli_static module: tests/browser/deploy/test_deploy.py (deploy/nginx-brotli.conf);
  # firefox-esr, webkit2gtk-driver, xvfb: devtools/engines.py
  apt_install chromium nginx libnginx-mod-http-brotli-static firefox-esr webkit2gtk-driver xvfb
  for bin in chromium firefox-esr WebKitWebDriver Xvfb; do
    command -v "$bin" >/dev/null || { echo "setup: $bin missing after install" >&2; exit 1; }
  done
fi
if ! command -v npm >/dev/null 2>&1; then apt_install nodejs npm; fi

# npm packages: reinstall only when package-lock.json changed since the last install.
stamp=node_modules/.lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

# Python virtual environment with the project and its test extras.
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  # Debian's python3 makes venvs only with python3-venv (ensurepip) installed
  "$PY" -c "import ensurepip, venv" 2>/dev/null || apt_install python3-venv
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
vstamp=.venv/.pyproject-stamp
if [ ! -f "$vstamp" ] || ! cmp -s pyproject.toml "$vstamp"; then
  echo "setup: installing the project into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test,build]'
  cp pyproject.toml "$vstamp"
fi

# The bundle, with the Pyodide memory snapshot when chromium is there (the loader boots without
# one). Only what is stale is rebuilt; the dev server keeps it up to date afterwards.
if [ "$need_browser" = 1 ]; then
  mkdir -p .cache
  bash scripts/build.sh > .cache/build.log || { cat .cache/build.log; exit 1; }
  tail -n 4 .cache/build.log | sed 's/^/setup: /'
else
  bash scripts/build.sh --no-snapshot > /dev/null
fi
