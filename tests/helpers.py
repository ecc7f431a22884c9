"""Set-ups the tests share, each defined once: the destination or the facade in front of the
recording fakes (tests/fakes.py), and what a test reads back from the fake; the loader's bundle
object as the build writes it (both layers' test_stub_size.py); a recording host object for the
bridge. A test file never imports from another test file: what two share lives here.

A test file that wants other defaults binds them once, e.g.
``destination = partial(helpers.destination, clock=CLOCK)``. Fixtures live in conftest files.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from integration import surface
from integration.analytics import Analytics
from integration.bridge import wire
from integration.identity import MemoryStorage
from integration.mixpanel import MixpanelDestination
from tests.fakes import RecordingConsole, RecordingMixpanel

PEOPLE = {"token": "tk", "people": True}  # the settings most mapping tests start from


def destination(
    settings: Any = None,
    *,
    base: dict[str, Any] | None = PEOPLE,
    mixpanel: RecordingMixpanel | None = None,
    clock: datetime | None = None,
    keep_init: bool = False,
    **super_properties: Any,
) -> tuple[MixpanelDestination, RecordingMixpanel, RecordingConsole]:
    """A MixpanelDestination on the fakes. Its settings are `base` updated by `settings`
    (base None: `settings` as they are); `clock` fixes the time it reads; the init calls are
    cleared unless `keep_init`; `super_properties` seed a new fake's registered properties."""
    mixpanel = mixpanel if mixpanel is not None else RecordingMixpanel(**super_properties)
    console = RecordingConsole()
    options = settings if base is None else {**base, **(settings or {})}
    timed = {} if clock is None else {"clock": lambda: clock}
    dest = MixpanelDestination(options, mixpanel, console, **timed)
    if not keep_init:
        mixpanel.calls.clear()
    return dest, mixpanel, console


def facade(
    settings: dict[str, Any] | None = None,
    storage: MemoryStorage | None = None,
    *,
    base: dict[str, Any] | None = PEOPLE,
    keep_init: bool = False,
    **options: Callable[[], Any],
) -> tuple[Analytics, RecordingMixpanel, RecordingConsole]:
    """The Analytics facade on the fakes and a fresh MemoryStorage (or `storage`); settings as
    for `destination`; `options` (clock, new_id, page_context) go to Analytics as they are."""
    mixpanel, console = RecordingMixpanel(), RecordingConsole()
    merged = settings if base is None else {**base, **(settings or {})}
    store = storage if storage is not None else MemoryStorage()
    analytics = Analytics(merged, mixpanel, console=console, storage=store, **options)
    if not keep_init:
        mixpanel.calls.clear()
    return analytics, mixpanel, console


def sent(
    settings: dict[str, Any] | None, message: dict[str, Any], clock: datetime | None = None
) -> list[tuple[str, tuple[Any, ...]]]:
    """The mixpanel.js calls one message (its "type" names the call) makes on a destination."""
    dest, mixpanel, _ = destination(settings, clock=clock)
    getattr(dest, message["type"])(message)
    return mixpanel.calls


def tracked(mixpanel: RecordingMixpanel) -> list[tuple[str, dict[str, Any]]]:
    """(event name, properties) of each mixpanel.track call, in order."""
    return [(args[0], args[1]) for name, args in mixpanel.calls if name == "track"]


def event_names(mixpanel: RecordingMixpanel) -> list[str]:
    return [args[0] for name, args in mixpanel.calls if name == "track"]


def counter(prefix: str) -> Callable[[], str]:
    """An id maker: prefix-1, prefix-2, ..."""
    count = iter(range(1, 1000))
    return lambda: f"{prefix}-{next(count)}"


def wait_output_quiet(
    capfd: pytest.CaptureFixture[str], quiet: float = 0.5, timeout: float = 10.0
) -> str:
    """What reached stderr until nothing more came for `quiet` seconds (at most `timeout`)."""
    err, deadline = "", time.monotonic() + timeout
    since = time.monotonic()
    while time.monotonic() - since < quiet and time.monotonic() < deadline:
        time.sleep(0.05)
        more = capfd.readouterr().err
        if more:
            err, since = err + more, time.monotonic()
    return err


