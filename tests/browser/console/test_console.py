"""The QA console (index.html) driven like a QA engineer would: settings, calls, log, identity.

The module shares one page (each boot costs seconds): the `qa` fixture (this folder's
conftest.py) opens the console with a fresh browser identity and applies a set-up through the
settings form; the tests then run in file order on that page. The last tests reload it (runtime
switch, pasted Segment JSON, a failed boot). The page reads SURFACE, the integration's surface as
the bundle serves it (conftest.py says how it is made).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import ROOT, wait_quiet
from tests.browser.console.conftest import BOOT_MS, SURFACE, wait_ready

ARTIFACTS = ROOT / "artifacts"
XSS = "<img src=x onerror=alert(1)>"


def url_settings(page: Any) -> dict[str, Any]:
    settings: dict[str, Any] = json.loads(parse_qs(urlsplit(page.url).query)["settings"][0])
    return settings


def entry(page: Any, method: str, text: str) -> Any:
    """The newest log entry of `method` whose text contains `text`."""
    return page.locator(f"#log .entry[data-method={method}]", has_text=text).first


# Methods whose arguments are JavaScript functions: no form, presets install them.
FUNCTION_METHODS = [
    m for m, args in SURFACE["methods"].items() if {"middleware", "plugins"} & set(args)
]


def run_preset(page: Any, preset: str) -> None:
    """Choose a preset whose settings are in force, and run it."""
    page.select_option("#preset", preset)
    expect(page.locator("#preset-info .notice")).to_have_count(0)
    page.click("#preset-run")
    expect(page.locator("#call-done")).to_contain_text("Ran preset")


def apply_needs(page: Any, preset: str) -> None:
    """Choose a preset whose settings are not in force; apply them through its notice."""
    page.select_option("#preset", preset)
    notice = page.locator("#preset-info .notice")
    expect(notice).to_have_count(1)
    with page.expect_navigation():
        notice.get_by_role("button", name=re.compile("Apply these settings")).click()
    wait_ready(page)
    expect(page.locator("#preset")).to_have_value(preset)


def logged_mixpanel(page: Any, method: str) -> list[list[Any]]:
    """The arguments of every mixpanel.js call of `method` in the console's log."""
    calls: list[list[Any]] = page.evaluate(
        "m => QA.log.entries().flatMap(e => e.mixpanel)"
        ".filter(c => c.method === m).map(c => c.args)",
        method,
    )
    return calls


def send(page: Any, method: str, **fields: Any) -> None:
    """Fill the call form for `method` (JSON fields from dicts) and press Send."""
    page.check(f"input[name=call-method][value={method}]")
    for name, value in fields.items():
        text = value if isinstance(value, str) else json.dumps(value)
        page.fill(f"#call-{method}-{name}", text)
    expect(page.locator("#call-send")).to_be_enabled()
    page.click("#call-send")


def loader_src(page: Any) -> str:
    src: str = page.evaluate("() => document.querySelector('script[data-qa-loader]').src")
    return src


def test_settings_form_applies_restarts_and_keeps_the_set_up_in_the_url(
    qa: Any, tp: Any, collector: Any
) -> None:
    page = qa
    assert url_settings(page) == {
        "token": "qa-token",
        "people": True,
        "eventIncrements": ["Logged In"],
        "consolidatedPageCalls": False,
        "trackCategorizedPages": True,
        "groupIdentifierTraits": ["company"],
        "sourceName": "qa-source",
        "mixpanelConfig": {"batch_requests": False},
    }
    # Every row of the surface's settings table has a row with its default and its help, and
    # nothing else has one (a new setting, like the fixture's own row, appears by itself).
    names = page.locator("#settings-form .setting").evaluate_all(
        "rows => rows.map(r => r.dataset.setting)"
    )
    assert names == [row["name"] for row in SURFACE["settings"]]
    for row in SURFACE["settings"]:
        hint = page.locator(f"#set-{row['name']}-hint")
        expect(hint).to_contain_text("default")
        expect(hint).to_contain_text(row["help"])
    expect(page.locator("#set-qaFixtureOnly option")).to_have_text(["one", "two"])
    expect(page.locator("#set-qaFixtureOnly")).to_have_value("one")
    expect(page.locator("#set-token")).to_have_value("qa-token")
    expect(page.locator("#set-trackCategorizedPages")).to_be_checked()
    # The restarted integration was initialised with them (start-up entry of the log).
    init = entry(page, "start-up", "mixpanel.init")
    expect(init.locator(".c-mp")).to_contain_text(re.compile(r'mixpanel\.init\(\s*"qa-token"'))
    expect(init.locator(".c-mp")).to_contain_text('"api_host": "' + tp.base + '/mp"')


