"""The startup runs: each page visited cold (a new browser profile), then warm (a new tab of
that profile), and on broadband the cost of one call after ready (CALL_LOOP). bench/run.py
runs them; bench/percall.py reuses `visit` and CALL_LOOP."""

from __future__ import annotations

import tempfile
import time
import uuid
from typing import Any

from bench import pages as bench_pages
from bench.browser import ARGS, CHROMIUM, LOAD_FACTS, Probe, Server

CALL_LOOP = """(n) => {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) window.__track('Bench Call', {i: i, plan: 'pro', tags: ['a', 'b']});
  return (performance.now() - t0) * 1000 / n;
}"""
PER_CALL_PAGES = ("mixpanel", "default", "micropython", "pyodide-snapshot")
TIMEOUT_S = {"broadband": 120.0, "mobile": 200.0}


def visit(
    context: Any, server: Server, url: str, name: str, profile: str
) -> tuple[dict[str, Any], Any]:
    page = context.new_page()
    probe = Probe(context, page, profile)
    visit_id = uuid.uuid4().hex[:12]
    timeout = TIMEOUT_S[profile]
    facts: dict[str, Any] = {}
    try:
        page.goto(f"{url}?visit={visit_id}", wait_until="load", timeout=timeout * 1000)
        page.wait_for_function(
            "() => window.__readyAt || window.__failed", timeout=timeout * 1000, polling=50
        )
        facts = page.evaluate(LOAD_FACTS)
    except Exception as exc:  # noqa: BLE001 - a page that never settles is a result, not a crash
        facts = {"failed": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
        facts["origin"] = page.evaluate("performance.timeOrigin")
    if name in bench_pages.SENDS:
        facts["first_event"] = server.first_event_ms(facts["origin"], visit_id, timeout=10)
    facts["bytes"] = probe.bytes
    facts["duplicates"] = probe.duplicates()
    facts.update(probe.memory(page))
    probe.detach()
    return facts, page


def page_run(pw: Any, server: Server, name: str, path: str, profile: str, calls: int) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        context = pw.chromium.launch_persistent_context(
            folder, executable_path=CHROMIUM, args=ARGS, headless=True
        )
        try:
            cold, page = visit(context, server, server.url + path, name, profile)
            page.close()
            warm, page = visit(context, server, server.url + path, name, profile)
            result: dict[str, Any] = {"cold": cold, "warm": warm}
            if profile == "broadband" and name in PER_CALL_PAGES and calls and not warm["failed"]:
                page.evaluate(CALL_LOOP, min(calls, 50))  # warm-up: JIT, first-call caches
                result["per_call_us"] = page.evaluate(CALL_LOOP, calls)
        finally:
            context.close()
    return result


def one_run(
    pw: Any, server: Server, pages: dict[str, str], profile: str, calls: int
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, path in pages.items():
        if profile == "mobile" and name in bench_pages.BROADBAND_ONLY:
            continue
        started = time.monotonic()
        out[name] = page_run(pw, server, name, path, profile, calls)
        server.clear()
        cold = out[name]["cold"]
        print(
            f"  {profile:9} {name:20} cold ready {cold.get('ready')} first "
            f"{cold.get('first_event')} bytes {cold.get('bytes')} "
            f"({time.monotonic() - started:.0f} s)",
            flush=True,
        )
    return out
