"""Segment's snippet, unchanged but for its host, and load(writeKey).

The snippet here is our own text reproducing the contract of Segment's snippet (4.x and 5.x shapes):
`window.analytics` is an array with `invoked`, `_writeKey`, `SNIPPET_VERSION` and `methods`;
each stub pushes `[method, ...args]` (5.x appends its buffered page context to track, screen,
alias, group, page and identify); `load(key, options)` inserts an async script
`<host>/analytics.js/v1/<key>/analytics.min.js` and keeps `options` as `_loadOptions`; the page
then calls `analytics.page()`. <host> is the bundle's `segment/` folder.

This module runs its own dev server (this folder's conftest.py), with a bundle built for three
write keys in a temporary folder: `seg-micropython` and `seg-pyodide` (settings baked in, one per
runtime) and `seg-fetched` (settings too, used by a page whose loader has none baked in).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import BLANK_URL, chainable
from tests.browser.segment_snippet.conftest import PAGE, TOKEN, SegmentPages

RUNTIMES = ["micropython", "pyodide"]
METHODS_5 = [
    "trackSubmit",
    "trackClick",
    "trackLink",
    "trackForm",
    "pageview",
    "identify",
    "reset",
    "group",
    "track",
    "ready",
    "alias",
    "debug",
    "page",
    "screen",
    "once",
    "off",
    "on",
    "addSourceMiddleware",
    "addIntegrationMiddleware",
    "setAnonymousId",
    "addDestinationMiddleware",
    "register",
]
METHODS_4 = [m for m in METHODS_5 if m not in ("screen", "register")]
WITH_CONTEXT = ("track", "screen", "alias", "group", "page", "identify")

# Our own snippet, in the shape of Segment's 4.x (version 4) and 5.x (version 5).
SNIPPET = """
(function () {
  var name = %(global)s;
  var q = window[name] = window[name] || [];
  if (q.initialize || q.invoked) return;
  q.invoked = true;
  q.methods = %(methods)s;
  function buffered() {
    var link = document.querySelector("link[rel='canonical']");
    return {__t: 'bpc', c: (link && link.getAttribute('href')) || undefined, p: location.pathname,
            u: location.href, s: location.search, t: document.title, r: document.referrer};
  }
  q.factory = function (method) {
    return function () {
      var args = [method].concat(Array.prototype.slice.call(arguments));
      if (%(version)d >= 5 && %(with_context)s.indexOf(method) >= 0) args.push(buffered());
      q.push(args);
      return q;
    };
  };
  for (var i = 0; i < q.methods.length; i++) q[q.methods[i]] = q.factory(q.methods[i]);
  q.load = function (key, options) {
    var s = document.createElement('script');
    s.type = 'text/javascript';
    s.async = true;
    if (%(version)d >= 5) s.setAttribute('data-global-segment-analytics-key', name);
    s.src = %(host)s + '/analytics.js/v1/' + key + '/analytics.min.js';
    var first = document.getElementsByTagName('script')[0];
    first.parentNode.insertBefore(s, first);
    q._loadOptions = options;
  };
  q._writeKey = %(key)s;
  q.SNIPPET_VERSION = '%(version)d.0.0-test';
  q.load(%(key)s%(options)s);
  q.page();
})();
"""


def snippet(key: str, version: int = 5, global_name: str = "analytics", options: Any = None) -> str:
    return SNIPPET % {
        "global": json.dumps(global_name),
        "methods": json.dumps(METHODS_5 if version >= 5 else METHODS_4),
        "version": version,
        "with_context": json.dumps(WITH_CONTEXT),
        "host": "location.origin + '/analytics/segment'",
        "key": json.dumps(key),
        "options": "" if options is None else ", " + json.dumps(options),
    }


# Calls on the snippet before our loader arrives; then the page moves on (title and URL), so a
# call's own page (5.x's buffered context) differs from the page when it is sent.
EARLY = """
analytics.identify('user-42', {email: 'u42@example.com', plan: 'pro'});
analytics.track('Snippet Track', {n: 1});
analytics.trackLink(document.documentElement, 'Snippet Link', {via: 'snippet'});
analytics.ready(function () { window.__readyFired = true; });
history.replaceState(null, '', location.pathname + '?moved=1');
document.title = 'Moved On';
"""


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("version", [4, 5])
def test_the_snippet_queue_arrives_on_the_wire(
    tp: Any, seg_pages: SegmentPages, collector: Any, runtime: str, version: int
) -> None:
    name = f"snippet{version}-{runtime}"
    page = seg_pages.open(name, snippet(f"seg-{runtime}", version), EARLY, query="?from=snippet")
    assert seg_pages.wait_status() == "ready"
    assert page.evaluate("() => window.__readyFired === true")
    assert page.evaluate("() => analytics.runtime.name") == runtime
    records = collector.wait(
        lambda rs: (
            {"Loaded a Page", "Snippet Track"}
            <= {r["payload"].get("event") for r in rs if r["endpoint"] == "track"}
            and any(r["endpoint"] == "engage" for r in rs)
        )
    )
    tracked = {p["event"]: p["properties"] for p in collector.events()}
    loaded, track = tracked["Loaded a Page"], tracked["Snippet Track"]
    # identify happened before track: the track carries the user, the page view was before it
    assert track["distinct_id"] == "user-42" and track["token"] == TOKEN and track["n"] == 1
    engage = [r["payload"] for r in records if r["endpoint"] == "engage"]
    assert any(e.get("$distinct_id") == "user-42" for e in engage), engage
    called_at = f"{tp.base}/seg/{name}.html?from=snippet"
    moved = f"{tp.base}/seg/{name}.html?moved=1"
    if version >= 5:  # the buffered page context is each call's page
        assert track["$current_url"] == called_at
        assert loaded["url"] == called_at and loaded["title"] == name
        assert loaded["search"] == "?from=snippet"
    else:  # 4.x buffers no page: the page as it is when the loader takes the queue over
        assert track["$current_url"] == moved
        assert loaded["title"] == "Moved On"
    assert loaded["path"] == f"/seg/{name}.html"
    # the bpc object is not an argument: no property came from it
    assert "__t" not in json.dumps(tracked)
    # trackLink made on the snippet is bound once the loader is here: a click tracks it
    assert not collector.events("Snippet Link")
    page.click("h1")
    [link] = collector.wait_events(1, "Snippet Link")
    assert link["properties"]["via"] == "snippet" and link["properties"]["distinct_id"] == "user-42"
    assert page.evaluate("() => { analytics.trackForm(document.body, 'Later'); return 1; }") == 1


def test_a_custom_global_name_and_load_options(
    tp: Any, seg_pages: SegmentPages, collector: Any
) -> None:
    options = {"integrations": {"Mixpanel": {"sourceName": "from-load-options"}}}
    js = snippet("seg-micropython", 5, global_name="seg", options=options)
    page = seg_pages.open("custom-global", js, "seg.track('Custom Global', {k: 'v'});")
    assert seg_pages.wait_status("seg") == "ready"
    assert page.evaluate("() => typeof window.analytics") == "undefined"
    assert page.evaluate("() => window.seg.__pythonMixpanel === 1")
    [event] = collector.wait_events(1, "Custom Global")
    assert event["properties"]["segment_source_name"] == "from-load-options"
    assert event["properties"]["$current_url"] == f"{tp.base}/seg/custom-global.html"


def test_a_returning_analytics_js_visitor_keeps_their_ids(
    tp: Any, seg_pages: SegmentPages, collector: Any
) -> None:
    """Cookies and localStorage as analytics.js wrote them (JSON-quoted values)."""
    tp.page.goto(tp.base + BLANK_URL)
    tp.page.context.clear_cookies()
    js = snippet("seg-micropython", 5)
    name = "returning"
    seg_pages.html[f"/seg/{name}.html"] = PAGE.format(
        title=name, snippet=js, script="analytics.track('Welcome Back');"
    )
    tp.page.context.add_cookies(
        [
            {"name": "ajs_user_id", "value": "%22returning-7%22", "url": tp.base},
            {"name": "ajs_anonymous_id", "value": "%22anon-kept-1%22", "url": tp.base},
        ]
    )
    tp.page.evaluate(
        "() => { localStorage.clear();"
        " localStorage.setItem('ajs_user_traits', JSON.stringify({plan: 'gold'}));"
        " localStorage.setItem('ajs_group_id', JSON.stringify('acme')); }"
    )
    tp.console.clear()
    tp.page_errors.clear()
    page = tp.page
    page.goto(f"{tp.base}/seg/{name}.html")
    assert seg_pages.wait_status() == "ready"
    [event] = collector.wait_events(1, "Welcome Back")
    assert event["properties"]["distinct_id"] == "returning-7"
    user = page.evaluate("() => { const u = analytics.user(); return [u.id(), u.anonymousId()]; }")
    assert user == ["returning-7", "anon-kept-1"]
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["ajs_user_id"] == "%22returning-7%22"  # kept, in the format analytics.js reads
    assert cookies["ajs_anonymous_id"] == "%22anon-kept-1%22"


def test_load_with_the_write_key_uses_the_baked_in_settings(
    tp: Any, seg_pages: SegmentPages, collector: Any
) -> None:
    stub = "/analytics/segment/analytics.js/v1/seg-micropython/analytics.min.js"
    tag = f'</script><script src="{stub}">'
    seg_pages.open("baked", tag, "analytics.load('seg-micropython'); analytics.track('Baked');")
    assert seg_pages.wait_status() == "ready"
    [event] = collector.wait_events(1, "Baked")
    assert event["properties"]["token"] == TOKEN
    assert seg_pages.fetched("/settings") == []  # baked in: no round trip


def test_load_with_a_write_key_fetches_the_settings_when_none_are_baked_in(
    tp: Any, seg_pages: SegmentPages, collector: Any
) -> None:
    tag = '</script><script src="/analytics/analytics.js">'
    seg_pages.open("fetched", tag, "analytics.load('seg-fetched'); analytics.track('Fetched');")
    assert seg_pages.wait_status() == "ready"
    [event] = collector.wait_events(1, "Fetched")
    assert event["properties"]["token"] == "fetched-token"
    assert seg_pages.fetched("/analytics/segment/v1/projects/seg-fetched/settings")


def test_integrations_mixpanel_false_at_load_turns_the_destination_off(
    tp: Any, seg_pages: SegmentPages, collector: Any
) -> None:
    js = snippet("seg-micropython", 5, options={"integrations": {"Mixpanel": False}})
    page = seg_pages.open("off", js, "analytics.track('Never Sent');")
    assert seg_pages.wait_status() == "disabled"
    assert page.evaluate(chainable("analytics.track('Still Fine')"))
    assert "[analytics] load: integrations.Mixpanel is off; nothing is loaded or sent" in tp.lines(
        "info"
    )
    page.wait_for_load_state("load")
    assert [u for u in seg_pages.fetched("/analytics/") if "segment/" not in u] == []
    assert collector.all() == []


def test_an_unbuilt_write_key_answers_404_and_nothing_runs(
    tp: Any, seg_pages: SegmentPages, collector: Any
) -> None:
    with tp.page.expect_response(lambda r: "/v1/not-built/analytics.min.js" in r.url) as info:
        page = seg_pages.open("unbuilt", snippet("not-built", 5), "analytics.track('Queued Only');")
    assert info.value.status == 404
    page.wait_for_load_state("load")
    # the snippet's array is still the page's analytics: our code never ran
    assert page.evaluate("() => Array.isArray(window.analytics) && window.analytics.invoked")
    assert page.evaluate("() => window.analytics.length") == 2  # page() and track
    assert [t for t in tp.lines() if t.startswith("[analytics]")] == []
    assert collector.all() == []
