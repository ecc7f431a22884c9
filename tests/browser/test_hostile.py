"""Hostile input from page JS: every case reaches the collector sanitized or is
dropped with a console line naming the call; nothing throws into the page; the next call works.

One page load runs the whole case table twice: once while the runtime is still booting (the calls
wait in the loader's queue) and once after ready (delivered directly). Each case is followed by a
valid marker ``track('Marker', {case: i, mode})`` that must reach the collector exactly once.

Console lines are attributed to a case in the page: lines printed while a case runs belong to it
(the loader's synchronous checks, and everything in direct mode); lines printed while the queue
is replayed belong to the call whose delivery ends next (the loader emits the method's listener
after each delivery, in call order).
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest

from tests.browser.conftest import BOTH

pytestmark = pytest.mark.runtimes(*BOTH)

ABSENT = object()  # a property that must not reach the collector

# JS values the cases use; built once per page.
PRELUDE = r"""
var H = {};
H.big = 'x'.repeat(1 << 20);
H.circ = {a: 1}; H.circ.self = H.circ;
H.circArr = [1]; H.circArr.push(H.circArr);
H.deep = (function () {
  var o = {leaf: 1}; for (var i = 0; i < 1000; i++) o = {n: o}; return o;
})();
H.deepArr = (function () { var a = [1]; for (var i = 0; i < 1000; i++) a = [a]; return a; })();
H.proto = JSON.parse('{"__proto__": {"polluted": 1}, "ok": 1}');
H.getter = {ok: 1}; Object.defineProperty(H.getter, 'boom', {enumerable: true,
  get: function () { throw new Error('getter boom'); }});
