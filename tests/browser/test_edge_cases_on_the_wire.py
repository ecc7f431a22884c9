"""The drop-in compatibility items on the wire, on both runtimes: what the real mixpanel.js sent
(decoded at the collector), what reached it (the loader's shim:mixpanel log) and the console.

The unit tests pin the same items at the recording fake (test_mapping_edge_cases,
test_peer_settings, test_consent, test_screen); here each is proved against mixpanel.js itself.
Where a test shows that nothing arrived, a marker event sent after it proves the page was
sending.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.conftest import BOTH, cookie

pytestmark = pytest.mark.runtimes(*BOTH)

PEOPLE = {"people": True}
CONSOLIDATED_OFF = {"consolidatedPageCalls": False}


# -- helpers -------------------------------------------------------------------------------------


def wait_engage(collector: Any, *ops: str) -> None:
    """Until an /engage payload for each of `ops` arrived (they are concurrent requests)."""
    collector.wait(lambda _: all(collector.engage(op) for op in ops))


# mixpanel.js's own People update on every page: people.set_once(referrer info) at load, sent
# once the page identifies (mixpanel.js's _loaded); none of ours.
REFERRER_KEYS = {"$initial_referrer", "$initial_referring_domain"}


def ours(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The /engage payloads but mixpanel.js's own referrer $set_once."""
    return [p for p in payloads if set(p.get("$set_once", {})) != REFERRER_KEYS]


def names(collector: Any) -> list[str]:
    return [e["event"] for e in collector.events()]


def marked(page: Any, collector: Any, script: str = "") -> list[str]:
    """Run `script`, then track 'Marker'; once the marker arrived and the collector went quiet,
    the names of every event it has (whatever `script` sent would have come by then)."""
    page.evaluate(f"() => {{ {script}; analytics.track('Marker'); }}")
    collector.wait_events(1, "Marker")
    collector.wait_quiet()
    return names(collector)


def tracked_events(
    tp: Any, collector: Any, name: str, settings: dict[str, Any], event: str, script: str = ""
) -> tuple[Any, dict[str, Any]]:
    """Page `name` with `settings` runs `script`, then tracks `event`: the page and the event
    as it arrived."""
    page = tp.open(name, settings=settings, script=f"{script} analytics.track('{event}');")
    [sent] = collector.wait_events(1, event)
    return page, sent


def called(tp: Any, method: str) -> list[list[Any]]:
    """The arguments of each `method` call the integration made on mixpanel.js."""
    return [c["args"] for c in tp.mixpanel_calls(method)]


def init_config(tp: Any) -> dict[str, Any]:
    [args] = called(tp, "init")
    config: dict[str, Any] = args[1]
    return config


def lines_with(tp: Any, level: str, text: str) -> list[str]:
    return [line for line in tp.lines(level) if text in line]


def mixpanel_storage(page: Any) -> list[str]:
    """mixpanel.js's cookies and localStorage keys (mp_*, __mp*) in the page's context."""
    cookies = [c["name"] for c in page.context.cookies() if "mp_" in c["name"]]
    keys = page.evaluate("() => Object.keys(localStorage).filter((k) => k.includes('mp_'))")
    return cookies + keys


def ajs_storage(page: Any) -> list[str]:
    """Our identity in the browser: ajs_* cookies and localStorage keys."""
    cookies = [c["name"] for c in page.context.cookies() if c["name"].startswith("ajs_")]
    keys = page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('ajs_'))")
    return sorted(cookies + keys)


# -- 1.1: link_query / form_query ------------------------------------------------------------------

LINKS = '<a class="buy" id="b1" href="#one">one</a> <a class="buy" id="b2" href="#two">two</a>'
# The form's own submit() (mixpanel.js calls it after tracking) is shadowed: no navigation.
FORM = """<form class="signup" id="f" action="/t/nowhere.html"><input name="q" value="x"></form>
<script>document.getElementById('f').submit = function () { window.__submitted += 1; };
window.__submitted = 0;</script>"""

SUBMIT_TWICE = (
    "() => { const f = document.getElementById('f'); f.requestSubmit(); f.requestSubmit(); }"
)
DOM_QUERIES = [
    ("link_query", "a.buy", "track_links", LINKS),
    ("form_query", "form.signup", "track_forms", FORM),
]


