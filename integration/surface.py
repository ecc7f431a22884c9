"""The contract between the page, the loader, the QA console and Python, as data.

Only this module spells out the analytics.js methods, their argument order, the storage keys
and the runtime files. The build (devtools/) writes it as JSON into the bundle (the loader's
method list, the console's forms and settings rows); a unit test checks every consumer agrees.
Must not import anything (not even the standard library) and must not do I/O.
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
    # Middleware (integration/middleware.py) and analytics-next plugins: each takes any
    # number more of its last argument.
    "addSourceMiddleware": ("middleware",),
    "addDestinationMiddleware": ("integration", "middleware"),
    "addIntegrationMiddleware": ("middleware",),
    "register": ("plugins",),
}
MIDDLEWARE_CALLS = ("addSourceMiddleware", "addDestinationMiddleware", "addIntegrationMiddleware")
# Calls that change state only and make no message of their own (pageview is a page call).
FACADE_CALLS = ("consent", "setAnonymousId", "pageview") + MIDDLEWARE_CALLS + ("register",)
# The calls listeners can follow (on/once/off): the ones that make a message, and reset.
EVENTS = tuple(name for name in METHODS if name not in FACADE_CALLS)
# Calls the stub answers itself (no queueing): boot, readiness, listeners, diagnostics.
# trackLink & co. (DOM helpers) bind once boot.mjs is here; the stub keeps what came before.
STUB_METHODS = ("load", "ready", "on", "once", "off", "debug", "user", "timeout")
DOM_METHODS = ("trackLink", "trackClick", "trackForm", "trackSubmit")

# Calls on window.mixpanel that answer an object whose methods are called next, with how many
# of their arguments identify it. In a dotted call path ("get_group.set_once") they come first:
# mixpanel.get_group(key, id).set_once(traits) is the path with arguments [key, id, traits].
HANDLE_CALLS: dict[str, int] = {"get_group": 2}

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

# The settings table: rows of (name, kind, default). Kinds: bool, string, list, json (an
# object), select:<a|b> (one of the strings; an empty choice stands for null), number. Segment's
# declared options first, then ours (beyond the original). Each row's one-line help
# for the QA console is in devtools/settings_help.py: the runtime never reads it.
SEGMENT_SETTINGS: tuple[tuple[str, str, Any], ...] = (
    ("token", "string", ""),
    ("people", "bool", False),
    ("setAllTraitsByDefault", "bool", True),
    ("superProperties", "list", []),
    ("peopleProperties", "list", []),
    ("eventIncrements", "list", []),
    ("propIncrements", "list", []),
    ("consolidatedPageCalls", "bool", True),
    ("trackAllPages", "bool", False),
    ("trackCategorizedPages", "bool", False),
    ("trackNamedPages", "bool", False),
    ("groupIdentifierTraits", "list", []),
    ("sourceName", "string", ""),
    ("enableEuropeanUnionEndpoint", "bool", False),
    ("persistence", "select:cookie|localStorage|none", "cookie"),
    ("cookieName", "string", ""),
    ("crossSubdomainCookie", "bool", False),
    ("secureCookie", "bool", False),
    ("nameTag", "bool", True),
    ("pageview", "bool", False),
)  # fmt: skip
OWN_SETTINGS: tuple[tuple[str, str, Any], ...] = (
    ("apiHost", "string", None),
    ("dataResidency", "select:|us|eu|in", None),
    ("mixpanelConfig", "json", {}),
    ("consent", "bool", True),
    ("ignoreDnt", "bool", False),
    ("runtime", "select:|auto|micropython|pyodide", None),
    ("thread", "select:|worker|main", None),
)  # fmt: skip
# Peers' options, under RudderStack's Mixpanel setting names; defaults change nothing.
# RudderStack's own names first; cookieDomain, cookieExpiration, crossSiteCookie and
# groupTraitsMethod are this project's names (RudderStack's schema and SDK have none of them).
PEER_SETTINGS: tuple[tuple[str, str, Any], ...] = (
    ("setOnceProperties", "list", []),
    ("identityMergeApi", "select:original|simplified", "original"),
    ("useUserDefinedPageEventName", "bool", False),
    ("userDefinedPageEventTemplate", "string", "Viewed {{ category }} {{ name }} Page"),
    ("useUserDefinedScreenEventName", "bool", False),
    ("userDefinedScreenEventTemplate", "string", "Viewed {{ category }} {{ name }} Screen"),
    ("eventFilteringOption", "select:disable|whitelistedEvents|blacklistedEvents", "disable"),
    ("whitelistedEvents", "list", []),
    ("blacklistedEvents", "list", []),
    ("groupKeySettings", "list", []),
    ("persistenceType", "select:|cookie|localStorage|none", None),
    ("persistenceName", "string", ""),
    ("sessionReplayPercentage", "number", 0),
    ("groupTraitsMethod", "select:set_once|set", "set_once"),
    ("cookieDomain", "string", ""),
    ("cookieExpiration", "number", None),
    ("crossSiteCookie", "bool", False),
)  # fmt: skip
SETTINGS = SEGMENT_SETTINGS + OWN_SETTINGS + PEER_SETTINGS
# Set by the loader, not by users: where the bundle's mixpanel folder is ({"mixpanel": url/}),
# and the name of the mixpanel.js instance to init when the page has a Mixpanel of its own.
LOADER_SETTINGS = ("_bundle", "_instance")
# Keys Segment stores for Mixpanel that are never read in the browser: accepted silently.
SEGMENT_ONLY_SETTINGS = ("increments", "apiKey")
# Secrets a pasted config may carry (Segment's and RudderStack's; RudderStack marks gdprApiToken
# secret). Never passed to mixpanel.js, never logged (one warning names the key, not the value),
# stripped from write-key builds.
SECRET_SETTINGS = ("apiSecret", "secret", "serviceAccountSecret", "gdprApiToken")
# RudderStack's Mixpanel destination definition (in RudderStack's integrations-config
# repository: its config's includeKeys, destConfig.defaultConfig and destConfig.web, then its
# schema's properties), every key once, in that order. Read 2026-12-07 at commit
# d1195826d9e1b7161d8e8107f8fe43de8f2e7307.
RUDDERSTACK_KEYS = (
    "token", "groupKeySettings", "dataResidency", "people", "setAllTraitsByDefault",
    "superProperties", "setOnceProperties", "peopleProperties", "eventIncrements",
    "propIncrements", "consolidatedPageCalls", "trackCategorizedPages", "trackNamedPages",
    "sourceName", "sessionReplayPercentage", "crossSubdomainCookie", "persistence",
    "persistenceType", "persistenceName", "secureCookie", "blacklistedEvents",
    "whitelistedEvents", "oneTrustCookieCategories", "ketchConsentPurposes", "consentManagement",
    "eventFilteringOption", "identityMergeApi", "ignoreDnt", "useUserDefinedPageEventName",
    "userDefinedPageEventTemplate", "useUserDefinedScreenEventName",
    "userDefinedScreenEventTemplate", "unionProperties", "appendProperties",
    "useNewMapping", "serviceAccountUserName", "serviceAccountSecret", "projectId",
    "userDeletionApi", "gdprApiToken", "strictMode", "dropTraitsInTrackEvent",
    "useNativeSDK", "connectionMode",
)  # fmt: skip
# Those that belong to RudderStack's SDK (consent, connection mode), its dashboard or its cloud
# mode, not to this integration: accepted, listed in one console.info line at load.
RUDDERSTACK_ONLY_SETTINGS = tuple(
    key
    for key in RUDDERSTACK_KEYS
    if key not in {row[0] for row in SETTINGS} and key not in SECRET_SETTINGS
)
# List settings: each entry a name, or a row object holding it under one of these fields
# (RudderStack's dashboard rows: {"property": …}, {"groupKey": …}, {"eventName": …}).
LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "superProperties": ("property",),
    "peopleProperties": ("property",),
    "eventIncrements": ("property",),
    "propIncrements": ("property",),
    "groupIdentifierTraits": ("property", "groupKey"),
    "setOnceProperties": ("property",),
    "whitelistedEvents": ("eventName", "property"),
    "blacklistedEvents": ("eventName", "property"),
    "groupKeySettings": ("groupKey", "property"),
}


def as_json() -> dict[str, Any]:
    """Everything above, as the JSON the build writes into the bundle."""
    return {
        "methods": {name: list(args) for name, args in METHODS.items()},
        "stubMethods": list(STUB_METHODS + DOM_METHODS),
        "handleCalls": dict(HANDLE_CALLS),
        "storage": dict(STORAGE),
        "cookieKeys": [STORAGE[key] for key in COOKIE_KEYS],
        "runtimeFiles": {name: list(files) for name, files in RUNTIME_FILES.items()},
        "settings": [_setting_json(row) for row in SETTINGS],
        "segmentOnlySettings": list(SEGMENT_ONLY_SETTINGS),
        "secretSettings": list(SECRET_SETTINGS),
        "rudderstackOnlySettings": list(RUDDERSTACK_ONLY_SETTINGS),
    }


def _setting_json(row: tuple[str, str, Any]) -> dict[str, Any]:
    name, kind, default = row
    return {"name": name, "kind": kind, "default": default, "segment": row in SEGMENT_SETTINGS}


def default(name: str) -> Any:
    """A fresh copy of a setting's default (lists and objects are never shared)."""
    for row in SETTINGS:
        if row[0] == name:
            value = row[2]
            return value.copy() if isinstance(value, (list, dict)) else value
    raise KeyError(name)
