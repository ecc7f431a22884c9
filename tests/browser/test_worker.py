"""The runtime in a Worker (the default) against the runtime in the page (`thread: 'main'`, the
fallback): the same call sequences give the same mixpanel.js calls, listener events, storage and
console lines, in the same order (the differential test); where the decision falls; nothing is
lost or doubled when the page leaves or the worker dies."""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

import pytest

from tests.browser.conftest import BOTH, run_python

pytestmark = pytest.mark.runtimes(*BOTH)

# Call sequences of the wire tests (test_segment_behaviour_on_the_wire, test_api, test_hostile,
# test_middleware), each run after ready on a fresh visit.
SEQUENCES = {
    "identify": "analytics.identify('u1', {email: 'ann@example.com', name: 'Ann Lee', plan: 'pro',"
    " created: new Date(Date.UTC(2024, 0, 2)), tags: ['a', 'b']});",
    "track": "analytics.track('Logged In', {when: new Date(Date.UTC(2024, 1, 3)), n: 3});"
    "analytics.track('Order Completed', {revenue: 12.5, products: [{sku: 'a'}, {sku: 'b'}]});",
    "page": "analytics.page('Docs', 'Index', {path: '/docs'}); analytics.page();"
    " analytics.screen('Home');",
    "alias": "analytics.track('Anonymous'); analytics.alias('u9'); analytics.identify('u9');"
    " analytics.track('After');",
    "group": "analytics.group('g1', {name: 'Acme'}); analytics.track('In Group');",
    "reset": "analytics.identify('u2', {plan: 'x'}); analytics.reset(); analytics.track('Fresh');",
    "hostile": "const c = {a: 1}; c.self = c; analytics.track('Pitfalls', {length: 3, fn() {},"
    " c, when: new Date(NaN)}); analytics.track(42); analytics.identify({}, 5);"
    " analytics.page(null, null, 'x');",
    "union": "analytics.identify('u3', {tags: ['a']});"
    " analytics.identify('u3', {tags: ['b', 'a']});",
    "middleware": "analytics.addSourceMiddleware(({payload, next}) => { payload.obj.properties ="
    " Object.assign({}, payload.obj.properties, {mw: 1}); next(payload); });"
    " analytics.addSourceMiddleware(({payload, next}) => Promise.resolve().then(() =>"
    " next(payload))); analytics.addSourceMiddleware(({payload, next}) =>"
    " payload.obj.event === 'Drop' ? null : next(payload)); analytics.track('Kept');"
    " analytics.track('Drop'); analytics.track('Also Kept');",
    "listeners": "analytics.on('track', (e, p) =>"
    " console.log('heard ' + e + ' ' + JSON.stringify(p)));"
    " analytics.track('Heard', {x: 1}, {}, () => console.log('callback ran'));"
    " analytics.user().id('u5'); console.log('user ' + analytics.user().id());",
}

RECORD = """async (code) => {
  const log = [];
  for (const name of ['identify', 'track', 'page', 'screen', 'alias', 'group', 'reset', 'invoke'])
    analytics.on(name, (...args) => log.push(['event', name, JSON.parse(JSON.stringify(args))]));
  let end;
  const ended = new Promise((r) => { end = r; setTimeout(r, 5000); });
  analytics.on('shim:mixpanel', (c) => {
    log.push(['mixpanel', c.method, c.args]);
    if (c.method === 'track' && c.args[0] === '__end__') setTimeout(end, 50);
  });
  new Function(code + '; analytics.track("__end__");')();
  await ended;
  const store = {};
  for (const k of Object.keys(localStorage).sort())
    if (k.startsWith('ajs_')) store[k] = localStorage.getItem(k);
  for (const c of document.cookie.split('; ').sort())
    if (c.startsWith('ajs_')) store[c.split('=')[0]] = c;
  return {log, store, user: analytics.user().id(), anonymous: analytics.user().anonymousId()};
}"""

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIME = re.compile(r"\b1[6-9]\d{8}(?:\d{3})?(?:\.\d+)?\b")  # epoch seconds or ms
NOW = re.compile(
    r"20(?:2[5-9]|[3-9]\d)-\d\d-\d\dT[\d:.]+Z"
)  # a call's own time (the dates above: 2024)


