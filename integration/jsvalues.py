"""JavaScript value semantics, in plain Python: what the original integration relies on, and
the one number test and the one nested-value walker every module uses.

- `is_number`: a JSON number (``typeof x === "number"``): an int or float, never a bool.
- `deep_map` / `leaves`: THE walk over nested dicts and lists (iterative, so any depth; shared
  and cyclic references kept as such): a copy with every leaf mapped, or each leaf with its path.
- `loose_key` / `loose_get`: obj-case lookup (spec 11.1): keys compared with every character
  outside ``[A-Za-z0-9.]`` removed and lower-cased; the first matching key in order wins.
- `truthy`, `js_string`, `strict_equal`, `parse_float`, `js_keys`, `js_lower`: the bits of JS
  truthiness, ``String(x)``, ``===``, ``parseFloat``, ``for…in`` key order and
  ``toLowerCase`` that decide what gets sent.

A Python None stands for both null and undefined. Must not import js/pyodide, must not
perform any call on mixpanel.js, and must not mutate its arguments.
"""

from __future__ import annotations

import math
import sys
from datetime import datetime

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.")
_JS_SPACE = " \t\n\r\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"  # noqa: E501
_MAX_DEPTH = 64
_SHORTEST_REPR = sys.implementation.name != "micropython"


# JavaScript's toLowerCase knows all of Unicode; MicroPython's str.lower only ASCII. There the
# bridge lends the browser's (handed to the destination as `lower`), asked only for text that
# is not plain ASCII.
FULL_LOWER = "\u00c9".lower() == "\u00e9"
OMIT: Any = object()  # a `deep_map` leaf function's answer: leave it out (None in a list)


def is_number(value: Any) -> bool:
    """``typeof value === "number"`` for a JSON value: int or float, and a bool is not one."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def deep_map(
    value: Any,
    leaf: Callable[[Any], Any],
    key: Callable[[Any], Any] | None = None,
    sequences: tuple[type, ...] = (list,),
) -> Any:
    """Copy dicts and `sequences` iteratively (shared and cyclic references kept as such; a
    sequence becomes a list), applying `leaf` to everything else and `key` to every dict key.
    A leaf answering `OMIT` is left out of its dict and is None in a list (JSON.stringify's
    rule for undefined)."""
    containers = (dict,) + sequences
    if not isinstance(value, containers):
        found = leaf(value)
        return None if found is OMIT else found
    copies: dict[int, Any] = {id(value): {} if isinstance(value, dict) else []}
    stack: list[tuple[Any, Any]] = [(value, copies[id(value)])]
    while stack:
        source, target = stack.pop()
        if isinstance(source, dict):  # one loop per kind: the per-item work is the cost
            for name, item in source.items():
                if isinstance(item, containers):
                    item = _copy_of(item, copies, stack)
                else:
                    item = leaf(item)
                    if item is OMIT:
                        continue
                target[name if key is None else key(name)] = item
        else:
            for item in source:
                if isinstance(item, containers):
                    target.append(_copy_of(item, copies, stack))
                else:
                    item = leaf(item)
                    target.append(None if item is OMIT else item)
    return copies[id(value)]


def _copy_of(item: Any, copies: dict[int, Any], stack: list[tuple[Any, Any]]) -> Any:
    """deep_map's copy of a container (made, and queued to be filled, on first sight)."""
    found = copies.get(id(item))
    if found is None:
        found = copies[id(item)] = {} if isinstance(item, dict) else []
        stack.append((item, found))
    return found


def leaves(value: Any) -> Iterator[tuple[str, Any]]:
    """Every value in `value` that is not a dict, list or tuple, with its path (``a.b[0]``),
    in document order; a container met again on its own path (a cycle) is not entered again."""
    stack: list[tuple[str, Any, tuple[int, ...]]] = [("", value, ())]
    while stack:
        path, item, open_ids = stack.pop()
        if not isinstance(item, (dict, list, tuple)):
            yield path, item
            continue
        if id(item) in open_ids:
            continue
        inner = open_ids + (id(item),)
        if isinstance(item, dict):
            children = [(f"{path}.{k}" if path else str(k), v) for k, v in item.items()]
        else:
            children = [(f"{path}[{i}]", v) for i, v in enumerate(item)]
        children.reverse()  # so the first child comes out first
        stack.extend((child_path, child, inner) for child_path, child in children)


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
    from integration.dates import InvalidDate  # imported here: dates uses deep_map

    if isinstance(value, InvalidDate):
        return "Invalid Date"
    if isinstance(value, datetime):
        from integration.dates import js_date_string

        return js_date_string(value)
    return str(value)


def _join(items: list[Any], depth: int) -> str:
    if depth >= _MAX_DEPTH:
        return ""
    return ",".join("" if item is None else js_string(item, depth + 1) for item in items)


def number_string(value: float) -> str:
    """JavaScript's Number#toString: integral values print without ".0"."""
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == math.floor(value) and abs(value) < 1e21:
        return str(int(value))
    return _float_string(repr(value) if _SHORTEST_REPR else _shortest(value))


def _shortest(value: float) -> str:
    """The fewest significant digits that read back as `value`: what CPython's repr gives and
    MicroPython's does not always (it prints some subnormals with 16 digits)."""
    for digits in range(1, 17):
        text = ("{:.%dg}" % digits).format(value)  # noqa: UP031
        if float(text) == value:
            return text
    return repr(value)


def _float_string(text: str) -> str:
    if "e" not in text:
        return text
    mantissa, exp_text = text.split("e")
    exponent = int(exp_text)
    sign = "-" if mantissa.startswith("-") else ""
    unsigned = mantissa.lstrip("-")
    digits = unsigned.replace(".", "")
    point = (unsigned.index(".") if "." in unsigned else len(unsigned)) + exponent
    if -6 < point <= 21:
        return sign + _place_point(digits, point)
    return f"{mantissa}e{'+' if exponent > 0 else '-'}{abs(exponent)}"


def _place_point(digits: str, point: int) -> str:
    if point <= 0:
        return "0." + "0" * -point + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return digits[:point] + "." + digits[point:]


def parse_float(text: str) -> float | None:
    """JavaScript parseFloat: the longest numeric prefix after leading space; None for NaN."""
    number = _float_prefix(text.lstrip(_JS_SPACE))
    if number is None:
        return None
    if number.lstrip("+-") == "Infinity":
        return -math.inf if number.startswith("-") else math.inf
    return float(number)


def _digit_end(text: str, start: int) -> int:
    while start < len(text) and "0" <= text[start] <= "9":
        start += 1
    return start


def _float_prefix(text: str) -> str | None:
    """The longest prefix of the form [+-](Infinity|digits[.digits]|.digits)[e[+-]digits]."""
    pos = 1 if text[:1] in ("+", "-") else 0
    if text.startswith("Infinity", pos):
        return text[: pos + 8]
    whole = _digit_end(text, pos)
    end = whole
    if text[end : end + 1] == ".":
        end = _digit_end(text, end + 1)
    if whole == pos and end <= pos + 1:
        return None
    exponent = end + (2 if text[end + 1 : end + 2] in ("+", "-") else 1)
    if text[end : end + 1] in ("e", "E") and _digit_end(text, exponent) > exponent:
        end = _digit_end(text, exponent)
    return text[:end]


def is_index_key(key: str) -> bool:
    """True for the keys JavaScript orders first in objects (canonical array indices)."""
    if key == "0":
        return True
    canonical = key != "" and key[0] in "123456789" and _digit_end(key, 0) == len(key)
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
