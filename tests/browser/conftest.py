"""Browser test harness: Debian's Chromium, serve.py on a free port, pages built per test.

Every page includes the loader from the bundle the dev server builds, at LOADER_URL (the
README's tag); the inline snippet finds it there by its default SRC.

Pyodide's cold boot costs seconds per new page, so the tests share one page per (module, runtime)
and navigate it again (the renderer reuses the compiled wasm). Each test page is served on the
same origin through Playwright routing, so no test page file needs to exist; test_engines.py's
pages (every engine, devtools/engines.py) are published on the server instead (`engine_page`,
`publish`: serve.py --test-pages), as WebDriver has no routing. The server, its collector and
the page template are devtools/harness.py's (the benchmark uses them too). Every request any
page makes is recorded; a test fails if one leaves the server's origin.

Runtimes. A module opts in with ``pytestmark = pytest.mark.runtimes(*BOTH)``:
each of its tests that uses ``tp`` (or ``runtime``) then runs once per runtime, its pages built
with ``settings.runtime`` set to it (a test's own ``settings`` still win). The parameter is
module-scoped, so a module runs all its MicroPython tests, then all its Pyodide ones, each group
on its own shared page. ``DEFAULT`` is the README's install: no ``runtime`` in the settings (auto,
so MicroPython, in the worker) and no load options: the product's default, and the runtime of
a test that names none (DEFAULT_SETTINGS sets none). A test that checks something only Pyodide
has says why with ``@pytest.mark.pyodide_only("reason")`` (pyproject.toml's markers) and runs
on 'pyodide' only; a test that parametrizes ``runtime`` itself keeps its own values.

Nothing waits a fixed time to see that nothing more arrives: ``collector.wait_quiet()`` and
``tp.wait_console_quiet()`` poll until nothing new came for a short window (bounded), and
``wait_until()`` polls a condition up to a deadline.

Browser tests that run on one runtime only, and why (``pyodide_only``,
``@pytest.mark.runtimes(<one>)``, or a module whose pages set their own runtime):

- test_end_to_end_smoke: the three snapshot tests (restore, without, a failing snapshot): the memory
  snapshot is Pyodide's. The demo-page test: the QA console at / boots with its own settings
  (the loader's default), and test_console covers its runtime switch.
- test_failures: the missing-file cases name Pyodide's files (pyodide-*/, its stdlib zip);
  MicroPython's missing files are test_micropython's. The stalled file is Pyodide's wasm
  (MicroPython's: test_boot).
- Not yet on MicroPython, a product limit (open): test_hostile's case table and test_failures'
  queue bounded in size. MicroPython's json module (the wire codec, both ways) costs seconds per
  MB of payload (about 3 us a character here), so a page whose queue holds 1-3 MB strings is not
  ready within the 90 s boot wait. The emoji test of test_hostile runs on both.
- test_micropython: MicroPython itself (its boot object, the precompiled .mpy package and the
  fallback to the .py package, its missing files); its wire tests and the behaviour corpus run
  on both.
- test_mobile: Pyodide on the mobile profile (MicroPython's cold mobile visit is test_boot's).
- test_boot: the loader's boot, on MicroPython: 'auto' and the default pick it; the trickle is
  sized for MicroPython's bytes (Pyodide's slow boot is test_mobile's); the stalled file is
  MicroPython's wasm (Pyodide's is test_failures'); the carry-over tests hold boot.mjs, so no
  runtime runs before the next page, whose replay is the one test_api checks on both.
- test_console: the QA console picks its runtime itself (its runtime panel and switch are
  tests of their own).
- test_deploy parametrizes both runtimes itself; test_bench_smoke runs the benchmark's pages.
- test_worker: the warm-up after ready is Pyodide's (integration/bridge warmer says why).
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools import chromium
from devtools.harness import (
    DEFAULT_SETTINGS,
    LOADER_URL,
    PAGE,
    CachedPage,
    Collector,
    serving,
    wait_quiet,
)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = chromium.EXECUTABLE
ARGS = chromium.ARGS
BOOT_TIMEOUT_MS = 90_000
BLANK_URL = "/qa/blank.html"
MICROPYTHON, PYODIDE = "micropython", "pyodide"
BOTH = (MICROPYTHON, PYODIDE)
DEFAULT = "default"  # no runtime in the settings, no load options: the README's install

pytestmark = pytest.mark.browser


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "runtimes(*names): run the test once per runtime named (micropython, pyodide, default)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Runtimes named by a `runtimes` marker, as a module-scoped parameter (grouped by runtime)."""
    if "runtime" not in metafunc.fixturenames:
        return
    own = [m for m in metafunc.definition.iter_markers("parametrize") if "runtime" in m.args[0]]
    marker = metafunc.definition.get_closest_marker("runtimes")
    if metafunc.definition.get_closest_marker("pyodide_only") is not None:
        names = [PYODIDE]
    elif own or marker is None:
        return
    else:
        names = list(marker.args)
    metafunc.parametrize("runtime", names, indirect=True, scope="module")


