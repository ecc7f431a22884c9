"""What the browser tests and the benchmark share to drive the dev server and its pages.

- `serving()`: serve.py in a subprocess for a block; `Collector`: its collector read over HTTP;
  `publish()`: a page kept by the server (serve.py --test-pages) at /t/<name>.html.
- `PAGE`: the test page template (the loader's tag, `analytics.load(...)`, the page's script);
  `engine_page()` fills it for every engine (devtools/engines.py), `html()` for the boot pages
  that `CachedPage` serves with the browser's HTTP cache on.

Nothing waits a fixed time to see that nothing more arrives: `wait_quiet()` polls until nothing
new came for a short window (bounded).
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from devtools.engines import CONSOLE

ROOT = Path(__file__).resolve().parents[1]
LOADER_URL = "/analytics/analytics.js"  # the bundle's loader, as the README's tag names it


@contextlib.contextmanager
def serving(*args: str) -> Iterator[str]:
    """serve.py with these arguments (`--port 0`: a free port) for the block; its base URL."""
    proc = subprocess.Popen(
        [sys.executable, "serve.py", *args], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    try:
        line = proc.stdout.readline()
        assert line.startswith("Serving on http://127.0.0.1:"), line
        yield line.split()[-1].rstrip("/")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


class Collector:
    """What serve.py's collector received, read over HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base

    def all(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(self.base + "/collector/events") as resp:
            records: list[dict[str, Any]] = json.load(resp)
            return records

    def clear(self) -> None:
        req = urllib.request.Request(self.base + "/collector/events", method="DELETE")
        urllib.request.urlopen(req).close()

    def payloads(self, endpoint: str) -> list[dict[str, Any]]:
        return [r["payload"] for r in self.all() if r["endpoint"] == endpoint]

    def events(self, name: str | None = None) -> list[dict[str, Any]]:
        return [p for p in self.payloads("track") if name is None or p.get("event") == name]

    def wait(self, predicate: Any, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Poll until predicate(all records) is truthy; return the records."""
        deadline = time.monotonic() + timeout
        while True:
            records = self.all()
            if predicate(records):
                return records
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"collector never matched; it has: {json.dumps(records)[:3000]}"
                )
            time.sleep(0.1)

    def engage(self, op: str) -> list[dict[str, Any]]:
        """The /engage payloads (People updates) holding the operation `op` ($set, $add, ...)."""
        return [p for p in self.payloads("engage") if op in p]

    def wait_events(self, count: int, name: str | None = None, timeout: float = 30.0) -> list[Any]:
        self.wait(lambda _: len(self.events(name)) >= count, timeout)
        return self.events(name)

    def wait_quiet(
        self, predicate: Any = None, quiet: float = 0.5, timeout: float = 15.0
    ) -> list[dict[str, Any]]:
        """Poll until predicate(records) holds (when given) and nothing new arrived for `quiet`
        seconds; return the records."""
        records: list[dict[str, Any]] = wait_quiet(
            self.all, predicate, quiet, timeout, "the collector"
        )
        return records


def wait_quiet(read: Any, predicate: Any, quiet: float, timeout: float, what: str) -> Any:
    """Poll read() until predicate(value) holds (when given) and the value stayed the same for
    `quiet` seconds; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last, since = read(), time.monotonic()
    while True:
        time.sleep(0.05)
        value, now = read(), time.monotonic()
        if value != last:
            last, since = value, now
        elif now - since >= quiet and (predicate is None or predicate(value)):
            return value
        if now > deadline:
            raise AssertionError(f"{what} never went quiet; it has: {json.dumps(value)[:3000]}")


# runtime: Pyodide for the existing files (the default is now MicroPython; test_micropython.py
# covers it, and the new boot tests pick theirs).
# No runtime: the product's default (MicroPython, in the worker). A test's settings, or its
# `runtimes` / `pyodide_only` marker, pick another.
DEFAULT_SETTINGS = {
    "token": "test-token",
    "mixpanelConfig": {"batch_requests": False},
}

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>{title}</title>{head}
<script>
window.__log = [];
window.addEventListener('load', function () {{ window.__loadAt = performance.now(); }});
</script>
{loader}
<script>
analytics.on('shim:mixpanel', function (c) {{ window.__log.push(c); }});
analytics.ready(function (s) {{ window.__readyAt = performance.now(); window.__status = s; }});
{before_load}
analytics.load(Object.assign({base}, {settings}), {load_options});
{script}
</script>
</head><body><h1>{title}</h1>{body}</body></html>
"""


def html(settings: dict[str, Any], script: str = "", load_options: Any = None) -> str:
    """A boot page (PAGE) with the README's loader tag; DEFAULT_SETTINGS under `settings`,
    whose runtime None leaves it unset."""
    merged = {**DEFAULT_SETTINGS, **settings}
    if merged.get("runtime") is None:
        merged.pop("runtime", None)
    return PAGE.format(
        title="boot",
        head="",
        before_load="",
        script=script,
        body="",
        base="{apiHost: location.origin + '/mp'}",
        loader=f'<script src="{LOADER_URL}"></script>',
        settings=json.dumps(merged),
        load_options=json.dumps(load_options or {}),
    )


# -- pages for every engine (devtools/engines.py): published on the server, no routing --------

ENGINE_SETTINGS = {"token": "test-token", "mixpanelConfig": {"batch_requests": False}}


def engine_page(
    name: str,
    settings: dict[str, Any] | None = None,
    *,
    script: str = "",
    body: str = "",
    head: str = "",
    load_options: dict[str, Any] | None = None,
) -> str:
    """A cross-engine test page: the template above, carrying devtools/engines.py's CONSOLE;
    the README's install (no runtime: auto) unless `settings` say otherwise."""
    return PAGE.format(
        title=name,
        head=CONSOLE + head,
        loader=f'<script src="{LOADER_URL}"></script>',
        before_load="",
        base="{apiHost: location.origin + '/mp'}",
        settings=json.dumps({**ENGINE_SETTINGS, **(settings or {})}),
        load_options=json.dumps(load_options or {}),
        script=script,
        body=body,
    )


def publish(base: str, name: str, html: str) -> str:
    """Serve `html` at /t/<name>.html (serve.py --test-pages); its URL."""
    url = f"{base}/t/{name}.html"
    req = urllib.request.Request(url, data=html.encode(), method="PUT")
    urllib.request.urlopen(req).close()
    return url


class CachedPage:
    """One page of a fresh context; `open(html)` serves it at /t/boot.html without routing.

    For pages that need the browser's HTTP cache: Playwright's routing turns it off, so the
    page is served through the DevTools Fetch domain (only the page itself is intercepted), in
    a fresh browser context (a cold cache). `fetched()` counts what the browser really fetched
    from the server (not from its cache)."""

    def __init__(self, browser: Any, base: str, storage_state: Any = None) -> None:
        self.context = browser.new_context(storage_state=storage_state)
        self.page = self.context.new_page()
        self.base = base
        self.html = ""
        self.cdp = self.context.new_cdp_session(self.page)
        self.requests: dict[str, tuple[str, str]] = {}
        self.cached: set[str] = set()
        self.console: list[tuple[str, str]] = []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.loadingFailed", self._failed)
        self.cdp.on("Fetch.requestPaused", self._serve)
        self.cdp.send("Network.enable")
        pattern = {"urlPattern": base + "/t/*", "requestStage": "Request"}
        self.cdp.send("Fetch.enable", {"patterns": [pattern]})

    def _sent(self, event: dict[str, Any]) -> None:
        request = event["request"]
        self.requests[event["requestId"]] = (request["method"], request["url"])

    def _received(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.cached.add(event["requestId"])

    def _failed(self, event: dict[str, Any]) -> None:
        if "CACHE_MISS" in event.get("errorText", ""):  # fetch(..., {cache: 'only-if-cached'})
            self.cached.add(event["requestId"])  # a look in the cache, nothing fetched

    def _serve(self, event: dict[str, Any]) -> None:
        body = base64.b64encode(self.html.encode()).decode()
        headers = [{"name": "Content-Type", "value": "text/html; charset=utf-8"}]
        self.cdp.send(
            "Fetch.fulfillRequest",
            {
                "requestId": event["requestId"],
                "responseCode": 200,
                "responseHeaders": headers,
                "body": body,
            },
        )

    def throttle(self, network: dict[str, Any], cpu: float = 1) -> None:
        self.cdp.send("Network.emulateNetworkConditions", network)
        if cpu != 1:
            self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})

    def open(self, page_html: str) -> Any:
        self.html = page_html
        self.page.goto(self.base + "/t/boot.html")
        return self.page

    def wait_ready(self, timeout_ms: int) -> Any:
        self.page.wait_for_function("() => window.__status", timeout=timeout_ms)
        return self.page.evaluate("() => window.__status")

    def fetched(self) -> Counter[str]:
        """Requests per 'METHOD path' that reached the server (HTTP cache hits never do), the
        page's and its worker's alike: a page-level CDP session does not see a worker's."""
        with urllib.request.urlopen(self.base + "/collector/served") as resp:
            served: list[str] = json.load(resp)
        return Counter(served)

    def close(self) -> None:
        self.context.close()
