"""The inline snippet install (static/snippet.js): nothing before the page's load event, no call
lost, each call keeping the time and page it was made with."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import BOTH

pytestmark = pytest.mark.runtimes(*BOTH)

LOADER_TIMES = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const loader = performance.getEntriesByType('resource')
    .find(e => e.name.endsWith('/analytics/analytics.js'));
  return {loadEventEnd: nav.loadEventEnd, loaderStart: loader ? loader.startTime : null};
}"""


def test_snippet_fetches_the_loader_only_after_the_load_event(tp: Any, collector: Any) -> None:
    page = tp.open("snippet-late", snippet=True, script="analytics.track('Via Snippet', {n: 1});")
    assert page.evaluate("() => window.__status.status") == "ready"
    times = page.evaluate(LOADER_TIMES)
    assert times["loaderStart"] is not None
    assert times["loaderStart"] >= times["loadEventEnd"], times
    [event] = collector.wait_events(1, "Via Snippet")
    assert event["properties"]["n"] == 1 and event["properties"]["token"] == "test-token"
    # the listener registered on the snippet saw mixpanel.js being driven
    assert [c["args"][0] for c in tp.mixpanel_calls("track")] == ["Via Snippet"]


def test_snippet_calls_keep_their_time_page_and_order(tp: Any, collector: Any) -> None:
    page = tp.open(
        "snippet-early",
        snippet=True,
        settings={"people": True},
        script="""
        window.__calledAt = Date.now();
        analytics.page('Home');
        analytics.identify('u-snippet', {plan: 'pro'});
        history.pushState({}, '', '/t/elsewhere?step=2');
        document.title = 'Changed';
        analytics.track('Second', {}, {}, function () { window.__cb = true; });
        analytics.page('Later');
        for (const t = Date.now(); Date.now() - t < 300; ) {}
        """,
    )
    page.wait_for_function("() => window.__cb === true")
    pages = collector.wait_events(2, "Loaded a Page")
    home, later = (
        next(e["properties"] for e in pages if e["properties"]["name"] == n)
        for n in ("Home", "Later")
    )
    second = collector.wait_events(1, "Second")[0]["properties"]
    called_at, ready_at = page.evaluate(
        "() => [window.__calledAt, performance.timeOrigin + window.__readyAt]"
    )
    assert abs(home["time"] * 1000 - called_at) < 50
    assert ready_at - home["time"] * 1000 > 300
    assert home["path"] == "/t/snippet-early.html" and home["title"] == "snippet-early"
    assert home["name"] == "Home" and "plan" not in home
    assert second["plan"] == "pro" and second["distinct_id"] == "u-snippet"
    assert later["path"] == "/t/elsewhere" and later["search"] == "?step=2"
    assert later["title"] == "Changed" and later["url"].endswith("/t/elsewhere?step=2")
    assert home["time"] <= second["time"] <= later["time"]
    order = [c["method"] for c in tp.mixpanel_calls() if c["method"] in ("identify", "track")]
    assert order == ["track", "identify", "track", "track"]


def test_a_segment_style_snippet_array_is_taken_over(tp: Any, collector: Any) -> None:
    page = tp.open(
        "snippet-segment",
        wait_ready=False,
        head="""<script>
        window.analytics = [];
        window.analytics.push(['track', 'From Segment Snippet', {k: 'v'}]);
        window.analytics.push(['nosuchmethod', 1]);
        </script>""",
    )
    assert tp.wait_ready()["status"] == "ready"
    [event] = collector.wait_events(1, "From Segment Snippet")
    assert event["properties"]["k"] == "v"
    assert page.evaluate("() => typeof analytics.track") == "function"
