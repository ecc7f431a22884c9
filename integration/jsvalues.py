"""JavaScript value semantics, in plain Python: what the original integration relies on, and
the one number test and the one nested-value walker every module uses.

- `is_number`: a JSON number (``typeof x === "number"``): an int or float, never a bool.
- `deep_map` / `leaves`: THE walk over nested dicts and lists (iterative, so any depth; shared
  and cyclic references kept as such): a copy with every leaf mapped, or each leaf with its path.
- `loose_key` / `loose_get`: obj-case lookup (Segment's helper): keys compared with every character
  outside ``[A-Za-z0-9.]`` removed and lower-cased; the first matching key in order wins.
- `truthy`, `js_string`, `strict_equal`, `parse_float`, `js_keys`, `js_lower`: the bits of JS
  truthiness, ``String(x)``, ``===``, ``parseFloat``, ``for…in`` key order and
  ``toLowerCase`` that decide what gets sent.

Numbers as text (`number_string`, `parse_float`) are jsnumbers.py's, re-exported here.

A Python None stands for both null and undefined. Must not import js/pyodide, must not
perform any call on mixpanel.js, and must not mutate its arguments.
"""

from __future__ import annotations

import math
from datetime import datetime

from integration.jsnumbers import _float_prefix as _float_prefix  # for test_portable
from integration.jsnumbers import digit_end, number_string
from integration.jsnumbers import parse_float as parse_float

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any

_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.")
_MAX_DEPTH = 64


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
