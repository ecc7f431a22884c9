"""PyScript pages: one Python runtime, the page's own.

The examples (served by the dev server) install the package from the bundle's wheel with
PyScript's `files`, run PyScript's core from /vendor/pyscript/ with the bundle's own interpreter,
and `import integration` in the page's interpreter. The loader's runtime 'auto' sees the
PyScript page, fetches no Python of its own and runs the integration in that interpreter:
Python's and JS's calls share one queue, one identity and one mixpanel.js.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import BLANK_URL, BOOT_TIMEOUT_MS

EXAMPLES = {"pyodide": "pyscript.html", "micropython": "pyscript-mpy.html"}
WASM = ("pyodide.asm.wasm", "micropython.wasm")


@pytest.mark.parametrize("runtime", ["micropython", "pyodide"])
def test_the_example_runs_the_integration_in_the_pages_interpreter(
    tp: Any, collector: Any, runtime: str
) -> None:
    page = tp.page
    page.goto(tp.base + BLANK_URL)
    page.context.clear_cookies()
    page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
    tp.console.clear()
    tp.page_errors.clear()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(f"{tp.base}/examples/{EXAMPLES[runtime]}")
    page.wait_for_function("() => analytics.status !== 'loading'", timeout=BOOT_TIMEOUT_MS)
    assert page.evaluate("() => [analytics.status, analytics.error]") == ["ready", None]
    assert page.evaluate("() => analytics.runtime.name") == "pyscript"
    [from_python] = collector.wait_events(1, "Python Page Viewed", timeout=60)
    page.click("#js-track")
    [from_js] = collector.wait_events(1, "JS Button Clicked")
    assert from_python["properties"]["runtime"] == runtime
    assert from_js["properties"]["from"] == "js"
    # one queue, one identity, one mixpanel.js
    assert from_python["properties"]["distinct_id"] == from_js["properties"]["distinct_id"]
    assert from_python["properties"]["token"] == from_js["properties"]["token"] == "example-token"
    wasm = [u for u in fetched if u.split("?")[0].endswith(WASM)]
    assert len(wasm) == 1, wasm  # the page's own interpreter only
    assert wasm[0].endswith(WASM[0] if runtime == "pyodide" else WASM[1])
    # the loader fetched neither its own runtime boot nor the package zip
    ours = [u for u in fetched if "/boot-micropython." in u or "/boot-pyodide." in u]
    assert ours == [] and not [u for u in fetched if "/integration." in u]
    assert [line for line in tp.lines("error") if line.startswith("[analytics]")] == []


def test_an_auto_page_whose_python_never_imports_integration_fails_after_ready_timeout(
    tp: Any, collector: Any
) -> None:
    page = tp.open(
        "pyscript-no-import",
        settings={"runtime": "auto"},
        load_options={"readyTimeoutMs": 1500},
        body='<script type="py">print("no integration here")</script>',
    )
    status = tp.wait_ready()
    assert status["status"] == "failed"
    assert status["error"] == (
        "not ready after 1500 ms without progress (waiting for the page's Python to import "
        "integration (a PyScript page, runtime 'auto')); calls are dropped"
    )
    assert page.evaluate("() => analytics.runtime.name") == "pyscript"
