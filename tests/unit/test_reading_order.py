"""docs/reading-order.md walks one `analytics.track('Signed Up', {plan: 'pro'})` in the default
mode, file by file, with each step's line ranges. Here that call runs through the CPython part
under coverage: from its arrival at the bridge's dispatch (called as static/boot-worker.mjs calls
it) to the effects the worker's host records. Every function of integration/ it runs must lie
inside a listed range, and the ranges add up to at most 1,500 lines.

Coverage starts after the integration started and after one warm-up call, so what runs once per
page (imports, the first storage reads, the anonymous id) is not counted."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import coverage

from integration import bridge

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "reading-order.md"
MAX_LINES = 1500
# `path:start-end` (or `path:line`), then, in brackets, the names that range holds in backticks
RANGE = re.compile(r"`((?:static|integration)/[\w./-]+):(\d+)(?:-(\d+))?`(?:\s+\(([^)]*)\))?")
SETTINGS = {"token": "tk", "people": True}  # the README's analytics.load example
Dispatch = Callable[[str, str, str], str | None]
SEEN = {"path": "/", "referrer": "", "search": "", "title": "Home", "url": "https://a.example/"}


class EffectsHost:
    """The host boot-worker.mjs lends Python: each function records its effect, in order, as
    the worker does (no page listens to any event; storage starts empty)."""

    def __init__(self) -> None:
        self.effects: list[tuple[object, ...]] = []
        self.store: dict[str, str | None] = {}
        self.current: str | None = None  # the call being dispatched (the worker's state.current)

    def call(self, path: str, args_json: str) -> str:
        self.effects.append(("call", path, args_json, self.current))
        return "null"

    def invoke(self, fn_id: int, args_json: str) -> None:
        self.effects.append(("invoke", fn_id, args_json))

    def emit(self, event: str, args_json: str) -> None:
        self.effects.append(("emit", event, args_json))

    def listens(self, event: str) -> bool:
        return False

    def log(self, level: str, message: str) -> None:
        self.effects.append(("log", level, message))

    def storageGet(self, key: str) -> str:  # noqa: N802
        return json.dumps(self.store.get(key))

    def storageSet(self, key: str, value: str) -> None:  # noqa: N802
        self.store[key] = value
        self.effects.append(("set", key, value))

    def storageRemove(self, key: str) -> None:  # noqa: N802
        self.store[key] = None
        self.effects.append(("remove", key))

    def pageContext(self) -> str:  # noqa: N802
        return json.dumps(SEEN)

    def now(self) -> float:
        return 1_700_000_000_000.0

    def newId(self) -> str:  # noqa: N802
        return "anon-1"

    def lower(self, text: str) -> str:
        return text.lower()

    def middleware(self, fn_id: int, args_json: str, cont: int) -> str:
        self.effects.append(("middleware", fn_id, args_json, cont))
        return '["pending"]'

    def timer(self, ms: float, timer_id: int) -> None:
        pass

    def release(self) -> None:
        self.effects.append(("release",))

    def callbackTimeout(self) -> float:  # noqa: N802
        return 300.0


def listed_ranges() -> list[tuple[str, int, int, list[str]]]:
    """(path, first line, last line, names said to be in it) of every range the page lists."""
    found = []
    for path, start, end, names in RANGE.findall(PAGE.read_text(encoding="utf-8")):
        said = re.findall(r"`([\w.]+)`", names)
        found.append((path, int(start), int(end or start), said))
    return found


def dispatch_track(dispatch: Dispatch, host: EffectsHost, call_id: str) -> None:
    """As the worker's 'call' handler: the stub's wire arguments and meta, then dispatch."""
    meta = {"timestamp": 1_700_000_000_123, "messageId": call_id, "page": SEEN}
    host.current = call_id
    dispatch("track", json.dumps(["Signed Up", {"plan": "pro"}]), json.dumps(meta))
    host.current = None


@cache
def traced_track_call() -> tuple[list[tuple[object, ...]], dict[str, set[int]]]:
    """The effects of one track call, and the lines of integration/ it ran (by file)."""
    host = EffectsHost()
    dispatch = bridge.start(host, json.dumps(SETTINGS))
    dispatch_track(dispatch, host, "warm-up")
    host.effects.clear()
    cov = coverage.Coverage(data_file=None, include=[str(ROOT / "integration" / "*")])
    cov.start()
    try:
        dispatch_track(dispatch, host, "call-1")
    finally:
        cov.stop()
    data = cov.get_data()
    ran = {
        Path(f).relative_to(ROOT).as_posix(): set(data.lines(f) or ())
        for f in data.measured_files()
    }
    return host.effects, ran


def functions_run(path: str, lines: set[int]) -> set[tuple[int, int, str]]:
    """(def line, end line, name) of the innermost function (a lambda too) around each line;
    a nested function's `def` line runs in the function around it. Top-level lines: none."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            body = node.body if isinstance(node, ast.Lambda) else node.body[0]
            name = getattr(node, "name", "<lambda>")
            spans.append((body.lineno, node.lineno, node.end_lineno or node.lineno, name))
    found = set()
    for line in lines:
        around = [span for span in spans if span[0] <= line <= span[2]]
        if around:
            _, first, last, name = max(around)
            found.add((first, last, name))
    return found


def test_one_track_call_reaches_mixpanel_track_once() -> None:
    effects, _ = traced_track_call()
    calls = [effect for effect in effects if effect[0] == "call"]
    assert [(kind, path, current) for kind, path, _, current in calls] == [
        ("call", "track", "call-1")
    ]
    event, properties = json.loads(str(calls[0][2]))
    assert (event, properties["plan"], properties["$insert_id"]) == ("Signed Up", "pro", "call-1")
    assert not [effect for effect in effects if effect[0] == "log"]


def test_every_function_the_track_call_runs_lies_in_a_listed_range() -> None:
    _, ran = traced_track_call()
    listed = listed_ranges()
    outside = [
        f"{path}:{first} {name} (lines {first}-{last})"
        for path, lines in sorted(ran.items())
        for first, last, name in sorted(functions_run(path, lines))
        if not any(p == path and a <= first and last <= b for p, a, b, _ in listed)
    ]
    assert outside == [], "\n".join(outside)


def test_the_listed_ranges_add_up_to_at_most_1500_lines() -> None:
    distinct = {(path, start, end) for path, start, end, _ in listed_ranges()}
    assert sum(end - start + 1 for _, start, end in distinct) <= MAX_LINES


def test_every_listed_range_lies_in_its_file_and_holds_the_names_given() -> None:
    listed = listed_ranges()
    assert listed, "no `path:start-end` range found in docs/reading-order.md"
    bad = []
    for path, start, end, names in listed:
        lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
        text = "\n".join(lines[start - 1 : end])
        missing = [n for n in names if not re.search(rf"\b{re.escape(n)}\b", text)]
        if not 1 <= start <= end <= len(lines) or missing:
            bad.append(f"{path}:{start}-{end} (the file has {len(lines)} lines) lacks {missing}")
    assert bad == [], "\n".join(bad)
