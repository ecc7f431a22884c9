"""The analytics.js facade: the object page code (through the bridge) and Python code call.

Every public call has the same shape: resolve the arguments (``arguments.py``) → update the
stored identity (``identity.py``) → build the message (``messages.py``) → ask the integrations
gate → deliver to the destination → tell listeners → run the callback. Every public method is
guarded: bad input or a failing destination costs one ``console.error`` line and the call, never
an exception in the page (``strict=True`` re-raises, for tests). Must not import js/pyodide.

`Analytics` is built in layers (see guarded.py): the guard (guarded.py), listeners and
middleware registration (hooks.py), the calls on who the visitor is (visitor.py), and here the
calls that send a message, dispatch and the shared steps of a call. `Analytics.__init__` makes
all the state the layers use.
"""

from __future__ import annotations

import sys
import time

from integration import arguments, messages, surface
from integration.errors import InvalidCall, Reporter
from integration.identity import (
    ConsentStorage,
    Group,
    MemoryStorage,
    User,
    new_uuid,
    stored_decision,
)
from integration.middleware import DEFAULT_TIMEOUT_MS, Pipeline, Scheduler
from integration.visitor import VisitorCalls, with_stored_decision

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from integration.identity import Storage

    Json = dict[str, Any]

EVENTS = surface.EVENTS
# Calls dispatched by their analytics.js name that are not one message of their own.
FACADE_CALLS = surface.FACADE_CALLS
_PIPELINE_CALLS = {  # by their analytics.js names
    "addSourceMiddleware": "add_source_middleware",
    "addDestinationMiddleware": "add_destination_middleware",
    "addIntegrationMiddleware": "add_integration_middleware",
    "register": "register",
}


class _StderrConsole:
    """The default console: ``log``/``info``/``warn``/``error`` each print one line to stderr."""

    def __getattr__(self, level: str) -> Callable[[str], None]:
        if level.startswith("_"):
            raise AttributeError(level)
        return lambda message: print(f"{level}: {message}", file=sys.stderr)


def _blank_page() -> Json:
    return dict.fromkeys(messages.PAGE_KEYS, "")


def _mixpanel_destination(lower: Callable[[str], str] | None) -> Callable[..., Any]:
    def make(settings: Json, mixpanel: Any, reporter: Reporter) -> Any:
        from integration.mixpanel import MixpanelDestination  # lazy: tests use fake ones

        return MixpanelDestination(settings, mixpanel, reporter, lower=lower)  # one Reporter

    return make


