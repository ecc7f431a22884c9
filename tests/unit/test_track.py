"""track → mixpanel.js: the original's steps (object lists inverted, revenue charged), and the
beyond extras."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

import pytest

from integration.dates import UTC, iso_strings_to_dates
from tests import helpers

CLOCK = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
CALL_TIME = datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
CHARGE_NOTE = (
    "[analytics] people.track_charge: mixpanel.js 2.65 and later ignores it; "
    'the amount still reaches Mixpanel as the event\'s "revenue" property'
)


def track(event: Any, properties: Any = None, **extra: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"type": "track", "event": event, **extra}
    if properties is not None:
        message["properties"] = properties
    converted: dict[str, Any] = iso_strings_to_dates(message)
    return converted


destination = partial(helpers.destination, clock=CLOCK)
sent = partial(helpers.sent, clock=CLOCK)


def test_an_event_is_tracked_with_its_properties() -> None:
    assert sent(None, track("Signed Up", {"plan": "pro"})) == [
        ("track", ("Signed Up", {"plan": "pro"}))
    ]


def test_an_event_without_properties_is_tracked_with_an_empty_object() -> None:
    assert sent(None, track("E")) == [("track", ("E", {}))]


def test_an_empty_event_name_is_still_tracked() -> None:
    assert sent(None, track("", {"a": 1})) == [("track", ("", {"a": 1}))]


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ({"type": "track"}, "[analytics] track: event name is missing, got null; nothing sent"),
        (track(5), "[analytics] track: event name must be a string, got 5; nothing sent"),
        (track("E", ["x"]), "[analytics] track: properties must be an object, got a list"),
    ],
)
def test_a_missing_or_bad_event_sends_nothing_and_reports_one_error(
    message: dict[str, Any], error: str
) -> None:
    dest, mixpanel, console = destination()
    dest.track(message)
    assert mixpanel.calls == []
    assert console.lines == [("error", error)]


def test_source_name_is_added_and_overwrites_a_caller_value() -> None:
    calls = sent({"sourceName": "web"}, track("E", {"segment_source_name": "mine", "a": 1}))
    assert calls == [("track", ("E", {"segment_source_name": "web", "a": 1}))]


def test_mixpanels_reserved_properties_are_removed_case_sensitively() -> None:
    props = {
        "Token": 1,
        "IP": 2,
        "distinct_id": 3,
        "mp_note": 4,
        "token": 5,
        "ip": 6,
        "mp_name_tag": 7,
    }
    assert sent(None, track("E", props)) == [("track", ("E", {"Token": 1, "IP": 2}))]


def test_dates_become_iso_strings_at_any_depth() -> None:
    props = {"d": "2020-01-01", "o": {"l": ["2020-01-01T10:00:00+05:30"]}}
    assert sent(None, track("E", props)) == [
        (
            "track",
            ("E", {"d": "2020-01-01T00:00:00.000Z", "o": {"l": ["2020-01-01T04:30:00.000Z"]}}),
        )
    ]


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        (
            {"products": [{"price": 32, "sku": 25}, {"price": 33, "sku": 29}]},
            {"products_prices": [32, 33], "products_skus": [25, 29]},
        ),
        ({"p": [{"sku": 1}, {"name": "n"}]}, {"p_skus": [1], "p_names": ["n"]}),
        ({"x": [[1, 2], [3]]}, {"x_0s": [1, 3], "x_1s": [2]}),
        ({"x": [None, {"a": 1}]}, {"x_as": [1]}),
        ({"x": [None]}, {"x": [None]}),
        ({"x": []}, {"x": []}),
        ({"x": [{"a": 1}, 2]}, {"x": [{"a": 1}, 2]}),
        ({"o": {"l": [{"a": 1}]}}, {"o": {"l": [{"a": 1}]}}),
        ({"x": [{"b": 1, "2": 3}]}, {"x_2s": [3], "x_bs": [1]}),
        ({"x_as": [0], "x": [{"a": 1}]}, {"x_as": [0, 1]}),
        ({"x_as": "s", "x": [{"a": 1}]}, {"x_as": ["s", 1]}),
        ({"d": [{"when": "2020-01-01"}]}, {"d_whens": ["2020-01-01T00:00:00.000Z"]}),
    ],
)
def test_top_level_lists_of_objects_are_inverted_into_one_list_per_key(
    props: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert sent(None, track("E", props)) == [("track", ("E", expected))]


def test_event_increments_match_case_insensitively_and_set_last_event_with_the_call_time() -> None:
    message = track("my EVENT", {"a": 1}, timestamp=CALL_TIME)
    calls = sent({"eventIncrements": ["My Event"]}, message)
    assert calls[:2] == [
        ("people.increment", ("my EVENT",)),
        ("people.set", ("Last my EVENT", CALL_TIME)),
    ]
    assert isinstance(calls[1][1][1], datetime)


def test_last_event_uses_the_clock_when_the_message_has_no_timestamp() -> None:
    calls = sent({"eventIncrements": ["e"]}, track("E"))
    assert calls == [
        ("people.increment", ("E",)),
        ("people.set", ("Last E", CLOCK)),
        ("track", ("E", {})),
    ]


def test_property_increments_match_case_insensitively_and_pass_values_unchanged() -> None:
    props = {"videos_watched": "3", "SCORE": 2.5, "other": 1}
    calls = sent({"propIncrements": ["Videos_Watched", "score"]}, track("E", props))
    assert calls == [
        ("people.increment", ("videos_watched", "3")),
        ("people.increment", ("SCORE", 2.5)),
        ("track", ("E", props)),
    ]


def test_property_increments_see_properties_after_source_name_and_inversion() -> None:
    settings = {"propIncrements": ["segment_source_name", "p_as", "token"], "sourceName": "web"}
    calls = sent(settings, track("E", {"p": [{"a": 1}], "token": 9}))
    assert calls[:2] == [
        ("people.increment", ("segment_source_name", "web")),
        ("people.increment", ("p_as", [1])),
    ]


@pytest.mark.parametrize(
    ("event", "props", "charge"),
    [
        ("Buy", {"revenue": "$1,234.50"}, 1),
        ("Buy", {"revenue": 0}, None),
        ("Buy", {"revenue": -5}, -5),
        ("Buy", {"revenue": "abc"}, None),
        ("Buy", {"revenue": True}, None),
        ("Buy", {"revenue": "12abc"}, 12),
        ("Buy", {"revenue": " $39.95"}, 39.95),
        ("Buy", {"revenue": "0"}, None),
        ("x", {"Revenue": "12.5"}, 12.5),
        ("Buy", {"total": 5}, None),
        ("Order Completed", {"total": "$50"}, 50),
        ("order_completed", {"total": 7}, 7),
        ("Completed Order Foo", {"total": 8}, 8),
        ("_completed_order", {"total": 6}, 6),
        ("My Order Completed", {"total": 9}, None),
        ("Order Completed Now", {"total": 9}, None),
        ("Completed Order", {"total": 10, "revenue": 3}, 3),
        ("Completed Order", {"total": 10, "revenue": 0}, 10),
    ],
)
def test_revenue_is_charged_from_revenue_or_order_completed_total(
    event: str, props: dict[str, Any], charge: Any
) -> None:
    calls = sent(None, track(event, props))
    charges = [args for name, args in calls if name == "people.track_charge"]
    assert charges == ([] if charge is None else [(charge,)])
    assert calls[-1] == ("track", (event, props))


def test_the_charge_comes_before_the_event_and_the_deprecation_is_said_once() -> None:
    dest, mixpanel, console = destination()
    dest.track(track("Buy", {"revenue": 5}))
    dest.track(track("Buy", {"revenue": 6}))
    assert mixpanel.calls == [
        ("people.track_charge", (5,)),
        ("track", ("Buy", {"revenue": 5})),
        ("people.track_charge", (6,)),
        ("track", ("Buy", {"revenue": 6})),
    ]
    assert console.lines == [("info", CHARGE_NOTE)]


def test_with_people_off_there_is_no_people_call_at_all() -> None:
    settings = {"people": False, "eventIncrements": ["e"], "propIncrements": ["n"]}
    dest, mixpanel, console = destination(settings)
    dest.track(track("E", {"n": 1, "revenue": 5}))
    assert mixpanel.calls == [("track", ("E", {"n": 1, "revenue": 5}))]
    assert console.lines == []


@pytest.mark.parametrize(
    ("props", "call"),
    [
        ({"link_query": "a.x", "b": 1}, ("track_links", ("a.x", "E", {"b": 1}))),
        ({"form_query": "#f", "b": 1}, ("track_forms", ("#f", "E", {"b": 1}))),
        (
            {"link_query": "a", "form_query": "#f"},
            ("track_links", ("a", "E", {"form_query": "#f"})),
        ),
        ({"link_query": "", "form_query": "#f"}, ("track_forms", ("#f", "E", {"link_query": ""}))),
        ({"link_query": None}, ("track", ("E", {"link_query": None}))),
    ],
)
def test_link_query_or_form_query_turn_the_call_into_track_links_or_track_forms(
    props: dict[str, Any], call: tuple[str, tuple[Any, ...]]
) -> None:
    assert sent(None, track("E", props)) == [call]


def test_super_properties_are_picked_from_raw_properties_and_registered_after_the_event() -> None:
    settings = {"superProperties": ["d", "token", "products", "missing"], "sourceName": "src"}
    calls = sent(settings, track("E", {"d": "2020-01-01", "token": "tk", "products": [{"sku": 1}]}))
    when = datetime(2020, 1, 1, tzinfo=UTC)
    assert calls == [
        (
            "track",
            (
                "E",
                {
                    "d": "2020-01-01T00:00:00.000Z",
                    "products_skus": [1],
                    "segment_source_name": "src",
                },
            ),
        ),
        ("register", ({"d": when, "token": "tk", "products": [{"sku": 1}]},)),
    ]


def test_nothing_is_registered_when_no_listed_super_property_is_present() -> None:
    assert sent({"superProperties": ["x"]}, track("E", {"X": 1})) == [("track", ("E", {"X": 1}))]


def test_people_calls_come_in_spec_order_before_the_event_and_register_last() -> None:
    settings = {"eventIncrements": ["buy"], "propIncrements": ["n"], "superProperties": ["n"]}
    calls = sent(settings, track("Buy", {"n": 2, "revenue": 9}, timestamp=CALL_TIME))
    assert [name for name, _ in calls] == [
        "people.increment",
        "people.set",
        "people.increment",
        "people.track_charge",
        "track",
        "register",
    ]


def test_beyond_time_insert_id_and_utm_properties_are_added_and_caller_values_win() -> None:
    campaign = {
        "name": "spring",
        "source": "news",
        "medium": "email",
        "term": "t",
        "content": "c",
        "x": 1,
    }
    message = track(
        "E",
        {"utm_source": "mine"},
        timestamp=CALL_TIME,
        messageId="msg-1",
        context={"campaign": campaign},
    )
    assert sent(None, message) == [
        (
            "track",
            (
                "E",
                {
                    "utm_source": "mine",
                    "time": 1704164645.678,
                    "$insert_id": "msg-1",
                    "utm_campaign": "spring",
                    "utm_medium": "email",
                    "utm_term": "t",
                    "utm_content": "c",
                },
            ),
        )
    ]


def test_beyond_extras_never_count_as_increments_or_super_properties() -> None:
    settings = {"propIncrements": ["time", "$insert_id"], "superProperties": ["time", "utm_source"]}
    message = track("E", timestamp=CALL_TIME, messageId="m", context={"campaign": {"source": "s"}})
    assert sent(settings, message) == [
        ("track", ("E", {"time": 1704164645.678, "$insert_id": "m", "utm_source": "s"}))
    ]


def test_a_length_property_is_renamed_with_one_warning_naming_the_event() -> None:
    dest, mixpanel, console = destination()
    dest.track(track("Signed Up", {"length": 3, "f": print}))
    assert mixpanel.calls == [("track", ("Signed Up", {"length_": 3}))]
    assert console.at("warn") == [
        '[analytics] track "Signed Up": property "length" renamed to "length_" '
        '(mixpanel.js would drop the whole event); property "f" is a function; dropped'
    ]


def test_the_callers_message_is_not_mutated() -> None:
    message = track("E", {"p": [{"a": 1}], "token": 1, "link_query": "a"}, timestamp=CALL_TIME)
    before = repr(message)
    destination({"sourceName": "s"})[0].track(message)
    assert repr(message) == before


# -- trackLink / trackForm: the page leaves right after the call -------------------------------

BEACON = {"transport": "sendBeacon", "send_immediately": True}


@pytest.mark.parametrize("dom", ["link", "form"])
def test_a_dom_helper_event_goes_by_sendbeacon_at_once(dom: str) -> None:
    dest, mixpanel, _ = destination()
    dest.track(track("Link Clicked", {"href": "/next"}), dom)
    assert mixpanel.calls == [("track", ("Link Clicked", {"href": "/next"}, BEACON))]


def test_each_dom_helper_event_gets_its_own_options_object() -> None:
    dest, mixpanel, _ = destination()
    dest.track(track("A"), "link")
    dest.track(track("B"), "form")
    first, second = (args[2] for _, args in mixpanel.calls)
    assert first == second == BEACON
    assert first is not second  # mixpanel.js writes to the options it is given


@pytest.mark.parametrize("dom", [None, "button", ""])
def test_other_events_get_no_options(dom: Any) -> None:
    dest, mixpanel, _ = destination()
    dest.track(track("E", {"a": 1}), dom)
    assert mixpanel.calls == [("track", ("E", {"a": 1}))]


def test_a_dom_helper_event_keeps_its_people_calls_and_super_properties_order() -> None:
    settings = {"propIncrements": ["clicks"], "superProperties": ["plan"]}
    dest, mixpanel, _ = destination(settings)
    dest.track(track("Clicked", {"clicks": 1, "plan": "pro"}), "link")
    assert mixpanel.calls == [
        ("people.increment", ("clicks", 1)),
        ("track", ("Clicked", {"clicks": 1, "plan": "pro"}, BEACON)),
        ("register", ({"plan": "pro"},)),
    ]


def test_a_dom_helper_event_with_a_link_query_stays_a_track_links_call() -> None:
    dest, mixpanel, _ = destination()
    dest.track(track("E", {"link_query": "a.x"}), "link")
    assert mixpanel.calls == [("track_links", ("a.x", "E", {}))]


def test_a_filtered_dom_helper_event_sends_nothing() -> None:
    settings = {"eventFilteringOption": "blacklistedEvents", "blacklistedEvents": ["Clicked"]}
    dest, mixpanel, _ = destination(settings)
    dest.track(track("Clicked"), "link")
    assert mixpanel.calls == []
