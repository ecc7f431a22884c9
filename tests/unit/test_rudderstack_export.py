"""A RudderStack user's exported Mixpanel config works as it is.

`EXPORTED` is written here in the shape RudderStack's JS SDK receives a web device-mode
destination's config (flat; lists of {property} / {groupKey} / {eventName} rows; a few
per-platform {"web": x} values; the dashboard's defaults and empty rows), with values of our
own. One test (or group) per behaviour, checked at the recording fake or the init
config, and on the console.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest

from devtools import settings_help
from integration import surface
from integration.mixpanel import MixpanelDestination
from integration.mixpanel.settings import init_config, read_settings
from tests import helpers
from tests.fakes import RecordingConsole, RecordingMixpanel
from tests.helpers import event_names
from tests.rudderstack import EXPORTED

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def exported(**changes: Any) -> dict[str, Any]:
    return {**EXPORTED, **changes}


destination = partial(helpers.destination, base=None, clock=NOW)
facade = partial(helpers.facade, base=None, new_id=lambda: "anon-1")


def config_of(settings: dict[str, Any]) -> tuple[dict[str, Any], RecordingConsole]:
    console = RecordingConsole()
    options = read_settings(settings, console.warn, console.error, None, console.info)
    return init_config(options, console.warn), console


def options_of(settings: dict[str, Any]) -> tuple[dict[str, Any], RecordingConsole]:
    console = RecordingConsole()
    return read_settings(settings, console.warn, console.error, None, console.info), console


def test_the_whole_export_loads_with_one_info_line_and_nothing_else() -> None:
    cfg, console = config_of(EXPORTED)
    [info] = console.lines
    assert info[0] == "info"
    assert cfg["persistence"] == "cookie" and "disable_persistence" not in cfg
    assert "record_sessions_percent" not in cfg and "persistence_name" not in cfg


def test_the_per_platform_form_is_read_as_its_web_value_for_any_key() -> None:
    options, console = options_of(
        {"token": {"web": "t"}, "people": {"web": True}, "eventIncrements": {"web": ["A"]}}
    )
    assert (options["token"], options["people"], options["eventIncrements"]) == ("t", True, ["a"])
    assert console.lines == []
    # an object setting stays an object
    options, _ = options_of({"token": "t", "mixpanelConfig": {"web": 1}})
    assert options["mixpanelConfig"] == {"web": 1}


# --- 1. RudderStack's list shapes --------------------------------------------------------------


def test_1_event_increments_rows_increment_and_set_last_event() -> None:
    dest, mixpanel, _ = destination(EXPORTED)
    dest.track({"event": "Purchase", "properties": {}})
    names = [name for name, _ in mixpanel.without_getters()]
    assert names == ["people.increment", "people.set", "track"]
    assert mixpanel.calls[0] == ("people.increment", ("Purchase",))
    assert mixpanel.calls[1][1][0] == "Last Purchase"


@pytest.mark.parametrize(("key", "field"), [(k, f[0]) for k, f in surface.LIST_FIELDS.items()])
def test_1_every_list_setting_takes_strings_and_rows(key: str, field: str) -> None:
    given = ["Alpha", {field: "Beta"}, {"property": "Gamma"}, {field: ""}]
    options, console = options_of({"token": "t", key: given})
    expected = (
        ["alpha", "beta", "gamma"] if key.endswith("Increments") else ["Alpha", "Beta", "Gamma"]
    )
    assert options[key] == expected
    assert console.lines == []  # the dashboard's empty row is skipped silently


@pytest.mark.parametrize("entry", [{"property": 5}, {}, None, {"name": "x"}])
@pytest.mark.parametrize("key", list(surface.LIST_FIELDS))
def test_1_a_malformed_entry_is_skipped_with_one_line_naming_setting_and_entry(
    key: str, entry: Any
) -> None:
    options, console = options_of({"token": "t", key: [entry, {"property": "kept"}]})
    assert options[key] == ["kept"]
    [(level, text)] = console.lines
    assert level == "error"
    assert f'Mixpanel setting "{key}": entry {json.dumps(entry)} skipped' in text


def test_1_group_identifier_traits_as_rows_send_the_group() -> None:
    dest, mixpanel, _ = destination(
        {"token": "t", "groupIdentifierTraits": [{"property": "company"}]}
    )
    dest.group({"groupId": "g1", "userId": "u1", "traits": {}})
    assert mixpanel.calls == [("set_group", ("company", ["g1"]))]


def test_1_super_properties_rows_register_the_event_property() -> None:
    dest, mixpanel, _ = destination(EXPORTED)
    dest.track({"event": "Viewed", "properties": {"plan": "pro", "other": 1}})
    assert ("register", ({"plan": "pro"},)) in mixpanel.calls


# --- 2. legacy persistence: "none" beside persistenceType ---------------------------------------


def test_2_the_legacy_persistence_none_beside_persistence_type_keeps_persistence() -> None:
    cfg, console = config_of({"token": "t", "persistence": "none", "persistenceType": "cookie"})
    assert cfg["persistence"] == "cookie" and "disable_persistence" not in cfg
    assert console.lines == []
    cfg, _ = config_of({"token": "t", "persistence": "none"})  # Segment's alone: as before
    assert cfg["disable_persistence"] is True


def test_2_another_persistence_that_differs_is_one_warning_and_persistence_type_decides() -> None:
    cfg, console = config_of(
        {"token": "t", "persistence": "localStorage", "persistenceType": "cookie"}
    )
    assert cfg["persistence"] == "cookie"
    [(level, text)] = console.lines
    assert (
        level == "warn" and '"persistence" ("localStorage")' in text and "persistenceType" in text
    )
    _, console = config_of({"token": "t", "persistence": "cookie", "persistenceType": "cookie"})
    assert console.lines == []


def test_2_the_help_text_says_persistence_type_decides() -> None:
    helps = settings_help.HELP
    assert "persistence wins" not in helps["persistenceType"]
    assert "decides" in helps["persistenceType"] and "Segment's" in helps["persistence"]


# --- 3. dotted set-once paths -------------------------------------------------------------------


def test_3_a_dotted_set_once_path_sends_the_nested_value_and_removes_it_from_people_set() -> None:
    dest, mixpanel, _ = destination(exported(setAllTraitsByDefault=True))
    traits = {"address": {"city": "Lyon", "street": "1 Rue"}, "signupSource": "ad", "x": 1}
    dest.identify({"userId": "u1", "traits": traits})
    calls = dict(mixpanel.without_getters())
    assert calls["people.set_once"] == ({"city": "Lyon", "signupSource": "ad"},)
    assert calls["people.set"] == ({"address": {"street": "1 Rue"}, "x": 1, "id": "u1"},)
    assert traits["address"] == {"city": "Lyon", "street": "1 Rue"}  # the caller's own is kept


# --- 4. set-once traits are not registered ------------------------------------------------------


@pytest.mark.parametrize("people", [True, False])
def test_4_set_once_traits_are_left_out_of_register_with_or_without_people(people: bool) -> None:
    dest, mixpanel, _ = destination(exported(people=people))
    dest.identify({"userId": "u1", "traits": {"signupSource": "ad", "plan": "pro"}})
    [registered] = [args[0] for name, args in mixpanel.calls if name == "register"]
    assert registered == {"plan": "pro", "id": "u1"}
    sent_once = [args for name, args in mixpanel.calls if name == "people.set_once"]
    assert sent_once == ([({"signupSource": "ad"},)] if people else [])


def test_4_without_set_once_properties_segment_registers_every_trait() -> None:
    dest, mixpanel, _ = destination({"token": "t", "people": True})
    dest.identify({"userId": "u1", "traits": {"signupSource": "ad"}})
    assert ("register", ({"signupSource": "ad", "id": "u1"},)) in mixpanel.calls


# --- 5. useUserDefinedPageEventName wins when on -------------------------------------------------


def test_5_the_page_template_wins_over_consolidated_page_calls() -> None:
    analytics, mixpanel, _ = facade(EXPORTED)  # consolidatedPageCalls: true, the export's default
    analytics.page("Docs", "Index")
    analytics.page()
    assert event_names(mixpanel) == ["Seen Docs Index page", "Seen page"]


def test_5_without_the_switch_segments_rules_stay() -> None:
    analytics, mixpanel, _ = facade(exported(useUserDefinedPageEventName=False))
    analytics.page("Docs", "Index")
    analytics.screen("App", "Home")
    assert event_names(mixpanel) == ["Loaded a Page", "Loaded a Screen"]


# --- 6. screen names follow RudderStack's own switch ----------------------------------------------


def test_6_screen_names_follow_the_screen_switch_not_the_page_switch() -> None:
    analytics, mixpanel, _ = facade(EXPORTED)  # page switch on, screen switch off
    analytics.screen("App", "Home")
    on = exported(useUserDefinedScreenEventName=True)
    analytics2, mixpanel2, _ = facade(on)
    analytics2.screen("App", "Home")
    default = {"token": "t", "useUserDefinedScreenEventName": True}
    analytics3, mixpanel3, _ = facade(default)
    analytics3.screen("App", "Home")
    assert event_names(mixpanel) == ["Loaded a Screen"]
    assert event_names(mixpanel2) == ["Viewed App Home screen"]
    assert event_names(mixpanel3) == ["Viewed App Home Screen"]  # the project's own default
    helps = settings_help.HELP
    assert "RudderStack has no screen template" not in helps["userDefinedScreenEventTemplate"]


# --- 7. event filtering applies to track events only ------------------------------------------


def test_7_an_allowlist_of_track_events_never_drops_page_or_screen_calls() -> None:
    settings = exported(
        eventFilteringOption="whitelistedEvents",
        whitelistedEvents=[{"eventName": "Purchase"}],
        useUserDefinedPageEventName=False,
    )
    analytics, mixpanel, console = facade(settings)
    analytics.page()
    analytics.screen("Home")
    analytics.track("Other")
    analytics.track("Purchase")
    assert event_names(mixpanel) == ["Loaded a Page", "Loaded a Screen", "Purchase"]
    assert console.at("info")[-1].startswith('[analytics] track: "Other": filtered')
    helps = settings_help.HELP
    assert "track events" in helps["eventFilteringOption"]
    assert "never filtered" in helps["eventFilteringOption"]


# --- 8. persistenceName and groupKeySettings ----------------------------------------------------


def test_8_persistence_name_becomes_mixpanels_persistence_name() -> None:
    cfg, console = config_of(exported(persistenceName="shop_mp"))
    assert cfg["persistence_name"] == "shop_mp"
    assert not console.at("warn") and not console.at("error")


def test_8_group_key_settings_send_the_group_and_join_group_identifier_traits() -> None:
    dest, mixpanel, _ = destination(exported(groupKeySettings=[{"groupKey": "company"}]))
    dest.group({"groupId": "g1", "userId": "u1", "traits": {"size": 5}})
    assert mixpanel.calls == [
        ("get_group.set_once", ("company", "g1", {"size": 5})),
        ("set_group", ("company", ["g1"])),
    ]
    both = exported(
        groupIdentifierTraits=["team", "company"],
        groupKeySettings=[{"groupKey": "company"}, {"groupKey": "org"}],
    )
    dest, mixpanel, console = destination(both)
    dest.group({"groupId": "g1", "userId": "u1"})
    assert [args[0] for _, args in mixpanel.calls] == ["team", "company", "org"]
    assert not console.at("warn")


# --- 9. RudderStack's own keys ------------------------------------------------------------------


def test_9_rudderstack_only_keys_are_one_info_line_and_unknown_keys_still_warn() -> None:
    _, console = config_of(exported(someOtherKey=1))
    [info] = console.at("info")
    listed = info.split(": ")[-1].split(", ")
    present = [key for key in surface.RUDDERSTACK_ONLY_SETTINGS if key in EXPORTED]
    assert listed == sorted(present)
    assert console.at("warn") == [
        '[analytics] Mixpanel settings: unknown setting "someOtherKey" ignored'
    ]


def test_9_the_ignored_keys_are_rudderstacks_keys_this_integration_does_not_read() -> None:
    named_in_the_issue = {
        "oneTrustCookieCategories", "ketchConsentPurposes", "consentManagement", "connectionMode",
        "useNativeSDK", "unionProperties", "appendProperties", "dropTraitsInTrackEvent",
        "strictMode", "useNewMapping", "userDeletionApi",
    }  # fmt: skip
    ignored = set(surface.RUDDERSTACK_ONLY_SETTINGS)
    assert named_in_the_issue <= ignored
    known = {row[0] for row in surface.SETTINGS}
    assert not ignored & known and not ignored & set(surface.SECRET_SETTINGS)
    assert set(surface.RUDDERSTACK_KEYS) <= known | ignored | set(surface.SECRET_SETTINGS)


# --- 10. secrets ---------------------------------------------------------------------------------

SECRET_VALUE = "do-not-leak-18"


@pytest.mark.parametrize("key", ["apiSecret", "serviceAccountSecret", "gdprApiToken"])
def test_10_a_secret_is_never_passed_on_or_logged_and_one_warning_names_it(key: str) -> None:
    mixpanel, console = RecordingMixpanel(), RecordingConsole()
    dest = MixpanelDestination(exported(**{key: SECRET_VALUE}), mixpanel, console)
    dest.track({"event": "A", "properties": {}})
    assert SECRET_VALUE not in json.dumps(mixpanel.calls, default=str)
    assert SECRET_VALUE not in json.dumps(console.lines)
    assert key not in json.dumps(mixpanel.calls[0], default=str)
    [warning] = console.at("warn")
    assert f'"{key}" left out' in warning


# --- 11. the README tells the truth about names --------------------------------------------------


def test_11_our_own_names_are_marked_ours_and_persistence_segments() -> None:
    helps = settings_help.HELP
    for name in ("cookieDomain", "cookieExpiration", "crossSiteCookie", "groupTraitsMethod"):
        assert name not in surface.RUDDERSTACK_KEYS and helps[name].startswith("Ours:"), name
    assert helps["persistence"].startswith("Segment's")


# --- 12. sessionReplayPercentage as RudderStack reads it -----------------------------------------


@pytest.mark.parametrize(
    ("given", "percent"),
    [("50.7", 50), (50.7, 50), ({"web": "25"}, 25), (" 7", 7), ("100", 100), (30, 30)],
)
def test_12_the_replay_percentage_is_read_as_a_whole_number(given: Any, percent: int) -> None:
    bundle = {"mixpanel": "https://shop.test/analytics/mixpanel/"}
    cfg, console = config_of({"token": "t", "sessionReplayPercentage": given, "_bundle": bundle})
    assert cfg["record_sessions_percent"] == percent
    assert isinstance(cfg["record_sessions_percent"], int) and console.lines == []
