"""The test page every browser test builds on (conftest's TestPage, boot_pages' html()): the
loader tag, a log of the mixpanel.js calls, the ready time and status, then analytics.load."""

from __future__ import annotations

# No runtime: the product's default (MicroPython, in the worker). A test's settings, or its
# `runtimes` / `pyodide_only` marker, pick another.
DEFAULT_SETTINGS = {
    "token": "test-token",
    "mixpanelConfig": {"batch_requests": False},
}

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>{title}</title>{head}
<script>
window.__log = [];
window.addEventListener('load', function () {{ window.__loadAt = performance.now(); }});
</script>
{loader}
<script>
analytics.on('shim:mixpanel', function (c) {{ window.__log.push(c); }});
analytics.ready(function (s) {{ window.__readyAt = performance.now(); window.__status = s; }});
{before_load}
analytics.load(Object.assign({base}, {settings}), {load_options});
{script}
</script>
</head><body><h1>{title}</h1>{body}</body></html>
"""
