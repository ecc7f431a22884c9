"""JavaScript value semantics, in plain Python: what the original integration relies on.

- `loose_key` / `loose_get`: obj-case lookup (Segment's helper): keys compared with every character
  outside ``[A-Za-z0-9.]`` removed and lower-cased; the first matching key in order wins.
- `truthy`, `js_string`, `strict_equal`, `js_keys`, `js_lower`: the bits of JS truthiness,
  ``String(x)``, ``===``, ``for…in`` key order and ``toLowerCase`` that decide what gets sent.

The number test (`is_number`) and numbers as text (``String(n)``, ``parseFloat``) are
jsnumbers.py's; the walk over nested values is walk.py's; dates are dates.py's.

A Python None stands for both null and undefined. Must not import js/pyodide, must not
perform any call on mixpanel.js, and must not mutate its arguments.
"""

from __future__ import annotations

import math
from datetime import datetime

from integration.dates import InvalidDate, js_date_string
from integration.jsnumbers import digit_end, is_number, number_string

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.")
_MAX_DEPTH = 64


# JavaScript's toLowerCase knows all of Unicode; MicroPython's str.lower only ASCII. There the
# bridge lends the browser's (handed to the destination as `lower`), asked only for text that
# is not plain ASCII.
FULL_LOWER = "\u00c9".lower() == "\u00e9"


def js_lower(text: str, lower: Callable[[str], str] | None = None) -> str:
    """``String.prototype.toLowerCase``: increments compare event and property names this way.
    `lower` is the browser's, for interpreters whose str.lower is ASCII-only (MicroPython)."""
    low = text.lower()
    if FULL_LOWER or lower is None:
        return low
    for char in low:
        if ord(char) > 127:
            return str(lower(text))
    return low


def normalize(key: Any) -> str:
    """obj-case's key normalisation: drop non-alphanumerics (but dots), lower-case."""
    return "".join(char for char in js_string(key) if char in _KEY_CHARS).lower()


def loose_key(obj: dict[Any, Any], name: str) -> Any:
    """The first key of `obj` matching `name` loosely, or None."""
    wanted = normalize(name)
    for key in obj:
        # normalize never makes a string longer (it keeps only ASCII characters, one each)
        if isinstance(key, str) and len(key) < len(wanted):
            continue
        if normalize(key) == wanted:
            return key
    return None


def loose_get(obj: dict[Any, Any], name: str) -> Any:
    """The value under the first loosely matching key (None when there is none)."""
    key = loose_key(obj, name)
    return None if key is None else obj[key]


def truthy(value: Any) -> bool:
    """JavaScript truthiness: objects and arrays are truthy even when empty."""
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def strict_equal(a: Any, b: Any) -> bool:
    """JavaScript ``===`` for JSON-like values (numbers compare by value, bool is not 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if is_number(a) and is_number(b):
        return bool(a == b)
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    return a is b


def js_string(value: Any, depth: int = 0) -> str:
    """``String(value)`` as JavaScript computes it for JSON-like values and dates."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_string(value)
    if isinstance(value, list):
        return _join(value, depth)
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, InvalidDate):
        return "Invalid Date"
    if isinstance(value, datetime):
        return js_date_string(value)
    return str(value)


def _join(items: list[Any], depth: int) -> str:
    if depth >= _MAX_DEPTH:
        return ""
    return ",".join("" if item is None else js_string(item, depth + 1) for item in items)


def is_index_key(key: str) -> bool:
    """True for the keys JavaScript orders first in objects (canonical array indices)."""
    if key == "0":
        return True
    canonical = key != "" and key[0] in "123456789" and digit_end(key, 0) == len(key)
    return canonical and int(key) < 4294967295


def js_keys(obj: dict[Any, Any]) -> list[Any]:
    """Keys in JavaScript ``for…in`` order: integer-like keys ascending, then the rest."""
    return ordered_keys(list(obj))


def ordered_keys(keys: list[Any]) -> list[Any]:
    """`keys` (in insertion order) as JavaScript orders an object's keys."""
    index = [k for k in keys if isinstance(k, str) and is_index_key(k)]
    index.sort(key=int)
    return index + [k for k in keys if not (isinstance(k, str) and is_index_key(k))]


def describe(value: Any) -> str:
    """A short human description of a value's JSON type, for console messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value[:40]}"' if len(value) <= 40 else f'"{value[:40]}…"'
    if isinstance(value, (int, float)):
        return number_string(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
