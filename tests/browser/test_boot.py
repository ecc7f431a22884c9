"""The loader's boot: runtime 'auto', readiness by progress, and calls
kept across a hidden or killed tab, each sent by exactly one tab. Asserts what reaches the
collector and mixpanel.js."""

from __future__ import annotations

import time
from typing import Any

from devtools.harness import CachedPage, html
from tests.browser.conftest import held, run_python

MICRO = {"runtime": "micropython"}
CARRY = "ajs_pending_calls"
HIDE = """() => {
  Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
  Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
  document.dispatchEvent(new Event('visibilitychange'));
}"""
SHOW = """() => {
  Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'visible'});
  Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});
  document.dispatchEvent(new Event('visibilitychange'));
}"""
STORED = f"() => Object.keys(localStorage).filter(k => k.startsWith('{CARRY}')).sort()"
KEPT = f"""() => JSON.parse(localStorage.getItem(
  Object.keys(localStorage).find(k => k.startsWith('{CARRY}'))))"""


def test_auto_runs_micropython_and_says_why(cached: CachedPage, collector: Any) -> None:
    page = cached.open(html({"runtime": "auto"}, "analytics.track('Auto', {n: 1});"))
    assert cached.wait_ready(60_000)["status"] == "ready"
    runtime = page.evaluate("() => analytics.runtime")
    assert runtime["name"] == "micropython" and runtime["reason"].startswith("auto"), runtime
    assert run_python(page, "import sys\ndef main():\n    return sys.implementation.name\n") == (
        "micropython"
    )
    [event] = collector.wait_events(1, "Auto")
    assert event["properties"]["n"] == 1


def test_default_settings_pick_micropython(cached: CachedPage, collector: Any) -> None:
    page = cached.open(html({"runtime": None}, "analytics.track('Default');"))
    assert cached.wait_ready(60_000)["status"] == "ready"
    assert page.evaluate("() => analytics.runtime.name") == "micropython"
    collector.wait_events(1, "Default")


def test_a_cold_visit_on_the_mobile_profile_fetches_no_url_twice(
    cached: CachedPage, collector: Any
) -> None:
    cached.throttle(
        {"offline": False, "latency": 150, "downloadThroughput": 200000, "uploadThroughput": 93750},
        cpu=4,
    )
    page = cached.open(html({"runtime": "auto"}, "analytics.track('Cold Mobile', {n: 1});"))
    assert cached.wait_ready(90_000)["status"] == "ready"
    [event] = collector.wait_events(1, "Cold Mobile", timeout=30)
    assert event["properties"]["n"] == 1
    fetched = cached.fetched()
    twice = {url: n for url, n in fetched.items() if n > 1}
    assert twice == {}, fetched  # HEAD probes count too: a visit making progress sends none
    names = " ".join(fetched)
    parts = (
        "micropython.mjs",
        "micropython.wasm",
        "mixpanel.min.js",
        ".mpy.zip",
        "boot.",
        "boot-wire.",
    )
    for part in parts:
        assert part in names, fetched
    assert page.evaluate("() => analytics.runtime.name") == "micropython"


def test_a_file_trickling_longer_than_ready_timeout_still_gets_ready(
    cached: CachedPage, collector: Any
) -> None:
    # ~300 KB at 40 KB/s: the boot takes several times readyTimeoutMs, always making progress.
    cached.throttle(
        {"offline": False, "latency": 0, "downloadThroughput": 40000, "uploadThroughput": 40000}
    )
    page = cached.open(html(MICRO, "analytics.track('Slow But Steady');", {"readyTimeoutMs": 2500}))
    status = cached.wait_ready(90_000)
    assert status["status"] == "ready", status
    took = page.evaluate("() => analytics.timings.ready - analytics.timings.start")
    assert took > 2500, took
    collector.wait_events(1, "Slow But Steady", timeout=30)


