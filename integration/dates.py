"""Dates the way Segment's facade and helpers treat them: ISO-looking strings in a message,
the ``created`` trait, and dates sent as ISO strings.

- `parse_iso` / `is_iso` / `iso_strings_to_dates`: the facade turns every string that starts
  with ``YYYY-MM-DD`` and matches the ISO-ish pattern into a date, at any depth. A time written
  after a space is read as *local* time in the browser; Python has no browser zone here, so
  "local" is UTC (the shim runs the facade in the page, where UTC is the honest default).
- `to_iso`: JavaScript ``Date#toISOString`` form ``YYYY-MM-DDTHH:MM:SS.mmmZ``; the invalid-date
  sentinel `INVALID_DATE` gives ``"NaN-NaN-NaNTNaN:NaN:NaN.NZ"`` like @segment/to-iso-string.
- `dates_to_iso`: deep copy with every date at any depth turned into that string.
- `created_date`: the ``created`` trait rule (numbers below 31557600000 are seconds, else ms).

Datetimes are timezone-aware UTC; naive ones are taken as UTC. Walks are walk.deep_map's
(iterative, so deep nesting cannot raise RecursionError). Must not import js/pyodide and must
not mutate its input.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from integration.jsnumbers import is_number
from integration.walk import deep_map

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from typing import Any

# datetime.UTC is 3.11+ only and missing on MicroPython; one spelling kept here.
UTC = timezone.utc  # noqa: UP017
SECONDS_BELOW = 31557600000
_INVALID_ISO = "NaN-NaN-NaNTNaN:NaN:NaN.NZ"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Python's \s (str.isspace): the same set on every interpreter, whatever its Unicode tables.
SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


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
    if not isinstance(text, str) or not _strict_start(text):
        return False
    return _iso_groups(text) is not None


def parse_iso(text: str) -> datetime | InvalidDate:
    """@segment/isodate's parse, including Date.UTC's roll-over of out-of-range fields."""
    g = _iso_groups(text)
    if g is None:
        return INVALID_DATE
    fraction = int((g[7] + "00")[:3]) if g[7] else 0
    offset = 0 if g[3] == " " or g[8] == "Z" or not g[9] else _offset_minutes(g)
    month = int(g[1] or 1) - 1
    fields = (int(g[0]), month, int(g[2] or 1), int(g[4] or 0), int(g[5] or 0) + offset)
    return _utc(*fields, int(g[6] or 0), fraction)


def _digits(text: str, start: int, count: int) -> str | None:
    """`count` ASCII digits at `start`, or None."""
    part = text[start : start + count]
    return part if len(part) == count and _all_digits(part) else None


def _all_digits(text: str) -> bool:
    return all("0" <= char <= "9" for char in text)


def _digit_run(text: str, start: int) -> int:
    """The end of the run of ASCII digits that starts at `start`."""
    end = start
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    return end


def _strict_start(text: str) -> bool:
    """``YYYY-MM-DD`` at the start."""
    return (
        _all_digits(text[:4] + text[5:7] + text[8:10])
        and text[4:5] + text[7:8] == "--"
        and len(text) >= 10
    )


def _two(text: str, pos: int, separator: str) -> tuple[str | None, int]:
    """An optional `separator` then two digits at `pos`: (digits, new position) or (None, pos)."""
    start = pos + 1 if text[pos : pos + 1] == separator else pos
    found = _digits(text, start, 2)
    return (found, start + 2) if found is not None else (None, pos)


def _iso_groups(text: str) -> list[Any] | None:
    """@segment/isodate's pattern, matched against the whole text (None when it does not).

    The 12 groups: year, month, day, time separator, hour, minute, second, fraction, "Z",
    offset sign, offset hours, offset minutes. Every optional part starts with a character
    the part after it cannot start with, so one greedy pass decides the match."""
    g: list[Any] = [None] * 12
    g[0] = _digits(text, 0, 4)
    if g[0] is None:
        return None
    g[1], pos = _two(text, 4, "-")
    if g[1] is not None:
        g[2], pos = _two(text, pos, "-")
    if pos < len(text) and text[pos] in " T":
        pos = _iso_time(text, pos, g)
    return g if pos == len(text) else None


def _iso_time(text: str, pos: int, g: list[Any]) -> int:
    """The time part from `pos` (a space or "T") into `g`; returns where it ends (or -1)."""
    g[3], g[4] = text[pos], _digits(text, pos + 1, 2)
    g[5], end = _two(text, pos + 3, ":")
    if g[4] is None or g[5] is None:
        return -1
    g[6], pos = _two(text, end, ":")
    if (
        g[6] is not None
        and text[pos : pos + 1] in (",", ".")
        and _digit_run(text, pos + 1) > pos + 1
    ):
        g[7], pos = text[pos + 1 : _digit_run(text, pos + 1)], _digit_run(text, pos + 1)
    if text[pos : pos + 1] == "Z":
        g[8], pos = "Z", pos + 1
    elif text[pos : pos + 1] in ("+", "-") and _digits(text, pos + 1, 2) is not None:
        g[9], g[10] = text[pos], text[pos + 1 : pos + 3]
        g[11], pos = _two(text, pos + 3, ":")
    return pos


def _offset_minutes(groups: list[Any]) -> int:
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
    if is_number(value):
        return from_millis(value * 1000 if value < SECONDS_BELOW else value)
    if isinstance(value, str):
        return _date_from_string(value)
    return INVALID_DATE


def _date_from_string(text: str) -> datetime | InvalidDate:
    if is_iso(text):
        return parse_iso(text)
    leading = _leading_int(text)
    if leading is not None and _longest_digit_run(text) >= 13:
        return from_millis(leading)
    if leading is not None and _longest_digit_run(text) >= 10:
        return from_millis(leading * 1000)
    return INVALID_DATE


def _leading_int(text: str) -> int | None:
    """The integer after leading white space (an optional sign, ASCII digits), or None."""
    pos = 0
    while pos < len(text) and text[pos] in SPACE:
        pos += 1
    sign = -1 if text[pos : pos + 1] == "-" else 1
    start = pos + 1 if text[pos : pos + 1] in ("+", "-") else pos
    end = _digit_run(text, start)
    return sign * int(text[start:end]) if end > start else None


def _longest_digit_run(text: str) -> int:
    longest, pos = 0, 0
    while pos < len(text):
        end = _digit_run(text, pos)
        longest, pos = max(longest, end - pos), max(end, pos + 1)
    return longest


def as_utc(value: datetime) -> datetime:
    """Aware UTC datetime; a naive one is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_iso(value: datetime | InvalidDate) -> str:
    """``Date#toISOString``: UTC, milliseconds, ``Z``."""
    if isinstance(value, InvalidDate):
        return _INVALID_ISO
    u = as_utc(value)
    day = f"{u.year:04d}-{u.month:02d}-{u.day:02d}"
    return f"{day}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}.{u.microsecond // 1000:03d}Z"


