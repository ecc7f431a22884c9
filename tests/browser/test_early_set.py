"""Only what the first call needs, before the first call: after a page's load,
identify, track and page, the runtime has imported exactly the early set (every runtime
module but protocol.LATE_MODULES), on MicroPython in the worker and on Pyodide without the
snapshot; and a call that needs the late set, made before it is in, waits in order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devtools import inventory
from integration.bridge import protocol
from tests.browser.conftest import BOTH, MICROPYTHON, run_python

pytestmark = pytest.mark.runtimes(*BOTH)
ROOT = Path(__file__).resolve().parents[2]


def dotted(path: str) -> str:
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


EARLY = sorted(
    dotted(p.relative_to(ROOT).as_posix())
    for p in inventory.runtime_sources(ROOT)
    if p.relative_to(ROOT).as_posix() not in protocol.LATE_MODULES
)
FIRST = """
analytics.identify('u1', {email: 'ann@example.com', name: 'Ann Lee'});
analytics.track('First', {n: 1.5, plan: 'pro'});
analytics.page();
"""
IMPORTED = (
    "import sys\n"
    "def main():\n"
    "    return ' '.join(sorted(m for m in sys.modules if m.startswith('integration')))\n"
)


def test_the_first_event_imports_the_early_set_and_nothing_else(
    tp: Any, collector: Any, runtime: str
) -> None:
    page = tp.open("early-set", script=FIRST, load_options={"snapshot": "never"})
    collector.wait_events(1, "First")
    assert run_python(page, IMPORTED).split() == EARLY


def test_a_call_that_needs_the_late_set_waits_in_order_and_loses_nothing(
    tp: Any, collector: Any, runtime: str
) -> None:
    page = tp.open(
        "late-held",
        settings={"groupIdentifierTraits": ["name"]},
        load_options={"snapshot": "never"},
        wait_ready=False,
    )
    page.evaluate(
        """() => new Promise((done) => analytics.ready(() => {
             analytics.identify('u1');
             analytics.track('Before');
             analytics.group('g1', {name: 'Acme'}, {}, () => { window.__grouped = true; });
             analytics.track('After');
             done();
           }))"""
    )
    collector.wait_events(1, "After")
    names = [e.get("event") for e in collector.events()]
    assert [n for n in names if n in ("Before", "After")] == ["Before", "After"], names
    page.wait_for_function("() => window.__grouped === true")
    grouped = [c for c in tp.mixpanel_calls() if c["method"] in ("set_group", "track")]
    order = [c["method"] if c["method"] != "track" else c["args"][0] for c in grouped]
    assert order.index("Before") < order.index("set_group") < order.index("After"), order
    if runtime == MICROPYTHON:
        assert "integration.mixpanel.alias_group" in run_python(page, IMPORTED).split()
