"""The runtime path end to end: script tag → the runtime → real mixpanel.js → collector; on both
runtimes, the smoke also on the README's install (no runtime set: auto, MicroPython)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import BOTH, DEFAULT

pytestmark = pytest.mark.runtimes(*BOTH)


@pytest.mark.runtimes(DEFAULT, *BOTH)
def test_track_made_before_ready_reaches_the_collector_with_its_property_and_token(
    tp: Any, collector: Any, runtime: str
) -> None:
    page = tp.open("early-track", script="analytics.track('Signed Up', {plan: 'pro'});")
    assert page.evaluate("() => window.__status.status") == "ready"
    ran = page.evaluate("() => analytics.runtime.name")
    assert ran == ("micropython" if runtime == DEFAULT else runtime), ran
    [event] = collector.wait_events(1, "Signed Up")
    assert event["properties"]["plan"] == "pro"
    assert event["properties"]["token"] == "test-token"
    assert event["properties"]["distinct_id"]


def test_page_load_event_fires_before_the_python_runtime_is_ready(tp: Any) -> None:
    page = tp.open("load-order")
    load_at, ready_at = page.evaluate("() => [window.__loadAt, window.__readyAt]")
    assert load_at is not None and ready_at is not None
    assert load_at < ready_at


def test_calls_after_ready_go_straight_to_mixpanel(tp: Any, collector: Any) -> None:
    page = tp.open("after-ready")
    page.evaluate("() => analytics.track('Clicked', {n: 1})")
    [event] = collector.wait_events(1, "Clicked")
    assert event["properties"]["n"] == 1


def test_init_registers_segment_mp_lib_and_sends_base64_form_payloads(
    tp: Any, collector: Any
) -> None:
    tp.open("mp-lib", script="analytics.track('Hello');")
    collector.wait_events(1, "Hello")
    [record] = [r for r in collector.all() if r["endpoint"] == "track"]
    assert record["method"] == "POST"
    assert record["payload"]["properties"]["mp_lib"] == "Segment: web"


@pytest.mark.runtimes(DEFAULT, *BOTH)
def test_no_console_errors_on_a_clean_boot(tp: Any) -> None:
    tp.open("clean-boot", script="analytics.track('Quiet');")
    tp.wait_console_quiet()
    assert tp.lines("error") == []


@pytest.mark.runtimes(DEFAULT)  # the QA console at / boots with its own settings
def test_demo_page_button_tracks_an_event_and_shows_what_the_collector_got(
    tp: Any, collector: Any, server_url: str
) -> None:
    page = tp.page
    page.goto(server_url + "/")
    page.wait_for_function("() => analytics.status === 'ready'", timeout=90_000)
    page.fill("#call-track-event", "Demo Clicked")
    page.click("#call-send")
    [event] = collector.wait_events(1, "Demo Clicked")
    assert event["properties"]["token"] == "demo-token"
    page.wait_for_function(
        "() => [...document.querySelectorAll('#log .entry .c-col')]"
        ".some(c => c.textContent.includes('Demo Clicked'))"
    )


def test_campaign_context_and_ip_zero_reach_mixpanel(tp: Any, collector: Any) -> None:
    tp.open(
        "campaign",
        script="""
        analytics.track('From Campaign', {}, {context: {ip: 0,
            campaign: {name: 'spring', source: 'news', medium: 'email', term: 't', content: 'c'}}});
        """,
    )
    [event] = collector.wait_events(1, "From Campaign")
    props = event["properties"]
    assert (props["utm_campaign"], props["utm_source"], props["utm_medium"]) == (
        "spring",
        "news",
        "email",
    )
    assert (props["utm_term"], props["utm_content"]) == ("t", "c")
    [record] = [r for r in collector.all() if r["payload"].get("event") == "From Campaign"]
    assert record["query"]["ip"] == "0"


@pytest.mark.pyodide_only("the memory snapshot is Pyodide's")
def test_boot_restores_the_memory_snapshot_when_one_is_served(tp: Any, collector: Any) -> None:
    page = tp.open(
        "snapshot-boot",
        load_options={"snapshot": "always"},  # 'auto' skips it on a cold visit (no HTTP cache here)
        script="analytics.track('From Snapshot', {n: 1});",
    )
    assert page.evaluate("() => analytics.timings.snapshot") is True
    [event] = collector.wait_events(1, "From Snapshot")
    assert event["properties"]["n"] == 1 and event["properties"]["mp_lib"] == "Segment: web"


@pytest.mark.pyodide_only("the memory snapshot is Pyodide's")
def test_boot_without_the_snapshot_works_the_same(tp: Any, collector: Any) -> None:
    page = tp.open(
        "no-snapshot",
        load_options={"snapshot": False},
        script="analytics.track('Plain Boot', {n: 2});",
    )
    assert page.evaluate("() => analytics.timings.snapshot") is None
    [event] = collector.wait_events(1, "Plain Boot")
    assert event["properties"]["n"] == 2


@pytest.mark.pyodide_only("the memory snapshot is Pyodide's")
def test_a_snapshot_that_fails_to_load_falls_back_to_a_normal_boot(tp: Any, collector: Any) -> None:
    with tp.failing("**/snapshot.*.bin"):
        page = tp.open(
            "bad-snapshot",
            load_options={"snapshot": "always"},
            script="analytics.track('Fallback', {n: 3});",
        )
    assert page.evaluate("() => analytics.status") == "ready"
    assert page.evaluate("() => analytics.timings.snapshot") is None
    [event] = collector.wait_events(1, "Fallback")
    assert event["properties"]["n"] == 3
    assert any("booting normally" in line for line in tp.lines("warning"))