@pytest.fixture(scope="module")
def runtime(request: pytest.FixtureRequest) -> str:
    """The runtime the test's pages ask for: its `runtimes` (or `pyodide_only`) marker's, else
    the product's default (DEFAULT: no runtime set, so MicroPython, in the worker)."""
    return str(getattr(request, "param", DEFAULT))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture(scope="session")
def server_url() -> Any:
    with serving("--port", "0", "--test-pages") as base:  # /t/: the cross-engine test pages
        yield base


@pytest.fixture
def cached(browser: Any, server_url: str, collector: Any) -> Any:
    """A page in a fresh context of its own whose HTTP cache it keeps (devtools/harness.py)."""
    collector.clear()
    page = CachedPage(browser, server_url)
    yield page
    page.close()


def wait_until(check: Any, timeout: float, what: str, page: Any = None) -> Any:
    """Poll check() until it returns something truthy (returned); fails after `timeout` seconds.
    With a Playwright `page`, each pause lets it deliver the page's events meanwhile."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        if page is None:
            time.sleep(0.05)
        else:
            page.wait_for_timeout(20)
    return value


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cookie(page: Any, name: str) -> dict[str, Any] | None:
    """The page's cookie called `name`, or None."""
    return next((c for c in page.context.cookies() if c["name"] == name), None)


@pytest.fixture(scope="session")
def collector(server_url: str) -> Collector:
    return Collector(server_url)


SNIPPET = (
    (ROOT / "static" / "snippet.js").read_text().replace("/analytics/analytics.js", LOADER_URL)
)


def chainable(call: str) -> str:
    """A page expression: true when `call` returns analytics.js's chainable, awaitable value."""
    return f"() => (r => typeof r.then === 'function' && typeof r.identify === 'function')({call})"


class TestPage:
    """One shared Playwright page; `open()` navigates it to a freshly built test page."""

    def __init__(self, page: Any, base: str, runtime: str = DEFAULT) -> None:
        self.page = page
        self.base = base
        self.runtime = runtime  # what build() asks for; DEFAULT: nothing, as the README's tag
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
        own = parts.pop("settings", {})
        settings = {**DEFAULT_SETTINGS, "runtime": self.runtime, **own}
        if self.runtime == DEFAULT and "runtime" not in own:
            settings.pop("runtime")
        # the memory snapshot on every visit, as before the 'auto' policy (which skips it on an
        # uncached, slow visit; tests/browser/test_mobile.py covers that); DEFAULT: none
        options = {} if self.runtime == DEFAULT else {"snapshot": "always"}
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
            "load_options": json.dumps({**options, **parts.pop("load_options", {})}),
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

    def routed(self, pattern: str, handler: Any) -> Any:
        """Requests matching `pattern` go to `handler` inside the block only."""
        return routed(self.page, pattern, handler)

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
        """The page's console lines so far. One round trip to the page first: the browser sends
        its events in order, so every line printed before now (a worker's batch prints its lines
        before its mixpanel.js calls send) has reached this list."""
        with contextlib.suppress(Exception):  # a page that is navigating or gone: what came
            self.page.evaluate("0")
        return [text for kind, text in self.console if level is None or kind == level]

    def wait_console_quiet(
        self, quiet: float = 0.5, timeout: float = 15.0, having: str | None = None
    ) -> list[str]:
        """Wait until no console line came for `quiet` seconds (and, when given, one line
        contains `having`); return all lines."""
        wanted = None if having is None else (lambda _: any(having in t for t in self.lines()))

        def count() -> int:  # Playwright delivers console events only while it is called
            self.page.wait_for_timeout(20)
            return len(self.console)

        wait_quiet(count, wanted, quiet, timeout, "the console")
        return self.lines()


