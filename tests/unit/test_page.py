"""page → one mixpanel.js event at most (the first naming rule that matches)."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

import pytest

from integration.dates import UTC
from tests import helpers

CLOCK = datetime(2024, 5, 6, tzinfo=UTC)
DEFAULTS = {
    "path": "/docs",
    "referrer": "",
    "search": "",
    "title": "Docs",
    "url": "https://x.test/docs",
}
OFF = {"consolidatedPageCalls": False}


def page(
    category: Any = None, name: Any = None, properties: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A page message as the facade builds it: name/category and page defaults in properties."""
    props = dict(properties or {})
    message: dict[str, Any] = {"type": "page", "properties": props}
    if category is not None:
        message["category"] = category
        if category:
            props["category"] = category
    if name is not None:
        message["name"] = name
        if name:
            props["name"] = name
    for key, value in DEFAULTS.items():
        props.setdefault(key, value)
    return message


destination = partial(helpers.destination, clock=CLOCK)
sent = partial(helpers.sent, clock=CLOCK)


def test_by_default_every_page_call_is_one_loaded_a_page_event_with_the_page_properties() -> None:
    assert sent(None, page("Docs", "Index", {"foo": 1})) == [
        ("track", ("Loaded a Page", {"foo": 1, "category": "Docs", "name": "Index", **DEFAULTS}))
    ]


def test_page_without_arguments_is_loaded_a_page_with_the_defaults() -> None:
    assert sent(None, page()) == [("track", ("Loaded a Page", DEFAULTS))]


@pytest.mark.parametrize(
    ("settings", "category", "name", "event"),
    [
        (
            {"trackAllPages": True, "trackCategorizedPages": True, "trackNamedPages": True},
            None,
            None,
            "Loaded a Page",
        ),
        (
            {"consolidatedPageCalls": True, "trackCategorizedPages": True},
            "Docs",
            "Index",
            "Loaded a Page",
        ),
        (
            {**OFF, "trackAllPages": True, "trackCategorizedPages": True},
            "Docs",
            "Index",
            "Loaded a Page",
        ),
        (
            {**OFF, "trackCategorizedPages": True, "trackNamedPages": True},
            "Docs",
            "Index",
            "Viewed Docs Index Page",
        ),
        ({**OFF, "trackCategorizedPages": True}, "Docs", "", "Viewed Docs Page"),
        ({**OFF, "trackCategorizedPages": True}, None, "Index", None),
        (
            {**OFF, "trackCategorizedPages": True, "trackNamedPages": True},
            None,
            "Signup",
            "Viewed Signup Page",
        ),
        ({**OFF, "trackNamedPages": True}, "Docs", "Index", "Viewed Index Page"),
        ({**OFF, "trackNamedPages": True}, "Docs", "", None),
        ({**OFF, "trackNamedPages": True}, None, 5, "Viewed 5 Page"),
        ({**OFF, "trackCategorizedPages": True}, 2.0, 1.5, "Viewed 2 1.5 Page"),
        (OFF, "Docs", "Index", None),
    ],
)
def test_the_first_matching_rule_names_the_single_event(
    settings: dict[str, Any], category: Any, name: Any, event: str | None
) -> None:
    calls = sent(settings, page(category, name))
    assert [args[0] for _, args in calls] == ([] if event is None else [event])


def test_a_category_without_a_name_has_the_category_property_but_no_name() -> None:
    calls = sent({**OFF, "trackCategorizedPages": True}, page("Docs", ""))
    assert calls == [("track", ("Viewed Docs Page", {"category": "Docs", **DEFAULTS}))]


def test_name_and_category_inside_the_properties_do_not_name_the_page() -> None:
    settings = {**OFF, "trackNamedPages": True, "trackCategorizedPages": True}
    assert sent(settings, page(properties={"name": "X", "category": "C"})) == []


def test_a_named_page_event_can_be_an_increment_event() -> None:
    settings = {**OFF, "trackNamedPages": True, "eventIncrements": ["Viewed Signup Page"]}
    assert sent(settings, page(None, "Signup")) == [
        ("people.increment", ("Viewed Signup Page",)),
        ("people.set", ("Last Viewed Signup Page", CLOCK)),
        ("track", ("Viewed Signup Page", {"name": "Signup", **DEFAULTS})),
    ]


def test_a_page_goes_through_all_of_track_revenue_and_link_query_included() -> None:
    assert sent(None, page(None, "N", {"revenue": 5, "link_query": "a"})) == [
        ("people.track_charge", (5,)),
        ("track_links", ("a", "Loaded a Page", {"revenue": 5, "name": "N", **DEFAULTS})),
    ]


def test_a_page_gets_the_source_name_and_registers_listed_super_properties() -> None:
    settings = {"sourceName": "web", "superProperties": ["title"]}
    assert sent(settings, page("Docs", "Index", {"foo": 1})) == [
        (
            "track",
            (
                "Loaded a Page",
                {
                    "foo": 1,
                    "category": "Docs",
                    "name": "Index",
                    **DEFAULTS,
                    "segment_source_name": "web",
                },
            ),
        ),
        ("register", ({"title": "Docs"},)),
    ]


def test_a_page_carries_the_beyond_time_and_insert_id() -> None:
    message = {**page(), "timestamp": datetime(2024, 1, 1, tzinfo=UTC), "messageId": "m"}
    assert sent(None, message) == [
        ("track", ("Loaded a Page", {**DEFAULTS, "time": 1704067200.0, "$insert_id": "m"}))
    ]


def test_page_properties_that_are_not_an_object_are_reported() -> None:
    dest, mixpanel, console = destination()
    dest.page({"type": "page", "properties": "x"})
    assert mixpanel.calls == []
    assert console.at("error") == ['[analytics] page: properties must be an object, got "x"']
