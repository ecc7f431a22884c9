"""Make a payload safe for mixpanel.js just before the call, and say what was changed.

mixpanel.js (verified against 2.83.0) mishandles some values; `sanitize` returns a cleaned
copy plus one plain-English problem per change or risk:

- functions are dropped (mixpanel.js would send ``{}``); in lists they become None;
- a repeated container on the current path (a cycle) becomes the string ``"[Circular]"``;
- a ``length`` key, at any depth, is renamed to ``"length_"`` (more underscores if that name
  is taken): mixpanel.js treats an object with ``length`` as an array and sends it empty;
- NaN and ±Infinity become None (JSON has no such numbers);
- strings longer than 255 UTF-16 units are *reported only*: mixpanel.js cuts them itself;
- a ``__proto__`` key (a JSON.parse'd object can have one) is renamed the same way: mixpanel.js
  copies properties by assignment, which sets the prototype instead and loses the value;
- a ``bucket`` key is reported only: Mixpanel's interface hides it;
- containers nested deeper than `MAX_DEPTH` become ``"[Too deep]"``.

Dates (datetimes and the invalid-date sentinel) pass through untouched: converting them is
the mapping's job, and ``people.set("Last X", now)`` must stay a date. Must not import
js/pyodide, must not mutate its input, must not report anything itself.
"""

from __future__ import annotations

import math

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from typing import Any

MAX_DEPTH = 64
MAX_STRING = 255
LENGTH_KEY = "length"
PROTO_KEY = "__proto__"
CIRCULAR = "[Circular]"
TOO_DEEP = "[Too deep]"
_MAX_PATH = 60


def sanitize(value: Any, payload: str = "payload") -> tuple[Any, list[str]]:
    """Cleaned copy of `value` and the list of problems found, in document order.

    `payload` names what a top-level ``length`` would cost (e.g. "event").
    """
    walker = _Walker(payload)
    return walker.clean(value, "", 0), walker.problems


_ASTRAL_LEADS = tuple(bytes([lead]) for lead in range(0xF0, 0xF5))


def utf16_length(text: str) -> int:
    """String length as JavaScript counts it (astral characters count twice).

    Counted in the UTF-8 bytes, where each astral character starts with a byte 0xF0-0xF4:
    bytes.count runs at C speed on MicroPython too (a loop over the characters takes seconds
    there for a 1 MB string). "surrogatepass" keeps a lone surrogate (1 unit) encodable.
    """
    data = text.encode("utf-8", "surrogatepass")
    return len(text) + sum(data.count(lead) for lead in _ASTRAL_LEADS)


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _subject(path: str) -> str:
    if not path:
        return "the value"
    shown = path if len(path) <= _MAX_PATH else "…" + path[-_MAX_PATH:]
    return f'property "{shown}"'


class _Walker:
    def __init__(self, payload: str) -> None:
        self.payload = payload
        self.problems: list[str] = []
        self._open: set[int] = set()

    def report(self, path: str, text: str) -> None:
        self.problems.append(f"{_subject(path)} {text}")

    def clean(self, value: Any, path: str, depth: int) -> Any:
        if isinstance(value, (dict, list, tuple)):
            return self._container(value, path, depth)
        if isinstance(value, float) and not math.isfinite(value):
            self.report(path, f"is {_number_name(value)}; sent as null")
            return None
        if isinstance(value, str) and len(value) > MAX_STRING // 2:
            length = utf16_length(value)
            if length > MAX_STRING:
                cut = f"mixpanel.js cuts it to {MAX_STRING}"
                self.report(path, f"is {length} characters long; {cut}")
        return value

    def _container(self, value: Any, path: str, depth: int) -> Any:
        if id(value) in self._open:
            self.report(path, f'is a circular reference; sent as "{CIRCULAR}"')
            return CIRCULAR
        if depth >= MAX_DEPTH:
            self.report(path, f'is nested deeper than {MAX_DEPTH} levels; sent as "{TOO_DEEP}"')
            return TOO_DEEP
        self._open.add(id(value))
        try:
            if isinstance(value, dict):
                return self._dict(value, path, depth)
            return self._list(value, path, depth)
        finally:
            self._open.discard(id(value))

    def _dict(self, value: dict[Any, Any], path: str, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key, item in value.items():
            here = _join(path, key)
            if is_function(item):
                self.report(here, "is a function; dropped")
                continue
            if key == "bucket":
                self.report(here, "is hidden by Mixpanel's interface; consider another name")
            name = self._rename(key, value, out, here, depth)
            out[name] = self.clean(item, here, depth + 1)
        return out

    def _rename(
        self, key: Any, source: dict[Any, Any], out: dict[Any, Any], here: str, depth: int
    ) -> Any:
        if key not in (LENGTH_KEY, PROTO_KEY):
            return key
        name = key + "_"
        while name in source or name in out:
            name += "_"
        if key == PROTO_KEY:
            cost = "would lose it: assigning it sets the prototype"
        elif depth == 0:
            cost = f"would drop the whole {self.payload}"
        else:
            cost = "would send that object empty"
        self.report(here, f'renamed to "{name}" (mixpanel.js {cost})')
        return name

    def _list(self, value: list[Any] | tuple[Any, ...], path: str, depth: int) -> list[Any]:
        out: list[Any] = []
        for index, item in enumerate(value):
            here = f"{path}[{index}]"
            if is_function(item):
                self.report(here, "is a function; sent as null")
                out.append(None)
            else:
                out.append(self.clean(item, here, depth + 1))
        return out


def is_function(value: Any) -> bool:
    """A callable value (a page function arrives as one), not a class."""
    return callable(value) and not isinstance(value, type)


def _number_name(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"
