"""identify: Segment identify messages → mixpanel.js calls.

Follows the original integration step by step, including its quirks: the special traits
are found loosely (``first_name`` counts as ``firstName``) but the original key is removed
only under its exact camelCase spelling; array traits are unioned, for super properties
by hand in JavaScript key order; the picking lists are exact and case-sensitive.
Not replicated: picking through JavaScript's ``in`` (names like ``toString`` pick nothing).

Must not import js/pyodide and must not touch mixpanel.js except through `Calls`.
"""

from __future__ import annotations

from integration.dates import created_date, dates_to_iso
from integration.errors import InvalidCall
from integration.jsvalues import (
    describe,
    js_keys,
    js_string,
    loose_get,
    loose_key,
    ordered_keys,
    truthy,
)

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from typing import Any

    from integration.mixpanel.calls import Calls

TRAIT_ALIASES = {
    "created": "$created",
    "email": "$email",
    "firstName": "$first_name",
    "lastName": "$last_name",
    "lastSeen": "$last_seen",
    "name": "$name",
    "username": "$username",
    "phone": "$phone",
}


JS_LINE_BREAKS = "\n\r\u2028\u2029"  # where JavaScript's `.` stops


def _looks_like_email(text: str) -> bool:
    """The original's /.+@.+[.].+/.test(id): true when any line has that shape."""
    line: list[str] = []
    for char in text + "\n":
        if char not in JS_LINE_BREAKS:
            line.append(char)
        elif _email_line("".join(line)):
            return True
        else:
            line = []
    return False


def _email_line(line: str) -> bool:
    """One line: a character, "@", a character, ".", a character (in that order)."""
    at = line.find("@", 1)
    return at > 0 and line.rfind(".", 0, len(line) - 1) >= at + 2


def traits_of(message: dict[str, Any], method: str) -> dict[str, Any]:
    """The message's traits object ({} when absent); anything else is an InvalidCall."""
    traits = message.get("traits")
    if traits is None:
        return {}
    if not isinstance(traits, dict):
        raise InvalidCall(method, f"traits must be an object, got {describe(traits)}")
    return traits


# --- the facade's trait helpers (each returns None for "undefined") ---------------------


def email_of(traits: dict[str, Any], user_id: Any) -> Any:
    email = loose_get(traits, "email")
    if truthy(email):
        return email
    if isinstance(user_id, str) and _looks_like_email(user_id):
        return user_id
    return None


def first_name_of(traits: dict[str, Any], user_id: Any) -> Any:
    first = loose_get(traits, "firstName")
    if isinstance(first, str):
        return first.strip()
    name = loose_get(traits, "name")
    return name.strip().split(" ")[0] if isinstance(name, str) else None


def last_name_of(traits: dict[str, Any], user_id: Any) -> Any:
    last = loose_get(traits, "lastName")
    if isinstance(last, str):
        return last.strip()
    name = loose_get(traits, "name")
    if not isinstance(name, str) or " " not in name.strip():
        return None
    trimmed = name.strip()
    return trimmed[trimmed.index(" ") + 1 :].strip()


def name_of(traits: dict[str, Any], user_id: Any) -> Any:
    name = loose_get(traits, "name")
    if isinstance(name, str):
        return name.strip()
    first, last = first_name_of(traits, user_id), last_name_of(traits, user_id)
    if truthy(first) and truthy(last):
        return f"{first} {last}".strip()
    return None


def created_of(traits: dict[str, Any], user_id: Any) -> Any:
    created = loose_get(traits, "created")
    if not truthy(created):
        created = loose_get(traits, "createdAt")
    return created_date(created) if truthy(created) else None


def phone_of(traits: dict[str, Any], user_id: Any) -> Any:
    phone = loose_get(traits, "phone")
    if truthy(phone):
        return phone
    phones = loose_get(traits, "phones")
    return phones[0] if isinstance(phones, list) and phones else None


_RESOLVERS = {
    "created": created_of,
    "email": email_of,
    "firstName": first_name_of,
    "lastName": last_name_of,
    "name": name_of,
    "phone": phone_of,
}


def special_trait(alias: str, traits: dict[str, Any], user_id: Any) -> Any:
    resolver = _RESOLVERS.get(alias)
    if resolver is None:
        return loose_get(traits, alias)
    return resolver(traits, user_id)


# --- identify -------------------------------------------------------------------------


def mapped_traits(traits: dict[str, Any], user_id: Any) -> dict[str, Any]:
    """Traits + ``id``, special traits renamed (``$email``...; ``createdAt`` dropped when
    ``$created`` is set), dates as ISO strings."""
    result = dict(traits)
    if truthy(user_id):
        result["id"] = user_id
    for alias, target in TRAIT_ALIASES.items():
        value = special_trait(alias, traits, user_id)
        if value is not None:
            result[target] = value
            result.pop(alias, None)
    if truthy(result.get("$created")):
        result.pop(loose_key(result, "createdAt"), None)
    mapped: dict[str, Any] = dates_to_iso(result)
    return mapped


