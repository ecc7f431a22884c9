"""The benchmark's pages, written into bench/pages/ (git-ignored) with the served runtime URLs.

Every page marks the same moments so the runner can read them alike:
`window.__readyAt` (performance.now() when its analytics is live), `window.__failed`, and a
`track('Bench Start', {visit})` made at once, whose arrival at the collector gives
time-to-first-event. `?visit=<id>` names the visit (so concurrent short visits can be told
apart at the collector); `?quiet=1` makes a page that tracks nothing (a visitor's next page
view, which only replays what the previous one carried over).

The loader is read from ONE place, `loader_url` (passed in by the runner, which probes the
server once: the bundle's /analytics/analytics.js when served, else /static/analytics.js).
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "pages"

# Preferred first: the built bundle (dist/ at /analytics/), then the source loader.
LOADER_CANDIDATES = ("/analytics/analytics.js", "/static/analytics.js")

HEAD = """<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>{name}</title>
<script>
window.__longTasks = [];
try {{
  new PerformanceObserver(function (l) {{ window.__longTasks.push.apply(window.__longTasks,
    l.getEntries().map(function (e) {{ return [e.startTime, e.duration]; }})); }})
    .observe({{type: 'longtask', buffered: true}});
}} catch (e) {{}}
// Largest Contentful Paint, and long animation frames with the scripts that ran in them.
window.__lcp = null;
window.__loaf = [];
window.__wasmSteps = [];
try {{
  new PerformanceObserver(function (l) {{ l.getEntries().forEach(function (e) {{
    window.__lcp = e.startTime; }}); }})
    .observe({{type: 'largest-contentful-paint', buffered: true}});
  new PerformanceObserver(function (l) {{ l.getEntries().forEach(function (e) {{
    window.__loaf.push([e.startTime, e.duration, (e.scripts || []).map(function (s) {{
      return [s.sourceURL || '', s.duration, s.invoker || '', s.startTime]; }})]); }}); }})
    .observe({{type: 'long-animation-frame', buffered: true}});
}} catch (e) {{}}
// When mixpanel.js's own methods ran ([start, end], outermost calls only), on every page: the
// benchmark takes them out of a task of ours (a mixpanel.js call made for the page is
// mixpanel.js's work, which the direct page pays too). Wrapped once mixpanel.min.js has run.
window.__mpSpans = [];
(function () {{
  var depth = 0;
  function timed(fn) {{
    return function () {{
      var t0 = performance.now();
      depth++;
      try {{ return fn.apply(this, arguments); }}
      finally {{ if (--depth === 0) window.__mpSpans.push([t0, performance.now()]); }}
    }};
  }}
  function wrap(proto) {{
    if (!proto || proto.__benchTimed) return;
    proto.__benchTimed = true;
    Object.getOwnPropertyNames(proto).forEach(function (k) {{
      var d = Object.getOwnPropertyDescriptor(proto, k);
      if (k !== 'constructor' && d && typeof d.value === 'function') proto[k] = timed(d.value);
    }});
  }}
  // Loaded with an init queued (Mixpanel's snippet), window.mixpanel is the instance at once;
  // loaded without one (the shim's worker and page modes), it is the snippet object until its
  // `init` makes the instance: that init is timed too, and the instance wrapped after it.
  function wrapAll() {{
    var mp = window.mixpanel;
    if (!mp) return;
    if (mp.track) {{
      wrap(Object.getPrototypeOf(mp));
      if (mp.people) wrap(Object.getPrototypeOf(mp.people));
    }} else if (typeof mp.init === 'function' && !mp.init.__benchTimed) {{
      var init = timed(mp.init);
      mp.init = function () {{
        try {{ return init.apply(this, arguments); }} finally {{ wrapAll(); }}
      }};
      mp.init.__benchTimed = true;
    }}
  }}
  document.addEventListener('load', function (e) {{
    if (e.target && /mixpanel/.test(e.target.src || '')) wrapAll();
  }}, true);
}})();
window.__q = new URLSearchParams(location.search);
window.__visit = __q.get('visit') || '';
window.__quiet = __q.has('quiet');
// Every wasm memory the page instantiates (either runtime, any loader layout), for the report.
window.__wasmMemories = [];
(function (W) {{
  var all = window.__wasmMemories;
  function add(m) {{ if (m instanceof W.Memory && all.indexOf(m) < 0) all.push(m); }}
  function seen(result) {{
    try {{
      var ex = (result.instance || result).exports;
      for (var k in ex) add(ex[k]);
    }} catch (e) {{}}
    return result;
  }}
  ['instantiate', 'instantiateStreaming'].forEach(function (name) {{
    var original = W[name];
    if (!original) return;
    W[name] = function (source, imports) {{
      var t0 = performance.now();
      try {{
        for (var m in imports || {{}}) for (var k in imports[m]) add(imports[m][k]);
      }} catch (e) {{}}
      return original.apply(W, arguments).then(function (r) {{
        window.__wasmSteps.push([t0, performance.now()]);
        return seen(r);
      }});
    }};
  }});
}})(WebAssembly);
function __ready() {{ if (!window.__readyAt) window.__readyAt = performance.now(); }}
</script>
"""
BODY = """</head><body><h1>{name}</h1><p>A page with some content.</p>
<img alt="" width="1" height="1" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
</body></html>
"""

# mixpanel.js options shared by both sides, so per-call costs compare like for like.
MIXPANEL_CONFIG = {"batch_requests": False}

# Pages in report order: name -> label. `profiles` says where each one runs.
PAGES = {
    "plain": "page without analytics",
    "mixpanel": "mixpanel.js direct",
    "default": "default install (no `runtime`)",
    "snippet": "default install, inline snippet",
    "micropython": "runtime 'micropython'",
    "pyodide-snapshot": "runtime 'pyodide', snapshot 'always'",
    "pyodide-nosnapshot": "runtime 'pyodide', snapshot 'never'",
    "bare-pyodide": "bare loadPyodide() + import",
}
SENDS = ("mixpanel", "default", "snippet", "micropython", "pyodide-snapshot", "pyodide-nosnapshot")
BROADBAND_ONLY = ("bare-pyodide",)
# Explicit-runtime pages wait as long as the runtime needs, so its own boot is measured; the
# default installs keep the loader's default ready timeout (what a visitor gets).
LONG_READY_MS = 300_000


def plain() -> str:
    return HEAD.format(name="plain") + "<script>__ready();</script>" + BODY.format(name="plain")


def mixpanel_direct(mixpanel_src: str, config: dict[str, object]) -> str:
    script = f"""<script>window.mixpanel = Object.assign([], {{__SV: 1.2, _i: []}});</script>
