"""The engines of test_engines.py and the pages it opens on them: `engine` (one per engine,
module-scoped, so the tests run grouped by engine) and `site` (its pages, published on the dev
server; afterwards a page must show no uncaught error and no request that left the origin)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devtools.engines import ENGINES, launch
from devtools.harness import engine_page, publish
from tests.browser.conftest import BLANK_URL, BOOT_TIMEOUT_MS

READY = "window.__status"
BOOT_S = BOOT_TIMEOUT_MS / 1000
TRACKED = "{w}.__log.filter(c => c.method === 'track').map(c => c.args[0])"  # w: a window
FOREIGN = """performance.getEntriesByType('resource').map(e => e.name)
  .filter(u => !u.startsWith(location.origin + '/') && !/^(data|blob|about):/.test(u))"""


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[Any]:
    """One engine for the module (tests run grouped by engine)."""
    name = request.param
    browser = request.getfixturevalue("browser") if name == "chromium" else None
    made = launch(name, browser)
    yield made
    made.close()


@pytest.fixture
def site(engine: Any, server_url: str, collector: Any) -> Iterator[Any]:
    """Opens test pages on `engine`; afterwards, its page must show no uncaught error and no
    request that left the origin."""
    collector.clear()
    opened = Site(engine, server_url)
    yield opened
    lines = engine.console_lines()
    assert [text for level, text in lines if level == "pageerror"] == []
    assert engine.evaluate(FOREIGN) == []


class Site:
    def __init__(self, engine: Any, base: str) -> None:
        self.engine = engine
        self.base = base

    def publish(self, name: str, html: str) -> str:
        return publish(self.base, name, html)

    def open(self, name: str, *, fresh: bool = True, ready: bool = True, **parts: Any) -> Any:
        """Publish the page (devtools/harness.py's engine_page), go there (storage and
        cookies emptied first when `fresh`), and wait for ready; the status."""
        self.goto(self.publish(name, engine_page(name, **parts)), fresh)
        return self.engine.wait_for(READY, BOOT_S) if ready else None

    def goto(self, url: str, fresh: bool = True) -> None:
        if fresh:
            self.engine.goto(self.base + BLANK_URL)
            self.engine.evaluate(
                """(localStorage.clear(), sessionStorage.clear(), document.cookie.split('; ')
                .filter(Boolean).forEach(c => { document.cookie = c.split('=')[0] +
                '=; max-age=0; path=/'; }), true)"""
            )
        self.engine.goto(url)

    def tracks(self) -> list[str]:
        """The events this page handed to mixpanel.track, in order."""
        return list(self.engine.evaluate(TRACKED.format(w="window")))
