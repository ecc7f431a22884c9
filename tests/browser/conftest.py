"""Browser test harness: Debian's Chromium, serve.py on a free port, pages built per test.

Every page includes the loader from the bundle the dev server builds, at LOADER_URL (the
README's tag); the inline snippet finds it there by its default SRC.

Pyodide's cold boot costs seconds per new page, so the tests share one page per module and
navigate it again (the renderer reuses the compiled wasm). Each test page is served on the same
origin through Playwright routing, so no test page file needs to exist. Every request any page
makes is recorded; a test fails if one leaves the server's origin.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools import chromium

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = chromium.EXECUTABLE
ARGS = chromium.ARGS
BOOT_TIMEOUT_MS = 90_000
LOADER_URL = "/analytics/analytics.js"  # the bundle's loader, as the README's tag names it
BLANK_URL = "/qa/blank.html"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture(scope="session")
def server_url() -> Any:
    proc = subprocess.Popen(
        [sys.executable, "serve.py", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("Serving on http://127.0.0.1:"), line
    yield line.split()[-1].rstrip("/")
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

    def wait(self, predicate: Any, timeout: float = 15.0) -> list[dict[str, Any]]:
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

    def wait_events(self, count: int, name: str | None = None, timeout: float = 15.0) -> list[Any]:
        self.wait(lambda _: len(self.events(name)) >= count, timeout)
        return self.events(name)


@pytest.fixture(scope="session")
def collector(server_url: str) -> Collector:
    return Collector(server_url)


SNIPPET = (
    (ROOT / "static" / "snippet.js").read_text().replace("/analytics/analytics.js", LOADER_URL)
)

# runtime: Pyodide for the existing files (the default is now MicroPython; test_micropython.py
# covers it, and the new boot tests pick theirs).
DEFAULT_SETTINGS = {
    "token": "test-token",
    "mixpanelConfig": {"batch_requests": False},
    "runtime": "pyodide",
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


def chainable(call: str) -> str:
    """A page expression: true when `call` returns analytics.js's chainable, awaitable value."""
    return f"() => (r => typeof r.then === 'function' && typeof r.identify === 'function')({call})"


class TestPage:
    """One shared Playwright page; `open()` navigates it to a freshly built test page."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.console: list[tuple[str, str]] = []
        self.page_errors: list[str] = []
        self.foreign: list[str] = []
        page.on("console", lambda m: self.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("request", self._check_origin)
        page.context.route(base + "/t/**", self._serve_test_page)
        self._pages: dict[str, str] = {}

    def _check_origin(self, request: Any) -> None:
        url = request.url
        if not (url.startswith(self.base + "/") or url.startswith(("data:", "blob:", "about:"))):
            self.foreign.append(url)

    def _serve_test_page(self, route: Any) -> None:
        path = route.request.url[len(self.base) :].split("?")[0]
        html = self._pages.get(path)
        if html is None:
            route.fulfill(status=404, body="no such test page")
        else:
            route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8")

    def build(self, name: str, **parts: Any) -> str:
        settings = {**DEFAULT_SETTINGS, **parts.pop("settings", {})}
        local = parts.pop("local_api_host", True)
        loader = f'<script src="{LOADER_URL}"></script>'
        if parts.pop("snippet", False):  # the inline, non-blocking install (static/snippet.js)
            loader = f"<script>{SNIPPET}</script>"
        base = "{apiHost: location.origin + '/mp'}" if local else "{}"
        fields = {
            "title": name,
            "head": "",
            "before_load": "",
            "script": "",
            "body": "",
            "base": base,
            "loader": loader,
            # the memory snapshot on every visit, as before the 'auto' policy (which skips it
            # on an uncached, slow visit; tests/browser/test_mobile.py covers that)
            "load_options": json.dumps({"snapshot": "always", **parts.pop("load_options", {})}),
        }
        fields.update(parts)
        path = f"/t/{name}.html"
        self._pages[path] = PAGE.format(settings=json.dumps(settings), **fields)
        return self.base + path

    def open(self, name: str, *, fresh: bool = True, wait_ready: bool = True, **parts: Any) -> Any:
        url = self.build(name, **parts)
        if fresh:
            self.page.context.clear_cookies()
            self.page.goto(self.base + BLANK_URL)
            self.page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        self.console.clear()
        self.page_errors.clear()
        self.page.goto(url)
        if wait_ready:
            self.wait_ready()
        return self.page

    @contextlib.contextmanager
    def routed(self, pattern: str, handler: Any) -> Iterator[None]:
        """Requests matching `pattern` go to `handler` inside the block only."""
        self.page.route(pattern, handler)
        try:
            yield
        finally:
            self.page.unroute(pattern)

    def failing(self, pattern: str, how: str = "404") -> Any:
        """A block in which `pattern` answers 404, or (how="abort") fails at the network."""

        def handle(route: Any) -> None:
            if how == "404":
                route.fulfill(status=404, body="not here")
            else:
                route.abort("failed")

        return self.routed(pattern, handle)

    def wait_ready(self) -> Any:
        self.page.wait_for_function("() => window.__status", timeout=BOOT_TIMEOUT_MS)
        return self.page.evaluate("() => window.__status")

    def mixpanel_calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """The mixpanel.js calls the integration made on this page, in order."""
        calls: list[dict[str, Any]] = self.page.evaluate("() => window.__log")
        return [c for c in calls if method is None or c["method"] == method]

    def lines(self, level: str | None = None) -> list[str]:
        return [text for kind, text in self.console if level is None or kind == level]


@pytest.fixture(scope="module")
def shared(browser: Any, server_url: str) -> Any:
    context = browser.new_context()
    page = context.new_page()
    tp = TestPage(page, server_url)
    yield tp
    context.close()


@pytest.fixture
def tp(shared: TestPage, collector: Collector) -> Any:
    """The shared page, with the collector emptied; fails the test on any foreign request."""
    collector.clear()
    shared.foreign.clear()
    yield shared
    assert shared.foreign == [], f"requests left the origin: {shared.foreign}"
    assert shared.page_errors == [], f"uncaught errors reached the page: {shared.page_errors}"
