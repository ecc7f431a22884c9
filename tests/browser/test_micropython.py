"""runtime 'micropython': the same `integration` package on PyScript's MicroPython.

Wire tests go through the real mixpanel.js to the collector. The differential test runs the
behaviour corpus (tests/portable/corpus.py: every case of the mapping unit tests, replayed by
the portable runner tests/portable/runner.py with tests/fakes.py) inside the page's MicroPython
and compares every output with CPython's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import BOTH, MICROPYTHON, run_python

# MicroPython itself; the wire tests that hold on any runtime and the corpus run on both.
pytestmark = pytest.mark.runtimes(MICROPYTHON)
MICRO = {"runtime": "micropython", "people": True}
PEOPLE = {"people": True}
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
    assert run_python(page, "import sys\ndef main():\n    return sys.implementation.name\n") == (
        "micropython"
    )
    [event] = collector.wait_events(1, "After Identify")
    props = event["properties"]
    assert props["distinct_id"] == "u1"
    assert props["$email"] == "ann@example.com" and props["$name"] == "Ann Lee"
    assert props["plan"] == "pro" and props["$created"] == "2020-01-02T03:04:05.000Z"
    assert props["total"] == "$12.50" and props["mp_lib"] == "Segment: web"
    assert "email" not in props and "runtime" not in json.dumps(tp.mixpanel_calls("init"))
    assert not [line for line in tp.lines() if "unknown setting" in line or "error" in line]


@pytest.mark.runtimes(*BOTH)
def test_micropython_matches_non_ascii_increment_names_as_javascript_does(
    tp: Any, collector: Any
) -> None:
    # MicroPython's own str.lower leaves "É" alone; JavaScript's toLowerCase does not.
    settings = {**PEOPLE, "eventIncrements": ["ÉTÉ Réservé"], "propIncrements": ["NUITÉES"]}
    tp.open(
        "mpy-lower",
        settings=settings,
        script="analytics.identify('u-lower'); analytics.track('été réservé', {nuitées: 3});",
    )
    assert tp.wait_ready()["status"] == "ready"
    increments = [c["args"] for c in tp.mixpanel_calls("people.increment")]
    assert increments == [["été réservé"], ["nuitées", 3]]
    collector.wait(lambda _: sum("$add" in p for p in collector.payloads("engage")) >= 2)
    adds = [p["$add"] for p in collector.payloads("engage") if "$add" in p]
    assert {"été réservé": 1} in adds and {"nuitées": 3} in adds


@pytest.mark.runtimes(*BOTH)
def test_micropython_early_track_keeps_its_property_and_call_time(tp: Any, collector: Any) -> None:
    page = tp.open(
        "mpy-early",
        settings=PEOPLE,
        wait_ready=False,
        script="window.__madeAt = Date.now(); analytics.track('Signed Up', {plan: 'pro'});",
    )
    made_at = page.evaluate("() => window.__madeAt")
    assert tp.wait_ready()["status"] == "ready"
    [event] = collector.wait_events(1, "Signed Up")
    props = event["properties"]
    assert props["plan"] == "pro"
    assert abs(props["time"] * 1000 - made_at) < 50
    ready_at = page.evaluate("() => performance.timeOrigin + window.__readyAt")
    assert props["time"] * 1000 < ready_at
    assert len(props["$insert_id"]) == 36


RUN_CORPUS = """async ([runner, fakes, corpus]) => {
  const started = performance.now();
  const results = await analytics._python({files: {'fakes.py': fakes, 'mpy_runner.py': runner},
    module: 'mpy_runner', fn: 'run_all', args: [corpus]});
  return {results: results, ms: performance.now() - started};
}"""


GETTERS = ("get_property", "get_distinct_id")


def _order_free(events: list[Any]) -> tuple[Any, ...]:
    getters = sorted(json.dumps(e) for e in events if e[0] == "mixpanel" and e[1] in GETTERS)
    rest = [e for e in events if not (e[0] == "mixpanel" and e[1] in GETTERS)]
    rest = [
        e[:2] + [sorted(re.split(r"; |: (?=property)", e[2]))] if e[0] == "console" else e
        for e in rest
    ]
    return rest, getters


@pytest.mark.runtimes(*BOTH)
def test_behaviour_corpus_gives_cpythons_results_in_the_browser(
    tp: Any, corpus: dict[str, Any], runtime: str
) -> None:
    page = tp.open(f"corpus-{runtime}")
    assert tp.wait_ready()["status"] == "ready"
    runner = (ROOT / "tests" / "portable" / "runner.py").read_text(encoding="utf-8")
    fakes = (ROOT / "tests" / "fakes.py").read_text(encoding="utf-8")
    run = page.evaluate(RUN_CORPUS, [runner, fakes, corpus["text"]])
    actual = json.loads(run["results"])
    expected = corpus["expected"]
    sessions = corpus["sessions"]
    assert len(actual) == len(expected) == len(sessions) > 400
    differing = [i for i, (e, a) in enumerate(zip(expected, actual, strict=True)) if e != a]
    # Dicts compare without key order: MicroPython's dicts do not keep insertion order, so keys
    # inside an object come in another order. Where the code walks an object's keys, two more
    # things follow that order: the reads of super properties (get_property, no effect) and the
    # parts of one sanitizer warning line. Those are compared as sets; nothing else may differ.
    unequal = [i for i in differing if _order_free(expected[i]) != _order_free(actual[i])]
    for i in unequal[:3]:
        print(
            json.dumps(sessions[i])[:500],
            json.dumps(expected[i])[:800],
            json.dumps(actual[i])[:800],
        )
    assert unequal == []
    key_order_only = sum(
        json.dumps(e) != json.dumps(a) for e, a in zip(expected, actual, strict=True)
    )
    calls = sum(len(s["steps"]) for s in sessions)
    events = sum(len(r) for r in expected)
    order_effects = len(differing)
    print(
        f"\n{runtime}: {len(sessions)} sessions, {calls} calls, {events} recorded outputs as "
        f"on CPython, in {run['ms']:.0f} ms; {key_order_only} differ in object key order, "
        f"{order_effects} of them also in getter/warning-part order"
    )


def _runtime_files(page: Any) -> list[str]:
    return page.evaluate(
        "() => performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname)"
    )


def test_micropython_runs_the_precompiled_package_fetched_before_the_load_event(tp: Any) -> None:
    page = tp.open("mpy-compiled", settings=MICRO)
    files = _runtime_files(page)
    assert [f for f in files if f.endswith(".mpy.zip")], files
    assert not [f for f in files if f.endswith(".zip") and not f.endswith(".mpy.zip")], files
    # The page fetches the wasm at DOMContentLoaded, before the load event (the worker's copy is
    # that response); the worker, started then too, imports micropython.mjs itself (its boot
    # phase, named by the file): each is requested once.
    wasm = page.evaluate(
        """() => performance.getEntriesByType('resource')
             .filter((r) => /micropython\\.wasm$/.test(r.name)).map((r) => r.startTime)"""
    )
    mjs = page.evaluate(
        "() => analytics.timings.phases.filter((p) => /micropython\\.mjs$/.test(p.what))"
        ".map((p) => p.start)"
    )
    load_at = page.evaluate("() => window.__loadAt")
    assert len(wasm) == 1 and len(mjs) == 1, (wasm, mjs)
    assert wasm[0] < load_at, (wasm, load_at)
    loaded = run_python(
        page, "import sys\ndef main():\n    return sys.modules['integration.bridge'].__file__\n"
    )
    assert loaded.endswith("bridge/__init__.mpy"), loaded


def _without_mpy(route: Any) -> None:
    response = route.fetch()
    body = re.sub(r',\s*"mpy":\s*"[^"]*"', "", response.text())
    route.fulfill(response=response, body=body)


def test_micropython_falls_back_to_the_source_package_when_no_mpy_is_offered(
    tp: Any, collector: Any
) -> None:
    with tp.routed("**/analytics/analytics.js", _without_mpy):
        page = tp.open("mpy-source", settings=MICRO, script="analytics.track('From Source');")
    assert tp.wait_ready()["status"] == "ready"
    files = _runtime_files(page)
    assert not [f for f in files if f.endswith(".mpy.zip")], files
    assert [f for f in files if "/integration." in f and f.endswith(".zip")], files
    [event] = collector.wait_events(1, "From Source")
    assert event["properties"]["mp_lib"] == "Segment: web"


@pytest.mark.parametrize("file", ["micropython.wasm", "micropython.mjs", "integration*.mpy.zip"])
def test_micropython_missing_runtime_file_settles_failed_with_one_error(
    tp: Any, collector: Any, file: str
) -> None:
    with tp.failing("**/" + file):
        page = tp.open(f"mpy-missing-{file}", settings=MICRO, wait_ready=False)
        status = tp.wait_ready()
    assert status["status"] == "failed", status
    assert page.evaluate("() => analytics.status") == "failed"
    starts = [line for line in tp.lines("error") if line.startswith("[analytics] could not start")]
    assert len(starts) == 1, tp.lines("error")
    assert collector.events() == []
