"""Make a Pyodide memory snapshot with the integration package already imported.

Called by the build (`python -m devtools.build`, which setup.sh runs) when the bundle has the
trimmed stdlib and no snapshot for its key yet. Headless Chromium boots the bundle's Pyodide
from a server over the freshly written bundle, with `_makeSnapshot: true` and the same trimmed
stdlib (`stdLibURL`) the loader boots with, unpacks the package, imports every module of it and
saves `makeMemorySnapshot()` to .cache/snapshots/<key>.bin. The key names the Pyodide version,
the package and the stdlib, so a changed one never restores stale state: the build offers the
file only while the key matches. Restoring skips Python's start-up and our imports (see
BENCHMARKS.md). Pyodide marks this API experimental; the loader falls back to a normal boot if
a restore fails.
"""

from __future__ import annotations

import base64
import json
import sys
import threading
import time
from pathlib import Path

from devtools import chromium

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
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("snapshot: playwright is not installed; skipped", file=sys.stderr)
        return False
    if not Path(chromium.EXECUTABLE).exists():
        print(f"snapshot: no {chromium.EXECUTABLE}; skipped", file=sys.stderr)
        return False
    from devtools.server import make_server

    files = json.loads((out / "MANIFEST.json").read_text())["files"]
    server = make_server("127.0.0.1", 0, dist=out, build=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    started = time.monotonic()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium.EXECUTABLE, args=chromium.ARGS)
            page = browser.new_page()
            page.goto(base + "/qa/blank.html")
            data = page.evaluate(MAKE, [base + "/analytics/", files])
            browser.close()
    except Exception as exc:  # noqa: BLE001 - a failed snapshot only costs the speed-up
        print(f"snapshot: could not be made: {exc}", file=sys.stderr)
        return False
    finally:
        server.shutdown()
        server.server_close()
    target = cache / f"{key}.bin"
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob("*.bin"):
        old.unlink()
    part = target.with_suffix(".part")
    part.write_bytes(base64.b64decode(data))
    part.replace(target)
    took = time.monotonic() - started
    print(f"snapshot: wrote {target.name} ({target.stat().st_size / 1e6:.1f} MB, {took:.1f} s)")
    return True
