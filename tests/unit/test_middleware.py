"""The middleware pipeline (integration/middleware.py) through the facade, against the recording
fake: what mixpanel.js receives, in which order, and the console lines."""

from __future__ import annotations

import json
from typing import Any

from integration.analytics import Analytics
from integration.middleware import Scheduler
from tests.fakes import RecordingConsole, RecordingMixpanel
from tests.helpers import event_names, tracked


class FakeScheduler(Scheduler):
    """Timers fire when the test says so; awaitables are `Later` objects."""

    def __init__(self) -> None:
        self.timers: list[tuple[float, Any]] = []

    def later(self, ms: float, fn: Any) -> None:
        self.timers.append((ms, fn))

    def fire(self) -> None:
        timers, self.timers = self.timers, []
        for _, fn in timers:
            fn()


class Later:
    """A thenable the test settles."""

    def __init__(self) -> None:
        self.ok: Any = None
        self.error: Any = None

    def then(self, ok: Any, error: Any) -> None:
        self.ok, self.error = ok, error


TIMEOUT = [300.0]


def scheduled_facade(
    **settings: Any,
) -> tuple[Analytics, RecordingMixpanel, RecordingConsole, FakeScheduler]:
    mp, console, scheduler = RecordingMixpanel(), RecordingConsole(), FakeScheduler()
    analytics = Analytics(
        {"token": "t", **settings},
        mp,
        console=console,
        scheduler=scheduler,
        clock=lambda: 1e12,
        timeout_ms=lambda: TIMEOUT[0],
    )
    mp.calls.clear()
    return analytics, mp, console, scheduler


def adds(key: str, value: Any) -> Any:
    def middleware(ctx: Any) -> None:
        ctx.payload.obj["properties"][key] = value
        ctx.next(ctx.payload)

    return middleware


def test_a_source_middleware_changes_the_message_mixpanel_gets() -> None:
    analytics, mp, _, _ = scheduled_facade()
    analytics.add_source_middleware(adds("added", 1))
    analytics.track("Clicked", {"kept": True})
    [(event, props)] = tracked(mp)
    assert event == "Clicked" and props["added"] == 1 and props["kept"] is True


def test_the_context_also_reads_as_a_mapping() -> None:
    analytics, mp, _, _ = scheduled_facade()
    seen: list[Any] = []

    def middleware(ctx: Any) -> None:
        seen.append((ctx["payload"]["obj"]["event"], ctx["integrations"]))
        ctx["next"](ctx["payload"])

    analytics.add_source_middleware(middleware)
    analytics.track("Mapped")
    assert seen == [("Mapped", {"Mixpanel": True})] and event_names(mp) == ["Mapped"]


def test_a_slow_middleware_keeps_the_order_and_later_calls_wait() -> None:
    analytics, mp, _, _ = scheduled_facade()
    waiting: list[Any] = []

    def slow(ctx: Any) -> Any:
        if ctx.payload.obj["event"] != "Slow":
            return ctx.next(ctx.payload)
        later = Later()
        waiting.append((ctx, later))
        return later

    heard: list[str] = []
    analytics.on("track", lambda *args: heard.append(args[0]))
    analytics.add_source_middleware(slow)
    analytics.track("Slow")
    analytics.track("Fast")
    analytics.reset()
    assert event_names(mp) == [] and heard == []  # everything waits behind Slow
    ctx, later = waiting[0]
    ctx.next(ctx.payload)
    assert event_names(mp) == ["Slow", "Fast"] and heard == ["Slow", "Fast"]
    assert "reset" in mp.names()[mp.names().index("track") :]
    later.ok()  # settling after next changes nothing
    assert event_names(mp) == ["Slow", "Fast"]


def test_next_none_drops_the_call_and_the_callback_still_runs() -> None:
    analytics, mp, console, _ = scheduled_facade()
    done: list[str] = []
    analytics.add_source_middleware(lambda ctx: ctx.next(None))
    analytics.track("Dropped", {}, {}, lambda: done.append("callback"))
    assert event_names(mp) == [] and done == ["callback"] and console.lines == []


def test_returning_without_next_or_awaitable_drops_at_once() -> None:
    analytics, mp, console, scheduler = scheduled_facade()
    analytics.add_source_middleware(lambda ctx: None)
    analytics.track("Ignored")
    assert event_names(mp) == [] and scheduler.timers == [] and console.lines == []
    assert analytics.pipeline.waiting() == 0


