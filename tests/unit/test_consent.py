"""Consent is Python's: the visitor's decision is stored first-party under
surface.STORAGE["consent"] ("1" / "0") and wins over the ``consent`` setting on every later
page; the setting is only the default for visitors who have not decided."""

from __future__ import annotations

from typing import Any

import pytest

from integration import surface
from integration.analytics import Analytics
from integration.identity import MemoryStorage
from tests.fakes import RecordingConsole, RecordingMixpanel

KEY = surface.STORAGE["consent"]
IDENTITY = {surface.STORAGE[k] for k in ("user_id", "anonymous_id", "user_traits", "group_id")}
IDENTITY |= {surface.STORAGE["group_traits"]}


def page_load(storage: MemoryStorage, **settings: Any) -> tuple[Analytics, RecordingMixpanel]:
    """One page load: a fresh integration over the browser's (shared) storage."""
    mixpanel = RecordingMixpanel()
    analytics = Analytics(
        {"token": "t", **settings}, mixpanel, console=RecordingConsole(), storage=storage
    )
    return analytics, mixpanel


def init_config_of(mixpanel: RecordingMixpanel) -> dict[str, Any]:
    [config] = [args[1] for name, args in mixpanel.calls if name == "init"]
    assert isinstance(config, dict)
    return config


def visit(analytics: Analytics) -> None:
    analytics.identify("u1", {"plan": "pro"})
    analytics.group("g1", {"name": "Acme"})
    analytics.track("Clicked")


def test_the_decision_is_stored_first_party_as_1_or_0() -> None:
    storage = MemoryStorage()
    analytics, _ = page_load(storage)
    analytics.consent(False)
    assert storage.data[KEY] == "0"
    analytics.consent(True)
    assert storage.data[KEY] == "1"
    assert KEY not in surface.COOKIE_KEYS  # localStorage, beside mixpanel.js's own flag


def test_after_consent_false_a_later_page_with_default_settings_keeps_no_identity() -> None:
    storage = MemoryStorage()
    first, _ = page_load(storage)
    visit(first)
    first.consent(False)
    later, mixpanel = page_load(storage)  # default settings: consent True
    visit(later)
    assert set(storage.data) == {KEY}
    assert later.user().id() == "u1"  # this page still knows its visitor, in memory
    config = init_config_of(mixpanel)
    assert config["opt_out_tracking_by_default"] is True
    assert config["opt_out_persistence_by_default"] is True


def test_after_consent_true_a_later_page_whose_setting_withholds_stores_identity() -> None:
    storage = MemoryStorage()
    first, _ = page_load(storage, consent=False)
    first.consent(True)
    later, mixpanel = page_load(storage, consent=False)
    visit(later)
    assert set(storage.data) >= IDENTITY
    assert "opt_out_tracking_by_default" not in init_config_of(mixpanel)


def test_the_decision_holds_on_every_later_page_until_changed() -> None:
    storage = MemoryStorage()
    page_load(storage)[0].consent(False)
    for _ in range(3):
        visit(page_load(storage)[0])
        assert set(storage.data) == {KEY}
    page_load(storage)[0].consent(True)
    visit(page_load(storage)[0])
    assert set(storage.data) >= IDENTITY and storage.data[KEY] == "1"


def test_without_a_decision_the_setting_is_the_default_and_nothing_is_stored_for_it() -> None:
    storage = MemoryStorage()
    withheld, mixpanel = page_load(storage, consent=False)
    visit(withheld)
    assert storage.data == {}
    assert init_config_of(mixpanel)["opt_out_tracking_by_default"] is True
    given, mixpanel = page_load(storage)
    visit(given)
    assert KEY not in storage.data and set(storage.data) >= IDENTITY
    assert "opt_out_tracking_by_default" not in init_config_of(mixpanel)


@pytest.mark.parametrize("stored", ["yes", "", "true", '"0"'])
def test_a_stored_value_that_is_not_1_or_0_is_no_decision(stored: str) -> None:
    storage = MemoryStorage({KEY: stored})
    analytics, mixpanel = page_load(storage, consent=False)
    visit(analytics)
    assert set(storage.data) == {KEY}
    assert init_config_of(mixpanel)["opt_out_tracking_by_default"] is True


def test_a_non_boolean_consent_stores_no_decision() -> None:
    storage = MemoryStorage()
    analytics, _ = page_load(storage)
    analytics.consent("no")
    assert KEY not in storage.data


def test_the_callers_settings_are_not_changed_by_a_stored_decision() -> None:
    settings = {"token": "t"}
    storage = MemoryStorage({KEY: "0"})
    Analytics(settings, RecordingMixpanel(), console=RecordingConsole(), storage=storage)
    assert settings == {"token": "t"}


def test_reset_keeps_the_decision() -> None:
    storage = MemoryStorage()
    analytics, _ = page_load(storage)
    analytics.consent(False)
    analytics.reset()
    assert storage.data == {KEY: "0"}
