"""Segment's classic Mixpanel device-mode integration, in Python.

Map of the package (each module says what it must not do):

    bridge.py      the ONLY module that touches JavaScript (js / pyodide / pyscript). The loader
                   (static/analytics.js) calls bridge.start(); PyScript pages use page_api().
    wire.py        the JSON wire format between the loader and Python (Dates, callbacks, cycles).
    analytics.py   the analytics.js facade: one method per call; never raises into the page.
    arguments.py   analytics.js argument overloading, as pure functions.
    identity.py    user / group / anonymous id with analytics.js's merge rules, behind storage.
    messages.py    Segment-shaped message dicts (messageId, timestamp, context, integrations).
    dates.py       ISO strings ⇄ datetimes, as Segment's facade and mixpanel.js expect them.
    sanitize.py    values made safe for mixpanel.js before any call, with what was changed.
    mixpanel/      the destination: settings → init config; each call → mixpanel.js calls.

Everything but bridge.py is plain Python that runs unchanged under CPython (unit tests) and in
the browser. On a PyScript page, the module-level functions below forward to the page's one
integration (window.analytics), so JS and Python calls share one queue and one identity:

    import integration
    integration.track("Clicked", {"button": "buy"})
"""

from __future__ import annotations

from integration import surface

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Analytics"] + list(surface.METHODS)


_SUBMODULES = frozenset(
    ("analytics", "arguments", "bridge", "dates", "errors", "identity", "messages", "mixpanel")
) | frozenset(("jsvalues", "sanitize", "surface"))


def __getattr__(name: str) -> Any:
    if name == "Analytics":  # lazy, so importing the package stays cheap
        from integration.analytics import Analytics

        return Analytics
    if name in _SUBMODULES:
        # MicroPython asks this hook for `from integration import dates` before it imports the
        # submodule (CPython imports it after this raises); importing it here serves both.
        __import__("integration." + name)
        return globals()[name]
    raise AttributeError(name)


def _forwarder(method: str) -> Any:
    def forward(*args: Any, **kwargs: Any) -> Any:
        from integration import bridge

        return bridge.page_api().call(method, *args, **kwargs)

    return forward


# integration.track(...) & co.: one module-level function per call of the surface.
for _method in surface.METHODS:
    globals()[_method] = _forwarder(_method)
