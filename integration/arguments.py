"""analytics.js argument overloading, as pure functions: one per public method.

Each function takes the positional arguments and the keyword arguments of one call and returns
one fixed shape (``IdentifyArgs``, ``TrackArgs``, ...), or raises ``InvalidCall`` naming the
argument. Positional arguments are reshuffled exactly as analytics.js 3.x does (a function is the
callback, an object in an id slot is the traits, a lone page string is the name); an argument
passed by keyword is never reinterpreted. Must not read storage, the clock or the page: the one
piece of state needed (the stored id, for ``identify({...})``) is passed in.
"""

from __future__ import annotations

from integration.errors import InvalidCall
from integration.jsnumbers import is_number

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    Json = dict[str, Any]
    Callback = Callable[[], Any] | None


class Resolved:
    """Base of the fixed shapes: fields set in ``names`` order, compared and printed by field."""

    names: tuple[str, ...] = ()

    def __init__(self, *values: Any) -> None:
        if len(values) != len(self.names):
            raise TypeError(f"{type(self).__name__} takes {len(self.names)} values")
        for name, value in zip(self.names, values):  # noqa: B905 (no strict= on MicroPython)
            setattr(self, name, value)

    def fields(self) -> Json:
        return {name: getattr(self, name) for name in self.names}

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Resolved)
            and type(other) is type(self)
            and other.fields() == self.fields()
        )

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.fields().items())
        return f"{type(self).__name__}({inner})"


class IdentifyArgs(Resolved):
    names = ("user_id", "traits", "options", "callback")
    user_id: Any
    traits: Json
    options: Json
    callback: Callback


class TrackArgs(Resolved):
    names = ("event", "properties", "options", "callback")
    event: str
    properties: Json
    options: Json
    callback: Callback


class PageArgs(Resolved):
    names = ("category", "name", "properties", "options", "callback")
    category: str | None
    name: str | None
    properties: Json
    options: Json
    callback: Callback


class AliasArgs(Resolved):
    names = ("user_id", "previous_id", "options", "callback")
    user_id: Any
    previous_id: Any
    options: Json
    callback: Callback


class GroupArgs(Resolved):
    names = ("group_id", "traits", "options", "callback")
    group_id: Any
    traits: Json
    options: Json
    callback: Callback


class _Slots:
    """The call's arguments bound to named slots, remembering which came by keyword."""

    def __init__(
        self, method: str, names: Sequence[str], args: Sequence[Any], kwargs: Json
    ) -> None:
        if len(args) > len(names):
            raise InvalidCall(method, f"takes at most {len(names)} arguments, got {len(args)}")
        self.method = method
        self.values: Json = dict.fromkeys(names)
        for name, value in zip(names, args):  # noqa: B905 (MicroPython's zip has no strict=)
            self.values[name] = value
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


def _is_id(value: Any) -> bool:
    return isinstance(value, str) or is_number(value)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _take(slots: _Slots, name: str, test: Callable[[Any], bool], wanted: str) -> Any:
    """The slot's value when it is None or passes ``test``; else InvalidCall naming it."""
    value = slots.values[name]
    if value is not None and not test(value):
        raise InvalidCall(slots.method, f"{name} must be {wanted}, got {type_name(value)}")
    return value


def _object(slots: _Slots, name: str) -> Json:
    return _take(slots, name, _is_object, "an object") or {}


def _rest(slots: _Slots) -> tuple[Json, Json, Callback]:
    """The (properties or traits), options and callback that end every call form."""
    data = "traits" if "traits" in slots.values else "properties"
    callback = _take(slots, "callback", callable, "a function")
    return _object(slots, data), _object(slots, "options"), callback


def _callbacks_first(slots: _Slots, *names: str) -> None:
    """A function in any of ``names`` (checked in order) is the callback; later slots clear."""
    for index, name in enumerate(names):
        if slots.is_positional(name, callable):
            slots.move(name, "callback")
            for later in names[:index]:
                slots.clear(later)


