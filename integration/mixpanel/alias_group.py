"""alias and group: Segment messages → mixpanel.js calls.

alias skips when mixpanel.js already knows the new id (its distinct id or people distinct
id, compared with JavaScript ``===``), else calls ``alias(to, from)`` with ``from`` None when
absent. Without a new id nothing is sent (the original sends ``alias(undefined, from)`` when
``$people_distinct_id`` is set). group needs a group id, analytics.js's stored user id and
configured group keys (Segment's groupIdentifierTraits and RudderStack's groupKeySettings);
traits go through ``set_once`` untouched (no dates converted, no
renaming).

Must not import js/pyodide and must not touch mixpanel.js except through `Calls`.
"""

from __future__ import annotations

from integration.jsvalues import strict_equal, truthy
from integration.mixpanel.traits import traits_of

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from typing import Any

    from integration.mixpanel.calls import Calls


def alias(message: dict[str, Any], options: dict[str, Any], calls: Calls) -> None:
    """Skip when mixpanel.js already knows the new id, else ``alias(to, from)``."""
    to = message.get("userId") if truthy(message.get("userId")) else message.get("to")
    previous = message.get("previousId")
    previous = previous if truthy(previous) else message.get("from")
    if to is None:  # beyond the original: no new id, nothing sent, whatever is stored
        return
    if strict_equal(calls.read("get_distinct_id"), to):
        return
    if strict_equal(calls.read("get_property", "$people_distinct_id"), to):
        return
    # No previous id: left out (mixpanel.js then uses its own distinct id; a null would not be).
    if previous is None:
        calls.send("alias", to)
    else:
        calls.send("alias", to, previous)


def group_keys(options: dict[str, Any]) -> list[str]:
    """groupIdentifierTraits, then RudderStack's groupKeySettings, each key once."""
    keys: list[str] = []
    for key in options["groupIdentifierTraits"] + options["groupKeySettings"]:
        if key not in keys:
            keys.append(key)
    return keys


def group(message: dict[str, Any], options: dict[str, Any], calls: Calls) -> None:
    """Each configured name is a group key; the value is always the group id (as the original)."""
    group_id, keys = message.get("groupId"), group_keys(options)
    traits = traits_of(message, "group")
    if not (truthy(group_id) and truthy(message.get("userId")) and keys):
        return
    method = options["groupTraitsMethod"]  # beyond the original: "set" updates them
    if traits:
        for key in keys:
            calls.send("get_group." + method, key, group_id, traits, label=f"group → {method}")
    for key in keys:
        calls.send("set_group", key, [group_id])