def normal(value: Any) -> Any:
    """Random ids and clock times replaced by their order of first appearance."""
    text = json.dumps(value, sort_keys=True)
    seen: dict[str, str] = {}
    text = UUID.sub(lambda m: seen.setdefault(m.group(0), f"id{len(seen)}"), text)
    return json.loads(NOW.sub("now", TIME.sub("0", text)))


def run(tp: Any, name: str, thread: str) -> Any:
    settings = {"people": True, "thread": thread}
    page = tp.open(f"diff-{name}", settings=settings)  # one address: the page context is equal
    assert page.evaluate("() => analytics.runtime.thread") == thread
    got = page.evaluate(RECORD, SEQUENCES[name])
    # Ours in order; the page's own lines as a set: a callback runs once its call was applied,
    # which in a worker is after the page's next synchronous line (analytics.js's are async too).
    ours = [(kind, text) for kind, text in tp.console if "[analytics]" in text]
    own = sorted((k, t) for k, t in tp.console if t.startswith(("heard", "callback", "user ")))
    return normal({**got, "console": ours, "page": own})


@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_the_worker_gives_what_the_page_mode_gives(tp: Any, name: str) -> None:
    in_page = run(tp, name, "main")
    in_worker = run(tp, name, "worker")
    assert in_page["log"], "nothing reached mixpanel.js"
    assert in_worker == in_page, "\n".join(
        difflib.unified_diff(
            json.dumps(in_page, indent=1).splitlines(),
            json.dumps(in_worker, indent=1).splitlines(),
            "main",
            "worker",
            lineterm="",
        )
    )


def test_the_default_runs_the_runtime_in_a_worker_and_says_why(tp: Any, collector: Any) -> None:
    page = tp.open("thread-default", script="analytics.track('From Worker', {n: 1});")
    runtime = page.evaluate("() => analytics.runtime")
    assert runtime["thread"] == "worker", runtime
    assert "Worker" in runtime["threadReason"]
    [event] = collector.wait_events(1, "From Worker")
    assert event["properties"]["n"] == 1


def test_a_page_without_workers_runs_the_runtime_in_the_page(tp: Any, collector: Any) -> None:
    page = tp.open(
        "thread-noworker",
        head="<script>delete window.Worker;</script>",
        script="analytics.track('Here');",
    )
    runtime = page.evaluate("() => analytics.runtime")
    assert runtime["thread"] == "main" and "no Worker" in runtime["threadReason"], runtime
    assert collector.wait_events(1, "Here")


def test_a_worker_that_cannot_start_falls_back_to_the_page_with_one_line(
    tp: Any, collector: Any
) -> None:
    with tp.failing("**/boot-worker.*.mjs"):
        page = tp.open("thread-broken", script="analytics.track('Fell Back');")
    runtime = page.evaluate("() => analytics.runtime")
    assert runtime["thread"] == "main" and "could not start" in runtime["threadReason"], runtime
    assert collector.wait_events(1, "Fell Back")
    assert len([t for t in tp.lines("info") if "runs in the page" in t]) == 1


def test_a_worker_that_dies_after_ready_loses_and_doubles_nothing(tp: Any, collector: Any) -> None:
    page = tp.open("thread-death")
    page.evaluate(
        """() => { for (let i = 0; i < 5; i++) analytics.track('Before', {i});
        analytics._worker.kill(); for (let i = 0; i < 5; i++) analytics.track('After', {i}); }"""
    )
    collector.wait_quiet(lambda _: len(collector.events("After")) >= 5)
    before = sorted(e["properties"]["i"] for e in collector.events("Before"))
    after = sorted(e["properties"]["i"] for e in collector.events("After"))
    assert before == after == [0, 1, 2, 3, 4]
    assert len([t for t in tp.lines("warning") if "new worker" in t]) == 1
    page.evaluate("() => analytics.track('Still')")
    assert collector.wait_events(1, "Still")


CARRY = """() => {
  for (let i = 0; i < 3; i++) analytics.track('Carried', {i});
  window.dispatchEvent(new Event('pagehide'));
  const key = Object.keys(localStorage).find((k) => k.startsWith('ajs_pending_calls.'));
  return JSON.parse(localStorage.getItem(key) || '[]').map((e) => e[1]);
}"""


