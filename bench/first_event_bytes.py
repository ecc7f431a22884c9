"""Bytes before the first event, counted at the server: a cold visit to the default
install calls load, identify, track and page; when the first event reaches the collector, the
files the server was asked for (the page's and its worker's, /collector/served) are summed with
MANIFEST.json's sizes under brotli (sentBrotli) and under gzip (sent).

    .venv/bin/python -m bench.first_event_bytes [--runtime micropython|pyodide]
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.request
from pathlib import Path
from typing import Any

from devtools import chromium
from devtools.harness import CachedPage, html, serving

ROOT = Path(__file__).resolve().parents[1]
FIRST = "analytics.identify('u1', {email: 'a@example.com'}); analytics.track('First');"
FIRST += " analytics.page();"


def get(base: str, path: str) -> Any:
    with urllib.request.urlopen(base + path) as resp:
        return json.load(resp)


def served_at_first_event(browser: Any, base: str, settings: dict[str, Any]) -> list[str]:
    urllib.request.urlopen(urllib.request.Request(base + "/collector/events", method="DELETE"))
    page = CachedPage(browser, base)
    try:
        page.open(html(settings, FIRST, {"snapshot": "never"}))
        deadline = time.monotonic() + 60
        while not get(base, "/collector/events") and time.monotonic() < deadline:
            time.sleep(0.01)
        served: list[str] = get(base, "/collector/served")
        return served
    finally:
        page.close()


def bytes_of(served: list[str], manifest: dict[str, Any]) -> dict[str, Any]:
    sizes = {"/analytics/" + e["path"]: e for e in manifest["entries"]}
    paths = [line.split(" ", 1)[1] for line in served if line.startswith("GET /analytics/")]
    found = [sizes[p] for p in paths if p in sizes]
    return {
        "files": sorted(p.rsplit("/", 1)[-1] for p in paths),
        "brotli": sum(e["sentBrotli"] for e in found),
        "gzip": sum(e["sent"] for e in found),
    }


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runtime", default=None, help="unset: the default install's choice")
    args = parser.parse_args(argv)
    manifest = json.loads((ROOT / "dist" / "MANIFEST.json").read_text())
    with serving("--port", "0") as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium.EXECUTABLE, args=chromium.ARGS)
        served = served_at_first_event(browser, base, {"runtime": args.runtime})
        browser.close()
    print(json.dumps(bytes_of(served, manifest), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
