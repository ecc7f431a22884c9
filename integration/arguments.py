"""analytics.js argument overloading, as pure functions: one per public method.

Each function takes the positional arguments and the keyword arguments of one call and returns
one fixed shape (``IdentifyArgs``, ``TrackArgs``, ...), or raises ``InvalidCall`` naming the
argument. Positional arguments are reshuffled exactly as analytics.js 3.x does (a function is the
callback, an object in an id slot is the traits, a lone page string is the name); an argument
passed by keyword is never reinterpreted. Must not read storage, the clock or the page: the one
piece of state needed (the stored id, for ``identify({...})``) is passed in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from integration.errors import InvalidCall

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any


class Resolved:
    """Base of the fixed shapes: compared and printed by field, so tests read as a table."""

    def fields(self) -> dict[str, Any]:
        return dict(vars(self))

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({inner})"


class IdentifyArgs(Resolved):
    def __init__(self, user_id: Any, traits: dict[str, Any], options: dict[str, Any],
                 callback: Callable[[], Any] | None) -> None:  # fmt: skip
        self.user_id = user_id
        self.traits = traits
        self.options = options
        self.callback = callback


class TrackArgs(Resolved):
    def __init__(self, event: str, properties: dict[str, Any], options: dict[str, Any],
                 callback: Callable[[], Any] | None) -> None:  # fmt: skip
        self.event = event
        self.properties = properties
        self.options = options
        self.callback = callback


class PageArgs(Resolved):
    def __init__(self, category: str | None, name: str | None, properties: dict[str, Any],
                 options: dict[str, Any], callback: Callable[[], Any] | None) -> None:  # fmt: skip
        self.category = category
        self.name = name
        self.properties = properties
        self.options = options
        self.callback = callback


class AliasArgs(Resolved):
    def __init__(self, user_id: Any, previous_id: Any, options: dict[str, Any],
                 callback: Callable[[], Any] | None) -> None:  # fmt: skip
        self.user_id = user_id
        self.previous_id = previous_id
        self.options = options
        self.callback = callback


class GroupArgs(Resolved):
    def __init__(self, group_id: Any, traits: dict[str, Any], options: dict[str, Any],
                 callback: Callable[[], Any] | None) -> None:  # fmt: skip
        self.group_id = group_id
        self.traits = traits
        self.options = options
        self.callback = callback


class _Slots:
    """The call's arguments bound to named slots, remembering which came by keyword."""

    def __init__(self, method: str, names: Sequence[str], args: Sequence[Any],
                 kwargs: dict[str, Any]) -> None:  # fmt: skip
        if len(args) > len(names):
            raise InvalidCall(method, f"takes at most {len(names)} arguments, got {len(args)}")
        self.method = method
        self.values: dict[str, Any] = dict.fromkeys(names)
        self.values.update(zip(names, args, strict=False))
        self.positional = set(names[: len(args)])
        self.keywords: set[str] = set()
        for key, value in kwargs.items():
            self._bind_keyword(key, value)

    def _bind_keyword(self, key: str, value: Any) -> None:
        if key not in self.values:
            raise InvalidCall(self.method, f"unexpected keyword argument {key!r}")
        if key in self.positional:
            raise InvalidCall(self.method, f"got two values for {key}")
        self.values[key] = value
        self.keywords.add(key)

    def given(self, name: str) -> bool:
        return name in self.positional or name in self.keywords

    def is_positional(self, name: str, test: Callable[[Any], bool]) -> bool:
        return name in self.positional and test(self.values[name])

    def move(self, src: str, dst: str) -> None:
        """analytics.js's reshuffle ``dst = src; src = null``, never overwriting a keyword."""
        value = self.values[src]
        if src in self.keywords:
            return
        self.values[src] = None
        if dst in self.keywords:
            if value is not None:
                raise InvalidCall(self.method, f"got two values for {dst}")
            return
        self.values[dst] = value
        self.positional.discard(src)
        self.positional.add(dst)

    def clear(self, name: str) -> None:
        if name not in self.keywords:
            self.values[name] = None


def type_name(value: Any) -> str:
    if value is None:
        return "None"
    return "function" if callable(value) else type(value).__name__


def _is_object(value: Any) -> bool:
    return isinstance(value, dict)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check(slots: _Slots, name: str, ok: bool, wanted: str) -> None:
    if not ok:
        got = type_name(slots.values[name])
        raise InvalidCall(slots.method, f"{name} must be {wanted}, got {got}")


