"""What reaches the wire, on every engine a visitor uses: Chromium, Firefox ESR and WebKitGTK
(Safari's engine) through devtools/engines.py's adapter.

This module is the cross-engine subset, and the one place that says what runs where:

- on all three engines, on the default runtime (the README's install: auto, so MicroPython):
  start-up and ready; identify, track (a Date property), page, group and alias; identity across
  page loads; carry-over on pagehide and when hidden, with the two-tab rule (Web Locks);
  trackLink and trackForm losing no click (bench/clicks.py's steps, fewer clicks), and a click
  before ready on the next page view; a sample of hostile inputs; consent and reset; the Segment
  snippet take-over;
- on all three engines, on Pyodide: start-up and one call;
- everything else (every other module of tests/browser) runs on Chromium only: it leans on
  Playwright's routing, CDP (throttling, the HTTP cache, the network log) or Chromium's
  screenshots, which WebDriver classic does not offer.

Pages come from the real server (serve.py --test-pages), never through Playwright routing, and
carry their console capture (devtools/engines.py's CONSOLE). After each test the page must show no
uncaught error and no request that left 127.0.0.1. On Firefox and WebKit that request check is
the page's Resource Timing list (what its document fetched); Chromium's other modules also check
Playwright's full request log; requests a browser makes outside a page are not covered here.
"""

from __future__ import annotations

from typing import Any

import pytest

from bench import clicks
from devtools.harness import engine_page
from tests.browser.engines.conftest import BOOT_S, READY, TRACKED

CARRY = "ajs_pending_calls"


def test_start_up_and_every_call_reach_the_wire(site: Any, collector: Any) -> None:
    status = site.open(
        "calls",
        settings={"people": True, "groupIdentifierTraits": ["company_id"]},
        script="""
        analytics.identify('u1', {email: 'ann@example.com', plan: 'pro'});
        analytics.track('Signed Up', {at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), n: 1});
        analytics.page('Docs', 'Index', {section: 'start'});
        analytics.group('g-1', {tier: 'enterprise'});
        analytics.alias('u1-new');
        analytics.track('Last');
        """,
    )
    assert status["status"] == "ready"
    assert site.engine.evaluate("analytics.runtime.name") == "micropython"
    [signed] = collector.wait_events(1, "Signed Up")
    assert signed["properties"]["at"] == "2024-01-02T03:04:05.006Z"
    assert signed["properties"]["distinct_id"] == "u1"
    assert signed["properties"]["plan"] == "pro" and signed["properties"]["n"] == 1
    [page] = collector.wait_events(1, "Loaded a Page")
    assert page["properties"]["name"] == "Index" and page["properties"]["category"] == "Docs"
    assert page["properties"]["section"] == "start"
    [alias] = collector.wait_events(1, "$create_alias")
    assert alias["properties"]["alias"] == "u1-new"
    assert alias["properties"]["distinct_id"] == "u1"
    [last] = collector.wait_events(1, "Last")
    assert last["properties"]["company_id"] == ["g-1"]
    collector.wait(lambda _: collector.payloads("groups") and collector.payloads("engage"))
    [group] = collector.payloads("groups")
    assert (group["$group_key"], group["$group_id"]) == ("company_id", "g-1")
    assert group["$set_once"] == {"tier": "enterprise"}
    sets = [p for p in collector.payloads("engage") if "$set" in p]
    assert any(p["$distinct_id"] == "u1" and p["$set"]["$email"] == "ann@example.com" for p in sets)


@pytest.mark.pyodide_only("start-up and one call on Pyodide, per engine")
def test_pyodide_starts_and_delivers(site: Any, collector: Any) -> None:
    status = site.open(
        "pyodide",
        settings={"runtime": "pyodide"},
        script="analytics.track('On Pyodide', {when: new Date(Date.UTC(2024, 0, 2))});",
    )
    assert status["status"] == "ready"
    assert site.engine.evaluate("analytics.runtime.name") == "pyodide"
    [event] = collector.wait_events(1, "On Pyodide", timeout=30)
    assert event["properties"]["when"] == "2024-01-02T00:00:00.000Z"


