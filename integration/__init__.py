"""Segment's classic Mixpanel device-mode integration, in Python.

Map of the package (each module says what it must not do):

    surface.py     the contract as data: the calls and their argument order, the settings table,
                   storage keys, runtime files. The only place that spells them out.
    analytics.py   the analytics.js facade: one class, one method per call; never raises into
                   the page. It hands each concern to a small object it owns:
    visitor.py     the user, the group and the consent decision, with the checked changes;
    listeners.py   on / once / off, and the page's listener registry;
    errors.py      InvalidCall and the one Reporter: the guard around every call, one
                   console-line format, one strict flag.
    arguments.py   analytics.js argument overloading, as pure functions.
    identity.py    user / group / anonymous id with analytics.js's merge rules, and the stored
                   consent decision, behind storage.
    messages.py    Segment-shaped message dicts (messageId, timestamp, context, integrations).
    dates.py       ISO strings ⇄ datetimes, as Segment's facade and mixpanel.js expect them.
    jsvalues.py    JavaScript value semantics: String(x), ===, truthiness, key order, obj-case.
    jsnumbers.py   the one number test, and numbers as text (String(n), parseFloat).
    walk.py        the one walk over nested dicts and lists (any depth, cycles kept).
    middleware.py  the one ordered queue of calls and the middleware chains; one middleware on
                   one message is middleware_step.py's.
    sanitize.py    values made safe for mixpanel.js before any call, with what was changed.
    mixpanel/      the destination: settings → init config; each call → mixpanel.js calls.
    bridge/        the ONLY package that touches JavaScript (js / pyodide / pyscript): the host
                   protocol, the wire format, the adapters, start/dispatch, PyScript forwarding.
                   The loader (static/analytics.js) calls bridge.start(host, settings_json).

Everything but bridge/ is plain Python that runs unchanged under CPython (unit tests), Pyodide
and MicroPython. On a PyScript page, the module-level functions (one per call of
surface.METHODS) forward to the page's one integration (window.analytics), so JS and Python
calls share one queue and one identity:

    import integration
    integration.track("Clicked", {"button": "buy"})
"""

from __future__ import annotations

import sys as _sys

from integration import surface
from integration.analytics import Analytics
from integration.identity import MemoryStorage  # the storage for tests and Python outside a page

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Analytics", "MemoryStorage"] + list(surface.METHODS)


def _forwarder(method: str) -> Any:
    def forward(*args: Any, **kwargs: Any) -> Any:
        from integration import bridge

        return bridge.page_api().call(method, *args, **kwargs)

    return forward


# integration.track(...) & co.: one module-level function per call of the surface.
for _method in surface.METHODS:
    globals()[_method] = _forwarder(_method)
# ... and the middleware calls under their Python names too: integration.add_source_middleware.
add_source_middleware = _forwarder("addSourceMiddleware")
add_destination_middleware = _forwarder("addDestinationMiddleware")
add_integration_middleware = _forwarder("addIntegrationMiddleware")


# In a PyScript page's interpreter (Pyodide or MicroPython), this import hands the integration to
# the page's loader: it runs here, with no second runtime (bridge/page.py). PyScript has imported
# its `pyscript` module before the page's code runs; elsewhere (CPython, the loader's own
# runtime) it is absent and nothing more happens. No import here: a dict lookup.
if "pyscript" in _sys.modules:
    from integration.bridge.page import attach as _attach

    _attach()