def test_boot_status_shows_the_runtime_files_and_the_time_to_ready(qa: Any, tp: Any) -> None:
    page = qa
    expect(page.locator("#status")).to_have_text(re.compile(r"^ready in \d+ ms$"))
    expect(page.locator("#boot-bytes")).to_contain_text(re.compile(r"B runtime in \d+ files"))
    files = page.locator("#boot-files li")
    names = files.locator("code").all_text_contents()
    assert any("mixpanel" in name for name in names), names
    bundle = page.evaluate("() => QA.bundle")
    runtime = page.evaluate("() => (analytics.runtime || {}).name || null")
    if bundle is not None and runtime is not None:  # the runtime's files, by their bundle key
        wanted = [k for k in SURFACE["runtimeFiles"][runtime] if k in bundle["files"]]
        assert set(wanted) <= set(names)
    # Every runtime file (a memory snapshot too, when the loader fetches one) was seen arriving,
    # but what a snapshot boot does not fetch (the stdlib is inside the snapshot).
    snapshot = page.evaluate("() => analytics.timings.snapshot === true")
    skipped = page.locator("#boot-files li.skip")
    expect(page.locator("#boot-files li.ok")).to_have_count(files.count() - skipped.count())
    if not snapshot:
        assert skipped.all_text_contents() == [], skipped.all_text_contents()
    else:
        assert skipped.all_text_contents() in (
            [],
            [t for t in skipped.all_text_contents() if "stdlib" in t],
        )
    assert "waiting" not in (page.locator("#boot-files").text_content() or "")


def test_the_surface_is_read_from_the_bundle_the_loader_names(qa: Any, tp: Any) -> None:
    page = qa
    source = page.evaluate("() => QA.surfaceSource")
    bundle = page.evaluate("() => QA.bundle")
    if page.evaluate("() => !!analytics._bundle"):
        assert bundle["how"] == "analytics._bundle"
        assert bundle["base"] == loader_src(page)
    if bundle is not None:  # the loader's bundle object, else the bundle's MANIFEST.json
        want = urljoin(bundle["base"], bundle["root"] + bundle["files"]["surface"])
        assert source == {"url": want, "fromBundle": True}
    else:  # a loader that predates the bundle: surface.json beside it
        assert source == {"url": urljoin(loader_src(page), "surface.json"), "fromBundle": False}
    fetched = page.evaluate(
        "() => performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => /surface[^/]*\\.json/.test(n))"
    )
    assert fetched == [source["url"]]
    # The call form's methods are the surface's, in its order, but those taking functions
    # (middleware, plugins), which the form names instead (presets install ready-made ones).
    methods = page.locator("input[name=call-method]").evaluate_all("els => els.map(e => e.value)")
    assert methods == [m for m in SURFACE["methods"] if m not in FUNCTION_METHODS]
    for method in FUNCTION_METHODS:
        expect(page.locator("#call-functions")).to_contain_text(method)


def test_the_runtime_panel_shows_the_loaders_choice(qa: Any, tp: Any) -> None:
    page = qa
    runtime = page.evaluate("() => analytics.runtime || null")
    if runtime is None:
        expect(page.locator("#runtime-name")).to_have_text("unknown")
    else:
        expect(page.locator("#runtime-name")).to_have_text(runtime["name"])
        expect(page.locator("#runtime-reason")).to_have_text(runtime["reason"])
    options = page.locator("#runtime-choice option").evaluate_all("os => os.map(o => o.value)")
    assert options == ["auto", *SURFACE["runtimeFiles"]]
    expect(page.locator("#runtime-choice")).to_have_value("auto")


def _the_identity_calls_show_in_the_log_and_the_panel(page: Any) -> None:
    """alias then identify: their mixpanel.js calls, payloads and the identity panel."""
    anonymous_distinct = page.locator("#id-distinct").text_content()
    expect(page.locator("#id-user")).to_have_text("—")

    send(page, "alias", userId="qa-user")
    e = entry(page, "alias", '"qa-user"')
    expect(e.locator(".c-mp")).to_contain_text('mixpanel.alias("qa-user"')
    expect(e.locator(".c-col")).to_contain_text('"event": "$create_alias"')

    send(page, "identify", userId="qa-user", traits={"email": "qa@example.com", "plan": "pro"})
    e = entry(page, "identify", '"qa-user"')
    expect(e.locator(".c-mp")).to_contain_text('mixpanel.identify("qa-user")')
    expect(e.locator(".c-mp")).to_contain_text('mixpanel.name_tag("qa@example.com")')
    expect(e.locator(".c-mp")).to_contain_text("mixpanel.people.set(")
    expect(e.locator(".c-col")).to_contain_text("POST /mp/engage")
    expect(e.locator(".c-col")).to_contain_text('"$email": "qa@example.com"')
    # The identity panel follows.
    # The identity panel follows. (After an alias, mixpanel.js keeps sending with the old
    # distinct id while Mixpanel merges the two, so distinct_id stays as it was.)
    expect(page.locator("#id-user")).to_have_text("qa-user")
    expect(page.locator("#id-distinct")).to_have_text(anonymous_distinct or "")
    expect(page.locator("#id-super")).to_contain_text('"plan": "pro"')


