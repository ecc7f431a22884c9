"""Exceptions raised by the pure core.

Pure modules raise precise exceptions; only the facade (``analytics.py``) catches them and turns
them into one console line. Nothing here logs, prints or touches the browser.
"""

from __future__ import annotations


class InvalidCall(Exception):
    """A call analytics.js would not accept; ``str(exc)`` is ``"method: problem"``."""

    def __init__(self, method: str, problem: str) -> None:
        super().__init__(f"{method}: {problem}")
        self.method = method
        self.problem = problem
