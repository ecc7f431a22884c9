"""Python calls to the page's one integration: ``integration.track(...)`` & co. on a PyScript
page (forwarded to window.analytics, so JS and Python calls share one queue and one identity),
or straight to the Analytics object the loader started in this interpreter."""

from __future__ import annotations

from integration import surface
from integration.bridge import wire

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from typing import Any

    from integration.analytics import Analytics

_installed: Analytics | None = None
_page = False  # in a PyScript page's interpreter: calls always go through window.analytics


def install(analytics: Analytics) -> None:
    """The loader started `analytics` in this interpreter: module-level calls go to it."""
    global _installed
    _installed = analytics


def on_page() -> None:
    """This interpreter is a PyScript page's (bridge/page.py): calls go to window.analytics."""
    global _page
    _page = True


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
        python_name = "".join("_" + c.lower() if c.isupper() else c for c in method)
        return getattr(self._analytics, python_name)(*args, **kwargs)


def page_api() -> PageForwarder | LocalForwarder:
    """Where module-level integration.track() & co. go."""
    if _installed is not None and not _page:
        return LocalForwarder(_installed)
    return PageForwarder()
