"""Dates as Segment's facade and helpers treat them."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest

from integration.dates import (
    INVALID_DATE,
    UTC,
    created_date,
    dates_to_iso,
    epoch_seconds,
    is_iso,
    iso_strings_to_dates,
    parse_iso,
    to_iso,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2020-01-01", "2020-01-01T00:00:00.000Z"),
        ("2020-01-01T10:00:00+05:30", "2020-01-01T04:30:00.000Z"),
        ("2020-01-01T10:00:00-0130", "2020-01-01T11:30:00.000Z"),
        ("2020-01-01T10:00:00+05", "2020-01-01T05:00:00.000Z"),
        ("2020-01-01T10:00:00Z", "2020-01-01T10:00:00.000Z"),
        ("2020-01-01T10:00", "2020-01-01T10:00:00.000Z"),
        ("2020-01-01T1000", "2020-01-01T10:00:00.000Z"),
        ("2020-01-01T10:00:00.5Z", "2020-01-01T10:00:00.500Z"),
        ("2020-01-01T10:00:00,1234Z", "2020-01-01T10:00:00.123Z"),
        ("2020-02-30", "2020-03-01T00:00:00.000Z"),
        ("0020-06-01", "1920-06-01T00:00:00.000Z"),
    ],
)
def test_iso_looking_string_becomes_the_date_js_would_read(text: str, iso: str) -> None:
    assert is_iso(text)
    assert to_iso(parse_iso(text)) == iso


def test_space_separated_time_is_read_as_local_time_which_is_utc_here() -> None:
    assert parse_iso("2020-01-01 10:00:00") == utc(2020, 1, 1, 10)


@pytest.mark.parametrize(
    "value",
    [
        "2020",
        "20200101",
        "2020-1-1",
        "2020-01-01x",
        "2020-01-01T10",
        "2020-01-01\n",
        20200101,
        None,
    ],
)
def test_strings_that_are_not_iso_enough_and_non_strings_are_not_dates(value: object) -> None:
    assert not is_iso(value)


def test_iso_strings_become_dates_at_any_depth_and_input_is_not_mutated() -> None:
    message = {"a": "2020-01-01", "b": ["x", {"c": "2020-01-02T00:00:00Z"}], "n": 2020}
    converted = iso_strings_to_dates(message)
    assert converted == {"a": utc(2020, 1, 1), "b": ["x", {"c": utc(2020, 1, 2)}], "n": 2020}
    assert message["a"] == "2020-01-01"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        (utc(2017, 7, 14, 2, 40, 0, 123456), "2017-07-14T02:40:00.123Z"),
        (datetime(2017, 7, 14, 2, 40), "2017-07-14T02:40:00.000Z"),
        (
            datetime(2017, 7, 14, 4, 40, tzinfo=timezone(timedelta(hours=2))),
            "2017-07-14T02:40:00.000Z",
        ),
        (INVALID_DATE, "NaN-NaN-NaNTNaN:NaN:NaN.NZ"),
    ],
)
def test_to_iso_gives_javascripts_to_iso_string_form(value: datetime, iso: str) -> None:
    assert to_iso(value) == iso


def test_dates_to_iso_converts_dates_at_any_depth_in_a_copy() -> None:
    value = {"d": utc(2020, 1, 1), "l": [utc(2020, 1, 2), {"x": INVALID_DATE}], "s": "keep"}
    assert dates_to_iso(value) == {
        "d": "2020-01-01T00:00:00.000Z",
        "l": ["2020-01-02T00:00:00.000Z", {"x": "NaN-NaN-NaNTNaN:NaN:NaN.NZ"}],
        "s": "keep",
    }
    assert value["d"] == utc(2020, 1, 1)


def test_deep_nesting_of_a_thousand_levels_does_not_hit_the_recursion_limit() -> None:
    value: dict[str, object] = {}
    inner = value
    for _ in range(1000):
        inner["a"] = {}
        inner = inner["a"]  # type: ignore[assignment]
    inner["d"] = utc(2020, 1, 1)
    converted = dates_to_iso(value)
    for _ in range(1000):
        converted = converted["a"]
    assert converted == {"d": "2020-01-01T00:00:00.000Z"}


def test_cycles_are_copied_as_cycles_not_followed_forever() -> None:
    value: dict[str, object] = {"d": utc(2020, 1, 1)}
    value["self"] = value
    converted = dates_to_iso(value)
    assert converted["self"] is converted
    assert converted["d"] == "2020-01-01T00:00:00.000Z"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        (1500000000, "2017-07-14T02:40:00.000Z"),
        (1500000000000, "2017-07-14T02:40:00.000Z"),
        (31557599999, "2970-01-07T23:59:59.000Z"),
        (31557600000, "1971-01-01T06:00:00.000Z"),
        (1.5, "1970-01-01T00:00:01.500Z"),
        ("1500000000000", "2017-07-14T02:40:00.000Z"),
        ("1500000000", "2017-07-14T02:40:00.000Z"),
        ("2015-01-01", "2015-01-01T00:00:00.000Z"),
        (utc(2015, 1, 1), "2015-01-01T00:00:00.000Z"),
        ("not a date", "NaN-NaN-NaNTNaN:NaN:NaN.NZ"),
        ({"a": 1}, "NaN-NaN-NaNTNaN:NaN:NaN.NZ"),
        (math.nan, "NaN-NaN-NaNTNaN:NaN:NaN.NZ"),
        (1e300, "NaN-NaN-NaNTNaN:NaN:NaN.NZ"),
    ],
)
def test_created_numbers_below_31557600000_are_seconds_others_ms_strings_parsed(
    value: object, iso: str
) -> None:
    assert to_iso(created_date(value)) == iso


def test_epoch_seconds_has_millisecond_precision() -> None:
    assert epoch_seconds(utc(2024, 1, 2, 3, 4, 5, 678901)) == 1704164645.679
