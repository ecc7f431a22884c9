"""The early/late split of the MicroPython package (protocol.LATE_MODULES, LATE_CALLS), on
CPython: each run is a fresh interpreter, so sys.modules shows what the calls imported."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from devtools.build import mpy
from devtools.build.bundle import CACHE, Bundle
from devtools.build.collect import package_zip
from devtools.build.compiled import add_package
from integration import surface
from integration.bridge import protocol

ROOT = Path(__file__).resolve().parents[2]
LATE = {p.removesuffix(".py").replace("/", ".") for p in protocol.LATE_MODULES}
# One call of each method, with arguments that reach its mapping (and a middleware that runs).
CALLS: dict[str, list[object]] = {
    "identify": ["u1", {"tags": ["a"], "email": "a@b.co"}],
    "track": ["T", {"revenue": 1.5, "tags": ["a"]}],
    "page": ["C", "N", {"p": 1}],
    "screen": ["S"],
    "group": ["g1", {"company": "acme"}],
    "alias": ["u2", "u1"],
    "reset": [],
    "consent": [True],
    "setAnonymousId": ["anon"],
    "pageview": ["/x"],
    "register": [],
}
SCRIPT = """
import json, sys
from integration.analytics import Analytics
from integration.identity import MemoryStorage
from tests.fakes import RecordingConsole, RecordingMixpanel
settings = {"token": "t", "people": True, "groupIdentifierTraits": ["company"]}
a = Analytics(settings, RecordingMixpanel(), console=RecordingConsole(), storage=MemoryStorage())
for method, args in json.loads(sys.argv[1]):
    if method.startswith("add"):
        args = [lambda ctx: ctx["next"](ctx["payload"])] * (2 if "Destination" in method else 1)
        args = (["Mixpanel"] + args[1:]) if "Destination" in method else args
    a.dispatch(method, args, {})
print(json.dumps(sorted(m for m in sys.modules if m.startswith("integration"))))
"""


def imported_by(calls: list[tuple[str, list[object]]]) -> set[str]:
    argv = [sys.executable, "-c", SCRIPT, json.dumps(calls)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    return set(json.loads(done.stdout))


def test_no_call_outside_late_calls_imports_a_late_module() -> None:
    early = [(m, args) for m, args in CALLS.items() if m not in protocol.LATE_CALLS]
    assert imported_by(early) & LATE == set()


def test_each_late_call_imports_a_late_module_itself_or_in_the_next_message() -> None:
    for method in protocol.LATE_CALLS:
        args = CALLS.get(method, [])
        assert imported_by([(method, args), ("track", ["after"])]) & LATE, method


def test_the_late_calls_are_calls_of_the_surface() -> None:
    assert set(protocol.LATE_CALLS) <= set(surface.METHODS)
    assert set(surface.MIDDLEWARE_CALLS) <= set(protocol.LATE_CALLS)


def test_the_worker_holds_exactly_the_late_calls() -> None:
    worker = (ROOT / "static" / "boot-worker.mjs").read_text(encoding="utf-8")
    line = next(x for x in worker.splitlines() if "protocol.LATE_CALLS" in x and "new Set" in x)
    assert tuple(re.findall(r"'(\w+)'", line)) == protocol.LATE_CALLS


def test_the_build_writes_both_zips_and_hands_on_the_py_package(monkeypatch: Any) -> None:
    monkeypatch.setattr(mpy.MpyPackage, "build_zips", lambda self: (b"early", b"late"))
    bundle = Bundle()
    body = add_package(bundle, ROOT, ROOT / "node_modules", CACHE)
    assert body == package_zip(ROOT)  # the .py zip: the stdlib trim and snapshot use it
    assert bundle.out[bundle.files["mpy"]] == b"early"
    assert bundle.out[bundle.files["mpyLate"]] == b"late"