def test_a_stalled_runtime_file_fails_the_boot_naming_it(tp: Any, collector: Any) -> None:
    with held(tp.page, "**/micropython.wasm"):
        started = time.monotonic()
        tp.open(
            "stalled-wasm",
            settings=MICRO,
            load_options={"readyTimeoutMs": 4000},
            wait_ready=False,
            script="analytics.track('Never Sent');",
        )
        status = tp.wait_ready()
        took = time.monotonic() - started
    assert status["status"] == "failed", status
    assert "micropython.wasm" in status["error"], status
    assert took < 20, took
    assert "[analytics] 1 call(s) made before the failure were dropped" in tp.lines("error")
    assert collector.events() == []


def _second_page(tp: Any, name: str, **parts: Any) -> Any:
    page = tp.page.context.new_page()
    page.on("pageerror", lambda e: tp.page_errors.append(str(e)))
    return page, tp.build(name, **parts)


def _clear_storage(tp: Any) -> None:
    tp.page.context.clear_cookies()
    tp.page.goto(tp.base + "/qa/blank.html")
    tp.page.evaluate("() => localStorage.clear()")


def test_calls_kept_on_hidden_reach_the_next_visit_after_the_browser_is_killed(
    browser: Any, server_url: str, collector: Any
) -> None:
    collector.clear()
    first = CachedPage(browser, server_url)
    with held(first.page, "**/boot.*.mjs"):  # this visit never gets ready
        first.open(html(MICRO, "analytics.track('Hidden Early', {n: 1});"))
        made_at = first.page.evaluate("() => Date.now()")
        first.page.evaluate(HIDE)
        # A phone killing the background browser: what is stored now is all that survives
        # (no pagehide runs); the visitor comes back later.
        state = first.context.storage_state()
    first.close()
    assert [
        o for o in state["origins"] if any(i["name"].startswith(CARRY) for i in o["localStorage"])
    ]
    second = CachedPage(browser, server_url, storage_state=state)
    try:
        second.open(html(MICRO, "analytics.track('Next Visit');"))
        assert second.wait_ready(60_000)["status"] == "ready"
        [event] = collector.wait_events(1, "Hidden Early")
        collector.wait_events(1, "Next Visit")
        assert event["properties"]["n"] == 1
        assert abs(event["properties"]["time"] * 1000 - made_at) < 2000
        calls = second.page.evaluate("() => window.__log")
        assert [c["args"][0] for c in calls if c["method"] == "track"] == [
            "Hidden Early",
            "Next Visit",
        ]
        assert second.page.evaluate(STORED) == []
    finally:
        second.close()


def test_a_call_stored_by_a_hidden_tab_is_sent_by_exactly_one_tab(tp: Any, collector: Any) -> None:
    _clear_storage(tp)
    first, url = _second_page(
        tp,
        "two-tabs-1",
        settings=MICRO,
        script="analytics.track('Two Tabs');",
    )
    with held(first, "**/boot.*.mjs") as routes:
        first.goto(url)
        first.evaluate(HIDE)
        assert len(first.evaluate(STORED)) == 1
        # another tab of the site takes the stored call and sends it
        tp.open("two-tabs-2", fresh=False, settings=MICRO)
        collector.wait_events(1, "Two Tabs")
        assert [c["args"][0] for c in tp.mixpanel_calls("track")] == ["Two Tabs"]
        first.evaluate(SHOW)  # the first tab comes back, finds its call gone
        routes.release()  # its boot goes on now
        first.wait_for_function("() => window.__status", timeout=60_000)
    assert first.evaluate("() => window.__status.status") == "ready"
    first.evaluate("() => analytics.track('First Tab After')")
    collector.wait_events(1, "First Tab After")
    sent = [c["args"][0] for c in first.evaluate("() => window.__log") if c["method"] == "track"]
    assert sent == ["First Tab After"]  # not 'Two Tabs' again
    assert len(collector.events("Two Tabs")) == 1
    first.close()


