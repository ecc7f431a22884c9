"""The JSON wire format between static/analytics.js and Python."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone

from integration.bridge import wire
from integration.dates import INVALID_DATE


def test_plain_json_decodes_unchanged_with_no_problems() -> None:
    value, problems = wire.decode('[{"a": 1, "b": [true, null, "x"]}]')
    assert value == [{"a": 1, "b": [True, None, "x"]}]
    assert problems == []


def test_tagged_date_becomes_an_aware_utc_datetime() -> None:
    value, _ = wire.decode(json.dumps([{"\u0000": "date", "v": 1577836800123}]))
    assert value == [datetime(2020, 1, 1, 0, 0, 0, 123000, tzinfo=timezone.utc)]


def test_tagged_invalid_date_becomes_the_invalid_date_sentinel() -> None:
    value, _ = wire.decode(json.dumps({"d": {"\u0000": "date", "v": None}}))
    assert value["d"] is INVALID_DATE


def test_non_finite_numbers_survive_as_floats() -> None:
    value, _ = wire.decode(
        json.dumps([{"\u0000": "num", "v": s} for s in ("NaN", "Infinity", "-Infinity")])
    )
    assert math.isnan(value[0]) and value[1] == math.inf and value[2] == -math.inf


def test_cycle_and_depth_markers_become_strings_and_are_reported() -> None:
    value, problems = wire.decode(
        json.dumps({"self": {"\u0000": "cycle"}, "deep": {"\u0000": "deep"}})
    )
    assert value == {"self": wire.CIRCULAR, "deep": wire.TOO_DEEP}
    assert len(problems) == 2 and "circular" in problems[0]


def test_symbol_and_dom_values_are_dropped_and_reported() -> None:
    value, problems = wire.decode(json.dumps([{"\u0000": "other", "v": "Symbol"}]))
    assert value == [None]
    assert problems == ["a Symbol value has no JSON form and was dropped"]


def test_function_marker_with_id_calls_back_through_invoke() -> None:
    seen: list[tuple[int, str]] = []
    value, _ = wire.decode(
        json.dumps([{"\u0000": "fn", "v": 7}]), invoke=lambda i, a: seen.append((i, a))
    )
    value[0]("ok", 1)
    assert seen == [(7, '["ok",1]')]


def test_escaped_page_keys_starting_with_nul_are_restored() -> None:
    value, _ = wire.decode(json.dumps({"\u0000\u0000weird": 1, "plain": 2}))
    assert value == {"\u0000weird": 1, "plain": 2}


def test_encode_turns_datetimes_into_tagged_dates_and_nan_into_null() -> None:
    text = wire.encode([{"d": datetime(2020, 1, 1, tzinfo=timezone.utc), "n": math.nan}, None])
    assert json.loads(text) == [{"d": {"\u0000": "date", "v": 1577836800000}, "n": None}, None]


def test_encode_escapes_nul_keys_so_they_cannot_pose_as_tags() -> None:
    text = wire.encode([{"\u0000": "date", "v": 1}])
    assert json.loads(text) == [{"\u0000\u0000": "date", "v": 1}]


def test_round_trip_of_a_page_value() -> None:
    original = {"plan": "pro", "n": [1, 2.5, "x"], "nested": {"ok": True, "none": None}}
    value, problems = wire.decode(wire.encode([original]))
    assert value == [original] and problems == []
