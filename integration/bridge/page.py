"""`import integration` in a PyScript page's interpreter: hand bridge.start to the page's loader.

The loader (static/analytics.js, runtime 'auto') sees a PyScript page at DOMContentLoaded,
fetches no runtime of its own and waits for `analytics._attach(start)`; its boot then calls
`start(host, settings_json)` here, in the page's interpreter, as it would in its own. Calls from
this Python (``integration.track(...)``) still go through the page's ``window.analytics``, so JS
and Python calls share one queue, one identity and one mixpanel.js.
"""

from __future__ import annotations

from integration.bridge import forward


def attach() -> None:
    import js  # a PyScript interpreter: Pyodide or MicroPython

    forward.on_page()
    loader = getattr(js.window, "analytics", None)
    hook = getattr(loader, "_attach", None) if loader is not None else None
    if hook is None:
        js.console.warn(
            "[analytics] import integration: no loader on this page (include analytics.js and "
            "call analytics.load); Python calls are not sent"
        )
        return
    from integration.bridge import start

    try:  # Pyodide destroys a proxy made for a call's argument when the call returns
        from pyodide.ffi import create_proxy
    except ImportError:  # MicroPython keeps what it hands to JavaScript
        hook(start)
    else:
        hook(create_proxy(start))
