"""runtime 'micropython': the same `integration` package on PyScript's MicroPython.

Wire tests go through the real mixpanel.js to the collector. The differential test runs the
behaviour corpus (tests/mpy_corpus.py: every case of the mapping unit tests, replayed by the
portable runner tests/mpy_runner.py) inside the page's MicroPython and compares every output
with CPython's.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

MICRO = {"runtime": "micropython", "people": True}
ROOT = Path(__file__).resolve().parents[2]


def test_micropython_boots_and_identify_then_track_reach_the_collector(
    tp: Any, collector: Any
) -> None:
    page = tp.open(
        "mpy-identify",
        settings=MICRO,
        script="""
        analytics.identify('u1', {email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee',
                                  plan: 'pro', created: '2020-01-02T03:04:05.000Z'});
        analytics.track('After Identify', {total: '$12.50'});
        """,
    )
    assert tp.wait_ready()["status"] == "ready"
    assert page.evaluate("() => !!analytics.micropython && !analytics.pyodide")
    [event] = collector.wait_events(1, "After Identify")
    props = event["properties"]
    assert props["distinct_id"] == "u1"
    assert props["$email"] == "ann@example.com" and props["$name"] == "Ann Lee"
    assert props["plan"] == "pro" and props["$created"] == "2020-01-02T03:04:05.000Z"
    assert props["total"] == "$12.50" and props["mp_lib"] == "Segment: web"
    assert "email" not in props and "runtime" not in json.dumps(tp.mixpanel_calls("init"))
    assert not [line for line in tp.lines() if "unknown setting" in line or "error" in line]


def test_micropython_early_track_keeps_its_property_and_call_time(
    tp: Any, collector: Any
) -> None:
    page = tp.open(
        "mpy-early",
        settings=MICRO,
        wait_ready=False,
        script="window.__madeAt = Date.now(); analytics.track('Signed Up', {plan: 'pro'});",
    )
    made_at = page.evaluate("() => window.__madeAt")
    time.sleep(0.2)
    assert tp.wait_ready()["status"] == "ready"
    [event] = collector.wait_events(1, "Signed Up")
    props = event["properties"]
    assert props["plan"] == "pro"
    assert abs(props["time"] * 1000 - made_at) < 5
    ready_at = page.evaluate("() => performance.timeOrigin + window.__readyAt")
    assert props["time"] * 1000 < ready_at
    assert len(props["$insert_id"]) == 36