def _reset_forgets_the_visitor(page: Any) -> None:
    """reset clears the identity panel; the identify after it is the new visitor."""
    device_before = page.locator("#id-device").text_content()
    send(page, "reset")
    e = page.locator("#log .entry[data-method=reset]").first
    expect(e.locator(".c-mp")).to_contain_text("mixpanel.reset()")
    expect(page.locator("#id-user")).to_have_text("—")
    expect(page.locator("#id-distinct")).not_to_have_text("qa-user")
    expect(page.locator("#id-device")).not_to_have_text(device_before or "")
    expect(page.locator("#id-super")).not_to_contain_text('"plan"')
    send(page, "identify", userId="after-reset", traits="")
    expect(page.locator("#id-distinct")).to_have_text("after-reset")
    expect(page.locator("#id-user")).to_have_text("after-reset")


def test_each_call_from_the_forms_shows_its_mixpanel_calls_and_collector_payloads(
    qa: Any, tp: Any, collector: Any
) -> None:
    page = qa
    _the_identity_calls_show_in_the_log_and_the_panel(page)
    send(page, "track", event="Logged In", properties={"source": "form"})
    e = entry(page, "track", '"Logged In"')
    expect(e.locator(".c-mp")).to_contain_text('mixpanel.people.increment("Logged In")')
    expect(e.locator(".c-mp")).to_contain_text(re.compile(r'mixpanel\.track\(\s*"Logged In"'))
    expect(e.locator(".c-col")).to_contain_text("matched by $insert_id")
    expect(e.locator(".c-col")).to_contain_text('"segment_source_name": "qa-source"')
    expect(e.locator(".c-col")).to_contain_text('"$add"')
    [event] = collector.wait_events(1, "Logged In")
    call_id = e.get_attribute("data-call-id")
    assert event["properties"]["$insert_id"] == call_id

    send(page, "page", category="Docs", name="Index", properties="")
    e = entry(page, "page", '"Docs"')
    expect(e.locator(".c-mp")).to_contain_text('"Viewed Docs Index Page"')
    expect(e.locator(".c-col")).to_contain_text('"event": "Viewed Docs Index Page"')

    send(page, "group", groupId="initech", traits={"name": "Initech"})
    e = entry(page, "group", '"initech"')
    expect(e.locator(".c-mp")).to_contain_text("mixpanel.get_group.set_once(")
    expect(e.locator(".c-mp")).to_contain_text('mixpanel.set_group("company"')
    expect(e.locator(".c-col")).to_contain_text("POST /mp/groups")
    expect(e.locator(".c-col")).to_contain_text('"$group_key": "company"')

    _reset_forgets_the_visitor(page)


def test_inline_validation_blocks_bad_input(qa: Any, tp: Any) -> None:
    page = qa
    page.check("input[name=call-method][value=track]")
    page.fill("#call-track-event", "")
    expect(page.locator("#call-track-event-error")).to_have_text("Event is required.")
    expect(page.locator("#call-send")).to_be_disabled()
    page.fill("#call-track-event", "Valid")
    page.fill("#call-track-properties", '{"plan": ')
    expect(page.locator("#call-track-properties-error")).to_contain_text("Not valid JSON")
    expect(page.locator("#call-send")).to_be_disabled()
    page.fill("#call-track-properties", "[1, 2]")
    expect(page.locator("#call-track-properties-error")).to_contain_text("must be a JSON object")
    page.fill("#call-track-properties", '{"plan": "pro"}')
    expect(page.locator("#call-send")).to_be_enabled()
    expect(page.locator("#call-preview")).to_have_text('analytics.track("Valid", {"plan":"pro"})')
    page.check("input[name=call-method][value=page]")
    page.fill("#call-page-name", "")
    page.fill("#call-page-category", "Docs")
    expect(page.locator("#call-page-name-error")).to_contain_text("A category needs a name")
    page.fill("#call-page-category", "")
    expect(page.locator("#call-send")).to_be_enabled()


def test_a_hostile_trait_is_shown_as_text_and_runs_nothing(
    qa: Any, tp: Any, collector: Any
) -> None:
    page = qa
    send(page, "identify", userId="xss-user", traits={"name": XSS})
    send(page, "track", event=XSS, properties={"html": "<b>bold</b>"})
    e = entry(page, "identify", '"xss-user"')
    expect(e.locator(".c-call")).to_contain_text(XSS)
    expect(e.locator(".c-col")).to_contain_text(f'"$name": "{XSS}"')
    expect(entry(page, "track", XSS).locator(".c-col")).to_contain_text('"html": "<b>bold</b>"')
    expect(page.locator("#id-traits")).to_contain_text(XSS)
    count = "() => document.querySelectorAll('img, b').length"  # an onerror handler would add one
    assert wait_quiet(lambda: page.evaluate(count), None, 0.3, 10, "the page's img/b count") == 0
    assert tp.dialogs == []


