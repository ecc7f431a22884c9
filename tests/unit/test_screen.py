"""screen(), setAnonymousId() and pageview() in the Python core."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from integration import arguments, surface
from integration.arguments import PageArgs
from integration.identity import ANONYMOUS_ID, MemoryStorage
from tests import helpers
from tests.helpers import tracked

T0 = 1_577_836_800_000.0
PAGE = {"url": "https://x.test/a", "path": "/a", "referrer": "", "search": "", "title": "A"}
OFF = {"consolidatedPageCalls": False}


facade = partial(
    helpers.facade,
    base={"token": "tk"},
    clock=lambda: T0,
    new_id=lambda: "m-1",
    page_context=lambda: dict(PAGE),
)


# --- arguments -------------------------------------------------------------------------


def test_screen_arguments_resolve_as_page_arguments() -> None:
    assert arguments.screen(("Home",), {}) == PageArgs(None, "Home", {}, {}, None)
    assert arguments.screen(("App", "Home", {"a": 1}), {}) == PageArgs(
        "App", "Home", {"a": 1}, {}, None
    )
    assert arguments.screen(({"a": 1}, {"context": {}}), {}) == PageArgs(
        None, None, {"a": 1}, {"context": {}}, None
    )


def test_a_bad_screen_argument_names_screen() -> None:
    analytics, mixpanel, console = facade()
    analytics.screen("App", 5)
    assert console.at("error") == ["[analytics] screen: name must be a string, got int"]
    assert tracked(mixpanel) == []


# --- the event name --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "args", "event"),
    [
        ({}, ("App", "Home"), "Loaded a Screen"),
        ({"consolidatedPageCalls": False, "trackAllPages": True}, ("Home",), "Loaded a Screen"),
        ({**OFF, "trackCategorizedPages": True}, ("App", "Home"), "Viewed App Home Screen"),
        ({**OFF, "trackCategorizedPages": True}, ("App", ""), "Viewed App Screen"),
        ({**OFF, "trackNamedPages": True}, ("Home",), "Viewed Home Screen"),
        ({**OFF, "trackNamedPages": True}, (), None),
        (OFF, ("App", "Home"), None),
    ],
    ids=["consolidated", "all", "categorized", "category only", "named", "unnamed", "none"],
)
def test_screen_follows_the_page_rules_with_screen_for_page(
    settings: dict[str, Any], args: tuple[Any, ...], event: str | None
) -> None:
    analytics, mixpanel, _ = facade(settings)
    analytics.screen(*args)
    assert [name for name, _ in tracked(mixpanel)] == ([event] if event else [])


def test_screen_properties_are_the_given_ones_with_name_and_category() -> None:
    analytics, mixpanel, _ = facade()
    analytics.screen("App", "Home", {"tab": 2})
    [(_, props)] = tracked(mixpanel)
    assert props == {
        "tab": 2,
        "name": "Home",
        "category": "App",
        "time": T0 / 1000,
        "$insert_id": "m-1",
        "$current_url": PAGE["url"],  # the call's own page
    }


def test_screen_is_a_segment_screen_message_for_listeners_and_dispatch() -> None:
    analytics, mixpanel, _ = facade()
    seen: list[tuple[Any, ...]] = []
    analytics.on("screen", lambda *args: seen.append(args))
    analytics.dispatch("screen", ["App", "Home", {"a": 1}], {"messageId": "q-1"})
    assert seen == [("App", "Home", {"a": 1, "name": "Home", "category": "App"}, {})]
    [(event, props)] = tracked(mixpanel)
    assert (event, props["$insert_id"]) == ("Loaded a Screen", "q-1")


def test_screen_message_type_is_screen() -> None:
    from integration import messages

    stamp = messages.Stamp("u", "a", "m", T0, dict(PAGE))
    msg = messages.screen("App", "Home", {"x": 1}, {}, stamp)
    assert (msg["type"], msg["category"], msg["name"]) == ("screen", "App", "Home")
    assert msg["properties"] == {"x": 1, "name": "Home", "category": "App"}
    assert msg["context"]["page"] == PAGE


def test_screen_gated_off_by_integrations_sends_nothing() -> None:
    analytics, mixpanel, _ = facade()
    analytics.screen("Home", {}, {"integrations": {"Mixpanel": False}})
    assert tracked(mixpanel) == []


# --- setAnonymousId and pageview -----------------------------------------------------------


def test_set_anonymous_id_stores_it_and_later_calls_carry_it() -> None:
    storage = MemoryStorage()
    analytics, _, _ = facade(storage=storage)
    analytics.set_anonymous_id("anon-7")
    assert analytics.user().anonymous_id() == "anon-7"
    assert storage.data[ANONYMOUS_ID] == '"anon-7"'
    analytics.dispatch("setAnonymousId", ["anon-8"], {})
    assert analytics.user().anonymous_id() == "anon-8"


@pytest.mark.parametrize("bad", [None, {"a": 1}, True])
def test_a_bad_anonymous_id_is_one_line_and_changes_nothing(bad: Any) -> None:
    analytics, _, console = facade()
    before = analytics.user().anonymous_id()
    analytics.set_anonymous_id(bad)
    assert analytics.user().anonymous_id() == before
    [line] = console.at("error")
    assert line.startswith("[analytics] setAnonymousId: anonymous id must be a string")


def test_pageview_is_page_with_the_url_as_path() -> None:
    analytics, mixpanel, _ = facade()
    analytics.pageview("/pricing")
    analytics.dispatch("pageview", [], {})
    [(first, props), (second, plain)] = tracked(mixpanel)
    assert (first, props["path"], props["url"]) == ("Loaded a Page", "/pricing", PAGE["url"])
    assert (second, plain["path"]) == ("Loaded a Page", PAGE["path"])


def test_pageview_with_a_non_string_url_is_one_line_and_nothing_sent() -> None:
    analytics, mixpanel, console = facade()
    analytics.pageview(5)
    assert console.at("error") == ["[analytics] pageview: url must be a string, got int"]
    assert tracked(mixpanel) == []


def test_the_surface_lists_the_new_calls_with_their_argument_order() -> None:
    assert surface.METHODS["screen"] == ("category", "name", "properties", "options", "callback")
    assert surface.METHODS["setAnonymousId"] == ("anonymous_id",)
    assert surface.METHODS["pageview"] == ("url",)
    for method in surface.METHODS:  # every queued call has a Python answer
        analytics, _, console = facade()
        analytics.dispatch(method, [], {})
        assert not [line for line in console.at("error") if "unknown method" in line]
