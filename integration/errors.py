"""How the integration reports trouble: `InvalidCall`, and the one `Reporter`.

Pure modules raise precise exceptions. Only the `Reporter` writes them to the console, always in
one format (`line`: `PREFIX`, then ``<call>: <problem>``), and it holds the one strict flag: with
``strict=True`` (tests) a failure raises instead of costing one console line. The facade makes
one Reporter and hands it to the destination, so ``Analytics(..., strict=True)`` is strict all
the way down. The facade's one promise, that no call raises into the page, is kept here too:
`Reporter.guard` runs a whole call, `Reporter.attempt` one outside piece inside it (the
destination, a listener, a callback). Nothing here touches the browser.
"""

from __future__ import annotations

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

PREFIX = "[analytics] "


class InvalidCall(Exception):
    """A call analytics.js would not accept; ``str(exc)`` is ``"method: problem"``."""

    def __init__(self, method: str, problem: str) -> None:
        super().__init__(f"{method}: {problem}")
        self.method = method
        self.problem = problem


def line(*parts: str) -> str:
    """The one console-line format: `PREFIX`, then the parts joined by ": " (call, problem)."""
    return PREFIX + ": ".join(parts)


def problem(exc: Exception) -> str:
    """What went wrong, for a console line: an InvalidCall's own words, else type and text."""
    if isinstance(exc, InvalidCall):
        return exc.problem
    return f"{type(exc).__name__}: {exc}"


class Reporter:
    """Console lines in the one format, and the one strict flag.

    `console` is anything with ``log``/``info``/``warn``/``error(message)`` methods."""

    def __init__(self, console: Any, strict: bool = False) -> None:
        self.console = console
        self.strict = strict

    def error(self, *parts: str) -> None:
        self.console.error(line(*parts))

    def warn(self, *parts: str) -> None:
        self.console.warn(line(*parts))

    def info(self, *parts: str) -> None:
        self.console.info(line(*parts))

    def failed(self, call: str, exc: Exception, what: str = "") -> None:
        """An inner failure that costs the call: strict → raised on (the outermost guard
        reports it, once); otherwise one error line, ``<call>: <what><problem>``."""
        if self.strict:
            raise exc
        self.error(call, what + problem(exc))

    def final(self, call: str, exc: Exception) -> None:
        """The outermost guard's report: one error line, then raised on when strict."""
        self.error(call, problem(exc))
        if self.strict:
            raise exc

    def guard(self, call: str, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a whole call: any exception costs one console line naming the call (`final`)
        and the call answers None."""
        try:
            return fn(*args)
        except Exception as exc:
            self.final(call, exc)
            return None

    def attempt(self, call: str, what: str, fn: Callable[..., Any], *args: Any) -> None:
        """Isolate one outside piece of a call (`what`: the destination, a listener, a
        callback): its failure is reported (`failed`) and the call goes on."""
        try:
            fn(*args)
        except Exception as exc:
            self.failed(call, exc, f"{what} failed: ")


def reporter(console: Any, strict: bool = False) -> Reporter:
    """`console` itself when it is a Reporter already (its flag wins), else one around it."""
    return console if isinstance(console, Reporter) else Reporter(console, strict)
