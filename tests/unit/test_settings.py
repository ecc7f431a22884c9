"""Settings → validated options → mixpanel.init (Segment's options, plus ours)."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from integration.mixpanel import MixpanelDestination
from tests import helpers
from tests.fakes import RecordingConsole, RecordingMixpanel

DEFAULT_CONFIG = {
    "eventIncrements": [],
    "propIncrements": [],
    "peopleProperties": [],
    "superProperties": [],
    "persistence": "cookie",
    "nameTag": True,
    "pageview": False,
    "people": False,
    "token": "tk",
    "setAllTraitsByDefault": True,
    "consolidatedPageCalls": True,
    "trackAllPages": False,
    "trackNamedPages": False,
    "trackCategorizedPages": False,
    "sourceName": "",
    "enableEuropeanUnionEndpoint": False,
    "groupIdentifierTraits": [],
    "cookie_name": "",
    "cross_subdomain_cookie": False,
    "secure_cookie": False,
}
MP_LIB = ("register", ({"mp_lib": "Segment: web"},))


destination = partial(helpers.destination, base=None, keep_init=True)


def config_for(settings: dict[str, Any]) -> dict[str, Any]:
    _, mixpanel, _ = destination({"token": "tk", **settings})
    assert mixpanel.names() == ["init", "register"]
    token, config = mixpanel.calls[0][1]
    assert token == "tk"
    return dict(config)


def test_init_gets_the_token_and_every_segment_option_then_mp_lib_is_registered() -> None:
    dest, mixpanel, console = destination({"token": "tk"})
    assert mixpanel.calls == [("init", ("tk", DEFAULT_CONFIG)), MP_LIB]
    assert dest.enabled and console.lines == []


def test_cookie_options_are_renamed_and_persistence_passed_through() -> None:
    config = config_for(
        {"cookieName": "c", "crossSubdomainCookie": True, "secureCookie": True, "persistence": "x"}
    )
    assert (config["cookie_name"], config["cross_subdomain_cookie"], config["secure_cookie"]) == (
        "c",
        True,
        True,
    )
    assert config["persistence"] == "x"
    assert not {"cookieName", "crossSubdomainCookie", "secureCookie"} & set(config)


def test_increment_lists_are_lower_cased_once_and_numbers_become_strings() -> None:
    config = config_for({"eventIncrements": ["Logged In", 5], "propIncrements": ["Videos_Watched"]})
    assert config["eventIncrements"] == ["logged in", "5"]
    assert config["propIncrements"] == ["videos_watched"]


@pytest.mark.parametrize(
    ("settings", "host"),
    [
        ({}, None),
        ({"enableEuropeanUnionEndpoint": True}, "https://api-eu.mixpanel.com"),
        ({"dataResidency": "us"}, "https://api-js.mixpanel.com"),
        ({"dataResidency": "eu"}, "https://api-eu.mixpanel.com"),
        ({"dataResidency": "in"}, "https://api-in.mixpanel.com"),
        (
            {"enableEuropeanUnionEndpoint": True, "dataResidency": "in"},
            "https://api-in.mixpanel.com",
        ),
        ({"dataResidency": "eu", "apiHost": "http://localhost:8000"}, "http://localhost:8000"),
        (
            {"apiHost": "https://proxy.example", "mixpanelConfig": {"api_host": "https://last"}},
            "https://last",
        ),
    ],
)
def test_api_host_eu_switch_then_residency_then_api_host_then_mixpanel_config(
    settings: dict[str, Any], host: str | None
) -> None:
    assert config_for(settings).get("api_host") == host


def test_mixpanel_config_is_merged_last_overriding_everything() -> None:
    config = config_for(
        {"persistence": "cookie", "mixpanelConfig": {"persistence": "localStorage", "debug": True}}
    )
    assert (config["persistence"], config["debug"]) == ("localStorage", True)


def test_our_own_keys_and_no_loaded_callback_are_left_out_of_the_config() -> None:
    config = config_for({"dataResidency": "eu", "apiHost": "h", "mixpanelConfig": {}})
    assert not {"dataResidency", "apiHost", "mixpanelConfig", "loaded"} & set(config)


def test_runtime_is_the_loaders_setting_accepted_silently_and_not_passed_on() -> None:
    _, mixpanel, console = destination({"token": "tk", "runtime": "micropython"})
    assert console.lines == []
    [init] = [args for name, args in mixpanel.calls if name == "init"]
    assert "runtime" not in init[1]


def test_unknown_setting_gives_one_warning_naming_it_and_is_not_passed_on() -> None:
    _, mixpanel, console = destination({"token": "tk", "peopel": True})
    assert console.lines == [
        ("warn", '[analytics] Mixpanel settings: unknown setting "peopel" ignored')
    ]
    assert "peopel" not in mixpanel.calls[0][1][1]


@pytest.mark.parametrize("key", ["nameTag", "pageview", "increments", "apiKey"])
def test_settings_segment_stores_but_never_reads_are_accepted_silently(key: str) -> None:
    value = ["x"] if key == "increments" else ("s" if key == "apiKey" else True)
    _, _, console = destination({"token": "tk", key: value})
    assert console.lines == []


@pytest.mark.parametrize(
    ("key", "value", "message", "default"),
    [
        ("people", "yes", 'must be true or false, got "yes"; using the default false', False),
        (
            "eventIncrements",
            "Logged In",
            'must be a list of names, got "Logged In"; using the default []',
            [],
        ),
        ("eventIncrements", None, "must be a list of names, got null; using the default []", []),
        (
            "superProperties",
            {"a": 1},
            "must be a list of names, got an object; using the default []",
            [],
        ),
        ("persistence", 5, 'must be a string, got 5; using the default "cookie"', "cookie"),
        ("consolidatedPageCalls", 1, "must be true or false, got 1; using the default true", True),
        ("sourceName", True, 'must be a string, got true; using the default ""', ""),
    ],
)
def test_a_wrongly_typed_setting_is_reported_and_its_default_used(
    key: str, value: Any, message: str, default: Any
) -> None:
    # Deliberate difference: the original splits a string eventIncrements into characters
    # and fails to initialise on null; we report and fall back to the default instead.
    _, mixpanel, console = destination({"token": "tk", key: value})
    assert console.lines == [("error", f'[analytics] Mixpanel setting "{key}" {message}')]
    assert mixpanel.calls[0][1][1][key] == default


def test_a_string_event_increments_is_not_split_into_characters() -> None:
    dest, mixpanel, _ = destination({"token": "tk", "people": True, "eventIncrements": "Ab,C"})
    mixpanel.calls.clear()
    dest.track({"event": "a"})
    assert mixpanel.calls == [("track", ("a", {}))]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "dataResidency",
            "mars",
            '"dataResidency" must be "us", "eu" or "in", got "mars"; using mixpanel.js\'s own host',
        ),
        (
            "mixpanelConfig",
            [1],
            '"mixpanelConfig" must be an object, got a list; using the default {}',
        ),
        ("apiHost", 8000, '"apiHost" must be a string, got 8000; using the default null'),
    ],
)
def test_our_own_settings_are_validated_too(key: str, value: Any, message: str) -> None:
    _, mixpanel, console = destination({"token": "tk", key: value})
    assert console.lines == [("error", f"[analytics] Mixpanel setting {message}")]
    assert "api_host" not in mixpanel.calls[0][1][1]


@pytest.mark.parametrize("settings", [{}, {"token": ""}, {"token": None}])
def test_no_token_is_one_error_no_init_and_every_call_dropped_silently(
    settings: dict[str, Any],
) -> None:
    dest, mixpanel, console = destination(settings)
    dest.identify({"userId": "u1"})
    dest.track({"event": "E"})
    dest.page({})
    dest.alias({"userId": "x"})
    dest.group({"groupId": "g", "userId": "u"})
    dest.reset()
    assert not dest.enabled
    assert mixpanel.calls == []
    assert (
        console.at("error")[-1]
        == "[analytics] Mixpanel: no token in the settings; nothing will be sent"
    )
    assert len(console.at("error")) == 1


def test_settings_that_are_not_an_object_are_reported_and_leave_the_destination_off() -> None:
    dest, mixpanel, console = destination(["token"])
    assert not dest.enabled and mixpanel.calls == []
    assert console.at("error") == [
        "[analytics] Mixpanel settings must be an object, got a list",
        "[analytics] Mixpanel: no token in the settings; nothing will be sent",
    ]


def test_a_failing_init_disables_the_destination_with_one_error() -> None:
    class Broken(RecordingMixpanel):
        def init(self, *args: Any) -> None:
            raise RuntimeError("boom")

    mixpanel, console = Broken(), RecordingConsole()
    dest = MixpanelDestination({"token": "tk"}, mixpanel, console)
    dest.track({"event": "E"})
    assert not dest.enabled and mixpanel.calls == []
    assert console.at("error") == ["[analytics] Mixpanel: mixpanel.init failed (boom); disabled"]


def test_default_lists_are_copied_not_shared_between_destinations() -> None:
    first, _, _ = destination({"token": "tk"})
    first.options["superProperties"].append("x")
    second, _, _ = destination({"token": "tk"})
    assert second.options["superProperties"] == []


def test_caller_settings_object_is_not_mutated() -> None:
    settings = {"token": "tk", "eventIncrements": ["A"], "cookieName": "c"}
    destination(settings)
    assert settings == {"token": "tk", "eventIncrements": ["A"], "cookieName": "c"}
