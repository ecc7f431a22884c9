"""Every analytics.js call form, per method, with the shape analytics.js resolves
it to."""

from __future__ import annotations

import pytest

from integration import arguments
from integration.arguments import AliasArgs, GroupArgs, IdentifyArgs, PageArgs, TrackArgs
from integration.errors import InvalidCall


def cb() -> None:
    """The page's callback."""


def cb2() -> None:
    """A second callback, to see which one wins."""


T = {"email": "a@b.c"}
P = {"price": 3}
O = {"integrations": {"All": False}}  # noqa: E741
STORED = "stored-user"

IDENTIFY = [
    ("no arguments", (), {}, IdentifyArgs(None, {}, {}, None)),
    ("id only", ("u1",), {}, IdentifyArgs("u1", {}, {}, None)),
    ("number id stays a number", (5,), {}, IdentifyArgs(5, {}, {}, None)),
    ("id + traits", ("u1", T), {}, IdentifyArgs("u1", T, {}, None)),
    ("id + traits + options", ("u1", T, O), {}, IdentifyArgs("u1", T, O, None)),
    ("all four", ("u1", T, O, cb), {}, IdentifyArgs("u1", T, O, cb)),
    ("callback in options slot", ("u1", T, cb), {}, IdentifyArgs("u1", T, {}, cb)),
    ("callback in traits slot", ("u1", cb), {}, IdentifyArgs("u1", {}, {}, cb)),
    ("options-slot callback beats 4th", ("u1", T, cb, cb2), {}, IdentifyArgs("u1", T, {}, cb)),
    ("traits only keep stored id", (T,), {}, IdentifyArgs(STORED, T, {}, None)),
    ("traits + options", (T, O), {}, IdentifyArgs(STORED, T, O, None)),
    ("traits + callback", (T, cb), {}, IdentifyArgs(STORED, T, {}, cb)),
    ("traits + options + callback", (T, O, cb), {}, IdentifyArgs(STORED, T, O, cb)),
    ("explicit None id is not stored", (None, T), {}, IdentifyArgs(None, T, {}, None)),
    ("keyword user_id", (), {"user_id": "u1"}, IdentifyArgs("u1", {}, {}, None)),
    ("keyword traits alone", (), {"traits": T}, IdentifyArgs(STORED, T, {}, None)),
    ("positional traits + kw options", (T,), {"options": O}, IdentifyArgs(STORED, T, O, None)),
    ("keyword callback", ("u1",), {"callback": cb}, IdentifyArgs("u1", {}, {}, cb)),
]

TRACK = [
    ("event only", ("Clicked",), {}, TrackArgs("Clicked", {}, {}, None)),
    ("event + properties", ("Clicked", P), {}, TrackArgs("Clicked", P, {}, None)),
    ("event + properties + options", ("Clicked", P, O), {}, TrackArgs("Clicked", P, O, None)),
    ("all four", ("Clicked", P, O, cb), {}, TrackArgs("Clicked", P, O, cb)),
    ("callback in properties slot", ("Clicked", cb), {}, TrackArgs("Clicked", {}, {}, cb)),
    ("callback in options slot", ("Clicked", P, cb), {}, TrackArgs("Clicked", P, {}, cb)),
    ("empty event name", ("",), {}, TrackArgs("", {}, {}, None)),
    ("keywords", (), {"event": "E", "properties": P}, TrackArgs("E", P, {}, None)),
    ("None properties", ("E", None, O), {}, TrackArgs("E", {}, O, None)),
]

