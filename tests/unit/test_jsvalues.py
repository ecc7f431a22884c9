"""integration/jsvalues.py: the one number test and the one nested-value walker."""

from __future__ import annotations

import math

import pytest

from integration import jsvalues
from integration.analytics import Analytics
from integration.jsnumbers import is_number
from integration.jsvalues import js_lower
from integration.walk import OMIT, deep_map, leaves
from tests.fakes import RecordingConsole, RecordingMixpanel


def test_is_number_is_typeof_number_for_json_values() -> None:
    assert [is_number(v) for v in (0, 1.5, math.nan, -(2**70))] == [True] * 4
    assert [is_number(v) for v in (True, False, None, "1", [1])] == [False] * 5


def test_deep_map_copies_maps_leaves_and_keys_and_omits_like_json_stringify() -> None:
    source = {"a": [1, "x", None], "b": {"c": "drop"}, "\u0000k": 2}
    out = deep_map(
        source,
        lambda v: OMIT if v == "drop" or v == "x" else v,
        key=lambda k: k.upper(),
    )
    assert out == {"A": [1, None, None], "B": {}, "\u0000K": 2}
    assert source["b"] == {"c": "drop"}  # the input is not changed


def test_deep_map_keeps_shared_and_cyclic_references_and_goes_any_depth() -> None:
    shared: list[object] = [1]
    cyclic: dict[str, object] = {"shared": shared, "again": shared}
    cyclic["self"] = cyclic
    out = deep_map(cyclic, lambda v: v)
    assert out["self"] is out and out["shared"] is out["again"] and out["shared"] == [1]
    deep: list[object] = []
    for _ in range(5000):
        deep = [deep]
    assert deep_map(deep, lambda v: v) is not deep


def test_deep_map_treats_only_the_given_sequences_as_containers() -> None:
    assert deep_map((1, 2), str) == "(1, 2)"
    assert deep_map((1, [2]), str, sequences=(list, tuple)) == ["1", ["2"]]


def test_leaves_yields_every_leaf_with_its_path_in_document_order_and_skips_cycles() -> None:
    value: dict[str, object] = {"a": {"b": [1, (2, 3)]}, "c": None}
    value["loop"] = value
    assert list(leaves(value)) == [("a.b[0]", 1), ("a.b[1][0]", 2), ("a.b[1][1]", 3), ("c", None)]
    assert list(leaves(7)) == [("", 7)]


def test_js_lower_uses_the_lent_lower_only_where_str_lower_is_ascii_only() -> None:
    assert js_lower("ÉTÉ", lambda text: "never asked on CPython") == "été"


def test_the_lent_lower_reaches_the_destination_without_any_global(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(jsvalues, "FULL_LOWER", False)
    asked: list[str] = []

    def lower(text: str) -> str:
        asked.append(text)
        return text.lower()

    mixpanel = RecordingMixpanel()
    settings = {"token": "t", "people": True, "eventIncrements": ["ÉTÉ"]}
    analytics = Analytics(settings, mixpanel, console=RecordingConsole(), lower=lower)
    analytics.track("Été")
    assert ("people.increment", ("Été",)) in mixpanel.calls
    assert asked == ["ÉTÉ", "Été"]
    other = Analytics(settings, RecordingMixpanel(), console=RecordingConsole())
    assert other.destination.options["eventIncrements"] == ["ÉTÉ".lower()]
