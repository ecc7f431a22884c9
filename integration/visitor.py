"""The facade's calls on who the visitor is, none of which sends a message (`VisitorCalls`).

`user()` and `entity` (analytics.user() / analytics.group() from page JS), `set_anonymous_id`,
`reset` and `consent`; the warning for traits that cannot be stored; and, at start, the stored
consent decision over the ``consent`` setting (`with_stored_decision`) and a returning
visitor's identify. Reset and consent reach the destination as ordered steps of the pipeline,
so they never overtake a message that waits for its middleware.

A layer of the facade (see guarded.py), on `Hooks`, under `Analytics`; its state (user, group,
consent storage) is made by `Analytics.__init__` and its rules are identity.py's. Must not
build messages, must not touch storage except through identity.py, must not import js/pyodide.
"""

from __future__ import annotations

from integration import arguments
from integration.errors import InvalidCall
from integration.hooks import Hooks
from integration.identity import remember_decision, unstorable

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from typing import Any

    from integration.identity import ConsentStorage, Group, Storage, User

    Json = dict[str, Any]


def with_stored_decision(settings: Any, decided: bool | None) -> Any:
    """A visitor's stored consent decision wins over the ``consent`` setting, which is only
    the default for visitors who have not decided (a copy: the caller's dict is not changed)."""
    if decided is None or not isinstance(settings, dict):
        return settings
    chosen = dict(settings)
    chosen["consent"] = decided
    return chosen


class VisitorCalls(Hooks):
    """The user, the group, the anonymous id and the consent decision, as calls."""

    if TYPE_CHECKING:  # made by Analytics.__init__
        _user: User
        _group_entity: Group
        _store: ConsentStorage
        _backing: Storage

    def set_anonymous_id(self, anonymous_id: Any = None) -> None:
        """setAnonymousId(id): store the anonymous id later calls carry."""
        self._guard("setAnonymousId", self._set_anonymous_id, anonymous_id)

    def reset(self) -> None:
        """Log out: forget user id, traits and group; make a new anonymous id."""
        self._guard("reset", self._reset)

    def consent(self, granted: Any) -> None:
        """Give (True) or withdraw (False) consent to tracking. The decision is stored and wins
        over the ``consent`` setting on every later page, until it is changed."""
        self._guard("consent", self._consent, granted)

    def user(self) -> User:
        """The stored user: ``id()``, ``anonymous_id()``, ``traits()`` (each also a setter),
        ``logout()``."""
        return self._user

    def entity(self, who: Any, op: Any = None, *value: Any) -> Json:
        """analytics.user() / analytics.group() from page JS, as one call: ``op`` is None
        (read), ``"id"``, ``"anonymousId"`` (user only) or ``"traits"`` with the new value, or
        ``"logout"`` (user). Answers the entity's values after the call; bad input changes
        nothing and costs one console line naming the call."""
        if who not in ("user", "group"):
            who = "user"
        thing: Any = self._user if who == "user" else self._group_entity
        self._guard(who + "()." + str(op), self._entity_op, who, thing, op, value)
        out = {"id": thing.id(), "traits": thing.traits()}
        if who == "user":
            out["anonymousId"] = thing.anonymous_id()
        return out

    def _entity_op(self, who: str, thing: Any, op: Any, value: tuple[Any, ...]) -> None:
        call = f"{who}().{op}"
        ops = ("id", "traits") + (("anonymousId", "logout") if who == "user" else ())
        if op is None:
            return
        if op not in ops:
            raise InvalidCall(f"{who}()", f"no such method {op!r}")
        if op == "logout":
            thing.logout()
            return
        new = value[0] if value else None
        if op == "traits":
            if new is not None and not isinstance(new, dict):
                got = arguments.type_name(new)
                raise InvalidCall(call, f"traits must be an object, got {got}; nothing changed")
            self._warn_unstorable(call, new)
            thing.traits(new)
            return
        number = isinstance(new, (int, float)) and not isinstance(new, bool)
        if new is not None and not (isinstance(new, str) or number):
            got = arguments.type_name(new)
            raise InvalidCall(call, f"id must be a string or a number, got {got}; nothing changed")
        if op == "id":
            thing.id(new)
        else:
            thing.anonymous_id(new)

    def _set_anonymous_id(self, anonymous_id: Any = None) -> None:
        number = isinstance(anonymous_id, (int, float)) and not isinstance(anonymous_id, bool)
        if not (isinstance(anonymous_id, str) or number):
            got = arguments.type_name(anonymous_id)
            raise InvalidCall("setAnonymousId", f"anonymous id must be a string, got {got}")
        self._user.anonymous_id(anonymous_id)

    def _reset(self) -> None:
        self._user.reset()
        self._group_entity.reset()
        self._pipeline.step("reset", self._reset_destination)

    def _reset_destination(self) -> None:
        if self._destination_ready():
            self._attempt("reset", "Mixpanel", self.destination.reset)
        self._emit("reset")

    def _consent(self, granted: Any) -> None:
        if not isinstance(granted, bool):
            got = arguments.type_name(granted)
            raise InvalidCall("consent", f"takes true or false, got {got}; nothing changed")
        changed = granted != self._store.persist  # the decision in force before this call
        remember_decision(self._backing, granted)  # first, so it holds even if the rest fails
        self._store.consent(granted)

        def tell() -> None:
            if self._destination_ready():
                self._attempt("consent", "Mixpanel", self.destination.consent, granted, changed)

        self._pipeline.step("consent", tell)

    def _warn_unstorable(self, method: str, traits: Json | None) -> None:
        """Traits are kept as JSON, as analytics.js keeps them: functions cannot be. Say so."""
        paths = sorted(unstorable(traits)) if traits else []  # sorted: same on MicroPython
        if paths:
            where = ", ".join("traits." + path for path in paths[:5])
            more = f" and {len(paths) - 5} more" if len(paths) > 5 else ""
            self._reporter.warn(method, f"{where}{more}: a function is not kept; dropped")

    def _identify_returning_visitor(self) -> None:
        """mixpanel.js holds People updates until identify runs in this page: run it first
        (the id only; the cached traits were sent when they were set)."""
        user_id = self._user.id()
        if user_id is None or not self._destination_ready():
            return
        self._attempt("identify", "Mixpanel", self.destination.returning_visitor, user_id)