def test_the_visitor_is_known_again_on_the_next_page_load(site: Any, collector: Any) -> None:
    site.open("identity-1", script="analytics.identify('u-keep', {plan: 'pro'});")
    collector.wait_events(1, "$identify")
    site.open("identity-2", fresh=False, script="analytics.track('Second Visit');")
    [event] = collector.wait_events(1, "Second Visit")
    assert event["properties"]["distinct_id"] == "u-keep"
    assert event["properties"]["$user_id"] == "u-keep"
    assert site.engine.evaluate("analytics.user().id()") == "u-keep"


def test_calls_made_before_the_page_leaves_are_sent_by_the_next_page(
    site: Any, collector: Any
) -> None:
    next_url = site.publish("leave-2", engine_page("leave-2", script="analytics.track('Second');"))
    site.open(
        "leave-1",
        ready=False,
        script=f"""analytics.track('Left Early', {{n: 1}});
        setTimeout(function () {{ location.href = '{next_url}'; }}, 0);""",
    )
    site.engine.wait_for(f"location.href === '{next_url}' && {READY}", BOOT_S)
    [early] = collector.wait_events(1, "Left Early")
    [second] = collector.wait_events(1, "Second")
    assert early["properties"]["n"] == 1
    assert early["properties"]["$current_url"].endswith("/t/leave-1.html")
    assert early["properties"]["time"] < second["properties"]["time"]
    collector.wait_quiet()
    assert len(collector.events("Left Early")) == 1


# A tab of the site that never gets ready until told (no load call): its call waits in its queue.
IDLE_TAB = f"""<!doctype html><html><head><meta charset="utf-8"><title>idle tab</title>
<script src="/analytics/analytics.js"></script>
<script>
window.__log = [];
analytics.on('shim:mixpanel', function (c) {{ window.__log.push(c); }});
analytics.track('Two Tabs');
window.start = function () {{
  analytics.ready(function (s) {{ window.__status = s; }});
  analytics.load({{apiHost: location.origin + '/mp', token: 'test-token',
                  mixpanelConfig: {{batch_requests: false}}}});
}};
window.visible = function (shown) {{
  Object.defineProperty(document, 'hidden', {{configurable: true, get: () => !shown}});
  Object.defineProperty(document, 'visibilityState', {{configurable: true,
    get: () => (shown ? 'visible' : 'hidden')}});
  document.dispatchEvent(new Event('visibilitychange'));
}};
window.stored = function () {{
  return Object.keys(localStorage).filter(k => k.startsWith('{CARRY}')).length;
}};
</script></head><body>idle</body></html>"""


def test_a_hidden_tabs_call_is_sent_by_exactly_one_tab(site: Any, collector: Any) -> None:
    # Two tabs of one site as two frames of one page (same origin: one storage, one lock).
    site.publish("idle-tab", IDLE_TAB)
    other = site.publish("other-tab", engine_page("other-tab"))
    frames = '<!doctype html><title>tabs</title><iframe id="idle" src="/t/idle-tab.html"></iframe>'
    site.goto(site.publish("tabs", frames))
    idle = "document.getElementById('idle').contentWindow"
    site.engine.wait_for(f"{idle}.stored && {idle}.analytics.status === 'idle'")
    site.engine.evaluate(f"({idle}.visible(false), true)")  # hidden: its call is stored
    assert site.engine.evaluate(f"{idle}.stored()") == 1
    site.engine.evaluate(
        f"""(() => {{ const f = document.createElement('iframe'); f.id = 'other';
        f.src = '{other}'; document.body.appendChild(f); return true; }})()"""
    )
    other_tab = "document.getElementById('other').contentWindow"
    site.engine.wait_for(f"{other_tab}.__status", BOOT_S)
    [event] = collector.wait_events(1, "Two Tabs")  # the other tab took it and sent it
    assert site.engine.evaluate(TRACKED.format(w=other_tab)) == ["Two Tabs"]
    assert event["properties"]["$current_url"].endswith("/t/idle-tab.html")
    site.engine.evaluate(f"({idle}.visible(true), {idle}.start(), true)")  # back, finds it gone
    site.engine.wait_for(f"{idle}.__status", BOOT_S)
    site.engine.evaluate(f"({idle}.analytics.track('First Tab After'), true)")
    collector.wait_events(1, "First Tab After")
    assert site.engine.evaluate(TRACKED.format(w=idle)) == ["First Tab After"]
    collector.wait_quiet()
    assert len(collector.events("Two Tabs")) == 1