def test_presets_from_the_doc_run_and_fill_the_form(qa: Any, tp: Any, collector: Any) -> None:
    page = qa
    page.select_option("#preset", "signup")
    expect(page.locator("#preset-info")).to_contain_text("alias")
    page.click("#preset-run")
    [signed_up] = collector.wait_events(1, "Signed Up")
    e = entry(page, "track", '"Signed Up"')
    expect(e.locator(".c-col")).to_contain_text("matched by $insert_id")
    assert signed_up["properties"]["$insert_id"] == e.get_attribute("data-call-id")
    expect(entry(page, "alias", '"12345"').locator(".c-col")).to_contain_text("$create_alias")
    expect(page.locator("#id-user")).to_have_text("12345")

    page.select_option("#preset", "campaign")
    page.click("#preset-fill")
    expect(page.locator("#call-track-event")).to_have_value("Purchased an Item")
    page.click("#call-send")
    [event] = collector.wait_events(1, "Purchased an Item")
    assert event["properties"]["utm_campaign"] == "TPS Innovation Newsletter"
    e = entry(page, "track", '"Purchased an Item"')
    expect(e.locator(".c-col")).to_contain_text('"utm_source": "Newsletter"')
    expect(e.locator(".c-mp")).to_contain_text("mixpanel.people.track_charge(39.95)")

    # A preset whose mapping needs other settings says so and offers to apply them.
    page.select_option("#preset", "page-docs")
    expect(page.locator("#preset-info .notice")).to_have_count(0)  # already set up
    page.select_option("#preset", "reserved")
    expect(page.locator("#preset-info .notice")).to_have_count(0)


def test_log_filters_copies_and_clears(qa: Any, tp: Any, server_url: str) -> None:
    page = qa
    tracks = page.locator("#log .entry[data-method=track]")
    identifies = page.locator("#log .entry[data-method=identify]")
    page.uncheck("#log-filters input[value=track]")
    expect(tracks.first).to_be_hidden()
    expect(identifies.first).to_be_visible()
    page.check("#log-filters input[value=track]")
    expect(tracks.first).to_be_visible()

    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server_url)
    newest = page.locator("#log .entry").first
    newest.get_by_role("button", name=re.compile("Copy this")).click()
    expect(newest.locator("header button")).to_have_text("Copied")
    copied = json.loads(page.evaluate("() => navigator.clipboard.readText()"))
    assert copied["callId"] == newest.get_attribute("data-call-id")
    assert {"method", "args", "meta", "mixpanel", "collector", "console"} <= set(copied)
    assert copied["collector"] and copied["collector"][0]["payload"]

    page.click("#log-clear")
    expect(page.locator("#log .entry")).to_have_count(0)
    expect(page.locator("#log-empty")).to_be_visible()
    send(page, "track", event="After Clear", properties="")
    expect(entry(page, "track", "After Clear").locator(".c-col")).to_contain_text("After Clear")
    expect(page.locator("#log .entry")).to_have_count(1)


def _the_middleware_and_plugin_presets_reach_the_collector(page: Any, collector: Any) -> None:
    """Source and destination middleware, an enrichment plugin, and one turned off."""
    # A source middleware that adds a property to every call: the track after it has it.
    run_preset(page, "mw-property")
    [event] = collector.wait_events(1, "Middleware Demo")
    assert event["properties"]["qa_middleware"] == "source"
    assert event["properties"]["plan"] == "pro"
    e = entry(page, "track", '"Middleware Demo"')
    expect(e.locator(".c-mp")).to_contain_text('"qa_middleware": "source"')
    expect(e.locator(".c-col")).to_contain_text("matched by $insert_id")
    installer = entry(page, "addSourceMiddleware", "qaAddProperty")
    expect(installer.locator(".c-call")).to_contain_text("[function qaAddProperty]")

    # A source middleware that drops "Dropped": neither mixpanel.js nor the collector get it.
    run_preset(page, "mw-drop")
    [kept] = collector.wait_events(1, "Kept")
    assert kept["properties"]["qa_middleware"] == "source"  # the first middleware still runs
    collector.wait_quiet()
    assert collector.events("Dropped") == []
    assert [a[0] for a in logged_mixpanel(page, "track") if a[0] in ("Dropped", "Kept")] == ["Kept"]
    dropped = entry(page, "track", '"Dropped"')
    expect(dropped).to_have_attribute("data-dropped", "true")
    expect(dropped.locator(".c-mp")).to_contain_text("dropped: a middleware stopped this call")
    expect(dropped.locator(".c-call .lines")).to_contain_text("qaDropDropped: next(null)")
    expect(entry(page, "track", '"Kept"')).not_to_have_attribute("data-dropped", "true")

    # A destination middleware for 'Mixpanel' is given that name.
    run_preset(page, "mw-destination")
    [event] = collector.wait_events(1, "Destination Demo")
    assert event["properties"]["qa_destination"] == "Mixpanel"
    # An analytics-next enrichment plugin, registered: its track() enriches the event.
    run_preset(page, "plugin-enrichment")
    [event] = collector.wait_events(1, "Plugin Demo")
    assert event["properties"]["qa_plugin"] == "QA Enrichment"
    assert event["properties"]["qa_destination"] == "Mixpanel"
    expect(entry(page, "register", "QA Enrichment").locator(".c-call")).to_contain_text(
        '"type": "enrichment"'
    )
    expect(page.locator("#installed-list li")).to_have_count(4)

    # Turned off in the installed list, a middleware passes calls on unchanged.
    page.uncheck("#installed-list input[data-installed=sourceProperty]")
    send(page, "track", event="After Toggle", properties="", options="")
    [event] = collector.wait_events(1, "After Toggle")
    assert "qa_middleware" not in event["properties"]
    assert event["properties"]["qa_plugin"] == "QA Enrichment"