PAGE = [
    ("no arguments", (), {}, PageArgs(None, None, {}, {}, None)),
    ("lone string is the name", ("Signup",), {}, PageArgs(None, "Signup", {}, {}, None)),
    ("category + name", ("Docs", "Index"), {}, PageArgs("Docs", "Index", {}, {}, None)),
    ("properties only", (P,), {}, PageArgs(None, None, P, {}, None)),
    ("properties + options", (P, O), {}, PageArgs(None, None, P, O, None)),
    ("name + properties", ("Signup", P), {}, PageArgs(None, "Signup", P, {}, None)),
    ("name + properties + options", ("S", P, O), {}, PageArgs(None, "S", P, O, None)),
    ("category + name + properties", ("D", "I", P), {}, PageArgs("D", "I", P, {}, None)),
    ("all five", ("D", "I", P, O, cb), {}, PageArgs("D", "I", P, O, cb)),
    ("callback in options slot", ("D", "I", P, cb), {}, PageArgs("D", "I", P, {}, cb)),
    ("callback in properties slot", ("D", "I", cb), {}, PageArgs("D", "I", {}, {}, cb)),
    ("callback in name slot", ("Signup", cb), {}, PageArgs(None, "Signup", {}, {}, cb)),
    ("empty name keeps category", ("Docs", ""), {}, PageArgs("Docs", "", {}, {}, None)),
    ("None name: string is name", ("Docs", None, P), {}, PageArgs(None, "Docs", P, {}, None)),
    ("keyword name", (), {"name": "Signup"}, PageArgs(None, "Signup", {}, {}, None)),
    ("keyword category stays", (), {"category": "Docs"}, PageArgs("Docs", None, {}, {}, None)),
    ("positional + kw name", ("Docs",), {"name": "I"}, PageArgs("Docs", "I", {}, {}, None)),
    ("string + kw properties", ("S",), {"properties": P}, PageArgs(None, "S", P, {}, None)),
]

ALIAS = [
    ("new id only", ("u2",), {}, AliasArgs("u2", None, {}, None)),
    ("new + previous", ("u2", "u1"), {}, AliasArgs("u2", "u1", {}, None)),
    ("numbers unconverted", (5, 6), {}, AliasArgs(5, 6, {}, None)),
    ("options in previous slot", ("u2", O), {}, AliasArgs("u2", None, O, None)),
    ("all four", ("u2", "u1", O, cb), {}, AliasArgs("u2", "u1", O, cb)),
    ("callback in previous slot", ("u2", cb), {}, AliasArgs("u2", None, {}, cb)),
    ("callback in options slot", ("u2", "u1", cb), {}, AliasArgs("u2", "u1", {}, cb)),
    ("no id passes through", (), {}, AliasArgs(None, None, {}, None)),
    ("keywords", (), {"user_id": "u2", "previous_id": 1}, AliasArgs("u2", 1, {}, None)),
]

GROUP = [
    ("id only", ("g1",), {}, GroupArgs("g1", {}, {}, None)),
    ("id + traits", ("g1", T), {}, GroupArgs("g1", T, {}, None)),
    ("all four", ("g1", T, O, cb), {}, GroupArgs("g1", T, O, cb)),
    ("callback in traits slot", ("g1", cb), {}, GroupArgs("g1", {}, {}, cb)),
    ("callback in options slot", ("g1", T, cb), {}, GroupArgs("g1", T, {}, cb)),
    ("traits only keep stored id", (T,), {}, GroupArgs(STORED, T, {}, None)),
    ("traits + options", (T, O), {}, GroupArgs(STORED, T, O, None)),
    ("number id stays", (7,), {}, GroupArgs(7, {}, {}, None)),
    ("keyword group_id", (), {"group_id": "g"}, GroupArgs("g", {}, {}, None)),
]


def _ids(table: list[tuple[str, tuple[object, ...], dict[str, object], object]]) -> list[str]:
    return [row[0] for row in table]


@pytest.mark.parametrize(("form", "args", "kwargs", "expected"), IDENTIFY, ids=_ids(IDENTIFY))
def test_identify_call_form_resolves(form, args, kwargs, expected):
    assert arguments.identify(args, kwargs, STORED) == expected


@pytest.mark.parametrize(("form", "args", "kwargs", "expected"), TRACK, ids=_ids(TRACK))
def test_track_call_form_resolves(form, args, kwargs, expected):
    assert arguments.track(args, kwargs) == expected


