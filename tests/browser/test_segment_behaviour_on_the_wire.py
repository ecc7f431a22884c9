"""Segment's Mixpanel behaviour on the wire: real mixpanel.js, decoded collector payloads."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import BOTH

pytestmark = pytest.mark.runtimes(*BOTH)

PEOPLE = {"people": True}


def test_identify_traits_become_super_properties_and_people_set_and_union(
    tp: Any, collector: Any
) -> None:
    tp.open(
        "identify-people",
        settings=PEOPLE,
        script="""
        analytics.identify('u1', {email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee',
                                  plan: 'pro', tags: ['a', 'b']});
        analytics.track('After Identify');
        """,
    )
    [event] = collector.wait_events(1, "After Identify")
    props = event["properties"]
    assert props["distinct_id"] == "u1"
    assert props["$email"] == "ann@example.com"
    assert props["$first_name"] == "Ann" and props["$last_name"] == "Lee"
    assert props["$name"] == "Ann Lee"
    assert props["plan"] == "pro" and props["tags"] == ["a", "b"]
    assert "email" not in props and "firstName" not in props
    # $set and $union are separate, concurrent requests: wait for both
    collector.wait(lambda _: collector.engage("$union") and collector.engage("$set"))
    [sets] = [p for p in collector.engage("$set") if "$email" in p["$set"]]
    assert sets["$distinct_id"] == "u1" and sets["$token"] == "test-token"
    assert sets["$set"]["$first_name"] == "Ann" and sets["$set"]["id"] == "u1"
    assert "tags" not in sets["$set"]
    [union] = collector.engage("$union")
    assert union["$union"] == {"tags": ["a", "b"]}


def test_increment_event_sends_add_and_last_event_set(tp: Any, collector: Any) -> None:
    tp.open(
        "increments",
        settings={**PEOPLE, "eventIncrements": ["Logged In"]},
        script="analytics.identify('u2'); analytics.track('Logged In');",
    )
    collector.wait_events(1, "Logged In")
    collector.wait(lambda _: collector.engage("$add"))
    [add] = collector.engage("$add")
    assert add["$add"] == {"Logged In": 1}
    collector.wait(lambda _: any("Last Logged In" in p["$set"] for p in collector.engage("$set")))
    [last] = [p for p in collector.engage("$set") if "Last Logged In" in p["$set"]]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", last["$set"]["Last Logged In"])


PAGE_MODES = [
    ({}, "Loaded a Page"),
    ({"consolidatedPageCalls": False, "trackAllPages": True}, "Loaded a Page"),
    ({"consolidatedPageCalls": False, "trackCategorizedPages": True}, "Viewed Docs Index Page"),
    ({"consolidatedPageCalls": False, "trackNamedPages": True}, "Viewed Index Page"),
]


@pytest.mark.parametrize(("settings", "name"), PAGE_MODES)
def test_each_page_mode_sends_exactly_one_event_with_page_properties(
    tp: Any, collector: Any, settings: dict[str, Any], name: str
) -> None:
    tp.open(
        "page-mode",
        settings=settings,
        script="analytics.page('Docs', 'Index', {extra: 1}); analytics.track('Marker');",
    )
    # Non-batched sends are concurrent requests: the page event may arrive after the marker.
    collector.wait_events(2)
    collector.wait_quiet()  # and nothing more comes
    events = [e for e in collector.events() if e["event"] != "Marker"]
    assert [e["event"] for e in events] == [name]
    props = events[0]["properties"]
    assert props["name"] == "Index" and props["category"] == "Docs" and props["extra"] == 1
    assert props["url"].endswith("/t/page-mode.html") and props["path"] == "/t/page-mode.html"
    assert props["title"] == "page-mode"
    assert props["search"] == "" and "referrer" in props


def test_page_with_no_mode_on_sends_nothing(tp: Any, collector: Any) -> None:
    tp.open(
        "page-none",
        settings={"consolidatedPageCalls": False},
        script="analytics.page('Docs', 'Index'); analytics.track('Marker');",
    )
    collector.wait_events(1, "Marker")
    collector.wait_quiet()  # a page event sent alongside would have arrived by now
    assert [e["event"] for e in collector.events()] == ["Marker"]


def test_alias_after_anonymous_tracking_creates_alias_from_mixpanels_distinct_id(
    tp: Any, collector: Any
) -> None:
    page = tp.open("alias", script="analytics.track('Anonymous Visit');")
    [anon] = collector.wait_events(1, "Anonymous Visit")
    before = page.evaluate("() => mixpanel.get_distinct_id()")
    assert anon["properties"]["distinct_id"] == before
    page.evaluate("() => analytics.alias('user-42')")
    [created] = collector.wait_events(1, "$create_alias")
    assert created["properties"]["alias"] == "user-42"
    assert created["properties"]["distinct_id"] == before


def test_reset_forgets_the_mixpanel_identity_and_super_properties(tp: Any, collector: Any) -> None:
    page = tp.open(
        "reset",
        script="analytics.identify('u3', {plan: 'pro'}); analytics.track('Before Reset');",
    )
    [before] = collector.wait_events(1, "Before Reset")
    assert before["properties"]["distinct_id"] == "u3" and before["properties"]["plan"] == "pro"
    page.evaluate("() => { analytics.reset(); analytics.track('After Reset'); }")
    [after] = collector.wait_events(1, "After Reset")
    assert after["properties"]["distinct_id"] != "u3"
    assert "plan" not in after["properties"]
    assert after["properties"]["$device_id"] != before["properties"]["$device_id"]
    assert page.evaluate("() => analytics.user().id()") is None


def test_group_sets_group_on_next_event_and_sends_groups_set_once(tp: Any, collector: Any) -> None:
    tp.open(
        "group",
        settings={"groupIdentifierTraits": ["company_id"]},
        script="""
        analytics.identify('u4');
        analytics.group('g-1', {plan: 'enterprise'});
        analytics.track('In Group');
        """,
    )
    [event] = collector.wait_events(1, "In Group")
    assert event["properties"]["company_id"] == ["g-1"]
    collector.wait(lambda _: collector.payloads("groups"))
    [group] = collector.payloads("groups")
    assert group["$group_key"] == "company_id" and group["$group_id"] == "g-1"
    assert group["$set_once"] == {"plan": "enterprise"}


def test_pitfall_values_are_fixed_before_mixpanel_sees_them(tp: Any, collector: Any) -> None:
    page = tp.open(
        "pitfalls",
        script="""
        var circ = {name: 'c'}; circ.self = circ;
        analytics.track('Pitfalls', {length: 3, when: new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 6)),
                                     fn: function () {}, circ: circ, ok: 'yes'});
        """,
    )
    [event] = collector.wait_events(1, "Pitfalls")
    props = event["properties"]
    assert props["token"] == "test-token" and props["distinct_id"]
    assert props["when"] == "2020-01-02T03:04:05.006Z"
    assert props["ok"] == "yes" and "fn" not in props
    assert "length" not in props and 3 in props.values()
    assert props["circ"]["name"] == "c" and props["circ"]["self"] == "[Circular]"
    tp.wait_console_quiet()  # console events reach the test after the page printed them
    warnings = tp.lines("warning")
    assert any("length" in w and "track" in w for w in warnings), warnings
    assert page.evaluate("() => analytics.status") == "ready"


@pytest.mark.parametrize(
    ("residency", "host"),
    [("eu", "https://api-eu.mixpanel.com"), ("in", "https://api-in.mixpanel.com")],
)
def test_data_residency_names_the_regional_host_in_the_init_config(
    tp: Any, residency: str, host: str
) -> None:
    # No apiHost here: it would win over the residency. Nothing is tracked, so nothing is sent.
    page = tp.open("residency", settings={"dataResidency": residency}, local_api_host=False)
    assert page.evaluate("() => mixpanel.get_config('api_host')") == host


CONTRACT_METHODS = [
    "init",
    "identify",
    "name_tag",
    "register",
    "track",
    "track_links",
    "track_forms",
    "alias",
    "set_group",
    "get_group",
    "reset",
    "get_distinct_id",
    "get_property",
    "people.set",
    "people.union",
    "people.increment",
    "people.track_charge",
    "cookie.clear",
]


def test_every_method_the_fake_records_exists_on_the_real_mixpanel(tp: Any) -> None:
    from tests.fakes import RecordingMixpanel

    fake = RecordingMixpanel()
    recorded = {name for name in CONTRACT_METHODS if name.split(".")[0] in dir(fake)}
    assert recorded == set(CONTRACT_METHODS)
    page = tp.open("contract")
    missing = page.evaluate(
        """(names) => names.filter((n) => {
            const parts = n.split('.');
            let t = window.mixpanel;
            for (const p of parts) { if (t == null) return true; t = t[p]; }
            return typeof t !== 'function';
        })""",
        CONTRACT_METHODS,
    )
    assert missing == []
    group = page.evaluate("() => typeof mixpanel.get_group('k', 'g').set_once")
    assert group == "function"
