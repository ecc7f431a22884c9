"""Who hears the facade's calls: the listeners of ``on`` / ``once`` / ``off`` (`Listeners`).

A listener is ``fn(*resolved_arguments)``, told after every call of its event (``invoke``:
with each message, before its middleware). `Listeners.emit` tells Python's listeners, then the
page's own registry (``forward(event, args)``, the bridge's), so page and Python listeners
hear the same events. A failing listener costs one console line (the `Reporter`'s); the call
goes on. Must not build messages, touch the stored identity or call the destination, must not
import js/pyodide.
"""

from __future__ import annotations

from integration import surface
from integration.errors import InvalidCall

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from integration.errors import Reporter

EVENTS = surface.EVENTS


class Listeners:
    """The listeners of each event, and the page's registry they are forwarded to."""

    def __init__(
        self, reporter: Reporter, forward: Callable[[str, tuple[Any, ...]], None] | None
    ) -> None:
        self.reporter = reporter
        # `forward(event, args)`: the page's listener registry (the bridge's); Python's emit is
        # the one source of the call events, so page and Python listeners see the same ones.
        self.forward = forward
        self._by_event: dict[str, list[tuple[Callable[..., Any], bool]]] = {}

    def add(self, event: str, fn: Callable[..., Any], once: bool) -> None:
        if event not in EVENTS and event != "invoke":
            names = ", ".join(EVENTS + ("invoke",))
            raise InvalidCall("on", f"event must be one of {names}, got {event!r}")
        if not callable(fn):
            raise InvalidCall("on", f"listener must be a function, got {type(fn).__name__}")
        self._by_event.setdefault(event, []).append((fn, once))

    def remove(self, event: str, fn: Callable[..., Any] | None) -> None:
        """Remove ``fn`` (or every listener of ``event`` when ``fn`` is None)."""
        kept = [entry for entry in self._by_event.get(event, []) if fn and entry[0] != fn]
        self._by_event[event] = kept

    def emit(self, event: str, *resolved: Any) -> None:
        entries = self._by_event.get(event, [])
        self._by_event[event] = [entry for entry in entries if not entry[1]]
        for fn, _ in entries:
            self.reporter.attempt(event, "listener", fn, *resolved)
        if self.forward is not None:
            self.reporter.attempt(event, "page listeners", self.forward, event, resolved)