class Analytics(VisitorCalls):
    """analytics.js's public API in front of one destination (Mixpanel)."""

    def __init__(
        self,
        settings: Json,
        mixpanel: Any,
        *,
        console: Any = None,
        storage: Storage | None = None,
        clock: Callable[[], float] | None = None,
        new_id: Callable[[], str] | None = None,
        page_context: Callable[[], Json] | None = None,
        strict: bool = False,
        destination_factory: Callable[[Json, Any, Any], Any] | None = None,
        lower: Callable[[str], str] | None = None,
        scheduler: Scheduler | None = None,
        timeout_ms: Callable[[], float] | None = None,
        forward: Callable[[str, tuple[Any, ...]], None] | None = None,
    ) -> None:
        self.console = console or _StderrConsole()
        self._clock = clock or (lambda: time.time() * 1000)
        self._new_id = new_id or new_uuid
        self._page_context = page_context or _blank_page
        self._reporter = Reporter(self.console, strict)
        backing = storage if storage is not None else MemoryStorage()
        settings = with_stored_decision(settings, stored_decision(backing))
        withheld = isinstance(settings, dict) and settings.get("consent") is False
        self._backing = backing
        store = ConsentStorage(backing, not withheld)
        self._store = store
        self._user = User(store, self._new_id)
        self._group_entity = Group(store)
        self._listeners: dict[str, list[tuple[Callable[..., Any], bool]]] = {}
        # Every call that reaches the destination goes through this one ordered queue; its
        # time limit is the callback timeout (analytics.timeout(ms), kept by the page's loader).
        self._pipeline = Pipeline(
            self._reporter,
            gate=self._gate,
            timeout_ms=timeout_ms or (lambda: DEFAULT_TIMEOUT_MS),
            scheduler=scheduler,
        )
        # `forward(event, args)`: the page's listener registry (the bridge's); Python's emit is
        # the one source of the call events, so page and Python listeners see the same ones.
        self._forward = forward
        # The Mixpanel destination shares this facade's Reporter; another factory gets the console.
        # `lower`: JavaScript's toLowerCase, lent where str.lower is ASCII-only (MicroPython).
        factory = destination_factory or _mixpanel_destination(lower)
        told = self.console if destination_factory else self._reporter
        self.destination = self._guard("initialize", factory, settings, mixpanel, told)
        self._guard("initialize", self._identify_returning_visitor)

    # -- public calls -------------------------------------------------------------------------

    def identify(self, *args: Any, **kwargs: Any) -> None:
        """identify([user_id], [traits], [options], [callback])."""
        self._guard("identify", self._identify, args, kwargs, None)

    def track(self, *args: Any, **kwargs: Any) -> None:
        """track(event, [properties], [options], [callback])."""
        self._guard("track", self._track, args, kwargs, None)

    def page(self, *args: Any, **kwargs: Any) -> None:
        """page([category], [name], [properties], [options], [callback])."""
        self._guard("page", self._page, args, kwargs, None)

    def screen(self, *args: Any, **kwargs: Any) -> None:
        """screen([category], [name], [properties], [options], [callback]) (analytics-next)."""
        self._guard("screen", self._screen, args, kwargs, None)

    def pageview(self, url: Any = None) -> None:
        """pageview(url): analytics.js's page({path: url}) (page() when url is empty)."""
        self._guard("pageview", self._pageview, url)

    def alias(self, *args: Any, **kwargs: Any) -> None:
        """alias(user_id, [previous_id], [options], [callback])."""
        self._guard("alias", self._alias, args, kwargs, None)

    def group(self, *args: Any, **kwargs: Any) -> Group | None:
        """group([group_id], [traits], [options], [callback]); no arguments returns the group."""
        group: Group | None = self._guard("group", self._group, args, kwargs, None)
        return group

    @property
    def pipeline(self) -> Pipeline:
        """The one ordered queue of calls (the bridge asks whether calls still wait)."""
        return self._pipeline

    def dispatch(self, method: str, args: Sequence[Any], meta: Json | None = None) -> Any:
        """Replay one call from the JS queue; ``meta`` may hold timestamp, messageId, page."""
        if method == "reset":
            return self.reset()
        if method == "consent":
            return self._guard("consent", self._consent, *args)
        if method not in EVENTS and method not in FACADE_CALLS:
            return self._report(method, InvalidCall(method, "unknown method"))
        if not isinstance(args, (list, tuple)):
            problem = f"arguments must be a list, got {type(args).__name__}"
            return self._report(method, InvalidCall(method, problem))
        if method in _PIPELINE_CALLS:
            return getattr(self, _PIPELINE_CALLS[method])(*args)
        if method == "setAnonymousId":
            return self._guard(method, self._set_anonymous_id, *args[:1])
        if method == "pageview":
            return self._guard(method, self._pageview, args[0] if args else None, meta or {})
        return self._guard(method, getattr(self, "_" + method), tuple(args), {}, meta or {})

    # -- the calls, unguarded -----------------------------------------------------------------

    def _identify(self, args: Sequence[Any], kwargs: Json, meta: Json | None) -> None:
        a = arguments.identify(args, kwargs, self._user.id())
        self._warn_unstorable("identify", a.traits)
        self._user.identify(a.user_id, a.traits)
        stamp = self._stamp(meta)
        msg = messages.identify(self._user.id(), self._user.traits(), a.options, stamp)
        self._finish("identify", msg, a.callback, a.user_id, a.traits, a.options)

    def _track(self, args: Sequence[Any], kwargs: Json, meta: Json | None) -> None:
        a = arguments.track(args, kwargs)
        msg = messages.track(a.event, a.properties, a.options, self._stamp(meta))
        # the loader's private mark of a trackLink / trackForm call: the page leaves after it
        dom = (meta or {}).get("dom")
        dom = dom if dom in ("link", "form") else None
        self._finish("track", msg, a.callback, a.event, a.properties, a.options, dom=dom)

    def _page(self, args: Sequence[Any], kwargs: Json, meta: Json | None) -> None:
        a = arguments.page(args, kwargs)
        msg = messages.page(a.category, a.name, a.properties, a.options, self._stamp(meta))
        resolved = (a.category, a.name, msg["properties"], a.options)
        self._finish("page", msg, a.callback, *resolved)

    def _screen(self, args: Sequence[Any], kwargs: Json, meta: Json | None) -> None:
        a = arguments.screen(args, kwargs)
        msg = messages.screen(a.category, a.name, a.properties, a.options, self._stamp(meta))
        self._finish("screen", msg, a.callback, a.category, a.name, msg["properties"], a.options)

    def _pageview(self, url: Any = None, meta: Json | None = None) -> None:
        if url is not None and not isinstance(url, str):
            got = arguments.type_name(url)
            raise InvalidCall("pageview", f"url must be a string, got {got}")
        self._page(({"path": url} if url else {},), {}, meta)

    def _alias(self, args: Sequence[Any], kwargs: Json, meta: Json | None) -> None:
        a = arguments.alias(args, kwargs)
        msg = messages.alias(a.user_id, a.previous_id, a.options, self._stamp(meta))
        self._finish("alias", msg, a.callback, a.user_id, a.previous_id, a.options)

    def _group(self, args: Sequence[Any], kwargs: Json, meta: Json | None) -> Group | None:
        if not args and not kwargs:  # analytics.js: group() only returns the group
            return self._group_entity
        a = arguments.group(args, kwargs, self._group_entity.id())
        self._warn_unstorable("group", a.traits)
        self._group_entity.identify(a.group_id, a.traits)
        stamp = self._stamp(meta)
        msg = messages.group(self._group_entity.id(), self._group_entity.traits(), a.options, stamp)
        self._finish("group", msg, a.callback, a.group_id, a.traits, a.options)
        return None

    # -- shared steps -------------------------------------------------------------------------

    def _stamp(self, meta: Json | None) -> messages.Stamp:
        meta = meta or {}
        time_ms = meta.get("timestamp")
        return messages.Stamp(
            user_id=self._user.id(),
            anonymous_id=self._user.anonymous_id(),
            message_id=meta.get("messageId") or self._new_id(),
            time_ms=self._clock() if time_ms is None else time_ms,
            page=meta.get("page") or self._page_context(),
        )

    def _finish(
        self, method: str, msg: Json, callback: Any, *resolved: Any, dom: str | None = None
    ) -> None:
        """invoke, middleware, gate, deliver, tell listeners, then run the callback (analytics.js's
        order). Through the one queue: at once without middleware, else in call order. `dom`: the
        DOM helper that made a track ("link" or "form"), handed to the destination with it."""

        def deliver(out: Json) -> None:
            extra = (dom,) if dom else ()
            self._attempt(method, "Mixpanel", getattr(self.destination, method), out, *extra)

        def after(_sourced: Json | None) -> None:
            self._emit(method, *resolved)
            if callback is not None:
                self._attempt(method, "callback", callback)

        self._emit("invoke", msg)
        self._pipeline.push(method, msg, deliver, after)

    def _gate(self, msg: Json) -> bool:
        integrations = msg.get("integrations")
        enabled = messages.is_enabled(integrations if isinstance(integrations, dict) else {})
        return self._destination_ready() and enabled