def js_date_string(value: datetime) -> str:
    """``Date#toString`` in a UTC browser, e.g. ``Thu Jan 02 2020 03:04:05 GMT+0000 (…)``."""
    u = as_utc(value)
    day = f"{_DAYS[u.weekday()]} {_MONTHS[u.month - 1]} {u.day:02d} {u.year:04d}"
    return f"{day} {u.hour:02d}:{u.minute:02d}:{u.second:02d} GMT+0000 (Coordinated Universal Time)"


def epoch_seconds(value: datetime) -> float:
    """Seconds since the epoch with millisecond precision (Mixpanel's ``time`` property)."""
    delta = as_utc(value) - EPOCH
    micros = (delta.days * 86400 + delta.seconds) * 1000000 + delta.microseconds
    return ((micros + 500) // 1000) / 1000


_DATES = (datetime, InvalidDate)


def _leaf_to_iso(value: Any) -> Any:
    return to_iso(value) if isinstance(value, _DATES) else value


def _leaf_from_iso(value: Any) -> Any:
    # The cheap half of _strict_start first: most strings are not dates, and most leaves not
    # strings (the full test, then the parse, only for "D...-" of 10 characters or more).
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and "0" <= value[0] <= "9":
        return parse_iso(value) if is_iso(value) else value
    return value


def dates_to_iso(value: Any) -> Any:
    """Deep copy of `value` with every date, at any depth, as its ISO string."""
    return deep_map(value, _leaf_to_iso)


_LOOK_AT_MOST = 1000  # containers; past that (a cycle, or just big) `may_hold_dates` says True


def may_hold_dates(value: Any) -> bool:
    """False only when `dates_to_iso(value)` would equal `value` in every part and type: exact
    dicts and lists holding no date. A walk without copies, for callers that own `value`."""
    stack = [value]
    seen = 0
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif isinstance(item, (dict, list, datetime, InvalidDate)):  # a date, or a subclass
            return True  # of dict/list (which dates_to_iso copies as a plain one)
        else:
            continue
        seen += 1
        if seen > _LOOK_AT_MOST:
            return True
    return False


def iso_strings_to_dates(value: Any) -> Any:
    """Deep copy of `value` with every ISO-looking string, at any depth, as a datetime."""
    return deep_map(value, _leaf_from_iso)
