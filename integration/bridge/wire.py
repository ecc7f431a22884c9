"""The wire format between the JS loader and Python: JSON with a few tagged values.

JavaScript values that JSON cannot carry travel as one-key objects tagged by the key "\\u0000"
(see static/analytics.js): Dates, callbacks, cycles, non-finite numbers, BigInt, and things with
no JSON form (Symbols, DOM nodes). A page's own keys that start with "\\u0000" are escaped by one
more "\\u0000". Decoding returns plain Python values plus the list of problems met, so the caller
can report them naming the call. Pure Python: no js/pyodide imports (the bridge does the I/O).
"""

from __future__ import annotations

import json
import math
import sys
from datetime import datetime, timezone

from integration.dates import EPOCH, INVALID_DATE
from integration.walk import deep_map

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

MARK = "\u0000"
_ESCAPED_MARK = "\\u0000"  # how JSON text writes MARK (JSON.stringify and json.dumps escape it)
CIRCULAR = "[Circular]"
# CPython's json.dumps refuses NaN and what it cannot write; MicroPython's has no allow_nan and
# writes some values it does not know, so there every value goes through _prepare.
_STRICT_DUMPS = sys.implementation.name != "micropython"
TOO_DEEP = "[Too deep]"


class JsFunction:
    """A JS function argument: callable from Python when the loader registered it (an id)."""

    def __init__(self, fn_id: int | None, invoke: Callable[[int, str], None] | None) -> None:
        self.fn_id = fn_id
        self._invoke = invoke

    def __call__(self, *args: Any) -> None:
        if self.fn_id is not None and self._invoke is not None:
            self._invoke(self.fn_id, encode(list(args)))

    def __repr__(self) -> str:
        return f"JsFunction({self.fn_id})"


def _from_ms(ms: Any) -> Any:
    if not isinstance(ms, (int, float)):
        return INVALID_DATE
    try:
        return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return INVALID_DATE


class _Decoder:
    def __init__(self, invoke: Callable[[int, str], None] | None) -> None:
        self.invoke = invoke
        self.problems: list[str] = []

    def tagged(self, kind: str, value: Any) -> Any:
        if kind == "date":
            return INVALID_DATE if value is None else _from_ms(value)
        if kind == "fn":
            return JsFunction(value, self.invoke)
        if kind == "num":
            return float(value.replace("Infinity", "inf")) if isinstance(value, str) else math.nan
        return self.lossy(kind, value)

    def lossy(self, kind: str, value: Any) -> Any:
        if kind == "cycle":
            self.problems.append(f'a circular reference was replaced by "{CIRCULAR}"')
            return CIRCULAR
        if kind == "deep":
            self.problems.append(f'nesting deeper than 64 levels was replaced by "{TOO_DEEP}"')
            return TOO_DEEP
        if kind == "unreadable":
            self.problems.append("an object threw when read (getter or Proxy); sent as null")
            return None
        if kind == "bigint":
            self.problems.append("a BigInt was sent as a string")
            return str(value)
        self.problems.append(f"a {value or kind} value has no JSON form and was dropped")
        return None

    def hook(self, obj: dict[str, Any]) -> Any:
        if MARK in obj and len(obj) <= 2 and set(obj) <= {MARK, "v"}:
            return self.tagged(obj[MARK], obj.get("v"))
        if any(key.startswith(MARK) for key in obj):
            return {(k[1:] if k.startswith(MARK) else k): v for k, v in obj.items()}
        return obj


def decode(text: str, invoke: Callable[[int, str], None] | None = None) -> tuple[Any, list[str]]:
    """Wire JSON → (Python value, problems)."""
    value = json.loads(text)
    if MARK not in text and _ESCAPED_MARK not in text:  # no tag and no escaped key: as parsed
        return value, []
    decoder = _Decoder(invoke)
    return _revive(value, decoder.hook), decoder.problems


def _revive(value: Any, hook: Callable[[dict[str, Any]], Any]) -> Any:
    """json.loads' object_hook, applied afterwards (MicroPython's json has no hooks): every
    object, innermost first, is replaced by hook(object). Iterative, as deep as JSON goes."""
    if not isinstance(value, (dict, list)):
        return value
    root = [value]
    stack: list[tuple[Any, Any, bool]] = [(root, 0, False)]
    while stack:
        parent, key, done = stack.pop()
        item = parent[key]
        if done:
            parent[key] = hook(item)
            continue
        if isinstance(item, dict):
            stack.append((parent, key, True))
        keys = list(item) if isinstance(item, dict) else list(range(len(item)))
        keys.reverse()  # so the first child is finished first, in document order
        stack.extend((item, k, False) for k in keys if isinstance(item[k], (dict, list)))
    return root[0]


def _other(value: Any) -> Any:
    """Values with no JSON form: dates tagged, sets as lists, anything else as its str()."""
    if value is INVALID_DATE:
        return {MARK: "date", "v": None}
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        delta = aware - EPOCH
        micros = (delta.days * 86400 + delta.seconds) * 1000000 + delta.microseconds
        return {MARK: "date", "v": (micros + 500) // 1000}
    if isinstance(value, (set, frozenset)):
        return _prepare(list(value))
    if isinstance(value, JsFunction):  # a page function going back: its tag again
        return {MARK: "fn", "v": value.fn_id}
    return str(value)


def _leaf(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # the usual ones, first
        return value
    if isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None  # JSON has no NaN
    return _other(value)


def _key(key: Any) -> Any:
    if type(key) is str:
        return MARK + key if key.startswith(MARK) else key
    return MARK + str(key) if str(key).startswith(MARK) else key


def _prepare(value: Any) -> Any:
    """JSON-ready copy: non-finite floats become null, keys that start with MARK are escaped,
    everything json.dumps cannot write goes through `_other`. Done before json.dumps, because
    MicroPython's json has no `default=`."""
    return deep_map(value, _leaf, _key, (list, tuple))


def encode(args: list[Any]) -> str:
    """Python values → wire JSON for the loader (datetimes become JS Dates there)."""
    if _STRICT_DUMPS:  # already plain JSON (no NaN, no date, no MARK anywhere): as it is
        try:
            text = json.dumps(args, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError):
            pass
        else:
            if _ESCAPED_MARK not in text:
                return text
    elif _is_plain(args):
        return json.dumps(args, separators=(",", ":"))
    return json.dumps(_prepare(args), separators=(",", ":"))


_PLAIN_CONTAINERS = 1000  # past this many (a cycle, or just big): _prepare decides


def _is_plain(value: Any) -> bool:
    """True when `_prepare` would copy `value` unchanged: only exact dicts with str keys not
    starting with MARK, exact lists, and str/int/bool/None/finite floats. No allocation per
    leaf, no call per leaf (the walk MicroPython pays for instead of _prepare's copy)."""
    stack = [value]
    seen = 0
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            for key in item:
                if type(key) is not str or key.startswith(MARK):
                    return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is float:
            if not math.isfinite(item):
                return False
            continue
        elif item is None or kind is str or kind is int or kind is bool:
            continue
        else:
            return False
        seen += 1
        if seen > _PLAIN_CONTAINERS:
            return False
    return True
