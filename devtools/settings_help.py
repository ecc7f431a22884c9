"""The one-line help of each setting of integration/surface.py's settings table, for the QA
console only: the build writes it into the bundle's `surface.<hash>.json` (`with_help`).

It lives here, outside the `integration` package, so it is in none of what the runtime loads
(the .mpy zip, the .py zip, the wheel). The table itself (name, kind, default) stays in
surface.py; tests/unit/test_surface.py checks every setting has one help here and nothing else.
"""

from __future__ import annotations

from typing import Any

HELP: dict[str, str] = {
    "token": "Mixpanel project token: first argument of mixpanel.init, sent on every event.",
    "people": "Use Mixpanel People: identify traits go to people.set / people.union; enables increments and track_charge.",
    "setAllTraitsByDefault": "Register every identify trait as a super property (and a People property when people is on).",
    "superProperties": "Traits (setAllTraitsByDefault off) and event properties (always) to register as super properties.",
    "peopleProperties": "With setAllTraitsByDefault off: traits to people.set; the eight special traits always go.",
    "eventIncrements": "Events (any case) that people.increment a counter and set \"Last <event>\" (people on).",
    "propIncrements": "Event properties (any case) whose value is added with people.increment(name, value) (people on).",
    "consolidatedPageCalls": "Every page() becomes one \"Loaded a Page\" event; the three below are then not read (useUserDefinedPageEventName on wins).",
    "trackAllPages": "Every page() becomes \"Loaded a Page\" (checked after the consolidated switch).",
    "trackCategorizedPages": "page() with a category becomes \"Viewed <category> [<name>] Page\".",
    "trackNamedPages": "page() with a name becomes \"Viewed <name> Page\".",
    "groupIdentifierTraits": "Mixpanel group keys for group(): get_group(key, id).set_once(traits), set_group(key, [id]). Empty (and no groupKeySettings): group() sends nothing.",
    "sourceName": "When set, every event carries it as the property segment_source_name.",
    "enableEuropeanUnionEndpoint": "Send to api-eu.mixpanel.com (apiHost and dataResidency win over it).",
    "persistence": "Segment's: where mixpanel.js keeps its distinct id and super properties; none: disable_persistence. RudderStack's persistenceType wins when set.",
    "cookieName": "mixpanel.js cookie_name (empty: mixpanel.js names it mp_<token>_mixpanel).",
    "crossSubdomainCookie": "mixpanel.js cross_subdomain_cookie (Segment sends false; mixpanel.js alone defaults to true).",
    "secureCookie": "mixpanel.js secure_cookie: the cookie is sent over https only.",
    "nameTag": "In Segment's list but never read: name_tag is always called.",
    "pageview": "In Segment's list but never read: copied into the init config only.",
    "apiHost": "Where mixpanel.js sends. Empty in this console: its own collector at <origin>/mp (nothing leaves this machine).",
    "dataResidency": "Mixpanel data centre: api-js / api-eu / api-in.mixpanel.com (apiHost wins over it).",
    "mixpanelConfig": "Any other mixpanel.init option, applied last. The console starts with {\"batch_requests\": false} so sends are immediate.",
    "consent": "Off: mixpanel.js starts opted out and stores and sends nothing. Only the default: a visitor's stored decision wins.",
    "ignoreDnt": "mixpanel.js ignore_dnt: send even when the browser says Do Not Track.",
    "runtime": "Which Python runs the integration (read by the loader). Empty or auto: the page's PyScript interpreter, else MicroPython; or force one.",
    "thread": "Where the runtime runs (read by the loader). Empty or worker: a Web Worker, off the page's main thread; main: on the page's main thread (also the fallback when no worker can run).",
    "setOnceProperties": "Traits (dotted paths reach nested ones) sent with people.set_once (people on) and left out of register and people.set.",
    "identityMergeApi": "Mixpanel project's ID merge API; simplified: alias() is dropped with one console line.",
    "useUserDefinedPageEventName": "Page event names from the template below; when on it wins over consolidatedPageCalls and trackAllPages.",
    "userDefinedPageEventTemplate": "Page event name; {{ category }} and {{ name }} filled in, empty parts and doubled spaces removed.",
    "useUserDefinedScreenEventName": "Screen event names from the template below; when on it wins over the page rules for screens.",
    "userDefinedScreenEventTemplate": "The same for screen() calls (RudderStack's default ends in lower-case \"screen\"; this is ours).",
    "eventFilteringOption": "Send only the whitelisted track events, or all but the blacklisted ones; page and screen calls are never filtered.",
    "whitelistedEvents": "Track event names (or {eventName} rows), matched exactly after trimming, when filtering by whitelist.",
    "blacklistedEvents": "Track event names (or {eventName} rows), matched exactly after trimming, when filtering by blacklist.",
    "groupKeySettings": "RudderStack's name for the group keys ({groupKey} rows); used together with groupIdentifierTraits, in order.",
    "persistenceType": "Where mixpanel.js keeps its state; none: disable_persistence. When set, it decides over Segment's persistence.",
    "persistenceName": "mixpanel.js persistence_name: the name of its cookie or localStorage entry (empty: its own).",
    "sessionReplayPercentage": "mixpanel.js record_sessions_percent (0-100, read as a whole number); the recorder loads from this bundle, never cdn.mxpnl.com.",
    "groupTraitsMethod": "Ours: how group() sends group traits: get_group().set_once (Segment) or set (updates them).",
    "cookieDomain": "Ours: mixpanel.js cookie_domain, the domain mixpanel.js's cookie is written for (empty: its own choice).",
    "cookieExpiration": "Ours: mixpanel.js cookie_expiration, in days (empty: mixpanel.js's 365).",
    "crossSiteCookie": "Ours: mixpanel.js cross_site_cookie, SameSite=None; Secure, for pages embedded on other sites.",
}  # fmt: skip


class HelpMismatch(ValueError):
    """The settings table and HELP do not name the same settings."""


def with_help(surface: dict[str, Any]) -> dict[str, Any]:
    """integration.surface.as_json() with each settings row's `help` (what the console reads)."""
    names = [row["name"] for row in surface["settings"]]
    if sorted(names) != sorted(HELP):
        missing, extra = set(names) - set(HELP), set(HELP) - set(names)
        raise HelpMismatch(f"settings without a help: {missing}; helps of no setting: {extra}")
    rows = [{**row, "help": HELP[row["name"]]} for row in surface["settings"]]
    return {**surface, "settings": rows}
