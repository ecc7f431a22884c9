"""The contract between the page, the loader, the QA console and Python, as data.

Only this module spells out the analytics.js methods, their argument order, the storage keys
and the runtime files. The build (devtools/) writes it as JSON into the bundle (the loader's
method list, the console's forms and settings rows); a unit test checks every consumer agrees.
Must not import anything but the standard library's json, and must not do I/O.
"""

from __future__ import annotations

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from typing import Any

# Calls the stub queues and Python answers, with analytics.js's positional argument order.
METHODS: dict[str, tuple[str, ...]] = {
    "identify": ("user_id", "traits", "options", "callback"),
    "track": ("event", "properties", "options", "callback"),
    "page": ("category", "name", "properties", "options", "callback"),
    "alias": ("user_id", "previous_id", "options", "callback"),
    "group": ("group_id", "traits", "options", "callback"),
    "reset": (),
    "consent": ("granted",),
    "screen": ("category", "name", "properties", "options", "callback"),
    "setAnonymousId": ("anonymous_id",),
    "pageview": ("url",),
}
# Calls the stub answers itself (no queueing): boot, readiness, listeners, diagnostics.
STUB_METHODS = ("load", "ready", "on", "once", "off", "debug", "user")

# Browser storage keys. Cookies hold the ids, as analytics.js; localStorage the rest.
STORAGE: dict[str, str] = {
    "user_id": "ajs_user_id",
    "anonymous_id": "ajs_anonymous_id",
    "user_traits": "ajs_user_traits",
    "group_id": "ajs_group_id",
    "group_traits": "ajs_group_properties",
    "consent": "ajs_consent",  # the visitor's stored decision: "1" or "0"; read by the stub
    "carry": "ajs_pending_calls",  # calls carried to the next page; written by the stub
}
COOKIE_KEYS = ("user_id", "anonymous_id", "group_id")

# The files each runtime needs, by their key in the bundle's `files` map (see devtools/).
RUNTIME_FILES: dict[str, tuple[str, ...]] = {
    "micropython": ("micropython", "mpy", "mixpanel"),
    "pyodide": ("pyodide", "stdlib", "package", "mixpanel"),
}

# The settings table: rows of (name, kind, default, one-line help). Filled in from
# mixpanel/settings.py by the architecture change.
SETTINGS: tuple[tuple[str, str, Any, str], ...] = ()


def as_json() -> dict[str, Any]:
    """Everything above, as the JSON the build writes into the bundle."""
    return {
        "methods": {name: list(args) for name, args in METHODS.items()},
        "stubMethods": list(STUB_METHODS),
        "storage": dict(STORAGE),
        "cookieKeys": [STORAGE[key] for key in COOKIE_KEYS],
        "runtimeFiles": {name: list(files) for name, files in RUNTIME_FILES.items()},
        "settings": [{"name": n, "kind": k, "default": d, "help": h} for n, k, d, h in SETTINGS],
    }
