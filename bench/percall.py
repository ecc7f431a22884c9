"""Where one call's time goes after ready: page JS analytics.track -> stub -> Python dispatch ->
mapping -> host.call -> mixpanel.track, on both runtimes, with the direct baseline's persistence.

Measured in the page (broadband, warm tab, nothing edited in the product), per call:
- `total`: analytics.track from page JS, end to end (the CALL_LOOP of bench/run.py);
- `in_mixpanel`: time inside mixpanel.js's methods as our host calls them (each method of
  window.mixpanel wrapped with performance.now(); nested calls counted once), and which methods;
- `direct_same_props`: mixpanel.track called directly in the same page with the page's
  properties (the baseline's call), and `direct_shim_args`: with the exact arguments our host
  handed to mixpanel.track (so "mixpanel.js works harder on what we give it" is told apart from
  our overhead);
- `python_noop_host`: the Python side alone, `integration.bridge.start(fakeHost)`'s dispatch
  with a host whose `call` does nothing (stub and mixpanel.js left out), and `host_calls`;
- a CDP sampling profile (100 us) of the same loop, self time by the script it ran in (native
  frames such as JSON.parse or document.cookie are charged to the script that called them).
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from typing import Any

from bench.browser import ARGS, CHROMIUM, Server
from bench.run import CALL_LOOP, visit

PROBE = """async (n) => {
  const mp = window.mixpanel;
  const props = (i) => ({i: i, plan: 'pro', tags: ['a', 'b']});
  const out = {calls: {}, shimTrackArgs: null};
  if (!window.__track || !mp) return out;
  for (let i = 0; i < 50; i++) window.__track('Bench Call', props(i));  // warm-up
  let t0 = performance.now();
  for (let i = 0; i < n; i++) window.__track('Bench Call', props(i));
  out.total = (performance.now() - t0) * 1000 / n;

  const names = [];
  for (const k in mp) if (typeof mp[k] === 'function' && k !== 'push') names.push(k);
  const own = {};
  let depth = 0, inside = 0;
  names.forEach((k) => {
    const f = mp[k];
    own[k] = Object.prototype.hasOwnProperty.call(mp, k) ? f : null;
    mp[k] = function () {
      if (depth++ > 0) { try { return f.apply(this, arguments); } finally { depth--; } }
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
  t0 = performance.now();
  for (let i = 0; i < n; i++) window.__track('Bench Call', props(i));
  out.wrapped_total = (performance.now() - t0) * 1000 / n;
  out.in_mixpanel = inside * 1000 / n;
  names.forEach((k) => { if (own[k]) mp[k] = own[k]; else delete mp[k]; });
  Object.keys(out.calls).forEach((k) => { out.calls[k] = out.calls[k] / n; });

  t0 = performance.now();
  for (let i = 0; i < n; i++) mp.track('Bench Call', props(i));
  out.direct_same_props = (performance.now() - t0) * 1000 / n;
  if (out.shimTrackArgs) {
    const args = JSON.parse(out.shimTrackArgs);
    out.shimTrackProps = Object.keys(args[1] || {}).length;
    t0 = performance.now();
    for (let i = 0; i < n; i++) mp.track.apply(mp, JSON.parse(out.shimTrackArgs));
    out.direct_shim_args = (performance.now() - t0) * 1000 / n;
  }

  const a = window.analytics || {};
  const rt = a.micropython || a.pyodide;
  if (rt && rt.pyimport) {
    let hostCalls = 0, hostTime = 0;
    const store = {};
    const fake = {
      call: (path, argsJson) => { hostCalls++; const s = performance.now(); JSON.parse(argsJson);
                                  hostTime += performance.now() - s; return 'null'; },
      invoke: () => {}, log: () => {},
      storageGet: (k) => JSON.stringify(k in store ? store[k] : null),
      storageSet: (k, v) => { store[k] = v; }, storageRemove: (k) => { delete store[k]; },
      pageContext: () => JSON.stringify({path: location.pathname, referrer: '', search: '',
                                         title: document.title, url: location.href}),
      now: () => Date.now(), newId: () => crypto.randomUUID(),
      lower: (t) => String(t).toLowerCase(),
    };
    try {
      const settings = {token: 'bench-token', apiHost: location.origin + '/mp',
                        mixpanelConfig: {batch_requests: false, persistence: 'cookie'}};
      const dispatch = rt.pyimport('integration.bridge').start(fake, JSON.stringify(settings));
      const page = JSON.parse(fake.pageContext());
      const meta = () => JSON.stringify({timestamp: Date.now(), messageId: crypto.randomUUID(),
                                         page: page});
      for (let i = 0; i < 50; i++) dispatch('track', JSON.stringify(['Bench Call', props(i)]), meta());
      hostCalls = 0; hostTime = 0;
      t0 = performance.now();
      for (let i = 0; i < n; i++) dispatch('track', JSON.stringify(['Bench Call', props(i)]), meta());
      out.python_noop_host = (performance.now() - t0) * 1000 / n;
      out.host_calls = hostCalls / n;
      out.host_parse = hostTime * 1000 / n;
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
            result: dict[str, Any] = page.evaluate(PROBE, n)
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
