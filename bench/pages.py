"""The benchmark's pages, written into bench/pages/ (git-ignored) with the served runtime URLs.

Every page marks the same moments so the runner can read them alike:
`window.__readyAt` (performance.now() when its analytics is live), `window.__failed`, and a
`track('Bench Start')` made at once, whose arrival at the collector gives time-to-first-event.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "pages"

HEAD = """<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>{name}</title>
<script>
window.__longTasks = [];
try {{
  new PerformanceObserver(function (l) {{ window.__longTasks.push.apply(window.__longTasks,
    l.getEntries().map(function (e) {{ return [e.startTime, e.duration]; }})); }})
    .observe({{type: 'longtask', buffered: true}});
}} catch (e) {{}}
function __ready() {{ window.__readyAt = performance.now(); }}
</script>
"""
BODY = """</head><body><h1>{name}</h1><p>A page with some content.</p>
<img alt="" width="1" height="1" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
</body></html>
"""

# mixpanel.js options shared by both sides, so per-call costs compare like for like.
MIXPANEL_CONFIG = {"batch_requests": False}


def mixpanel_snippet(urls: dict[str, str]) -> str:
    src = urls["mixpanel"] + "mixpanel.min.js"
    return f"""<script>window.mixpanel = Object.assign([], {{__SV: 1.2, _i: []}});</script>
<script async src="{src}" onload="__mpLoaded()"></script>
"""


def plain() -> str:
    return HEAD.format(name="plain") + "<script>__ready();</script>" + BODY.format(name="plain")


def mixpanel_direct(urls: dict[str, str], config: dict[str, object]) -> str:
    script = f"""<script>
function __mpLoaded() {{
  var cfg = {{api_host: location.origin + '/mp', loaded: __ready}};
  Object.assign(cfg, {json.dumps(config)});
  mixpanel.init('bench-token', cfg);
  mixpanel.track('Bench Start');
}}
window.__track = function (name, props) {{ mixpanel.track(name, props); }};
</script>"""
    return (
        HEAD.format(name="mixpanel")
        + mixpanel_snippet(urls)
        + script
        + BODY.format(name="mixpanel")
    )


def shim(config: dict[str, object], runtime: str = "pyodide", snippet: bool = False) -> str:
    """Our shim, installed as a script tag, or with the inline snippet (static/snippet.js)."""
    settings = {"token": "bench-token", "mixpanelConfig": config}
    if runtime != "pyodide":
        settings["runtime"] = runtime
    loader = '<script src="/analytics/analytics.js"></script>'
    if snippet:
        loader = "<script>" + (HERE.parent / "static" / "snippet.js").read_text() + "</script>"
    script = f"""{loader}
<script>
analytics.load(Object.assign({{apiHost: location.origin + '/mp'}}, {json.dumps(settings)}));
analytics.track('Bench Start');
analytics.ready(function (s) {{ if (s.status === 'ready') __ready(); else window.__failed = s; }});
window.__track = function (name, props) {{ analytics.track(name, props); }};
</script>"""
    return HEAD.format(name="shim") + script + BODY.format(name="shim")


def bare_pyodide(urls: dict[str, str]) -> str:
    script = f"""<script type="module">
const {{ loadPyodide }} = await import('{urls["pyodide"]}pyodide.mjs');
const [py, zip] = await Promise.all([
  loadPyodide({{indexURL: '{urls["pyodide"]}'}}),
  fetch('{urls["package"]}').then((r) => r.arrayBuffer()),
]);
py.unpackArchive(zip, 'zip', {{extractDir: '/home/pyodide'}});
py.pyimport('integration.bridge');
__ready();
</script>"""
    return HEAD.format(name="pyodide") + script + BODY.format(name="pyodide")


def write_pages(urls: dict[str, str], persistence: str) -> dict[str, str]:
    """Write the pages; return name -> URL path."""
    config = {**MIXPANEL_CONFIG, "persistence": persistence}
    pages = {
        "plain": plain(),
        "mixpanel": mixpanel_direct(urls, config),
        "shim": shim(config),
        "shim-snippet": shim(config, snippet=True),
        "shim-mpy": shim(config, runtime="micropython"),
        "pyodide": bare_pyodide(urls),
    }
    OUT.mkdir(exist_ok=True)
    for name, html in pages.items():
        (OUT / f"{name}.html").write_text(html)
    return {name: f"/bench/{name}.html" for name in pages}