@pytest.mark.parametrize(("form", "args", "kwargs", "expected"), PAGE, ids=_ids(PAGE))
def test_page_call_form_resolves(form, args, kwargs, expected):
    assert arguments.page(args, kwargs) == expected


@pytest.mark.parametrize(("form", "args", "kwargs", "expected"), ALIAS, ids=_ids(ALIAS))
def test_alias_call_form_resolves(form, args, kwargs, expected):
    assert arguments.alias(args, kwargs) == expected


@pytest.mark.parametrize(("form", "args", "kwargs", "expected"), GROUP, ids=_ids(GROUP))
def test_group_call_form_resolves(form, args, kwargs, expected):
    assert arguments.group(args, kwargs, STORED) == expected


INVALID = [
    (arguments.track, (["x"],), {}, "track: event must be a string, got list"),
    (arguments.track, (), {}, "track: event must be a string, got None"),
    (arguments.track, (5,), {}, "track: event must be a string, got int"),
    (arguments.track, ("E", [1]), {}, "track: properties must be an object, got list"),
    (arguments.track, ("E", {}, "x"), {}, "track: options must be an object, got str"),
    (arguments.track, ("E", {}, {}, 3), {}, "track: callback must be a function, got int"),
    (arguments.identify, ([1],), {}, "identify: user_id must be a string, got list"),
    (arguments.identify, (True,), {}, "identify: user_id must be a string, got bool"),
    (arguments.identify, ("u", "t"), {}, "identify: traits must be an object, got str"),
    (arguments.page, (5,), {}, "page: category must be a string, got int"),
    (arguments.page, ("D", 5), {}, "page: name must be a string, got int"),
    (arguments.page, ("D", "I", [1]), {}, "page: properties must be an object, got list"),
    (arguments.alias, ({"a": 1},), {}, "alias: user_id must be a string, got dict"),
    (arguments.alias, ("u", [1]), {}, "alias: previous_id must be a string, got list"),
    (arguments.group, (["g"],), {}, "group: group_id must be a string, got list"),
    (arguments.track, ("E", {}, {}, cb, 1), {}, "track: takes at most 4 arguments, got 5"),
    (arguments.track, ("E",), {"props": {}}, "track: unexpected keyword argument 'props'"),
    (arguments.track, ("E",), {"event": "F"}, "track: got two values for event"),
    (arguments.track, ("E", cb), {"callback": cb2}, "track: got two values for callback"),
    (arguments.identify, (T,), {"traits": T}, "identify: got two values for traits"),
    (arguments.page, ("Docs",), {"name": None}, "page: got two values for name"),
]


@pytest.mark.parametrize(("resolve", "args", "kwargs", "message"), INVALID)
def test_wrong_type_raises_invalid_call_naming_method_and_argument(resolve, args, kwargs, message):
    with pytest.raises(InvalidCall) as caught:
        resolve(args, kwargs)
    assert str(caught.value) == message
    assert caught.value.method == message.split(":")[0]


def test_keyword_argument_is_never_reinterpreted_as_another_slot():
    with pytest.raises(InvalidCall, match="properties must be an object, got function"):
        arguments.track(("E",), {"properties": cb})


def test_resolved_shapes_compare_by_type_and_fields():
    assert TrackArgs("E", {}, {}, None) != AliasArgs("E", {}, {}, None)
    assert TrackArgs("E", {}, {}, None).fields() == {
        "event": "E",
        "properties": {},
        "options": {},
        "callback": None,
    }
    assert "event='E'" in repr(TrackArgs("E", {}, {}, None))


def test_invalid_call_carries_method_and_problem():
    exc = InvalidCall("track", "event must be a string, got list")
    assert (exc.method, exc.problem) == ("track", "event must be a string, got list")
    assert str(exc) == "track: event must be a string, got list"
