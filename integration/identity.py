"""Who the visitor is, as analytics.js keeps it: user id, anonymous id, traits, group.

State lives behind a three-method storage protocol (``get``/``set``/``remove`` of JSON strings
under analytics.js's own keys), so tests use ``MemoryStorage`` and the browser bridge uses
cookies/localStorage. Every read asks the storage object; nothing is kept here. The browser's
storage (bridge.adapters.HostStorage) caches what it read for the life of the page, for speed,
so another tab's login is seen on the next page load, not mid-page. Must not build messages,
talk to the destination or import anything browser-specific.
"""

from __future__ import annotations

import json
import math

from integration import surface
from integration.dates import is_date, to_iso
from integration.jsnumbers import is_number
from integration.sanitize import is_function
from integration.walk import OMIT, deep_map, leaves

try:
    import uuid
except ImportError:  # MicroPython: the bridge passes the browser's crypto.randomUUID instead
    uuid = None  # type: ignore[assignment]
HAS_UUID = uuid is not None

TYPE_CHECKING = False  # mypy reads this name; MicroPython has no `typing` module
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Protocol

    class Storage(Protocol):
        def get(self, key: str) -> str | None: ...
        def set(self, key: str, value: str) -> None: ...
        def remove(self, key: str) -> None: ...


USER_ID = surface.STORAGE["user_id"]
ANONYMOUS_ID = surface.STORAGE["anonymous_id"]
USER_TRAITS = surface.STORAGE["user_traits"]
GROUP_ID = surface.STORAGE["group_id"]
GROUP_TRAITS = surface.STORAGE["group_traits"]
CONSENT = surface.STORAGE["consent"]  # the visitor's decision, "1" or "0"; the stub reads it

_UNSET: Any = object()


class MemoryStorage:
    """The storage protocol over a dict: for tests and for pages without cookies."""

    def __init__(self, initial: dict[str, str] | None = None) -> None:
        self.data: dict[str, str] = dict(initial or {})

    def get(self, key: str) -> str | None:
        return self.data.get(key)

    def set(self, key: str, value: str) -> None:
        self.data[key] = value

    def remove(self, key: str) -> None:
        self.data.pop(key, None)


IDENTITY_KEYS = (USER_ID, ANONYMOUS_ID, USER_TRAITS, GROUP_ID, GROUP_TRAITS)


def stored_decision(storage: Storage) -> bool | None:
    """The visitor's stored consent decision, or None while they have not decided."""
    raw = storage.get(CONSENT)
    return True if raw == "1" else False if raw == "0" else None


def remember_decision(storage: Storage, granted: bool) -> None:
    """Store the visitor's decision (`CONSENT`): it holds on every later page until changed."""
    storage.set(CONSENT, "1" if granted else "0")


class ConsentStorage:
    """Beyond analytics.js: while consent is withheld, identity lives in this page's memory only.

    Writes go to an overlay (a removal is kept as None) and nothing reaches cookies or
    localStorage; reads see the overlay first, then what was stored before. Consent given
    writes the overlay through; consent withdrawn moves the stored identity into the overlay
    and deletes it from the browser, so this page keeps its visitor and the browser keeps
    nothing. The decision itself is stored first-party by `remember_decision`.
    """

    def __init__(self, backing: Storage, persist: bool = True) -> None:
        self._backing = backing
        self._overlay: dict[str, str | None] = {}
        self.persist = persist

    def get(self, key: str) -> str | None:
        if key in self._overlay:
            return self._overlay[key]
        return self._backing.get(key)

    def set(self, key: str, value: str) -> None:
        if self.persist:
            self._backing.set(key, value)
        else:
            self._overlay[key] = value

    def remove(self, key: str) -> None:
        if self.persist:
            self._backing.remove(key)
        else:
            self._overlay[key] = None

    def consent(self, granted: bool) -> None:
        if granted and not self.persist:
            self.persist = True
            for key, value in self._overlay.items():
                if value is None:
                    self._backing.remove(key)
                else:
                    self._backing.set(key, value)
            self._overlay.clear()
        elif not granted:
            for key in IDENTITY_KEYS:
                if key not in self._overlay:
                    self._overlay[key] = self._backing.get(key)
                self._backing.remove(key)
            self.persist = False


def unstorable(value: Any) -> list[str]:
    """Paths of the functions in ``value``: JSON cannot keep them, so stored traits lose them."""
    return [path for path, item in leaves(value) if is_function(item)]