def _the_identity_presets_change_the_stored_identity(page: Any, collector: Any) -> None:
    """user() and group() setters, logout and setAnonymousId."""
    # user().id(...) / traits(...) change the stored user; the identify after them sends them.
    run_preset(page, "user-traits")
    expect(page.locator("#id-traits")).to_contain_text('"plan": "qa"')
    setter = page.locator("#log .entry[data-method=entity]", has_text="traits").first
    expect(setter.locator("header .badge").first).to_have_text("user()")
    expect(setter.locator(".c-call")).to_contain_text(
        'analytics.user().traits({"plan":"qa","seats":3})'
    )
    collector.wait(
        lambda _: any(
            p["$set"].get("plan") == "qa" and p["$set"].get("seats") == 3
            for p in collector.engage("$set")
        )
    )
    assert [a[0] for a in logged_mixpanel(page, "identify")][-1] == "qa-traits-user"
    expect(page.locator("#id-user")).to_have_text("qa-traits-user")
    run_preset(page, "user-logout")
    expect(page.locator("#id-user")).to_have_text("—")
    expect(page.locator("#id-traits")).to_have_text("{}")
    logout = page.locator("#log .entry[data-method=entity]", has_text="logout").first
    expect(logout.locator(".c-call")).to_contain_text("analytics.user().logout()")

    # group() setters and setAnonymousId change the stored identity only.
    run_preset(page, "group-setters")
    expect(page.locator("#id-group")).to_have_text("qa-group")
    expect(page.locator("#id-group-traits")).to_contain_text('"name": "QA Group"')
    assert page.evaluate("() => analytics.group().id()") == "qa-group"
    run_preset(page, "anonymous-id")
    expect(page.locator("#id-anonymous")).to_have_text("anon-qa-1")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert "anon-qa-1" in cookies["ajs_anonymous_id"]
    expect(entry(page, "setAnonymousId", '"anon-qa-1"').locator(".c-mp")).to_contain_text("none")


def _the_track_link_and_screen_forms_reach_the_collector(page: Any, collector: Any) -> None:
    """The trackLink demo and the hand-written screen / setAnonymousId / pageview forms."""
    # The trackLink demo link: a click tracks, then stays on this page (a same-page anchor).
    expect(page.locator("#qa-link-code")).to_contain_text("analytics.trackLink(link")
    run_preset(page, "track-link")
    [event] = collector.wait_events(1, "Clicked QA Link")
    assert event["properties"]["source"] == "qa console"
    e = entry(page, "track", '"Clicked QA Link"')
    expect(e.locator(".c-mp")).to_contain_text(re.compile(r'mixpanel\.track\(\s*"Clicked QA Link"'))
    page.wait_for_url(re.compile(r"#qa-link$"))
    assert page.evaluate("() => analytics.status") == "ready"

    # The hand-written forms of screen, setAnonymousId and pageview.
    expect(page.locator("label[for=call-setAnonymousId-id]")).to_have_text("Anonymous id *")
    expect(page.locator("#call-pageview-url-hint")).to_contain_text("page({path: url})")
    page.check("input[name=call-method][value=pageview]")
    page.fill("#call-pageview-url", "")
    expect(page.locator("#call-pageview-url-error")).to_have_text("URL or path is required.")
    page.check("input[name=call-method][value=screen]")
    page.fill("#call-screen-name", "")
    page.fill("#call-screen-category", "Onboarding")
    expect(page.locator("#call-screen-name-error")).to_contain_text("A category needs a name")
    send(page, "screen", category="Onboarding", name="Form", properties={"step": 2})
    expect(page.locator("#call-preview")).to_have_text(
        'analytics.screen("Onboarding", "Form", {"step":2})'
    )
    # This set-up has trackCategorizedPages (consolidated page calls off).
    [event] = collector.wait_events(1, "Viewed Onboarding Form Screen")
    assert event["properties"]["category"] == "Onboarding"
    assert event["properties"]["step"] == 2
    assert "url" not in event["properties"]
    expect(entry(page, "screen", '"Form"').locator(".c-col")).to_contain_text(
        "Viewed Onboarding Form Screen"
    )