@pytest.mark.parametrize(
    ("query", "selector", "method", "body"), DOM_QUERIES, ids=["links", "forms"]
)
def test_dom_query_tracks_carry_no_time_or_insert_id_and_every_click_arrives(
    tp: Any, collector: Any, query: str, selector: str, method: str, body: str
) -> None:
    page = tp.open(
        "dom-query-" + method,
        body=body,
        script=f"analytics.track('Acted', {{{query}: '{selector}', plan: 'pro'}});",
    )
    [args] = called(tp, method)
    assert args[:2] == [selector, "Acted"]
    assert args[2]["plan"] == "pro"
    assert "time" not in args[2] and "$insert_id" not in args[2], args[2]
    if method == "track_links":
        page.click("#b1")
        page.click("#b2")
    else:
        page.evaluate(SUBMIT_TWICE)
    acted = collector.wait_events(2, "Acted")
    collector.wait_quiet()
    assert names(collector) == ["Acted", "Acted"]
    insert_ids = {e["properties"]["$insert_id"] for e in acted}
    assert len(insert_ids) == 2, acted  # distinct: Mixpanel keeps both clicks
    assert all(e["properties"]["plan"] == "pro" for e in acted)
    if method == "track_links":
        urls = sorted(e["properties"]["url"].rsplit("#", 1)[1] for e in acted)
        assert urls == ["one", "two"]
        assert page.url.split("#")[0].endswith("/t/dom-query-track_links.html")  # still here
    else:
        page.wait_for_function("() => window.__submitted === 2")


# -- 1.2: a null increment -------------------------------------------------------------------------


def test_a_null_property_increment_reaches_mixpanel_and_the_wire_as_null(
    tp: Any, collector: Any
) -> None:
    tp.open(
        "null-increment",
        settings={**PEOPLE, "propIncrements": ["score"]},
        script="analytics.identify('u-null'); analytics.track('Scored', {score: null});",
    )
    assert called(tp, "people.increment") == [["score", None]]
    [scored] = collector.wait_events(1, "Scored")
    assert scored["properties"]["score"] is None
    wait_engage(collector, "$add")
    [add] = collector.engage("$add")
    # mixpanel.js sends an explicit null as it is (only a missing value becomes 1)
    assert add["$add"] == {"score": None}
    assert add["$distinct_id"] == "u-null"


# -- 1.7: a returning visitor ----------------------------------------------------------------------


def test_a_returning_visitor_page_only_identifies_and_sends_no_people_update(
    tp: Any, collector: Any
) -> None:
    tp.open(
        "returning-1",
        settings=PEOPLE,
        script="analytics.identify('u-ret', {plan: 'pro', tags: ['a']});",
    )
    wait_engage(collector, "$set", "$union")  # page 1's People updates, before page 2
    collector.wait_quiet()
    collector.clear()
    page = tp.open("returning-2", settings=PEOPLE, fresh=False)
    assert called(tp, "identify") == [["u-ret"]]
    for method in ("name_tag", "people.set", "people.union"):
        assert called(tp, method) == [], method
    assert all("plan" not in args[0] for args in called(tp, "register"))
    assert marked(page, collector) == ["Marker"]
    for own in collector.payloads("engage"):  # mixpanel.js's only, nothing of the traits
        assert set(own) & {"$set", "$union", "$add"} == set(), own
        assert set(own["$set_once"]) == REFERRER_KEYS, own
    [marker] = collector.events("Marker")
    assert marker["properties"]["distinct_id"] == "u-ret"
    assert marker["properties"]["plan"] == "pro"  # mixpanel.js kept page 1's super property


# -- 1.8: alias with no new id ---------------------------------------------------------------------


def test_alias_without_a_new_id_sends_nothing_with_a_people_distinct_id_set(
    tp: Any, collector: Any
) -> None:
    page = tp.open("alias-no-id", settings=PEOPLE, script="analytics.identify('u-al');")
    collector.wait_events(1, "$identify")  # mixpanel.js's, for the identify
    collector.clear()
    # mixpanel.js 2.x no longer writes $people_distinct_id itself; older versions' cookies hold
    # it, as a returning visitor's would
    page.evaluate("() => mixpanel.register({$people_distinct_id: 'u-al'})")
    assert page.evaluate("() => mixpanel.get_property('$people_distinct_id')") == "u-al"
    assert marked(page, collector, "analytics.alias(null, 'old-id')") == ["Marker"]
    assert called(tp, "alias") == []
    assert len(lines_with(tp, "error", "[analytics] alias: user id is missing")) == 1, tp.lines()


# -- 1.9: consent ----------------------------------------------------------------------------------


def test_consent_true_tracks_opt_in_only_when_the_decision_changes(tp: Any, collector: Any) -> None:
    page = tp.open("consent-change")
    assert marked(page, collector, "analytics.consent(true)") == ["Marker"]
    assert called(tp, "opt_in_tracking") == [[{"track": False}]]
    collector.clear()
    sent = marked(page, collector, "analytics.consent(false); analytics.consent(true)")
    assert sorted(sent) == ["$opt_in", "Marker"]
    assert called(tp, "opt_in_tracking")[1:] == [[]]