def test_a_throwing_middleware_costs_one_line_and_the_message_goes_on_unchanged() -> None:
    analytics, mp, console, _ = scheduled_facade()

    def throws(ctx: Any) -> None:
        ctx.payload.obj["properties"]["half"] = "done"  # changed before it threw: not kept
        raise ValueError("boom")

    analytics.add_source_middleware(throws, adds("after", 2))
    analytics.track("Survives", {"n": 1})
    [(_, props)] = tracked(mp)
    assert props["n"] == 1 and props["after"] == 2 and "half" not in props
    assert console.at("error") == [
        "[analytics] track: middleware failed: ValueError: boom; the message goes on unchanged"
    ]


def test_an_awaitable_that_rejects_lets_the_message_go_on_unchanged() -> None:
    analytics, mp, console, _ = scheduled_facade()
    later = Later()
    analytics.add_source_middleware(lambda ctx: later)
    analytics.track("Rejected")
    later.error("nope")
    assert event_names(mp) == ["Rejected"]
    assert console.at("error") == [
        "[analytics] track: middleware failed: nope; the message goes on unchanged"
    ]


def test_no_next_within_the_timeout_drops_with_one_line_and_the_queue_moves_on() -> None:
    analytics, mp, console, scheduler = scheduled_facade()

    def stuck(ctx: Any) -> Any:
        return Later() if ctx.payload.obj["event"] == "Stuck" else ctx.next(ctx.payload)

    analytics.add_source_middleware(stuck)
    analytics.track("Stuck")
    analytics.track("Next")
    assert event_names(mp) == [] and [ms for ms, _ in scheduler.timers] == [300]
    scheduler.fire()
    assert event_names(mp) == ["Next"]
    assert console.at("warn") == [
        "[analytics] track: middleware next() was not called within 300 ms; the call is dropped"
    ]


def test_the_timeout_is_the_callback_timeout() -> None:
    analytics, _, _, scheduler = scheduled_facade()
    TIMEOUT[0] = 50
    try:
        analytics.add_source_middleware(lambda ctx: Later())
        analytics.track("Stuck")
    finally:
        TIMEOUT[0] = 300
    assert [ms for ms, _ in scheduler.timers] == [50]


def test_an_awaitable_that_settles_without_next_drops_with_one_line() -> None:
    analytics, mp, console, _ = scheduled_facade()
    later = Later()
    analytics.add_source_middleware(lambda ctx: later)
    analytics.track("Settled")
    later.ok()
    assert event_names(mp) == []
    assert console.at("warn") == [
        "[analytics] track: middleware settled without calling next(); the call is dropped"
    ]


def test_next_after_the_timeout_changes_nothing() -> None:
    analytics, mp, _, scheduler = scheduled_facade()
    held: list[Any] = []
    analytics.add_source_middleware(lambda ctx: held.append(ctx) or Later())
    analytics.track("Late")
    scheduler.fire()
    held[0].next(held[0].payload)
    assert event_names(mp) == []


def test_a_destination_middleware_changes_only_what_mixpanel_receives() -> None:
    analytics, mp, _, _ = scheduled_facade()
    seen: list[dict[str, Any]] = []

    def destination(ctx: Any) -> None:
        assert ctx.integration == "Mixpanel"
        ctx.payload.obj["properties"]["for_mixpanel"] = True
        ctx.next(ctx.payload)

    analytics.add_destination_middleware("Mixpanel", destination)
    analytics.add_source_middleware(
        lambda ctx: seen.append(ctx.payload.obj) or ctx.next(ctx.payload)
    )
    analytics.track("Both")
    analytics.track("Both")
    assert [props["for_mixpanel"] for _, props in tracked(mp)] == [True, True]
    assert all("for_mixpanel" not in msg["properties"] for msg in seen)


def test_integration_middleware_runs_before_destination_middleware() -> None:
    analytics, mp, _, _ = scheduled_facade()
    order: list[str] = []

    def note(name: str) -> Any:
        return lambda ctx: order.append(name) or ctx.next(ctx.payload)

    analytics.add_destination_middleware("Mixpanel", note("destination"))
    analytics.add_integration_middleware(note("integration"))
    analytics.add_source_middleware(note("source"))
    analytics.track("Ordered")
    assert order == ["source", "integration", "destination"] and event_names(mp) == ["Ordered"]


