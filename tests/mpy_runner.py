"""Replays behaviour-corpus sessions through the integration; runs on CPython and MicroPython.

Portable on purpose (no typing, no dataclasses, no dict unpacking): the browser test runs this
very file inside the page's MicroPython, and tests/mpy_corpus.py runs it on CPython for the
expected outputs. Values travel as JSON with a few tagged forms under the key "\\u0000":
dates (exact fields), non-finite numbers, tuples and callbacks.

A session is {"kind": "destination" | "analytics", "settings", "strict", "distinct_id",
"super", "steps": [[method, args, kwargs], ...]}; its result lists every mixpanel.js call, every
console line, every callback run, what each step raised, and (analytics) the stored identity.
"""

import json
from datetime import datetime, timezone

from integration.dates import INVALID_DATE

MARK = "\u0000"
UTC = timezone.utc
CLOCK = datetime(2021, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)
PAGE = {"path": "/p", "referrer": "", "search": "?q=1", "title": "T", "url": "https://x.test/p?q=1"}


class Unencodable(Exception):
    pass


def encode(value):
    """Python value -> tagged JSON-ready value (raises Unencodable for anything else)."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return {MARK: "num", "v": repr(value)}
        return value
    if value is INVALID_DATE:
        return {MARK: "date", "v": None}
    if isinstance(value, datetime):
        u = value if value.tzinfo is None else value.astimezone(UTC)
        fields = [u.year, u.month, u.day, u.hour, u.minute, u.second, u.microsecond]
        return {MARK: "date", "v": fields, "naive": value.tzinfo is None}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, tuple):
        return {MARK: "tuple", "v": [encode(item) for item in value]}
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str) or key.startswith(MARK):
                raise Unencodable("key " + repr(key))
            out[key] = encode(item)
        return out
    if callable(value):
        return {MARK: "fn"}
    raise Unencodable(type(value).__name__)


class Recorder:
    """Everything a session did, in order."""

    def __init__(self):
        self.events = []

    def add(self, *entry):
        self.events.append(list(entry))

    def callback(self, *args):
        self.add("callback", [encode(a) for a in args])


def decode(value, recorder):
    if isinstance(value, list):
        return [decode(item, recorder) for item in value]
    if not isinstance(value, dict):
        return value
    kind = value.get(MARK)
    if kind == "date":
        if value["v"] is None:
            return INVALID_DATE
        stamp = datetime(*value["v"])
        return stamp if value.get("naive") else stamp.replace(tzinfo=UTC)
    if kind == "num":
        return float(value["v"])
    if kind == "tuple":
        return tuple(decode(item, recorder) for item in value["v"])
    if kind == "fn":
        return recorder.callback
    return {key: decode(item, recorder) for key, item in value.items()}


class _Namespace:
    def __init__(self, owner, prefix):
        self._owner = owner
        self._prefix = prefix

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)

        def record(*args):
            self._owner.record(self._prefix + name, args)

        return record


class _Group:
    def __init__(self, owner, key, group_id):
        self._owner = owner
        self._key = key
        self._group_id = group_id

    def set_once(self, *args):
        self._owner.record("get_group.set_once", (self._key, self._group_id) + args)

    def set(self, *args):
        self._owner.record("get_group.set", (self._key, self._group_id) + args)


class FakeMixpanel:
    """tests/fakes.py's RecordingMixpanel, portable: records calls, models the getters."""

    def __init__(self, recorder, distinct_id, super_properties):
        self.recorder = recorder
        self.distinct_id = distinct_id
        self.super_properties = dict(super_properties)
        self.people = _Namespace(self, "people.")
        self.cookie = _Namespace(self, "cookie.")

    def record(self, name, args):
        self.recorder.add("mixpanel", name, encode(list(args)))

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)

        def record(*args):
            self.record(name, args)

        return record

    def identify(self, *args):
        self.record("identify", args)
        if args:
            self.distinct_id = args[0]

    def register(self, props, *rest):
        self.record("register", (props,) + rest)
        self.super_properties.update(props)

    def get_group(self, key, group_id):
        return _Group(self, key, group_id)

    def reset(self):
        self.record("reset", ())
        self.super_properties = {}
        self.distinct_id = "mp-device-2"

    def get_distinct_id(self):
        self.record("get_distinct_id", ())
        return self.distinct_id

    def get_property(self, name):
        self.record("get_property", (name,))
        return self.super_properties.get(name)


class FakeConsole:
    def __init__(self, recorder):
        self.recorder = recorder

    def log(self, message):
        self.recorder.add("console", "log", message)

    def info(self, message):
        self.recorder.add("console", "info", message)

    def warn(self, message):
        self.recorder.add("console", "warn", message)

    def error(self, message):
        self.recorder.add("console", "error", message)


def _raised(recorder, exc):
    problem = getattr(exc, "problem", None)
    recorder.add("raised", type(exc).__name__, problem)


def run_session(session):
    from integration.analytics import Analytics
    from integration.identity import MemoryStorage
    from integration.mixpanel import MixpanelDestination

    recorder = Recorder()
    mixpanel = FakeMixpanel(
        recorder, session.get("distinct_id") or "mp-device-1", session.get("super") or {}
    )
    console = FakeConsole(recorder)
    settings = decode(session["settings"], recorder)
    storage = MemoryStorage()
    ticks = [0]

    def clock():
        ticks[0] += 1
        return 1620284889123.0 + ticks[0]

    def new_id():
        ticks[0] += 1
        return "id-" + str(ticks[0])

    try:
        if session["kind"] == "destination":
            target = MixpanelDestination(
                settings, mixpanel, console, lambda: CLOCK, bool(session.get("strict"))
            )
        else:
            target = Analytics(
                settings,
                mixpanel,
                console=console,
                storage=storage,
                clock=clock,
                new_id=new_id,
                page_context=lambda: dict(PAGE),
                strict=bool(session.get("strict")),
            )
    except Exception as exc:  # noqa: BLE001
        _raised(recorder, exc)
        return recorder.events
    for method, args, kwargs in session["steps"]:
        args = decode(args, recorder)
        kwargs = decode(kwargs or {}, recorder)
        try:
            result = getattr(target, method)(*args, **kwargs)
            if method == "group" and result is not None and hasattr(result, "id"):
                recorder.add("returned-group", encode(result.id()), encode(result.traits()))
        except Exception as exc:  # noqa: BLE001
            _raised(recorder, exc)
    if session["kind"] == "analytics":
        stored = {}
        for key, raw in storage.data.items():
            try:
                stored[key] = json.loads(raw)
            except ValueError:
                stored[key] = raw
        recorder.add("storage", encode(stored))
    return recorder.events


def run_all(sessions_json):
    """JSON text of a list of sessions (or of a corpus holding one under "sessions") -> JSON
    text of the list of their results."""
    data = json.loads(sessions_json)
    out = []
    for session in data["sessions"] if isinstance(data, dict) else data:
        try:
            out.append(run_session(session))
        except Exception as exc:  # noqa: BLE001 (a runner failure is a result too)
            out.append([["runner-failed", type(exc).__name__, str(exc)]])
    return json.dumps(out)
