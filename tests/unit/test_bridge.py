"""integration.bridge against a recording stand-in for the loader's host object (the host
protocol of integration/bridge/host.py), without a browser."""

from __future__ import annotations

import json
from typing import Any

from integration import bridge, surface
from integration.bridge import wire
from tests.helpers import FakeHost

SETTINGS = {"token": "t", "groupIdentifierTraits": ["company"], "people": True}


def started(host: FakeHost) -> Any:
    return bridge.start(host, wire.encode([SETTINGS])[1:-1])


def test_start_inits_mixpanel_through_the_host_and_dispatch_tracks() -> None:
    host = FakeHost()
    dispatch = started(host)
    dispatch("track", wire.encode(["Clicked", {"a": 1}]), "{}")
    paths = [path for path, _ in host.calls]
    assert paths[:2] == ["init", "register"] and "track" in paths
    track_args = dict(host.calls)["track"]
    assert track_args[0] == "Clicked" and track_args[1]["a"] == 1


def test_a_group_call_crosses_as_one_dotted_path_with_its_handle_arguments_first() -> None:
    host = FakeHost()
    dispatch = started(host)
    dispatch("identify", wire.encode(["u1"]), "{}")
    dispatch("group", wire.encode(["g1", {"n": 2}]), "{}")
    [(path, args)] = [c for c in host.calls if c[0].startswith("get_group")]
    assert (path, args) == ("get_group.set_once", ["company", "g1", {"n": 2}])
    assert surface.HANDLE_CALLS == {"get_group": 2}


def test_identity_is_kept_in_host_storage_and_read_once_per_page() -> None:
    host = FakeHost()
    dispatch = started(host)
    dispatch("identify", wire.encode(["u1"]), "{}")
    dispatch("track", wire.encode(["E"]), "{}")
    assert json.loads(host.stored[surface.STORAGE["user_id"]]) == "u1"
    assert host.reads.count(surface.STORAGE["user_id"]) == 1  # cached for this page


def test_bad_wire_input_is_one_line_naming_the_call_and_nothing_raises() -> None:
    host = FakeHost()
    dispatch = started(host)
    assert dispatch("track", "not json", "{}") is None
    assert host.lines[-1][0] == "error" and host.lines[-1][1].startswith("[analytics] track: ")


def test_module_level_calls_go_to_the_instance_the_loader_started() -> None:
    host = FakeHost()
    started(host)
    bridge.page_api().call("track", "From Python", properties={"k": 1})
    [args] = [args for path, args in host.calls if path == "track"]
    assert args[0] == "From Python" and args[1]["k"] == 1


def test_people_calls_cross_as_people_paths_and_the_next_call_still_works() -> None:
    host = FakeHost()
    dispatch = started(host)
    dispatch("identify", wire.encode(["u1", {"plan": "pro"}]), "{}")
    dispatch("track", wire.encode(["After"]), "{}")
    paths = [path for path, _ in host.calls]
    assert "people.set" in paths and "track" in paths
    assert [line for line in host.lines if line[0] == "error"] == []


class WorkerHost(FakeHost):
    """The host as the worker lends it: a page middleware always answers later ('pending'),
    its answer coming back through dispatch('__next', ...)."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[int] = []
        self.timers: list[float] = []
        self.released = 0

    def middleware(self, fn_id: int, args_json: str, cont: int) -> str:
        self.asked.append(cont)
        return '["pending"]'

    def timer(self, ms: float, timer_id: int) -> None:
        self.timers.append(ms)

    def release(self) -> None:
        self.released += 1

    def callbackTimeout(self) -> float:  # noqa: N802
        return 300.0


def _through_a_page_middleware(kind: str, error: Any = None) -> WorkerHost:
    host = WorkerHost()
    dispatch = started(host)
    fn = {wire.MARK: "fn", "v": 7}
    assert dispatch("addSourceMiddleware", json.dumps([fn]), "{}") == bridge.KEPT
    assert dispatch("track", wire.encode(["Through", {"a": 1}]), "{}") == bridge.HELD
    [cont] = host.asked
    payload = {"obj": {"type": "track", "event": "Through", "properties": {"a": 2}}}
    answer = [cont, kind, payload if kind == "now-next" else None, error]
    dispatch("__next", json.dumps(answer), "{}")
    return host


def test_a_page_middlewares_answer_across_threads_continues_the_call_as_given() -> None:
    host = _through_a_page_middleware("now-next")
    [track] = [args for path, args in host.calls if path == "track"]
    assert track[0] == "Through" and track[1]["a"] == 2
    assert host.released == 1 and host.lines == []


def test_a_page_middleware_that_returned_nothing_drops_the_call_without_a_line() -> None:
    host = _through_a_page_middleware("drop")
    assert [path for path, _ in host.calls if path == "track"] == []
    assert host.lines == []


def test_a_page_middleware_that_threw_goes_on_unchanged_with_one_error_line() -> None:
    host = _through_a_page_middleware("rejected", "boom")
    [track] = [args for path, args in host.calls if path == "track"]
    assert track[1]["a"] == 1
    assert [level for level, text in host.lines if "boom" in text] == ["error"]
