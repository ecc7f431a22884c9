"""Dates the way Segment's facade and helpers treat them (spec 4.6, 5 step 3, 11.2).

- `parse_iso` / `is_iso` / `iso_strings_to_dates`: the facade turns every string that starts
  with ``YYYY-MM-DD`` and matches the ISO-ish pattern into a date, at any depth. A time written
  after a space is read as *local* time in the browser; Python has no browser zone here, so
  "local" is UTC (the shim runs the facade in the page, where UTC is the honest default).
- `to_iso`: JavaScript ``Date#toISOString`` form ``YYYY-MM-DDTHH:MM:SS.mmmZ``; the invalid-date
  sentinel `INVALID_DATE` gives ``"NaN-NaN-NaNTNaN:NaN:NaN.NZ"`` like @segment/to-iso-string.
- `dates_to_iso`: deep copy with every date at any depth turned into that string.
- `created_date`: the ``created`` trait rule (numbers below 31557600000 are seconds, else ms).

Datetimes are timezone-aware UTC; naive ones are taken as UTC. Walks are iterative, so deep
nesting cannot raise RecursionError. Must not import js/pyodide and must not mutate its input.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# datetime.UTC is 3.11+ only and missing on MicroPython; one spelling kept here.
UTC = timezone.utc  # noqa: UP017
SECONDS_BELOW = 31557600000
_INVALID_ISO = "NaN-NaN-NaNTNaN:NaN:NaN.NZ"
_ISO = re.compile(
    r"([0-9]{4})(?:-?([0-9]{2})(?:-?([0-9]{2}))?)?"
    r"(?:([ T])([0-9]{2}):?([0-9]{2})(?::?([0-9]{2})(?:[,.]([0-9]+))?)?"
    r"(?:(Z)|([+-])([0-9]{2})(?::?([0-9]{2}))?)?)?"
)
_STRICT_START = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MILLIS = re.compile(r"[0-9]{13}")
_SECONDS = re.compile(r"[0-9]{10}")
_LEADING_INT = re.compile(r"\s*([+-]?[0-9]+)")


class InvalidDate:
    """JavaScript's invalid Date (``new Date(NaN)``): a date object with no time."""

    def __repr__(self) -> str:
        return "INVALID_DATE"


INVALID_DATE = InvalidDate()


def is_date(value: Any) -> bool:
    """True for a datetime or the invalid-date sentinel (JavaScript ``Date`` objects)."""
    return isinstance(value, (datetime, InvalidDate))


def is_iso(text: Any) -> bool:
    """The facade's strict test: ``YYYY-MM-DD`` first, then the whole ISO-ish pattern."""
    if not isinstance(text, str) or _STRICT_START.match(text) is None:
        return False
    return _ISO.fullmatch(text) is not None


def parse_iso(text: str) -> datetime | InvalidDate:
    """@segment/isodate's parse, including Date.UTC's roll-over of out-of-range fields."""
    found = _ISO.fullmatch(text)
    if found is None:
        return INVALID_DATE
    g = found.groups()
    fraction = int((g[7] + "00")[:3]) if g[7] else 0
    offset = 0 if g[3] == " " or g[8] == "Z" or not g[9] else _offset_minutes(g)
    month = int(g[1] or 1) - 1
    fields = (int(g[0]), month, int(g[2] or 1), int(g[4] or 0), int(g[5] or 0) + offset)
    return _utc(*fields, int(g[6] or 0), fraction)


def _offset_minutes(groups: tuple[Any, ...]) -> int:
    minutes = int(groups[10]) * 60 + int(groups[11] or 0)
    return -minutes if groups[9] == "+" else minutes


def _utc(
    year: int, month: int, day: int, hour: int, minute: int, second: int, ms: int
) -> datetime | InvalidDate:
    """Date.UTC: years 0-99 mean 19xx, every field may overflow into the next."""
    year = year + 1900 if 0 <= year <= 99 else year
    year, month = year + month // 12, month % 12
    try:
        start = datetime(year, month + 1, 1, tzinfo=UTC)
        return start + timedelta(
            days=day - 1, hours=hour, minutes=minute, seconds=second, milliseconds=ms
        )
    except (ValueError, OverflowError):
        return INVALID_DATE


def from_millis(ms: float) -> datetime | InvalidDate:
    """``new Date(ms)`` for a number of milliseconds since the epoch."""
    if math.isnan(ms) or math.isinf(ms):
        return INVALID_DATE
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(ms))
    except (ValueError, OverflowError):
        return INVALID_DATE


def created_date(value: Any) -> datetime | InvalidDate:
    """new-date as the facade's ``created()`` uses it; anything unreadable is INVALID_DATE."""
    if is_date(value):
        return as_utc(value) if isinstance(value, datetime) else INVALID_DATE
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return from_millis(value * 1000 if value < SECONDS_BELOW else value)
    if isinstance(value, str):
        return _date_from_string(value)
    return INVALID_DATE


def _date_from_string(text: str) -> datetime | InvalidDate:
    if is_iso(text):
        return parse_iso(text)
    leading = _LEADING_INT.match(text)
    if _MILLIS.search(text) and leading:
        return from_millis(int(leading.group(1)))
    if _SECONDS.search(text) and leading:
        return from_millis(int(leading.group(1)) * 1000)
    return INVALID_DATE


def as_utc(value: datetime) -> datetime:
    """Aware UTC datetime; a naive one is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_iso(value: datetime | InvalidDate) -> str:
    """``Date#toISOString``: UTC, milliseconds, ``Z``."""
    if isinstance(value, InvalidDate):
        return _INVALID_ISO
    utc = as_utc(value)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def epoch_seconds(value: datetime) -> float:
    """Seconds since the epoch with millisecond precision (Mixpanel's ``time`` property)."""
    return round(as_utc(value).timestamp(), 3)


def _leaf_to_iso(value: Any) -> Any:
    return to_iso(value) if is_date(value) else value


def _leaf_from_iso(value: Any) -> Any:
    return parse_iso(value) if is_iso(value) else value


def dates_to_iso(value: Any) -> Any:
    """Deep copy of `value` with every date, at any depth, as its ISO string."""
    return deep_map(value, _leaf_to_iso)


def iso_strings_to_dates(value: Any) -> Any:
    """Deep copy of `value` with every ISO-looking string, at any depth, as a datetime."""
    return deep_map(value, _leaf_from_iso)


def deep_map(value: Any, leaf: Callable[[Any], Any]) -> Any:
    """Copy dicts and lists iteratively (shared and cyclic references kept as such),
    applying `leaf` to everything else."""
    if not isinstance(value, (dict, list)):
        return leaf(value)
    copies: dict[int, Any] = {id(value): _empty_like(value)}
    stack = [(value, copies[id(value)])]
    while stack:
        source, target = stack.pop()
        for key, item in _items(source):
            if isinstance(item, (dict, list)):
                if id(item) not in copies:
                    copies[id(item)] = _empty_like(item)
                    stack.append((item, copies[id(item)]))
                item = copies[id(item)]
            else:
                item = leaf(item)
            _put(target, key, item)
    return copies[id(value)]


def _empty_like(value: dict[Any, Any] | list[Any]) -> dict[Any, Any] | list[Any]:
    return {} if isinstance(value, dict) else []


def _items(value: dict[Any, Any] | list[Any]) -> Any:
    return value.items() if isinstance(value, dict) else enumerate(value)


def _put(target: dict[Any, Any] | list[Any], key: Any, item: Any) -> None:
    if isinstance(target, dict):
        target[key] = item
    else:
        target.append(item)
