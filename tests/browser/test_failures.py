"""Failure modes: missing runtime files, the loader included twice, a failing
collector, navigation right after a call, a strict Content-Security-Policy, the bounded queue
before ready, and the consent switch. Each test asserts what reaches mixpanel.js / the collector.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import BOTH, DEFAULT, chainable, wait_until

pytestmark = pytest.mark.runtimes(*BOTH)

BATCH = {"mixpanelConfig": {"batch_requests": True, "batch_flush_interval_ms": 200}}
PAGE_KEEPS_RUNNING = """
window.__afterLoad = 'ran';
setTimeout(function () { window.__timerRan = true; }, 50);
analytics.track('Before Failure');
"""


def _analytics_errors(tp: Any) -> list[str]:
    return [line for line in tp.lines("error") if line.startswith("[analytics]")]


@pytest.mark.pyodide_only("Pyodide's files (MicroPython's: test_micropython.py)")
@pytest.mark.parametrize(
    ("pattern", "how"),
    [
        ("**/pyodide-*/**", "404"),
        ("**/pyodide-*/pyodide.asm.wasm", "abort"),
        ("**/python_stdlib*.zip", "404"),
        ("**/integration*.zip", "abort"),
        ("**/integration*.zip", "404"),
    ],
)
def test_missing_runtime_file_settles_failed_with_one_error_and_the_page_runs_on(
    tp: Any, collector: Any, pattern: str, how: str
) -> None:
    with tp.failing(pattern, how):
        page = tp.open(f"fail-{how}", script=PAGE_KEEPS_RUNNING, wait_ready=False)
        status = tp.wait_ready()
    assert status["status"] == "failed", status
    assert page.evaluate("() => analytics.status") == "failed"
    errors = _analytics_errors(tp)
    starts = [e for e in errors if "could not start" in e]
    assert len(starts) == 1, errors
    assert errors[1:] == ["[analytics] 1 call(s) made before the failure were dropped"], errors
    page.wait_for_function("() => window.__timerRan === true")
    assert page.evaluate("() => window.__afterLoad") == "ran"
    result = page.evaluate(chainable("analytics.track('After Failure')"))
    assert result is True
    assert _analytics_errors(tp) == errors  # later calls are dropped quietly, once reported
    assert collector.events() == []


@pytest.mark.pyodide_only("Pyodide's wasm (MicroPython's: test_boot.py)")
def test_a_runtime_file_that_never_answers_fails_the_boot_long_before_the_timeout(
    tp: Any, collector: Any
) -> None:
    held: list[Any] = []
    pattern = "**/pyodide-*/pyodide.asm.wasm"
    try:
        with tp.routed(pattern, lambda route: held.append(route)):  # never answered: stalled
            started = time.monotonic()
            page = tp.open("stalled", script=PAGE_KEEPS_RUNNING, wait_ready=False)
            status = tp.wait_ready()
            took = time.monotonic() - started
    finally:
        for route in held:
            with contextlib.suppress(Exception):  # a request the page gave up on is handled
                route.abort()
    assert status["status"] == "failed", status
    assert "pyodide.asm.wasm (no answer in 5000 ms)" in status["error"], status
    assert took < 25, took  # the probe after 10 s, not readyTimeoutMs (60 s)
    errors = _analytics_errors(tp)
    assert [e for e in errors if "could not start" in e] == [f"[analytics] {status['error']}"]
    assert page.evaluate("() => window.__timerRan") is True
    assert collector.events() == []


def test_a_boot_that_finishes_after_the_ready_timeout_stays_failed(tp: Any, collector: Any) -> None:
    page = tp.open(
        "late-boot",
        load_options={"readyTimeoutMs": 1},
        script="analytics.track('Before Timeout');",
    )
    assert tp.wait_ready()["status"] == "failed"
    assert any("not ready after 1 ms" in line for line in _analytics_errors(tp))
    # the runtime itself still loads in the background; it must not go live now
    late = "finished loading after the boot had failed"
    wait_until(lambda: any(late in x for x in tp.lines("info")), 90, f"no {late!r} line", page)
    page.evaluate("() => analytics.track('After Timeout')")
    collector.wait_quiet(quiet=1.0)  # nothing more arrives
    assert page.evaluate("() => analytics.status") == "failed"
    assert tp.mixpanel_calls() == []
    assert collector.events() == []


def test_loader_included_twice_reports_once_and_does_not_double_events(
    tp: Any, collector: Any
) -> None:
    tp.open(
        "twice",
        script="analytics.track('Once Early');",
        body='<script src="/analytics/analytics.js"></script>'
        "<script>analytics.ready(function () { analytics.track('Once Late'); });</script>",
    )
    collector.wait_events(1, "Once Late")
    collector.wait_quiet()
    assert sorted(e["event"] for e in collector.events()) == ["Once Early", "Once Late"]
    twice = [e for e in _analytics_errors(tp) if "included twice" in e]
    assert len(twice) == 1
    assert len(tp.mixpanel_calls("init")) == 1


def _exactly_once(collector: Any, expected: list[tuple[str, Any]]) -> None:
    collector.wait_events(len(expected), timeout=45)
    collector.wait_quiet(quiet=1.5)  # any duplicate would come with the next flushes
    events = collector.events()
    names = sorted((e["event"], e["properties"].get("n", -1)) for e in events)
    assert names == sorted(expected), names
    insert_ids = [e["properties"]["$insert_id"] for e in events]
    assert len(set(insert_ids)) == len(insert_ids) == len(expected)


def test_collector_answering_500_then_recovering_delivers_every_event_exactly_once(
    tp: Any, collector: Any
) -> None:
    hits: list[str] = []

    def failing(route: Any) -> None:
        hits.append(route.request.url)
        route.fulfill(status=500, body="down")

    with tp.routed("**/mp/track/**", failing):
        page = tp.open(
            "collector-500",
            settings=BATCH,
            script="for (var i = 0; i < 5; i++) analytics.track('Retry', {n: i});",
        )
        wait_until(lambda: len(hits) >= 3, 15, f"mixpanel.js stopped retrying: {hits}", page)
        assert len(hits) >= 3, hits  # mixpanel.js keeps retrying a 5xx
        assert collector.events() == []
        assert page.evaluate(chainable("analytics.track('While Down', {n: 9})"))
    _exactly_once(collector, [("Retry", n) for n in range(5)] + [("While Down", 9)])


def test_browser_offline_then_online_delivers_every_event_exactly_once(
    tp: Any, collector: Any
) -> None:
    page = tp.open("offline", settings=BATCH)
    page.context.set_offline(True)
    try:
        page.evaluate("() => { for (var i = 0; i < 3; i++) analytics.track('Offline', {n: i}); }")
        collector.wait_quiet(quiet=1.0)  # nothing more arrives
        assert collector.events() == []
    finally:
        page.context.set_offline(False)
    _exactly_once(collector, [("Offline", n) for n in range(3)])


def test_unreachable_collector_while_online_loses_that_batch_without_page_errors(
    tp: Any, collector: Any
) -> None:
    """A known mixpanel.js 2.83 limit (request-batcher.js): a request failing at network level
    (status 0) while navigator.onLine is true is not retried; the batch is dropped. Pinned so a
    mixpanel.js upgrade that changes it is noticed."""
    refused: list[str] = []

    def refuse(route: Any) -> None:
        refused.append(route.request.url)
        route.abort("connectionrefused")

    with tp.routed("**/mp/track/**", refuse):
        page = tp.open("collector-refused", settings=BATCH, script="analytics.track('Lost');")
        with contextlib.suppress(AssertionError):  # checked below, after the quiet
            wait_until(lambda: refused, 15, "no refused request", page)
        collector.wait_quiet(quiet=1.0)  # nothing more arrives
    page.evaluate("() => analytics.track('Next', {n: 1})")
    _exactly_once(collector, [("Next", 1)])
    assert refused and collector.events("Lost") == []


def test_navigating_away_right_after_a_track_still_delivers_it_exactly_once(
    tp: Any, collector: Any
) -> None:
    # batched, with a flush interval far longer than the first page lives (it leaves at once)
    slow = {"mixpanelConfig": {"batch_requests": True, "batch_flush_interval_ms": 2_000}}
    second = tp.build("leave-2", settings=slow, script="analytics.track('Arrived');")
    page = tp.open("leave-1", settings=slow)
    page.evaluate("(next) => { analytics.track('Leaving', {n: 1}); location.href = next; }", second)
    [event] = collector.wait_events(1, "Leaving", timeout=30)
    tp.wait_ready()
    collector.wait_quiet(quiet=2.5)  # nothing more arrives, not even at the next flush
    assert [e["properties"]["n"] for e in collector.events("Leaving")] == [1]
    assert event["properties"]["$insert_id"]
    assert tp.page_errors == []


CSP = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'nonce-t3st'; "
    "connect-src 'self'; img-src 'self' data:"
)
CSP_PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>csp</title>
<script nonce="t3st">
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {{
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
}});
</script>
<script src="/analytics/analytics.js"></script>
<script nonce="t3st">
analytics.ready(function (s) {{ window.__status = s; }});
analytics.load({{token: 'test-token', apiHost: location.origin + '/mp',
                 mixpanelConfig: {{batch_requests: false}}{runtime}}});
analytics.track('Under CSP', {{ok: 1}});
</script>
<script>window.__inlineWithoutNonce = true;</script>
</head><body></body></html>
"""