def test_middleware_plugin_and_identity_presets_reach_the_collector(
    qa: Any, tp: Any, collector: Any
) -> None:
    page = qa
    _the_middleware_and_plugin_presets_reach_the_collector(page, collector)

    _the_identity_presets_change_the_stored_identity(page, collector)

    _the_track_link_and_screen_forms_reach_the_collector(page, collector)

    # A page's own middleware that answers later (a Promise): the mixpanel.js call it lets
    # through still shows under its call (the loader reports it without the call's id; the log
    # knows it by its $insert_id).
    page.evaluate(
        """() => analytics.addSourceMiddleware(function pageAsync({payload, next}) {
          if (payload.obj.event !== 'Async Demo') return next(payload);
          return new Promise(done => setTimeout(() => { next(payload); done(); }, 30));
        })"""
    )
    send(page, "track", event="Async Demo", properties="", options="")
    collector.wait_events(1, "Async Demo")
    e = entry(page, "track", '"Async Demo"')
    expect(e.locator(".c-mp")).to_contain_text(re.compile(r'mixpanel\.track\(\s*"Async Demo"'))
    owners = page.evaluate(
        "() => QA.log.entries().filter(e => e.mixpanel.some(c => c.args[0] === 'Async Demo'))"
        ".map(e => e.callId)"
    )
    assert owners == [e.get_attribute("data-call-id")]


def test_python_panel_links_to_the_examples_and_starts_no_second_runtime(qa: Any, tp: Any) -> None:
    page = qa
    expect(page.locator("#py-example-pyodide")).to_have_attribute("href", "examples/pyscript.html")
    expect(page.locator("#py-example-mpy")).to_have_attribute("href", "examples/pyscript-mpy.html")
    expect(page.locator("#py-code")).to_contain_text("import integration")
    # No PyScript on the console's page: no py/mpy script for the loader to wait for, no core.
    assert page.locator("script[type=py], script[type=mpy], py-script").count() == 0
    fetched = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    assert [url for url in fetched if "pyscript" in url] == []
    assert page.evaluate("() => typeof window.pyscript") == "undefined"


def test_screenshots_at_1280_and_375_in_light_and_dark(qa: Any, tp: Any) -> None:
    page = qa
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    try:
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                page.evaluate("() => window.scrollTo(0, 0)")
                path = ARTIFACTS / f"console-{width}-{scheme}.png"
                page.screenshot(path=str(path), full_page=True)
                assert path.stat().st_size > 10_000
            # Nothing wider than the viewport: readable without sideways scrolling.
            overflow = page.evaluate("() => document.documentElement.scrollWidth")
            assert overflow <= width, f"page is {overflow}px wide at {width}px"
    finally:
        page.emulate_media(color_scheme="light")
        page.set_viewport_size(size)


def _screen_and_pageview_presets_apply_their_settings(page: Any, collector: Any) -> None:
    """screen() and pageview(url) with consolidated page calls."""
    # screen() with consolidated page calls: "Loaded a Screen", name and category, no URL.
    apply_needs(page, "screen")
    assert "consolidatedPageCalls" not in url_settings(page)  # back to its default, true
    run_preset(page, "screen")
    [event] = collector.wait_events(1, "Loaded a Screen")
    assert (event["properties"]["name"], event["properties"]["category"]) == (
        "Welcome",
        "Onboarding",
    )
    assert "url" not in event["properties"]
    e = entry(page, "screen", '"Welcome"')
    expect(e.locator(".c-mp")).to_contain_text(re.compile(r'mixpanel\.track\(\s*"Loaded a Screen"'))
    # pageview(url) needs the same settings: in force now.
    run_preset(page, "pageview")
    [event] = collector.wait_events(1, "Loaded a Page")
    assert event["properties"]["path"] == "/pricing"
    expect(entry(page, "pageview", '"/pricing"').locator(".c-col")).to_contain_text("Loaded a Page")


