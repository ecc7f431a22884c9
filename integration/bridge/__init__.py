"""The only package that knows JavaScript is there (js / pyodide / pyscript imports live here).

The loader's boot (static/boot.mjs) starts a Python runtime, in a Worker by default
(static/boot-thread.mjs and static/boot-worker.mjs) or in the page, unpacks the package and
calls `start(host, settings_json)` once; `host` is the object of small functions listed in
`protocol.py`. `start` returns the one Python function the loader keeps:
`dispatch(method, args_json, meta_json)`. Everything here is I/O glue; the behaviour lives in
the pure modules.

    protocol.py  the thread protocol as data: host functions, dispatch's side calls, messages
    host.py      the host's type, for mypy (checked against protocol.HOST)
    wire.py      the JSON wire format between the loader and Python (Dates, callbacks, cycles)
    adapters.py  HostConsole, HostStorage, JsMixpanel: the host shaped as console/storage/mixpanel
    forward.py   integration.track() & co.: to window.analytics (PyScript) or the local instance
    pipeline.py  page JS middleware and the host's timers, for the pure middleware pipeline
    page.py      `import integration` on a PyScript page: hands `start` to the page's loader
    __init__.py  start / dispatch
"""

from __future__ import annotations

import json

from integration import identity, jsvalues, surface
from integration.analytics import Analytics
from integration.bridge import wire
from integration.bridge.adapters import HostConsole, HostStorage, JsMixpanel
from integration.bridge.forward import LocalForwarder, PageForwarder, install, page_api, positional
from integration.bridge.pipeline import Glue
from integration.errors import line

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

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
    "warmer",
]


# What dispatch answers when the page's callbacks in the call must outlive it: HELD until the
# host's release() (the call waits behind a middleware), KEPT for good (middleware functions).
HELD = "held"
KEPT = "kept"


def _middleware(glue: Glue, console: HostConsole, method: str, args: list[Any]) -> list[Any]:
    """Page functions → Python middleware run by the host. A function without an id was
    stored (carried from the previous page): functions do not survive that; left out."""
    out: list[Any] = []
    for arg in args:
        if isinstance(arg, wire.JsFunction) and arg.fn_id is None:
            console.info(line(method, "a middleware carried from another page is not kept"))
        elif isinstance(arg, wire.JsFunction) and arg.fn_id is not None:
            out.append(glue.middleware(arg.fn_id))
        else:
            out.append(arg)
    return out if out or not args else [None]  # [None]: nothing left; said above


def make_dispatch(
    analytics: Analytics, host: Host, glue: Glue | None = None
) -> Callable[[str, str, str], str | None]:
    console = HostConsole(host)
    glue = glue or Glue(host)
    held = [False]  # a call's callbacks are held by the host until release()
    invoke = host.invoke  # read once: each attribute read of the host crosses into JavaScript

    def dispatch(method: str, args_json: str, meta_json: str) -> str | None:
        if method in ("__next", "__timer"):  # a page middleware's next/Promise, or a timer
            try:
                glue.resume(method, wire.decode(args_json, host.invoke)[0])
            except Exception as exc:  # never raise into the page
                console.error(line("middleware", f"internal error: {exc!r}"))
            if held[0] and not analytics.pipeline.waiting():
                held[0] = False
                host.release()
            return None
        if method == "entity":  # analytics.user() / group() in page JS: [who, op, value]
            args, _ = wire.decode(args_json)
            return json.dumps(analytics.entity(*(args if isinstance(args, list) else [])))
        try:
            args, problems = wire.decode(args_json, invoke)
            meta, _ = wire.decode(meta_json)
            for problem in problems:
                console.warn(line(method, problem))
            if method in surface.MIDDLEWARE_CALLS:
                args = _middleware(glue, console, method, list(args))
                analytics.dispatch(method, args, meta)
                return KEPT
            analytics.dispatch(method, args, meta)
        except Exception as exc:  # never raise into the page
            console.error(line(method, f"internal error: {exc!r}"))
        if analytics.pipeline.waiting():
            held[0] = True
            return HELD
        return None

    return dispatch


def _forward(host: Host, event: str, args: tuple[object, ...]) -> None:
    if host.listens(event):  # the arguments are encoded only for an event the page listens to
        host.emit(event, wire.encode(list(args)))


def _build(host: Host, settings_json: str) -> tuple[Analytics, Glue]:
    settings, _ = wire.decode(settings_json)
    glue = Glue(host)
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
        scheduler=glue,
        timeout_ms=lambda: float(host.callbackTimeout()),
        # the page's on/once/off listeners hear Python's events (analytics.js's arguments)
        forward=lambda event, args: _forward(host, event, args),
    )
    return analytics, glue


def start(host: Host, settings_json: str) -> Callable[[str, str, str], str | None]:
    """Build the integration against the page's mixpanel.js; return the dispatch function."""
    analytics, glue = _build(host, settings_json)
    install(analytics)
    return make_dispatch(analytics, host, glue)


# warmer(): the calls a page makes most, as a site sends them (a track carries ten properties).
_WARM_CALLS = [
    ("page", [None, "Home", {"section": "warm"}]),
    ("identify", ["warm-user", {"plan": "pro", "logins": 3}]),
] + [
    (
        "track",
        [
            "Warm",
            {
                "i": i,
                "plan": "pro",
                "tags": ["a", "b"],
                "price": 9.99,
                "currency": "EUR",
                "coupon": None,
                "first": i == 0,
                "path": "/",
                "meta": {"k": 1},
                "label": "x" + str(i),
            },
        ],
    )
    for i in range(6)
]


def warmer(host: Host, settings_json: str) -> Callable[[int], int]:
    """A throwaway integration against `host`, a host that applies nothing (the page's
    instance, storage, listeners and mixpanel.js are untouched), and the function that runs
    the next `count` of its made-up calls (_WARM_CALLS in turn); it answers how many ran.

    Why: V8 compiles WebAssembly in tiers, and Pyodide's functions are compiled again,
    optimised, on background threads once they have run enough. Measured on a 2-core machine
    (BENCHMARKS.md), the first 40 calls after ready brought about 0.5 s of that
    compilation, beside the page's main thread. The worker runs these calls in idle time after
    ready, a few per task, so that compilation happens before the page's own calls.
    MicroPython's interpreter is small: it brought 30 ms, and the worker does not warm it."""
    dispatch = make_dispatch(_build(host, settings_json)[0], host)
    page = json.loads(host.pageContext()) or {}
    made = [0]

    def step(count: int) -> int:
        for _ in range(int(count)):
            i = made[0]
            made[0] += 1
            method, args = _WARM_CALLS[i % len(_WARM_CALLS)]
            meta = {"timestamp": float(host.now()), "messageId": "warm-" + str(i), "page": page}
            dispatch(method, json.dumps(args), json.dumps(meta))
        return made[0]

    return step
