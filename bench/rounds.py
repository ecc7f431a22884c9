"""Per call after ready, in rounds: the main-thread task time one `track` costs, every page
measured in turn in each round, so the machine's slow spells hit the pages alike.

Why rounds and not one visit after another: a figure is (task time of a window with a burst −
the same window idle) ÷ BURST, and most of a `track`'s time is mixpanel.js reading
`document.cookie` right after writing it, which waits on the browser's network process. On
this 2-core machine that wait drifts by a third from minute to minute (profiled: direct
mixpanel.js's cookie reads took 3.1 to 4.9 ms a call, same page, same cookies). Visits minutes
apart compare drifts; rounds compare pages. Each page's ratio to direct is taken per round
(the same minute) and the median of those ratios reported.

Each page has its own browser and warm tab (pyodide's after its warm-up), loaded unthrottled.
In its turn a tab gets the mobile profile (CPU 4× through CDP), an idle window and a burst
window (bench/mainthread.py), then its CPU throttling is lifted: a CDP-throttled tab keeps a
core busy even when idle, which would weigh on the tab being measured. Before the first round
every tab makes one unmeasured burst, so no page's first round pays its first-time compiles.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from typing import Any

from bench.i19 import launch, throttle, visit, warmed
from bench.mainthread import BURST, BURST_JS, idle_burst_pair
from bench.served import CountingServer

PAGES = ("mixpanel", "default", "page-mode", "pyodide-snapshot", "pyodide-page")
BASE = "mixpanel"
ROUNDS = 8  # a run; the report pools every run's rounds
SETTLE_S = 0.5  # after the throttle is set, before the idle window


def open_tab(pw: Any, server: CountingServer, name: str, url: str, folder: str) -> Any:
    """A warm tab of `name`, settled and (Pyodide's worker) warmed up: (context, page, cdp)."""
    context = launch(pw, folder, None)
    if not name.startswith("pyodide"):  # a cold visit first, so the measured tab is warm
        _, page, _ = visit(context, server, url, name, None)
        page.close()
    facts, page, cdp = visit(context, server, url, name, None)
    if facts.get("failed"):
        context.close()
        raise RuntimeError(f"{name}: {facts['failed']}")
    if name.startswith("pyodide"):
        warmed(page)  # its worker warms up after ready (MicroPython's does not)
    page.evaluate(BURST_JS, BURST)  # unmeasured: first-time compiles out of round 1
    cdp.send("Performance.enable")
    return context, page, cdp


def measure(page: Any, cdp: Any) -> float:
    throttle(cdp, "mobile")
    time.sleep(SETTLE_S)
    per_call = idle_burst_pair(page, cdp)[0]
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    return per_call


def per_call_rounds(
    pw: Any, server: CountingServer, pages: dict[str, str], rounds: int = ROUNDS
) -> dict[str, Any]:
    """{"per_call": {page: [ms a call, one per round]}, "failed": {page: why}}; a page that
    could not be opened is left out of every round."""
    out: dict[str, Any] = {"per_call": {}, "failed": {}}
    tabs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as root:
        try:
            for i, name in enumerate(n for n in PAGES if n in pages):
                try:
                    tabs[name] = open_tab(pw, server, name, server.url + pages[name], f"{root}/{i}")
                except Exception as exc:  # noqa: BLE001 - a page that cannot open is a result
                    out["failed"][name] = str(exc).splitlines()[0]
            names = list(tabs)
            for r in range(rounds):
                for name in names[r % len(names) :] + names[: r % len(names)]:
                    _, page, cdp = tabs[name]
                    out["per_call"].setdefault(name, []).append(measure(page, cdp))
                server.clear()
                shown = {n: round(v[-1], 1) for n, v in out["per_call"].items()}
                print(f"  round {r + 1}/{rounds}: {shown}", flush=True)
        finally:
            for context, _, _ in tabs.values():
                context.close()
    return out


def has_rounds(runs: list[dict[str, Any]]) -> bool:
    """Whether these runs measured per call in rounds (runs saved before the rounds did not)."""
    return any(run.get("rounds") for run in runs)


def pooled(runs: list[dict[str, Any]], page: str) -> list[float]:
    return [v for run in runs for v in (run.get("rounds") or {}).get("per_call", {}).get(page, [])]


def paired_ratios(runs: list[dict[str, Any]], page: str) -> list[float]:
    """The page's per-call time over direct's, round by round (the same minute)."""
    out = []
    for run in runs:
        got = (run.get("rounds") or {}).get("per_call", {})
        # both measured in every round of a run (a page that failed to open has no list)
        pairs = zip(got.get(page, []), got.get(BASE, []), strict=False)
        out += [a / b for a, b in pairs if b > 0]
    return out


def ratio_median(runs: list[dict[str, Any]], page: str) -> float | None:
    ratios = paired_ratios(runs, page)
    return statistics.median(ratios) if ratios else None