def _storable_leaf(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if is_function(value):
        return OMIT
    return to_iso(value) if is_date(value) else None


def _storable(value: Any) -> Any:
    """What JSON.stringify would store: a Date as its ISO string; a function under a key left
    out, and in a list (like a non-finite number or anything else without a JSON form) null.
    Done before json.dumps (MicroPython has no `default=`)."""
    return deep_map(value, _storable_leaf, sequences=(list, tuple))


def _load(storage: Storage, key: str) -> Any:
    raw = storage.get(key)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:  # a cookie written by someone else: analytics.js treats it as absent
        return None


def _save(storage: Storage, key: str, value: Any) -> None:
    if value is None:
        storage.remove(key)
    else:
        storage.set(key, json.dumps(_storable(value)))


def new_uuid() -> str:
    """A random (version 4) UUID string."""
    if uuid is not None:
        return str(uuid.uuid4())
    import random  # MicroPython without a browser: its PRNG, seeded at start-up

    hexes = "".join(f"{random.getrandbits(16):04x}" for _ in range(8))
    variant = "89ab"[random.getrandbits(2)]
    return f"{hexes[:8]}-{hexes[8:12]}-4{hexes[13:16]}-{variant}{hexes[17:20]}-{hexes[20:32]}"


class Entity:
    """An id plus traits, with analytics.js's merge rule (``Entity.prototype.identify``)."""

    def __init__(self, storage: Storage, id_key: str, traits_key: str) -> None:
        self._storage = storage
        self._id_key = id_key
        self._traits_key = traits_key

    def id(self, value: Any = _UNSET) -> Any:
        """Read the stored id, or store ``value`` (None removes it)."""
        if value is not _UNSET:
            _save(self._storage, self._id_key, value)
        return _load(self._storage, self._id_key)

    def traits(self, value: Any = _UNSET) -> dict[str, Any]:
        """Read the stored traits (``{}`` when none), or replace them with ``value``."""
        if value is not _UNSET:
            _save(self._storage, self._traits_key, value or None)
        stored = _load(self._storage, self._traits_key)
        return stored if isinstance(stored, dict) else {}

    def identify(self, new_id: Any, traits: dict[str, Any] | None) -> None:
        """Same or no stored id: merge traits; another id: replace; a falsy id keeps the id."""
        current = self.id()
        merged = dict(traits or {})
        if current is None or _same(current, new_id):
            merged = _merged(self.traits(), merged)
        if new_id:
            self.id(new_id)
        self.traits(merged)

    def reset(self) -> None:
        self.id(None)
        self.traits(None)


def _merged(*parts: dict[str, Any]) -> dict[str, Any]:
    """{**a, **b, ...} (MicroPython has no dict unpacking in displays)."""
    out: dict[str, Any] = {}
    for part in parts:
        out.update(part)
    return out


def _same(a: Any, b: Any) -> bool:
    # JavaScript's ===: 1 and "1" differ, and so do True and 1; 1 and 1.0 do not.
    if is_number(a) and is_number(b):
        return bool(a == b)
    return type(a) is type(b) and bool(a == b)


class User(Entity):
    """The visitor: an Entity plus an anonymous id made on first read."""

    def __init__(self, storage: Storage, new_id: Callable[[], str] | None = None) -> None:
        super().__init__(storage, USER_ID, USER_TRAITS)
        self._new_id = new_id or new_uuid

    def id(self, value: Any = _UNSET) -> Any:
        """As Entity.id; switching from one user id to another also forgets the anonymous id."""
        previous = _load(self._storage, USER_ID)
        stored = super().id(value)
        # analytics.js compares with == here (so 1 and "1" count as the same user).
        if previous is not None and value is not _UNSET and value and str(previous) != str(value):
            self._storage.remove(ANONYMOUS_ID)
        return stored

    def anonymous_id(self, value: Any = _UNSET) -> Any:
        """Read the anonymous id (made and stored when missing), or store ``value``."""
        if value is not _UNSET:
            _save(self._storage, ANONYMOUS_ID, value)
        current = _load(self._storage, ANONYMOUS_ID)
        if current is None:
            current = self._new_id()
            _save(self._storage, ANONYMOUS_ID, current)
        return current

    def logout(self) -> None:
        """analytics.user().logout(): no user id and no traits (the anonymous id stays)."""
        Entity.reset(self)

    def reset(self) -> None:
        """Log out: no user id, no traits, and a fresh anonymous id."""
        super().reset()
        self._storage.remove(ANONYMOUS_ID)
        self.anonymous_id()


class Group(Entity):
    def __init__(self, storage: Storage) -> None:
        super().__init__(storage, GROUP_ID, GROUP_TRAITS)
