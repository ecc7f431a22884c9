"""What code hangs on the facade's calls: listeners and middleware (`Hooks`, under `Analytics`).

Listeners (`on` / `once` / `off`): ``fn(*resolved_arguments)`` after every call of an event
(``invoke``: with each message, before its middleware); `_emit` tells them, then the page's own
listener registry (``forward``, the bridge's), so page and Python listeners see the same
events. Middleware: `add_source_middleware` & co. hand functions to the facade's `Pipeline`,
which runs them (middleware.py); `register` (analytics-next plugins) is the loader's.

A layer of the facade (see guarded.py), on `Guarded`; its state (the listeners, ``forward``,
the pipeline) is made by `Analytics.__init__`. Must not build messages, touch the stored
identity or call the destination, must not import js/pyodide.
"""

from __future__ import annotations

from integration import surface
from integration.errors import InvalidCall
from integration.guarded import Guarded

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from integration.middleware import Pipeline

EVENTS = surface.EVENTS


class Hooks(Guarded):
    """Listeners of the calls, and the registration of middleware."""

    if TYPE_CHECKING:  # made by Analytics.__init__
        _listeners: dict[str, list[tuple[Callable[..., Any], bool]]]
        _forward: Callable[[str, tuple[Any, ...]], None] | None
        _pipeline: Pipeline

    def on(self, event: str, fn: Callable[..., Any]) -> None:
        """Call ``fn(*resolved_arguments)`` after every ``event`` call."""
        self._guard("on", self._listen, event, fn, False)

    def once(self, event: str, fn: Callable[..., Any]) -> None:
        self._guard("once", self._listen, event, fn, True)

    def off(self, event: str, fn: Callable[..., Any] | None = None) -> None:
        """Remove ``fn`` (or every listener of ``event`` when ``fn`` is None)."""
        kept = [entry for entry in self._listeners.get(event, []) if fn and entry[0] != fn]
        self._listeners[event] = kept

    def _listen(self, event: str, fn: Callable[..., Any], once: bool) -> None:
        if event not in EVENTS and event != "invoke":
            names = ", ".join(EVENTS + ("invoke",))
            raise InvalidCall("on", f"event must be one of {names}, got {event!r}")
        if not callable(fn):
            raise InvalidCall("on", f"listener must be a function, got {type(fn).__name__}")
        self._listeners.setdefault(event, []).append((fn, once))

    def _emit(self, event: str, *resolved: Any) -> None:
        entries = self._listeners.get(event, [])
        self._listeners[event] = [entry for entry in entries if not entry[1]]
        for fn, _ in entries:
            self._attempt(event, "listener", fn, *resolved)
        if self._forward is not None:
            self._attempt(event, "page listeners", self._forward, event, resolved)

    def add_source_middleware(self, *middleware: Any) -> None:
        """addSourceMiddleware(middleware): ``middleware(ctx)`` sees every call's message
        (``ctx.payload.obj``) and continues it with ``ctx.next(payload)`` (see middleware.py)."""
        self._guard(
            "addSourceMiddleware", self._pipeline.add_source, "addSourceMiddleware", middleware
        )

    def add_destination_middleware(self, integration: Any = None, *middleware: Any) -> None:
        """addDestinationMiddleware(integration, ...middleware): only on what that destination
        ('Mixpanel') receives."""
        call = "addDestinationMiddleware"
        self._guard(call, self._pipeline.add_destination, call, integration, middleware)

    def add_integration_middleware(self, *middleware: Any) -> None:
        """addIntegrationMiddleware(middleware): on what every destination (Mixpanel) receives."""
        call = "addIntegrationMiddleware"
        self._guard(call, self._pipeline.add_integration, call, middleware)

    def register(self, *plugins: Any) -> None:
        """register(...plugins): analytics-next plugins are page JavaScript objects, taken by the
        loader (static/boot-plugins.mjs); from Python, use add_source_middleware."""
        problem = "plugins are page JavaScript objects; from Python use add_source_middleware"
        self._report("register", InvalidCall("register", problem + "; nothing registered"))
