"""The Segment snippet module's own server and pages (test_segment_snippet.py).

`server_url` and `collector` override tests/browser/conftest.py's session fixtures for this folder
only: a dev server of its own, with a bundle built for three write keys in a temporary folder:
`seg-micropython` and `seg-pyodide` (settings baked in, one per runtime) and `seg-fetched`
(settings too, used by a page whose loader has none baked in). `seg_pages` serves the test pages
(whole HTML) on its origin under /seg/.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser import conftest
from tests.browser.conftest import BLANK_URL, BOOT_TIMEOUT_MS, Collector, serving

TOKEN = "segment-project-token"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>{title}</title>
<script>{snippet}</script>
<script>{script}</script>
</head><body><h1>{title}</h1></body></html>
"""


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """serve.py with write-key builds, into a bundle folder of its own."""
    tmp = tmp_path_factory.mktemp("segment")
    port = conftest.free_port()
    base = f"http://127.0.0.1:{port}"
    args = []
    for key, runtime in [("seg-micropython", "micropython"), ("seg-pyodide", "pyodide")]:
        settings = {
            "integrations": {
                "Mixpanel": {
                    "token": TOKEN,
                    "people": True,
                    "apiHost": base + "/mp",
                    "mixpanelConfig": {"batch_requests": False},
                    "runtime": runtime,
                },
                "Segment.io": {"apiKey": key},
            },
            "plan": {"track": {}},
        }
        (tmp / f"{key}.json").write_text(json.dumps(settings))
        args += ["--write-key", key, "--settings", str(tmp / f"{key}.json")]
    fetched = json.loads((tmp / "seg-micropython.json").read_text())
    fetched["integrations"]["Mixpanel"]["token"] = "fetched-token"
    (tmp / "seg-fetched.json").write_text(json.dumps(fetched))
    args += ["--write-key", "seg-fetched", "--settings", str(tmp / "seg-fetched.json")]
    with serving("--port", str(port), "--dist", str(tmp / "dist"), *args):
        yield base


@pytest.fixture(scope="module")
def collector(server_url: str) -> Collector:
    return Collector(server_url)


class SegmentPages:
    """Test pages of whole HTML, served on the origin under /seg/."""

    def __init__(self, tp: conftest.TestPage) -> None:
        self.tp = tp
        self.html: dict[str, str] = {}
        self.requests: list[tuple[str, int]] = []
        tp.page.context.route(tp.base + "/seg/**", self._serve)
        tp.page.on("response", lambda r: self.requests.append((r.url, r.status)))

    def _serve(self, route: Any) -> None:
        path = route.request.url[len(self.tp.base) :].split("?")[0]
        body = self.html.get(path)
        if body is None:
            route.fulfill(status=404, body="no such test page")
        else:
            route.fulfill(status=200, body=body, content_type="text/html; charset=utf-8")

    def open(self, name: str, snippet_js: str, script: str = "", query: str = "") -> Any:
        path = f"/seg/{name}.html"
        self.html[path] = PAGE.format(title=name, snippet=snippet_js, script=script)
        tp = self.tp
        tp.page.context.clear_cookies()
        tp.page.goto(tp.base + BLANK_URL)
        tp.page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        tp.console.clear()
        tp.page_errors.clear()
        self.requests.clear()
        tp.page.goto(tp.base + path + query)
        return tp.page

    def wait_status(self, global_name: str = "analytics") -> Any:
        self.tp.page.wait_for_function(
            f"() => window[{global_name!r}].status && window[{global_name!r}].status !== 'idle'"
            f" && window[{global_name!r}].status !== 'loading'",
            timeout=BOOT_TIMEOUT_MS,
        )
        return self.tp.page.evaluate(f"() => window[{global_name!r}].status")

    def fetched(self, part: str) -> list[str]:
        return [u for u, _ in self.requests if part in u]


@pytest.fixture(scope="module")
def seg_pages(shared: conftest.TestPage) -> SegmentPages:
    return SegmentPages(shared)
