"""Fixtures of the unit tests (shared set-ups that are not fixtures: tests/helpers.py)."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest

from integration.bridge import forward


class FakeLoader:
    """The loader's window.analytics as bridge/page.py sees it: `_attach` and `__callWire`."""

    def __init__(self) -> None:
        self.attached: list[Any] = []
        self.wire: list[tuple[str, str]] = []

    def _attach(self, start: Any) -> None:
        self.attached.append(start)

    def __getattr__(self, name: str) -> Any:
        if name == "__callWire":
            return lambda method, text: self.wire.append((method, text))
        raise AttributeError(name)


@pytest.fixture
def fake_js(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.SimpleNamespace]:
    """PyScript's `js` module, standing in (tests/unit/test_pyscript_attach.py)."""
    warned: list[str] = []
    js = types.SimpleNamespace(
        window=types.SimpleNamespace(analytics=FakeLoader()),
        console=types.SimpleNamespace(warn=warned.append),
        warned=warned,
    )
    monkeypatch.setitem(sys.modules, "js", js)
    monkeypatch.setattr(forward, "_page", False)
    monkeypatch.setattr(forward, "_installed", None)
    yield js
