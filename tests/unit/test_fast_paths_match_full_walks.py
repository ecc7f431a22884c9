"""The per-call fast paths answer exactly what the full walks answer."""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Any

import pytest

from integration.bridge import wire
from integration.dates import INVALID_DATE, dates_to_iso, may_hold_dates

NOW = datetime(2020, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)  # noqa: UP017
SHARED = {"x": [1, 2]}
VALUES: list[Any] = [
    ["Bench Call", {"i": 1, "plan": "pro", "tags": ["a", "b"], "time": 1.5, "$insert_id": "m"}],
    [None, True, 0, -3, 2.5, "", "é", "\U0001f600"],
    [{"a": math.nan}],
    [{"a": math.inf, "b": [-math.inf]}],
    [{"\u0000k": 1}],
    [{"k": "has \u0000 inside"}],
    [{"d": NOW, "i": INVALID_DATE}],
    [{1: "int key", 2.5: "float key", None: "none key"}],
    [(1, 2), {"t": (3, [4])}],
    [{1, 2}],
    [OrderedDict(a=1)],
    [SHARED, SHARED, {"s": SHARED}],
    [[[[[[["deep"]]]]]]],
]


@pytest.mark.parametrize("value", VALUES)
def test_encode_fast_path_is_the_full_path(value: Any) -> None:
    full = json.dumps(wire._prepare(value), separators=(",", ":"))
    assert wire.encode(value) == full


@pytest.mark.parametrize("value", VALUES)
def test_is_plain_only_when_prepare_changes_nothing(value: Any) -> None:
    if wire._is_plain(value):
        prepared = wire._prepare(value)
        assert json.dumps(prepared) == json.dumps(value)


def test_is_plain_gives_up_on_a_cycle() -> None:
    loop: list[Any] = []
    loop.append(loop)
    assert not wire._is_plain(loop)
    assert may_hold_dates(loop)


def test_decode_without_a_marker_is_json() -> None:
    text = json.dumps(["e", {"a": [1, {"b": None}], "c": "2020-01-01"}])
    assert wire.decode(text) == (json.loads(text), [])
    tagged = json.dumps(["e", {"\u0000": "date", "v": 0}])
    value, _ = wire.decode(tagged)
    assert value[1] == datetime(1970, 1, 1, tzinfo=timezone.utc)  # noqa: UP017


@pytest.mark.parametrize("value", VALUES)
def test_may_hold_dates_false_only_when_nothing_would_change(value: Any) -> None:
    if not may_hold_dates(value):
        converted = dates_to_iso(value)
        assert converted == value
        assert type(converted) is type(value)