@contextlib.contextmanager
def _csp_page(tp: Any, csp: str) -> Iterator[str]:
    """The page above under `csp`, at the URL yielded, inside the block (tp's runtime)."""
    url = tp.base + "/csp/page.html"
    runtime = "" if tp.runtime == DEFAULT else f", runtime: '{tp.runtime}'"
    html = CSP_PAGE.format(csp=csp, runtime=runtime)
    with tp.routed(url, lambda route: route.fulfill(body=html, content_type="text/html")):
        yield url


def test_strict_content_security_policy_lets_the_runtime_work(tp: Any, collector: Any) -> None:
    with _csp_page(tp, CSP) as url:
        tp.page.goto(url)
        status = tp.wait_ready()
    assert status["status"] == "ready", status
    [event] = collector.wait_events(1, "Under CSP")
    assert event["properties"]["ok"] == 1
    assert tp.page.evaluate("() => window.__violations") == [
        "script-src-elem inline"
    ]  # only the page's own un-nonced inline script was refused: the policy is enforced
    assert tp.page.evaluate("() => window.__inlineWithoutNonce") is None


def test_csp_without_wasm_unsafe_eval_fails_cleanly(tp: Any, collector: Any) -> None:
    with _csp_page(tp, CSP.replace(" 'wasm-unsafe-eval'", "")) as url:
        tp.page.goto(url)
        status = tp.wait_ready()
    assert status["status"] == "failed", status
    errors = _analytics_errors(tp)
    assert len([e for e in errors if "could not start" in e]) == 1, (errors, tp.lines("error"))
    assert collector.events() == []


