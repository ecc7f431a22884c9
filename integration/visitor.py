"""Who the visitor is and what they decided, for the facade: one `Visitor` object.

It holds the user, the group and the storage under them (identity.py's rules), and the
visitor's consent decision: stored first-party, it wins over the ``consent`` setting, which is
only the default for visitors who have not decided. Its methods are the checked changes the
calls make (``user().id(x)`` from page JS, ``setAnonymousId``, ``reset``, ``consent``): bad input
raises `InvalidCall` and changes nothing. Must not build messages, must not call the
destination, must not touch storage except through identity.py, must not import js/pyodide.
"""

from __future__ import annotations

from integration import arguments
from integration.errors import InvalidCall
from integration.identity import (
    ConsentStorage,
    Group,
    MemoryStorage,
    User,
    remember_decision,
    stored_decision,
    unstorable,
)

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from integration.errors import Reporter
    from integration.identity import Storage

    Json = dict[str, Any]


def with_stored_decision(settings: Any, decided: bool | None) -> Any:
    """A visitor's stored consent decision wins over the ``consent`` setting, which is only
    the default for visitors who have not decided (a copy: the caller's dict is not changed)."""
    if decided is None or not isinstance(settings, dict):
        return settings
    chosen = dict(settings)
    chosen["consent"] = decided
    return chosen


def _id_like(value: Any) -> bool:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, str) or number


class Visitor:
    """The user, the group and the consent decision, over one storage.

    ``settings``: the page's settings with the stored decision applied (what the destination
    gets); while consent is withheld, identity lives in this page's memory only."""

    def __init__(
        self, storage: Storage | None, new_id: Callable[[], str], settings: Any, reporter: Reporter
    ) -> None:
        self.backing = storage if storage is not None else MemoryStorage()
        self.settings = with_stored_decision(settings, stored_decision(self.backing))
        withheld = isinstance(self.settings, dict) and self.settings.get("consent") is False
        self.store = ConsentStorage(self.backing, not withheld)
        self.user = User(self.store, new_id)
        self.group = Group(self.store)
        self.reporter = reporter

    def values(self, who: str) -> Json:
        """analytics.user() / group()'s values, as the page's mirror keeps them."""
        thing: Any = self.user if who == "user" else self.group
        out = {"id": thing.id(), "traits": thing.traits()}
        if who == "user":
            out["anonymousId"] = self.user.anonymous_id()
        return out

    def change(self, who: str, op: Any, value: tuple[Any, ...]) -> None:
        """analytics.user() / group() from page JS: ``op`` is None (read: nothing changes),
        ``"id"``, ``"anonymousId"`` (user only), ``"traits"`` or ``"logout"`` (user)."""
        call = f"{who}().{op}"
        ops = ("id", "traits") + (("anonymousId", "logout") if who == "user" else ())
        if op is None:
            return
        if op not in ops:
            raise InvalidCall(f"{who}()", f"no such method {op!r}")
        thing: Any = self.user if who == "user" else self.group
        new = value[0] if value else None
        if op == "logout":
            thing.logout()
        elif op == "traits":
            if new is not None and not isinstance(new, dict):
                got = arguments.type_name(new)
                raise InvalidCall(call, f"traits must be an object, got {got}; nothing changed")
            self.warn_unstorable(call, new)
            thing.traits(new)
        elif new is not None and not _id_like(new):
            got = arguments.type_name(new)
            raise InvalidCall(call, f"id must be a string or a number, got {got}; nothing changed")
        elif op == "id":
            thing.id(new)
        else:
            thing.anonymous_id(new)

    def set_anonymous_id(self, anonymous_id: Any = None) -> None:
        if not _id_like(anonymous_id):
            got = arguments.type_name(anonymous_id)
            raise InvalidCall("setAnonymousId", f"anonymous id must be a string, got {got}")
        self.user.anonymous_id(anonymous_id)

    def reset(self) -> None:
        """Log out: forget user id, traits and group; make a new anonymous id."""
        self.user.reset()
        self.group.reset()

    def decide(self, granted: Any) -> bool:
        """Store the visitor's consent decision and apply it to the identity's storage;
        answers whether it changed the decision in force before."""
        if not isinstance(granted, bool):
            got = arguments.type_name(granted)
            raise InvalidCall("consent", f"takes true or false, got {got}; nothing changed")
        changed = granted != self.store.persist  # the decision in force before this call
        remember_decision(self.backing, granted)  # first, so it holds even if the rest fails
        self.store.consent(granted)
        return changed

    def warn_unstorable(self, call: str, traits: Json | None) -> None:
        """Traits are kept as JSON, as analytics.js keeps them: functions cannot be. Say so."""
        paths = sorted(unstorable(traits)) if traits else []  # sorted: same on MicroPython
        if paths:
            where = ", ".join("traits." + path for path in paths[:5])
            more = f" and {len(paths) - 5} more" if len(paths) > 5 else ""
            self.reporter.warn(call, f"{where}{more}: a function is not kept; dropped")