def test_consent_withdrawn_holds_on_a_later_page_with_default_settings(
    tp: Any, collector: Any
) -> None:
    page = tp.open("consent-remembered-1", script="analytics.identify('u-c');")
    assert cookie(page, "ajs_user_id") is not None
    page.evaluate("() => analytics.consent(false)")
    page.wait_for_function("() => localStorage.getItem('ajs_consent') === '0'")
    collector.wait_events(1, "$identify")  # page 1's, before page 2
    collector.wait_quiet()
    collector.clear()
    page = tp.open(
        "consent-remembered-2",
        fresh=False,
        script="analytics.identify('u-c2', {plan: 'pro'}); analytics.track('Hidden');",
    )
    assert ajs_storage(page) == ["ajs_consent"]
    assert [args[0] for args in called(tp, "track")] == ["Hidden"]  # mixpanel.js got it
    assert init_config(tp)["opt_out_tracking_by_default"] is True
    collector.wait_quiet()
    assert collector.all() == []  # and, opted out, sent nothing
    # the same page sends once the visitor agrees: the silence was the decision's
    assert sorted(marked(page, collector, "analytics.consent(true)")) == ["$opt_in", "Marker"]
    assert cookie(page, "ajs_user_id") is not None


# -- 1.10: an e-mail on a later line ---------------------------------------------------------------


def test_a_user_id_with_an_email_on_a_later_line_is_the_people_email(
    tp: Any, collector: Any
) -> None:
    tp.open("email-line", settings=PEOPLE, script="analytics.identify('id\\na@b.co');")
    assert called(tp, "name_tag") == [["id\na@b.co"]]
    collector.wait(lambda _: any("$email" in p["$set"] for p in collector.engage("$set")))
    [sets] = [p for p in collector.engage("$set") if "$email" in p["$set"]]
    assert sets["$set"]["$email"] == "id\na@b.co"
    assert sets["$distinct_id"] == "id\na@b.co"


# -- 3: peer settings ------------------------------------------------------------------------------


def test_set_once_properties_go_to_set_once_and_not_to_set(tp: Any, collector: Any) -> None:
    tp.open(
        "set-once",
        settings={**PEOPLE, "setOnceProperties": ["signup_source"]},
        script="analytics.identify('u-so', {signup_source: 'ad', plan: 'pro'});",
    )
    collector.wait(lambda _: ours(collector.engage("$set_once")) and collector.engage("$set"))
    collector.wait_quiet()
    [once] = ours(collector.engage("$set_once"))
    assert once["$set_once"] == {"signup_source": "ad"} and once["$distinct_id"] == "u-so"
    for sets in collector.engage("$set"):
        assert "signup_source" not in sets["$set"], sets
    assert any(p["$set"].get("plan") == "pro" for p in collector.engage("$set"))


def test_simplified_identity_merge_sends_no_create_alias(tp: Any, collector: Any) -> None:
    page = tp.open("simplified", settings={"identityMergeApi": "simplified"})
    assert marked(page, collector, "analytics.alias('u-new')") == ["Marker"]
    assert called(tp, "alias") == []
    line = 'alias: not sent: identityMergeApi is "simplified"'
    assert len(lines_with(tp, "warning", line)) == 1, tp.lines()


def test_user_defined_page_and_screen_event_names_come_from_the_templates(
    tp: Any, collector: Any
) -> None:
    settings = {
        **CONSOLIDATED_OFF,
        "useUserDefinedPageEventName": True,
        "userDefinedPageEventTemplate": "{{ name }} read in {{ category }}",
        "useUserDefinedScreenEventName": True,  # screens have their own switch (RudderStack's)
        "userDefinedScreenEventTemplate": "Screen {{ name }}",
    }
    page = tp.open("templates", settings=settings)
    sent = marked(
        page, collector, "analytics.page('Docs', 'Index'); analytics.screen('App', 'Home')"
    )
    assert sorted(sent) == ["Index read in Docs", "Marker", "Screen Home"]
    [viewed] = collector.events("Index read in Docs")
    assert viewed["properties"]["name"] == "Index" and viewed["properties"]["category"] == "Docs"


@pytest.mark.parametrize(
    "filtering",
    [
        {"eventFilteringOption": "blacklistedEvents", "blacklistedEvents": ["Filtered"]},
        {"eventFilteringOption": "whitelistedEvents", "whitelistedEvents": ["Kept", "Marker"]},
    ],
    ids=["blacklist", "whitelist"],
)
def test_filtered_events_never_arrive_and_the_others_do(
    tp: Any, collector: Any, filtering: dict[str, Any]
) -> None:
    page = tp.open("filtering", settings=filtering)
    sent = marked(page, collector, "analytics.track('Filtered'); analytics.track('Kept')")
    assert sorted(sent) == ["Kept", "Marker"]
    assert [args[0] for args in called(tp, "track")] == ["Kept", "Marker"]
    option = filtering["eventFilteringOption"]
    [line] = lines_with(tp, "info", '"Filtered": filtered')
    assert f"({option})" in line


