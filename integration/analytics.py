"""The analytics.js facade: the object page code (through the bridge) and Python code call.

Every public call has the same shape: resolve the arguments (``arguments.py``) → update the
stored identity → build the message (``messages.py``) → ask the integrations gate → deliver to
the destination → tell listeners → run the callback. Every public method is guarded: bad input
or a failing destination costs one ``console.error`` line and the call, never an exception in
the page (``strict=True`` re-raises, for tests). Must not import js/pyodide.

`Analytics` is one class that hands each concern to a small object it owns:

- ``_reporter`` (errors.py `Reporter`): the guard around every call, and its console lines;
- ``_visitor`` (visitor.py `Visitor`): the user, the group and the consent decision;
- ``_listeners`` (listeners.py `Listeners`): on / once / off, and the page's registry;
- ``_pipeline`` (middleware.py `Pipeline`): the one ordered queue of calls and the middleware;
- ``destination`` (mixpanel/ `MixpanelDestination`, or a test's): what each call reaches;
- ``_seams`` (`Seams`, below): what it was handed from outside: clock, ids, page, console.
"""

from __future__ import annotations

import sys
import time

from integration import arguments, messages, surface
from integration.errors import InvalidCall, Reporter
from integration.identity import new_uuid
from integration.listeners import Listeners
from integration.middleware import Pipeline
from integration.visitor import Visitor

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from integration.identity import Group, Storage, User
    from integration.middleware import Scheduler

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


