"""JavaScript numbers, in plain Python: the one number test, ``Number#toString`` and
``parseFloat``.

- `is_number`: a JSON number (``typeof x === "number"``): an int or float, never a bool.
- `number_string`: ``String(n)`` for a number: integral values without ".0", NaN, ±Infinity,
  and JavaScript's choice between plain and exponent notation, from the shortest repr (worked
  out digit by digit where MicroPython's repr is not the shortest).
- `parse_float`: ``parseFloat(text)``: the longest numeric prefix after JavaScript's leading
  white space; None for NaN.
- `digit_end`: where a run of ASCII digits ends (jsvalues' index-key test uses it too).

jsvalues.py's `js_string` / `describe` use `number_string`. Must not import js/pyodide, must
not import any other integration module (jsvalues and dates import this one), must not perform
any call on mixpanel.js.
"""

from __future__ import annotations

import math
import sys

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from typing import Any

_JS_SPACE = " \t\n\r\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"  # noqa: E501
_SHORTEST_REPR = sys.implementation.name != "micropython"


def is_number(value: Any) -> bool:
    """``typeof value === "number"`` for a JSON value: int or float, and a bool is not one."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


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


def digit_end(text: str, start: int) -> int:
    """The index after the run of ASCII digits that starts at `start`."""
    while start < len(text) and "0" <= text[start] <= "9":
        start += 1
    return start


def _float_prefix(text: str) -> str | None:
    """The longest prefix of the form [+-](Infinity|digits[.digits]|.digits)[e[+-]digits]."""
    pos = 1 if text[:1] in ("+", "-") else 0
    if text.startswith("Infinity", pos):
        return text[: pos + 8]
    whole = digit_end(text, pos)
    end = whole
    if text[end : end + 1] == ".":
        end = digit_end(text, end + 1)
    if whole == pos and end <= pos + 1:
        return None
    exponent = end + (2 if text[end + 1 : end + 2] in ("+", "-") else 1)
    if text[end : end + 1] in ("e", "E") and digit_end(text, exponent) > exponent:
        end = digit_end(text, exponent)
    return text[:end]
