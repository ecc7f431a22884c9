"""An event's $current_url is the page of the call (its meta page / context.page.url), not the
page that happens to be open when mixpanel.js sends it (a queued, carried or snippet-buffered
call is sent from another page)."""

from __future__ import annotations

from functools import partial
from typing import Any

from tests import helpers
from tests.fakes import RecordingMixpanel

NOW = {"url": "https://x.test/now", "path": "/now", "referrer": "", "search": "", "title": "Now"}
THEN = {"url": "https://x.test/then?a=1", "path": "/then", "referrer": "", "search": "?a=1"}


facade = partial(
    helpers.facade,
    base={"token": "tk"},
    clock=lambda: 1.0e12,
    new_id=lambda: "m-1",
    page_context=lambda: dict(NOW),
)


def tracked_properties(mixpanel: RecordingMixpanel) -> list[dict[str, Any]]:
    return [args[1] for name, args in mixpanel.calls if name == "track"]


def test_a_call_made_now_reports_this_page() -> None:
    analytics, mixpanel, _ = facade()
    analytics.track("E")
    analytics.page()
    assert [p["$current_url"] for p in tracked_properties(mixpanel)] == [NOW["url"]] * 2


def test_a_call_with_its_own_page_reports_that_page() -> None:
    analytics, mixpanel, _ = facade()
    analytics.dispatch("track", ["E", {}], {"timestamp": 1.0e12, "messageId": "x", "page": THEN})
    analytics.dispatch("page", [], {"timestamp": 1.0e12, "messageId": "y", "page": THEN})
    assert [p["$current_url"] for p in tracked_properties(mixpanel)] == [THEN["url"]] * 2


def test_a_current_url_the_caller_sent_wins() -> None:
    analytics, mixpanel, _ = facade()
    analytics.track("E", {"$current_url": "https://x.test/given"})
    assert tracked_properties(mixpanel)[0]["$current_url"] == "https://x.test/given"
