"""Startup and per-call benchmark: our shim against plain mixpanel.js, measured in one run.

    bash scripts/bench.sh [--runs 5] [--persistence cookie] [--memory-calls 100000]
    bash scripts/bench.sh --quick          (CI smoke: 1 run, few calls; writes no BENCHMARKS.md)

Pages (bench/pages.py): `plain` (no analytics), `mixpanel` (mixpanel.js called directly from
JS), `shim` (our loader + Pyodide + the integration), `shim-snippet` (the same, installed with
the inline snippet), `shim-mpy` (the same on MicroPython), `pyodide` (a bare loadPyodide() plus the
import of our package: the floor our shim stands on). Each run starts a new browser profile
(cold: empty cache), then opens the same page in a new tab of that profile (warm: repeat visit).
Reports medians with min–max, and ratios against the baselines of the same run. Timings are
reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pages import write_pages  # noqa: E402
from bench.report import write_report  # noqa: E402
from devtools import chromium  # noqa: E402
from devtools.build import bundle_urls  # noqa: E402

CHROMIUM = chromium.EXECUTABLE
ARGS = [*chromium.ARGS, "--enable-precise-memory-info"]
LOAD_FACTS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const runtime = res.filter((r) => /\\/analytics\\//.test(r.name));
  const before = window.__longTasks.filter((t) => t[0] < nav.loadEventStart);
  return {
    ready: window.__readyAt, failed: window.__failed || null, load: nav.loadEventStart,
    origin: performance.timeOrigin,
    longest: before.reduce((m, t) => Math.max(m, t[1]), 0),
    bytes: nav.transferSize + res.reduce((a, r) => a + r.transferSize, 0),
    runtimeBytes: runtime.reduce((a, r) => a + r.transferSize, 0),
  };
}"""
CALL_LOOP = """(n) => {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) window.__track('Bench Call', {i: i, plan: 'pro', tags: ['a', 'b']});
  return (performance.now() - t0) * 1000 / n;
}"""


class Server:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "serve.py", "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().split()[-1].rstrip("/")

    def first_event_ms(self, origin_ms: float, timeout: float = 30) -> float | None:
        import json
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with urllib.request.urlopen(self.url + "/collector/events") as resp:
                for record in json.load(resp):
                    if record["payload"].get("event") == "Bench Start":
                        return float(record["received"]) * 1000 - origin_ms
            time.sleep(0.05)
        return None

    def clear(self) -> None:
        import urllib.request

        req = urllib.request.Request(self.url + "/collector/events", method="DELETE")
        urllib.request.urlopen(req).close()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()


def visit(context: Any, server: Server, url: str) -> tuple[dict[str, Any], Any]:
    server.clear()
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_function("() => window.__readyAt || window.__failed", timeout=180_000)
    facts: dict[str, Any] = page.evaluate(LOAD_FACTS)
    if not any(name in url for name in ("plain", "pyodide")):  # pages that send nothing
        facts["first_event"] = server.first_event_ms(facts["origin"])
    return facts, page


def heap_mb(context: Any, page: Any) -> float:
    cdp = context.new_cdp_session(page)
    cdp.send("HeapProfiler.collectGarbage")
    used = cdp.send("Runtime.getHeapUsage")["usedSize"]
    wasm = page.evaluate(
        "() => (window.analytics && analytics.pyodide) ? analytics.pyodide._module.HEAP8.length : 0"
    )
    cdp.detach()
    return (used + wasm) / 1e6


def one_run(pw: Any, server: Server, pages: dict[str, str], calls: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, path in pages.items():
        with tempfile.TemporaryDirectory() as profile:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, args=ARGS, headless=True
            )
            cold, page = visit(context, server, server.url + path)
            page.close()
            warm, page = visit(context, server, server.url + path)
            result = {"cold": cold, "warm": warm}
            if name in ("mixpanel", "shim", "shim-mpy") and calls:
                page.evaluate(CALL_LOOP, min(calls, 50))  # warm-up: JIT, first-call caches
                result["per_call_us"] = page.evaluate(CALL_LOOP, calls)
            if name == "shim":
                result["heap_ready_mb"] = heap_mb(context, page)
            out[name] = result
            context.close()
    return out


def memory_run(pw: Any, server: Server, path: str, calls: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as profile:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=ARGS, headless=True
        )
        _, page = visit(context, server, server.url + path)
        page.evaluate(CALL_LOOP, 1000)
        before = heap_mb(context, page)
        done = 0
        while done < calls:
            chunk = min(5000, calls - done)
            page.evaluate(CALL_LOOP, chunk)
            done += chunk
            server.clear()
        after = heap_mb(context, page)
        context.close()
    return {"calls": calls, "before_mb": before, "after_mb": after}


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    def series(page: str, *keys: str) -> list[float]:
        values = []
        for run in runs:
            value: Any = run.get(page, {})
            for key in keys:
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, (int, float)):
                values.append(float(value))
        return values

    def stat(values: list[float]) -> dict[str, float] | None:
        if not values:
            return None
        return {"median": statistics.median(values), "min": min(values), "max": max(values)}

    summary: dict[str, Any] = {}
    for page in ("plain", "mixpanel", "shim", "shim-snippet", "shim-mpy", "pyodide"):
        for phase in ("cold", "warm"):
            for key in ("ready", "first_event", "load", "longest", "bytes", "runtimeBytes"):
                summary[(page, phase, key)] = stat(series(page, phase, key))
        summary[(page, "per_call_us")] = stat(series(page, "per_call_us"))
        summary[(page, "heap_ready_mb")] = stat(series(page, "heap_ready_mb"))
    return summary


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {mem:.0f} GiB, {platform.platform()}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="startup and per-call benchmark")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--calls", type=int, default=1000, help="per-call loop size")
    ap.add_argument("--memory-calls", type=int, default=100_000)
    ap.add_argument("--persistence", default="cookie", choices=["cookie", "localStorage"])
    ap.add_argument("--quick", action="store_true", help="smoke mode: 1 run, 50 calls")
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    args = ap.parse_args(argv)
    if args.quick:
        args.runs, args.calls, args.memory_calls = 1, 50, 500
    pages = write_pages(bundle_urls(), args.persistence)
    server = Server()
    runs: list[dict[str, Any]] = []
    try:
        with sync_playwright() as pw:
            for i in range(args.runs):
                runs.append(one_run(pw, server, pages, args.calls))
                print(f"run {i + 1}/{args.runs} done", flush=True)
            memory = memory_run(pw, server, pages["shim"], args.memory_calls)
    finally:
        server.stop()
    command = "bash scripts/bench.sh " + " ".join(argv if argv is not None else sys.argv[1:])
    text = write_report(summarise(runs), memory, args, machine(), command.strip())
    print(text)
    if not args.quick:
        Path(args.out).write_text(text)
    failed = [r for run in runs for r in run.values() if r["cold"].get("failed")]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
