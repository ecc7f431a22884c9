"""analytics.js API on the page: early-call order, call-time stamps, identity, gating, ready."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import BOTH

pytestmark = pytest.mark.runtimes(*BOTH)

PEOPLE = {"people": True}


def test_calls_before_ready_replay_in_call_order_across_methods(tp: Any, collector: Any) -> None:
    tp.open(
        "order",
        script="""
        analytics.track('First');
        analytics.identify('u-order', {plan: 'pro'});
        analytics.page('Second Page');
        analytics.track('Third');
        """,
    )
    collector.wait_events(3)  # concurrent sends: wait for all three, in any arrival order
    tracked = [c["args"][0] for c in tp.mixpanel_calls("track")]
    assert tracked == ["First", "Loaded a Page", "Third"]
    order = [c["method"] for c in tp.mixpanel_calls() if c["method"] in ("identify", "track")]
    assert order == ["track", "identify", "track", "track"]
    first, page, third = (
        next(e for e in collector.events() if e["event"] == n)
        for n in ("First", "Loaded a Page", "Third")
    )
    assert "plan" not in first["properties"]
    assert page["properties"]["plan"] == "pro" and third["properties"]["distinct_id"] == "u-order"


def test_early_event_time_is_when_it_was_called_not_when_it_was_sent(
    tp: Any, collector: Any
) -> None:
    page = tp.open(
        "time",
        # Hold the page's load event (and so the boot, which starts after it) for 800 ms,
        # so the call is made well before the runtime can be ready, whatever the machine.
        script="""
        window.__calledAt = Date.now();
        analytics.track('Early');
        for (const t = Date.now(); Date.now() - t < 800; ) {}
        """,
    )
    [event] = collector.wait_events(1, "Early")
    called_at, ready_at = page.evaluate(
        "() => [window.__calledAt, performance.timeOrigin + window.__readyAt]"
    )
    sent_ms = event["properties"]["time"] * 1000
    assert abs(sent_ms - called_at) < 100, (sent_ms, called_at)
    assert ready_at - called_at > 800  # the runtime really was not ready when it was called


def test_page_context_is_captured_at_call_time_across_push_state(tp: Any, collector: Any) -> None:
    tp.open(
        "pushstate",
        script="""
        analytics.page('Before');
        history.pushState({}, '', '/t/somewhere-else?x=1');
        analytics.page('After');
        """,
    )
    collector.wait_events(2, "Loaded a Page")
    # called in this order (both in one millisecond, so `time` cannot tell them apart, and the
    # two requests may arrive either way round)
    made = [c["args"][1]["name"] for c in tp.mixpanel_calls("track")]
    assert made == ["Before", "After"]
    by_name = {e["properties"]["name"]: e for e in collector.events("Loaded a Page")}
    before, after = by_name["Before"], by_name["After"]
    assert before["properties"]["path"] == "/t/pushstate.html"
    assert before["properties"]["url"].endswith("/t/pushstate.html")
    assert after["properties"]["path"] == "/t/somewhere-else"
    assert after["properties"]["search"] == "?x=1"


def test_insert_id_is_unique_per_call_and_is_the_message_id(tp: Any, collector: Any) -> None:
    tp.open(
        "insert-id",
        script="analytics.track('Dup'); analytics.track('Dup'); analytics.track('Dup');",
    )
    events = collector.wait_events(3, "Dup")
    ids = [e["properties"]["$insert_id"] for e in events]
    assert len(set(ids)) == 3 and all(len(i) >= 16 for i in ids)


def test_identity_survives_a_reload_and_is_identified_again_first(tp: Any, collector: Any) -> None:
    page = tp.open(
        "identity",
        settings=PEOPLE,
        script="analytics.identify('u-keep', {plan: 'pro'});",
    )
    collector.wait(lambda _: collector.payloads("engage"))
    anon = page.evaluate("() => analytics.user().anonymousId()")
    assert page.evaluate("() => analytics.user().id()") == "u-keep"
    collector.clear()
    page = tp.open(
        "identity",
        fresh=False,
        settings=PEOPLE,
        script="analytics.track('Back Again');",
    )
    [event] = collector.wait_events(1, "Back Again")
    assert event["properties"]["distinct_id"] == "u-keep"
    assert page.evaluate("() => analytics.user().id()") == "u-keep"
    assert page.evaluate("() => analytics.user().anonymousId()") == anon
    assert page.evaluate("() => analytics.user().traits().plan") == "pro"


def test_integrations_mixpanel_false_sends_nothing(tp: Any, collector: Any) -> None:
    tp.open(
        "gated",
        script="""
        analytics.track('Hidden', {}, {integrations: {Mixpanel: false}});
        analytics.track('Also Hidden', {}, {integrations: {All: false}});
        analytics.track('Shown', {}, {integrations: {All: false, Mixpanel: true}});
        analytics.track('Marker');
        """,
    )
    # Non-batched sends are concurrent requests: arrival order is not call order.
    collector.wait_events(2)
    collector.wait_quiet()  # and nothing more comes
    assert sorted(e["event"] for e in collector.events()) == ["Marker", "Shown"]
    assert [c["args"][0] for c in tp.mixpanel_calls("track")] == ["Shown", "Marker"]


def test_ready_settles_with_failure_when_mixpanel_js_is_blocked(tp: Any) -> None:
    page = tp.page
    with tp.routed("**/mixpanel-*/**", lambda route: route.abort("blockedbyclient")):
        tp.open("blocked", script="analytics.track('Never');", wait_ready=False)
        status = tp.wait_ready()
    assert status["status"] == "failed"
    assert "mixpanel" in status["error"]
    assert page.evaluate("() => analytics.status") == "failed"
    assert page.evaluate("() => { analytics.track('After'); return 'still fine'; }") == "still fine"
    errors = tp.lines("error")
    assert any("mixpanel" in e for e in errors)


def test_calls_queued_when_the_page_navigates_away_are_sent_by_the_next_page(
    tp: Any, collector: Any
) -> None:
    next_url = tp.build("carry-next", script="analytics.track('Second Page');")
    page = tp.open(
        "carry-first",
        wait_ready=False,
        script="analytics.track('Left Early', {n: 1}); window.__leftAt = Date.now();"
        f"setTimeout(function () {{ location.href = '{next_url}'; }}, 0);",
    )
    page.wait_for_url(next_url)
    assert tp.wait_ready()["status"] == "ready"
    collector.wait_events(1, "Second Page")
    [early] = collector.wait_events(1, "Left Early")
    [second] = collector.events("Second Page")
    assert early["properties"]["n"] == 1
    assert early["properties"]["time"] < second["properties"]["time"]
    # the page where it was called, not the one that sent it
    assert early["properties"]["$current_url"].endswith("/t/carry-first.html")
    assert second["properties"]["$current_url"].endswith("/t/carry-next.html")
    carried = "() => Object.keys(localStorage).find(k => k.startsWith('ajs_pending_calls'))"
    assert page.evaluate(carried) is None  # each tab stores under ajs_pending_calls.<tab id>
    collector.wait_quiet()
    assert len(collector.events("Left Early")) == 1
