"""Page-JS API items whose behaviour is Python's: listener arguments and the one
listener system (Python's emit forwarded to the page), user()/group() entities from page JS,
user().logout(), the named mixpanel.js instance and the replay bundle's lib_base_path."""

from __future__ import annotations

import json
from typing import Any

from integration import bridge
from integration.analytics import Analytics
from integration.identity import ANONYMOUS_ID, GROUP_ID, USER_ID, USER_TRAITS, MemoryStorage
from integration.mixpanel import MixpanelDestination
from integration.mixpanel.settings import init_config, read_settings
from tests.fakes import RecordingConsole, RecordingMixpanel
from tests.helpers import FakeHost

SETTINGS = {"token": "tk", "groupIdentifierTraits": ["company"]}


def jsapi_facade(**extra: Any) -> tuple[Analytics, RecordingMixpanel, RecordingConsole, list[Any]]:
    heard: list[Any] = []
    mixpanel, console = RecordingMixpanel(), RecordingConsole()
    analytics = Analytics(
        dict(SETTINGS),
        mixpanel,
        console=console,
        storage=MemoryStorage(),
        forward=lambda event, args: heard.append((event, list(args))),
        **extra,
    )
    return analytics, mixpanel, console, heard


# -- 1.5 listener arguments, forwarded ----------------------------------------------------------


def test_page_listeners_get_analytics_js_arguments_for_every_call() -> None:
    analytics, _, _, heard = jsapi_facade()
    analytics.track("Clicked", {"a": 1}, {"context": {"x": 1}})
    analytics.page("Docs", "Intro", {"p": 2})
    analytics.screen("App", "Home")
    analytics.identify("u1", {"email": "a@b.co"})
    analytics.group("g1", {"plan": "pro"})
    analytics.alias("u2", "u1")
    analytics.reset()
    events = [(e, a) for e, a in heard if e != "invoke"]
    assert events[0] == ("track", ["Clicked", {"a": 1}, {"context": {"x": 1}}])
    assert events[1][0] == "page" and events[1][1][:2] == ["Docs", "Intro"]
    assert events[1][1][2]["p"] == 2 and events[1][1][2]["name"] == "Intro"
    assert events[2][0] == "screen" and events[2][1][:2] == ["App", "Home"]
    assert events[3] == ("identify", ["u1", {"email": "a@b.co"}, {}])
    assert events[4] == ("group", ["g1", {"plan": "pro"}, {}])
    assert events[5] == ("alias", ["u2", "u1", {}])
    assert events[6] == ("reset", [])


def test_invoke_comes_before_each_call_with_its_message_and_the_call_event_after() -> None:
    analytics, mixpanel, _, heard = jsapi_facade()
    order: list[str] = []
    mixpanel.listener = lambda name, args: order.append("mixpanel." + name)
    analytics.on("invoke", lambda msg: order.append("invoke " + msg["type"]))
    analytics.on("track", lambda *args: order.append("track listener"))
    analytics.track("E")
    assert order[0] == "invoke track" and order[-1] == "track listener"
    assert "mixpanel.track" in order[1:-1]
    assert [e for e, _ in heard] == ["invoke", "track"]
    assert heard[0][1][0]["event"] == "E"


def test_python_once_listener_runs_once_and_off_without_fn_removes_all() -> None:
    analytics, _, _, _ = jsapi_facade()
    got: list[str] = []
    analytics.once("track", lambda *a: got.append("once"))
    analytics.on("track", lambda *a: got.append("on"))
    analytics.on("track", lambda *a: got.append("on2"))
    analytics.track("a")
    analytics.track("b")
    analytics.off("track")
    analytics.track("c")
    assert got == ["once", "on", "on2", "on", "on2"]


def test_a_failing_forward_costs_one_line_and_the_next_call_works() -> None:
    def broken(event: str, args: Any) -> None:
        raise RuntimeError("page gone")

    analytics, mixpanel, console, _ = jsapi_facade()
    analytics._listeners.forward = broken
    analytics.track("a")
    analytics.track("b")
    assert [a[0] for n, a in mixpanel.calls if n == "track"] == ["a", "b"]
    assert len([line for _, line in console.lines if "page gone" in line]) == 4  # invoke+track x2


def test_the_bridge_forwards_events_to_the_host_as_wire_json() -> None:
    host = FakeHost()
    dispatch = bridge.start(host, json.dumps(SETTINGS))
    dispatch("track", '["Signed up", {"plan": "pro"}]', "{}")
    assert ("track", ["Signed up", {"plan": "pro"}, {}]) in host.emitted
    assert host.emitted[0][0] == "invoke"
    dispatch("page", "[]", "{}")  # no page listener: nothing encoded or sent for it
    assert [e for e, _ in host.emitted][-1] == "invoke"


