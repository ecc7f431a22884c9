"""alias, group, reset (beyond the original), and robustness against any JSON-like input."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integration.dates import INVALID_DATE, UTC
from integration.mixpanel import MixpanelDestination
from tests.examples import examples
from tests.fakes import RecordingConsole, RecordingMixpanel
from tests.helpers import destination

MP_LIB = ("register", ({"mp_lib": "Segment: web"},))
WHEN = datetime(2020, 1, 1, tzinfo=UTC)


# --- alias ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "calls"),
    [
        (
            {"userId": "new"},
            [
                ("get_distinct_id", ()),
                ("get_property", ("$people_distinct_id",)),
                ("alias", ("new",)),
            ],
        ),
        ({"userId": "mp-device-1"}, [("get_distinct_id", ())]),
        (
            {"userId": "known"},
            [("get_distinct_id", ()), ("get_property", ("$people_distinct_id",))],
        ),
        (
            {"userId": 5, "previousId": 6},
            [
                ("get_distinct_id", ()),
                ("get_property", ("$people_distinct_id",)),
                ("alias", (5, 6)),
            ],
        ),
        (
            {"userId": "", "to": "t", "previousId": "", "from": "f"},
            [
                ("get_distinct_id", ()),
                ("get_property", ("$people_distinct_id",)),
                ("alias", ("t", "f")),
            ],
        ),
    ],
    ids=[
        "new id aliases the current distinct id",
        "same as distinct id: skipped after one read",
        "same as people distinct id: skipped",
        "numbers stay numbers",
        "falsy ids fall back to to/from",
    ],
)
def test_alias_is_skipped_when_mixpanel_already_knows_the_id(
    message: dict[str, Any], calls: list[tuple[str, tuple[Any, ...]]]
) -> None:
    mixpanel = RecordingMixpanel(**{"$people_distinct_id": "known"})
    dest, _, _ = destination(mixpanel=mixpanel)
    dest.alias(message)
    assert mixpanel.calls == calls


def test_alias_without_an_id_sends_nothing_when_there_is_no_people_distinct_id() -> None:
    # The original stops here only because undefined === undefined; this project drops that
    # quirk: without a new id nothing is sent and mixpanel.js is not even asked.
    dest, mixpanel, _ = destination()
    dest.alias({})
    assert mixpanel.calls == []


def test_alias_compares_ids_strictly_so_a_number_is_not_its_string() -> None:
    dest, mixpanel, _ = destination(mixpanel=RecordingMixpanel(distinct_id="5"))
    dest.alias({"userId": 5})
    assert mixpanel.without_getters() == [("alias", (5,))]


def test_alias_without_getters_on_mixpanel_still_aliases() -> None:
    class NoGetters(RecordingMixpanel):
        get_distinct_id = None  # type: ignore[assignment]
        get_property = None  # type: ignore[assignment]

    dest, mixpanel, _ = destination(mixpanel=NoGetters())
    dest.alias({"userId": "new", "previousId": "old"})
    assert mixpanel.calls == [("alias", ("new", "old"))]


# --- group ----------------------------------------------------------------------------

KEYS = {"groupIdentifierTraits": ["company_id", "org"]}


def test_group_sets_traits_once_per_key_then_sets_the_group_for_each_key() -> None:
    dest, mixpanel, _ = destination(KEYS)
    traits = {"name": "Acme", "d": WHEN}
    dest.group({"groupId": "g1", "userId": "u1", "traits": traits})
    assert mixpanel.calls == [
        ("get_group.set_once", ("company_id", "g1", {"name": "Acme", "d": WHEN})),
        ("get_group.set_once", ("org", "g1", {"name": "Acme", "d": WHEN})),
        ("set_group", ("company_id", ["g1"])),
        ("set_group", ("org", ["g1"])),
    ]


@pytest.mark.parametrize("traits", [{}, None])
def test_group_without_traits_only_sets_the_group(traits: Any) -> None:
    dest, mixpanel, _ = destination({"groupIdentifierTraits": ["k"]})
    dest.group({"groupId": "g2", "userId": "u1", "traits": traits})
    assert mixpanel.calls == [("set_group", ("k", ["g2"]))]


@pytest.mark.parametrize(
    ("settings_object", "message"),
    [
        (KEYS, {"groupId": "g1", "traits": {"a": 1}}),
        (KEYS, {"groupId": "", "userId": "u1", "traits": {"a": 1}}),
        (KEYS, {"userId": "u1", "traits": {"a": 1}}),
        ({}, {"groupId": "g1", "userId": "u1", "traits": {"a": 1}}),
    ],
    ids=["no stored user", "empty group id", "no group id", "no group keys configured"],
)
def test_group_sends_nothing_without_group_id_user_id_or_keys(
    settings_object: dict[str, Any], message: dict[str, Any]
) -> None:
    dest, mixpanel, console = destination(settings_object)
    dest.group(message)
    assert mixpanel.calls == [] and console.lines == []


def test_group_traits_that_are_not_an_object_are_reported() -> None:
    dest, mixpanel, console = destination(KEYS)
    dest.group({"groupId": "g1", "userId": "u1", "traits": [1]})
    assert mixpanel.calls == []
    assert console.at("error") == ["[analytics] group: traits must be an object, got a list"]


def test_group_traits_are_sanitized_and_reported_once_per_call() -> None:
    dest, mixpanel, console = destination({"groupIdentifierTraits": ["k"]})
    dest.group({"groupId": "g", "userId": "u", "traits": {"length": 1}})
    assert mixpanel.calls[0] == ("get_group.set_once", ("k", "g", {"length_": 1}))
    assert console.at("warn") == [
        '[analytics] group → set_once: property "length" renamed to "length_" '
        "(mixpanel.js would drop the whole call)"
    ]


# --- reset ----------------------------------------------------------------------------


def test_reset_makes_mixpanel_forget_the_user_and_registers_mp_lib_again() -> None:
    mixpanel = RecordingMixpanel(plan="pro")
    dest, _, _ = destination(mixpanel=mixpanel)
    dest.identify({"userId": "u1"})
    mixpanel.calls.clear()
    dest.reset()
    assert mixpanel.calls == [("reset", ()), MP_LIB]
    assert mixpanel.super_properties == {"mp_lib": "Segment: web"}
    assert mixpanel.distinct_id != "u1"


# --- robustness -----------------------------------------------------------------------

json_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=5)
    | st.sampled_from([WHEN, INVALID_DATE, "length", "bucket"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["length", "name", "email", "revenue", "total", "a", "0"]),
            children,
            max_size=3,
        )
    ),
    max_leaves=12,
)
message_keys = st.sampled_from(
    [
        "userId",
        "traits",
        "event",
        "properties",
        "name",
        "category",
        "groupId",
        "previousId",
        "context",
        "messageId",
        "timestamp",
        "to",
        "from",
    ]
)
messages = st.dictionaries(message_keys, json_like, max_size=6) | json_like
ALL_ON = {
    "consolidatedPageCalls": False,
    "trackCategorizedPages": True,
    "trackNamedPages": True,
    "setAllTraitsByDefault": False,
    "superProperties": ["a", "name", "email"],
    "eventIncrements": ["e"],
    "propIncrements": ["a", "revenue"],
    "groupIdentifierTraits": ["k"],
    "sourceName": "s",
}


@settings(max_examples=examples(300), deadline=None)
@given(message=messages, set_all=st.booleans(), existing=json_like)
def test_no_json_like_input_makes_any_method_raise(
    message: Any, set_all: bool, existing: Any
) -> None:
    mixpanel = RecordingMixpanel(name=existing, a=existing)
    dest, _, _ = destination({**ALL_ON, "setAllTraitsByDefault": set_all}, mixpanel=mixpanel)
    for method in (dest.identify, dest.track, dest.page, dest.alias, dest.group):
        method(message)
    dest.reset()


def test_context_ip_zero_turns_off_geolocation_once_before_the_call() -> None:
    mp = RecordingMixpanel()
    dest = MixpanelDestination({"token": "t"}, mp, RecordingConsole())
    dest.track({"event": "A", "properties": {}, "context": {"ip": 0}})
    dest.track({"event": "B", "properties": {}, "context": {"ip": 0}})
    names = [n for n in mp.names() if n in ("set_config", "track")]
    assert names == ["set_config", "track", "track"]
    assert ("set_config", ({"ip": False},)) in mp.calls


@pytest.mark.parametrize("ip", [None, "0", False, "1.2.3.4", 1])
def test_context_ip_other_than_number_zero_leaves_geolocation_on(ip: object) -> None:
    mp = RecordingMixpanel()
    dest = MixpanelDestination({"token": "t"}, mp, RecordingConsole())
    dest.track({"event": "A", "properties": {}, "context": {"ip": ip}})
    assert "set_config" not in mp.names()