def _set_once_and_merge_presets_apply_their_settings(page: Any, collector: Any) -> None:
    """setOnceProperties and identityMergeApi 'simplified'."""
    # setOnceProperties: the listed trait goes with people.set_once, not people.set.
    apply_needs(page, "set-once")
    assert url_settings(page)["setOnceProperties"] == ["signupSource"]
    run_preset(page, "set-once")
    collector.wait(lambda _: collector.engage("$set_once") and collector.engage("$set"))
    collector.wait_quiet()
    # (mixpanel.js sends a $set_once of its own: $initial_referrer.)
    [once] = [p for p in collector.engage("$set_once") if "signupSource" in p["$set_once"]]
    assert once["$set_once"] == {"signupSource": "qa console"}
    assert once["$distinct_id"] == "qa-once-user"
    assert all("signupSource" not in p["$set"] for p in collector.engage("$set"))
    assert any(p["$set"].get("plan") == "pro" for p in collector.engage("$set"))
    assert logged_mixpanel(page, "people.set_once") == [[{"signupSource": "qa console"}]]
    e = entry(page, "identify", '"qa-once-user"')
    expect(e.locator(".c-mp")).to_contain_text(
        'mixpanel.people.set_once({"signupSource":"qa console"})'
    )

    # identityMergeApi 'simplified': alias() sends nothing, with one console line.
    apply_needs(page, "merge-simplified")
    run_preset(page, "merge-simplified")
    e = entry(page, "alias", '"qa-simplified-user"')
    expect(e.locator(".c-call .lines")).to_contain_text('identityMergeApi is "simplified"')
    expect(e.locator(".c-mp")).to_contain_text("none")
    collector.wait_quiet()
    assert collector.events("$create_alias") == []
    assert logged_mixpanel(page, "alias") == []


def test_presets_for_screen_pageview_and_the_peer_settings_apply_what_they_need(
    qa: Any, tp: Any, collector: Any
) -> None:
    page = qa
    _screen_and_pageview_presets_apply_their_settings(page, collector)

    _set_once_and_merge_presets_apply_their_settings(page, collector)

    # eventFilteringOption blacklistedEvents: "Filtered" is kept from mixpanel.js.
    apply_needs(page, "blacklist")
    assert url_settings(page)["blacklistedEvents"] == ["Filtered"]
    run_preset(page, "blacklist")
    collector.wait_events(1, "Not Filtered")
    collector.wait_quiet()
    assert collector.events("Filtered") == []
    filtered = entry(page, "track", '"Filtered"')
    expect(filtered).to_have_attribute("data-filtered", "true")
    expect(filtered.locator(".c-mp")).to_contain_text("filtered: the event filter")
    expect(entry(page, "track", '"Not Filtered"')).not_to_have_attribute("data-filtered", "true")

    # groupTraitsMethod 'set': group traits with get_group().set, not set_once.
    apply_needs(page, "group-set")
    run_preset(page, "group-set")
    records = collector.wait(lambda rs: any(r["endpoint"] == "groups" for r in rs))
    [group] = [r["payload"] for r in records if r["endpoint"] == "groups"]
    assert group["$set"] == {"name": "Initech", "employees": 310}
    assert (group["$group_key"], group["$group_id"]) == ("company", "initech")
    e = entry(page, "group", '"initech"')
    expect(e.locator(".c-mp")).to_contain_text("mixpanel.get_group.set(")
    expect(e.locator(".c-mp")).not_to_contain_text("set_once")

    # useUserDefinedPageEventName: page names from the template, screens from theirs (each
    # switch wins over consolidatedPageCalls, as in RudderStack).
    apply_needs(page, "page-template")
    assert url_settings(page)["useUserDefinedScreenEventName"] is True
    run_preset(page, "page-template")
    for name in ("Docs Template Viewed", "Pricing Viewed", "Viewed Onboarding Welcome Screen"):
        collector.wait_events(1, name)
    expect(entry(page, "page", '"Docs"').locator(".c-col")).to_contain_text("Docs Template Viewed")


def test_switching_the_runtime_restarts_on_the_chosen_one(qa: Any, tp: Any) -> None:
    page = qa
    before = url_settings(page)
    page.select_option("#runtime-choice", "micropython")
    with page.expect_navigation():
        page.click("#runtime-switch")
    wait_ready(page)
    assert url_settings(page) == {**before, "runtime": "micropython"}
    expect(page.locator("#runtime-choice")).to_have_value("micropython")
    expect(page.locator("#runtime-asked")).to_have_text("asked for: micropython")
    runtime = page.evaluate("() => analytics.runtime || null")
    if runtime is not None:
        assert runtime["name"] == "micropython"
        expect(page.locator("#runtime-name")).to_have_text("micropython")
    fetched = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    assert any("micropython" in url for url in fetched), fetched
    assert not any("pyodide.asm" in url for url in fetched), fetched
    # Back to the loader's own choice: the runtime key leaves the link.
    page.select_option("#runtime-choice", "auto")
    with page.expect_navigation():
        page.click("#runtime-switch")
    wait_ready(page)
    assert url_settings(page) == before
    expect(page.locator("#runtime-choice")).to_have_value("auto")


STRING = r"'([^'\\]*)'|\"([^\"\\]*)\""
STR = r"(?:'[^'\\]*'|\"[^\"\\]*\")"


