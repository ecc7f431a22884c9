"""Shared by the build's tests (test_build.py, test_serve.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import integration.surface


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
