"""Make a Pyodide memory snapshot with the integration package already imported.

Called by the build (`python -m devtools.build`, which setup.sh runs) when the bundle has the
trimmed stdlib and no snapshot for its key yet. Headless Chromium boots the bundle's Pyodide
from a plain file server over the freshly written bundle (not the dev server: that one builds),
with `_makeSnapshot: true` and the same trimmed stdlib (`stdLibURL`) the loader boots with,
unpacks the package, imports every module of it and saves `makeMemorySnapshot()` to
.cache/snapshots/<key>.bin. The key names the Pyodide version, the package and the stdlib, so a
changed one never restores stale state: the build offers the file only while the key matches.
Restoring skips Python's start-up and our imports (see BENCHMARKS.md). Pyodide marks this API
experimental; the loader falls back to a normal boot if a restore fails.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from devtools import chromium

BLANK = "/.snapshot-blank.html"  # not a bundle path

MAKE = """async ([bundle, files]) => {
  const indexURL = bundle + files.pyodide;
  const { loadPyodide } = await import(indexURL + 'pyodide.mjs');
  const py = await loadPyodide({indexURL, stdLibURL: bundle + files.stdlib, _makeSnapshot: true});
  const zip = await (await fetch(bundle + files.package)).arrayBuffer();
  py.unpackArchive(zip, 'zip', {extractDir: '/home/pyodide'});
  py.runPython(`
import os
for folder, _dirs, names in sorted(os.walk('/home/pyodide/integration')):
    for name in sorted(names):
        if name.endswith('.py'):
            parts = (folder[len('/home/pyodide/'):] + '/' + name[:-3]).split('/')
            __import__('.'.join(parts[:-1] if parts[-1] == '__init__' else parts))
`);
  const snap = py.makeMemorySnapshot();
  let bin = '';
  for (let i = 0; i < snap.length; i += 0x8000) {
    bin += String.fromCharCode.apply(null, snap.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}"""


def make(out: Path, key: str, cache: Path) -> bool:
    """Write cache/<key>.bin from the bundle in `out`; False (and a line on stderr) on failure."""
    if not can_make():
        return False
    started = time.monotonic()
    files = json.loads((out / "MANIFEST.json").read_text())["files"]
    server = serving(out)
    try:
        data = run_in_chromium(f"http://127.0.0.1:{server.server_address[1]}", files)
    except Exception as exc:  # noqa: BLE001 - a failed snapshot only costs the speed-up
        print(f"snapshot: could not be made: {exc}", file=sys.stderr)
        return False
    finally:
        server.shutdown()
        server.server_close()
    target = save(base64.b64decode(data), cache / f"{key}.bin")
    took = time.monotonic() - started
    print(f"snapshot: wrote {target.name} ({target.stat().st_size / 1e6:.1f} MB, {took:.1f} s)")
    return True


def can_make() -> bool:
    """Whether Playwright and Chromium are there (a line on stderr when not)."""
    if importlib.util.find_spec("playwright") is None:
        print("snapshot: playwright is not installed; skipped", file=sys.stderr)
        return False
    if not Path(chromium.EXECUTABLE).exists():
        print(f"snapshot: no {chromium.EXECUTABLE}; skipped", file=sys.stderr)
        return False
    return True


class _BundleFiles(SimpleHTTPRequestHandler):
    """The written bundle at /, and an empty page at BLANK for the maker to run in."""

    def do_GET(self) -> None:  # noqa: N802
        if self.path != BLANK:
            return super().do_GET()
        body = b"<!doctype html><title>snapshot</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def serving(out: Path) -> ThreadingHTTPServer:
    """A server of the bundle in `out` on a free port, in a thread of its own."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_BundleFiles, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_in_chromium(base: str, files: dict[str, str]) -> str:
    """The snapshot, base64, made by MAKE in headless Chromium from the bundle at `base`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium.EXECUTABLE, args=chromium.ARGS)
        page = browser.new_page()
        page.goto(base + BLANK)
        data: str = page.evaluate(MAKE, [base + "/", files])
        browser.close()
    return data


def save(body: bytes, target: Path) -> Path:
    """`body` at `target`, the only snapshot in its folder (older keys are stale)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.glob("*.bin"):
        old.unlink()
    part = target.with_suffix(".part")
    part.write_bytes(body)
    part.replace(target)
    return target