def test_calls_unapplied_at_pagehide_are_carried_and_applied_once_when_shown_again(
    tp: Any, collector: Any
) -> None:
    page = tp.open("thread-carry")
    assert page.evaluate(CARRY) == ["track", "track", "track"]
    collector.wait_quiet()
    assert collector.events("Carried") == []  # held while carried
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")  # shown again
    collector.wait_quiet(lambda _: len(collector.events("Carried")) >= 3)
    assert sorted(e["properties"]["i"] for e in collector.events("Carried")) == [0, 1, 2]
    assert not page.evaluate(
        "() => Object.keys(localStorage).some((k) => k.startsWith('ajs_pending_calls.'))"
    )


def test_calls_another_tab_took_are_sent_by_it_only(tp: Any, collector: Any) -> None:
    page = tp.open("thread-taken")
    page.evaluate(CARRY)
    taken = page.evaluate(
        """() => {
        const k = Object.keys(localStorage).find((k) => k.startsWith('ajs_pending_calls.'));
        const v = localStorage.getItem(k); localStorage.removeItem(k);
        document.dispatchEvent(new Event('visibilitychange')); return v; }"""
    )
    collector.wait_quiet()
    assert collector.events("Carried") == []  # dropped here: the other tab sends them
    tp.open(
        "thread-next",
        fresh=False,
        before_load=f"localStorage.setItem('ajs_pending_calls.other', {json.dumps(taken)});",
    )
    collector.wait_quiet(lambda _: len(collector.events("Carried")) >= 3)
    assert sorted(e["properties"]["i"] for e in collector.events("Carried")) == [0, 1, 2]


def test_the_test_route_reaches_the_runtime_in_either_thread(tp: Any) -> None:
    for thread in ("worker", "main"):
        page = tp.open(f"route-{thread}", settings={"thread": thread})
        source = (
            "import sys\ndef main(prefix):\n"
            "    return sorted(k for k in sys.modules if k.startswith(prefix))[0]\n"
        )
        assert run_python(page, source, "integration") == "integration"


WARM_WATCH = (
    "window.__seen = {mixpanel: [], events: []};"
    " analytics.on('shim:mixpanel', (c) => window.__seen.mixpanel.push(c.method));"
    " for (const name of ['identify', 'track', 'page'])"
    " analytics.on(name, () => window.__seen.events.push(name));"
    " analytics.identify('real-user');"
)
STORED = """() => [document.cookie.split('; ').filter((c) => c.startsWith('ajs_')).sort(),
  Object.keys(localStorage).filter((k) => k.startsWith('ajs_') || k.startsWith('mp_')).sort()
    .map((k) => k + '=' + localStorage.getItem(k))]"""


@pytest.mark.pyodide_only("the warm-up is Pyodide's: MicroPython's interpreter is small")
def test_pyodide_in_a_worker_warms_up_after_ready_and_the_page_sees_none_of_it(
    tp: Any, collector: Any
) -> None:
    page = tp.open("warm-up", settings={"people": True}, script=WARM_WATCH)
    page.wait_for_function("() => window.__seen.events.includes('identify')")
    seen, stored = page.evaluate("() => window.__seen"), page.evaluate(STORED)
    assert "identify" in seen["mixpanel"], seen
    page.wait_for_function("() => analytics.timings.warmed", timeout=30_000)
    assert page.evaluate("() => analytics.timings.warmed.calls") == 40
    # its made-up calls touched nothing of the page's: mixpanel.js, listeners, storage, console
    assert page.evaluate("() => window.__seen") == seen
    assert page.evaluate(STORED) == stored
    assert not [t for _, t in tp.console if "warm" in t.lower()], tp.console
    assert page.evaluate("() => analytics.user().id()") == "real-user"
    page.evaluate("() => { analytics.track('After Warm-up', {n: 1}); }")
    [event] = collector.wait_events(1, "After Warm-up")
    assert event["properties"]["distinct_id"] == "real-user"
    assert event["properties"]["n"] == 1
    assert not collector.events("Warm")