PROBES = [0]


def run_python(page: Any, source: str, *args: Any) -> str:
    """str(main(*args)) of `source`, run in the page's runtime through the one test route
    (analytics._python: the worker's or the page's interpreter, whichever runs the integration)."""
    PROBES[0] += 1
    name = f"probe_{PROBES[0]}"
    request = {"files": {name + ".py": source}, "module": name, "fn": "main", "args": list(args)}
    answer: str = page.evaluate("(r) => analytics._python(r)", request)
    return answer


@contextlib.contextmanager
def routed(page: Any, pattern: str, handler: Any) -> Iterator[None]:
    """On `page`, requests matching `pattern` go to `handler` inside the block only."""
    page.route(pattern, handler)
    try:
        yield
    finally:
        page.unroute(pattern)


class Held:
    """Requests matching a pattern are held (never answered) until release()."""

    def __init__(self) -> None:
        self.routes: list[Any] = []
        self.released = False

    def handle(self, route: Any) -> None:
        if self.released:
            route.continue_()
        else:
            self.routes.append(route)

    def release(self) -> None:
        self.released = True
        for route in self.routes:
            route.continue_()
        self.routes.clear()


@contextlib.contextmanager
def held(page: Any, pattern: str) -> Iterator[Held]:
    """On `page`, requests matching `pattern` wait inside the block until released (aborted
    at its end)."""
    holder = Held()
    try:
        with routed(page, pattern, holder.handle):
            yield holder
    finally:
        for route in holder.routes:
            with contextlib.suppress(Exception):
                route.abort()


class Pages:
    """The module's shared pages, one per runtime, each in its own browser context."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser = browser
        self.base = base
        self.by_runtime: dict[str, TestPage] = {}

    def get(self, runtime: str) -> TestPage:
        if runtime not in self.by_runtime:
            context = self.browser.new_context()
            self.by_runtime[runtime] = TestPage(context.new_page(), self.base, runtime)
        return self.by_runtime[runtime]

    def close(self) -> None:
        for tp in self.by_runtime.values():
            tp.page.context.close()


@pytest.fixture(scope="module")
def pages(browser: Any, server_url: str) -> Iterator[Pages]:
    pool = Pages(browser, server_url)
    yield pool
    pool.close()


@pytest.fixture(scope="module")
def shared(pages: Pages) -> TestPage:
    """The module's page for the default runtime (the one `tp` is where a module does not opt
    in)."""
    return pages.get(DEFAULT)


@pytest.fixture
def tp(pages: Pages, runtime: str, collector: Collector) -> Iterator[TestPage]:
    """The module's page for `runtime`, with the collector emptied; fails the test on any
    foreign request or uncaught page error."""
    page = pages.get(runtime)
    collector.clear()
    page.foreign.clear()
    yield page
    assert page.foreign == [], f"requests left the origin: {page.foreign}"
    assert page.page_errors == [], f"uncaught errors reached the page: {page.page_errors}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: Any) -> dict[str, Any]:
    """The behaviour corpus (tests/portable/corpus.py) and CPython's results, made fresh from the
    unit tests; test_micropython.py replays it in the page."""
    out = tmp_path_factory.mktemp("corpus") / "corpus.json"
    subprocess.run([sys.executable, "-m", "tests.portable.corpus", str(out)], cwd=ROOT, check=True)
    text = out.read_text(encoding="utf-8")
    return {"text": text, **json.loads(text)}
