"""track and page: Segment event messages → mixpanel.js calls.

Order matters and follows the original: revenue and the super-property pick come from the
RAW properties; then sourceName, reserved-key removal (case-sensitive), dates → ISO strings,
object-list inversion; then People increments / charge; then the event; then ``register``.
Beyond the original, after those steps: ``time`` (message timestamp, epoch seconds),
``$insert_id`` (message id) and ``utm_*`` from ``context.campaign`` are added unless the
caller already sent them, so they never take part in increments or picking; ``track_links`` /
``track_forms`` get neither ``time`` nor ``$insert_id`` (mixpanel.js copies the properties into
every click, and Mixpanel would keep only the first).

A track made by the page's trackLink / trackForm helper (``leaving``: the page navigates or
submits right after) goes with mixpanel.js's options ``BEACON`` as a third argument: by
``sendBeacon``, which survives the page leaving, and past mixpanel.js's batch queue.

Must not import js/pyodide and must not touch mixpanel.js except through `Calls`.
"""

from __future__ import annotations

from datetime import datetime

from integration.dates import dates_to_iso, epoch_seconds, may_hold_dates
from integration.errors import InvalidCall
from integration.jsnumbers import parse_float
from integration.jsvalues import (
    describe,
    js_keys,
    js_lower,
    js_string,
    loose_get,
    truthy,
)
from integration.mixpanel.peer_checks import template_parts
from integration.mixpanel.traits import pick

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from typing import Any

    from integration.mixpanel.calls import Calls

RESERVED = ("distinct_id", "ip", "mp_name_tag", "mp_note", "token")
# mixpanel.track's options for an event the page sends as it leaves (trackLink, trackForm)
BEACON = {"transport": "sendBeacon", "send_immediately": True}
# the DOM helpers' marks (the loader's meta "dom"): the page leaves after these
LEAVING = ("link", "form")


def order_completed(event: str) -> bool:
    """The original's test, /^[ _]?completed[ _]?order|^[ _]?order[ _]?completed[ _]?$/i."""
    text = "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in event)
    start = 1 if text[:1] in (" ", "_") else 0
    for first, second, anchored in (("completed", "order", False), ("order", "completed", True)):
        if text.startswith(first, start):
            pos = start + len(first)
            pos += 1 if text[pos : pos + 1] in (" ", "_") else 0
            if text.startswith(second, pos):
                end = pos + len(second)
                end += 1 if text[end : end + 1] in (" ", "_") else 0
                if not anchored or end == len(text):
                    return True
    return False


CAMPAIGN = {
    "name": "utm_campaign",
    "source": "utm_source",
    "medium": "utm_medium",
    "term": "utm_term",
    "content": "utm_content",
}
CHARGE_NOTE = (
    "mixpanel.js 2.65 and later ignores it; "
    'the amount still reaches Mixpanel as the event\'s "revenue" property'
)


def properties_of(message: dict[str, Any], method: str) -> dict[str, Any]:
    props = message.get("properties")
    if props is None:
        return {}
    if not isinstance(props, dict):
        raise InvalidCall(method, f"properties must be an object, got {describe(props)}")
    return props


def track(message: dict[str, Any], options: dict[str, Any], calls: Calls, dom: Any = None) -> None:
    """`dom`: the DOM helper that made the call ("link" or "form"), else None."""
    event = message.get("event")
    if not isinstance(event, str):
        problem = "event name is missing" if event is None else "event name must be a string"
        raise InvalidCall("track", f"{problem}, got {describe(event)}; nothing sent")
    props = properties_of(message, "track")
    if filtered(event, options):  # track events only: page and screen calls never are
        mode = options["eventFilteringOption"]
        calls.report.info("track", f'"{event}": filtered ({mode}); nothing sent to Mixpanel')
        return
    track_event(event, props, message, options, calls, leaving=dom in LEAVING)


