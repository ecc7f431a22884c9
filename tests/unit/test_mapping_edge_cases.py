"""Behaviours that were wrong, each pinned at what reaches mixpanel.js.

Every test drives the real destination (or the facade in front of it) against the recording
fake; where the fix departs from the original integration, the test says so.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import partial
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from integration.bridge import wire
from integration.dates import UTC
from integration.identity import USER_ID, USER_TRAITS, MemoryStorage
from integration.mixpanel import MixpanelDestination, traits
from tests import helpers
from tests.examples import examples
from tests.fakes import RecordingConsole, RecordingMixpanel
from tests.helpers import destination

CALL_TIME = datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
T0 = 1_577_836_800_000.0


facade = partial(helpers.facade, keep_init=True, clock=lambda: T0)


def after_init(mixpanel: RecordingMixpanel) -> list[tuple[str, tuple[Any, ...]]]:
    """The calls after init and the mp_lib register."""
    calls = mixpanel.without_getters()
    assert [name for name, _ in calls[:2]] == ["init", "register"]
    return calls[2:]


# --- 1.1 link_query / form_query carry neither time nor $insert_id ----------------------


def test_track_links_and_track_forms_carry_no_time_and_no_insert_id() -> None:
    for query, method in (("link_query", "track_links"), ("form_query", "track_forms")):
        dest, mixpanel, _ = destination()
        message = {
            "event": "Clicked",
            "properties": {query: "a.buy", "plan": "pro"},
            "timestamp": CALL_TIME,
            "messageId": "msg-1",
            "context": {"campaign": {"source": "mail"}},
        }
        dest.track(message)
        assert mixpanel.calls == [
            (method, ("a.buy", "Clicked", {"plan": "pro", "utm_source": "mail"}))
        ]


def test_a_plain_track_still_carries_time_and_insert_id() -> None:
    dest, mixpanel, _ = destination()
    dest.track({"event": "E", "timestamp": CALL_TIME, "messageId": "m"})
    assert mixpanel.calls == [("track", ("E", {"time": 1704164645.678, "$insert_id": "m"}))]


def test_a_page_with_link_query_carries_no_time_and_no_insert_id() -> None:
    analytics, mixpanel, _ = facade()
    analytics.page("Docs", {"link_query": "a"})
    (name, args), *_ = [c for c in after_init(mixpanel) if c[0] == "track_links"]
    assert args[:2] == ("a", "Loaded a Page")
    assert "time" not in args[2] and "$insert_id" not in args[2]


# --- 1.2 null increments reach mixpanel.js as made -------------------------------------


def test_a_null_property_increment_is_passed_with_its_null() -> None:
    dest, mixpanel, _ = destination({"propIncrements": ["score"]})
    dest.track({"event": "E", "properties": {"score": None}})
    assert ("people.increment", ("score", None)) in mixpanel.calls


def test_the_null_increment_reaches_the_host_as_a_trailing_null() -> None:
    # Segment sends $add {score: null}; the host protocol gets the arguments as made.
    from integration.bridge import JsMixpanel

    class Host:
        def __init__(self) -> None:
            self.sent: list[tuple[str, str]] = []

        def call(self, path: str, args_json: str) -> str:
            self.sent.append((path, args_json))
            return "null"

    host = Host()
    dest = MixpanelDestination(
        {"token": "tk", "people": True, "propIncrements": ["score"]},
        JsMixpanel(host),
        RecordingConsole(),
    )
    host.sent.clear()
    dest.track({"event": "E", "properties": {"score": None}})
    assert ("people.increment", '["score",null]') in host.sent
    assert wire.encode(["score", None]) == '["score",null]'


# --- 1.7 returning visitor: identify only ---------------------------------------------


def test_a_returning_visitor_page_load_only_calls_identify() -> None:
    storage = MemoryStorage({USER_ID: '"u9"', USER_TRAITS: '{"plan": "pro", "tags": ["a"]}'})
    _, mixpanel, _ = facade({"superProperties": ["plan"]}, storage)
    assert after_init(mixpanel) == [("identify", ("u9",))]


def test_a_returning_visitor_with_a_numeric_id_is_identified_with_the_number() -> None:
    _, mixpanel, _ = facade(storage=MemoryStorage({USER_ID: "7"}))
    assert after_init(mixpanel) == [("identify", (7,))]


def test_an_explicit_identify_still_runs_the_whole_mapping() -> None:
    storage = MemoryStorage({USER_ID: '"u9"', USER_TRAITS: '{"plan": "pro"}'})
    analytics, mixpanel, _ = facade(storage=storage)
    mixpanel.calls.clear()
    analytics.identify({"seats": 3})
    assert [name for name, _ in mixpanel.without_getters()] == [
        "identify",
        "name_tag",
        "register",
        "people.set",
        "people.union",
    ]


# --- 1.8 alias with no new id ---------------------------------------------------------


def test_alias_without_a_new_id_sends_nothing_even_with_a_people_distinct_id() -> None:
    # Departs from the original's alias quirk: nothing is sent, whatever mixpanel.js holds.
    dest, mixpanel, console = destination(
        mixpanel=RecordingMixpanel(**{"$people_distinct_id": "p1"})
    )
    dest.alias({"previousId": "old"})
    assert mixpanel.without_getters() == []
    assert console.at("error") == ["[analytics] alias: user id is missing"]


def test_alias_with_no_arguments_through_the_facade_sends_nothing() -> None:
    analytics, mixpanel, _ = facade()
    mixpanel.super_properties["$people_distinct_id"] = "p1"
    mixpanel.calls.clear()
    analytics.alias()
    assert mixpanel.without_getters() == []


# --- 1.9 consent(true) tracks $opt_in only when the state changes ----------------------


def opt_calls(mixpanel: RecordingMixpanel) -> list[tuple[str, tuple[Any, ...]]]:
    return [c for c in mixpanel.calls if c[0].startswith("opt_")]


def test_consent_true_when_already_given_opts_in_without_an_event() -> None:
    analytics, mixpanel, _ = facade()
    analytics.consent(True)
    analytics.consent(True)
    assert opt_calls(mixpanel) == [
        ("opt_in_tracking", ({"track": False},)),
        ("opt_in_tracking", ({"track": False},)),
    ]


def test_consent_true_after_it_was_withheld_tracks_opt_in_once() -> None:
    analytics, mixpanel, _ = facade({"consent": False})
    analytics.consent(True)
    analytics.consent(True)
    analytics.consent(False)
    analytics.consent(True)
    assert opt_calls(mixpanel) == [
        ("opt_in_tracking", ()),
        ("opt_in_tracking", ({"track": False},)),
        ("opt_out_tracking", ({"delete_user": False},)),
        ("opt_in_tracking", ()),
    ]


# --- 1.10 e-mail detection: any line -----------------------------------------------------

JS_EMAIL = re.compile(r"[^\n\r\u2028\u2029]+@[^\n\r\u2028\u2029]+\.[^\n\r\u2028\u2029]+")


def test_an_email_on_a_later_line_counts() -> None:
    assert traits._looks_like_email("x\na@b.co")
    assert traits._looks_like_email("no\u2028a@b.co")
    assert not traits._looks_like_email("a@\nb.co")
    assert not traits._looks_like_email("a@b\r.co")


def test_a_user_id_with_an_email_on_its_second_line_becomes_the_email() -> None:
    dest, mixpanel, _ = destination()
    dest.identify({"userId": "id\na@b.co"})
    assert ("name_tag", ("id\na@b.co",)) in mixpanel.calls
    people_set = [args[0] for name, args in mixpanel.calls if name == "people.set"]
    assert people_set[0]["$email"] == "id\na@b.co"


@settings(max_examples=examples(2000))
@given(st.text(alphabet="ab@.\n\r\u2028\u2029 ", max_size=14) | st.text(max_size=10))
def test_email_detection_is_javascripts_test_on_any_line(text: str) -> None:
    assert traits._looks_like_email(text) == bool(JS_EMAIL.search(text))