def test_queue_before_ready_is_bounded_and_reports_the_count(tp: Any, collector: Any) -> None:
    off = "{integrations: {Mixpanel: false}}"
    page = tp.open(
        "queue-bound",
        before_load="window.__delivered = 0;"
        "analytics.on('track', function () { window.__delivered++; });",
        script=f"""
        for (var i = 0; i < 10050; i++) {{
          var keep = i === 0 || i === 9999 || i === 10000;
          analytics.track('Q', {{n: i}}, keep ? {{}} : {off});
        }}
        """,
    )
    page.wait_for_function("() => window.__delivered >= 10000", timeout=60_000)
    collector.wait_events(2, "Q")
    collector.wait_quiet()
    assert sorted(e["properties"]["n"] for e in collector.events("Q")) == [0, 9999]
    assert page.evaluate("() => window.__delivered") == 10000
    warnings = [w for w in tp.lines("warning") if w.startswith("[analytics]")]
    full = [w for w in warnings if "queue before ready is full" in w]
    assert len(full) == 1 and full[0].startswith("[analytics] track:")
    assert "[analytics] 50 call(s) beyond the queue bound were dropped" in warnings
    page.evaluate("() => analytics.track('After Bound')")
    collector.wait_events(1, "After Bound")


@pytest.mark.pyodide_only("MicroPython: 3 MB payloads too slow (conftest's list)")
def test_queue_before_ready_is_bounded_in_size_too(tp: Any, collector: Any) -> None:
    page = tp.open(
        "queue-bytes",
        script="""
        var big = 'y'.repeat(3 * 1024 * 1024);
        for (var i = 0; i < 4; i++) analytics.track('Big', {n: i, s: big});
        analytics.track('Small After');
        """,
    )
    collector.wait_events(1, "Small After")
    collector.wait_quiet()
    assert sorted(e["properties"]["n"] for e in collector.events("Big")) == [0, 1]
    warnings = [w for w in tp.lines("warning") if "queue before ready is full" in w]
    assert len(warnings) == 1
    assert page.evaluate("() => analytics.status") == "ready"


# -- consent ------------------------------------------------------------------------------------


def _mixpanel_cookies(page: Any) -> list[str]:
    return [c["name"] for c in page.context.cookies() if c["name"].startswith("mp_")]


