"""Fixtures of the unit tests (shared set-ups that are not fixtures: tests/helpers.py)."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import integration.surface
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


@pytest.fixture
def assert_contract_of_the_surface() -> Callable[[dict[str, Any]], None]:
    """Checks a built loader's contract against integration.surface: the stub's method map has
    the surface's names only, each 2 when the call takes a callback (the stub runs those once),
    else 1; stubMethods, handleCalls, storage and cookieKeys are the surface's."""
    surface = integration.surface.as_json()

    def check(contract: dict[str, Any]) -> None:
        methods = contract["methods"]
        assert list(methods) == list(surface["methods"])
        with_callback = {m for m, args in surface["methods"].items() if "callback" in args}
        assert {m for m, v in methods.items() if v == 2} == with_callback
        assert methods["track"] == 2 and methods["addSourceMiddleware"] == 1
        for key in ("stubMethods", "handleCalls", "storage", "cookieKeys"):
            assert contract[key] == surface[key], key

    return check
