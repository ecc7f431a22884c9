"""Where one call's time goes after ready: page JS analytics.track -> stub -> Python dispatch ->
mapping -> host.call -> mixpanel.track, on both runtimes, with the direct baseline's persistence.

Measured in the page (broadband, warm tab, nothing edited in the product), per call:
- `total`: analytics.track from page JS, end to end (the CALL_LOOP of bench/startup.py);
- `in_mixpanel`: time inside mixpanel.js's methods as our host calls them (each method of
  window.mixpanel wrapped with performance.now(); nested calls counted once), and which methods;
- `direct_same_props`: mixpanel.track called directly in the same page with the page's
  properties (the baseline's call), and `direct_shim_args`: with the exact arguments our host
  handed to mixpanel.track (so "mixpanel.js works harder on what we give it" is told apart from
  our overhead);
- `python_noop_host`: the Python side alone, `integration.bridge.start(fakeHost)`'s dispatch
  with a host whose `call` does nothing (stub and mixpanel.js left out), and `host_calls`;
- `mixpanel_after_python`: that direct call with our args, each right after a no-op-host
  Python dispatch (does running the interpreter between calls slow mixpanel.js down?);
- on Pyodide, cProfile of the dispatch loop (tottime by module);
- a CDP sampling profile (100 us) of the same loop, self time by the script it ran in (native
  frames such as JSON.parse or document.cookie are charged to the script that called them).
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from typing import Any

from bench.browser import ARGS, CHROMIUM, Server
from bench.startup import CALL_LOOP, visit

# Python's own profile of the dispatch loop: tottime grouped by module (and the top functions).
PY_PROFILE = r"""
import cProfile, json, pstats
_p = cProfile.Profile()
_p.enable()
for _i in range(300):
    __bench_dispatch('track', __bench_args, __bench_meta)
_p.disable()
_st = pstats.Stats(_p).stats
_mods, _fns = {}, []
for (_file, _line, _name), (_cc, _nc, _tt, _ct, _callers) in _st.items():
    _key = _file.split('/integration/')[-1] if '/integration/' in _file else (
        'stdlib ' + _file.rsplit('/', 1)[-1] if _file.startswith('/') else _file + ' ' + _name)
    _mods[_key] = _mods.get(_key, 0.0) + _tt
    _fns.append((_tt, _key + ':' + _name))