<script async src="{mixpanel_src}" onload="__mpLoaded()"></script>
<script>
function __mpLoaded() {{
  var cfg = {{api_host: location.origin + '/mp', loaded: __ready}};
  Object.assign(cfg, {json.dumps(config)});
  mixpanel.init('bench-token', cfg);
  if (!__quiet) mixpanel.track('Bench Start', {{visit: __visit}});
}}
window.__track = function (name, props) {{ mixpanel.track(name, props); }};
</script>"""
    return HEAD.format(name="mixpanel") + script + BODY.format(name="mixpanel")


def snippet_source(text: str, loader_url: str) -> str:
    """The inline snippet as served, pointed at the loader this run uses."""
    return text.replace("'/static/analytics.js'", json.dumps(loader_url).replace('"', "'"))


def shim(
    config: dict[str, object],
    loader_url: str,
    runtime: str | None = None,
    snapshot: object = None,
    snippet: str | None = None,
    thread: str | None = None,
) -> str:
    """Our shim, installed as a script tag, or with the inline snippet text `snippet`;
    `thread` 'main' forces the in-page runtime (the worker's fallback)."""
    settings: dict[str, object] = {"token": "bench-token", "mixpanelConfig": config}
    if thread is not None:
        settings["thread"] = thread
    options: dict[str, object] = {}
    if runtime is not None:
        settings["runtime"] = runtime
        options["readyTimeoutMs"] = LONG_READY_MS
    if snapshot is not None:
        options["snapshot"] = snapshot
    loader = f'<script src="{loader_url}"></script>'
    if snippet is not None:
        loader = "<script>" + snippet_source(snippet, loader_url) + "</script>"
    script = f"""{loader}
<script>
analytics.load(Object.assign({{apiHost: location.origin + '/mp'}}, {json.dumps(settings)}),
               {json.dumps(options)});
if (!__quiet) analytics.track('Bench Start', {{visit: __visit}});
analytics.ready(function (s) {{ if (s.status === 'ready') __ready(); else window.__failed = s; }});
window.__track = function (name, props) {{ return analytics.track(name, props); }};
</script>"""
    return HEAD.format(name="shim") + script + BODY.format(name="shim")


def bare_pyodide(pyodide_index: str, package: str) -> str:
    script = f"""<script type="module">
const {{ loadPyodide }} = await import('{pyodide_index}pyodide.mjs');
const [py, zip] = await Promise.all([
  loadPyodide({{indexURL: '{pyodide_index}'}}),
  fetch('{package}').then((r) => r.arrayBuffer()),
]);
py.unpackArchive(new Uint8Array(zip), 'zip', {{extractDir: '/home/pyodide'}});
py.pyimport('integration.bridge');
window.__benchPy = py;
__ready();
</script>"""
    return HEAD.format(name="pyodide") + script + BODY.format(name="pyodide")


def snapshot_values(loader_text: str) -> tuple[object, object]:
    """The load option for 'with' and 'without the snapshot'. The loader helper is adding
    `snapshot: 'always' | 'never'`; a loader that predates it only knows `snapshot: false`."""
    if "'never'" in loader_text or '"never"' in loader_text:
        return "always", "never"
    return "always", False


def write_pages(
    urls: dict[str, str],
    persistence: str,
    loader_url: str,
    loader_text: str,
    snippet_text: str,
) -> dict[str, str]:
    """Write the pages; return name -> URL path. `urls`: mixpanel (the .js), pyodide (its
    index folder, ending in /), package (the integration zip), all absolute paths."""
    config = {**MIXPANEL_CONFIG, "persistence": persistence}
    with_snap, without_snap = snapshot_values(loader_text)
    pages = {
        "plain": plain(),
        "mixpanel": mixpanel_direct(urls["mixpanel"], config),
        "default": shim(config, loader_url),
        "snippet": shim(config, loader_url, snippet=snippet_text),
        "micropython": shim(config, loader_url, runtime="micropython"),
        "pyodide-snapshot": shim(config, loader_url, runtime="pyodide", snapshot=with_snap),
        "pyodide-nosnapshot": shim(config, loader_url, runtime="pyodide", snapshot=without_snap),
    }
    if urls.get("pyodide") and urls.get("package"):
        pages["bare-pyodide"] = bare_pyodide(urls["pyodide"], urls["package"])
    OUT.mkdir(exist_ok=True)
    for name, html in pages.items():
        (OUT / f"{name}.html").write_text(html)
    return {name: f"/bench/{name}.html" for name in pages}
