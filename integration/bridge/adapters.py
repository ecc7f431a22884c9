"""The host's functions shaped as the objects the pure core expects: a console, a storage and
mixpanel.js itself. Each value crosses as wire JSON; nothing here decides behaviour."""

from __future__ import annotations

import json

from integration import surface
from integration.bridge import wire

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from typing import Any

    from integration.bridge.host import Host


class HostConsole:
    """Console lines go to the browser console at the matching level."""

    def __init__(self, host: Host) -> None:
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
    """analytics.js storage: ids in cookies, the rest in localStorage (the loader decides).

    Reads are cached for the life of this page: every call reads the user id and the anonymous
    id, and parsing document.cookie each time cost more than the rest of the call. This page's
    own writes go through here, so the cache is always right about them; another tab's changes
    are seen on the next page load."""

    def __init__(self, host: Host) -> None:
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
    """One mixpanel.js method: ``call(path, args_json)`` bound once (every attribute read of
    the host object is a crossing into JavaScript), the dotted path as a plain string."""

    def __init__(self, call: Any, path: str, bound: tuple[Any, ...] = ()) -> None:
        self._call = call
        self._path = path
        self._bound = bound
        self._getter = path.startswith("get_")

    def __call__(self, *args: Any) -> Any:
        result = self._call(
            self._path, wire.encode(list(self._bound + args) if self._bound else list(args))
        )
        return json.loads(result) if self._getter else None


class _JsNamespace:
    """``window.mixpanel`` (or one of its parts) seen from Python: same method names, plain
    values in and out. A call in surface.HANDLE_CALLS answers the object it names, as a namespace
    whose calls carry its arguments first. A method, once asked for, is kept on the namespace
    (it holds nothing but its path), so later calls find it without __getattr__."""

    def __init__(self, call: Any, prefix: str, bound: tuple[Any, ...] = ()) -> None:
        self._call = call
        self._prefix = prefix
        self._bound = bound

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        count = surface.HANDLE_CALLS.get(name) if not self._prefix else None
        if count is not None:
            return lambda *args: _JsNamespace(self._call, name + ".", args[:count])
        method = _JsCall(self._call, self._prefix + name, self._bound)
        if not self._bound:  # a handle's namespace is made per call: nothing to keep
            setattr(self, name, method)
        return method


class JsMixpanel(_JsNamespace):
    """window.mixpanel seen from Python: ``mixpanel.people.set(...)``,
    ``mixpanel.get_group(key, id).set_once(...)`` and getters answer plain values."""

    def __init__(self, host: Host) -> None:
        call = host.call  # read once
        super().__init__(call, "")
        self.people = _JsNamespace(call, "people.")
        self.cookie = _JsNamespace(call, "cookie.")