def test_a_destination_drop_still_tells_listeners_and_runs_the_callback() -> None:
    analytics, mp, _, _ = scheduled_facade()
    done: list[str] = []
    analytics.on("track", lambda *args: done.append("listener"))
    analytics.add_destination_middleware("Mixpanel", lambda ctx: ctx.next(None))
    analytics.track("Kept Out", {}, {}, lambda: done.append("callback"))
    assert event_names(mp) == [] and done == ["listener", "callback"]


def test_a_gated_message_skips_destination_middleware() -> None:
    analytics, mp, _, _ = scheduled_facade()
    ran: list[str] = []
    analytics.add_destination_middleware("Mixpanel", lambda ctx: ran.append("x"))
    analytics.track("Off", {}, {"integrations": {"Mixpanel": False}})
    assert ran == [] and event_names(mp) == []


def test_a_source_middleware_can_gate_the_message_off() -> None:
    analytics, mp, _, _ = scheduled_facade()

    def gate(ctx: Any) -> None:
        ctx.payload.obj["integrations"] = {"Mixpanel": False}
        ctx.next(ctx.payload)

    analytics.add_source_middleware(gate)
    analytics.track("Gated")
    assert event_names(mp) == []


def test_identify_state_changes_at_once_while_delivery_waits() -> None:
    analytics, mp, _, _ = scheduled_facade()
    held: list[Any] = []
    analytics.add_source_middleware(lambda ctx: held.append(ctx) or Later())
    analytics.identify("u-1", {"plan": "pro"})
    assert analytics.user().id() == "u-1" and "identify" not in mp.names()
    held[0].next(held[0].payload)
    assert "identify" in mp.names()


def test_bad_input_is_one_line_naming_the_call() -> None:
    analytics, mp, console, _ = scheduled_facade()
    analytics.add_source_middleware("not a function")
    analytics.add_source_middleware()
    analytics.add_destination_middleware("Elsewhere", adds("x", 1))
    analytics.add_integration_middleware(None)
    analytics.dispatch("addSourceMiddleware", [42])
    analytics.track("Still Works")
    assert event_names(mp) == ["Still Works"]
    assert console.at("error") == [
        "[analytics] addSourceMiddleware: middleware must be a function, got str; nothing added",
        "[analytics] addSourceMiddleware: takes one or more middleware functions, got none",
        "[analytics] addDestinationMiddleware: the destination here is 'Mixpanel', "
        "got 'Elsewhere'; ignored",
        "[analytics] addIntegrationMiddleware: middleware must be a function, got null; "
        "nothing added",
        "[analytics] addSourceMiddleware: middleware must be a function, got int; nothing added",
    ]


def test_next_with_something_that_is_not_a_payload_is_one_line_and_goes_on_unchanged() -> None:
    analytics, mp, console, _ = scheduled_facade()
    analytics.add_source_middleware(lambda ctx: ctx.next("oops"))
    analytics.track("Unchanged")
    assert event_names(mp) == ["Unchanged"]
    assert console.at("error") == [
        "[analytics] track: middleware: next() takes the payload (with obj, the message) or "
        "null, got str; the message goes on unchanged"
    ]


def test_middleware_from_the_page_dispatch_is_kept_in_call_order() -> None:
    analytics, mp, _, _ = scheduled_facade()
    analytics.dispatch("addSourceMiddleware", [adds("first", 1), adds("second", 2)])
    analytics.dispatch("addDestinationMiddleware", ["Mixpanel", adds("third", 3)])
    analytics.dispatch("track", ["Dispatched"])
    [(_, props)] = tracked(mp)
    assert (props["first"], props["second"], props["third"]) == (1, 2, 3)


def test_register_from_python_is_one_line() -> None:
    analytics, _, console, _ = scheduled_facade()
    analytics.register(object())
    assert console.at("error") == [
        "[analytics] register: plugins are page JavaScript objects; from Python use "
        "add_source_middleware; nothing registered"
    ]


def test_without_middleware_everything_is_delivered_inside_the_call() -> None:
    analytics, mp, _, scheduler = scheduled_facade()
    analytics.track("Plain")
    analytics.reset()
    assert event_names(mp) == ["Plain"] and "reset" in mp.names() and scheduler.timers == []
    assert analytics.pipeline.waiting() == 0