def _entity(
    method: str, names: tuple[str, ...], args: Sequence[Any], kwargs: Json, stored_id: Any
) -> tuple[Any, Json, Json, Callback]:
    """identify/group overloading: an object in the id slot is the traits, id = the stored id."""
    slots = _Slots(method, names, args, kwargs)
    _callbacks_first(slots, "options", "traits")
    id_name = names[0]
    traits_only = not slots.given(id_name) and slots.given("traits")
    if slots.is_positional(id_name, _is_object):
        slots.move("traits", "options")
        slots.move(id_name, "traits")
        traits_only = True
    the_id = stored_id if traits_only else _take(slots, id_name, _is_id, "a string")
    return (the_id,) + _rest(slots)  # no (x, *y) displays: MicroPython cannot compile them


def identify(args: Sequence[Any], kwargs: Json, stored_id: Any = None) -> IdentifyArgs:
    """identify([userId], [traits], [options], [callback]); traits alone keep the stored id."""
    return IdentifyArgs(*_entity("identify", IdentifyArgs.names, args, kwargs, stored_id))


def group(args: Sequence[Any], kwargs: Json, stored_id: Any = None) -> GroupArgs:
    """group([groupId], [traits], [options], [callback]): the same overloading as identify."""
    return GroupArgs(*_entity("group", GroupArgs.names, args, kwargs, stored_id))


def track(args: Sequence[Any], kwargs: Json) -> TrackArgs:
    """track(event, [properties], [options], [callback])."""
    slots = _Slots("track", TrackArgs.names, args, kwargs)
    _callbacks_first(slots, "options", "properties")
    if not isinstance(slots.values["event"], str):
        got = type_name(slots.values["event"])
        raise InvalidCall("track", f"event must be a string, got {got}")
    return TrackArgs(slots.values["event"], *_rest(slots))


def page(args: Sequence[Any], kwargs: Json) -> PageArgs:
    """page([category], [name], [properties], [options], [callback]) as analytics.js reads it:
    a function is the callback, an object the properties, and a lone string the name."""
    return _page_like("page", args, kwargs)


def screen(args: Sequence[Any], kwargs: Json) -> PageArgs:
    """screen([category], [name], [properties], [options], [callback]): page's overloading."""
    return _page_like("screen", args, kwargs)


def _page_like(method: str, args: Sequence[Any], kwargs: Json) -> PageArgs:
    slots = _Slots(method, PageArgs.names, args, kwargs)
    _callbacks_first(slots, "options", "properties", "name")
    if slots.is_positional("category", _is_object):
        slots.move("name", "options")
        slots.move("category", "properties")
    if slots.is_positional("name", _is_object):
        slots.move("properties", "options")
        slots.move("name", "properties")
    # analytics.js moves a lone string to the name over any non-string name (page('D', 5) is
    # named D); here only a missing name is replaced, so a wrong-typed name is reported.
    if slots.is_positional("category", _is_str) and slots.values["name"] is None:
        slots.move("category", "name")
    category = _take(slots, "category", _is_str, "a string")
    return PageArgs(category, _take(slots, "name", _is_str, "a string"), *_rest(slots))


def alias(args: Sequence[Any], kwargs: Json) -> AliasArgs:
    """alias(userId, [previousId], [options], [callback]); ids are kept as given."""
    slots = _Slots("alias", AliasArgs.names, args, kwargs)
    _callbacks_first(slots, "options", "previous_id")
    if slots.is_positional("previous_id", _is_object):
        slots.move("previous_id", "options")
    user_id = _take(slots, "user_id", _is_id, "a string")
    previous_id = _take(slots, "previous_id", _is_id, "a string")
    callback = _take(slots, "callback", callable, "a function")
    return AliasArgs(user_id, previous_id, _object(slots, "options"), callback)
