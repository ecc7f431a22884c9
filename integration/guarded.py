"""The facade's one promise, that no call raises into the page: `Guarded`, under `Analytics`.

`_guard` runs a whole call: any exception costs one console line naming the call (through the
facade's `Reporter`; ``strict=True`` re-raises, for tests) and the call answers None.
`_attempt` isolates one outside piece inside a call (the destination, a listener, a callback):
its failure is reported and the call goes on. `_destination_ready`: whether there is an enabled
destination to hand anything to.

The facade is built in layers, each using only those below it: guarded.py; hooks.py (listeners,
middleware registration); visitor.py (the calls on who the visitor is); analytics.py (the
message calls, dispatch, and `Analytics.__init__`, which makes all the state). This layer keeps
no state of its own. Must not build messages, must not choose what a console line says
(errors.py does), must not import js/pyodide.
"""

from __future__ import annotations

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from integration.errors import Reporter


class Guarded:
    """The guard and the isolation every facade call goes through."""

    if TYPE_CHECKING:  # made by Analytics.__init__
        _reporter: Reporter
        destination: Any

    def _destination_ready(self) -> bool:
        return self.destination is not None and getattr(self.destination, "enabled", True)

    def _attempt(self, method: str, what: str, fn: Callable[..., Any], *args: Any) -> None:
        """Isolate one outside piece (destination, listener, callback): its failure is reported."""
        try:
            fn(*args)
        except Exception as exc:
            self._reporter.failed(method, exc, f"{what} failed: ")  # strict: the guard reports

    def _guard(self, method: str, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except Exception as exc:
            self._report(method, exc)
            return None

    def _report(self, method: str, exc: Exception) -> None:
        self._reporter.final(method, exc)