def test_without_consent_mixpanel_js_stores_and_sends_nothing_until_consent(
    tp: Any, collector: Any
) -> None:
    page = tp.open(
        "consent",
        settings={"consent": False},
        script="analytics.identify('u-c', {plan: 'x'}); analytics.track('Withheld');",
    )
    [init] = tp.mixpanel_calls("init")
    assert init["args"][1]["opt_out_tracking_by_default"] is True
    assert init["args"][1]["opt_out_persistence_by_default"] is True
    collector.wait_quiet(quiet=1.0)  # nothing more arrives
    assert collector.all() == []
    assert _mixpanel_cookies(page) == []
    page.evaluate("() => { analytics.consent(true); analytics.track('Given'); }")
    [given] = collector.wait_events(1, "Given")
    assert given["properties"]["distinct_id"] == "u-c"
    assert collector.events("Withheld") == []
    assert _mixpanel_cookies(page) != []
    assert [c["args"] for c in tp.mixpanel_calls("opt_in_tracking")] == [[]]
    page.evaluate("() => { analytics.consent(false); analytics.track('Withdrawn'); }")
    collector.wait_quiet(quiet=1.0)  # nothing more arrives
    assert collector.events("Withdrawn") == []
    assert _mixpanel_cookies(page) == []
    assert [c["args"] for c in tp.mixpanel_calls("opt_out_tracking")] == [[{"delete_user": False}]]


def _identity_storage(page: Any) -> dict[str, Any]:
    cookies = [c["name"] for c in page.context.cookies() if c["name"].startswith("ajs_")]
    local = page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('ajs_') && k !== 'ajs_consent')"
        ".sort()"
    )
    return {"cookies": sorted(cookies), "localStorage": local}


def test_without_consent_the_identity_stays_in_memory_and_withdrawal_deletes_it(
    tp: Any, collector: Any
) -> None:
    page = tp.open(
        "consent-identity",
        settings={"consent": False},
        script="analytics.identify('u-mem', {plan: 'x'}); analytics.group('g-mem');",
    )
    assert _identity_storage(page) == {"cookies": [], "localStorage": []}
    assert page.evaluate("() => [analytics.user().id(), analytics.user().traits().plan]") == [
        "u-mem",
        "x",
    ]
    page.evaluate("async () => { await analytics.consent(true); }")  # applied: then stored
    stored = _identity_storage(page)
    assert stored["cookies"] == ["ajs_anonymous_id", "ajs_group_id", "ajs_user_id"]
    assert "ajs_user_traits" in stored["localStorage"]
    page.evaluate(
        "async () => { analytics.consent(false); await analytics.identify('u-mem', {seats: 2}); }"
    )
    assert _identity_storage(page) == {"cookies": [], "localStorage": []}
    assert page.evaluate("() => analytics.user().traits()") == {"plan": "x", "seats": 2}
    assert not tp.lines("error")


def test_calls_queued_without_consent_are_not_kept_for_the_next_page(tp: Any) -> None:
    page = tp.open(
        "consent-carry",
        settings={"consent": False},
        load_options={"snapshot": False},
        wait_ready=False,
        script="analytics.track('Not Kept');",
    )
    page.goto(tp.base + "/qa/blank.html")
    carried = "() => Object.keys(localStorage).find(k => k.startsWith('ajs_pending_calls'))"
    assert page.evaluate(carried) is None  # each tab stores under ajs_pending_calls.<tab id>


def test_consent_given_before_ready_is_replayed_in_order(tp: Any, collector: Any) -> None:
    tp.open(
        "consent-early",
        settings={"consent": False},
        script="analytics.track('No'); analytics.consent(true); analytics.track('Yes');",
    )
    collector.wait_events(1, "Yes")
    collector.wait_quiet()
    assert [e["event"] for e in collector.events() if e["event"] in ("No", "Yes")] == ["Yes"]


def test_consent_with_a_non_boolean_is_reported_and_changes_nothing(
    tp: Any, collector: Any
) -> None:
    page = tp.open("consent-bad", script="analytics.consent('no'); analytics.track('Still On');")
    collector.wait_events(1, "Still On")
    assert tp.mixpanel_calls("opt_out_tracking") == []
    assert any(e.startswith("[analytics] consent: takes true or false") for e in tp.lines("error"))
    assert page.evaluate("() => analytics.status") == "ready"


def test_ignore_dnt_reaches_mixpanel_js(tp: Any, collector: Any) -> None:
    dnt = "Object.defineProperty(navigator, 'doNotTrack', {get: function () { return '1'; }});"
    tp.open("dnt-on", before_load=dnt, script="analytics.track('Dnt Honoured');")
    collector.wait_quiet(quiet=1.0)  # nothing more arrives
    assert collector.events("Dnt Honoured") == []
    assert "ignore_dnt" not in tp.mixpanel_calls("init")[0]["args"][1]
    tp.open(
        "dnt-ignored",
        settings={"ignoreDnt": True},
        before_load=dnt,
        script="analytics.track('Dnt Ignored');",
    )
    collector.wait_events(1, "Dnt Ignored")
    assert tp.mixpanel_calls("init")[0]["args"][1]["ignore_dnt"] is True