def test_module_level_add_source_middleware_reaches_the_local_instance(monkeypatch: Any) -> None:
    import integration
    from integration.bridge import forward

    analytics, mp, _, _ = scheduled_facade()
    monkeypatch.setattr(forward, "_installed", analytics)
    integration.add_source_middleware(adds("from_python", True))
    integration.track("Local")
    [(_, props)] = tracked(mp)
    assert props["from_python"] is True


class PageHost:
    """The host side of the bridge's middleware protocol: page middleware answers scripted."""

    def __init__(self, answers: list[list[Any]]) -> None:
        self.answers = answers
        self.ran: list[tuple[int, list[Any], int]] = []
        self.timers: list[tuple[float, int]] = []
        self.lines: list[tuple[str, str]] = []
        self.released = 0

    def middleware(self, fn_id: int, args_json: str, cont: int) -> str:
        self.ran.append((fn_id, json.loads(args_json), cont))
        return json.dumps(self.answers.pop(0))

    def timer(self, ms: float, timer_id: int) -> None:
        self.timers.append((ms, timer_id))

    def release(self) -> None:
        self.released += 1

    def callbackTimeout(self) -> float:  # noqa: N802
        return 300

    def invoke(self, fn_id: int, args_json: str) -> None:
        pass

    def log(self, level: str, message: str) -> None:
        self.lines.append((level, message))


def bridged(answers: list[list[Any]]) -> tuple[Any, PageHost, RecordingMixpanel]:
    from integration.bridge import make_dispatch
    from integration.bridge.pipeline import Glue

    host = PageHost(answers)
    glue = Glue(host)  # type: ignore[arg-type]
    mp = RecordingMixpanel()
    analytics = Analytics({"token": "t"}, mp, console=RecordingConsole(), scheduler=glue)
    dispatch = make_dispatch(analytics, host, glue)  # type: ignore[arg-type]
    fn = json.dumps([{"\u0000": "fn", "v": 7}])
    assert dispatch("addSourceMiddleware", fn, "{}") == "kept"
    return dispatch, host, mp


def test_a_page_middleware_that_calls_next_at_once_is_answered_inside_the_call() -> None:
    dispatch, host, mp = bridged(
        [
            [
                "next",
                {
                    "obj": {
                        "type": "track",
                        "event": "Renamed",
                        "properties": {},
                        "integrations": {},
                    }
                },
            ]
        ]
    )
    assert dispatch("track", '["Original"]', "{}") is None
    assert event_names(mp) == ["Renamed"] and host.ran[0][0] == 7
    assert host.ran[0][1][0]["event"] == "Original" and host.ran[0][1][2] is None


def test_a_page_promise_holds_the_call_until_next_comes_back() -> None:
    dispatch, host, mp = bridged([["pending"], ["next", None]])
    assert dispatch("track", '["Slow"]', "{}") == "held"
    assert dispatch("track", '["Queued"]', "{}") == "held"
    assert event_names(mp) == [] and host.timers[0][0] == 300
    cont = host.ran[0][2]
    obj = host.ran[0][1][0]
    obj["properties"]["later"] = 1
    dispatch("__next", json.dumps([cont, "next", {"obj": obj}]), "{}")
    assert [p.get("later") for _, p in tracked(mp)] == [1]  # Queued: its middleware dropped it
    assert host.released == 1


def test_a_page_promise_that_times_out_is_dropped_and_the_queue_moves_on() -> None:
    dispatch, host, mp = bridged(
        [
            ["pending"],
            [
                "next",
                {"obj": {"type": "track", "event": "Next", "properties": {}, "integrations": {}}},
            ],
        ]
    )
    dispatch("track", '["Stuck"]', "{}")
    dispatch("track", '["Next"]', "{}")
    dispatch("__timer", json.dumps([host.timers[0][1]]), "{}")
    assert event_names(mp) == ["Next"] and host.released == 1
    dispatch("__next", json.dumps([host.ran[0][2], "next", None]), "{}")  # too late: ignored
    assert event_names(mp) == ["Next"]


def test_a_page_middleware_that_throws_or_rejects_leaves_the_message_unchanged() -> None:
    dispatch, host, mp = bridged([["threw", None, "boom"], ["pending"]])
    dispatch("track", '["Thrown"]', "{}")
    dispatch("track", '["Rejected"]', "{}")
    dispatch("__next", json.dumps([host.ran[1][2], "rejected", None, "no"]), "{}")
    assert event_names(mp) == ["Thrown", "Rejected"]
