"""Set-ups the unit tests share, each defined once: the destination or the facade in front of
the recording fakes (tests/fakes.py), and what a test reads back from the fake.

A test file that wants other defaults binds them once, e.g.
``destination = partial(helpers.destination, clock=CLOCK)``. Fixtures live in conftest files.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from integration.analytics import Analytics
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
