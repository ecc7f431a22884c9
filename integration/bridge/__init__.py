"""The only package that knows JavaScript is there (js / pyodide / pyscript imports live here).

The loader (static/analytics.js) boots a Python runtime, unpacks the package and calls
`start(host, settings_json)` once; `host` is the object of small functions described in
`host.py` (the host protocol). `start` returns the one Python function the loader keeps:
`dispatch(method, args_json, meta_json)`. Everything here is I/O glue; the behaviour lives in
the pure modules.

    host.py      the host protocol: what the loader lends, typed and documented
    wire.py      the JSON wire format between the loader and Python (Dates, callbacks, cycles)
    adapters.py  HostConsole, HostStorage, JsMixpanel: the host shaped as console/storage/mixpanel
    forward.py   integration.track() & co.: to window.analytics (PyScript) or the local instance
    page.py      `import integration` on a PyScript page: hands `start` to the page's loader
    __init__.py  start / dispatch
"""

from __future__ import annotations

import json

from integration import identity, jsvalues
from integration.analytics import Analytics
from integration.bridge import wire
from integration.bridge.adapters import HostConsole, HostStorage, JsMixpanel
from integration.bridge.forward import LocalForwarder, PageForwarder, install, page_api, positional
from integration.errors import line

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable

    from integration.bridge.host import Host

__all__ = [
    "HostConsole",
    "HostStorage",
    "JsMixpanel",
    "LocalForwarder",
    "PageForwarder",
    "make_dispatch",
    "page_api",
    "positional",
    "start",
]


def make_dispatch(analytics: Analytics, host: Host) -> Callable[[str, str, str], str | None]:
    console = HostConsole(host)

    def dispatch(method: str, args_json: str, meta_json: str) -> str | None:
        if method == "user":  # analytics.user() in page JS: what this page knows, as JSON
            user = analytics.user()
            return json.dumps(
                {"id": user.id(), "anonymousId": user.anonymous_id(), "traits": user.traits()}
            )
        try:
            args, problems = wire.decode(args_json, host.invoke)
            meta, _ = wire.decode(meta_json)
            for problem in problems:
                console.warn(line(method, problem))
            analytics.dispatch(method, args, meta)
        except Exception as exc:  # never raise into the page
            console.error(line(method, f"internal error: {exc!r}"))
        return None

    return dispatch


def start(host: Host, settings_json: str) -> Callable[[str, str, str], str | None]:
    """Build the integration against the page's mixpanel.js; return the dispatch function."""
    settings, _ = wire.decode(settings_json)
    analytics = Analytics(
        settings,
        JsMixpanel(host),
        console=HostConsole(host),
        storage=HostStorage(host),
        clock=lambda: float(host.now()),
        page_context=lambda: json.loads(host.pageContext()),
        # Without a uuid module (MicroPython), ids come from the browser's crypto.randomUUID.
        new_id=None if identity.HAS_UUID else lambda: str(host.newId()),
        # MicroPython's str.lower is ASCII-only: JavaScript's toLowerCase for non-ASCII names.
        lower=None if jsvalues.FULL_LOWER else lambda text: str(host.lower(text)),
    )
    install(analytics)
    return make_dispatch(analytics, host)