H.proxy = new Proxy({}, {ownKeys: function () { throw new Error('ownKeys boom'); }});
H.nullProto = Object.create(null); H.nullProto.a = 1;
H.badString = {toString: function () { throw new Error('toString boom'); }};
H.instance = new (class Thing { constructor() { this.x = 1; } })();
H.sparse = [1, , 3];
H.many = Array.from({length: 10000}, function (_, i) { return i; });
H.wide = (function () { var o = {}; for (var i = 0; i < 2000; i++) o['k' + i] = i; return o; })();
H.rtl = '\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627';
H.emoji = '\ud83d\ude80\ud83d\udc69\u200d\ud83d\udcbb';
H.node = document.createElement('div');
"""

RUNNER = r"""
window.__cases = %(cases)s;
window.__byCase = {}; window.__byCall = {}; window.__threw = {}; window.__callIds = {};
window.__pending = []; window.__running = null;
function push(table, key, item) { (table[key] = table[key] || []).push(item); }
['error', 'warn', 'log', 'info'].forEach(function (level) {
  var original = console[level];
  console[level] = function () {
    var text = Array.prototype.map.call(arguments, String).join(' ');
    if (window.__running === null) window.__pending.push([level, text]);
    else push(window.__byCase, window.__running, [level, text]);
    return original.apply(console, arguments);
  };
});
analytics.on('shim:call', function (d) {
  if (window.__running !== null) push(window.__callIds, window.__running, d.callId);
});
analytics.on('shim:delivered', function (d) {
  window.__byCall[d.callId] = window.__pending;
  window.__pending = [];
});
window.__run = function (mode) {
  window.__cases.forEach(function (c, i) {
    var key = mode + ':' + i;
    window.__running = key;
    try { (new Function('H', c.js))(H); } catch (e) { window.__threw[key] = String(e); }
    window.__running = mode + ':' + i + ':marker';
    try {
      analytics.track('Marker', {'case': i, mode: mode});
    } catch (e) { window.__threw[key + ':marker'] = String(e); }
    if (c.reset) { window.__running = key + ':reset'; analytics.reset(); }
    window.__running = null;
  });
};
"""


class Case:
    """One hostile call and what must come of it.

    event/props: the call reaches the collector (matched by $insert_id = the call's message id)
    under this event name with these properties (ABSENT: the key must not be there).
    drop: the call sends nothing, and a console line names ``[analytics] <drop>``.
    line: (level, text) that must be among the case's console lines.
    mp: (method, args) that must be among the mixpanel.js calls the call made.
    marker: properties the following marker event must carry (super properties registered).
    """

    def __init__(
        self,
        js: str,
        *,
        event: str | None = None,
        props: dict[str, Any] | None = None,
        drop: str | None = None,
        line: tuple[str, str] | None = None,
        mp: tuple[str, list[Any]] | None = None,
        marker: dict[str, Any] | None = None,
        reset: bool = False,
    ) -> None:
        self.js = js
        self.event = event
        self.props = props or {}
        self.drop = drop
        self.line = line
        self.mp = mp
        self.marker = marker or {}
        self.reset = reset


def T(js: str, props: dict[str, Any] | None = None, *, warn: str | None = None) -> Case:
    """track('E', <js>) reaches the collector as event "E" with `props`; `warn` in a warning."""
    line = ("warning", warn) if warn else None
    return Case(f"analytics.track('E', {js});", event="E", props=props, line=line)


def D(js: str, method: str = "track", text: str = "") -> Case:
    """The call is dropped with an error line naming the method (and containing `text`)."""
    return Case(js, drop=method, line=("error", f"[analytics] {method}: {text}"))


MB_CUT = "x" * 255
EMOJI = "\U0001f680\U0001f469\u200d\U0001f4bb"
RTL = "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627"
INVALID_ISO = "NaN-NaN-NaNTNaN:NaN:NaN.NZ"

CASES: list[Case] = [
    # -- event names that are not strings -------------------------------------------------
    D("analytics.track();", text="event"),
    D("analytics.track(undefined);", text="event"),
    D("analytics.track(null);", text="event"),
    D("analytics.track(42);", text="event"),
    D("analytics.track(0);", text="event"),
    D("analytics.track(NaN);", text="event"),
    D("analytics.track(Infinity);", text="event"),
    D("analytics.track(true);", text="event"),
    D("analytics.track({});", text="event"),
    D("analytics.track({name: 'x'});", text="event"),
    D("analytics.track([]);", text="event"),
    D("analytics.track(['E']);", text="event"),
    D("analytics.track(function () {});", text="event"),
    D("analytics.track(Symbol('s'));", text="event"),
    Case("analytics.track(10n);", event="10", line=("warning", "[analytics] track: a BigInt")),
    D("analytics.track(new Date(NaN));", text="event"),
    D("analytics.track(new Date(0));", text="event"),
    D("analytics.track(new Map([['a', 1]]));", text="event"),
    D("analytics.track(new Set([1]));", text="event"),
    D("analytics.track(new Uint8Array(3));", text="event"),
    D("analytics.track(H.node);", text="event"),
    D("analytics.track(H.circ);", text="event"),
    D("analytics.track(H.badString);", text="event"),
    # -- event names that are strange strings ----------------------------------------------
    Case("analytics.track('');", event="", props={}),
    Case("analytics.track(H.emoji);", event=EMOJI),
    Case("analytics.track(H.rtl);", event=RTL),
    Case("analytics.track('a\\u0000b');", event="a\u0000b"),
    Case("analytics.track('\\u0000');", event="\u0000"),
    Case("analytics.track('\\ud800 lone');", event="\ud800 lone"),
    Case("analytics.track(H.big);", event=MB_CUT),
    # mixpanel.js 2.83 itself throws for these names (it looks them up in plain objects)
    D("analytics.track('__proto__');", text="Mixpanel failed"),
    D("analytics.track('constructor');", text="Mixpanel failed"),
    Case("analytics.track('length');", event="length"),
    # -- properties of the wrong type --------------------------------------------------------
    D("analytics.track('E', 42);", text="properties"),
    D("analytics.track('E', 'str');", text="properties"),
    D("analytics.track('E', true);", text="properties"),
    D("analytics.track('E', [1, 2]);", text="properties"),
    Case("analytics.track('E', Symbol('s'));", event="E", line=("warning", "Symbol")),
    D("analytics.track('E', 10n);", text="properties"),
    D("analytics.track('E', new Set([1]));", text="properties"),
    D("analytics.track('E', new Uint8Array(2));", text="properties"),
    T("null", {"$insert_id": "<id>"}),
    T("undefined", {"$insert_id": "<id>"}),
    T("new Map([['m', 1]])", {"m": 1}),
    T("H.nullProto", {"a": 1}),
    T("H.instance", {"x": 1}),
    D("analytics.track('E', new Date(0));", text="properties"),
    T("H.node", {}),
    # -- property values -------------------------------------------------------------------
    T("{f: function () {}, ok: 1}", {"f": ABSENT, "ok": 1}, warn="function"),
    T("{s: Symbol('s'), ok: 1}", {"s": None, "ok": 1}, warn="Symbol"),
    T("{b: 12345678901234567890n}", {"b": "12345678901234567890"}, warn="BigInt"),
    T("{n: NaN}", {"n": None}, warn="NaN"),
    T("{n: Infinity}", {"n": None}, warn="Infinity"),
    T("{n: -Infinity}", {"n": None}, warn="-Infinity"),
    T("{n: -0, big: 1e308, tiny: 5e-324}", {"n": 0, "big": 1e308, "tiny": 5e-324}),
    T("{n: 2 ** 53 + 2}", {"n": 9007199254740994}),
    T("{d: new Date(NaN)}", {"d": INVALID_ISO}),  # as Segment's to-iso-string
    T("{d: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))}", {"d": "2024-01-02T03:04:05.006Z"}),
    T("{d: new Date(8.64e15)}", {"d": INVALID_ISO}),  # beyond Python's year 9999
    T("{c: H.circ}", {"c": {"a": 1, "self": "[Circular]"}}, warn="circular"),
    T("H.circ", {"a": 1, "self": "[Circular]"}, warn="circular"),
    T("{c: H.circArr}", {"c": [1, "[Circular]"]}, warn="circular"),
    T("{deep: H.deep, ok: 1}", {"ok": 1}, warn="deeper"),
    T("{deep: H.deepArr, ok: 1}", {"ok": 1}, warn="deeper"),
    T("{s: H.big}", {"s": MB_CUT}, warn="1048576 characters"),
    T("{m: new Map([['a', 1], ['b', [2]]])}", {"m": {"a": 1, "b": [2]}}),
    T("{m: new Map([[{}, 1]])}", {"m": {"[object Object]": 1}}),
    T("{s: new Set([1, 'a', 1])}", {"s": [1, "a"]}),
    T("{t: new Uint8Array([1, 2, 255])}", {"t": [1, 2, 255]}),
    T("{t: new Float64Array([0.5, NaN])}", {"t": [0.5, None]}),
    T("{t: new BigInt64Array([1n])}", {"t": ["1"]}, warn="BigInt"),
    T("{b: new ArrayBuffer(8)}", {"b": {}}),
    T("{node: H.node, ok: 1}", {"node": None, "ok": 1}, warn="DOM node"),
    T("{doc: document, ok: 1}", {"doc": None, "ok": 1}, warn="DOM node"),
    T("{e: new Error('boom')}", {"e": {}}),
    T("{r: /x/g}", {"r": {}}),
    T("{p: Promise.resolve(1)}", {"p": {}}),
    T("{a: H.sparse}", {"a": [1, None, 3]}),
    T("{a: [undefined, function () {}]}", {"a": [None, None]}),
    T("{u: undefined, ok: 1}", {"u": ABSENT, "ok": 1}),
    T("{many: H.many}", {"many": list(range(10000))}),
    T("H.wide", {"k0": 0, "k1999": 1999}),
    T("{g: H.getter, ok: 1}", {"g": None, "ok": 1}, warn="threw when read"),
    T("{p: H.proxy, ok: 1}", {"p": None, "ok": 1}, warn="threw when read"),
    T("{g: {inner: H.getter}, ok: 1}", {"g": {"inner": None}, "ok": 1}, warn="threw when read"),
    # -- keys ------------------------------------------------------------------------------
    T("H.proto", {"__proto__": ABSENT, "__proto___": {"polluted": 1}, "ok": 1}, warn="__proto__"),
    T(
        "{constructor: 'c', hasOwnProperty: 'h', toString: 't'}",
        {"constructor": "c", "hasOwnProperty": "h", "toString": "t"},
    ),
    T("{'$price': 5, 'a.b': 1, '$': 2, '.': 3}", {"$price": 5, "a.b": 1, "$": 2, ".": 3}),
    T("{length: 5, ok: 1}", {"length": ABSENT, "length_": 5, "ok": 1}, warn="length"),
    T("{length: 5, length_: 6}", {"length": ABSENT, "length_": 6, "length__": 5}, warn="length"),
    T("{nested: {length: 2, x: 1}}", {"nested": {"length_": 2, "x": 1}}, warn="length"),
    T("{bucket: 'b'}", {"bucket": "b"}, warn="bucket"),
    T("{'': 1}", {"": 1}),
    T("{'\\u0000k': 1, 'a\\u0000': 2}", {"\u0000k": 1, "a\u0000": 2}),
    T("{'\\u0000': 'mark', 'v': 1}", {"\u0000": "mark", "v": 1}),
    T("{'\\u0000': 'date', 'v': 0}", {"\u0000": "date", "v": 0}),
    T("JSON.parse('{\"\\\\u0000\\\\u0000\": 1}')", {"\u0000\u0000": 1}),
    T("{e: H.emoji, r: H.rtl, n: 'a\\u0000b'}", {"e": EMOJI, "r": RTL, "n": "a\u0000b"}),
    T("{[H.emoji]: 1}", {EMOJI: 1}),
    T(
        "{distinct_id: 'evil', token: 'evil', time: 'soon'}",
        {"token": "test-token", "time": "soon"},
    ),
    T("{[Symbol('k')]: 1, ok: 1}", {"ok": 1}),
    # -- options and callbacks -------------------------------------------------------------
    D("analytics.track('E', {}, 42);", text="options"),
    D("analytics.track('E', {}, 'o');", text="options"),
    D("analytics.track('E', {}, {integrations: 5});", text="options.integrations"),
    D("analytics.track('E', {}, {context: 'c'});", text="options.context"),
    D("analytics.track('E', {}, {timestamp: new Date(NaN)});", text="options.timestamp"),
    D("analytics.track('E', {}, {timestamp: 'garbage'});", text="options.timestamp"),
    Case("analytics.track('E', {}, {context: H.circ});", event="E"),
    D("analytics.track('E', {}, {}, 'not a function');", text="callback"),
    Case(
        "analytics.track('E', {}, {}, function () { throw new Error('cb boom'); });",
        event="E",
        line=("error", "[analytics] track: callback failed"),
    ),
    D("analytics.track('E', {}, {}, function () {}, 'extra');", text="takes at most"),
    # -- page --------------------------------------------------------------------------------
    D("analytics.page(42);", "page", "category"),
    Case("analytics.page({a: NaN});", event="Loaded a Page", props={"a": None}),
    Case(
        "analytics.page(null, null, H.circ);", event="Loaded a Page", props={"self": "[Circular]"}
    ),
    Case("analytics.page(Symbol('p'));", event="Loaded a Page"),
    Case("analytics.page('C', 'N', {length: 1});", event="Loaded a Page", props={"length_": 1}),
    Case("analytics.page(H.big);", event="Loaded a Page", props={"name": MB_CUT}),
    # -- identify ----------------------------------------------------------------------------
    Case("analytics.identify(undefined);", reset=True),
    Case("analytics.identify(null, {plan: NaN});", marker={"plan": None}, reset=True),
    Case("analytics.identify(42);", mp=("identify", [42]), reset=True),
    Case("analytics.identify(H.emoji);", mp=("identify", [EMOJI]), reset=True),
    Case("analytics.identify('u\\u0000x');", mp=("identify", ["u\u0000x"]), reset=True),
    Case("analytics.identify('u', {length: 3});", marker={"length_": 3}, reset=True),
    Case("analytics.identify('u', H.circ);", marker={"a": 1, "self": "[Circular]"}, reset=True),
    Case(
        "analytics.identify('u', {f: function () {}, ok: 1});",
        marker={"ok": 1, "f": ABSENT},
        line=("warning", "[analytics] identify: traits.f: a function is not kept"),
        reset=True,
    ),
    Case("analytics.identify('u', {when: new Date(NaN)});", reset=True),
    Case("analytics.identify('u', {email: 12});", marker={"$email": 12}, reset=True),
    Case("analytics.identify(H.big);", reset=True),
    Case("analytics.identify(Symbol('u'));", line=("warning", "[analytics] identify: a Symbol")),
    D("analytics.identify('u', 5);", "identify"),
    D("analytics.identify('u', [1]);", "identify"),
    # -- alias, group, reset -----------------------------------------------------------------
    D("analytics.alias();", "alias", "user id is missing"),
    D("analytics.alias(undefined);", "alias", "user id is missing"),
    D("analytics.alias(null, 'prev');", "alias", "user id is missing"),
    D("analytics.alias({});", "alias"),
    Case("analytics.alias(42);", mp=("alias", [42])),
    D("analytics.alias(Symbol('a'));", "alias"),
    Case("analytics.group(Symbol('g'));", line=("warning", "[analytics] group: a Symbol")),
    D("analytics.group('g', 7);", "group"),
    Case("analytics.group(H.circ);"),
    Case("analytics.reset(1, 2, H.circ);", mp=("reset", [])),
]


def _open(tp: Any) -> Any:
    cases = json.dumps([{"js": c.js, "reset": c.reset} for c in CASES])
    return tp.open(
        "hostile",
        settings={"mixpanelConfig": {"batch_requests": False}},  # base64 payloads, as in production
        before_load=PRELUDE + RUNNER % {"cases": cases},
        # callbacks of queued calls run at delivery (not after timeout(ms)), so each case's
        # callback line is made while its call is delivered
        script="analytics.timeout(600000); window.__run('queued');",
        wait_ready=False,
    )


def _lines(state: dict[str, Any], key: str) -> list[list[str]]:
    lines = list(state["byCase"].get(key, []))
    for call_id in state["callIds"].get(key, []):
        lines += state["byCall"].get(call_id, [])
    return lines


def _check_case(i: int, case: Case, mode: str, state: dict[str, Any], sent: Any) -> list[str]:
    key = f"{mode}:{i}"
    fails: list[str] = []
    ids = state["callIds"].get(key, [])
    lines = _lines(state, key)
    text = "\n".join(f"{lv}: {t[:300]}" for lv, t in lines)
    where = f"case {i} ({mode}) {case.js!r}"
    if key in state["threw"]:
        fails.append(f"{where}: threw into the page: {state['threw'][key]}")
    events = [e for e in sent["track"] if e["properties"].get("$insert_id") in ids]
    calls = [c for c in state["mp"] if c["callId"] in ids]
    if case.drop and (events or any(c["method"] == "track" for c in calls)):
        fails.append(f"{where}: should be dropped, but sent {events or calls}")
    if case.event is not None:
        if len(events) != 1 or events[0]["event"] != case.event:
            got = [e["event"][:80] for e in events]
            fails.append(f"{where}: expected one event {case.event[:80]!r}, got {got}")
        else:
            fails += _check_props(where, events[0]["properties"], case.props, ids)
    if case.line:
        level = {"warning": "warn"}.get(case.line[0], case.line[0])
        if not any(lv == level and case.line[1] in t for lv, t in lines):
            fails.append(
                f"{where}: no {case.line[0]} line containing {case.line[1]!r}; got:\n{text}"
            )
    if case.mp and not any(
        c["method"] == case.mp[0] and c["args"][: len(case.mp[1])] == case.mp[1] for c in calls
    ):
        fails.append(f"{where}: no mixpanel.{case.mp[0]}{case.mp[1]!r}; got {calls}")
    if any("internal error" in t for _, t in lines):
        fails.append(f"{where}: an internal error was reported:\n{text}")
    markers = [
        e
        for e in sent["track"]
        if e["event"] == "Marker"
        and e["properties"].get("case") == i
        and e["properties"].get("mode") == mode
    ]
    if len(markers) != 1:
        fails.append(f"{where}: the marker after it arrived {len(markers)} times")
    elif case.marker:
        fails += _check_props(where + " marker", markers[0]["properties"], case.marker, ids)
    return fails


def _check_props(
    where: str, got: dict[str, Any], want: dict[str, Any], ids: list[str]
) -> list[str]:
    fails = []
    for key, value in want.items():
        if value is ABSENT:
            if key in got:
                fails.append(f"{where}: property {key!r} should be absent, got {got[key]!r}")
        elif value == "<id>":
            if got.get(key) not in ids:
                fails.append(f"{where}: property {key!r} is {got.get(key)!r}")
        elif got.get(key, ABSENT) != value:
            shown = json.dumps(got.get(key, "<absent>"))[:200]
            fails.append(f"{where}: property {key!r}: want {json.dumps(value)[:200]}, got {shown}")
    return fails


# Pyodide only for now: on MicroPython the table (1 MB strings, 10 000-item lists, run twice)
# is not ready within the 90 s boot wait; its json module takes seconds per MB (conftest's list).
@pytest.mark.pyodide_only("MicroPython: 1-3 MB payloads too slow (conftest's list)")
def test_hostile_input_is_sanitized_or_dropped_with_a_line_and_the_next_call_works(
    tp: Any, collector: Any
) -> None:
    assert len(CASES) >= 100
    page = _open(tp)
    status = tp.wait_ready()
    assert status["status"] == "ready", status
    page.evaluate("() => window.__run('direct')")
    with contextlib.suppress(AssertionError):  # the checks below name each missing marker
        collector.wait_events(2 * len(CASES), "Marker", timeout=20)
    collector.wait_quiet()  # hostile events sent just before the last markers
    state = page.evaluate(
        """() => ({byCase: window.__byCase, byCall: window.__byCall, threw: window.__threw,
                   callIds: window.__callIds, mp: window.__log})"""
    )
    records = collector.all()
    sent = {"track": [r["payload"] for r in records if r["endpoint"] == "track"]}
    fails: list[str] = []
    for mode in ("queued", "direct"):
        for i, case in enumerate(CASES):
            fails += _check_case(i, case, mode, state, sent)
    assert not fails, f"{len(fails)} failure(s):\n" + "\n".join(fails)
    assert tp.page_errors == []
    assert page.evaluate("() => Object.prototype.polluted") is None


def test_emoji_reaches_the_collector_in_base64_form(tp: Any, collector: Any) -> None:
    tp.open(
        "emoji-b64",
        script="analytics.track('Rocket', {e: H_ROCKET}); analytics.track('M');".replace(
            "H_ROCKET", "'\\ud83d\\ude80'"
        ),
    )
    collector.wait_events(1, "M")
    collector.wait_quiet()
    assert [e["properties"]["e"] for e in collector.events("Rocket")] == ["\U0001f680"]
