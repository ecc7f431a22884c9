"""Segment's Mixpanel settings: defaults, validation, and the ``mixpanel.init`` config.

`read_settings` takes the settings object exactly as Segment stores it (camelCase) plus our
own keys (`dataResidency`, `apiHost`, `mixpanelConfig`, `runtime`, …), reports every problem on
the console and returns a complete options dict: defaults copied (never shared), wrong types
replaced by the default, increment lists lower-cased. `init_config` builds the second argument of
``mixpanel.init`` from those options (Segment's names renamed to mixpanel.js's). Beyond Segment,
`PEER_DEFAULTS` holds the options peers offer, under RudderStack's names, each checked by its
`PEER_CHECKS` entry (peer_checks.py, which also checks the loader's `_bundle`: where the
bundle's mixpanel folder is, for the replay recorder); here, a peer setting's null is its
default.

A RudderStack user's exported config works as it is: a `{"web": x}` value is read as
`x`, every list setting takes names or RudderStack's `{property}` / `{groupKey}` / `{eventName}`
rows (a malformed entry is skipped with one line naming it), keys that belong to RudderStack's
SDK, dashboard or cloud mode are listed in one ``console.info`` line, and secrets are left out
with one warning naming the key (never its value).

Deliberate difference from the original (a clear console line beats reproducing a crash): a
wrongly typed setting is reported with what it expects and the default is used. The
original splits a string ``eventIncrements`` into characters and fails to initialise on
``null``. Must not import js/pyodide and must not call mixpanel.js.
"""

from __future__ import annotations

import json

from integration import surface
from integration.errors import line
from integration.jsvalues import describe, js_lower, js_string
from integration.mixpanel.peer_checks import PEER_CHECKS

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# The table itself (names, kinds, defaults, help) is integration/surface.py's; read here.
DEFAULTS: dict[str, Any] = {row[0]: row[2] for row in surface.SEGMENT_SETTINGS}
OWN_DEFAULTS: dict[str, Any] = {row[0]: row[2] for row in surface.OWN_SETTINGS}
KINDS: dict[str, str] = {row[0]: row[1] for row in surface.SETTINGS}
# Peers' options, under RudderStack's Mixpanel setting names; defaults change nothing.
PEER_DEFAULTS: dict[str, Any] = {row[0]: row[2] for row in surface.PEER_SETTINGS}
LOADER_DEFAULTS: dict[str, Any] = dict.fromkeys(surface.LOADER_SETTINGS)
# Stored by Segment but never read in the browser: accepted silently, never passed on.
IGNORED = surface.SEGMENT_ONLY_SETTINGS
SECRETS = surface.SECRET_SETTINGS
RUDDERSTACK_ONLY = surface.RUDDERSTACK_ONLY_SETTINGS
LIST_FIELDS = surface.LIST_FIELDS
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
    info: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Complete, validated options. Unknown keys and secrets go to `warn`, wrong types to
    `report`, RudderStack-only keys to `info` (one line); `lower` is jsvalues.js_lower's
    browser lower-casing, where str.lower is ASCII-only."""
    if not isinstance(settings, dict):
        report(line(f"Mixpanel settings must be an object, got {describe(settings)}"))
        settings = {}
    options = {key: _copy(value) for key, value in DEFAULTS.items()}
    for defaults in (OWN_DEFAULTS, PEER_DEFAULTS, LOADER_DEFAULTS):
        for key, value in defaults.items():
            options[key] = _copy(value)
    not_here: list[str] = []
    secrets: list[str] = []
    for key, given in settings.items():
        value = for_web(key, given)
        if key in SECRETS:  # its value is never read past this point; an empty one is no leak
            secrets += [key] if value is not None and value != "" else []
        elif key in RUDDERSTACK_ONLY:
            not_here.append(key)
        elif key in options:
            options[key] = _read(key, value, report)
        elif key not in IGNORED:
            warn(line("Mixpanel settings", f'unknown setting "{key}" ignored'))
    for key in LOWER_CASED:
        options[key] = [js_lower(js_string(name), lower) for name in options[key]]
    _persistence_type(options, settings, warn)
    _left_out(secrets, not_here, warn, info or warn)
    _empty_whitelist(options, warn)
    return options


def _empty_whitelist(options: dict[str, Any], warn: Callable[[str], None]) -> None:
    if options["eventFilteringOption"] == "whitelistedEvents" and not options["whitelistedEvents"]:
        warn(
            line(
                'Mixpanel setting "whitelistedEvents" is empty while '
                'eventFilteringOption is "whitelistedEvents": every event is filtered'
            )
        )


def _read(key: str, value: Any, report: Callable[[str], None]) -> Any:
    """One known setting's value to use (its web value already taken)."""
    if key in LIST_FIELDS:
        return _names(key, value, report)
    if key in PEER_CHECKS:
        return _peer_checked(key, value, report)
    return _checked(key, value, report)