def test_group_traits_method_set_sends_set_on_groups(tp: Any, collector: Any) -> None:
    tp.open(
        "group-set",
        settings={"groupIdentifierTraits": ["company_id"], "groupTraitsMethod": "set"},
        script="analytics.identify('u-g'); analytics.group('g-1', {plan: 'enterprise'});",
    )
    collector.wait(lambda _: collector.payloads("groups"))
    collector.wait_quiet()
    [group] = collector.payloads("groups")
    assert group["$group_key"] == "company_id" and group["$group_id"] == "g-1"
    assert group["$set"] == {"plan": "enterprise"} and "$set_once" not in group


def test_persistence_none_stores_nothing_of_mixpanels_and_still_sends(
    tp: Any, collector: Any
) -> None:
    identify = "analytics.identify('u-p', {plan: 'pro'});"
    page, event = tracked_events(
        tp, collector, "no-persistence", {"persistence": "none"}, "E", identify
    )
    assert event["properties"]["distinct_id"] == "u-p"
    assert init_config(tp)["disable_persistence"] is True
    assert mixpanel_storage(page) == []
    assert cookie(page, "ajs_user_id") is not None  # ours is analytics.js's, kept


def test_cookie_settings_reach_mixpanel_init_and_shape_its_cookie(tp: Any, collector: Any) -> None:
    cookies = {"cookieExpiration": 30, "crossSiteCookie": True}
    page, _ = tracked_events(tp, collector, "cookie-settings", cookies, "Cookie Set")
    config = init_config(tp)
    assert config["cookie_expiration"] == 30 and config["cross_site_cookie"] is True
    mp = cookie(page, "mp_test-token_mixpanel")
    assert mp is not None, page.context.cookies()
    assert abs(mp["expires"] - (time.time() + 30 * 86400)) < 120, mp
    assert mp["sameSite"] == "None" and mp["secure"] is True


def test_a_foreign_cookie_domain_reaches_init_and_events_still_arrive(
    tp: Any, collector: Any
) -> None:
    domain = {"cookieDomain": ".shop.example"}
    page, _ = tracked_events(tp, collector, "cookie-domain", domain, "Foreign Domain")
    assert init_config(tp)["cookie_domain"] == ".shop.example"
    # the browser refuses a cookie for another site: none is written here
    assert cookie(page, "mp_test-token_mixpanel") is None


def test_session_replay_loads_the_recorder_from_our_bundle(tp: Any, collector: Any) -> None:
    page, _ = tracked_events(tp, collector, "replay", {"sessionReplayPercentage": 100}, "Recorded")
    assert init_config(tp)["record_sessions_percent"] == 100
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some((e) => e.name.includes('recorder'))"
    )
    recorder = page.evaluate(
        "() => performance.getEntriesByType('resource').map((e) => e.name)"
        ".filter((n) => n.includes('recorder'))"
    )
    assert recorder and all(url.startswith(tp.base + "/analytics/mixpanel-") for url in recorder)
    # and the tp fixture fails the test if any request left the origin


def test_track_pageview_beside_consolidated_page_calls_warns_once(tp: Any, collector: Any) -> None:
    page = tp.open(
        "track-pageview",
        settings={"mixpanelConfig": {"batch_requests": False, "track_pageview": True}},
    )
    sent = marked(page, collector, "analytics.page(); analytics.page()")
    # each page view counts twice: mixpanel.js's own and ours
    assert sorted(sent) == ["$mp_web_page_view", "Loaded a Page", "Loaded a Page", "Marker"]
    [line] = lines_with(tp, "warning", "mixpanelConfig.track_pageview")
    assert "twice" in line


# -- 2: screen -------------------------------------------------------------------------------------

SCREEN_MODES = [
    ({}, "Loaded a Screen"),
    ({**CONSOLIDATED_OFF, "trackCategorizedPages": True}, "Viewed Onboarding Welcome Screen"),
]


@pytest.mark.parametrize(("settings", "event"), SCREEN_MODES, ids=["consolidated", "categorized"])
def test_screen_is_one_event_with_name_category_and_its_properties(
    tp: Any, collector: Any, settings: dict[str, Any], event: str
) -> None:
    page = tp.open("screen", settings=settings)
    sent = marked(page, collector, "analytics.screen('Onboarding', 'Welcome', {step: 1})")
    assert sorted(sent) == sorted([event, "Marker"])
    [screen] = collector.events(event)
    props = screen["properties"]
    assert (props["name"], props["category"], props["step"]) == ("Welcome", "Onboarding", 1)
    assert "url" not in props and "path" not in props and "title" not in props  # not a page
