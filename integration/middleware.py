"""Middleware, in analytics-next's shape: one ordered, continuation-style pipeline.

Every call that reaches the destination goes through one queue (`Pipeline`). A message runs
through the source middleware (what every destination and the listeners see), then, if the
integrations gate lets it through, through the integration and destination middleware (only
what Mixpanel receives), then it is delivered. Calls that make no message but touch the
destination (reset, consent) are queued as plain steps, so nothing overtakes a message that
waits for its middleware.

A middleware is called as ``fn(ctx)`` where ``ctx`` has ``payload`` (``payload.obj`` is the
Segment message), ``integrations`` and ``next`` (attributes, or ``ctx["payload"]`` keys):

- ``next(payload)`` continues with that payload; ``next(None)`` drops the message;
- returning without calling ``next`` and without an awaitable drops it at once;
- returning an awaitable (anything with ``then(on_ok, on_error)``, or what the `Scheduler`
  can wait for) leaves ``next`` callable until it settles, within the callback timeout; if it
  settles (or the time runs out) first, the message is dropped with one console line;
- a middleware that raises (or whose awaitable rejects) costs one console line; the message
  goes on unchanged.

While a message waits, later ones queue behind it, so order is kept. With no middleware at all,
everything runs at once, inside the call. Pure Python: timers and foreign awaitables come from
the `Scheduler` the bridge lends (tests drive a fake one). This module keeps the queue and the
chains; one middleware on one message (its ctx, next and awaitable) is middleware_step.py's
`Step`, imported only when a message meets a middleware (the late set: protocol.LATE_MODULES).
Must not import js/pyodide.
"""

from __future__ import annotations

from integration.errors import InvalidCall, Reporter

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Json = dict[str, Any]

DESTINATION = "Mixpanel"
DEFAULT_TIMEOUT_MS = 300  # analytics.js's callback timeout


class Scheduler:
    """Time and foreign awaitables. The default has no clock: timers never fire and only
    thenables (``then(on_ok, on_error)``) can be waited for. The bridge lends a real one."""

    def later(self, ms: float, fn: Callable[[], None]) -> None:
        """Call ``fn()`` once, ``ms`` milliseconds from now."""

    def awaitable(self, value: Any) -> bool:
        """Whether ``value`` is something `settle` can wait for."""
        return callable(getattr(value, "then", None))

    def settle(self, value: Any, ok: Callable[[], None], error: Callable[[Any], None]) -> None:
        """Call ``ok()`` when ``value`` resolves, ``error(reason)`` when it rejects."""
        value.then(lambda *_: ok(), error)


class _Job:
    """One queued call: its message through the chains, then delivered; or a plain step."""

    def __init__(
        self, pipe: Pipeline, call: str, msg: Json | None, deliver: Any, after: Any
    ) -> None:
        self.pipe = pipe
        self.call = call
        self.msg = msg
        self.deliver = deliver  # deliver(msg) -> None: hand it to the destination
        self.after = after  # after(msg | None): listeners, callback (msg None: dropped at source)

    def start(self) -> None:
        if self.msg is None:  # a plain step (reset, consent)
            self.pipe.attempt(self.call, self.deliver)
            return self.end()
        self.run(self.pipe.source, 0, self.msg, None, self.sourced)
        return None

    def run(self, chain: list[Any], index: int, obj: Json | None, name: Any, done: Any) -> None:
        if obj is None or index >= len(chain):
            done(obj)
            return
        from integration.middleware_step import Step  # late: only a page with middleware

        fn = chain[index]
        step = Step(
            self.pipe,
            self.call,
            fn,
            obj,
            name,
            lambda out: self.run(chain, index + 1, out, name, done),
        )
        step.start()
        return None

    def sourced(self, obj: Json | None) -> None:
        if obj is None:
            self.pipe.attempt(self.call, self.after, None)
            return self.end()
        if not self.pipe.gate(obj):
            return self.delivered(obj, obj)
        chain = self.pipe.integration + self.pipe.destination
        self.run(chain, 0, obj, DESTINATION, lambda out: self.delivered(obj, out))
        return None

    def delivered(self, sourced: Json, out: Json | None) -> None:
        if out is not None and self.pipe.gate(out):
            self.pipe.attempt(self.call, self.deliver, out)
        self.pipe.attempt(self.call, self.after, sourced)
        self.end()

    def end(self) -> None:
        self.pipe.ended(self)


class Pipeline:
    """The one ordered queue of calls, and the registered middleware."""

    def __init__(
        self,
        reporter: Reporter,
        *,
        gate: Callable[[Json], bool],
        timeout_ms: Callable[[], float] | None = None,
        scheduler: Scheduler | None = None,
        integrations: Callable[[], Json] | None = None,
    ) -> None:
        self.reporter = reporter
        self.gate = gate
        self.timeout_ms = timeout_ms or (lambda: DEFAULT_TIMEOUT_MS)
        self.scheduler = scheduler or Scheduler()
        self.integrations = integrations or (lambda: {DESTINATION: True})
        self.source: list[Any] = []
        self.integration: list[Any] = []
        self.destination: list[Any] = []
        self._queue: list[_Job] = []
        self._current: _Job | None = None
        self._pumping = False

    # -- registration -------------------------------------------------------------------------

    def add_source(self, call: str, fns: tuple[Any, ...]) -> None:
        self.source.extend(_functions(call, fns))

    def add_integration(self, call: str, fns: tuple[Any, ...]) -> None:
        self.integration.extend(_functions(call, fns))

    def add_destination(self, call: str, name: Any, fns: tuple[Any, ...]) -> None:
        if name != DESTINATION:
            raise InvalidCall(
                call, f"the destination here is {DESTINATION!r}, got {name!r}; ignored"
            )
        self.destination.extend(_functions(call, fns))

    def waiting(self) -> int:
        """How many calls have not finished (the one running included)."""
        return len(self._queue) + (self._current is not None)

    # -- the queue ----------------------------------------------------------------------------

    def push(self, call: str, msg: Json, deliver: Any, after: Any) -> None:
        """Run ``msg`` through the middleware; ``deliver(msg)`` what Mixpanel gets (unless
        dropped or gated off), then ``after(msg)`` (``after(None)``: dropped at the source)."""
        self._queue.append(_Job(self, call, msg, deliver, after))
        self._pump()

    def step(self, call: str, fn: Callable[[], None]) -> None:
        """Run ``fn()`` in order with the queued messages (at once when nothing waits)."""
        self._queue.append(_Job(self, call, None, fn, None))
        self._pump()

    def attempt(self, call: str, fn: Any, *args: Any) -> None:
        try:
            fn(*args)
        except Exception as exc:  # the facade's steps report their own; this is the last guard
            self.reporter.failed(call, exc)

    def ended(self, job: _Job) -> None:
        if self._current is job:
            self._current = None
            self._pump()

    def _pump(self) -> None:
        if self._pumping:
            return  # the loop below goes on once the running job ends
        self._pumping = True
        try:
            while self._queue and self._current is None:
                self._current = self._queue.pop(0)
                try:
                    self._current.start()
                except BaseException:  # strict mode raises through: the queue must not stick
                    self._current = None
                    raise
        finally:
            self._pumping = False


def _functions(call: str, fns: tuple[Any, ...]) -> list[Any]:
    if not fns:
        raise InvalidCall(call, "takes one or more middleware functions, got none")
    for fn in fns:
        if not callable(fn):
            got = "null" if fn is None else type(fn).__name__
            raise InvalidCall(call, f"middleware must be a function, got {got}; nothing added")
    return list(fns)