def page_event(message: dict[str, Any], options: dict[str, Any], kind: str = "Page") -> str | None:
    """The one event name a page (or screen) call becomes, or None (the first rule that matches
    wins, as in the original). Beyond it (as RudderStack): useUserDefinedPageEventName (for screens,
    useUserDefinedScreenEventName) on, the template names it, whatever the other rules say."""
    category, name = message.get("category"), message.get("name")
    if options[f"useUserDefined{kind}EventName"]:  # RudderStack's switch: when on, it wins
        template = options[f"userDefined{kind}EventTemplate"]
        return rendered(template, {"category": category, "name": name}) or None
    if options["consolidatedPageCalls"] or options["trackAllPages"]:
        return f"Loaded a {kind}"
    if options["trackCategorizedPages"] and truthy(category):
        full = f"{js_string(category)} {js_string(name)}" if truthy(name) else category
        return f"Viewed {js_string(full)} {kind}"
    if options["trackNamedPages"] and truthy(name):
        return f"Viewed {js_string(name)} {kind}"
    return None


def rendered(template: str, values: dict[str, Any]) -> str:
    """The template with each placeholder's value (empty when falsy), single-spaced, trimmed."""
    parts = template_parts(template) or [template]
    text = "".join(
        (js_string(values[part]) if truthy(values[part]) else "") if index % 2 else part
        for index, part in enumerate(parts)
    )
    return " ".join(word for word in text.split(" ") if word)


def filtered(event: str, options: dict[str, Any]) -> bool:
    """eventFilteringOption: the exact (trimmed) track event name, listed or not. As in
    RudderStack, page and screen calls are never filtered."""
    mode = options["eventFilteringOption"]
    if mode == "disable":
        return False
    listed = event.strip() in options[mode]
    return listed if mode == "blacklistedEvents" else not listed


def page(message: dict[str, Any], options: dict[str, Any], calls: Calls) -> None:
    props = properties_of(message, "page")
    event = page_event(message, options)
    if event is not None:
        track_event(event, props, message, options, calls)


def screen(message: dict[str, Any], options: dict[str, Any], calls: Calls) -> None:
    """Beyond the original: screen follows the page rules, "Screen" for "Page"."""
    props = properties_of(message, "screen")
    event = page_event(message, options, "Screen")
    if event is not None:
        track_event(event, props, message, options, calls)


def track_event(
    event: str,
    raw: dict[str, Any],
    message: dict[str, Any],
    options: dict[str, Any],
    calls: Calls,
    leaving: bool = False,
) -> None:
    revenue = revenue_of(event, raw)
    super_props = pick(options["superProperties"], raw)
    props = prepared(raw, options)
    if options["people"]:
        _people(event, props, revenue, _now(message, calls), options, calls)
    query = _query(props)
    added = extras(message)
    if query is not None:  # mixpanel.js copies these into every click: each would be a duplicate
        added.pop("time", None)
        added.pop("$insert_id", None)
    props.update({k: v for k, v in added.items() if k not in props})
    _send_event(event, props, query, calls, leaving)
    if super_props:
        calls.send("register", super_props, label=f'track "{event}" → register')


