"""Recording stand-ins for the outermost seams: mixpanel.js and the browser console.

The fake mirrors mixpanel.js's API shape (attribute namespaces `people`, `cookie`,
`get_group(...)` objects) so the destination code cannot tell it from the real library.
Every call is recorded as a ``(name, args)`` tuple, e.g. ``("people.set", ({"a": 1},))``.
A browser contract test checks every recorded name exists on the real ``window.mixpanel``.

Portable on purpose (no runtime typing, no dataclasses, no unpacking in displays): the behaviour
corpus runner (tests/portable/runner.py) uses these same fakes inside the browser's MicroPython.
Set ``listener`` to also hear each call as it is recorded (the runner keeps one ordered log).
"""

from __future__ import annotations

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class _Namespace:
    def __init__(self, owner: Any, prefix: str) -> None:
        self._owner = owner
        self._prefix = prefix

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)

        def record(*args: Any) -> None:
            self._owner._record(self._prefix + name, *args)

        return record


class _Group:
    def __init__(self, owner: Any, key: Any, group_id: Any) -> None:
        self._owner = owner
        self._key = key
        self._group_id = group_id

    def set_once(self, *args: Any) -> None:
        self._owner._record("get_group.set_once", self._key, self._group_id, *args)

    def set(self, *args: Any) -> None:
        self._owner._record("get_group.set", self._key, self._group_id, *args)


class RecordingMixpanel:
    """Records calls; answers the getters from a small model of mixpanel.js's state."""

    def __init__(self, distinct_id: str = "mp-device-1", **super_properties: Any) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.distinct_id = distinct_id
        self.super_properties: dict[str, Any] = dict(super_properties)
        self.people = _Namespace(self, "people.")
        self.cookie = _Namespace(self, "cookie.")
        self.listener: Callable[[str, tuple[Any, ...]], None] | None = None

    def _record(self, name: str, *args: Any) -> None:
        self.calls.append((name, args))
        if self.listener is not None:
            self.listener(name, args)

    def init(self, *args: Any) -> None:
        self._record("init", *args)

    def identify(self, *args: Any) -> None:
        self._record("identify", *args)
        if args:
            self.distinct_id = args[0]

    def name_tag(self, *args: Any) -> None:
        self._record("name_tag", *args)

    def register(self, props: dict[str, Any], *rest: Any) -> None:
        self._record("register", props, *rest)  # a call, not a display: portable
        self.super_properties.update(props)

    def register_once(self, *args: Any) -> None:
        self._record("register_once", *args)

    def unregister(self, *args: Any) -> None:
        self._record("unregister", *args)

    def track(self, *args: Any) -> None:
        self._record("track", *args)

    def track_links(self, *args: Any) -> None:
        self._record("track_links", *args)

    def track_forms(self, *args: Any) -> None:
        self._record("track_forms", *args)

    def alias(self, *args: Any) -> None:
        self._record("alias", *args)

    def set_group(self, *args: Any) -> None:
        self._record("set_group", *args)

    def get_group(self, key: Any, group_id: Any) -> _Group:
        return _Group(self, key, group_id)

    def reset(self) -> None:
        self._record("reset")
        self.super_properties = {}
        self.distinct_id = "mp-device-2"

    def set_config(self, *args: Any) -> None:
        self._record("set_config", *args)

    def opt_in_tracking(self, *args: Any) -> None:
        self._record("opt_in_tracking", *args)

    def opt_out_tracking(self, *args: Any) -> None:
        self._record("opt_out_tracking", *args)

    # Getters are not recorded as calls (they change nothing), but their use is counted.
    def get_distinct_id(self) -> Any:
        self._record("get_distinct_id")
        return self.distinct_id

    def get_property(self, name: str) -> Any:
        self._record("get_property", name)
        return self.super_properties.get(name)

    def names(self) -> list[str]:
        """Names of the recorded calls, in order."""
        return [name for name, _ in self.calls]

    def without_getters(self) -> list[tuple[str, tuple[Any, ...]]]:
        return [c for c in self.calls if c[0] not in ("get_distinct_id", "get_property")]


class RecordingConsole:
    """Collects console lines by level: the shim's only way to talk to developers."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []
        self.listener: Callable[[str, str], None] | None = None

    def _line(self, level: str, message: str) -> None:
        self.lines.append((level, message))
        if self.listener is not None:
            self.listener(level, message)

    def log(self, message: str) -> None:
        self._line("log", message)

    def info(self, message: str) -> None:
        self._line("info", message)

    def warn(self, message: str) -> None:
        self._line("warn", message)

    def error(self, message: str) -> None:
        self._line("error", message)

    def at(self, level: str) -> list[str]:
        return [m for lvl, m in self.lines if lvl == level]
