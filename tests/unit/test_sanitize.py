"""Payload cleaning before mixpanel.js sees it (the "beyond" pitfalls)."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

from integration.dates import INVALID_DATE, UTC
from integration.sanitize import sanitize, utf16_length

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def noop() -> None:
    return None


@pytest.mark.parametrize(
    ("value", "clean", "problems"),
    [
        ({"a": 1, "cb": noop}, {"a": 1}, ['property "cb" is a function; dropped']),
        (
            {"length": 3, "x": 1},
            {"length_": 3, "x": 1},
            ['property "length" renamed to "length_" (mixpanel.js would drop the whole event)'],
        ),
        (
            {"o": {"length": 3}},
            {"o": {"length_": 3}},
            ['property "o.length" renamed to "length_" (mixpanel.js would send that object empty)'],
        ),
        (
            {"length": 1, "length_": 2},
            {"length__": 1, "length_": 2},
            ['property "length" renamed to "length__" (mixpanel.js would drop the whole event)'],
        ),
        (
            {"n": math.nan, "i": math.inf, "m": -math.inf},
            {"n": None, "i": None, "m": None},
            [
                'property "n" is NaN; sent as null',
                'property "i" is Infinity; sent as null',
                'property "m" is -Infinity; sent as null',
            ],
        ),
        (
            {"s": "x" * 256},
            {"s": "x" * 256},
            ['property "s" is 256 characters long; mixpanel.js cuts it to 255'],
        ),
        ({"s": "x" * 255}, {"s": "x" * 255}, []),
        (
            {"bucket": "b"},
            {"bucket": "b"},
            ['property "bucket" is hidden by Mixpanel\'s interface; consider another name'],
        ),
        ({"d": NOW, "bad": INVALID_DATE}, {"d": NOW, "bad": INVALID_DATE}, []),
        ({"t": (1, 2)}, {"t": [1, 2]}, []),
        ("plain", "plain", []),
        (math.nan, None, ["the value is NaN; sent as null"]),
    ],
)
def test_each_pitfall_is_fixed_or_reported(
    value: object, clean: object, problems: list[str]
) -> None:
    assert sanitize(value, "event") == (clean, problems)


def test_functions_in_lists_are_sent_as_null() -> None:
    assert sanitize({"l": [1, noop]}) == (
        {"l": [1, None]},
        ['property "l[1]" is a function; sent as null'],
    )


def test_a_cycle_is_replaced_by_the_string_circular() -> None:
    value: dict[str, object] = {"a": 1}
    value["me"] = value
    value["list"] = [value]
    clean, problems = sanitize(value)
    assert clean == {"a": 1, "me": "[Circular]", "list": ["[Circular]"]}
    assert problems == [
        'property "me" is a circular reference; sent as "[Circular]"',
        'property "list[0]" is a circular reference; sent as "[Circular]"',
    ]


def test_a_shared_but_not_circular_object_is_copied_twice_without_complaint() -> None:
    shared = {"x": 1}
    assert sanitize({"a": shared, "b": shared}) == ({"a": {"x": 1}, "b": {"x": 1}}, [])


def test_a_thousand_levels_of_nesting_are_cut_at_64_and_reported_once() -> None:
    value: dict[str, object] = {}
    inner = value
    for _ in range(1000):
        inner["a"] = {}
        inner = inner["a"]  # type: ignore[assignment]
    clean, problems = sanitize(value)
    for _ in range(64):
        clean = clean["a"]
    assert clean == "[Too deep]"
    assert len(problems) == 1 and "nested deeper than 64 levels" in problems[0]


def test_input_is_never_mutated() -> None:
    value = {"length": 1, "f": noop, "n": math.nan}
    sanitize(value)
    assert list(value) == ["length", "f", "n"]


def test_string_length_counts_utf16_units_like_javascript() -> None:
    assert utf16_length("a😀") == 3
    _, problems = sanitize({"s": "😀" * 128})
    assert problems == ['property "s" is 256 characters long; mixpanel.js cuts it to 255']
