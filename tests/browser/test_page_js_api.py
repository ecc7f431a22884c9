"""analytics.js's page-JS calls on the wire, on both runtimes: user()/group() entities, listener
arguments, chainable and awaitable returns, setAnonymousId/debug/timeout/pageview, the cookie
load option, trackLink/trackForm, the named mixpanel.js instance beside a page's own Mixpanel,
and the bundle's mixpanel folder handed to Python (_bundle)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.browser.conftest import ROOT, cookie, held, wait_until

RUNTIMES = pytest.mark.parametrize("runtime", ["micropython", "pyodide"])
GROUPS = {"groupIdentifierTraits": ["company"]}


def settings(runtime: str, **extra: Any) -> dict[str, Any]:
    return {"runtime": runtime, **extra}


def mixpanel_url() -> str:
    manifest = json.loads((ROOT / "dist" / "MANIFEST.json").read_text())
    return "/analytics/" + manifest["files"]["mixpanel"]


# -- 1.3 / 1.4 / 2: user() and group() ---------------------------------------------------------


@RUNTIMES
def test_user_and_group_setters_take_effect_at_once_and_reach_mixpanel(
    tp: Any, runtime: str
) -> None:
    page = tp.open(
        "entities",
        settings=settings(runtime, **GROUPS),
        script="""
        var u = analytics.user(), g = analytics.group();
        u.id('u-7'); u.anonymousId('anon-7'); u.traits({plan: 'pro'});
        g.id('g-7'); g.traits({company: 'acme'});
        window.__before = [u.id(), u.anonymousId(), u.traits(), g.id(), g.traits(),
          analytics.status];
        analytics.identify({seen: true});
        """,
    )
    before = page.evaluate("() => window.__before")
    assert before == ["u-7", "anon-7", {"plan": "pro"}, "g-7", {"company": "acme"}, "loading"]
    # the queued setters were applied in order before identify(): it identifies the new id
    assert [c["args"][0] for c in tp.mixpanel_calls("identify")] == ["u-7"]
    after = page.evaluate(
        """() => { var u = analytics.user(), g = analytics.group();
        return [u.id(), u.anonymousId(), u.traits(), g.id(), g.traits()]; }"""
    )
    assert after == ["u-7", "anon-7", {"plan": "pro", "seen": True}, "g-7", {"company": "acme"}]
    assert json.loads(_cookie_value(cookie(page, "ajs_user_id"))) == "u-7"
    assert json.loads(_cookie_value(cookie(page, "ajs_group_id"))) == "g-7"
    logged_out = page.evaluate(
        """async () => { var u = analytics.user(); u.logout(); await analytics.track('After');
        return [u.id(), u.traits(), u.anonymousId()]; }"""
    )
    assert logged_out == [None, {}, "anon-7"]
    assert cookie(page, "ajs_user_id") is None
    assert tp.mixpanel_calls("track")[-1]["args"][0] == "After"


def _cookie_value(c: dict[str, Any] | None) -> str:
    import urllib.parse

    assert c is not None
    return urllib.parse.unquote(c["value"])


@RUNTIMES
def test_bad_entity_input_is_one_line_and_the_next_call_works(tp: Any, runtime: str) -> None:
    page = tp.open("entities-bad", settings=settings(runtime))
    result = page.evaluate(
        """() => { var u = analytics.user(); u.traits('nope'); u.id('u-ok');
        return [u.traits(), u.id()]; }"""
    )
    assert result == [{}, "u-ok"]
    tp.wait_console_quiet(having="user().traits")  # in a worker: once the setter was applied
    lines = [x for x in tp.lines("error") if "user().traits" in x]
    assert len(lines) == 1 and "traits must be an object" in lines[0], tp.lines()
    assert tp.page_errors == []


# -- 1.5 listeners ------------------------------------------------------------------------------


@RUNTIMES
def test_listeners_get_analytics_js_arguments(tp: Any, runtime: str) -> None:
    page = tp.open(
        "listeners",
        settings=settings(runtime, **GROUPS),
        before_load="""
        window.__heard = [];
        ['track', 'page', 'screen', 'identify', 'group', 'alias', 'reset', 'invoke',
         'initialize', 'ready'].forEach(function (name) {
          analytics.on(name, function () {
            var args = [].slice.call(arguments);
            if (name === 'invoke') args = [args[0].type];
            if (name === 'initialize') args = [args[0].token];
            if (name === 'page' || name === 'screen') args[2] = args[2] && args[2].name;
            window.__heard.push([name].concat(args));
          });
        });
        """,
        script="""
        analytics.track('T', {a: 1}, {context: {ip: '1.2.3.4'}});
        analytics.page('Cat', 'Name', {p: 1});
        analytics.screen('App', 'Home');
        analytics.identify('u1', {email: 'a@b.co'});
        analytics.group('g1', {company: 'acme'});
        analytics.alias('u2', 'u1');
        analytics.reset();
        """,
    )
    heard = page.evaluate("() => window.__heard")
    assert heard == [
        ["invoke", "track"],
        ["track", "T", {"a": 1}, {"context": {"ip": "1.2.3.4"}}],
        ["invoke", "page"],
        ["page", "Cat", "Name", "Name", {}],
        ["invoke", "screen"],
        ["screen", "App", "Home", "Home", {}],
        ["invoke", "identify"],
        ["identify", "u1", {"email": "a@b.co"}, {}],
        ["invoke", "group"],
        ["group", "g1", {"company": "acme"}, {}],
        ["invoke", "alias"],
        ["alias", "u2", "u1", {}],
        ["reset"],
        ["initialize", "test-token"],
        ["ready"],
    ]


@RUNTIMES
def test_once_removes_only_its_registration_and_off_without_fn_removes_all(
    tp: Any, runtime: str
) -> None:
    page = tp.open("listeners-off", settings=settings(runtime))
    got = page.evaluate(
        """async () => { var got = [], f = function (e) { got.push('f ' + e); };
        analytics.on('track', f); analytics.once('track', f);
        analytics.on('track', function (e) { got.push('g ' + e); });
        analytics.track('a'); analytics.track('b');
        analytics.off('track'); analytics.track('c');
        analytics.on('track', 'not a function'); await analytics.track('d');
        return got; }"""
    )
    assert got == ["f a", "f a", "g a", "f b", "g b"]
    assert [c["args"][0] for c in tp.mixpanel_calls("track")] == ["a", "b", "c", "d"]
    assert len([x for x in tp.lines("error") if "on: listener must be a function" in x]) == 1


# -- 2: return values ---------------------------------------------------------------------------


@RUNTIMES
def test_calls_chain_and_resolve_once_handed_to_mixpanel(tp: Any, runtime: str) -> None:
    page = tp.open(
        "returns",
        settings=settings(runtime),
        script="""
        window.__early = analytics.track('Early');
        window.__chained = window.__early.identify('u-chain');
        window.__early.then(function (r) {
          window.__earlyAt = window.__log.filter(function (c) {
            return c.method === 'track';
          }).length;
          window.__earlyResult = r.method;
        });
        """,
    )
    page.wait_for_function("() => window.__earlyResult")
    assert page.evaluate("() => [window.__earlyAt, window.__earlyResult]") == [1, "track"]
    assert [c["args"][0] for c in tp.mixpanel_calls("identify")] == ["u-chain"]
    assert page.evaluate("() => typeof window.__chained.then") == "function"
    seen = page.evaluate(
        """async () => { await analytics.track('Late');
        return window.__log.filter(function (c) { return c.method === 'track'; }).length; }"""
    )
    assert seen == 2


# -- 2: setAnonymousId, debug, timeout, pageview -------------------------------------------------


@RUNTIMES
def test_set_anonymous_id_debug_timeout_and_pageview_from_js(
    tp: Any, runtime: str, collector: Any
) -> None:
    page = tp.open(
        "small-calls",
        settings=settings(runtime),
        script="""
        analytics.timeout(50);
        window.__cb = [];
        analytics.track('Timed', {}, {}, function () { window.__cb.push(analytics.status); });
        analytics.setAnonymousId('anon-js');
        """,
    )
    assert page.evaluate("() => window.__cb") == ["loading"]  # within 50 ms, once
    assert page.evaluate("() => analytics.user().anonymousId()") == "anon-js"
    page.evaluate("() => { analytics.debug(true); analytics.pageview('/pricing'); }")
    assert any(line.startswith("[analytics] pageview") for line in tp.lines("log"))
    [loaded] = collector.wait_events(1, "Loaded a Page")
    assert loaded["properties"]["path"] == "/pricing"
    page.evaluate("() => analytics.timeout('soon')")
    assert len([x for x in tp.lines("error") if "timeout:" in x]) == 1


# -- 2: the cookie load option ------------------------------------------------------------------


@RUNTIMES
def test_the_cookie_option_sets_the_ajs_cookies_attributes(tp: Any, runtime: str) -> None:
    page = tp.open(
        "cookie-option",
        settings=settings(runtime),
        load_options={"cookie": {"maxage": 2 * 86400 * 1000, "sameSite": "Strict"}},
        script="analytics.identify('u-cookie');",
    )
    c = cookie(page, "ajs_user_id")
    assert c is not None and c["sameSite"] == "Strict"
    assert abs(c["expires"] - (time.time() + 2 * 86400)) < 120, c


@RUNTIMES
def test_a_bad_cookie_option_is_one_line_and_cookies_keep_their_defaults(
    tp: Any, runtime: str
) -> None:
    page = tp.open(
        "cookie-bad",
        settings=settings(runtime),
        load_options={"cookie": {"maxage": "a year"}},
        script="analytics.identify('u-cookie');",
    )
    c = cookie(page, "ajs_user_id")
    assert c is not None and c["sameSite"] == "Lax"
    assert abs(c["expires"] - (time.time() + 365 * 86400)) < 120, c
    assert len([x for x in tp.lines("error") if "options.cookie.maxage" in x]) == 1


# -- 2: trackLink / trackForm -------------------------------------------------------------------

LINKS = """
<a id="go" href="/t/landed.html">go</a>
<a id="tab" href="/t/landed.html" target="_blank">tab</a>
<a class="many" id="m1" href="#">m1</a><a class="many" id="m2" href="#">m2</a>
<form id="f" action="/t/landed.html" method="get"><input name="q" value="x"></form>
"""
BEACON = {"mixpanelConfig": {"batch_requests": False, "api_transport": "sendBeacon"}}


@RUNTIMES
def test_track_link_tracks_then_navigates_and_new_tabs_are_not_delayed(
    tp: Any, runtime: str, collector: Any
) -> None:
    tp.build("landed", script="")
    page = tp.open(
        "links",
        settings=settings(runtime, **BEACON),
        body=LINKS,
        # bound at DOMContentLoaded: before boot.mjs is here (the stub keeps them until then)
        script="""
        document.addEventListener('DOMContentLoaded', function () {
        window.__prevented = [];
        document.addEventListener('click', function (e) {
          window.__prevented.push([e.target.id, e.defaultPrevented, e.ctrlKey]);
          if (!e.defaultPrevented) e.preventDefault(); // nothing else navigates in this test
        });
        analytics.trackLink(document.getElementById('tab'), 'Tab');
        analytics.trackClick(document.querySelectorAll('.many'),
          function (el) { return 'Many ' + el.id; }, function (el) { return {which: el.id}; });
        analytics.trackLink({toArray: function () { return [document.getElementById('go')]; }},
          'Went', {to: 'landed'});
        analytics.trackLink(null, 'Nothing');
        });
        """,
    )
    page.evaluate(
        """() => { document.getElementById('tab').click();
        document.getElementById('m1').dispatchEvent(
          new MouseEvent('click', {bubbles: true, cancelable: true, ctrlKey: true}));
        document.getElementById('m2').click(); }"""
    )
    # handed to mixpanel.js once applied (in a worker, a moment later)
    page.wait_for_function("() => window.__log.filter((c) => c.method === 'track').length >= 3")
    names = [c["args"][0] for c in tp.mixpanel_calls("track")]
    assert names == ["Tab", "Many m1", "Many m2"]
    assert tp.mixpanel_calls("track")[2]["args"][1]["which"] == "m2"
    # trackLink's events go by beacon, past the batch queue (the page leaves right after)
    # (mixpanel.min.js adds a minified copy of `transport` to the object it was given)
    options = [c["args"][2] for c in tp.mixpanel_calls("track")]
    assert [(o["transport"], o["send_immediately"]) for o in options] == [("sendBeacon", True)] * 3
    prevented = page.evaluate("() => window.__prevented")
    assert prevented == [["tab", False, False], ["m1", False, True], ["m2", True, False]]
    assert len([x for x in tp.lines("error") if x.startswith("[analytics] trackLink: links")]) == 1
    with page.expect_navigation(url="**/t/landed.html", timeout=5000):
        page.evaluate("() => document.getElementById('go').click()")
    [went] = collector.wait_events(1, "Went")
    assert went["properties"]["to"] == "landed"


@RUNTIMES
def test_track_form_tracks_then_submits(tp: Any, runtime: str, collector: Any) -> None:
    tp.build("landed", script="")
    page = tp.open(
        "forms",
        settings=settings(runtime, **BEACON),
        body=LINKS,
    )
    page.evaluate(
        "() => analytics.trackSubmit([document.getElementById('f')], 'Searched', {kind: 'q'})"
    )
    with page.expect_navigation(url="**/t/landed.html?q=x", timeout=5000):
        page.evaluate("() => document.getElementById('f').requestSubmit()")
    [searched] = collector.wait_events(1, "Searched")
    assert searched["properties"]["kind"] == "q"


GET = {"mixpanelConfig": {"batch_requests": False, "api_method": "GET"}}  # no beacon
BIND_GO = """document.addEventListener('DOMContentLoaded', function () {
  analytics.trackLink(document.getElementById('go'), 'Went');
});"""


def _links_under_get(tp: Any, name: str, timeout_ms: int) -> Any:
    """The link page under api_method GET, with analytics.timeout(timeout_ms); the landing
    page built."""
    tp.build("landed", script="")
    return tp.open(
        name,
        settings=settings("micropython", **GET),
        body=LINKS,
        script=f"analytics.timeout({timeout_ms});" + BIND_GO,
    )


def _clicked_while_held(page: Any, holder: Any) -> None:
    page.evaluate("() => document.getElementById('go').click()")
    # Playwright serves the held request while it waits on the page
    wait_until(lambda: holder.routes, 10, "mixpanel.js sent no request", page)


def test_under_api_method_get_a_link_waits_for_mixpanels_response(tp: Any, collector: Any) -> None:
    page = _links_under_get(tp, "links-get", 20000)
    with held(page, "**/mp/track/**") as holder:
        _clicked_while_held(page, holder)
        assert page.evaluate("() => location.pathname") == "/t/links-get.html"  # still waiting
        with page.expect_navigation(url="**/t/landed.html", timeout=5000):
            holder.release()  # the response comes: mixpanel.js's callback lets the page go
    [record] = [r for r in collector.all() if r["payload"].get("event") == "Went"]
    assert record["method"] == "GET"


def test_under_api_method_get_the_wait_ends_at_analytics_timeout(tp: Any, collector: Any) -> None:
    page = _links_under_get(tp, "links-get-timeout", 400)
    with held(page, "**/mp/track/**") as holder:
        started = time.monotonic()
        with page.expect_navigation(url="**/t/landed.html", timeout=5000):
            _clicked_while_held(page, holder)
        took = time.monotonic() - started
        assert holder.routes  # never answered: the page left at the time limit
    assert 0.3 < took < 4, took


# -- 1.11: the page's own Mixpanel ---------------------------------------------------------------

# A minimal Mixpanel-style snippet stub (written for this test): an array with __SV, an _i list
# of [token, config, name] and, per instance, methods that queue [method, ...args].
PAGE_MIXPANEL = """
<script>
(function () {
  var names = ('track register register_once identify alias name_tag set_config reset ' +
    'time_event opt_in_tracking opt_out_tracking set_group people.set people.set_once ' +
    'people.union people.increment').split(' ');
  function stub(target) {
    target.people = target.people || [];
    names.forEach(function (n) {
      var parts = n.split('.'), m = parts.pop(), into = parts.length ? target[parts[0]] : target;
      into[m] = function () { into.push([m].concat([].slice.call(arguments))); };
    });
  }
  var mp = window.mixpanel = [];
  mp.__SV = 1.2; mp._i = [];
  mp.init = function (token, config, name) {
    var target = name ? (mp[name] = []) : mp;
    stub(target);
    mp._i.push([token, config, name || 'mixpanel']);
    return target;
  };
  mp.init('page-token', {api_host: location.origin + '/mp', batch_requests: false});
  mp.track('Page own');
})();
</script>
"""


def lib_tag() -> str:
    return f'<script src="{mixpanel_url()}"></script>'


@RUNTIMES
@pytest.mark.parametrize("when", ["loaded", "stub"])
def test_a_page_with_its_own_mixpanel_keeps_it_and_ours_is_a_named_instance(
    tp: Any, runtime: str, when: str, collector: Any
) -> None:
    head = PAGE_MIXPANEL + (lib_tag() if when == "loaded" else "")
    page = tp.open(
        "own-mixpanel-" + when,
        settings=settings(runtime),
        head=head,
        script="analytics.track('Ours');",
    )
    if when == "stub":  # the page's own mixpanel.js arrives after our ready
        assert collector.events() == []
        page.evaluate(
            "(u) => { var s = document.createElement('script'); s.src = u;"
            " document.head.appendChild(s); }",
            mixpanel_url(),
        )
    collector.wait_events(2)
    tokens = {e["event"]: e["properties"]["token"] for e in collector.events()}
    assert tokens == {"Page own": "page-token", "Ours": "test-token"}
    init = tp.mixpanel_calls("init")[0]
    assert init["args"][0] == "test-token" and init["args"][2] == "analytics"
    assert page.evaluate("() => window.mixpanel.get_config('token')") == "page-token"
    assert page.evaluate("() => window.mixpanel.analytics.get_config('token')") == "test-token"


@RUNTIMES
def test_without_mixpanel_on_the_page_ours_is_the_primary_instance(tp: Any, runtime: str) -> None:
    page = tp.open("no-own-mixpanel", settings=settings(runtime))
    assert len(tp.mixpanel_calls("init")[0]["args"]) == 2
    assert page.evaluate("() => window.mixpanel.get_config('token')") == "test-token"


# -- 3: the replay recorder from our origin -------------------------------------------------------


@RUNTIMES
def test_the_loader_hands_python_the_bundle_mixpanel_folder(tp: Any, runtime: str) -> None:
    tp.open("bundle-folder", settings=settings(runtime, sessionReplayPercentage=100))
    config = tp.mixpanel_calls("init")[0]["args"][1]
    folder = tp.base + mixpanel_url().rsplit("/", 1)[0] + "/"
    assert config["lib_base_path"] == folder and "recorder_src" not in config