_total = sum(_mods.values()) or 1.0
json.dumps({
    'modules': sorted(([k, v / _total] for k, v in _mods.items()), key=lambda kv: -kv[1])[:10],
    'functions': [[n, t / _total] for t, n in sorted(_fns, reverse=True)[:10]],
})
"""

PROBE = """async ([n, PY_PROFILE]) => {
  // Interleaved rounds (shim block, direct block, ...) so the machine's noise hits both alike;
  // each figure is the median over rounds of a block's per-call time (us).
  const ROUNDS = 9, m = Math.max(10, Math.floor(n / ROUNDS));
  const mp = window.mixpanel;
  const props = (i) => ({i: i, plan: 'pro', tags: ['a', 'b']});
  const med = (xs) => { const v = xs.slice().sort((a, b) => a - b); return v[v.length >> 1]; };
  const out = {calls: {}, shimTrackArgs: null, rounds: ROUNDS, block: m};
  if (!window.__track || !mp) return out;
  for (let i = 0; i < 50; i++) window.__track('Bench Call', props(i));  // warm-up
  const block = (fn) => { const t0 = performance.now(); for (let i = 0; i < m; i++) fn(i);
                          return (performance.now() - t0) * 1000 / m; };

  const names = [];
  for (const k in mp) if (typeof mp[k] === 'function' && k !== 'push') names.push(k);
  const own = {};
  let depth = 0, inside = 0, wrapOn = false;
  names.forEach((k) => {
    const f = mp[k];
    own[k] = Object.prototype.hasOwnProperty.call(mp, k) ? f : null;
    mp[k] = function () {
      if (!wrapOn || depth++ > 0) {
        if (!wrapOn) return f.apply(this, arguments);
        try { return f.apply(this, arguments); } finally { depth--; }
      }
      const s = performance.now();
      try { return f.apply(this, arguments); } finally {
        inside += performance.now() - s; depth--;
        out.calls[k] = (out.calls[k] || 0) + 1;
        if (k === 'track' && !out.shimTrackArgs) {
          try { out.shimTrackArgs = JSON.stringify(Array.prototype.slice.call(arguments)); }
          catch (e) { out.shimTrackArgs = null; }
        }
      }
    };
  });
  const shimT = [], inMp = [], direct = [], directShim = [];
  const track = own.track || Object.getPrototypeOf(mp).track;
  for (let r = 0; r < ROUNDS; r++) {
    inside = 0; wrapOn = true;
    shimT.push(block((i) => window.__track('Bench Call', props(i))));
    wrapOn = false;
    inMp.push(inside * 1000 / m);
    direct.push(block((i) => mp.track('Bench Call', props(i))));
    if (out.shimTrackArgs) {
      directShim.push(block(() => mp.track.apply(mp, JSON.parse(out.shimTrackArgs))));
    }
  }
  names.forEach((k) => { if (own[k]) mp[k] = own[k]; else delete mp[k]; });
  Object.keys(out.calls).forEach((k) => { out.calls[k] = out.calls[k] / (m * ROUNDS); });
  out.total = med(shimT);
  out.in_mixpanel = med(inMp);
  out.direct_same_props = med(direct);
  out.ratio_rounds = med(shimT.map((t, i) => t / direct[i]));
  if (directShim.length) {
    out.direct_shim_args = med(directShim);
    out.shimTrackProps = Object.keys(JSON.parse(out.shimTrackArgs)[1] || {}).length;
  }

  const a = window.analytics || {};
  const rt = a.micropython || a.pyodide;
  if (rt && rt.pyimport) {
    const counts = {};
    const store = {};
    const count = (name, fn) => function () { counts[name] = (counts[name] || 0) + 1;
                                              return fn.apply(null, arguments); };
    const fake = {
      call: count('call', (path, argsJson) => { JSON.parse(argsJson); return 'null'; }),
      invoke: count('invoke', () => {}), log: count('log', () => {}),
      storageGet: count('storageGet', (k) => JSON.stringify(k in store ? store[k] : null)),
      storageSet: count('storageSet', (k, v) => { store[k] = v; }),
      storageRemove: count('storageRemove', (k) => { delete store[k]; }),
      pageContext: count('pageContext', () => JSON.stringify({path: location.pathname,
        referrer: '', search: '', title: document.title, url: location.href})),
      now: count('now', () => Date.now()), newId: count('newId', () => crypto.randomUUID()),
      lower: count('lower', (t) => String(t).toLowerCase()),
      // the rest of bridge/host.py's protocol: no listeners, no middleware
      emit: count('emit', () => {}), listens: count('listens', () => false),
      middleware: count('middleware', () => '["next", null]'), timer: count('timer', () => {}),
      release: count('release', () => {}), callbackTimeout: count('callbackTimeout', () => 300),
    };
    try {
      const settings = {token: 'bench-token', apiHost: location.origin + '/mp',
                        mixpanelConfig: {batch_requests: false, persistence: 'cookie'}};
      const dispatch = rt.pyimport('integration.bridge').start(fake, JSON.stringify(settings));
      const page = JSON.parse(fake.pageContext());
      const meta = () => JSON.stringify({timestamp: Date.now(), messageId: crypto.randomUUID(),
                                         page: page});
      const one = (i) => dispatch('track', JSON.stringify(['Bench Call', props(i)]), meta());
      for (let i = 0; i < 50; i++) one(i);
      Object.keys(counts).forEach((k) => { delete counts[k]; });
      const py = [];
      for (let r = 0; r < ROUNDS; r++) py.push(block(one));
      out.python_noop_host = med(py);
      out.host_calls = {};
      Object.keys(counts).forEach((k) => { out.host_calls[k] = counts[k] / (m * ROUNDS); });
      if (out.shimTrackArgs) {  // mixpanel.track with our args, right after a Python dispatch
        const after = [];
        for (let r = 0; r < ROUNDS; r++) {
          let tin = 0;
          for (let i = 0; i < m; i++) {
            one(i);
            const s = performance.now();
            mp.track.apply(mp, JSON.parse(out.shimTrackArgs));
            tin += performance.now() - s;
          }
          after.push(tin * 1000 / m);
        }
        out.mixpanel_after_python = med(after);
      }
      if (a.pyodide && rt.globals) {  // cProfile of the same dispatch loop (Pyodide only)
        rt.globals.set('__bench_dispatch', dispatch);
        rt.globals.set('__bench_args', JSON.stringify(['Bench Call', props(0)]));
        rt.globals.set('__bench_meta', meta());
        out.python_profile = JSON.parse(rt.runPython(PY_PROFILE));
      }
    } catch (e) { out.python_error = String(e && e.message || e).split('\\n').pop(); }
  }
  return out;
}"""


def category(url: str, name: str) -> str | None:
    if name == "(garbage collector)":
        return "GC"
    if name in ("(program)", "(idle)", "(root)"):
        return "other"
    if not url:
        return None  # native: charged to its caller
    if "mixpanel" in url:
        return "mixpanel.js"
    if "analytics.js" in url:
        return "stub + host (analytics.js)"
    if url.startswith("wasm://") or "pyodide" in url or "micropython" in url:
        return "Python runtime (wasm + its JS glue)"
    if "/bench/" in url:
        return "page loop"
    return "other"


def shares(profile: dict[str, Any]) -> tuple[dict[str, float], list[tuple[str, float]]]:
    """Self time per category (fractions) and the top self-time functions."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent: dict[int, int] = {}
    for node in profile["nodes"]:
        for child in node.get("children", []):
            parent[child] = node["id"]
    self_us: dict[int, float] = defaultdict(float)
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=False):
        self_us[sample] += delta
    by_cat: dict[str, float] = defaultdict(float)
    by_fn: dict[str, float] = defaultdict(float)
    for nid, us in self_us.items():
        frame = nodes[nid]["callFrame"]
        cur, cat = nid, None
        while cat is None and cur in nodes:
            f = nodes[cur]["callFrame"]
            cat = category(f.get("url", ""), f.get("functionName", ""))
            cur = parent.get(cur, -1)
        cat = cat or "other"
        by_cat[cat] += us
        label = (frame.get("functionName") or "(anonymous)") + " " + frame.get("url", "")[-40:]
        by_fn[label] += us
    busy = sum(v for k, v in by_cat.items() if k != "other") or 1.0
    fractions = {k: v / busy for k, v in by_cat.items() if k != "other"}
    top = sorted(((k, v / busy) for k, v in by_fn.items()), key=lambda kv: -kv[1])[:8]
    return fractions, top


