"""The checks of the settings peers offer (RudderStack's names and export shape) and the
loader's; the list settings (names or rows) are settings.py's `_names`.

Each check takes the value as given (never null: settings.py gives null the default) and
returns the value to use, or raises ``ValueError(wanted)``, ``wanted`` saying what it takes
("true or false", "a number of days above 0", …). `PEER_CHECKS` maps each setting to its check;
`template_parts` splits a page / screen event name template (events.py uses it too).

Must not report anything, know any default or look at another setting (settings.py does),
must not import js/pyodide and must not call mixpanel.js.
"""

from __future__ import annotations

import json

from integration.dates import _leading_int  # JavaScript's parseInt(text, 10)

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

PLACEHOLDERS = ("category", "name")


def _choice(*allowed: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value in allowed and isinstance(value, str):
            return value
        raise ValueError(" or ".join(json.dumps(a) for a in allowed))

    return check


def _bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    raise ValueError("true or false")


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return value
    raise ValueError("a string")


def template_parts(template: str) -> list[str] | None:
    """Literal text at even indexes, placeholder names at odd ones; None when a ``{{`` is not
    closed or names anything but category / name."""
    parts: list[str] = []
    rest = template
    while True:
        start = rest.find("{{")
        if start < 0:
            parts.append(rest)
            return parts
        end = rest.find("}}", start + 2)
        name = rest[start + 2 : end].strip() if end >= 0 else ""
        if name not in PLACEHOLDERS:
            return None
        parts.append(rest[:start])
        parts.append(name)
        rest = rest[end + 2 :]


def _template(value: Any) -> Any:
    if isinstance(value, str) and value.strip() and template_parts(value) is not None:
        return value
    raise ValueError("a text using only {{ category }} and {{ name }}")


def _days(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return value
    raise ValueError("a number of days above 0")


def _percent(value: Any) -> Any:
    """A whole number from 0 to 100, read as RudderStack reads it (JavaScript's parseInt):
    "50.7" and 50.7 are 50; the dashboard stores it as a string."""
    number = _leading_int(value) if isinstance(value, str) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and -1e9 < value < 1e9:
        number = int(value)  # toward zero, as parseInt; NaN and infinities fail the test
    if number is not None and 0 <= number <= 100:
        return number
    raise ValueError("a number from 0 to 100")


def _bundle(value: Any) -> Any:
    url = value.get("mixpanel") if isinstance(value, dict) else None
    absolute = isinstance(url, str) and (url[:8] == "https://" or url[:7] == "http://")
    if absolute and isinstance(url, str) and url.endswith("/"):
        return url
    raise ValueError('{"mixpanel": an absolute URL ending in "/"}')


_NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"


def _instance(value: Any) -> Any:
    ok = isinstance(value, str) and 0 < len(value) <= 64  # MicroPython's str has no isalnum
    if ok and isinstance(value, str) and all(c in _NAME_CHARS for c in value):
        return value
    raise ValueError("a name of letters, digits and _")


PEER_CHECKS: dict[str, Callable[[Any], Any]] = {
    "identityMergeApi": _choice("original", "simplified"),
    "useUserDefinedPageEventName": _bool,
    "userDefinedPageEventTemplate": _template,
    "useUserDefinedScreenEventName": _bool,
    "userDefinedScreenEventTemplate": _template,
    "eventFilteringOption": _choice("disable", "whitelistedEvents", "blacklistedEvents"),
    "groupTraitsMethod": _choice("set_once", "set"),
    "persistenceType": _choice("cookie", "localStorage", "none"),
    "persistenceName": _text,
    "cookieDomain": _text,
    "cookieExpiration": _days,
    "crossSiteCookie": _bool,
    "sessionReplayPercentage": _percent,
    "_bundle": _bundle,
    "_instance": _instance,
}
