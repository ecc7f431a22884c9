"""The one place that touches the mixpanel.js object: every call goes through `Calls`.

`Calls.send` sanitizes the arguments of payload-carrying calls (track, register, people.*,
group set_once) and reports ONE console.warn per call listing what was changed; `Calls.read`
asks the getters (`get_property`, `get_distinct_id`) and answers None when one is missing.
`Calls.note_once` reports an informational line at most once per destination. Lines go
through the destination's `errors.Reporter`.

Must not import js/pyodide (the object it drives is the bridge's adapter or a test fake),
and must not decide *what* to send: that is traits.py's and events.py's job.
"""

from __future__ import annotations

from datetime import datetime

from integration import surface
from integration.dates import UTC
from integration.errors import Reporter
from integration.sanitize import sanitize

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

PAYLOAD_CALLS = (
    "track",
    "track_links",
    "track_forms",
    "register",
    "people.set",
    "people.union",
    "people.increment",
    "people.track_charge",
    "get_group.set_once",
    "get_group.set",
    "people.set_once",
    "name_tag",
)
EVENT_CALLS = ("track", "track_links", "track_forms")
_MAX_LISTED = 10


def utc_now() -> datetime:
    return datetime.now(UTC)


class Calls:
    """Sends calls to mixpanel.js (or a fake shaped like it) and reports payload problems."""

    def __init__(
        self,
        mixpanel: Any,
        report: Reporter,
        clock: Callable[[], datetime],
        lower: Callable[[str], str] | None = None,
    ) -> None:
        self.mixpanel = mixpanel
        self.report = report
        self.clock = clock
        self.lower = lower  # JavaScript's toLowerCase where str.lower is ASCII-only
        self._noted: set[str] = set()

    def send(self, name: str, *args: Any, label: str = "") -> None:
        """Call ``mixpanel.<name>(*args)``; `name` may be dotted (``people.set``)."""
        if name in PAYLOAD_CALLS:
            args = self._clean(name, args, label or name)
        target, args = self._method(name, args)
        target(*args)

    def read(self, name: str, *args: Any) -> Any:
        """A getter's answer, or None when mixpanel.js has no such getter."""
        getter = getattr(self.mixpanel, name, None)
        return getter(*args) if callable(getter) else None

    def note_once(self, key: str, call: str, message: str) -> None:
        if key not in self._noted:
            self._noted.add(key)
            self.report.info(call, message)

    def _method(self, name: str, args: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
        """The method a dotted path names, and its arguments: a call of surface.HANDLE_CALLS
        (``get_group.set_once``) is made first, with the arguments that identify its object."""
        target = self.mixpanel
        parts = name.split(".")
        count = surface.HANDLE_CALLS.get(parts[0])
        if count is not None and len(parts) > 1:
            target = getattr(target, parts.pop(0))(*args[:count])
            args = args[count:]
        for part in parts:
            target = getattr(target, part)
        return target, args

    def _clean(self, name: str, args: tuple[Any, ...], label: str) -> tuple[Any, ...]:
        payload = "event" if name in EVENT_CALLS else "call"
        cleaned: list[Any] = []
        problems: list[str] = []
        for arg in args:
            value, found = sanitize(arg, payload)
            cleaned.append(value)
            problems.extend(found)
        if problems:
            self.report.warn(label, _listing(problems))
        return tuple(cleaned)


def _listing(problems: list[str]) -> str:
    shown = "; ".join(problems[:_MAX_LISTED])
    more = len(problems) - _MAX_LISTED
    return shown if more <= 0 else f"{shown}; and {more} more"
