"""The one place that touches the mixpanel.js object: every call goes through `Calls`.

`Calls.send` sanitizes the arguments of payload-carrying calls (track, register, people.*,
group set_once) and prints ONE console.warn per call listing what was changed; `Calls.read`
asks the getters (`get_property`, `get_distinct_id`) and answers None when one is missing.
`Calls.note_once` prints an informational line at most once per destination.

Must not import js/pyodide (the object it drives is the bridge's adapter or a test fake),
and must not decide *what* to send: that is traits.py's and events.py's job.
"""

from __future__ import annotations

from datetime import datetime

from integration.dates import UTC
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

    def __init__(self, mixpanel: Any, console: Any, clock: Callable[[], datetime]) -> None:
        self.mixpanel = mixpanel
        self.console = console
        self.clock = clock
        self._noted: set[str] = set()

    def send(self, name: str, *args: Any, label: str = "") -> None:
        """Call ``mixpanel.<name>(*args)``; `name` may be dotted (``people.set``)."""
        if name in PAYLOAD_CALLS:
            args = self._clean(name, args, label or name)
        if name.startswith("get_group."):
            group = self.mixpanel.get_group(args[0], args[1])
            getattr(group, name[len("get_group.") :])(*args[2:])
            return
        self._method(name)(*args)

    def read(self, name: str, *args: Any) -> Any:
        """A getter's answer, or None when mixpanel.js has no such getter."""
        getter = getattr(self.mixpanel, name, None)
        return getter(*args) if callable(getter) else None

    def note_once(self, key: str, message: str) -> None:
        if key not in self._noted:
            self._noted.add(key)
            self.console.info(message)

    def _method(self, name: str) -> Any:
        target = self.mixpanel
        for part in name.split("."):
            target = getattr(target, part)
        return target

    def _clean(self, name: str, args: tuple[Any, ...], label: str) -> tuple[Any, ...]:
        payload = "event" if name in EVENT_CALLS else "call"
        cleaned: list[Any] = []
        problems: list[str] = []
        for arg in args:
            value, found = sanitize(arg, payload)
            cleaned.append(value)
            problems.extend(found)
        if problems:
            self.console.warn(f"[analytics] {label}: {_listing(problems)}")
        return tuple(cleaned)


def _listing(problems: list[str]) -> str:
    shown = "; ".join(problems[:_MAX_LISTED])
    more = len(problems) - _MAX_LISTED
    return shown if more <= 0 else f"{shown}; and {more} more"