def test_no_hand_kept_method_list_or_settings_table_in_the_console() -> None:
    files = sorted({*(ROOT / "static" / "console").glob("*.js"), *(ROOT / "qa").rglob("*.js")})
    files += [f for f in (ROOT / "static" / "demo.js", ROOT / "qa" / "demo.js") if f.exists()]
    assert {"calls.js", "log.js", "settings.js", "demo.js"} <= {f.name for f in files}
    methods = set(SURFACE["methods"]) | set(SURFACE["stubMethods"])
    settings = {row["name"] for row in SURFACE["settings"]}
    for file in files:
        text = file.read_text()
        literals = {a or b for a, b in re.findall(STRING, text)}
        # Arrays of bare strings (the shape of a method list; presets' steps are objects).
        for body in re.findall(rf"\[\s*{STR}(?:\s*,\s*{STR})+\s*,?\s*\]", text):
            names = {a or b for a, b in re.findall(STRING, body)}
            assert len(names & methods) < 2, f"{file.name}: methods {sorted(names & methods)}"
        # A setting may be named where the console treats it specially (token, apiHost, runtime);
        # a copy of the table would name them all.
        assert len(literals & settings) <= 3, f"{file.name}: settings {sorted(literals & settings)}"
        assert "/vendor/" not in text and "pyodide.asm" not in text, file.name


# For a loader that predates the bundle object, the test gives it one naming only the surface.
NAMED_BUNDLE = """
;if (!analytics._bundle) analytics._bundle = {root: '', files: {surface: 'surface.0123abcd.json'}};
if (!analytics.runtime) analytics.runtime = {name: 'pyodide', reason: 'named by the test'};
"""


def test_a_loader_that_names_its_bundle_and_runtime_is_followed(
    qa: Any, tp: Any, server_url: str
) -> None:
    page = qa
    fetched: list[str] = []

    def loader(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=response.text() + NAMED_BUNDLE)

    def seen(request: Any) -> None:
        if "surface" in request.url:
            fetched.append(request.url)

    page.on("request", seen)
    try:
        with tp.routed("**/analytics.js", loader):
            page.reload()
            wait_ready(page)
    finally:
        page.remove_listener("request", seen)
    bundle = page.evaluate("() => analytics._bundle")
    want = urljoin(loader_src(page), bundle["root"] + bundle["files"]["surface"])
    assert fetched == [want]
    assert page.evaluate("() => QA.surfaceSource") == {"url": want, "fromBundle": True}
    assert page.evaluate("() => QA.bundle.how") == "analytics._bundle"
    runtime = page.evaluate("() => analytics.runtime")
    expect(page.locator("#runtime-name")).to_have_text(runtime["name"])
    expect(page.locator("#runtime-reason")).to_have_text(runtime["reason"])
    expect(page.locator("#settings-form .setting")).to_have_count(len(SURFACE["settings"]))


def test_pasted_segment_settings_json_applies(qa: Any, tp: Any, collector: Any) -> None:
    page = qa
    pasted = {
        "integrations": {
            "Mixpanel": {
                "token": "pasted-token",
                "people": True,
                "consolidatedPageCalls": False,
                "trackNamedPages": True,
                "apiSecret": "s3cret",
                "legacyOption": True,
            }
        }
    }
    page.fill("#segment-json", "{not json")
    page.click("#segment-apply")
    expect(page.locator("#segment-msg")).to_contain_text("Not valid JSON")
    page.fill("#segment-json", json.dumps(pasted))
    with page.expect_navigation():
        page.click("#segment-apply")
    wait_ready(page)
    settings = url_settings(page)
    assert settings["token"] == "pasted-token"
    assert settings["trackNamedPages"] is True
    assert "apiSecret" not in settings and "s3cret" not in page.url
    expect(page.locator("#set-token")).to_have_value("pasted-token")
    expect(page.locator("#set-trackNamedPages")).to_be_checked()
    # The integration's own word on the unknown key is in the start-up entry.
    expect(entry(page, "start-up", "mixpanel.init").locator(".lines")).to_contain_text(
        'unknown setting "legacyOption"'
    )
    send(page, "page", category="", name="Signup", properties="")
    [event] = collector.wait_events(1, "Viewed Signup Page")
    assert event["properties"]["token"] == "pasted-token"
    expect(entry(page, "page", '"Signup"').locator(".c-col")).to_contain_text("Viewed Signup Page")


def test_a_failed_boot_says_so_clearly(qa: Any, tp: Any, server_url: str) -> None:
    page = qa
    with tp.failing("**/mixpanel.min.js", "abort"):
        page.goto(server_url + "/")
        page.wait_for_function("() => analytics.status === 'failed'", timeout=BOOT_MS)
        expect(page.locator("#status")).to_have_text("failed")
        alert = page.locator("#boot-error")
        expect(alert).to_be_visible()
        expect(alert).to_contain_text("The integration did not start.")
        expect(alert).to_contain_text("could not start")