class Seams:
    """What the facade is handed from outside (the bridge, or a test), each with its default.

    `clock` (ms since the epoch), `new_id` (message and anonymous ids) and `page_context` are
    read at call time, so queued calls keep the time and page they were made at. `lower`:
    JavaScript's toLowerCase, lent where str.lower is ASCII-only (MicroPython). `scheduler` and
    `timeout_ms` (the callback timeout, analytics.timeout(ms), kept by the page's loader) are
    the pipeline's; `forward(event, args)` is the page's listener registry (the bridge's)."""

    def __init__(
        self,
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
        self.storage = storage
        self.clock = clock or (lambda: time.time() * 1000)
        self.new_id = new_id or new_uuid
        self.page_context = page_context or _blank_page
        self.strict = strict
        # The Mixpanel destination shares the facade's Reporter; another factory gets the console.
        self.own_destination = destination_factory is not None
        self.destination_factory = destination_factory or _mixpanel_destination(lower)
        self.scheduler = scheduler
        self.timeout_ms = timeout_ms
        self.forward = forward


class Analytics:
    """analytics.js's public API in front of one destination (Mixpanel)."""

    def __init__(self, settings: Json, mixpanel: Any, **seams: Any) -> None:
        """``seams``: the keywords of `Seams` (console, storage, clock, new_id, page_context,
        strict, destination_factory, lower, scheduler, timeout_ms, forward), all optional."""
        self._seams = given = Seams(**seams)
        self.console = given.console
        self._reporter = Reporter(given.console, given.strict)
        self._visitor = Visitor(given.storage, given.new_id, settings, self._reporter)
        self._listeners = Listeners(self._reporter, given.forward)
        # Every call that reaches the destination goes through this one ordered queue.
        self._pipeline = Pipeline(
            self._reporter, gate=self._gate, timeout_ms=given.timeout_ms, scheduler=given.scheduler
        )
        told = given.console if given.own_destination else self._reporter
        make, decided = given.destination_factory, self._visitor.settings
        self.destination = self._reporter.guard("initialize", make, decided, mixpanel, told)
        self._reporter.guard("initialize", self._identify_returning_visitor)

    # -- the calls that send a message --------------------------------------------------------

    def identify(self, *args: Any, **kwargs: Any) -> None:
        """identify([user_id], [traits], [options], [callback])."""
        self._reporter.guard("identify", self._identify, args, kwargs, None)

    def track(self, *args: Any, **kwargs: Any) -> None:
        """track(event, [properties], [options], [callback])."""
        self._reporter.guard("track", self._track, args, kwargs, None)

    def page(self, *args: Any, **kwargs: Any) -> None:
        """page([category], [name], [properties], [options], [callback])."""
        self._reporter.guard("page", self._page, args, kwargs, None)

    def screen(self, *args: Any, **kwargs: Any) -> None:
        """screen([category], [name], [properties], [options], [callback]) (analytics-next)."""
        self._reporter.guard("screen", self._screen, args, kwargs, None)

    def pageview(self, url: Any = None) -> None:
        """pageview(url): analytics.js's page({path: url}) (page() when url is empty)."""
        self._reporter.guard("pageview", self._pageview, url)

    def alias(self, *args: Any, **kwargs: Any) -> None:
        """alias(user_id, [previous_id], [options], [callback])."""
        self._reporter.guard("alias", self._alias, args, kwargs, None)

    def group(self, *args: Any, **kwargs: Any) -> Group | None:
        """group([group_id], [traits], [options], [callback]); no arguments returns the group."""
        group: Group | None = self._reporter.guard("group", self._group, args, kwargs, None)
        return group

    # -- the calls on who the visitor is ------------------------------------------------------

    def set_anonymous_id(self, anonymous_id: Any = None) -> None:
        """setAnonymousId(id): store the anonymous id later calls carry."""
        self._reporter.guard("setAnonymousId", self._visitor.set_anonymous_id, anonymous_id)

    def reset(self) -> None:
        """Log out: forget user id, traits and group; make a new anonymous id."""
        self._reporter.guard("reset", self._reset)

    def consent(self, granted: Any) -> None:
        """Give (True) or withdraw (False) consent to tracking. The decision is stored and wins
        over the ``consent`` setting on every later page, until it is changed."""
        self._reporter.guard("consent", self._consent, granted)

    def user(self) -> User:
        """The stored user: ``id()``, ``anonymous_id()``, ``traits()`` (each also a setter),
        ``logout()``."""
        return self._visitor.user

    def entity(self, who: Any, op: Any = None, *value: Any) -> Json:
        """analytics.user() / analytics.group() from page JS, as one call: ``op`` is None
        (read), ``"id"``, ``"anonymousId"`` (user only) or ``"traits"`` with the new value, or
        ``"logout"`` (user). Answers the entity's values after the call; bad input changes
        nothing and costs one console line naming the call."""
        if who not in ("user", "group"):
            who = "user"
        self._reporter.guard(who + "()." + str(op), self._visitor.change, who, op, value)
        return self._visitor.values(who)

    # -- listeners and middleware -------------------------------------------------------------

    def on(self, event: str, fn: Callable[..., Any]) -> None:
        """Call ``fn(*resolved_arguments)`` after every ``event`` call."""
        self._reporter.guard("on", self._listeners.add, event, fn, False)

    def once(self, event: str, fn: Callable[..., Any]) -> None:
        """Call ``fn(*resolved_arguments)`` after the next ``event`` call only."""
        self._reporter.guard("once", self._listeners.add, event, fn, True)

    def off(self, event: str, fn: Callable[..., Any] | None = None) -> None:
        """Remove ``fn`` (or every listener of ``event`` when ``fn`` is None)."""
        self._listeners.remove(event, fn)

    def add_source_middleware(self, *middleware: Any) -> None:
        """addSourceMiddleware(middleware): ``middleware(ctx)`` sees every call's message
        (``ctx.payload.obj``) and continues it with ``ctx.next(payload)`` (see middleware.py)."""
        call = "addSourceMiddleware"
        self._reporter.guard(call, self._pipeline.add_source, call, middleware)

    def add_destination_middleware(self, integration: Any = None, *middleware: Any) -> None:
        """addDestinationMiddleware(integration, ...middleware): only on what that destination
        ('Mixpanel') receives."""
        call = "addDestinationMiddleware"
        self._reporter.guard(call, self._pipeline.add_destination, call, integration, middleware)

    def add_integration_middleware(self, *middleware: Any) -> None:
        """addIntegrationMiddleware(middleware): on what every destination (Mixpanel) receives."""
        call = "addIntegrationMiddleware"
        self._reporter.guard(call, self._pipeline.add_integration, call, middleware)

    def register(self, *plugins: Any) -> None:
        """register(...plugins): analytics-next plugins are page JavaScript objects, taken by the
        loader (static/boot-page.mjs); from Python, use add_source_middleware."""
        problem = "plugins are page JavaScript objects; from Python use add_source_middleware"
        self._reporter.final("register", InvalidCall("register", problem + "; nothing registered"))

    @property
    def pipeline(self) -> Pipeline:
        """The one ordered queue of calls (the bridge asks whether calls still wait)."""
        return self._pipeline

    def dispatch(self, method: str, args: Sequence[Any], meta: Json | None = None) -> Any:
        """Replay one call from the JS queue; ``meta`` may hold timestamp, messageId, page."""
        guard = self._reporter.guard
        if method == "reset":
            return self.reset()
        if method == "consent":
            return guard("consent", self._consent, *args)
        if method not in EVENTS and method not in FACADE_CALLS:
            return self._reporter.final(method, InvalidCall(method, "unknown method"))
        if not isinstance(args, (list, tuple)):
            problem = f"arguments must be a list, got {type(args).__name__}"
            return self._reporter.final(method, InvalidCall(method, problem))
        if method in _PIPELINE_CALLS:
            return getattr(self, _PIPELINE_CALLS[method])(*args)
        if method == "setAnonymousId":
            return guard(method, self._visitor.set_anonymous_id, *args[:1])
        if method == "pageview":
            return guard(method, self._pageview, args[0] if args else None, meta or {})
        return guard(method, getattr(self, "_" + method), tuple(args), {}, meta or {})

    # -- the calls, unguarded -----------------------------------------------------------------

    def _identify(self, args: Sequence[Any], kwargs: Json, meta: Json | None) -> None:
        user = self._visitor.user
        a = arguments.identify(args, kwargs, user.id())
        self._visitor.warn_unstorable("identify", a.traits)
        user.identify(a.user_id, a.traits)
        msg = messages.identify(user.id(), user.traits(), a.options, self._stamp(meta))
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
        group = self._visitor.group
        if not args and not kwargs:  # analytics.js: group() only returns the group
            return group
        a = arguments.group(args, kwargs, group.id())
        self._visitor.warn_unstorable("group", a.traits)
        group.identify(a.group_id, a.traits)
        msg = messages.group(group.id(), group.traits(), a.options, self._stamp(meta))
        self._finish("group", msg, a.callback, a.group_id, a.traits, a.options)
        return None

    def _reset(self) -> None:
        self._visitor.reset()
        self._pipeline.step("reset", self._reset_destination)

    def _reset_destination(self) -> None:
        if self._destination_ready():
            self._reporter.attempt("reset", "Mixpanel", self.destination.reset)
        self._listeners.emit("reset")

    def _consent(self, granted: Any) -> None:
        changed = self._visitor.decide(granted)

        def tell() -> None:
            if self._destination_ready():
                consent = self.destination.consent
                self._reporter.attempt("consent", "Mixpanel", consent, granted, changed)

        # a step of the queue, so it never overtakes a message that waits for its middleware
        self._pipeline.step("consent", tell)

    def _identify_returning_visitor(self) -> None:
        """mixpanel.js holds People updates until identify runs in this page: run it first
        (the id only; the cached traits were sent when they were set)."""
        user_id = self._visitor.user.id()
        if user_id is None or not self._destination_ready():
            return
        returning = self.destination.returning_visitor
        self._reporter.attempt("identify", "Mixpanel", returning, user_id)

    # -- shared steps -------------------------------------------------------------------------

    def _stamp(self, meta: Json | None) -> messages.Stamp:
        meta = meta or {}
        time_ms = meta.get("timestamp")
        return messages.Stamp(
            user_id=self._visitor.user.id(),
            anonymous_id=self._visitor.user.anonymous_id(),
            message_id=meta.get("messageId") or self._seams.new_id(),
            time_ms=self._seams.clock() if time_ms is None else time_ms,
            page=meta.get("page") or self._seams.page_context(),
        )

    def _finish(
        self, method: str, msg: Json, callback: Any, *resolved: Any, dom: str | None = None
    ) -> None:
        """invoke, middleware, gate, deliver, tell listeners, then run the callback (analytics.js's
        order). Through the one queue: at once without middleware, else in call order. `dom`: the
        DOM helper that made a track ("link" or "form"), handed to the destination with it."""

        def deliver(out: Json) -> None:
            extra = (dom,) if dom else ()
            self._reporter.attempt(
                method, "Mixpanel", getattr(self.destination, method), out, *extra
            )

        def after(_sourced: Json | None) -> None:
            self._listeners.emit(method, *resolved)
            if callback is not None:
                self._reporter.attempt(method, "callback", callback)

        self._listeners.emit("invoke", msg)
        self._pipeline.push(method, msg, deliver, after)

    def _destination_ready(self) -> bool:
        """Whether there is an enabled destination to hand anything to."""
        return self.destination is not None and getattr(self.destination, "enabled", True)

    def _gate(self, msg: Json) -> bool:
        integrations = msg.get("integrations")
        enabled = messages.is_enabled(integrations if isinstance(integrations, dict) else {})
        return self._destination_ready() and enabled