def prepared(raw: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """The original's track steps, on a copy: source name, reserved keys, dates, inversion."""
    props = dict(raw)
    if options["sourceName"]:
        props["segment_source_name"] = options["sourceName"]
    for key in RESERVED:
        props.pop(key, None)
    # `props` is this call's own copy (its containers the message's): no second copy without dates
    converted: dict[str, Any] = dates_to_iso(props) if may_hold_dates(props) else props
    invert_object_lists(converted)
    return converted


def invert_object_lists(props: dict[str, Any]) -> None:
    """In place, top level only: lists of objects become one list per key (``products`` of
    ``{sku}`` objects → ``products_skus``)."""
    for name in js_keys(props):
        value = props[name]
        inverted = inverted_list(name, value) if isinstance(value, list) else {}
        if inverted:
            for key, items in inverted.items():
                props[key] = _appended(props[key], items) if key in props else items
            del props[name]


def inverted_list(name: str, items: list[Any]) -> dict[str, list[Any]]:
    """``{name}_{key}s`` lists, or {} when any element is not an object/list/null."""
    inverted: dict[str, list[Any]] = {}
    for item in items:
        if not (item is None or isinstance(item, (dict, list))):
            return {}
        keys = js_keys(item) if isinstance(item, dict) else range(len(item or ()))
        for key in keys:
            inverted.setdefault(f"{name}_{key}s", []).append(item[key])  # type: ignore[index]
    return inverted


def _appended(existing: Any, items: list[Any]) -> list[Any]:
    # The original concatenates onto an existing list; for other values JS would throw
    # (numbers, objects) or glue strings. We keep the existing value as the first element.
    return existing + items if isinstance(existing, list) else [existing] + items


def revenue_of(event: str, props: dict[str, Any]) -> Any:
    """``revenue`` (loosely), else ``total`` on order-completed events."""
    value = loose_get(props, "revenue")
    if not truthy(value) and event and order_completed(event):
        value = loose_get(props, "total")
    return currency(value)


def currency(value: Any) -> Any:
    """A number as is; a string without ``$`` read by parseFloat (so "1,234" → 1)."""
    if not truthy(value) or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        return parse_float(value.replace("$", ""))
    return None


def _now(message: dict[str, Any], calls: Calls) -> datetime:
    """The call time: the message timestamp (queued calls keep theirs), else the clock."""
    stamp = message.get("timestamp")
    return stamp if isinstance(stamp, datetime) else calls.clock()


def _people(
    event: str,
    props: dict[str, Any],
    revenue: Any,
    now: datetime,
    options: dict[str, Any],
    calls: Calls,
) -> None:
    if js_lower(event, calls.lower) in options["eventIncrements"]:
        calls.send("people.increment", event, label=f'track "{event}" → people.increment')
        calls.send("people.set", "Last " + event, now, label=f'track "{event}" → people.set')
    for key in js_keys(props):
        if js_lower(js_string(key), calls.lower) in options["propIncrements"]:
            calls.send("people.increment", key, props[key], label=f'track "{event}" → increment')
    if truthy(revenue):
        calls.send("people.track_charge", revenue, label=f'track "{event}" → track_charge')
        calls.note_once("track_charge", "people.track_charge", CHARGE_NOTE)


def extras(message: dict[str, Any]) -> dict[str, Any]:
    """Beyond the original: event time, insert id and campaign (UTM) properties."""
    found: dict[str, Any] = {}
    if isinstance(message.get("timestamp"), datetime):
        found["time"] = epoch_seconds(message["timestamp"])
    if truthy(message.get("messageId")):
        found["$insert_id"] = message["messageId"]
    context = message.get("context")
    page = context.get("page") if isinstance(context, dict) else None
    if isinstance(page, dict) and isinstance(page.get("url"), str) and page["url"]:
        # The call's own page: mixpanel.js would take location.href when it
        # sends, which for a queued, carried or snippet-buffered call is another page.
        found["$current_url"] = page["url"]
    campaign = context.get("campaign") if isinstance(context, dict) else None
    if isinstance(campaign, dict):
        for key, target in CAMPAIGN.items():
            if campaign.get(key) is not None:
                found[target] = dates_to_iso(campaign[key])
    return found


def _query(props: dict[str, Any]) -> tuple[str, str] | None:
    """(property, mixpanel.js method) of a truthy link_query, else form_query, else None."""
    for query_key, method in (("link_query", "track_links"), ("form_query", "track_forms")):
        if truthy(props.get(query_key)):
            return query_key, method
    return None


def _send_event(
    event: str, props: dict[str, Any], query: tuple[str, str] | None, calls: Calls, leaving: bool
) -> None:
    """link_query wins over form_query (which then stays in the properties); an event sent as
    the page leaves gets mixpanel.js's BEACON options (a copy: mixpanel.js writes to them)."""
    label = f'track "{event}"'
    if query is None and leaving:
        calls.send("track", event, props, dict(BEACON), label=label)
        return
    if query is None:
        calls.send("track", event, props, label=label)
        return
    query_key, method = query
    calls.send(method, props.pop(query_key), event, props, label=label)
