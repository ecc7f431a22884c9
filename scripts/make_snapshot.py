"""Make a Pyodide memory snapshot with the integration package already imported.

    .venv/bin/python scripts/make_snapshot.py        (setup.sh runs it when chromium exists)

Headless Chromium boots Pyodide from our own server with `_makeSnapshot: true`, unpacks the
package, imports it, and saves `makeMemorySnapshot()` to .cache/snapshots/<key>.bin, where the
key names the Pyodide version and the package hash. serve_assets.py offers the file to the
loader only while that key matches, so a changed package or Pyodide never restores stale
state. Restoring skips Python's start-up and our imports (see BENCHMARKS.md). Pyodide marks
this API experimental; the loader falls back to a normal boot if a restore fails.
"""

from __future__ import annotations

import base64
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import chromium  # noqa: E402
from serve import make_server  # noqa: E402
from serve_assets import Assets, snapshot_path  # noqa: E402

MAKE = """async ([pyodideUrl, packageUrl]) => {
  const { loadPyodide } = await import(pyodideUrl + 'pyodide.mjs');
  const py = await loadPyodide({indexURL: pyodideUrl, _makeSnapshot: true});
  const zip = await (await fetch(packageUrl)).arrayBuffer();
  py.unpackArchive(zip, 'zip', {extractDir: '/home/pyodide'});
  py.runPython(`
import integration, integration.bridge
import integration.mixpanel.traits, integration.mixpanel.events, integration.mixpanel.alias_group
`);
  const snap = py.makeMemorySnapshot();
  let bin = '';
  for (let i = 0; i < snap.length; i += 0x8000) {
    bin += String.fromCharCode.apply(null, snap.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}"""


def main() -> int:
    from playwright.sync_api import sync_playwright

    assets = Assets()
    target = snapshot_path(assets)
    if target.exists():
        print(f"snapshot: up to date ({target.name})")
        return 0
    server = make_server("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    started = time.monotonic()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium.EXECUTABLE, args=chromium.ARGS)
            page = browser.new_page()
            page.goto(base + "/static/blank.html")
            data = page.evaluate(MAKE, [assets.urls["pyodide"], assets.package_url()])
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.glob("*.bin"):
        old.unlink()
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(base64.b64decode(data))
    tmp.rename(target)
    took = time.monotonic() - started
    print(f"snapshot: wrote {target.name} ({target.stat().st_size / 1e6:.1f} MB, {took:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
