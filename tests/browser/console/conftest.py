"""The QA console's page for test_console.py: `qa` opens the console (index.html) with a fresh
browser identity and applies a set-up through the settings form; the module's tests then share it.

The console reads the integration's surface (methods, settings table, runtime files) as JSON from
the bundle. The page is given SURFACE, made here as the build makes it (the surface with its help
texts, devtools.settings_help.with_help(integration.surface.as_json())): when the
surface's settings table is still empty, rows derived from the integration's settings defaults
stand in, and one row only this fixture has shows that a new setting gets its row by itself.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

from devtools import settings_help
from integration import surface

BOOT_MS = 90_000
SURFACE_ROUTE = "**/surface*.json"
FIXTURE_ROW = {
    "name": "qaFixtureOnly",
    "kind": "select:one|two",
    "default": "one",
    "help": "A setting only this test's surface has: its row appears without any console change.",
}


def _kind(default: Any) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, list):
        return "list"
    if isinstance(default, dict):
        return "json"
    return "string"


def surface_json() -> dict[str, Any]:
    """The surface as the bundle serves it (with the console's help texts), with a settings
    table that has rows."""
    data = settings_help.with_help(surface.as_json())
    rows = list(data["settings"])
    if not rows:  # the table is still in integration/mixpanel/settings.py
        from integration.mixpanel import settings as table

        for segment, defaults in ((True, table.DEFAULTS), (False, table.OWN_DEFAULTS)):
            rows += [
                {"name": n, "kind": _kind(d), "default": d, "segment": segment, "help": f"{n}: "
                 "a row of the test surface, made from the integration's own defaults."}
                for n, d in defaults.items()
            ]  # fmt: skip
        data.setdefault("segmentOnlySettings", list(table.IGNORED))
    data["settings"] = [*rows, {**FIXTURE_ROW, "segment": False}]
    return data


SURFACE = surface_json()


def serve_surface(route: Any) -> None:
    route.fulfill(status=200, body=json.dumps(SURFACE), content_type="application/json")


def wait_ready(page: Any) -> None:
    page.wait_for_function("() => analytics.status === 'ready'", timeout=BOOT_MS)


@pytest.fixture(scope="module")
def qa(shared: Any, server_url: str) -> Any:
    """The console, fresh identity, with a set-up applied through the settings form."""
    page = shared.page
    with shared.routed(SURFACE_ROUTE, serve_surface):
        shared.dialogs = []
        page.on("dialog", lambda d: (shared.dialogs.append(d.message), d.dismiss()))
        page.context.clear_cookies()
        page.goto(server_url + "/qa/blank.html")
        page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        page.goto(server_url + "/")
        wait_ready(page)
        page.fill("#set-token", "qa-token")
        page.fill("#set-eventIncrements", "Logged In")
        page.fill("#set-groupIdentifierTraits", "company")
        page.fill("#set-sourceName", "qa-source")
        page.uncheck("#set-consolidatedPageCalls")
        page.check("#set-trackCategorizedPages")
        # Inline validation: a broken JSON setting blocks Apply until fixed.
        page.fill("#set-mixpanelConfig", "{oops")
        expect(page.locator("#set-mixpanelConfig-error")).to_contain_text("Not valid JSON")
        expect(page.locator("#settings-apply")).to_be_disabled()
        page.fill("#set-mixpanelConfig", '{"batch_requests": false}')
        expect(page.locator("#settings-apply")).to_have_text("Apply and restart (6 edited)")
        with page.expect_navigation():
            page.click("#settings-apply")
        wait_ready(page)
        yield page
