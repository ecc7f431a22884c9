"""The host protocol: what the loader (static/analytics.js) lends Python, as one plain JS object.

`bridge.start(host, settings_json)` receives it once. Every value crosses as a string of wire
JSON (``bridge/wire.py``), so no per-call proxies are made or leaked; numbers and plain strings
cross as themselves. The functions, by name (the loader must provide every one):

``call(path, args_json)``
    ``window.mixpanel.<path>(...args)``; `path` is dotted (``people.set``). A path through a
    call that answers an object (``get_group.set_once``, see surface.HANDLE_CALLS) carries that
    call's arguments first. The arguments are passed as made (no trailing nulls dropped).
    Answers the result as JSON for getters (``get_*``), else ``"null"``.
``invoke(fn_id, args_json)``
    Run the page callback registered under `fn_id` (a wire ``fn`` tag) with the arguments.
``emit(event, args_json)``
    Tell the page's on/once/off listeners of `event` (a call event, ``invoke`` or ``reset``),
    with analytics.js's listener arguments: Python's events are the only source of them.
``listens(event)``
    Whether the page has a listener for `event` (so Python encodes arguments only then).
``log(level, message)``
    One browser console line; `level` is ``log``, ``info``, ``warn`` or ``error``.
``storageGet(key)`` / ``storageSet(key, value)`` / ``storageRemove(key)``
    Browser storage of strings under analytics.js's keys (surface.STORAGE): the keys in
    surface.COOKIE_KEYS live in cookies, every other key in localStorage. ``storageGet``
    answers JSON: the stored string or null.
``pageContext()``
    JSON of this page: ``{path, referrer, search, title, url}``.
``now()``
    Milliseconds since the epoch (``Date.now()``).
``newId()``
    A random UUID (``crypto.randomUUID()``), for interpreters without ``uuid`` (MicroPython).
``lower(text)``
    JavaScript's ``toLowerCase``, for interpreters whose ``str.lower`` is ASCII-only.

``middleware(fn_id, args_json, cont)``
    Run the page middleware registered under `fn_id` (kept for the page's life: dispatch
    answered ``"kept"`` for its call) as ``fn({payload: {obj}, integrations, integration, next})``
    with `args_json` = ``[obj, integrations, integration]``. Answers wire JSON
    ``[state, payload, error]``: ``next`` (called at once; payload ``{obj}`` or null), ``drop``
    (returned without next and without a Promise), ``threw`` (error: its message) or
    ``pending`` (it returned a Promise). When pending, the host later calls
    ``dispatch("__next", json [cont, kind, payload, error], "{}")`` once for the first ``next``
    (kind ``next``) and once when the Promise settles first (kind ``settled`` or ``rejected``).
``timer(ms, id)``
    After `ms` milliseconds, ``dispatch("__timer", json [id], "{}")``.
``callbackTimeout()``
    The callback timeout in ms (analytics.timeout(ms); 300 by default): how long a middleware's
    Promise may take to call next.
``release()``
    The calls whose dispatch answered ``"held"`` (they waited behind a middleware) are done:
    their page callbacks may be forgotten.

dispatch answers ``"held"`` for a call that still waits in the pipeline (keep its callbacks
until ``callbackTimeout()``
    The callback timeout in ms (analytics.timeout(ms); 300 by default): how long a middleware's
    Promise may take to call next.
``release()``) and ``"kept"`` for a middleware call (keep its functions for good).

Imports nothing from JavaScript: this module only describes (mypy checks the adapters
against `Host`).
"""

from __future__ import annotations

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from typing import Protocol

    class Host(Protocol):
        def call(self, path: str, args_json: str) -> str: ...
        def invoke(self, fn_id: int, args_json: str) -> None: ...
        def emit(self, event: str, args_json: str) -> None: ...
        def listens(self, event: str) -> bool: ...
        def log(self, level: str, message: str) -> None: ...
        def storageGet(self, key: str) -> str: ...  # noqa: N802  (JavaScript's names)
        def storageSet(self, key: str, value: str) -> None: ...  # noqa: N802
        def storageRemove(self, key: str) -> None: ...  # noqa: N802
        def pageContext(self) -> str: ...  # noqa: N802
        def now(self) -> float: ...
        def newId(self) -> str: ...  # noqa: N802
        def lower(self, text: str) -> str: ...
        def middleware(self, fn_id: int, args_json: str, cont: int) -> str: ...
        def timer(self, ms: float, timer_id: int) -> None: ...
        def release(self) -> None: ...
        def callbackTimeout(self) -> float: ...  # noqa: N802
