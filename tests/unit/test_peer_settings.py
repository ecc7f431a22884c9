"""The Mixpanel options peers offer, under RudderStack's names.

Each setting is checked at what reaches mixpanel.js (the recording fake) or the init config;
bad input is one console line naming the setting, and the default is used.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from integration.mixpanel.settings import PEER_DEFAULTS, init_config, read_settings
from tests import helpers
from tests.fakes import RecordingConsole
from tests.helpers import destination, event_names

BUNDLE = {"mixpanel": "https://shop.test/analytics/mixpanel-2.83.0-abcd1234/"}
OFF = {"consolidatedPageCalls": False}


facade = partial(helpers.facade, new_id=lambda: "m")


def config(**extra: Any) -> tuple[dict[str, Any], RecordingConsole]:
    console = RecordingConsole()
    options = read_settings({"token": "t", **extra}, console.warn, console.error)
    return init_config(options, console.warn), console


def test_every_peer_setting_is_known_and_its_default_changes_nothing() -> None:
    plain, _ = config()
    with_defaults, console = config(**PEER_DEFAULTS)
    assert console.lines == []
    assert with_defaults == plain


# --- setOnceProperties -----------------------------------------------------------------


def test_set_once_properties_go_to_people_set_once_and_not_to_people_set() -> None:
    dest, mixpanel, _ = destination(
        {"setOnceProperties": ["plan", {"property": "email"}, {"property": ""}]}
    )
    dest.identify({"userId": "u1", "traits": {"plan": "pro", "email": "a@b.co", "seats": 3}})
    calls = dict(mixpanel.without_getters())
    assert calls["people.set"] == ({"seats": 3, "id": "u1"},)
    assert calls["people.set_once"] == ({"plan": "pro", "$email": "a@b.co"},)
    assert calls["register"] == ({"seats": 3, "id": "u1"},)  # nor registered (as RudderStack)


def test_set_once_properties_on_the_picked_path_and_nothing_when_none_present() -> None:
    dest, mixpanel, _ = destination(
        {"setAllTraitsByDefault": False, "peopleProperties": ["plan"], "setOnceProperties": ["x"]}
    )
    dest.identify({"userId": "u1", "traits": {"plan": "pro", "x": 1}})
    names = [name for name, _ in mixpanel.without_getters()]
    assert ("people.set", ({"plan": "pro"},)) in mixpanel.calls
    assert ("people.set_once", ({"x": 1},)) in mixpanel.calls
    mixpanel.calls.clear()
    dest.identify({"userId": "u1", "traits": {"plan": "pro"}})
    assert "people.set_once" not in [name for name, _ in mixpanel.calls]
    assert names.count("people.set_once") == 1


def test_set_once_properties_need_people() -> None:
    dest, mixpanel, _ = destination({"people": False, "setOnceProperties": ["plan"]})
    dest.identify({"userId": "u1", "traits": {"plan": "pro"}})
    assert [n for n, _ in mixpanel.without_getters()] == ["identify", "name_tag", "register"]


# --- identityMergeApi --------------------------------------------------------------------


def test_simplified_identity_merge_drops_alias_with_one_line() -> None:
    dest, mixpanel, console = destination({"identityMergeApi": "simplified"})
    dest.alias({"userId": "new", "previousId": "old"})
    assert mixpanel.calls == []
    [line] = console.lines
    assert line[1].startswith('[analytics] alias: not sent: identityMergeApi is "simplified"')


def test_original_identity_merge_still_aliases() -> None:
    dest, mixpanel, _ = destination({"identityMergeApi": "original"})
    dest.alias({"userId": "new"})
    assert mixpanel.without_getters() == [("alias", ("new",))]  # no previous id: left out


# --- user-defined page event names -----------------------------------------------------

TEMPLATE = {**OFF, "useUserDefinedPageEventName": True}


@pytest.mark.parametrize(
    ("settings", "category", "name", "event"),
    [
        (TEMPLATE, "Docs", "Index", "Viewed Docs Index Page"),
        (TEMPLATE, None, "Index", "Viewed Index Page"),
        (TEMPLATE, "Docs", "", "Viewed Docs Page"),
        (TEMPLATE, None, None, "Viewed Page"),
        (
            {**TEMPLATE, "userDefinedPageEventTemplate": "{{name}} -  {{ category }}"},
            "C",
            "N",
            "N - C",
        ),
        ({**TEMPLATE, "userDefinedPageEventTemplate": "{{ name }}"}, "C", "", None),
        # the switch on, the template wins (as in RudderStack)
        ({**TEMPLATE, "consolidatedPageCalls": True}, "Docs", "Index", "Viewed Docs Index Page"),
        ({**TEMPLATE, "trackAllPages": True}, "Docs", "Index", "Viewed Docs Index Page"),
        ({**OFF, "trackAllPages": True}, "Docs", "Index", "Loaded a Page"),
        ({**TEMPLATE, "trackNamedPages": True}, "Docs", "Index", "Viewed Docs Index Page"),
    ],
)
def test_the_page_event_name_comes_from_the_template(
    settings: dict[str, Any], category: Any, name: Any, event: str | None
) -> None:
    analytics, mixpanel, _ = facade(settings)
    analytics.page(category, name)
    assert event_names(mixpanel) == ([event] if event else [])


def test_screen_uses_its_own_template() -> None:
    analytics, mixpanel, _ = facade({**TEMPLATE, "useUserDefinedScreenEventName": True})
    analytics.screen("App", "Home")
    analytics.page("Docs", "Index")
    assert event_names(mixpanel) == ["Viewed App Home Screen", "Viewed Docs Index Page"]
    custom = {
        "useUserDefinedScreenEventName": True,
        "userDefinedScreenEventTemplate": "S {{ name }}",
    }
    analytics, mixpanel, _ = facade(custom)
    analytics.screen("App", "Home")
    assert event_names(mixpanel) == ["S Home"]


@pytest.mark.parametrize(
    "template", ["Viewed {{ title }} Page", "Viewed {{ name Page", "", "   ", 5]
)
def test_a_bad_template_is_one_line_and_the_default_is_used(template: Any) -> None:
    analytics, mixpanel, console = facade({**TEMPLATE, "userDefinedPageEventTemplate": template})
    [line] = console.at("error")
    assert line.startswith('[analytics] Mixpanel setting "userDefinedPageEventTemplate" must be')
    analytics.page("Docs", "Index")
    assert event_names(mixpanel) == ["Viewed Docs Index Page"]


# --- event filtering ------------------------------------------------------------------------


def test_blacklisted_events_send_nothing_and_say_filtered() -> None:
    settings = {
        "eventFilteringOption": "blacklistedEvents",
        "blacklistedEvents": [" Secret ", {"eventName": "Loaded a Page"}, {"eventName": ""}],
        "propIncrements": ["n"],
        "superProperties": ["n"],
    }
    analytics, mixpanel, console = facade(settings)
    analytics.track("Secret", {"n": 1, "revenue": 5})
    analytics.track("Loaded a Page")
    analytics.track("Secret2")
    assert [name for name, _ in mixpanel.without_getters()] == ["track"]
    assert event_names(mixpanel) == ["Secret2"]
    assert console.at("info") == [
        '[analytics] track: "Secret": filtered (blacklistedEvents); nothing sent to Mixpanel',
        '[analytics] track: "Loaded a Page": filtered (blacklistedEvents); nothing sent to '
        "Mixpanel",
    ]


def test_whitelisted_events_only_are_sent() -> None:
    settings = {
        "eventFilteringOption": "whitelistedEvents",
        "whitelistedEvents": ["Signed Up"],
        "blacklistedEvents": ["Signed Up"],
    }
    analytics, mixpanel, console = facade(settings)
    analytics.track("Signed Up")
    analytics.track("signed up")
    assert event_names(mixpanel) == ["Signed Up"]
    assert len(console.at("info")) == 1


def test_filtering_disabled_sends_everything() -> None:
    analytics, mixpanel, _ = facade({"blacklistedEvents": ["A"]})
    analytics.track("A")
    assert event_names(mixpanel) == ["A"]


def test_an_empty_whitelist_is_warned_about_once() -> None:
    _, console = config(eventFilteringOption="whitelistedEvents")
    assert console.at("warn") == [
        '[analytics] Mixpanel setting "whitelistedEvents" is empty while eventFilteringOption is '
        '"whitelistedEvents": every event is filtered'
    ]


# --- groupTraitsMethod ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "call"), [(None, "get_group.set_once"), ("set", "get_group.set")]
)
def test_group_traits_method_chooses_set_once_or_set(method: str | None, call: str) -> None:
    extra: dict[str, Any] = {"groupIdentifierTraits": ["company"]}
    if method:
        extra["groupTraitsMethod"] = method
    dest, mixpanel, _ = destination(extra)
    dest.group({"groupId": "g1", "userId": "u1", "traits": {"plan": "x"}})
    assert mixpanel.calls == [
        (call, ("company", "g1", {"plan": "x"})),
        ("set_group", ("company", ["g1"])),
    ]


# --- persistence and cookies ------------------------------------------------------------


def test_persistence_none_disables_persistence() -> None:
    cfg, console = config(persistence="none")
    assert cfg["disable_persistence"] is True and "persistence" not in cfg
    assert console.lines == []
    cfg, _ = config(persistenceType="none")
    assert cfg["disable_persistence"] is True
    cfg, _ = config(persistenceType="localStorage")
    assert cfg["persistence"] == "localStorage" and "disable_persistence" not in cfg


def test_persistence_and_persistence_type_that_disagree_use_persistence_type() -> None:
    cfg, console = config(persistence="cookie", persistenceType="none")
    assert cfg["disable_persistence"] is True and "persistence" not in cfg
    [line] = console.lines
    assert line[0] == "warn" and '"persistenceType"' in line[1] and '"persistence"' in line[1]


def test_cookie_settings_become_mixpanel_init_options() -> None:
    cfg, console = config(cookieDomain=".shop.test", cookieExpiration=30, crossSiteCookie=True)
    assert (cfg["cookie_domain"], cfg["cookie_expiration"], cfg["cross_site_cookie"]) == (
        ".shop.test",
        30,
        True,
    )
    assert console.lines == []


# --- session replay ----------------------------------------------------------------------


def test_session_replay_percentage_loads_the_recorder_from_our_origin() -> None:
    cfg, console = config(sessionReplayPercentage=25, _bundle=BUNDLE)
    assert cfg["record_sessions_percent"] == 25
    assert cfg["lib_base_path"] == BUNDLE["mixpanel"] and "recorder_src" not in cfg
    assert console.lines == []


def test_replay_turned_on_in_mixpanel_config_also_gets_our_recorder() -> None:
    cfg, _ = config(mixpanelConfig={"record_sessions_percent": 100}, _bundle=BUNDLE)
    assert cfg["lib_base_path"].startswith("https://shop.test/")
    cfg, _ = config(
        mixpanelConfig={"record_sessions_percent": 100, "recorder_src": "/mine.js"}, _bundle=BUNDLE
    )
    assert cfg["recorder_src"] == "/mine.js"


def test_replay_without_the_bundle_stays_off_with_one_warning() -> None:
    cfg, console = config(sessionReplayPercentage=50)
    assert cfg.get("record_sessions_percent", 0) == 0 and "recorder_src" not in cfg
    [line] = console.at("warn")
    assert line.startswith("[analytics] Mixpanel: session replay is off")


def test_replay_off_by_default_needs_no_bundle() -> None:
    cfg, console = config()
    assert "record_sessions_percent" not in cfg and "recorder_src" not in cfg
    assert console.lines == []


# --- track_pageview alongside consolidated page calls ----------------------------------------


@pytest.mark.parametrize("key", ["track_pageview", "trackPageview"])
def test_track_pageview_with_consolidated_page_calls_warns_once(key: str) -> None:
    dest, _, console = destination({"mixpanelConfig": {key: True}})
    dest.page({"properties": {}})
    dest.page({"properties": {}})
    [line] = console.at("warn")
    assert f"mixpanelConfig.{key}" in line and "twice" in line


def test_track_pageview_without_page_events_is_fine() -> None:
    _, console = config(mixpanelConfig={"track_pageview": True}, consolidatedPageCalls=False)
    assert console.lines == []


# --- bad input: one line naming the setting, default used ----------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("setOnceProperties", "plan"),
        ("setOnceProperties", [{"name": "x"}]),
        ("identityMergeApi", "fancy"),
        ("useUserDefinedPageEventName", "yes"),
        ("eventFilteringOption", "whitelist"),
        ("whitelistedEvents", [1]),
        ("blacklistedEvents", {"eventName": "x"}),
        ("groupTraitsMethod", "append"),
        ("persistenceType", 1),
        ("cookieDomain", 5),
        ("cookieExpiration", -1),
        ("cookieExpiration", True),
        ("crossSiteCookie", "true"),
        ("sessionReplayPercentage", 101),
        ("sessionReplayPercentage", "half"),
        ("_bundle", {"mixpanel": "/relative/"}),
        ("_bundle", "x"),
    ],
)
def test_bad_input_is_one_line_naming_the_setting_and_the_default_is_used(
    key: str, value: Any
) -> None:
    console = RecordingConsole()
    options = read_settings({"token": "t", key: value}, console.warn, console.error)
    [line] = console.lines
    assert line[0] == "error" and f'Mixpanel setting "{key}"' in line[1]
    defaults = read_settings({"token": "t"}, console.warn, console.error)
    assert options == defaults


def test_nulls_are_the_defaults_silently() -> None:
    console = RecordingConsole()
    options = read_settings(
        {"token": "t", **dict.fromkeys(PEER_DEFAULTS)}, console.warn, console.error
    )
    assert console.lines == []
    assert options == read_settings({"token": "t"}, console.warn, console.error)
