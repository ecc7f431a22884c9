"""Segment's Mixpanel settings: defaults, validation, and the ``mixpanel.init`` config.

`read_settings` takes the settings object exactly as Segment stores it (camelCase) plus our
own keys (`dataResidency`, `apiHost`, `mixpanelConfig`, `runtime`, …), reports every problem on
the console and returns a complete options dict: defaults copied (never shared), wrong types
replaced by the default, increment lists lower-cased. `init_config` builds the second argument of
``mixpanel.init`` from those options (spec section 3).

Deliberate difference from the original (issue text wins over reproducing a crash): a
wrongly typed setting is reported with what it expects and the default is used. The
original splits a string ``eventIncrements`` into characters and fails to initialise on
``null``. Must not import js/pyodide and must not call mixpanel.js.
"""

from __future__ import annotations

import json

from integration import surface
from integration.errors import line
from integration.jsvalues import describe, js_lower, js_string

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# The table itself (names, kinds, defaults, help) is integration/surface.py's; read here.
DEFAULTS: dict[str, Any] = {row[0]: row[2] for row in surface.SEGMENT_SETTINGS}
OWN_DEFAULTS: dict[str, Any] = {row[0]: row[2] for row in surface.OWN_SETTINGS}
KINDS: dict[str, str] = {row[0]: row[1] for row in surface.SETTINGS}
# Stored by Segment but never read in the browser: accepted silently, never passed on.
IGNORED = surface.SEGMENT_ONLY_SETTINGS
RENAMED = {
    "cookieName": "cookie_name",
    "crossSubdomainCookie": "cross_subdomain_cookie",
    "secureCookie": "secure_cookie",
}
EU_HOST = "https://api-eu.mixpanel.com"
RESIDENCY_HOSTS = {
    "us": "https://api-js.mixpanel.com",
    "eu": EU_HOST,
    "in": "https://api-in.mixpanel.com",
}
LOWER_CASED = ("eventIncrements", "propIncrements")
# A null token is simply "no token": the destination reports that once, by itself.
MISSING_IF_NULL = ("token",)
_TYPES = {"bool": bool, "string": str, "list": list, "json": dict, "select": str}
_EXPECTS = {bool: "true or false", str: "a string", list: "a list of names", dict: "an object"}


def read_settings(
    settings: Any,
    warn: Callable[[str], None],
    report: Callable[[str], None],
    lower: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """Complete, validated options. Unknown keys go to `warn`, wrong types to `report`;
    `lower` is jsvalues.js_lower's browser lower-casing, where str.lower is ASCII-only."""
    if not isinstance(settings, dict):
        report(line(f"Mixpanel settings must be an object, got {describe(settings)}"))
        settings = {}
    options = {key: _copy(value) for key, value in DEFAULTS.items()}
    for key, value in OWN_DEFAULTS.items():
        options[key] = _copy(value)
    for key, value in settings.items():
        if key in options:
            options[key] = _checked(key, value, report)
        elif key not in IGNORED:
            warn(line("Mixpanel settings", f'unknown setting "{key}" ignored'))
    for key in LOWER_CASED:
        options[key] = [js_lower(js_string(name), lower) for name in options[key]]
    return options


def _copy(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return value.copy()
    return value


def _checked(key: str, value: Any, report: Callable[[str], None]) -> Any:
    """`value` when it has the setting's type, else the default (reported)."""
    if key == "dataResidency":
        return _residency(value, report)
    default = DEFAULTS.get(key, OWN_DEFAULTS.get(key))
    kind = _TYPES[KINDS[key].split(":")[0]]
    if isinstance(value, kind) and not (kind is not bool and isinstance(value, bool)):
        return _copy(value)
    if value is None and (default is None or key in MISSING_IF_NULL):
        return _copy(default)
    expects = f"must be {_EXPECTS[kind]}, got {describe(value)}"
    report(line(f'Mixpanel setting "{key}" {expects}; using the default {json.dumps(default)}'))
    return _copy(default)


def _residency(value: Any, report: Callable[[str], None]) -> Any:
    if value is None or value in RESIDENCY_HOSTS:
        return value
    expects = f'must be "us", "eu" or "in", got {describe(value)}'
    report(line(f'Mixpanel setting "dataResidency" {expects}; using mixpanel.js\'s own host'))
    return None


def init_config(options: dict[str, Any]) -> dict[str, Any]:
    """Second argument of ``mixpanel.init``: every Segment option, three renamed, plus hosts.

    No ``loaded`` callback: the destination registers ``mp_lib`` itself right after init.
    """
    config = {key: _copy(options[key]) for key in DEFAULTS}
    for camel, snake in RENAMED.items():
        config[snake] = config.pop(camel)
    host = _api_host(options)
    if host is not None:
        config["api_host"] = host
    if not options["consent"]:
        config["opt_out_tracking_by_default"] = True
        config["opt_out_persistence_by_default"] = True
    if options["ignoreDnt"]:
        config["ignore_dnt"] = True
    config.update(options["mixpanelConfig"])
    return config


def _api_host(options: dict[str, Any]) -> str | None:
    """apiHost wins over dataResidency, which wins over the EU endpoint switch."""
    if options["apiHost"]:
        return str(options["apiHost"])
    if options["dataResidency"] is not None:
        return RESIDENCY_HOSTS[options["dataResidency"]]
    return EU_HOST if options["enableEuropeanUnionEndpoint"] else None