def test_track_link_and_track_form_lose_no_event(site: Any, collector: Any) -> None:
    engine, base = site.engine, site.base
    for config in (clicks.SETUPS["batch_requests false"], clicks.SETUPS["batching on"]):
        assert clicks.after_ready(engine, base, collector, 3, config, "link") == 3, config
        assert clicks.after_ready(engine, base, collector, 1, config, "form") == 1, config
    get = clicks.SETUPS["api_method GET"]  # no beacon: the page waits for the response
    assert clicks.after_ready(engine, base, collector, 1, get, "link") == 1
    early = clicks.before_ready(engine, base, collector)
    assert early["clicked"] == "clicked while loading"
    [event] = early["events"]
    assert event["properties"]["early"] is True
    assert event["properties"]["$current_url"].endswith("/t/early.html")
    assert "Early Click" in early["sent_by_landing"]  # the next page view sent it


def test_a_sample_of_hostile_inputs(site: Any, collector: Any) -> None:
    site.open(
        "hostile",
        script="""
        var circ = {a: 1}; circ.self = circ;
        var getter = {ok: 1};
        Object.defineProperty(getter, 'boom', {enumerable: true,
          get: function () { throw new Error('getter boom'); }});
        window.__returned = [
          analytics.track('Hostile', {c: circ, g: getter, f: function () {}, n: NaN,
            e: '\\ud83d\\ude80', node: document.createElement('div'),
            p: JSON.parse('{"__proto__": {"polluted": 1}, "ok": 1}')}) === undefined,
          analytics.track(42) === undefined];
        analytics.track('After Hostile');
        """,
    )
    [event] = collector.wait_events(1, "Hostile")
    props = event["properties"]
    assert props["c"] == {"a": 1, "self": "[Circular]"}
    assert props["g"] is None and "f" not in props and props["n"] is None
    assert props["e"] == "\U0001f680" and props["node"] is None
    assert props["p"]["ok"] == 1
    collector.wait_events(1, "After Hostile")
    assert site.engine.evaluate("window.__returned") == [False, False]  # each returned
    assert site.engine.evaluate("Object.prototype.polluted === undefined")
    warned = [text for level, text in site.engine.console_lines() if level == "error"]
    assert any(line.startswith("[analytics] track: event") for line in warned)
    collector.wait_quiet()
    assert sorted({e["event"] for e in collector.events()}) == ["After Hostile", "Hostile"]


def test_consent_and_reset(site: Any, collector: Any) -> None:
    site.open("consent", script="analytics.identify('u-c', {plan: 'pro'}); analytics.track('In');")
    [before] = collector.wait_events(1, "In")
    assert before["properties"]["distinct_id"] == "u-c"
    site.engine.evaluate(
        """(analytics.consent(false), analytics.track('While Out'), analytics.consent(true),
        analytics.track('Back In'), analytics.reset(), analytics.track('After Reset'), true)"""
    )
    collector.wait_events(1, "$opt_in")
    collector.wait_events(1, "Back In")
    [after] = collector.wait_events(1, "After Reset")
    assert after["properties"]["distinct_id"] != "u-c" and "plan" not in after["properties"]
    assert site.engine.evaluate("analytics.user().id()") is None
    collector.wait_quiet()
    assert collector.events("While Out") == []


def test_the_segment_snippet_queue_is_taken_over(site: Any, collector: Any) -> None:
    status = site.open(
        "segment-snippet",
        head="""<script>
        window.analytics = [];
        window.analytics.push(['track', 'From Segment Snippet', {k: 'v'}]);
        window.analytics.push(['identify', 'u-snippet']);
        </script>""",
        script="analytics.track('After Take-over');",
    )
    assert status["status"] == "ready"
    [event] = collector.wait_events(1, "From Segment Snippet")
    assert event["properties"]["k"] == "v"
    [later] = collector.wait_events(1, "After Take-over")
    assert later["properties"]["distinct_id"] == "u-snippet"
    assert site.tracks() == ["From Segment Snippet", "After Take-over"]
