"""Replays behaviour-corpus sessions through the integration; runs on CPython and MicroPython.

Portable on purpose (no typing, no dataclasses, no dict unpacking): the browser test runs this
very file, with tests/fakes.py beside it, inside the page's MicroPython; tests/portable/corpus.py
runs it on CPython for the expected outputs. Values travel in the bridge's own wire format
(integration/bridge/wire.py): the inputs are decoded by it, and every mixpanel.js call is
recorded as the wire JSON the loader would receive.

A session is {"kind": "destination" | "analytics", "settings", "strict", "distinct_id",
"super", "steps": [[method, args, kwargs], ...]}; its result lists every mixpanel.js call, every
console line, every callback run, what each step raised, and (analytics) the stored identity.
"""

import json
from datetime import datetime, timezone

from integration.bridge import wire

try:
    from tests.fakes import RecordingConsole, RecordingMixpanel
except ImportError:  # in the browser: fakes.py is written beside this file
    from fakes import RecordingConsole, RecordingMixpanel

CLOCK = datetime(2021, 5, 6, 7, 8, 9, 123000, tzinfo=timezone.utc)
PAGE = {"path": "/p", "referrer": "", "search": "?q=1", "title": "T", "url": "https://x.test/p?q=1"}


def recorded(value):
    """What crossed to the loader, as plain JSON (dates are tagged epoch milliseconds)."""
    return json.loads(wire.encode([value]))[0]


class Recorder:
    """Everything a session did, in order."""

    def __init__(self):
        self.events = []

    def add(self, *entry):
        self.events.append(list(entry))

    def mixpanel(self, name, args):
        self.add("mixpanel", name, recorded(list(args)))

    def console(self, level, message):
        self.add("console", level, message)

    def invoke(self, fn_id, args_json):
        self.add("callback", json.loads(args_json))


def _raised(recorder, exc):
    problem = getattr(exc, "problem", None)
    recorder.add("raised", type(exc).__name__, problem)


def _decoded(value, recorder):
    return wire.decode(json.dumps(value), recorder.invoke)[0]


def _target(session, recorder, mixpanel, console, storage):
    from integration.analytics import Analytics
    from integration.mixpanel import MixpanelDestination

    settings = _decoded(session["settings"], recorder)
    strict = bool(session.get("strict"))
    if session["kind"] == "destination":
        return MixpanelDestination(settings, mixpanel, console, lambda: CLOCK, strict)
    ticks = [0]

    def clock():
        ticks[0] += 1
        return 1620284889123.0 + ticks[0]

    def new_id():
        ticks[0] += 1
        return "id-" + str(ticks[0])

    return Analytics(
        settings,
        mixpanel,
        console=console,
        storage=storage,
        clock=clock,
        new_id=new_id,
        page_context=lambda: dict(PAGE),
        strict=strict,
    )


def run_session(session):
    from integration.identity import MemoryStorage

    recorder = Recorder()
    mixpanel = RecordingMixpanel(session.get("distinct_id") or "mp-device-1")
    mixpanel.super_properties = _decoded(session.get("super") or {}, recorder)
    mixpanel.listener = recorder.mixpanel
    console = RecordingConsole()
    console.listener = recorder.console
    storage = MemoryStorage()
    try:
        target = _target(session, recorder, mixpanel, console, storage)
    except Exception as exc:  # noqa: BLE001
        _raised(recorder, exc)
        return recorder.events
    for method, args, kwargs in session["steps"]:
        args = _decoded(args, recorder)
        kwargs = _decoded(kwargs or {}, recorder)
        try:
            result = getattr(target, method)(*args, **kwargs)
            if method == "group" and result is not None and hasattr(result, "id"):
                recorder.add("returned-group", recorded(result.id()), recorded(result.traits()))
        except Exception as exc:  # noqa: BLE001
            _raised(recorder, exc)
    if session["kind"] == "analytics":
        stored = {}
        for key, raw in storage.data.items():
            try:
                stored[key] = json.loads(raw)
            except ValueError:
                stored[key] = raw
        recorder.add("storage", recorded(stored))
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