def union_strings(old: list[Any], new: list[Any]) -> list[str]:
    """As the original: merged through a JS object, so strings, deduplicated, in JS key order."""
    seen: list[str] = []  # a list, not a dict: MicroPython's dicts do not keep insertion order
    for item in old + new:
        text = js_string(item)
        if text not in seen:
            seen.append(text)
    return ordered_keys(seen)


def split_traits(traits: dict[str, Any], calls: Calls) -> tuple[dict[str, Any], dict[str, Any]]:
    """(to set, to union); `traits` gets the manual union for already registered arrays."""
    to_set: dict[str, Any] = {}
    to_union: dict[str, Any] = {}
    for key in js_keys(traits):
        value = traits[key]
        if not (isinstance(value, list) and value):
            to_set[key] = value
            continue
        to_union[key] = value
        existing = calls.read("get_property", key)
        if isinstance(existing, list):
            traits[key] = union_strings(existing, value)
    return to_set, to_union


def pick(names: list[Any], source: dict[str, Any]) -> dict[str, Any]:
    """@ndhoule/pick with exact names, in list order; non-string names are skipped."""
    return {name: source[name] for name in names if isinstance(name, str) and name in source}


def special_names(names: list[Any]) -> list[Any]:
    return [TRAIT_ALIASES.get(name, name) if isinstance(name, str) else name for name in names]


def take_set_once(traits: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """The set-once traits, taken out of `traits` (the call's own copy; nested objects on a
    dotted path are copied before their key is removed, so the message keeps its own). A name
    is a trait (a special one under its Mixpanel name); "a.b" is the nested ``b`` of ``a``,
    set once under its last part, as RudderStack does."""
    once: dict[str, Any] = {}
    for path in paths:
        parts = path.split(".")
        if "" in parts or len(parts) == 1:  # a plain name (renamed like the traits were)
            parts = [TRAIT_ALIASES.get(path, path)]
        holder: Any = traits
        for part in parts[:-1]:
            inner = holder.get(part)
            if not isinstance(inner, dict):
                holder = None
                break
            holder[part] = dict(inner)
            holder = holder[part]
        if holder is not None and parts[-1] in holder:
            once[TRAIT_ALIASES.get(parts[-1], parts[-1])] = holder.pop(parts[-1])
    return once


def identify(message: dict[str, Any], options: dict[str, Any], calls: Calls) -> None:
    user_id = message.get("userId")
    traits = traits_of(message, "identify")
    if truthy(user_id):
        calls.send("identify", user_id)
    for tag in (email_of(traits, user_id), loose_get(traits, "username"), user_id):
        if truthy(tag):
            calls.send("name_tag", tag)
            break
    mapped = mapped_traits(traits, user_id)
    # Beyond the original (RudderStack's setOnceProperties): these go to people.set_once only,
    # left out of register and people.set, with or without people.
    once = take_set_once(mapped, options["setOnceProperties"])
    to_set, to_union = split_traits(mapped, calls)
    if options["setAllTraitsByDefault"]:
        _send_all(mapped, to_set, to_union, options, calls)
    else:
        _send_picked(mapped, to_set, to_union, options, calls)
    if options["people"] and once:
        calls.send("people.set_once", once, label="identify → people.set_once")


def _send_all(
    traits: dict[str, Any],
    to_set: dict[str, Any],
    to_union: dict[str, Any],
    options: dict[str, Any],
    calls: Calls,
) -> None:
    """setAllTraitsByDefault on: every call is sent, even with ``{}`` (as the original)."""
    calls.send("register", traits, label="identify → register")
    if options["people"]:
        calls.send("people.set", to_set, label="identify → people.set")
        calls.send("people.union", to_union, label="identify → people.union")


def _send_picked(
    traits: dict[str, Any],
    to_set: dict[str, Any],
    to_union: dict[str, Any],
    options: dict[str, Any],
    calls: Calls,
) -> None:
    """setAllTraitsByDefault off: only listed names, nothing sent for an empty pick."""
    chosen = {"register": pick(special_names(options["superProperties"]), traits)}
    if options["people"]:
        people = special_names(options["peopleProperties"] + list(TRAIT_ALIASES))
        chosen["people.set"] = pick(people, to_set)
        chosen["people.union"] = pick(people, to_union)
    for name in ("register", "people.set", "people.union"):  # in this order on every Python
        if chosen.get(name):
            calls.send(name, chosen[name], label=f"identify → {name}")
