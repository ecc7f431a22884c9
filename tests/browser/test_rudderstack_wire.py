"""On the wire, on both runtimes: a full Mixpanel config in RudderStack's export shape,
loaded as it is, drives the real mixpanel.js; checked at the init options it got and at the
collector (decoded payloads). tests/unit/test_rudderstack_export.py pins each item.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import BOTH
from tests.rudderstack import EXPORTED as RUDDERSTACK_EXPORT

pytestmark = pytest.mark.runtimes(*BOTH)

# The shared export (tests/rudderstack.py), with the choices this wire test checks.
EXPORTED = {
    **RUDDERSTACK_EXPORT,
    "token": "issue18-wire-project",
    "setAllTraitsByDefault": False,
    "setOnceProperties": [{"property": "signupSource"}, {"property": ""}],
    "peopleProperties": [{"property": "plan"}],
    "persistenceName": "issue18_wire",
}

SCRIPT = """
analytics.identify('u-rs18', {signupSource: 'newsletter', plan: 'pro'});
analytics.track('Purchase', {amount: 3});
analytics.page('Docs', 'Pricing');
"""


def test_a_full_exported_rudderstack_config_works_as_it_is(tp: Any, collector: Any) -> None:
    page = tp.open("rudderstack-export", settings=EXPORTED, script=SCRIPT)

    # init options: persistence kept (the legacy "none" ignored), its name passed on
    [init] = [c["args"] for c in tp.mixpanel_calls("init")]
    config = init[1]
    assert config["persistence"] == "cookie" and "disable_persistence" not in config
    assert config["persistence_name"] == "issue18_wire"
    assert "record_sessions_percent" not in config
    for key in ("useNativeSDK", "connectionMode", "consentManagement", "persistenceName"):
        assert key not in config, key
    cookies = [c["name"] for c in page.context.cookies()]
    assert "mp_issue18_wire" in cookies, cookies

    # the custom page name, whatever consolidatedPageCalls says
    [seen] = collector.wait_events(1, "Seen Docs Pricing page")
    assert collector.events("Loaded a Page") == []

    # one super property (from the {property} row) on the event; the set-once trait is not one
    [purchase] = collector.wait_events(1, "Purchase")
    assert purchase["properties"]["plan"] == "pro"
    assert "signupSource" not in purchase["properties"]
    assert purchase["properties"]["distinct_id"] == "u-rs18"

    # one increment, one set_once, and the set-once trait kept out of $set
    def engaged(op: str) -> list[dict[str, Any]]:
        return [p for p in collector.payloads("engage") if op in p]

    collector.wait(lambda _: engaged("$add") and engaged("$set_once") and engaged("$set"))
    collector.wait_quiet()
    assert [p["$add"] for p in engaged("$add")] == [{"Purchase": 1}]
    once = [p["$set_once"] for p in engaged("$set_once") if "signupSource" in p["$set_once"]]
    assert [o["signupSource"] for o in once] == ["newsletter"]
    sets = [p["$set"] for p in engaged("$set")]  # mixpanel.js adds $os, $browser, … to each
    assert [s["plan"] for s in sets if "plan" in s] == ["pro"]
    assert any("Last Purchase" in s for s in sets)
    assert all("signupSource" not in s for s in sets)
    assert all(p["$distinct_id"] == "u-rs18" for p in engaged("$add") + engaged("$set_once"))

    # the console: one info line for RudderStack's own keys, no warning, no error
    infos = [line for line in tp.lines("info") if "not applying here" in line]
    assert len(infos) == 1
    for key in ("connectionMode", "consentManagement", "useNativeSDK", "userDeletionApi"):
        assert key in infos[0], key
    assert [line for line in tp.lines() if "Mixpanel setting" in line and line not in infos] == []
    assert seen["properties"]["distinct_id"] == "u-rs18"