def _left_out(
    secrets: list[str],
    not_here: list[str],
    warn: Callable[[str], None],
    info: Callable[[str], None],
) -> None:
    """One warning naming the secrets given (never their values); one info line listing the
    keys of RudderStack's SDK, dashboard or cloud mode."""
    if secrets:
        named = ", ".join(f'"{key}"' for key in sorted(secrets))
        warn(
            line(
                "Mixpanel settings",
                f"{named} left out: a secret does not belong in a web page's settings "
                "(never passed to mixpanel.js); remove it from the config",
            )
        )
    if not_here:
        info(
            line(
                "Mixpanel settings",
                "ignored as not applying here (RudderStack's SDK, dashboard or cloud mode): "
                + ", ".join(sorted(not_here)),
            )
        )


def for_web(key: str, value: Any) -> Any:
    """RudderStack's per-platform form ({"web": x}) is x; an object setting stays an object."""
    if isinstance(value, dict) and "web" in value and KINDS.get(key) != "json":
        return value["web"]
    return value


def _persistence_type(
    options: dict[str, Any], settings: dict[str, Any], warn: Callable[[str], None]
) -> None:
    """RudderStack's persistenceType, when set, decides. Segment's persistence: "none" beside
    it is RudderStack's old dashboard default (its SDK ignores it), so only another value that
    differs is worth one warning."""
    chosen = options["persistenceType"]
    if chosen is None:
        return
    given = for_web("persistence", settings.get("persistence"))
    if isinstance(given, str) and given not in ("none", chosen):
        warn(
            line(
                f'Mixpanel settings "persistence" ({json.dumps(given)}) and "persistenceType" '
                f'({json.dumps(chosen)}) disagree; using "persistenceType"'
            )
        )
    options["persistence"] = chosen


def _names(key: str, value: Any, report: Callable[[str], None]) -> list[Any]:
    """A list setting's names: rows' names trimmed; other entries of Segment's lists as given
    (as Segment reads them), the peers' strings trimmed. The dashboard's empty row and empty
    peer names are skipped silently, a null or any other malformed entry with one line naming
    the setting and the entry."""
    default = PEER_DEFAULTS.get(key, DEFAULTS.get(key))
    if value is None and key in PEER_DEFAULTS:
        return []
    if not isinstance(value, list):
        report(
            line(
                f'Mixpanel setting "{key}" must be a list of names, got {describe(value)}; '
                f"using the default {json.dumps(default)}"
            )
        )
        return []
    fields = LIST_FIELDS[key]
    names: list[Any] = []
    for entry in value:
        name = entry if isinstance(entry, str) else None
        if isinstance(entry, dict):
            found = [entry[field] for field in fields if field in entry]
            name = found[0].strip() if found and isinstance(found[0], str) else None
            if name == "":
                continue  # the dashboard's empty row
        elif key not in PEER_DEFAULTS and entry is not None:
            names.append(entry)  # Segment's list: a number stays (increments make it "5")
            continue
        elif name is not None:
            name = name.strip()
            if not name:
                continue
        if name is None:
            wanted = f'a name or a {{"{fields[0]}": name}} row'
            report(line(f'Mixpanel setting "{key}": entry {_shown(entry)} skipped: not {wanted}'))
            continue
        names.append(name)
    return names


