"""Stored identity with analytics.js's rules (user and group traits merged or replaced, reset),
behind the storage protocol."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from integration.identity import (
    ANONYMOUS_ID,
    GROUP_ID,
    GROUP_TRAITS,
    USER_ID,
    USER_TRAITS,
    ConsentStorage,
    Group,
    MemoryStorage,
    User,
    unstorable,
)
from tests.helpers import counter


def make_user(storage: MemoryStorage | None = None) -> User:
    return User(storage if storage is not None else MemoryStorage(), counter("anon"))


def test_storage_keys_are_analytics_js_cookie_and_local_storage_names():
    assert (USER_ID, ANONYMOUS_ID, USER_TRAITS, GROUP_ID, GROUP_TRAITS) == (
        "ajs_user_id",
        "ajs_anonymous_id",
        "ajs_user_traits",
        "ajs_group_id",
        "ajs_group_properties",
    )


def test_values_are_stored_as_json():
    storage = MemoryStorage()
    user = make_user(storage)
    user.identify("u1", {"plan": "pro"})
    assert storage.data[USER_ID] == '"u1"'
    assert json.loads(storage.data[USER_TRAITS]) == {"plan": "pro"}


def test_anonymous_id_is_made_on_first_read_and_then_kept():
    storage = MemoryStorage()
    user = make_user(storage)
    assert user.anonymous_id() == "anon-1"
    assert user.anonymous_id() == "anon-1"
    assert storage.data[ANONYMOUS_ID] == '"anon-1"'


def test_default_anonymous_id_is_a_random_uuid():
    first = User(MemoryStorage()).anonymous_id()
    assert len(first) == 36 and first.count("-") == 4
    assert User(MemoryStorage()).anonymous_id() != first


def test_returning_visitor_state_is_read_from_storage():
    storage = MemoryStorage({USER_ID: '"u9"', USER_TRAITS: '{"a": 1}', ANONYMOUS_ID: '"x"'})
    user = make_user(storage)
    assert (user.id(), user.traits(), user.anonymous_id()) == ("u9", {"a": 1}, "x")


def test_unreadable_stored_value_counts_as_absent():
    user = make_user(MemoryStorage({USER_ID: "not json", USER_TRAITS: "[1]"}))
    assert user.id() is None
    assert user.traits() == {}


def test_identify_without_stored_id_merges_traits():
    user = make_user()
    user.traits({"a": 1})
    user.identify("u1", {"b": 2})
    assert user.traits() == {"a": 1, "b": 2}


def test_identify_same_id_merges_and_new_values_win():
    user = make_user()
    user.identify("u1", {"a": 1, "b": 1})
    user.identify("u1", {"b": 2})
    assert user.traits() == {"a": 1, "b": 2}


def test_identify_different_id_replaces_traits():
    user = make_user()
    user.identify("u1", {"a": 1})
    user.identify("u2", {"b": 2})
    assert (user.id(), user.traits()) == ("u2", {"b": 2})


def test_identify_falsy_id_keeps_stored_id_but_replaces_traits():
    user = make_user()
    user.identify("u1", {"a": 1})
    user.identify(None, {"b": 2})
    assert (user.id(), user.traits()) == ("u1", {"b": 2})


def test_identify_compares_ids_strictly_so_number_and_string_differ():
    user = make_user()
    user.identify(5, {"a": 1})
    user.identify("5", {"b": 2})
    assert user.traits() == {"b": 2}


def test_identify_number_id_stays_a_number():
    user = make_user()
    user.identify(5, {})
    assert user.id() == 5


def test_switching_user_forgets_the_anonymous_id():
    user = make_user()
    user.identify("u1", {})
    before = user.anonymous_id()
    user.identify("u2", {})
    assert user.anonymous_id() != before


def test_same_user_again_keeps_the_anonymous_id():
    user = make_user()
    user.identify("u1", {})
    before = user.anonymous_id()
    user.identify("u1", {})
    assert user.anonymous_id() == before


def test_first_identify_keeps_the_anonymous_id():
    user = make_user()
    before = user.anonymous_id()
    user.identify("u1", {})
    assert user.anonymous_id() == before


def test_reset_clears_user_and_makes_a_new_anonymous_id():
    storage = MemoryStorage()
    user = make_user(storage)
    user.identify("u1", {"a": 1})
    before = user.anonymous_id()
    user.reset()
    assert (user.id(), user.traits()) == (None, {})
    assert USER_ID not in storage.data and USER_TRAITS not in storage.data
    assert user.anonymous_id() not in (before, None)


def test_id_setter_stores_directly():
    user = make_user()
    assert user.id("direct") == "direct"
    assert user.id() == "direct"


def test_anonymous_id_setter_stores_directly():
    user = make_user()
    user.anonymous_id("mine")
    assert user.anonymous_id() == "mine"


def test_dates_in_traits_are_stored_as_javascript_iso_strings():
    user = make_user()
    user.identify("u1", {"at": datetime(2020, 1, 2, 3, 4, 5, 6000, tzinfo=UTC)})
    assert user.traits() == {"at": "2020-01-02T03:04:05.006Z"}


def test_functions_in_traits_are_left_out_or_null_in_lists_like_json_stringify():
    user = make_user()
    user.identify("u1", {"f": print, "nested": {"g": len, "ok": 1}, "list": [print, 2]})
    assert user.traits() == {"nested": {"ok": 1}, "list": [None, 2]}


def test_unstorable_names_the_path_of_every_function():
    value = {"f": print, "nested": {"g": len, "ok": 1}, "list": [1, print]}
    assert unstorable(value) == ["f", "nested.g", "list[1]"]
    assert unstorable({"a": [1, {"b": "x"}]}) == []


def test_group_merges_for_same_id_and_replaces_for_another():
    storage = MemoryStorage()
    group = Group(storage)
    group.identify("g1", {"a": 1})
    group.identify("g1", {"b": 2})
    assert group.traits() == {"a": 1, "b": 2}
    group.identify("g2", {"c": 3})
    assert (group.id(), group.traits()) == ("g2", {"c": 3})
    assert storage.data[GROUP_ID] == '"g2"'
    assert json.loads(storage.data[GROUP_TRAITS]) == {"c": 3}


def test_group_reset_clears_id_and_traits():
    group = Group(MemoryStorage())
    group.identify("g1", {"a": 1})
    group.reset()
    assert (group.id(), group.traits()) == (None, {})


def test_memory_storage_get_set_remove():
    storage = MemoryStorage()
    storage.set("k", "v")
    assert storage.get("k") == "v"
    storage.remove("k")
    storage.remove("k")  # removing twice is harmless
    assert storage.get("k") is None


# -- consent: identity kept in memory only while consent is withheld ------------------------------


def test_withheld_consent_keeps_identity_out_of_the_browser_until_given():
    backing = MemoryStorage()
    store = ConsentStorage(backing, persist=False)
    user = User(store, counter("anon"))
    user.identify("u1", {"plan": "pro"})
    assert backing.data == {}
    assert (user.id(), user.anonymous_id(), user.traits()) == ("u1", "anon-1", {"plan": "pro"})
    store.consent(True)
    assert json.loads(backing.data[USER_ID]) == "u1"
    assert json.loads(backing.data[ANONYMOUS_ID]) == "anon-1"
    assert json.loads(backing.data[USER_TRAITS]) == {"plan": "pro"}
    user.identify("u1", {"seats": 3})  # and from now on straight through
    assert json.loads(backing.data[USER_TRAITS]) == {"plan": "pro", "seats": 3}


def test_withheld_consent_still_reads_what_was_stored_with_earlier_consent():
    backing = MemoryStorage({USER_ID: '"u0"', ANONYMOUS_ID: '"a0"'})
    user = User(ConsentStorage(backing, persist=False), counter("anon"))
    assert (user.id(), user.anonymous_id()) == ("u0", "a0")


def test_a_reset_while_withheld_is_applied_when_consent_is_given():
    backing = MemoryStorage({USER_ID: '"u0"', ANONYMOUS_ID: '"a0"', USER_TRAITS: '{"x": 1}'})
    store = ConsentStorage(backing, persist=False)
    user = User(store, counter("anon"))
    user.reset()
    assert (user.id(), user.traits(), user.anonymous_id()) == (None, {}, "anon-1")
    assert json.loads(backing.data[USER_ID]) == "u0"  # untouched while withheld
    store.consent(True)
    assert USER_ID not in backing.data and USER_TRAITS not in backing.data
    assert json.loads(backing.data[ANONYMOUS_ID]) == "anon-1"


def test_withdrawn_consent_deletes_stored_identity_but_this_page_keeps_it():
    backing = MemoryStorage()
    store = ConsentStorage(backing)
    user, group = User(store, counter("anon")), Group(store)
    user.identify("u1", {"plan": "pro"})
    group.identify("g1", {"name": "Acme"})
    store.consent(False)
    assert backing.data == {}
    assert (user.id(), user.traits(), group.id()) == ("u1", {"plan": "pro"}, "g1")
    user.identify("u1", {"seats": 2})
    assert backing.data == {}
    store.consent(False)  # withdrawing twice changes nothing
    assert backing.data == {} and user.traits() == {"plan": "pro", "seats": 2}
    store.consent(True)
    assert json.loads(backing.data[USER_TRAITS]) == {"plan": "pro", "seats": 2}
    assert json.loads(backing.data[GROUP_ID]) == "g1"
