"""integration/surface.py is the one place the methods, settings and storage keys are spelled
out: every Python consumer agrees with it (the facade, the bridge's forwarding, the package's
module-level functions, the settings reader, the identity store)."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import pytest

import integration
from devtools import settings_help, settings_table
from integration import bridge, identity, surface
from integration.analytics import Analytics
from integration.identity import MemoryStorage
from integration.mixpanel import settings as mp_settings
from tests.fakes import RecordingConsole, RecordingMixpanel

# Facade methods that are not calls of the surface but Python-side helpers.
FACADE_ONLY = {"dispatch", "entity"}  # entity: user()/group() from page JS, via the bridge


def snake(name: str) -> str:
    """A surface call's Python name: analytics.js's camelCase in snake_case."""
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def public_methods(cls: type) -> set[str]:
    return {name for name, _ in inspect.getmembers(cls, callable) if not name.startswith("_")}


def test_the_facade_has_one_method_per_call_and_otherwise_only_stub_answered_ones() -> None:
    methods = public_methods(Analytics)
    calls = {snake(name) for name in surface.METHODS}
    assert calls <= methods
    assert methods - calls <= set(surface.STUB_METHODS) | FACADE_ONLY


def test_every_call_of_the_surface_is_dispatched_and_nothing_else() -> None:
    console = RecordingConsole()
    analytics = Analytics({"token": "t"}, RecordingMixpanel(), console=console)
    for method in surface.METHODS:
        analytics.dispatch(method, [True] if method == "consent" else [])
    assert not [line for line in console.at("error") if "unknown method" in line]
    analytics.dispatch("no_such_call", [])
    assert console.at("error")[-1] == "[analytics] no_such_call: unknown method"


@pytest.mark.parametrize("method", list(surface.METHODS))
def test_the_facade_signature_documents_the_surface_argument_order(method: str) -> None:
    fn = getattr(Analytics, snake(method))
    described = (inspect.getdoc(fn) or "") + " ".join(inspect.signature(fn).parameters)
    assert all(arg in described for arg in surface.METHODS[method])


@pytest.mark.parametrize("method", list(surface.METHODS))
def test_bridge_forwarding_puts_keywords_in_the_surface_order(method: str) -> None:
    names = surface.METHODS[method]
    kwargs = {name: index for index, name in enumerate(names)}
    assert bridge.positional(method, (), kwargs) == list(range(len(names)))
    with pytest.raises(TypeError):
        bridge.positional(method, (), {"not_an_argument": 1})


def test_the_package_exports_one_forwarding_function_per_call() -> None:
    assert integration.__all__ == ["Analytics", "MemoryStorage", *surface.METHODS]


def test_each_module_level_function_forwards_its_own_call(monkeypatch: Any) -> None:
    seen: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    class Recording:
        def call(self, method: str, *args: Any, **kwargs: Any) -> None:
            seen.append((method, args, kwargs))

    monkeypatch.setattr(bridge, "page_api", Recording)
    for method in surface.METHODS:
        getattr(integration, method)(1, key=2)
    assert seen == [(method, (1,), {"key": 2}) for method in surface.METHODS]


def test_settings_reader_defaults_are_the_surface_table() -> None:
    console = RecordingConsole()
    options = mp_settings.read_settings({}, console.warn, console.error)
    expected = {name: default for name, _, default in surface.SETTINGS}
    assert options == {**expected, **dict.fromkeys(surface.LOADER_SETTINGS)}
    assert console.lines == []


def test_every_setting_of_the_surface_is_known_and_segment_only_keys_are_silent() -> None:
    console = RecordingConsole()
    given = {name: default for name, _, default in surface.SETTINGS}
    given.update(dict.fromkeys(surface.SEGMENT_ONLY_SETTINGS, "x"))
    mp_settings.read_settings(given, console.warn, console.error)
    assert console.lines == []


WRONG = {"bool": "yes", "string": 5, "list": "a", "json": [], "select": 5, "number": "many"}


@pytest.mark.parametrize("row", surface.SETTINGS, ids=lambda row: row[0])
def test_a_wrongly_typed_value_of_each_setting_is_reported_and_the_default_used(row: Any) -> None:
    name, kind, default = row
    console = RecordingConsole()
    options = mp_settings.read_settings(
        {name: WRONG[kind.split(":")[0]]}, console.warn, console.error
    )
    assert options[name] == default
    assert len(console.at("error")) == 1 and f'"{name}"' in console.at("error")[0]


def test_the_init_config_carries_exactly_segments_declared_settings() -> None:
    console = RecordingConsole()
    options = mp_settings.read_settings({"token": "t"}, console.warn, console.error)
    renamed = {mp_settings.RENAMED.get(row[0], row[0]) for row in surface.SEGMENT_SETTINGS}
    assert set(mp_settings.init_config(options)) == renamed


def test_each_setting_row_is_complete_and_its_default_fits_its_kind() -> None:
    types = {"bool": bool, "string": str, "list": list, "json": dict, "select": str, "number": int}
    names = [row[0] for row in surface.SETTINGS]
    assert len(names) == len(set(names))
    for name, kind, default in surface.SETTINGS:
        assert default is None or isinstance(default, types[kind.split(":")[0]]), name
        if kind.startswith("select:") and default is not None:
            assert default in kind[len("select:") :].split("|"), name


def test_identity_keeps_the_visitor_under_the_surface_storage_keys() -> None:
    storage = MemoryStorage()
    analytics = Analytics({"token": "t"}, RecordingMixpanel(), storage=storage)
    analytics.identify("u1", {"a": 1})
    analytics.group("g1", {"b": 2})
    identity_keys = ("user_id", "anonymous_id", "user_traits", "group_id", "group_traits")
    assert set(storage.data) == {surface.STORAGE[key] for key in identity_keys}
    assert set(identity.IDENTITY_KEYS) == set(storage.data)
    assert set(surface.COOKIE_KEYS) <= set(surface.STORAGE)


def test_the_surface_is_json_and_round_trips() -> None:
    data = surface.as_json()
    assert json.loads(json.dumps(data)) == data
    assert data["methods"] == {name: list(args) for name, args in surface.METHODS.items()}
    assert [row["name"] for row in data["settings"]] == [row[0] for row in surface.SETTINGS]


def test_the_readme_table_of_rudderstack_settings_is_made_from_the_surface() -> None:
    """README.md holds exactly the table devtools.settings_table makes from this
    module (run `python -m devtools.settings_table` after changing a setting)."""
    readme = settings_table.README.read_text()
    assert settings_table.block(readme) == settings_table.table()
    names = [row[0] for row in settings_table.rows()]
    assert names == list(surface.RUDDERSTACK_KEYS)
    known = {row[0] for row in surface.SETTINGS}
    for name in names:
        assert (name in known) + (name in surface.SECRET_SETTINGS) + (
            name in surface.RUDDERSTACK_ONLY_SETTINGS
        ) == 1, name


def test_every_setting_has_one_line_of_console_help_and_no_help_names_another() -> None:
    names = [row[0] for row in surface.SETTINGS]
    assert sorted(settings_help.HELP) == sorted(names)
    for name, text in settings_help.HELP.items():
        assert text.strip() and "\n" not in text, name


def test_the_console_surface_is_the_surface_with_each_settings_help() -> None:
    data = surface.as_json()
    assert all("help" not in row for row in data["settings"])  # the runtime carries none
    console = settings_help.with_help(data)
    assert {k: v for k, v in console.items() if k != "settings"} == {
        k: v for k, v in data.items() if k != "settings"
    }
    for row, plain in zip(console["settings"], data["settings"], strict=True):
        assert row == {**plain, "help": settings_help.HELP[plain["name"]]}


def test_a_setting_without_help_or_a_help_without_setting_is_refused() -> None:
    data = surface.as_json()
    extra = {**data, "settings": [*data["settings"], {"name": "newSetting", "kind": "bool"}]}
    with pytest.raises(settings_help.HelpMismatch, match="newSetting"):
        settings_help.with_help(extra)
    with pytest.raises(settings_help.HelpMismatch, match="token"):
        settings_help.with_help({**data, "settings": data["settings"][1:]})


def test_the_runtime_package_holds_no_help_text() -> None:
    """The help texts ship only in surface.<hash>.json: no module of `integration` has one."""
    sources = "".join(path.read_text() for path in Path(integration.__file__).parent.rglob("*.py"))
    found = [name for name, text in settings_help.HELP.items() if text in sources]
    assert found == []
