"""One middleware function run on one message: the piece of the pipeline (middleware.py)
that page code's function meets.

A `Step` calls ``fn(ctx)`` with a `Context` (``payload`` is a `Payload` around a deep `copy`
of the message; ``integrations``, ``next``, ``integration``) and ends exactly once, through
``done(obj)``: with the ``obj`` of what ``next`` was given; with None when the message is
dropped (``next(None)``, no ``next`` and nothing to wait for, an awaitable that settles first,
the time limit: a warning line for the last two); or with the message unchanged, and an error
line, when the middleware raises, its awaitable rejects or ``next`` gets something without a
message (``obj``). Timers and awaitables are the pipeline's `Scheduler`'s; console lines go to
the pipeline's Reporter.

Must not queue, order, gate or deliver anything (the `Pipeline` does), must not keep state
beyond its one message, must not import js/pyodide.
"""

from __future__ import annotations

from integration.errors import problem

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Protocol

    from integration.errors import Reporter

    Json = dict[str, Any]

    class Waits(Protocol):
        """What a Step asks of the pipeline's `Scheduler` (middleware.py)."""

        def later(self, ms: float, fn: Callable[[], None]) -> None: ...
        def awaitable(self, value: Any) -> bool: ...
        def settle(
            self, value: Any, ok: Callable[[], None], error: Callable[[Any], None]
        ) -> None: ...

    class Pipe(Protocol):
        """What a Step uses of its `Pipeline` (middleware.py, which imports this module)."""

        reporter: Reporter
        timeout_ms: Callable[[], float]
        integrations: Callable[[], Json]

        @property
        def scheduler(self) -> Waits: ...


class Payload:
    """analytics-next's middleware payload: ``obj`` is the Segment message."""

    def __init__(self, obj: Json) -> None:
        self.obj = obj

    def __getitem__(self, key: str) -> Any:
        if key == "obj":
            return self.obj
        raise KeyError(key)

    def __repr__(self) -> str:
        return f"Payload({self.obj!r})"


class Context:
    """What a middleware is called with: ``payload``, ``integrations``, ``next`` (and, for
    destination middleware, ``integration``: the destination's name)."""

    def __init__(self, payload: Payload, integrations: Json, next_fn: Any, name: Any) -> None:
        self.payload = payload
        self.integrations = integrations
        self.next = next_fn
        self.integration = name

    def __getitem__(self, key: str) -> Any:
        if key in ("payload", "integrations", "next", "integration"):
            return getattr(self, key)
        raise KeyError(key)


def copy(value: Any) -> Any:
    """A copy of a message deep enough that a middleware's changes stay its own."""
    if isinstance(value, dict):
        return {key: copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy(item) for item in value]
    return value


class Step:
    """One middleware running on one message; ``done(obj)`` (None: dropped) is called once."""

    def __init__(self, pipe: Pipe, call: str, fn: Any, obj: Json, name: Any, done: Any) -> None:
        self.pipe = pipe
        self.call = call
        self.fn = fn
        self.obj = obj
        self.name = name
        self.done = done
        self.open = True

    def start(self) -> None:
        ctx = Context(Payload(copy(self.obj)), self.pipe.integrations(), self.next, self.name)
        try:
            result = self.fn(ctx)
        except Exception as exc:
            return self.unchanged(exc)
        if not self.open:
            return None  # next() was called already
        scheduler = self.pipe.scheduler
        if result is None or not scheduler.awaitable(result):
            return self.finish(None)  # no next, nothing to wait for: dropped at once
        ms = self.pipe.timeout_ms()
        shown = int(ms) if ms == int(ms) else ms  # 300, not 300.0
        scheduler.later(ms, lambda: self.give_up(f"next() was not called within {shown} ms"))
        try:
            scheduler.settle(
                result, lambda: self.give_up("settled without calling next()"), self.unchanged
            )
        except Exception as exc:
            self.unchanged(exc)
        return None

    def next(self, payload: Any = None) -> None:
        """next(payload) continues; next(None) drops the message."""
        if not self.open:
            return
        if payload is None:
            return self.finish(None)
        obj = payload.get("obj") if isinstance(payload, dict) else getattr(payload, "obj", None)
        if not isinstance(obj, dict):
            got = type(payload).__name__
            what = f"next() takes the payload (with obj, the message) or null, got {got}"
            self.pipe.reporter.error(
                self.call, f"middleware: {what}; the message goes on unchanged"
            )
            obj = self.obj
        self.finish(obj)
        return None

    def unchanged(self, exc: Any) -> None:
        if not self.open:
            return
        why = problem(exc) if isinstance(exc, Exception) else str(exc)
        self.pipe.reporter.error(
            self.call, f"middleware failed: {why}; the message goes on unchanged"
        )
        self.finish(self.obj)

    def give_up(self, why: str) -> None:
        if self.open:
            self.pipe.reporter.warn(self.call, f"middleware {why}; the call is dropped")
            self.finish(None)

    def finish(self, obj: Json | None) -> None:
        self.open = False
        self.done(obj)