def sample(context: Any, page: Any, n: int) -> dict[str, Any]:
    cdp = context.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 100})
    cdp.send("Profiler.start")
    page.evaluate(CALL_LOOP, n)
    profile = cdp.send("Profiler.stop")["profile"]
    cdp.detach()
    fractions, top = shares(profile)
    return {"shares": fractions, "top": top}


def profile_page(pw: Any, server: Server, name: str, path: str, n: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        context = pw.chromium.launch_persistent_context(
            folder, executable_path=CHROMIUM, args=ARGS, headless=True
        )
        try:
            cold, page = visit(context, server, server.url + path, name, "broadband")
            page.close()
            warm, page = visit(context, server, server.url + path, name, "broadband")
            if warm.get("failed"):
                return {"failed": warm["failed"]}
            result: dict[str, Any] = page.evaluate(PROBE, [n, PY_PROFILE])
            result.update(sample(context, page, n))
            return result
        finally:
            context.close()


def profile_calls(pw: Any, server: Server, pages: dict[str, str], calls: int) -> dict[str, Any]:
    out = {}
    for name in ("mixpanel", "micropython", "pyodide-snapshot"):
        if name in pages:
            out[name] = profile_page(pw, server, name, pages[name], calls)
            server.clear()
            print(f"  per-call profile {name}: {out[name].get('total')}", flush=True)
    return out
