"""The one exception the pure core raises for input it cannot act on.

`InvalidCall(method, problem)` names the public call and what was wrong with its input,
so the facade (or the destination itself) can print one clear console line. Nothing here
imports js/pyodide, and nothing here reports anything: raising is all it does.
"""

from __future__ import annotations


class InvalidCall(ValueError):
    """A call whose input cannot be delivered, e.g. ``track`` without an event name."""

    def __init__(self, method: str, problem: str) -> None:
        super().__init__(f"{method}: {problem}")
        self.method = method
        self.problem = problem
