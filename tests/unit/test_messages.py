"""Segment-shaped messages: fields, context, integrations gate, timestamps, ISO conversion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from integration import messages
from integration.dates import iso_strings_to_dates
from integration.errors import InvalidCall

PAGE = {
    "url": "https://x.test/docs?q=1",
    "path": "/docs",
    "referrer": "https://r.test/",
    "search": "?q=1",
    "title": "Docs",
}
T0 = 1_577_836_800_000.0  # 2020-01-01T00:00:00Z in epoch ms


def stamp(**overrides):
    fields = {
        "user_id": "u1",
        "anonymous_id": "anon-1",
        "message_id": "m-1",
        "time_ms": T0,
        "page": dict(PAGE),
    }
    fields.update(overrides)
    return messages.Stamp(**fields)


def test_track_message_has_segment_fields():
    msg = messages.track("Clicked", {"a": 1}, {}, stamp())
    assert msg == {
        "type": "track",
        "userId": "u1",
        "anonymousId": "anon-1",
        "event": "Clicked",
        "properties": {"a": 1},
        "context": {"page": PAGE},
        "integrations": {},
        "messageId": "m-1",
        "timestamp": datetime(2020, 1, 1, tzinfo=UTC),
    }


def test_identify_message_carries_given_id_and_traits():
    msg = messages.identify("u7", {"email": "a@b.c"}, {}, stamp())
    assert (msg["type"], msg["userId"], msg["traits"]) == ("identify", "u7", {"email": "a@b.c"})


def test_alias_message_has_user_id_and_previous_id_as_given():
    msg = messages.alias(5, 6, {}, stamp())
    assert (msg["type"], msg["userId"], msg["previousId"]) == ("alias", 5, 6)


def test_alias_without_previous_id_leaves_it_none():
    assert messages.alias("u2", None, {}, stamp())["previousId"] is None


def test_group_message_user_id_is_the_stored_user():
    msg = messages.group("g1", {"n": 1}, {}, stamp(user_id="stored"))
    assert (msg["type"], msg["groupId"], msg["userId"], msg["traits"]) == (
        "group",
        "g1",
        "stored",
        {"n": 1},
    )


def test_page_properties_filled_from_page_context_with_name_and_category():
    msg = messages.page("Docs", "Index", {"foo": 1}, {}, stamp())
    assert msg["properties"] == {"foo": 1, "name": "Index", "category": "Docs", **PAGE}
    assert (msg["category"], msg["name"]) == ("Docs", "Index")


def test_page_caller_property_values_win_over_page_context():
    msg = messages.page(None, None, {"url": "https://given/"}, {}, stamp())
    assert msg["properties"]["url"] == "https://given/"
    assert msg["properties"]["path"] == "/docs"  # url given, path still from the document


def test_page_falsy_name_and_category_are_not_written_into_properties():
    msg = messages.page("", None, {}, {}, stamp())
    assert "name" not in msg["properties"] and "category" not in msg["properties"]


def test_page_name_inside_properties_does_not_name_the_page():
    msg = messages.page(None, None, {"name": "Inner"}, {}, stamp())
    assert msg["name"] is None
    assert msg["properties"]["name"] == "Inner"


def test_page_context_page_reflects_the_page_properties():
    msg = messages.page(None, None, {"title": "Given"}, {}, stamp())
    assert msg["context"]["page"] == {**PAGE, "title": "Given"}


def test_missing_page_context_fields_default_to_empty_strings():
    props = messages.page_properties(None, None, {}, {})
    assert props == dict.fromkeys(("path", "referrer", "search", "title", "url"), "")


def test_options_context_is_merged_and_its_page_fields_win():
    options = {"context": {"campaign": {"source": "news"}, "page": {"title": "T"}}}
    msg = messages.track("E", {}, options, stamp())
    assert msg["context"]["campaign"] == {"source": "news"}
    assert msg["context"]["page"] == {**PAGE, "title": "T"}


def test_unknown_option_keys_go_into_the_context_like_analytics_js():
    msg = messages.track("E", {}, {"ip": "1.2.3.4"}, stamp())
    assert msg["context"]["ip"] == "1.2.3.4"
    assert "ip" not in msg


def test_options_override_identity_for_the_call():
    msg = messages.track("E", {}, {"anonymousId": "a-x", "userId": "u-x"}, stamp())
    assert (msg["userId"], msg["anonymousId"]) == ("u-x", "a-x")
    assert "userId" not in msg["context"] and "anonymousId" not in msg["context"]


def test_integrations_come_from_options_providers_and_top_level_names():
    options = {"integrations": {"All": False}, "providers": {"Other": True}, "Mixpanel": True}
    msg = messages.track("E", {}, options, stamp())
    assert msg["integrations"] == {"Other": True, "Mixpanel": True, "All": False}
    assert "Mixpanel" not in msg["context"]


def test_options_integrations_win_over_legacy_providers():
    options = {"integrations": {"Mixpanel": False}, "providers": {"Mixpanel": True}}
    assert messages.track("E", {}, options, stamp())["integrations"] == {"Mixpanel": False}


GATE = [
    ({}, True),
    ({"Mixpanel": False}, False),
    ({"Mixpanel": True}, True),
    ({"All": False}, False),
    ({"all": False}, False),
    ({"All": False, "Mixpanel": True}, True),
    ({"all": False, "Mixpanel": True}, True),
    ({"All": False, "Mixpanel": {"apiKey": "x"}}, True),
    ({"All": True, "Mixpanel": False}, False),
    ({"All": False, "mixpanel": True}, False),  # the lookup key is exactly "Mixpanel"
    ({"All": 0}, True),  # only booleans count for All
    ({"Mixpanel": None}, True),  # a non-boolean setting means "on"
]


@pytest.mark.parametrize(("integrations", "enabled"), GATE)
def test_integrations_gate_follows_segment_facade(integrations, enabled):
    assert messages.is_enabled(integrations) is enabled


def test_timestamp_defaults_to_stamp_time():
    assert messages.timestamp("track", None, T0) == datetime(2020, 1, 1, tzinfo=UTC)


def test_timestamp_option_accepts_epoch_ms():
    got = messages.timestamp("track", T0 + 1500, 0)
    assert got == datetime(2020, 1, 1, 0, 0, 1, 500000, tzinfo=UTC)


def test_timestamp_option_accepts_iso_string_with_offset():
    got = messages.timestamp("track", "2020-01-01T10:00:00+05:30", 0)
    assert got == datetime(2020, 1, 1, 4, 30, tzinfo=UTC)


def test_timestamp_option_accepts_aware_datetime_and_returns_utc():
    local = datetime(2020, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))
    got = messages.timestamp("track", local, 0)
    assert got == datetime(2020, 1, 1, tzinfo=UTC) and got.utcoffset() == timedelta(0)


def test_naive_timestamp_is_taken_as_utc():
    got = messages.timestamp("track", datetime(2020, 1, 1), 0)
    assert got == datetime(2020, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "got"), [([1], "list"), ("yesterday", "a string that is not ISO 8601")]
)
def test_bad_timestamp_option_raises_invalid_call(value, got):
    with pytest.raises(InvalidCall) as caught:
        messages.track("E", {}, {"timestamp": value}, stamp())
    assert caught.value.method == "track"
    assert caught.value.problem.endswith(f"got {got}")


def test_iso_strings_in_properties_traits_and_context_become_datetimes():
    when = datetime(2020, 1, 1, tzinfo=UTC)
    track = messages.track("E", {"at": "2020-01-01", "n": ["2020-01-01"]}, {}, stamp())
    identify = messages.identify("u", {"created": "2020-01-01T00:00:00Z"}, {}, stamp())
    context = messages.track("E", {}, {"context": {"x": "2020-01-01"}}, stamp())["context"]
    assert track["properties"] == {"at": when, "n": [when]}
    assert identify["traits"] == {"created": when}
    assert context["x"] == when


def test_non_iso_strings_and_numbers_are_untouched():
    props = {"a": "2020", "b": "20200101", "c": 20200101}
    assert messages.track("E", props, {}, stamp())["properties"] == props


def test_conversion_uses_the_shared_dates_module():
    value = {"a": "2020-01-01T10:00:00+05:30"}
    assert messages.track("E", value, {}, stamp())["properties"] == iso_strings_to_dates(value)


def test_message_is_a_deep_copy_of_caller_values():
    props = {"nested": {"a": 1}}
    msg = messages.track("E", props, {}, stamp())
    msg["properties"]["nested"]["a"] = 2
    assert props == {"nested": {"a": 1}}


def test_cyclic_properties_do_not_break_message_building():
    props: dict[str, object] = {"a": 1}
    props["self"] = props
    msg = messages.track("E", props, {}, stamp())
    assert msg["properties"]["self"] is msg["properties"]


@pytest.mark.parametrize("key", ["context", "integrations", "providers"])
def test_option_objects_of_the_wrong_type_raise_invalid_call(key):
    with pytest.raises(InvalidCall) as caught:
        messages.track("E", {}, {key: ["x"]}, stamp())
    assert str(caught.value) == f"track: options.{key} must be an object, got list"
