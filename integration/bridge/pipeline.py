"""Page JavaScript middleware and the host's clock, for the pure pipeline (middleware.py).

A page function given to addSourceMiddleware & co. arrives as a wire callback (`JsFunction`);
here it becomes a `JsMiddleware`, a Python middleware that asks the host to run it
(``host.middleware(fn_id, args_json, cont)``). When the page calls ``next`` at once (or drops
the call, or throws) the host answers that at once; when it returns a Promise the host answers
``pending`` and later calls ``dispatch('__next', [cont, kind, payload, error])`` (kind ``next``,
``settled`` or ``rejected``). Timers: ``host.timer(ms, id)`` → ``dispatch('__timer', [id])``.
"""

from __future__ import annotations

from integration.bridge import wire
from integration.errors import InvalidCall
from integration.middleware import Scheduler

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from integration.bridge.host import Host
    from integration.middleware_step import Context


class MiddlewareError(InvalidCall):
    """The page's middleware threw (or its Promise rejected): its message, as the problem."""

    def __init__(self, message: str) -> None:
        super().__init__("middleware", message)


class _Pending:
    """What a JsMiddleware returns while the page's Promise runs: settled by `Glue.resume`."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._ok: Callable[[], None] | None = None
        self._error: Callable[[Any], None] | None = None

    def then(self, ok: Callable[..., None], error: Callable[[Any], None]) -> None:
        self._ok = ok
        self._error = error

    def settle(self, kind: str, error: Any) -> None:
        if kind == "rejected" and self._error is not None:
            self._error(MiddlewareError(str(error)))
        elif self._ok is not None:
            self._ok()


class Glue(Scheduler):
    """The host's clock and Promises, lent to the pipeline; the continuations waiting."""

    def __init__(self, host: Host) -> None:
        self._host = host
        self._timers: dict[int, Callable[[], None]] = {}
        self._waits: dict[int, _Pending] = {}
        self._next_id = 1

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    # -- Scheduler ------------------------------------------------------------------------------

    def later(self, ms: float, fn: Callable[[], None]) -> None:
        timer = self._id()
        self._timers[timer] = fn
        self._host.timer(ms, timer)

    def awaitable(self, value: Any) -> bool:
        return isinstance(value, _Pending) or hasattr(value, "send") or super().awaitable(value)

    def settle(self, value: Any, ok: Callable[[], None], error: Callable[[Any], None]) -> None:
        if not hasattr(value, "send") or isinstance(value, _Pending):
            return super().settle(value, ok, error)
        import asyncio  # a Python coroutine: run on the runtime's event loop

        async def run() -> None:
            try:
                await value
            except Exception as exc:
                return error(exc)
            ok()

        asyncio.ensure_future(run())
        return None

    # -- JS middleware --------------------------------------------------------------------------

    def middleware(self, fn_id: int) -> Callable[[Context], Any]:
        def run(ctx: Context) -> Any:
            cont = self._id()
            args = wire.encode([ctx.payload.obj, ctx.integrations, ctx.integration])
            answer, _ = wire.decode(self._host.middleware(fn_id, args, cont))
            state, payload, error = (list(answer) + [None, None, None])[:3]
            if state == "next":
                return ctx.next(payload)
            if state == "threw":
                raise MiddlewareError(str(error))
            if state == "pending":
                pending = _Pending(ctx)
                self._waits[cont] = pending
                return pending
            return None  # "drop": returned without next and without a Promise

        return run

    def resume(self, method: str, args: list[Any]) -> None:
        """dispatch('__next' | '__timer', ...) from the host."""
        if method == "__timer":
            fn = self._timers.pop(args[0], None)
            if fn is not None:
                fn()
            return
        cont, kind, payload, error = (list(args) + [None, None, None, None])[:4]
        pending = self._waits.get(cont)
        if pending is None:
            return
        if kind == "next":
            pending.ctx.next(payload)  # a page payload {obj} or null; anything else is reported
            return
        del self._waits[cont]
        if kind == "now-next":  # answered at once, but across threads (the worker's page)
            pending.ctx.next(payload)
        elif kind == "drop":  # returned without next and without a Promise: dropped, silently
            pending.ctx.next(None)
        else:
            pending.settle(kind, error)
