"""The only module that talks to JavaScript.

The loader (static/analytics.js) boots Pyodide, unpacks this package and calls `start(host,
settings_json)` once. `host` is a plain JS object of small functions (call a mixpanel.js method,
invoke a page callback, write a console line, read/write storage, read the page context); every
value crosses as wire JSON (integration/wire.py), so no per-call proxies are created or leaked.
`start` returns the one Python function the loader keeps: `dispatch(method, args_json, meta_json)`.

Everything here is I/O glue; the behaviour lives in the pure modules.
"""

from __future__ import annotations

import json

from integration import identity, jsvalues, surface, wire
from integration.analytics import Analytics
from integration.errors import line

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class HostConsole:
    """Console lines go to the browser console at the matching level."""

    def __init__(self, host: Any) -> None:
        self._host = host

    def log(self, message: str) -> None:
        self._host.log("log", message)

    def info(self, message: str) -> None:
        self._host.log("info", message)

    def warn(self, message: str) -> None:
        self._host.log("warn", message)

    def error(self, message: str) -> None:
        self._host.log("error", message)


class HostStorage:
    """analytics.js storage: ids in cookies, traits in localStorage (the loader decides).

    Reads are cached: every call reads the user id and anonymous id, and parsing
    document.cookie each time cost more than the rest of the call. This page's own writes go
    through here; another tab's changes are seen on the next page load."""

    def __init__(self, host: Any) -> None:
        self._host = host
        self._cache: dict[str, str | None] = {}

    def get(self, key: str) -> str | None:
        if key not in self._cache:
            self._cache[key] = json.loads(self._host.storageGet(key))
        return self._cache[key]

    def set(self, key: str, value: str) -> None:
        self._cache[key] = value
        self._host.storageSet(key, value)

    def remove(self, key: str) -> None:
        self._cache[key] = None
        self._host.storageRemove(key)


class _JsCall:
    def __init__(self, host: Any, path: str) -> None:
        self._host = host
        self._path = path

    def __call__(self, *args: Any) -> Any:
        result = self._host.call(self._path, wire.encode(list(args)))
        return json.loads(result) if self._path.startswith("get_") else None


class _JsNamespace:
    def __init__(self, host: Any, prefix: str) -> None:
        self._host = host
        self._prefix = prefix

    def __getattr__(self, name: str) -> _JsCall:
        if name.startswith("_"):
            raise AttributeError(name)
        return _JsCall(self._host, self._prefix + name)


class _JsGroup:
    def __init__(self, host: Any, key: Any, group_id: Any) -> None:
        self._host = host
        self._key = key
        self._group_id = group_id

    def set_once(self, *args: Any) -> None:
        _JsCall(self._host, "get_group.set_once")(self._key, self._group_id, *args)

    def set(self, *args: Any) -> None:
        _JsCall(self._host, "get_group.set")(self._key, self._group_id, *args)


class JsMixpanel(_JsNamespace):
    """window.mixpanel seen from Python: same method names, plain values in and out."""

    def __init__(self, host: Any) -> None:
        super().__init__(host, "")
        self.people = _JsNamespace(host, "people.")
        self.cookie = _JsNamespace(host, "cookie.")

    def get_group(self, key: Any, group_id: Any) -> _JsGroup:
        return _JsGroup(self._host, key, group_id)


def make_dispatch(analytics: Analytics, host: Any) -> Callable[[str, str, str], str | None]:
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


def start(host: Any, settings_json: str) -> Callable[[str, str, str], str | None]:
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
    global _installed
    _installed = analytics
    return make_dispatch(analytics, host)


_installed: Analytics | None = None


def positional(method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
    """Python keyword arguments → analytics.js's positional form, trailing blanks dropped."""
    names = surface.METHODS[method]
    unknown = set(kwargs) - set(names)
    if unknown:
        raise TypeError(f"{method}() got unexpected keyword argument(s) {sorted(unknown)}")
    out = list(args) + [kwargs.get(name) for name in names[len(args) :]]
    while out and out[-1] is None:
        out.pop()
    return out


class PageForwarder:
    """A PyScript page's view of the page's one integration (window.analytics)."""

    def call(self, method: str, *args: Any, **kwargs: Any) -> None:
        import js  # only available in the browser

        # getattr: a literal `.__callWire` inside a class would be name-mangled by Python.
        call_wire = getattr(js.window.analytics, "__callWire")  # noqa: B009
        call_wire(method, wire.encode(positional(method, args, kwargs)))


class LocalForwarder:
    """The same calls, in the interpreter that the loader started."""

    def __init__(self, analytics: Analytics) -> None:
        self._analytics = analytics

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return getattr(self._analytics, method)(*args, **kwargs)


def page_api() -> PageForwarder | LocalForwarder:
    """Where module-level integration.track() & co. go."""
    return LocalForwarder(_installed) if _installed is not None else PageForwarder()
