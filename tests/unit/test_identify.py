"""identify → mixpanel.js, with the original's edge cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from integration.dates import UTC, iso_strings_to_dates
from integration.errors import InvalidCall
from integration.mixpanel import MixpanelDestination
from tests.fakes import RecordingConsole, RecordingMixpanel
from tests.helpers import destination

NAN_ISO = "NaN-NaN-NaNTNaN:NaN:NaN.NZ"


def identify(user_id: Any = None, traits: Any = None) -> dict[str, Any]:
    """A message as the facade builds it (ISO-looking strings already dates)."""
    message: dict[str, Any] = {"type": "identify", "messageId": "m1"}
    if user_id is not None:
        message["userId"] = user_id
    if traits is not None:
        message["traits"] = traits
    converted: dict[str, Any] = iso_strings_to_dates(message)
    return converted


def registered(mixpanel: RecordingMixpanel) -> dict[str, Any]:
    [payload] = [args[0] for name, args in mixpanel.calls if name == "register"]
    return dict(payload)


def test_identify_without_id_or_traits_still_sends_empty_register_set_and_union() -> None:
    dest, mixpanel, _ = destination()
    dest.identify(identify())
    assert mixpanel.without_getters() == [
        ("register", ({},)),
        ("people.set", ({},)),
        ("people.union", ({},)),
    ]


def test_calls_come_in_order_identify_name_tag_register_people_set_people_union() -> None:
    dest, mixpanel, console = destination()
    dest.identify(identify("u1", {"email": "a@b.co", "plan": "x", "tags": ["t"]}))
    assert mixpanel.calls == [
        ("identify", ("u1",)),
        ("name_tag", ("a@b.co",)),
        ("get_property", ("tags",)),
        ("register", ({"plan": "x", "tags": ["t"], "id": "u1", "$email": "a@b.co"},)),
        ("people.set", ({"plan": "x", "id": "u1", "$email": "a@b.co"},)),
        ("people.union", ({"tags": ["t"]},)),
    ]
    assert console.lines == []


@pytest.mark.parametrize(
    ("user_id", "traits", "tag"),
    [
        ("u1", {"email": "e@x.co", "username": "un"}, "e@x.co"),
        ("u1", {"Email": "E@x.co", "username": "un"}, "E@x.co"),
        ("u1", {"email": "", "username": "un"}, "un"),
        ("u1", {"User Name": "un"}, "un"),
        ("u1", {"email": "", "username": 0}, "u1"),
        ("a@b.co", {}, "a@b.co"),
        (5, {}, 5),
        (None, {"username": "un"}, "un"),
    ],
)
def test_name_tag_is_the_first_truthy_of_email_username_user_id(
    user_id: Any, traits: dict[str, Any], tag: Any
) -> None:
    dest, mixpanel, _ = destination()
    dest.identify(identify(user_id, traits))
    assert [args for name, args in mixpanel.calls if name == "name_tag"] == [(tag,)]


def test_no_name_tag_and_no_identify_when_nothing_truthy_exists() -> None:
    dest, mixpanel, _ = destination()
    dest.identify(identify(None, {"email": "", "username": 0}))
    assert "identify" not in mixpanel.names() and "name_tag" not in mixpanel.names()


def test_a_numeric_user_id_stays_a_number() -> None:
    dest, mixpanel, _ = destination()
    dest.identify(identify(5))
    assert mixpanel.without_getters()[:3] == [
        ("identify", (5,)),
        ("name_tag", (5,)),
        ("register", ({"id": 5},)),
    ]


SPECIAL_TRAIT_CASES = [
    (
        "a name splits at the first space and keeps inner spaces",
        {"name": "John  Doe Smith"},
        {"$first_name": "John", "$last_name": "Doe Smith", "$name": "John  Doe Smith"},
    ),
    (
        "first and last names are trimmed and joined into the name",
        {"firstName": " Ann ", "lastName": "Lee"},
        {"$first_name": "Ann", "$last_name": "Lee", "$name": "Ann Lee"},
    ),
    (
        "a one-word name gives no last name",
        {"name": " Cher "},
        {"$first_name": "Cher", "$name": "Cher"},
    ),
    (
        "odd spellings are found loosely but kept next to the $ key",
        {
            "first_name": "A",
            "Email": "e@x.co",
            "last_seen": "2020-01-01",
            "User Name": "un",
            "PHONE": "1",
        },
        {
            "first_name": "A",
            "Email": "e@x.co",
            "last_seen": "2020-01-01T00:00:00.000Z",
            "User Name": "un",
            "PHONE": "1",
            "$first_name": "A",
            "$email": "e@x.co",
            "$last_seen": "2020-01-01T00:00:00.000Z",
            "$username": "un",
            "$phone": "1",
        },
    ),
    (
        "empty strings are values except for email and phone; null rows are skipped",
        {
            "email": "",
            "name": "",
            "firstName": None,
            "username": 0,
            "phone": "",
            "lastSeen": None,
            "created": "",
        },
        {
            "email": "",
            "phone": "",
            "lastSeen": None,
            "created": "",
            "$first_name": "",
            "$name": "",
            "$username": 0,
        },
    ),
    ("created in seconds", {"created": 1500000000}, {"$created": "2017-07-14T02:40:00.000Z"}),
    (
        "created in milliseconds",
        {"created": 1500000000000},
        {"$created": "2017-07-14T02:40:00.000Z"},
    ),
    ("an unparseable created", {"created": "not a date"}, {"$created": NAN_ISO}),
    (
        "createdAt fills $created and is dropped",
        {"createdAt": "2015-01-01", "plan": "x"},
        {"$created": "2015-01-01T00:00:00.000Z", "plan": "x"},
    ),
    (
        "created wins over createdAt, which is dropped",
        {"created": "2016-01-01", "createdAt": "2015-01-01"},
        {"$created": "2016-01-01T00:00:00.000Z"},
    ),
    (
        "created_at is dropped too because it loosely matches createdAt",
        {"created_at": "2015-01-01"},
        {"$created": "2015-01-01T00:00:00.000Z"},
    ),
    ("an id trait is overwritten by the user id", {"id": "other"}, {}),
    ("lastSeen is mapped", {"lastSeen": 7}, {"$last_seen": 7}),
    (
        "nested dates become ISO strings at any depth",
        {"obj": {"d": "2020-05-05T10:00:00+02:00", "s": "2020-05-05"}, "l": [["2020-01-01"]]},
        {
            "obj": {"d": "2020-05-05T08:00:00.000Z", "s": "2020-05-05T00:00:00.000Z"},
            "l": [["2020-01-01T00:00:00.000Z"]],
        },
    ),
    ("$ keys given by the caller are kept", {"$email": "x@y.zz"}, {"$email": "x@y.zz"}),
]


@pytest.mark.parametrize(
    ("traits", "expected"),
    [case[1:] for case in SPECIAL_TRAIT_CASES],
    ids=[case[0] for case in SPECIAL_TRAIT_CASES],
)
def test_special_traits_are_mapped_like_the_facade_does(
    traits: dict[str, Any], expected: dict[str, Any]
) -> None:
    dest, mixpanel, _ = destination()
    dest.identify(identify("u1", traits))
    assert registered(mixpanel) == {"id": "u1", **expected}


def test_an_email_shaped_user_id_becomes_the_email_without_any_email_trait() -> None:
    dest, mixpanel, _ = destination()
    dest.identify(identify("a@b.co"))
    assert registered(mixpanel) == {"id": "a@b.co", "$email": "a@b.co"}


def test_phones_give_the_phone_and_are_a_union_trait() -> None:
    dest, mixpanel, _ = destination()
    dest.identify(identify("u1", {"phones": ["111", "222"]}))
    assert mixpanel.without_getters()[2:] == [
        ("register", ({"phones": ["111", "222"], "id": "u1", "$phone": "111"},)),
        ("people.set", ({"id": "u1", "$phone": "111"},)),
        ("people.union", ({"phones": ["111", "222"]},)),
    ]


def test_array_traits_are_unioned_by_hand_into_the_registered_super_property() -> None:
    dest, mixpanel, _ = destination(tags=[10, 1, "a", 2])
    dest.identify(identify("u1", {"tags": [2, 3, "b"], "empty": [], "nul": None}))
    assert mixpanel.calls[2:] == [
        ("get_property", ("tags",)),
        (
            "register",
            ({"tags": ["1", "2", "3", "10", "a", "b"], "empty": [], "nul": None, "id": "u1"},),
        ),
        ("people.set", ({"empty": [], "nul": None, "id": "u1"},)),
        ("people.union", ({"tags": [2, 3, "b"]},)),
    ]


@pytest.mark.parametrize(
    ("existing", "new", "union"),
    [
        ([], ["x"], ["x"]),
        ([{"a": 1}, None, True], [1.0, [1, 2]], ["1", "[object Object]", "null", "true", "1,2"]),
        (
            ["b", "a"],
            ["a", "4294967295", "4294967294", "01"],
            ["4294967294", "b", "a", "4294967295", "01"],
        ),
    ],
)
def test_manual_union_uses_javascript_strings_and_key_order(
    existing: list[Any], new: list[Any], union: list[str]
) -> None:
    dest, mixpanel, _ = destination(tags=existing)
    dest.identify(identify("u1", {"tags": new}))
    assert registered(mixpanel)["tags"] == union


def test_a_registered_value_that_is_not_a_list_is_replaced_not_unioned() -> None:
    dest, mixpanel, _ = destination(tags="old")
    dest.identify(identify("u1", {"tags": [1]}))
    assert registered(mixpanel)["tags"] == [1]


def test_with_people_off_only_register_is_sent() -> None:
    dest, mixpanel, _ = destination({"people": False})
    dest.identify(identify("u1", {"plan": "x", "tags": ["t"]}))
    assert mixpanel.without_getters() == [
        ("identify", ("u1",)),
        ("name_tag", ("u1",)),
        ("register", ({"plan": "x", "tags": ["t"], "id": "u1"},)),
    ]


def test_listed_traits_only_when_set_all_traits_is_off_with_special_names_mapped() -> None:
    settings = {
        "setAllTraitsByDefault": False,
        "superProperties": ["tags", "name", "$email", "id"],
        "peopleProperties": ["tags"],
    }
    dest, mixpanel, _ = destination(settings, tags=["w"])
    dest.identify(identify("u1", {"tags": ["x"], "name": "N", "email": "e@x.com"}))
    assert mixpanel.without_getters() == [
        ("identify", ("u1",)),
        ("name_tag", ("e@x.com",)),
        ("register", ({"tags": ["w", "x"], "$name": "N", "$email": "e@x.com", "id": "u1"},)),
        ("people.set", ({"$email": "e@x.com", "$first_name": "N", "$name": "N"},)),
        ("people.union", ({"tags": ["x"]},)),
    ]


def test_nothing_is_registered_or_set_when_the_selection_is_empty() -> None:
    settings = {"setAllTraitsByDefault": False, "superProperties": ["Plan", "toString", 5]}
    dest, mixpanel, _ = destination(settings)
    dest.identify(identify("u1", {"plan": "x", "tags": ["t"]}))
    assert mixpanel.without_getters() == [("identify", ("u1",)), ("name_tag", ("u1",))]


def test_picked_people_properties_with_people_off_send_nothing_to_people() -> None:
    settings = {"setAllTraitsByDefault": False, "people": False, "superProperties": ["plan"]}
    dest, mixpanel, _ = destination(settings)
    dest.identify(identify("u1", {"plan": "x", "email": "e@x.co"}))
    assert mixpanel.without_getters()[2:] == [("register", ({"plan": "x"},))]


def test_the_callers_traits_are_not_mutated() -> None:
    traits = {"name": "A B", "createdAt": "2015-01-01", "tags": ["t"]}
    message = identify("u1", traits)
    before = repr(message)
    dest, _, _ = destination(tags=["old"])
    dest.identify(message)
    assert repr(message) == before


@pytest.mark.parametrize("traits", [["a"], "text", 5])
def test_traits_that_are_not_an_object_send_nothing_and_report_one_error(traits: Any) -> None:
    dest, mixpanel, console = destination()
    dest.identify({"userId": "u1", "traits": traits})
    assert mixpanel.calls == []
    assert len(console.at("error")) == 1
    assert console.at("error")[0].startswith("[analytics] identify: traits must be an object, got ")


def test_strict_mode_raises_invalid_call_instead_of_reporting() -> None:
    mixpanel, console = RecordingMixpanel(), RecordingConsole()
    dest = MixpanelDestination({"token": "tk"}, mixpanel, console, strict=True)
    with pytest.raises(InvalidCall) as raised:
        dest.identify({"traits": []})
    assert (raised.value.method, raised.value.problem) == (
        "identify",
        "traits must be an object, got a list",
    )


def test_a_length_trait_is_renamed_and_each_call_warns_once() -> None:
    dest, mixpanel, console = destination()
    dest.identify(identify("u1", {"length": 3}))
    assert registered(mixpanel) == {"length_": 3, "id": "u1"}
    assert console.at("warn") == [
        '[analytics] identify → register: property "length" renamed to "length_" '
        "(mixpanel.js would drop the whole call)",
        '[analytics] identify → people.set: property "length" renamed to "length_" '
        "(mixpanel.js would drop the whole call)",
    ]


def test_a_message_that_is_not_a_dict_is_reported() -> None:
    dest, mixpanel, console = destination()
    dest.identify("u1")
    assert mixpanel.calls == []
    assert console.at("error") == ['[analytics] identify: message must be an object, got "u1"']


def test_a_datetime_user_id_is_passed_through() -> None:
    when = datetime(2020, 1, 1, tzinfo=UTC)
    dest, mixpanel, _ = destination()
    dest.identify({"userId": when})
    assert mixpanel.calls[0] == ("identify", (when,))