def _shown(entry: Any) -> str:
    """An entry as JSON, shortened, for a console line."""
    try:
        text = json.dumps(entry)
    except (TypeError, ValueError):
        return describe(entry)
    return text if len(text) <= 60 else text[:60] + "…"


def _peer_checked(key: str, value: Any, report: Callable[[str], None]) -> Any:
    """The checked value; null is the default, silently (exported configs hold nulls)."""
    default = PEER_DEFAULTS.get(key, LOADER_DEFAULTS.get(key))
    if value is None:
        return _copy(default)
    try:
        return PEER_CHECKS[key](value)
    except ValueError as exc:
        report(
            line(
                f'Mixpanel setting "{key}" must be {exc}, '
                f"got {describe(value)}; using the default {json.dumps(default)}"
            )
        )
        return _copy(default)


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


def init_config(
    options: dict[str, Any], warn: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Second argument of ``mixpanel.init``: every Segment option, three renamed, plus hosts,
    the peers' cookie / persistence / replay options; `warn` gets what cannot work as asked.

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
    _peer_config(config, options)
    config.update(options["mixpanelConfig"])
    _replay(config, options, warn or _silent)
    _double_counting(options, warn or _silent)
    return config


def _silent(message: str) -> None:
    return None


def _peer_config(config: dict[str, Any], options: dict[str, Any]) -> None:
    """The peers' settings as mixpanel.init options, each only when it changes something."""
    if options["persistence"] == "none":
        del config["persistence"]  # mixpanel.js would log "Unknown persistence type"
        config["disable_persistence"] = True
    if options["persistenceName"]:
        config["persistence_name"] = options["persistenceName"]
    if options["cookieDomain"]:
        config["cookie_domain"] = options["cookieDomain"]
    if options["cookieExpiration"] is not None:
        config["cookie_expiration"] = options["cookieExpiration"]
    if options["crossSiteCookie"]:
        config["cross_site_cookie"] = True
    if options["sessionReplayPercentage"]:
        config["record_sessions_percent"] = options["sessionReplayPercentage"]


def _replay(config: dict[str, Any], options: dict[str, Any], warn: Callable[[str], None]) -> None:
    """Replay on (from either setting): the recorder comes from the bundle on our own origin,
    never from cdn.mxpnl.com; a recorder_src the page set itself is kept."""
    percent = config.get("record_sessions_percent")
    on = isinstance(percent, (int, float)) and not isinstance(percent, bool) and percent > 0
    if not on or config.get("recorder_src") or config.get("lib_base_path"):
        return  # the page chose where mixpanel.js's lazy bundles come from
    if options["_bundle"]:
        # mixpanel.js loads its recorder (a content-hashed name of its own build, e.g.
        # mixpanel-recorder-<hash>.min.js) and its other lazy bundles from lib_base_path: the
        # bundle's mixpanel folder on our origin. recorder_src is left to mixpanel.js, which
        # knows that name; we do not.
        config.setdefault("lib_base_path", options["_bundle"])
        return
    config["record_sessions_percent"] = 0
    warn(
        line(
            "Mixpanel: session replay is off: the recorder bundle's location "
            "(settings._bundle, set by the loader) is missing, and it is not loaded from "
            "cdn.mxpnl.com"
        )
    )


def _double_counting(options: dict[str, Any], warn: Callable[[str], None]) -> None:
    page_events = options["consolidatedPageCalls"] or options["trackAllPages"]
    for key in ("track_pageview", "trackPageview"):
        value = options["mixpanelConfig"].get(key)
        if page_events and value not in (None, False, "", 0):
            warn(
                line(
                    f"Mixpanel: mixpanelConfig.{key} with consolidatedPageCalls or "
                    'trackAllPages counts every page view twice ($mp_web_page_view and "Loaded '
                    'a Page"); turn one of them off'
                )
            )
            return


def _api_host(options: dict[str, Any]) -> str | None:
    """apiHost wins over dataResidency, which wins over the EU endpoint switch."""
    if options["apiHost"]:
        return str(options["apiHost"])
    if options["dataResidency"] is not None:
        return RESIDENCY_HOSTS[options["dataResidency"]]
    return EU_HOST if options["enableEuropeanUnionEndpoint"] else None