def test_a_tab_shown_again_takes_its_stored_calls_back(tp: Any, collector: Any) -> None:
    _clear_storage(tp)
    first, url = _second_page(tp, "back-1", settings=MICRO, script="analytics.track('Mine');")
    with held(first, "**/boot.*.mjs") as routes:
        first.goto(url)
        first.evaluate(HIDE)
        assert len(first.evaluate(STORED)) == 1
        first.evaluate(SHOW)
        routes.release()  # its boot goes on now
        first.wait_for_function("() => window.__status", timeout=60_000)
    [event] = collector.wait_events(1, "Mine")
    assert event["event"] == "Mine"
    assert first.evaluate(STORED) == []  # taken back: no other page will send it
    first.close()


SEED = """([key, now]) => {
  const day = 864e5;
  const url = location.origin + '/t/old';
  const page = {path: '/t/old', referrer: '', search: '', title: 'old', url: url};
  const call = (id, method, args, at) => [id, method, JSON.stringify(args),
    JSON.stringify({timestamp: at, messageId: id, page: page})];
  localStorage.setItem(key, JSON.stringify([
    call('00000000-0000-4000-8000-000000000001', 'identify', ['u-old'], now - 6 * day),
    call('00000000-0000-4000-8000-000000000002', 'track', ['Too Old', {}], now - 6 * day),
    call('00000000-0000-4000-8000-000000000003', 'track', ['Four Days', {}], now - 4 * day),
  ]));
}"""


def test_carried_track_calls_older_than_five_days_are_dropped_others_replayed(
    tp: Any, collector: Any
) -> None:
    _clear_storage(tp)
    tp.page.evaluate(SEED, [CARRY + ".an-old-tab", int(time.time() * 1000)])
    tp.open("five-days", fresh=False, settings=MICRO, script="analytics.track('Today');")
    collector.wait_events(1, "Today")
    [four] = collector.wait_events(1, "Four Days")
    assert four["properties"]["distinct_id"] == "u-old"  # the old identify was replayed
    assert [c["args"][0] for c in tp.mixpanel_calls("identify")] == ["u-old"]
    assert [c["args"][0] for c in tp.mixpanel_calls("track")] == ["Four Days", "Today"]
    warnings = [w for w in tp.lines("warning") if "older than 5 days" in w]
    assert warnings == [
        "[analytics] 1 carried call(s) older than 5 days were dropped (Mixpanel refuses them)"
    ]
    assert collector.events("Too Old") == []


def test_no_carry_over_when_the_stored_decision_is_no_consent(tp: Any) -> None:
    _clear_storage(tp)
    tp.page.evaluate("() => localStorage.setItem('ajs_consent', '0')")
    first, url = _second_page(tp, "no-consent", settings=MICRO, script="analytics.track('No');")
    with held(first, "**/boot.*.mjs"):
        first.goto(url)
        first.evaluate(HIDE)
        assert first.evaluate(STORED) == []
    first.close()


def test_past_one_megabyte_the_rest_is_dropped_with_one_line(tp: Any) -> None:
    _clear_storage(tp)
    first, url = _second_page(
        tp,
        "one-mb",
        settings=MICRO,
        script="var s = 'x'.repeat(300000);"
        "for (var i = 0; i < 5; i++) analytics.track('Big', {n: i, s: s});",
    )
    lines: list[str] = []
    first.on("console", lambda m: lines.append(m.text))
    with held(first, "**/boot.*.mjs"):
        first.goto(url)
        first.evaluate(HIDE)
        kept = first.evaluate(KEPT)
        assert len(kept) == 3
        # a later write that fails leaves the stored copy as it was
        first.evaluate("() => { Storage.prototype.setItem = () => { throw new Error('full'); }; }")
        first.evaluate("() => analytics.track('After Full')")
        first.evaluate(HIDE)
        again = first.evaluate(KEPT)
        assert [e[0] for e in again] == [e[0] for e in kept]
    # One line for the calls dropped past 1 MB; the persist whose setItem failed stored nothing
    # new, so it may say so again or stay quiet, never more.
    dropped = [x for x in lines if "1 MB" in x]
    assert dropped[0] == "[analytics] 2 call(s) beyond the 1 MB kept for the next page were dropped"
    assert len(dropped) <= 2, dropped
    first.close()
