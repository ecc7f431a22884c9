"""runtime 'pyodide' on the mobile profile: a boot that keeps making progress is never
declared failed, however long the download; its track reaches the collector. About a minute."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.harness import CachedPage, html
from tests.browser.boot_pages import MOBILE


@pytest.mark.pyodide_only("Pyodide's cold boot on the mobile profile (MicroPython's: test_boot.py)")
def test_pyodide_on_the_mobile_profile_gets_ready_and_delivers(
    cached: CachedPage, collector: Any
) -> None:
    cached.throttle(MOBILE, cpu=4)
    page = cached.open(html({"runtime": "pyodide"}, "analytics.track('Pyodide Mobile', {n: 7});"))
    status = cached.wait_ready(240_000)
    assert status["status"] == "ready", (status, cached.console[-5:])
    runtime = page.evaluate("() => analytics.runtime")
    assert runtime["name"] == "pyodide" and runtime["reason"] == "settings.runtime is 'pyodide'"
    assert runtime["thread"] == "worker", runtime
    [event] = collector.wait_events(1, "Pyodide Mobile", timeout=60)
    assert event["properties"]["n"] == 7 and event["properties"]["mp_lib"] == "Segment: web"
    took = page.evaluate("() => analytics.timings.ready - analytics.timings.start")
    print(f"\npyodide, mobile profile, cold: ready after {took / 1000:.1f} s")
    assert page.evaluate("() => analytics.timings.snapshot") is None  # 'auto': slow, uncached
    fetched = cached.fetched()
    assert not [url for url in fetched if url.endswith("pyodide-lock.json")], fetched
    assert {url: n for url, n in fetched.items() if n > 1} == {}, fetched
