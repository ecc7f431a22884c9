"""The behaviour corpus for the MicroPython differential test, made on CPython.

Runs the mapping unit tests (identify, track, page, alias/group/reset, settings, and the
Analytics facade) with MixpanelDestination and Analytics wrapped, so every destination or
facade a test builds becomes a *session*: its settings, the fake's starting state and each
call's inputs (copied before the call). Sessions whose inputs have no JSON form (sets, objects,
non-string keys, non-finite numbers) are left out and counted. Inputs are written in the
bridge's wire format (functions as callback tags). Each session is then replayed on CPython by
tests/portable/runner.py for the expected results.

    python -m tests.portable.corpus [FILE]     writes {"sessions", "expected", "skipped"}
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from integration import surface
from integration.analytics import Analytics
from integration.bridge import wire
from integration.dates import is_date
from integration.mixpanel import MixpanelDestination
from integration.sanitize import is_function
from tests.portable import runner


class Unencodable(Exception):
    """An input the wire format cannot carry faithfully: the session is left out."""


def _faithful(value: Any) -> Any:
    """`value` with functions as wire callbacks; raises Unencodable for what would change."""
    if value is None or isinstance(value, (bool, str, int)) or is_date(value):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise Unencodable("a non-finite number")
        return value
    if isinstance(value, (list, tuple)):
        return [_faithful(item) for item in value]
    if isinstance(value, dict):
        if any(not isinstance(k, str) or k.startswith(wire.MARK) for k in value):
            raise Unencodable("a key")
        return {k: _faithful(v) for k, v in value.items()}
    if is_function(value):
        return wire.JsFunction(0, None)
    raise Unencodable(type(value).__name__)


def encode(value: Any) -> Any:
    """The wire JSON (as a value) of a faithfully encodable input."""
    return json.loads(wire.encode([_faithful(value)]))[0]


ROOT = Path(__file__).resolve().parents[2]
TEST_FILES = [
    "tests/unit/test_identify.py",
    "tests/unit/test_track.py",
    "tests/unit/test_page.py",
    "tests/unit/test_alias_group_reset.py",
    "tests/unit/test_settings.py",
    "tests/unit/test_analytics.py",
    "tests/unit/test_rudderstack_export.py",
]
METHODS = tuple(surface.METHODS) + ("dispatch",)  # every call, and the JS queue's entry


class _Capture:
    def __init__(self) -> None:
        self.sessions: list[dict[str, Any]] = []
        self.skipped = 0
        self.depth = 0

    def start(self, kind: str, settings: Any, mixpanel: Any, strict: bool) -> dict[str, Any] | None:
        try:
            session = {
                "kind": kind,
                "settings": encode(settings),
                "strict": strict,
                "distinct_id": getattr(mixpanel, "distinct_id", None),
                "super": encode(getattr(mixpanel, "super_properties", {})),
                "steps": [],
            }
        except Unencodable:
            self.skipped += 1
            return None
        self.sessions.append(session)
        return session

    def step(self, session: dict[str, Any] | None, method: str, args: Any, kwargs: Any) -> None:
        if session is None or session.get("broken"):
            return
        try:
            session["steps"].append([method, encode(list(args)), encode(dict(kwargs))])
        except Unencodable:
            session["broken"] = True


def _wrap_class(cls: type, kind: str, capture: _Capture, patch: pytest.MonkeyPatch) -> None:
    original_init = cls.__init__

    @functools.wraps(original_init)
    def init(self: Any, settings: Any, mixpanel: Any, *args: Any, **kwargs: Any) -> None:
        original_settings = settings
        strict = kwargs.get("strict", args[2] if kind == "destination" and len(args) > 2 else False)
        if kind == "analytics" and kwargs.get("destination_factory") is not None:
            # A facade test with a fake destination: replayed against the real one, people on.
            extra = settings if isinstance(settings, dict) else {}
            settings = {"token": "tk", "people": True, **extra}
        self._mpy_session = capture.start(kind, settings, mixpanel, bool(strict))
        original_init(self, original_settings, mixpanel, *args, **kwargs)

    patch.setattr(cls, "__init__", init)
    for method in METHODS:
        original = getattr(cls, method, None)
        if original is None:
            continue

        def wrapper(
            self: Any, *args: Any, _original: Any = original, _m: str = method, **kw: Any
        ) -> Any:
            outermost = capture.depth == 0
            if outermost:
                capture.step(getattr(self, "_mpy_session", None), _m, args, kw)
            capture.depth += 1
            try:
                return _original(self, *args, **kw)
            finally:
                capture.depth -= 1

        patch.setattr(cls, method, wrapper)


class _Plugin:
    def __init__(self, capture: _Capture) -> None:
        self.capture = capture

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: Any) -> Any:
        with pytest.MonkeyPatch.context() as patch:
            _wrap_class(MixpanelDestination, "destination", self.capture, patch)
            _wrap_class(Analytics, "analytics", self.capture, patch)
            yield


def build() -> dict[str, Any]:
    os.environ["FULL_EXAMPLES"] = "1"  # tests/examples.py: every example makes sessions
    capture = _Capture()
    with contextlib.redirect_stdout(io.StringIO()):
        code = pytest.main(
            [
                "-q",
                "-p",
                "no:cacheprovider",
                "--hypothesis-seed=0",
                *[str(ROOT / f) for f in TEST_FILES],
            ],
            plugins=[_Plugin(capture)],
        )
    if code != 0:
        raise SystemExit(f"the unit tests failed while capturing (exit {code})")
    sessions = []
    for session in capture.sessions:
        if session.pop("broken", False):
            capture.skipped += 1
        else:
            sessions.append(session)
    text = json.dumps(sessions, ensure_ascii=False)
    expected = json.loads(runner.run_all(text))
    return {"sessions": sessions, "expected": expected, "skipped": capture.skipped}


def main(argv: list[str]) -> None:
    corpus = build()
    out = json.dumps(corpus, ensure_ascii=False)
    if len(argv) > 1:
        Path(argv[1]).write_text(out, encoding="utf-8")
    else:
        sys.stdout.write(out)
    steps = sum(len(s["steps"]) for s in corpus["sessions"])
    print(
        f"{len(corpus['sessions'])} sessions, {steps} calls, {corpus['skipped']} skipped",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main(sys.argv)
