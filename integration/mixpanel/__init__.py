"""The Mixpanel destination: Segment messages in, mixpanel.js calls out.

Package map:
- `settings`  Segment's settings → validated options → ``mixpanel.init`` config
- `peer_checks` the checks of the settings peers offer (and the loader's), for `settings`
- `traits`    identify mapping
- `alias_group` alias and group mapping
- `events`    track / page mapping
- `calls`     the only code that calls the mixpanel.js object; sanitizes payloads and
              reports each problem with one console.warn per call

The settings table itself (names, kinds, defaults, help) is integration/surface.py's; the
JavaScript value semantics are integration/jsvalues.py.

`MixpanelDestination(settings, mixpanel, console)` validates the settings, calls
``mixpanel.init(token, config)`` once and registers ``mp_lib``. Each public method takes one
Segment-shaped message dict (dates already parsed by the facade). Bad input raises
`InvalidCall` inside; the destination hands it to its `errors.Reporter` (the facade's, so one
format and one strict flag): one ``console.error`` and the call returns, or, strict, it raises.
The destination never writes a console line itself. Without a token, or when init fails,
``enabled`` is False and every call is dropped silently. Must not import js/pyodide.
"""

from __future__ import annotations

from integration import errors
from integration.errors import InvalidCall
from integration.jsnumbers import is_number
from integration.jsvalues import describe, truthy
from integration.mixpanel import events, settings, traits
from integration.mixpanel.calls import Calls, utc_now

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from typing import Any

    Handler = Callable[[dict[str, Any], dict[str, Any], Calls], None]

MP_LIB = {"mp_lib": "Segment: web"}

__all__ = ["InvalidCall", "MixpanelDestination", "MP_LIB"]


class MixpanelDestination:
    """Segment's classic Mixpanel device-mode integration, driven by plain message dicts."""

    def __init__(
        self,
        settings_object: Any,
        mixpanel: Any,
        console: Any,
        clock: Callable[[], datetime] = utc_now,
        strict: bool = False,
        lower: Callable[[str], str] | None = None,
    ) -> None:
        # A plain console gets a Reporter of its own; the facade's Reporter brings its flag.
        self.report = errors.reporter(console, strict)
        self.calls = Calls(mixpanel, self.report, clock, lower)
        lines = self.report.console
        self.options = settings.read_settings(
            settings_object, lines.warn, lines.error, lower, lines.info
        )
        self.enabled = False
        self.geolocation_off = False
        if not self.options["token"]:
            self.report.error("Mixpanel", "no token in the settings; nothing will be sent")
            return
        self.enabled = self._initialise()

    def _initialise(self) -> bool:
        config = settings.init_config(self.options, self.report.console.warn)
        try:
            # A page with a Mixpanel of its own: a named instance, the page's left as it is.
            name = self.options["_instance"]
            named = (name,) if name else ()
            self.calls.send("init", self.options["token"], config, *named)
            self.calls.send("register", MP_LIB)
        except Exception as exc:  # a JS error from mixpanel.js arrives as any Exception
            self.report.error("Mixpanel", f"mixpanel.init failed ({exc}); disabled")
            return False
        return True

    def identify(self, message: Any) -> None:
        self._deliver("identify", traits.identify, message)

    def returning_visitor(self, user_id: Any) -> None:
        """A page load with a stored user id: ``mixpanel.identify(userId)`` only, so People
        updates queued in mixpanel.js go out; no traits: cached traits are stale and would
        overwrite newer People values."""
        if self.enabled and truthy(user_id):
            self.calls.send("identify", user_id)

    def track(self, message: Any, dom: Any = None) -> None:
        """`dom`: "link" or "form" when trackLink / trackForm made the call (the page leaves
        right after: mixpanel.js sends it at once, by sendBeacon), else None."""
        if dom is None:
            self._deliver("track", events.track, message)
        else:
            self._deliver("track", lambda m, o, c: events.track(m, o, c, dom), message)

    def page(self, message: Any) -> None:
        self._deliver("page", events.page, message)

    def screen(self, message: Any) -> None:
        """Beyond the original (web only): the page rules with "Screen" for "Page"."""
        self._deliver("screen", events.screen, message)

    def alias(self, message: Any) -> None:
        self._deliver("alias", _alias, message)

    def group(self, message: Any) -> None:
        self._deliver("group", _group, message)

    def reset(self) -> None:
        """Beyond the original: mixpanel.js forgets the user (new device id, no super
        properties, persistence cleared); ``mp_lib`` is registered again."""
        if self.enabled:
            self.calls.send("reset")
            self.calls.send("register", MP_LIB)

    def consent(self, granted: bool, changed: bool = True) -> None:
        """Beyond the original: consent given → ``opt_in_tracking()`` (persistence back on,
        one ``$opt_in`` event); given again while already given (``changed`` False) →
        ``opt_in_tracking({track: false})``: mixpanel.js's opt-in flag and persistence are
        written again, so they cannot drift from the decision, but no event is sent;
        withdrawn → ``opt_out_tracking`` (persistence cleared, nothing sent; the People
        profile is kept: erasing it is a separate request, not a consent switch)."""
        if not self.enabled:
            return
        if granted and changed:
            self.calls.send("opt_in_tracking")
        elif granted:
            self.calls.send("opt_in_tracking", {"track": False})
        else:
            self.calls.send("opt_out_tracking", {"delete_user": False})

    def _geolocation(self, message: dict[str, Any]) -> None:
        """analytics.js's ``context.ip === 0`` means "do not geolocate": from that call on,
        this page's mixpanel.js sends ``ip=0`` (``set_config({ip: false})``), once."""
        context = message.get("context")
        ip = context.get("ip") if isinstance(context, dict) else None
        no_ip = is_number(ip) and ip == 0
        if no_ip and not self.geolocation_off:
            self.calls.send("set_config", {"ip": False})
            self.geolocation_off = True

    def _deliver(self, method: str, handler: Handler, message: Any) -> None:
        if not self.enabled:
            return
        try:
            if not isinstance(message, dict):
                raise InvalidCall(method, f"message must be an object, got {describe(message)}")
            self._geolocation(message)
            handler(message, self.options, self.calls)
        except InvalidCall as exc:
            self.report.failed(exc.method, exc)


def _group(message: dict[str, Any], options: dict[str, Any], calls: Calls) -> None:
    from integration.mixpanel import alias_group  # late: not on the first event's path

    alias_group.group(message, options, calls)


def _alias(message: dict[str, Any], options: dict[str, Any], calls: Calls) -> None:
    """As the original, then beyond it: a missing new id (which the original's guard skips
    silently, as undefined === undefined) is reported; under ``identityMergeApi:
    "simplified"`` nothing is sent, with one line saying why."""
    if options["identityMergeApi"] == "simplified":
        calls.report.warn(
            "alias",
            'not sent: identityMergeApi is "simplified", where Mixpanel '
            "links a visitor's ids at identify and alias would not merge them",
        )
        return
    from integration.mixpanel import alias_group  # late: not on the first event's path

    alias_group.alias(message, options, calls)
    if message.get("userId") is None and message.get("to") is None:
        raise InvalidCall("alias", "user id is missing")
