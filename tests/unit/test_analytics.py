"""The Analytics facade: identity, gating, dispatch meta, guarding, callbacks and listeners."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from integration.analytics import Analytics
from integration.errors import InvalidCall
from integration.identity import CONSENT, USER_ID, USER_TRAITS, MemoryStorage
from tests.fakes import RecordingConsole, RecordingMixpanel
from tests.helpers import counter

T0 = 1_577_836_800_000.0  # 2020-01-01T00:00:00Z
PAGE = {"url": "https://x.test/a", "path": "/a", "referrer": "", "search": "", "title": "A"}


class FakeDestination:
    """Records (method, message) pairs; can be told to fail or to be disabled."""

    def __init__(self, settings, mixpanel, console, *, enabled=True, fail_on=()):
        self.settings = settings
        self.mixpanel = mixpanel
        self.console = console
        self.enabled = enabled
        self.fail_on = fail_on
        self.received: list[tuple[str, object]] = []

    def _record(self, method, message=None):
        if method in self.fail_on:
            raise RuntimeError(f"{method} exploded")
        self.received.append((method, message))

    def identify(self, msg):
        self._record("identify", msg)

    def returning_visitor(self, user_id):
        self._record("returning_visitor", user_id)

    def track(self, msg, dom=None):
        self._record("track", msg)
        self.dom = dom

    def page(self, msg):
        self._record("page", msg)

    def alias(self, msg):
        self._record("alias", msg)

    def group(self, msg):
        self._record("group", msg)

    def reset(self):
        self._record("reset")

    def consent(self, granted, changed=True):
        self._record("consent", granted)

    def methods(self):
        return [method for method, _ in self.received]

    def last(self):
        return self.received[-1][1]


def make(storage=None, strict=False, **destination_options):
    console = RecordingConsole()
    made: list[FakeDestination] = []

    def factory(settings, mixpanel, console_):
        made.append(FakeDestination(settings, mixpanel, console_, **destination_options))
        return made[0]

    analytics = Analytics(
        {"token": "t"},
        RecordingMixpanel(),
        console=console,
        storage=storage if storage is not None else MemoryStorage(),
        clock=lambda: T0,
        new_id=counter("id"),
        page_context=lambda: dict(PAGE),
        strict=strict,
        destination_factory=factory,
    )
    return analytics, made[0] if made else None, console


# -- construction -------------------------------------------------------------------------------


def test_factory_receives_settings_mixpanel_and_console():
    analytics, dest, console = make()
    assert dest.settings == {"token": "t"}
    assert isinstance(dest.mixpanel, RecordingMixpanel)
    assert dest.console is console


def test_default_destination_is_the_mixpanel_integration():
    mixpanel = RecordingMixpanel()
    analytics = Analytics({"token": "tok"}, mixpanel, console=RecordingConsole())
    analytics.track("Clicked")
    assert mixpanel.names()[0] == "init"
    assert ("track", "Clicked") in [(n, a[0]) for n, a in mixpanel.calls if a]


def test_returning_visitor_is_identified_first_with_the_stored_id_only():
    # Not the original's "identify from cached traits" (stale): the destination gets the id.
    storage = MemoryStorage({USER_ID: '"u9"', USER_TRAITS: '{"plan": "pro"}'})
    analytics, dest, _ = make(storage)
    assert dest.received == [("returning_visitor", "u9")]


def test_new_visitor_is_not_identified_on_construction():
    analytics, dest, _ = make()
    assert dest.received == []


def test_failing_factory_is_reported_once_and_calls_still_update_identity():
    console = RecordingConsole()

    def broken(settings, mixpanel, console_):
        raise ValueError("bad settings")

    analytics = Analytics({}, None, console=console, destination_factory=broken)
    analytics.identify("u1")
    assert console.at("error") == ["[analytics] initialize: ValueError: bad settings"]
    assert analytics.user().id() == "u1"


def test_disabled_destination_receives_nothing():
    analytics, dest, _ = make(enabled=False)
    analytics.track("E")
    analytics.reset()
    assert dest.received == []


# -- identity -----------------------------------------------------------------------------------


def test_identify_traits_accumulate_for_the_same_user():
    analytics, dest, _ = make()
    analytics.identify("u1", {"a": 1})
    analytics.identify({"b": 2})
    msg = dest.last()
    assert (msg["userId"], msg["traits"]) == ("u1", {"a": 1, "b": 2})


def test_identify_with_another_user_replaces_traits():
    analytics, dest, _ = make()
    analytics.identify("u1", {"a": 1})
    analytics.identify("u2", {"b": 2})
    assert dest.last()["traits"] == {"b": 2}


def test_track_carries_stored_user_and_anonymous_id():
    analytics, dest, _ = make()
    analytics.identify("u1")
    analytics.track("E")
    msg = dest.last()
    assert msg["userId"] == "u1"
    assert msg["anonymousId"] == analytics.user().anonymous_id()


def test_group_message_has_stored_user_and_merged_group_traits():
    analytics, dest, _ = make()
    analytics.identify("u1")
    analytics.group("g1", {"a": 1})
    analytics.group({"b": 2})
    msg = dest.last()
    assert (msg["groupId"], msg["userId"], msg["traits"]) == ("g1", "u1", {"a": 1, "b": 2})


def test_group_without_arguments_returns_the_group_entity():
    analytics, _, _ = make()
    analytics.group("g1", {"a": 1})
    entity = analytics.group()
    assert (entity.id(), entity.traits()) == ("g1", {"a": 1})


def test_group_without_arguments_through_dispatch_changes_and_sends_nothing():
    analytics, dest, _ = make()
    analytics.group("g1", {"a": 1})
    analytics.dispatch("group", [], {})
    assert analytics.group().traits() == {"a": 1}
    assert dest.methods() == ["group"]


def test_reset_clears_identity_and_resets_destination():
    analytics, dest, _ = make()
    analytics.identify("u1", {"a": 1})
    analytics.group("g1")
    before = analytics.user().anonymous_id()
    analytics.reset()
    user = analytics.user()
    assert (user.id(), user.traits(), analytics.group().id()) == (None, {}, None)
    assert user.anonymous_id() != before
    assert dest.methods()[-1] == "reset"


def test_alias_keeps_number_ids():
    analytics, dest, _ = make()
    analytics.alias(5, 6)
    assert (dest.last()["userId"], dest.last()["previousId"]) == (5, 6)


def test_keyword_arguments_are_snake_case():
    analytics, dest, _ = make()
    analytics.identify(user_id="u1", traits={"a": 1})
    analytics.track(event="E", properties={"p": 1})
    analytics.page(category="Docs", name="Index")
    analytics.alias(user_id="u2", previous_id="u1")
    analytics.group(group_id="g", traits={"t": 1})
    identify, track, page, alias, group = (msg for _, msg in dest.received)
    assert (identify["userId"], identify["traits"]) == ("u1", {"a": 1})
    assert (track["event"], track["properties"]) == ("E", {"p": 1})
    assert (page["category"], page["name"]) == ("Docs", "Index")
    assert (alias["userId"], alias["previousId"]) == ("u2", "u1")
    assert (group["groupId"], group["traits"]) == ("g", {"t": 1})


# -- gating -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "delivered"),
    [
        ({}, True),
        ({"integrations": {"Mixpanel": False}}, False),
        ({"integrations": {"All": False}}, False),
        ({"integrations": {"all": False}}, False),
        ({"integrations": {"All": False, "Mixpanel": True}}, True),
        ({"integrations": {"All": False, "Mixpanel": {"x": 1}}}, True),
        ({"providers": {"Mixpanel": False}}, False),
        ({"Mixpanel": False}, False),
    ],
)
def test_integrations_option_decides_delivery(options, delivered):
    analytics, dest, _ = make()
    analytics.track("E", {}, options)
    assert (dest.methods() == ["track"]) is delivered


def test_gated_identify_still_updates_stored_identity():
    analytics, dest, _ = make()
    analytics.identify("u1", {"a": 1}, {"integrations": {"All": False}})
    assert dest.received == []
    assert (analytics.user().id(), analytics.user().traits()) == ("u1", {"a": 1})


# -- timestamps, message ids, page context ------------------------------------------------------


def test_direct_call_uses_injected_clock_id_and_page_context():
    analytics, dest, _ = make()
    analytics.track("E")
    msg = dest.last()
    assert msg["timestamp"] == datetime(2020, 1, 1, tzinfo=UTC)
    assert msg["messageId"].startswith("id-")
    assert msg["context"]["page"] == PAGE


def test_dispatch_meta_sets_timestamp_message_id_and_page():
    analytics, dest, _ = make()
    page = dict(PAGE, url="https://x.test/then", title="Then")
    meta = {"timestamp": T0 - 60_000, "messageId": "ajs-1", "page": page}
    analytics.dispatch("page", ["Signup"], meta)
    msg = dest.last()
    assert msg["timestamp"] == datetime(2019, 12, 31, 23, 59, tzinfo=UTC)
    assert msg["messageId"] == "ajs-1"
    assert msg["properties"]["url"] == "https://x.test/then"
    assert msg["context"]["page"]["title"] == "Then"
    assert msg["name"] == "Signup"


def test_dispatch_without_meta_falls_back_to_injected_sources():
    analytics, dest, _ = make()
    analytics.dispatch("track", ["E", {"a": 1}], None)
    msg = dest.last()
    assert msg["timestamp"] == datetime(2020, 1, 1, tzinfo=UTC)
    assert msg["properties"] == {"a": 1}
    assert msg["context"]["page"] == PAGE


@pytest.mark.parametrize("dom", ["link", "form"])
def test_a_dom_helper_track_is_handed_to_the_destination_with_its_mark(dom):
    analytics, dest, _ = make()
    analytics.dispatch("track", ["Link Clicked", {"a": 1}], {"timestamp": T0, "dom": dom})
    assert dest.methods() == ["track"]
    assert dest.last()["event"] == "Link Clicked"
    assert dest.dom == dom


@pytest.mark.parametrize("meta", [{}, {"dom": "button"}, {"dom": True}, None])
def test_a_track_without_the_dom_mark_reaches_the_destination_without_one(meta):
    analytics, dest, _ = make()
    analytics.dispatch("track", ["E"], meta)
    assert dest.methods() == ["track"]
    assert dest.dom is None


def test_a_link_click_reaches_mixpanel_js_with_the_beacon_options():
    mixpanel = RecordingMixpanel()
    analytics = Analytics({"token": "tok"}, mixpanel, console=RecordingConsole())
    analytics.dispatch("track", ["Link Clicked", {"href": "/next"}], {"dom": "link"})
    analytics.dispatch("track", ["Plain"], {})
    tracks = [args for name, args in mixpanel.calls if name == "track"]
    assert [t[0] for t in tracks] == ["Link Clicked", "Plain"]
    assert tracks[0][2] == {"transport": "sendBeacon", "send_immediately": True}
    assert len(tracks[1]) == 2


def test_options_timestamp_wins_over_call_time():
    analytics, dest, _ = make()
    analytics.dispatch("track", ["E", {}, {"timestamp": "2021-06-01T00:00:00Z"}], {"timestamp": T0})
    assert dest.last()["timestamp"] == datetime(2021, 6, 1, tzinfo=UTC)


def test_dispatch_replays_every_method_in_order():
    analytics, dest, _ = make()
    for method, args in [
        ("identify", ["u1"]),
        ("track", ["E"]),
        ("page", []),
        ("group", ["g"]),
        ("alias", ["u2"]),
        ("reset", []),
    ]:
        analytics.dispatch(method, args, {})
    assert dest.methods() == ["identify", "track", "page", "group", "alias", "reset"]


def test_dispatch_unknown_method_is_reported():
    analytics, dest, console = make()
    analytics.dispatch("fly", [], {})
    assert console.at("error") == ["[analytics] fly: unknown method"]
    assert dest.received == []


# -- errors -------------------------------------------------------------------------------------


def test_bad_input_reports_one_line_and_next_call_works():
    analytics, dest, console = make()
    analytics.track(["not", "a", "name"])
    analytics.track("Fine")
    assert console.lines == [("error", "[analytics] track: event must be a string, got list")]
    assert dest.methods() == ["track"]
    assert dest.last()["event"] == "Fine"


def test_bad_call_from_dispatch_is_reported_not_raised():
    analytics, dest, console = make()
    analytics.dispatch("identify", ["u1", "traits?"], {})
    assert console.at("error") == ["[analytics] identify: traits must be an object, got str"]
    assert analytics.user().id() is None


def test_strict_mode_re_raises_bad_input():
    analytics, _, console = make(strict=True)
    with pytest.raises(InvalidCall):
        analytics.track(5)
    assert len(console.at("error")) == 1


def test_destination_failure_is_reported_and_callback_still_runs():
    analytics, dest, console = make(fail_on=("track",))
    called = []
    analytics.track("E", lambda: called.append(True))
    assert console.at("error") == [
        "[analytics] track: Mixpanel failed: RuntimeError: track exploded"
    ]
    assert called == [True]


def test_strict_mode_re_raises_destination_failure_reported_once():
    analytics, _, console = make(strict=True, fail_on=("track",))
    with pytest.raises(RuntimeError):
        analytics.track("E")
    assert console.at("error") == ["[analytics] track: RuntimeError: track exploded"]


def test_failing_callback_is_reported_and_does_not_raise():
    analytics, _, console = make()

    def boom():
        raise KeyError("x")

    analytics.track("E", {}, {}, boom)
    assert console.at("error") == ["[analytics] track: callback failed: KeyError: 'x'"]


# -- callbacks and listeners --------------------------------------------------------------------


def test_callback_runs_after_delivery():
    analytics, dest, _ = make()
    seen = []
    analytics.track("E", lambda: seen.append(dest.methods()))
    assert seen == [["track"]]


def test_callback_runs_even_when_gated_off():
    analytics, _, _ = make()
    seen = []
    analytics.page("Signup", {}, {"integrations": {"Mixpanel": False}}, lambda: seen.append(1))
    assert seen == [1]


@pytest.mark.parametrize(
    ("call", "event", "expected"),
    [
        (lambda a: a.identify("u1", {"x": 1}), "identify", ("u1", {"x": 1}, {})),
        (lambda a: a.track("E", {"p": 1}), "track", ("E", {"p": 1}, {})),
        (lambda a: a.alias("u2", "u1"), "alias", ("u2", "u1", {})),
        (lambda a: a.group("g", {"t": 1}), "group", ("g", {"t": 1}, {})),
        (lambda a: a.reset(), "reset", ()),
    ],
)
def test_listener_receives_resolved_arguments(call, event, expected):
    analytics, _, _ = make()
    seen = []
    analytics.on(event, lambda *args: seen.append(args))
    call(analytics)
    assert seen == [expected]


def test_page_listener_receives_filled_properties():
    analytics, _, _ = make()
    seen = []
    analytics.on("page", lambda *args: seen.append(args))
    analytics.page("Signup")
    category, name, properties, options = seen[0]
    assert (category, name, options) == (None, "Signup", {})
    assert properties == {"name": "Signup", **PAGE}


def test_once_listener_runs_a_single_time():
    analytics, _, _ = make()
    seen = []
    analytics.once("track", lambda *args: seen.append(args[0]))
    analytics.track("A")
    analytics.track("B")
    assert seen == ["A"]


def test_off_removes_one_listener_or_all():
    analytics, _, _ = make()
    seen = []

    def first(*args):
        seen.append("first")

    def second(*args):
        seen.append("second")

    analytics.on("track", first)
    analytics.on("track", second)
    analytics.off("track", first)
    analytics.track("A")
    analytics.off("track")
    analytics.track("B")
    assert seen == ["second"]


def test_unknown_listener_event_is_reported():
    analytics, _, console = make()
    analytics.on("fly", print)
    assert console.at("error")[0].startswith("[analytics] on: event must be one of identify")


def test_failing_listener_is_reported_and_callback_still_runs():
    analytics, _, console = make()
    seen = []
    analytics.on("track", lambda *args: 1 / 0)
    analytics.track("E", lambda: seen.append(1))
    assert console.at("error") == [
        "[analytics] track: listener failed: ZeroDivisionError: division by zero"
    ]
    assert seen == [1]


# -- consent and the identity cookies --------------------------------------------------------------


def test_consent_setting_false_stores_no_identity_until_consent_is_given():
    storage = MemoryStorage()
    mixpanel = RecordingMixpanel()
    analytics = Analytics(
        {"token": "t", "consent": False}, mixpanel, console=RecordingConsole(), storage=storage
    )
    analytics.identify("u1", {"plan": "pro"})
    analytics.track("Clicked")
    assert storage.data == {}
    assert analytics.user().id() == "u1"
    analytics.consent(True)
    assert "opt_in_tracking" in mixpanel.names()
    assert storage.data[USER_ID] == '"u1"' and USER_TRAITS in storage.data


def test_withdrawing_consent_deletes_the_identity_cookies():
    storage = MemoryStorage()
    analytics, dest, _ = make(storage)
    analytics.identify("u1", {"plan": "pro"})
    assert USER_ID in storage.data
    analytics.consent(False)
    assert storage.data == {CONSENT: "0"}  # only the decision is kept
    assert dest.received[-1] == ("consent", False)
    analytics.track("Still This Page")
    assert dest.last()["userId"] == "u1" and storage.data == {CONSENT: "0"}


def test_a_non_boolean_consent_changes_no_storage():
    storage = MemoryStorage()
    analytics, _, console = make(storage)
    analytics.identify("u1")
    analytics.consent("no")
    assert storage.data[USER_ID] == '"u1"'
    assert any("consent" in line for line in console.at("error"))


def test_a_function_trait_is_named_in_one_warning_and_not_kept():
    analytics, dest, console = make()
    analytics.identify("u1", {"f": print, "ok": 1, "deep": {"g": len}})
    assert console.at("warn") == [
        "[analytics] identify: traits.deep.g, traits.f: a function is not kept; dropped"
    ]
    assert dest.last()["traits"] == {"ok": 1, "deep": {}}
    analytics.group("g1", {"h": print})
    assert console.at("warn")[-1] == "[analytics] group: traits.h: a function is not kept; dropped"


def test_strict_mode_also_raises_for_an_error_the_mixpanel_destination_finds():
    """One strict flag: the facade hands its Reporter to the destination."""
    console = RecordingConsole()
    analytics = Analytics({"token": "t"}, RecordingMixpanel(), console=console, strict=True)
    with pytest.raises(InvalidCall) as raised:
        analytics.alias()  # only the destination knows the new id is missing
    assert (raised.value.method, raised.value.problem) == ("alias", "user id is missing")
    assert console.at("error") == ["[analytics] alias: user id is missing"]


def test_without_strict_the_same_destination_error_is_one_line():
    console = RecordingConsole()
    analytics = Analytics({"token": "t"}, RecordingMixpanel(), console=console)
    analytics.alias()
    assert console.at("error") == ["[analytics] alias: user id is missing"]


def test_the_public_names_are_importable_from_the_package():
    import integration
    from integration.analytics import Analytics
    from integration.identity import MemoryStorage

    assert integration.Analytics is Analytics and integration.MemoryStorage is MemoryStorage
    storage = integration.MemoryStorage()
    storage.set("k", "v")
    assert storage.get("k") == "v"
    assert callable(integration.track) and callable(integration.identify)