def _object(slots: _Slots, name: str) -> dict[str, Any]:
    value = slots.values[name]
    _check(slots, name, value is None or _is_object(value), "an object")
    return value or {}


def _id(slots: _Slots, name: str) -> Any:
    value = slots.values[name]
    _check(slots, name, value is None or isinstance(value, str) or _is_number(value), "a string")
    return value


def _text(slots: _Slots, name: str) -> str | None:
    value = slots.values[name]
    _check(slots, name, value is None or isinstance(value, str), "a string")
    return value  # type: ignore[no-any-return]


def _callback(slots: _Slots) -> Callable[[], Any] | None:
    value = slots.values["callback"]
    _check(slots, "callback", value is None or callable(value), "a function")
    return value  # type: ignore[no-any-return]


def _callbacks_first(slots: _Slots, *names: str) -> None:
    """A function in any of ``names`` (checked in order) is the callback; later slots clear."""
    for index, name in enumerate(names):
        if slots.is_positional(name, callable):
            slots.move(name, "callback")
            for later in names[:index]:
                slots.clear(later)


def identify(args: Sequence[Any], kwargs: dict[str, Any], stored_id: Any = None) -> IdentifyArgs:
    """identify([userId], [traits], [options], [callback]); an object first means traits only."""
    slots = _Slots("identify", ("user_id", "traits", "options", "callback"), args, kwargs)
    _callbacks_first(slots, "options", "traits")
    traits_only = not slots.given("user_id") and slots.given("traits")
    if slots.is_positional("user_id", _is_object):
        slots.move("traits", "options")
        slots.move("user_id", "traits")
        traits_only = True
    user_id = stored_id if traits_only else _id(slots, "user_id")
    return IdentifyArgs(
        user_id, _object(slots, "traits"), _object(slots, "options"), _callback(slots)
    )


def track(args: Sequence[Any], kwargs: dict[str, Any]) -> TrackArgs:
    """track(event, [properties], [options], [callback])."""
    slots = _Slots("track", ("event", "properties", "options", "callback"), args, kwargs)
    _callbacks_first(slots, "options", "properties")
    event = slots.values["event"]
    _check(slots, "event", isinstance(event, str), "a string")
    return TrackArgs(
        event, _object(slots, "properties"), _object(slots, "options"), _callback(slots)
    )


def page(args: Sequence[Any], kwargs: dict[str, Any]) -> PageArgs:
    """page([category], [name], [properties], [options], [callback]), spec 4.3 steps 1-4."""
    names = ("category", "name", "properties", "options", "callback")
    slots = _Slots("page", names, args, kwargs)
    _callbacks_first(slots, "options", "properties", "name")
    if slots.is_positional("category", _is_object):
        slots.move("name", "options")
        slots.move("category", "properties")
    if slots.is_positional("name", _is_object):
        slots.move("properties", "options")
        slots.move("name", "properties")
    lone_string = slots.is_positional("category", lambda v: isinstance(v, str))
    if lone_string and not isinstance(slots.values["name"], str):
        slots.move("category", "name")
    return PageArgs(
        _text(slots, "category"),
        _text(slots, "name"),
        _object(slots, "properties"),
        _object(slots, "options"),
        _callback(slots),
    )


def alias(args: Sequence[Any], kwargs: dict[str, Any]) -> AliasArgs:
    """alias(userId, [previousId], [options], [callback]); ids are kept as given."""
    slots = _Slots("alias", ("user_id", "previous_id", "options", "callback"), args, kwargs)
    _callbacks_first(slots, "options", "previous_id")
    if slots.is_positional("previous_id", _is_object):
        slots.move("previous_id", "options")
    return AliasArgs(
        _id(slots, "user_id"), _id(slots, "previous_id"), _object(slots, "options"),
        _callback(slots),
    )  # fmt: skip


def group(args: Sequence[Any], kwargs: dict[str, Any], stored_id: Any = None) -> GroupArgs:
    """group([groupId], [traits], [options], [callback]): the same overloading as identify."""
    slots = _Slots("group", ("group_id", "traits", "options", "callback"), args, kwargs)
    _callbacks_first(slots, "options", "traits")
    traits_only = not slots.given("group_id") and slots.given("traits")
    if slots.is_positional("group_id", _is_object):
        slots.move("traits", "options")
        slots.move("group_id", "traits")
        traits_only = True
    group_id = stored_id if traits_only else _id(slots, "group_id")
    return GroupArgs(
        group_id, _object(slots, "traits"), _object(slots, "options"), _callback(slots)
    )