# -- 1.3 / 1.4 / 2: user() and group() from page JS ---------------------------------------------


def test_user_setters_store_values_and_getters_return_them_at_once() -> None:
    storage = MemoryStorage()
    analytics = Analytics(dict(SETTINGS), RecordingMixpanel(), storage=storage)
    analytics.entity("user", "id", "u-9")
    analytics.entity("user", "anonymousId", "anon-9")
    state = analytics.entity("user", "traits", {"plan": "pro"})
    assert state == {"id": "u-9", "anonymousId": "anon-9", "traits": {"plan": "pro"}}
    assert json.loads(storage.data[USER_ID]) == "u-9"
    assert json.loads(storage.data[ANONYMOUS_ID]) == "anon-9"
    assert json.loads(storage.data[USER_TRAITS]) == {"plan": "pro"}
    analytics.track("E")  # later calls carry them


def test_user_logout_clears_the_user_id_and_traits_only() -> None:
    analytics = Analytics(dict(SETTINGS), RecordingMixpanel(), storage=MemoryStorage())
    analytics.identify("u1", {"a": 1})
    anonymous = analytics.user().anonymous_id()
    state = analytics.entity("user", "logout")
    assert state == {"id": None, "traits": {}, "anonymousId": anonymous}


def test_group_entity_reads_and_sets_id_and_traits() -> None:
    storage = MemoryStorage()
    analytics = Analytics(dict(SETTINGS), RecordingMixpanel(), storage=storage)
    analytics.group("g1", {"plan": "pro"})
    assert analytics.entity("group") == {"id": "g1", "traits": {"plan": "pro"}}
    assert analytics.entity("group", "id", "g2")["id"] == "g2"
    assert analytics.entity("group", "traits", {"n": 1})["traits"] == {"n": 1}
    assert json.loads(storage.data[GROUP_ID]) == "g2"


def test_bad_entity_input_is_one_line_and_changes_nothing() -> None:
    console = RecordingConsole()
    analytics = Analytics(dict(SETTINGS), RecordingMixpanel(), console=console)
    analytics.entity("user", "id", "u1")
    assert analytics.entity("user", "traits", "nope")["traits"] == {}
    assert analytics.entity("user", "id", {"x": 1})["id"] == "u1"
    assert analytics.entity("group", "logout")["id"] is None
    errors = console.at("error")
    assert len(errors) == 3, errors
    assert "user().traits" in errors[0] and "traits must be an object" in errors[0]
    assert "user().id" in errors[1] and "must be a string or a number" in errors[1]
    assert "group()" in errors[2]
    assert analytics.entity("user", "id", "u2")["id"] == "u2"  # the next call works


def test_entity_through_the_bridge_answers_json() -> None:
    host = FakeHost()
    dispatch = bridge.start(host, json.dumps(SETTINGS))
    dispatch("entity", '["user", "id", "u5"]', "{}")  # queued setter, replayed
    answer = dispatch("entity", '["user"]', "{}")
    assert answer is not None and json.loads(answer)["id"] == "u5"
    answer = dispatch("entity", '["group"]', "{}")
    assert answer is not None and json.loads(answer) == {"id": None, "traits": {}}


# -- 1.11 named instance; 3 lazy bundles from our origin ---------------------------------------


def test_a_loader_instance_name_makes_init_a_named_instance() -> None:
    mixpanel = RecordingMixpanel()
    MixpanelDestination({"token": "tk", "_instance": "analytics"}, mixpanel, RecordingConsole())
    name, args = mixpanel.calls[0]
    assert name == "init" and args[0] == "tk" and args[2] == "analytics"
    assert len(args) == 3


def test_without_an_instance_name_init_has_two_arguments() -> None:
    mixpanel = RecordingMixpanel()
    MixpanelDestination({"token": "tk"}, mixpanel, RecordingConsole())
    assert len(mixpanel.calls[0][1]) == 2


def test_a_bad_instance_name_is_one_line_and_the_primary_instance_is_used() -> None:
    console = RecordingConsole()
    mixpanel = RecordingMixpanel()
    MixpanelDestination({"token": "tk", "_instance": "a b"}, mixpanel, console)
    assert len(mixpanel.calls[0][1]) == 2
    assert any('"_instance"' in line for _, line in console.lines)


def test_replay_recorder_and_lazy_bundles_come_from_the_bundle_folder() -> None:
    folder = "http://127.0.0.1:1/analytics/mixpanel-2.83.0-abcd1234/"
    options = read_settings(
        {"token": "tk", "sessionReplayPercentage": 50, "_bundle": {"mixpanel": folder}},
        lambda m: None,
        lambda m: None,
    )
    config = init_config(options)
    assert config["lib_base_path"] == folder and "recorder_src" not in config
    assert config["lib_base_path"] == folder