# The loader (static/analytics.js) as the build writes it: tests/unit/test_stub_size.py bounds its
# readable source, tests/browser/test_stub_size.py its minified build.
STUB = Path(__file__).resolve().parents[1] / "static" / "analytics.js"
LIMIT = 4096  # the built, minified loader, gzipped (tests/browser/test_stub_size.py)


def stub_bundle() -> dict[str, object]:
    """A bundle object shaped as the build writes it (devtools/ fills in the real hashes)."""
    contract = surface.as_json()
    # one distinct hash per file, as real content hashes (equal ones would gzip to nothing)
    hashes = iter(hashlib.sha256(str(i).encode()).hexdigest()[:8] for i in range(100))

    def h8() -> str:
        return next(hashes)

    return {
        "version": "0.1.0",
        "root": "",
        "methods": dict.fromkeys(contract["methods"], 2),  # names only: devtools/build/rewrite.py
        **{key: contract[key] for key in ("stubMethods", "handleCalls", "storage", "cookieKeys")},
        "files": {
            "boot": f"boot.{h8()}.mjs",
            "boot-pyodide": f"boot-pyodide.{h8()}.mjs",
            "boot-micropython": f"boot-micropython.{h8()}.mjs",
            "mixpanel": f"mixpanel-2.83.0-{h8()}/mixpanel.min.js",
            "micropython": f"micropython-1.27.0-{h8()}/micropython.mjs",
            "pyodide": f"pyodide-314.0.7-{h8()}/",
            "stdlib": f"python_stdlib.{h8()}.zip",
            "stdlibFull": f"pyodide-314.0.7-{h8()}/python_stdlib.zip",
            "package": f"integration.{h8()}.zip",
            "mpy": f"integration.{h8()}.mpy.zip",
            "snapshot": f"snapshot.{h8()}.bin",
            "surface": f"surface.{h8()}.json",
            "wheel": f"wheel-{h8()}/segment_mixpanel_py-0.1.0-py3-none-any.whl",
            "future": f"mpy-future.{h8()}.py",
        },
        "settings": None,
    }


# The loader's host object (the host protocol of integration/bridge/host.py), recording
# (tests/unit/test_bridge.py, test_jsapi.py).
class FakeHost:
    """Every host function of the protocol; records what Python asked for."""

    def __init__(self, stored: dict[str, str] | None = None) -> None:
        self.calls: list[tuple[str, list[Any]]] = []
        self.lines: list[tuple[str, str]] = []
        self.stored: dict[str, str] = dict(stored or {})
        self.reads: list[str] = []
        self.ids = iter(range(1, 1000))
        self.emitted: list[tuple[str, list[Any]]] = []

    def call(self, path: str, args_json: str) -> str:
        args, _ = wire.decode(args_json)
        self.calls.append((path, args))
        return json.dumps("mp-device" if path == "get_distinct_id" else None)

    def invoke(self, fn_id: int, args_json: str) -> None:
        self.calls.append((f"invoke {fn_id}", json.loads(args_json)))

    def listens(self, event: str) -> bool:
        return event != "page"

    def emit(self, event: str, args_json: str) -> None:
        self.emitted.append((event, wire.decode(args_json)[0]))

    def log(self, level: str, message: str) -> None:
        self.lines.append((level, message))

    def storageGet(self, key: str) -> str:  # noqa: N802
        self.reads.append(key)
        return json.dumps(self.stored.get(key))

    def storageSet(self, key: str, value: str) -> None:  # noqa: N802
        self.stored[key] = value

    def storageRemove(self, key: str) -> None:  # noqa: N802
        self.stored.pop(key, None)

    def pageContext(self) -> str:  # noqa: N802
        return json.dumps({"path": "/", "referrer": "", "search": "", "title": "", "url": "u"})

    def now(self) -> float:
        return 1_700_000_000_000.0

    def newId(self) -> str:  # noqa: N802
        return f"id-{next(self.ids)}"

    def lower(self, text: str) -> str:
        return text.lower()
