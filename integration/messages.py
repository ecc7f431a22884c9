"""Segment-shaped messages, built as analytics.js 3.x builds them before any integration sees them.

One function per call type returns a plain dict with the wire names (``type``, ``userId``,
``anonymousId``, ``traits``/``properties``, ``context``, ``integrations``, ``messageId``,
``timestamp`` as an aware UTC datetime). Caller values are deep-copied and their ISO-looking
strings become datetimes (as Segment's facade does), so the destination may change what it
gets. Also here: page property defaults (caller values win) and the integrations gate
(`{Mixpanel: false}`, or `{All: false}` without `Mixpanel: true`). Must not read storage,
the clock or the page itself: everything call-specific arrives in a ``Stamp``.
"""

from __future__ import annotations

from datetime import datetime

from integration.dates import as_utc, from_millis, iso_strings_to_dates
from integration.errors import InvalidCall
from integration.jsnumbers import is_number

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from typing import Any

    Json = dict[str, Any]


PAGE_KEYS = ("path", "referrer", "search", "title", "url")
DESTINATION = "Mixpanel"
# Option keys that become message fields; every other option key goes into the context.
_TOP_LEVEL = ("integrations", "providers", "context", "timestamp", "anonymousId", "userId")


class Stamp:
    """What the facade knows at call time: identity, page context, message id and time."""

    def __init__(
        self, user_id: Any, anonymous_id: Any, message_id: str, time_ms: float, page: Json
    ) -> None:
        self.user_id = user_id
        self.anonymous_id = anonymous_id
        self.message_id = message_id
        self.time_ms = time_ms
        self.page = page


def identify(user_id: Any, traits: Json, options: Json, stamp: Stamp) -> Json:
    """The identify message; ``user_id``/``traits`` are the stored (merged) ones."""
    msg = _base("identify", options, stamp)
    msg["userId"] = options.get("userId") or user_id
    msg["traits"] = _convert(traits)
    return msg


def track(event: str, properties: Json, options: Json, stamp: Stamp) -> Json:
    msg = _base("track", options, stamp)
    msg["event"] = event
    msg["properties"] = _convert(properties)
    return msg


def page(
    category: str | None, name: str | None, properties: Json, options: Json, stamp: Stamp
) -> Json:
    """The page message: properties filled from the page context; context.page from them."""
    props = page_properties(category, name, properties, stamp.page)
    context = dict(options.get("context") or {})
    context["page"] = {key: props[key] for key in PAGE_KEYS}
    msg = _base("page", merged(options, {"context": context}), stamp)
    msg.update({"category": category, "name": name, "properties": _convert(props)})
    return msg


def screen(
    category: str | None, name: str | None, properties: Json, options: Json, stamp: Stamp
) -> Json:
    """The screen message (analytics-next): the given properties plus a truthy name/category;
    no page defaults in the properties (context.page is filled as for every call)."""
    props = page_properties(category, name, properties, {}, defaults=False)
    msg = _base("screen", options, stamp)
    msg.update({"category": category, "name": name, "properties": _convert(props)})
    return msg


def alias(user_id: Any, previous_id: Any, options: Json, stamp: Stamp) -> Json:
    msg = _base("alias", options, stamp)
    msg["userId"] = user_id
    msg["previousId"] = previous_id
    return msg


def group(group_id: Any, traits: Json, options: Json, stamp: Stamp) -> Json:
    """The group message; its ``userId`` is the stored user id, ``traits`` the stored group's."""
    msg = _base("group", options, stamp)
    msg["groupId"] = group_id
    msg["traits"] = _convert(traits)
    return msg


def page_properties(
    category: str | None,
    name: str | None,
    properties: Json,
    page_context: Json,
    defaults: bool = True,
) -> Json:
    """Page properties as analytics.js fills them: caller values win over the page defaults; a
    truthy name/category is written in."""
    props = dict(properties)
    if name:
        props["name"] = name
    if category:
        props["category"] = category
    for key in PAGE_KEYS if defaults else ():
        props.setdefault(key, page_context.get(key, ""))
    return props


def is_enabled(integrations: Json, name: str = DESTINATION) -> bool:
    """Segment's facade rule: ``All``/``all`` (booleans only) first, then the exact name."""
    every = integrations.get("all", integrations.get("All"))
    enabled = every if isinstance(every, bool) else True
    if name in integrations:
        setting = integrations[name]
        enabled = setting if isinstance(setting, bool) else True
    return enabled


def _base(kind: str, options: Json, stamp: Stamp) -> Json:
    for key in ("context", "integrations", "providers"):
        if not isinstance(options.get(key) or {}, dict):
            got = type(options[key]).__name__
            raise InvalidCall(kind, f"options.{key} must be an object, got {got}")
    return {
        "type": kind,
        "userId": options.get("userId") or stamp.user_id,
        "anonymousId": options.get("anonymousId") or stamp.anonymous_id,
        "context": _convert(_context(options, stamp.page)),
        "integrations": _integrations(options),
        "messageId": stamp.message_id,
        "timestamp": timestamp(kind, options.get("timestamp"), stamp.time_ms),
    }


def _context(options: Json, page_context: Json) -> Json:
    """options.context, plus the option keys analytics.js moves there; page defaults fill in."""
    context = dict(options.get("context") or {})
    for key, value in options.items():
        if key not in _TOP_LEVEL and not _is_integration_name(key):
            context[key] = value
    context["page"] = merged(page_context, context.get("page") or {})
    return context


def merged(*parts: Json) -> Json:
    """{**a, **b, ...}: MicroPython cannot compile dict unpacking in a display."""
    out: Json = {}
    for part in parts:
        out.update(part)
    return out


def _is_integration_name(key: str) -> bool:
    return key.lower() in ("all", DESTINATION.lower())


def _integrations(options: Json) -> Json:
    """options.integrations, then legacy providers and top-level names (``{Mixpanel: false}``)."""
    chosen = {k: v for k, v in options.items() if _is_integration_name(k)}
    return merged(options.get("providers") or {}, chosen, options.get("integrations") or {})


def timestamp(kind: str, value: Any, default_ms: float) -> datetime:
    """options.timestamp as an aware UTC datetime: a datetime, an ISO string or epoch ms."""
    if value is None:
        value = default_ms
    if isinstance(value, str):
        value = iso_strings_to_dates(value)
    if is_number(value):
        value = from_millis(value)
    if isinstance(value, datetime):
        utc: datetime = as_utc(value)
        return utc
    got = "a string that is not ISO 8601" if isinstance(value, str) else type(value).__name__
    wanted = "a datetime, an ISO string or epoch milliseconds"
    raise InvalidCall(kind, f"options.timestamp must be {wanted}, got {got}")


def _convert(value: Json) -> Json:
    """A deep copy (cycles kept) with every ISO-looking string as a datetime (the facade's rule)."""
    converted: Json = iso_strings_to_dates(value)
    return converted
