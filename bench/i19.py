"""The main-thread sections' figures: the main thread and the first event, worker against
in-page runtime.

Two profiles, both with Lighthouse's mobile network through CDP (150 ms RTT, 1.6 Mbit/s):
- `mobile`: CPU 4× through CDP (Emulation.setCPUThrottlingRate). It slows the page's main
  thread only: a Worker runs at full speed. Main-thread figures come from this profile.
- `capped`: no CDP CPU throttling; the whole browser (every process and thread, the worker
  too) runs in a cgroup v1 cpu quota calibrated so a CPU-bound loop in the page runs ~4×
  slower (bench/cpucap.py). First-event and ready figures come from both.

Per run, every page in turn (so the machine's noise hits them alike): a cold visit (new
profile), a warm visit (new tab, same profile) and, on the mobile profile, the after-ready
figures on the warm tab (bench/mainthread.py); the heavy pages cold. Pyodide's pages load
unthrottled (its cold boot is a minute of transfer on this network) and get the mobile
profile for the after-ready figures only. Then, on the mobile profile, the per-call rounds
(bench/rounds.py): every page's warm tab measured in turn. Bytes are counted at the server
(bench/served.py): page and worker requests.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
import uuid
from typing import Any

from bench.browser import ARGS, CHROMIUM, MOBILE_CPU, MOBILE_NETWORK
from bench.cpucap import CpuCap
from bench.mainthread import after_ready, blocking, own_code, own_scripts
from bench.phases import breakdown
from bench.served import CountingServer

SMALL = ("plain", "mixpanel", "default", "page-mode")
HEAVY = ("plain", "mixpanel", "default", "page-mode")
PYODIDE = ("pyodide-snapshot", "pyodide-page")
SENDS = ("mixpanel", "default", "page-mode", "pyodide-snapshot", "pyodide-page")
SETTLE_MS = 1000
TIMEOUT_S = 120.0

FACTS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const a = window.analytics || {};
  const copy = (x) => (x ? JSON.parse(JSON.stringify(x)) : null);
  return {
    origin: performance.timeOrigin, ready: window.__readyAt || null,
    failed: window.__failed ? JSON.stringify(window.__failed) : null,
    dcl: nav.domContentLoadedEventStart, load: nav.loadEventStart, lcp: window.__lcp,
    tasks: window.__longTasks, loaf: window.__loaf, wasm: window.__wasmSteps,
    mpSpans: window.__mpSpans || [],
    timings: copy(a.timings), runtime: copy(a.runtime),
    resources: performance.getEntriesByType('resource').map(
      (e) => [e.name, e.startTime, e.responseEnd, e.transferSize]),
  };
}"""
SETTLED = f"""() => {{
  const nav = performance.getEntriesByType('navigation')[0];
  return nav.loadEventEnd > 0 && (window.__readyAt || window.__failed) &&
    performance.now() > Math.max(window.__readyAt || 0, nav.loadEventEnd) + {SETTLE_MS};
}}"""


def throttle(cdp: Any, profile: str) -> None:
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", MOBILE_NETWORK)
    if profile == "mobile":
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": MOBILE_CPU})


def launch(pw: Any, folder: str, cap: CpuCap | None) -> Any:
    if cap is not None:
        return cap.launch(pw, folder)
    return pw.chromium.launch_persistent_context(
        folder, executable_path=CHROMIUM, args=ARGS, headless=True
    )


def read_visit(page: Any, server: CountingServer, name: str, visit_id: str) -> dict[str, Any]:
    facts: dict[str, Any] = page.evaluate(FACTS)
    origin = facts["origin"] / 1000
    if name.split("/")[0] in SENDS:
        facts["first_event"] = server.first_event_ms(facts["origin"], visit_id, timeout=20)
    first = facts.get("first_event")
    facts["bytes"] = server.bytes_between(origin)
    facts["served_twice"] = server.served_twice(origin)
    facts["bytes_first"] = (
        None if first is None else server.bytes_between(origin, origin + first / 1000)
    )
    end = max(facts["ready"] or 0, facts["load"]) + SETTLE_MS
    facts["startup"] = blocking(facts["tasks"], 0, end)
    own = own_scripts(facts["loaf"], 0, end)
    facts["startup_own_script_ms"], facts["startup_own_script"] = own
    facts["startup_own_code_ms"] = own_code(facts["loaf"], facts["mpSpans"], 0, end)
    facts["phases"] = breakdown(facts)
    for bulky in ("tasks", "loaf", "resources", "mpSpans"):
        facts.pop(bulky, None)
    return facts


def visit(
    context: Any, server: CountingServer, url: str, name: str, profile: str | None
) -> tuple[dict[str, Any], Any, Any]:
    """Open `url` in a new tab (throttled unless `profile` is None) and read it once settled."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    if profile:
        throttle(cdp, profile)
    visit_id = uuid.uuid4().hex[:12]
    try:
        page.goto(f"{url}?visit={visit_id}", wait_until="commit", timeout=TIMEOUT_S * 1000)
        late = None
        try:
            page.wait_for_function(SETTLED, timeout=TIMEOUT_S * 1000, polling=100)
        except Exception:  # noqa: BLE001 - read what there is, and say so
            late = f"not settled (ready + load + {SETTLE_MS} ms) in {TIMEOUT_S:g} s"
        facts = read_visit(page, server, name, visit_id)
        if late:
            facts["failed"] = late
    except Exception as exc:  # noqa: BLE001 - a page that cannot be read is a result
        facts = {"failed": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
    return facts, page, cdp


@contextlib.contextmanager
def fresh_profile(pw: Any, cap: CpuCap | None) -> Any:
    """A browser context on a new, empty profile (a cold visit's cache), closed after."""
    with tempfile.TemporaryDirectory() as folder:
        context = launch(pw, folder, cap)
        try:
            yield context
        finally:
            context.close()


def small_run(
    pw: Any, server: CountingServer, name: str, url: str, profile: str, cap: CpuCap | None
) -> dict[str, Any]:
    with fresh_profile(pw, cap) as context:
        cold, page, _ = visit(context, server, url, name, profile)
        page.close()
        warm, page, cdp = visit(context, server, url, name, profile)
        out = {"cold": cold, "warm": warm}
        if profile == "mobile" and name != "plain" and not warm.get("failed"):
            out["after"] = after_ready(page, cdp)
    return out


def heavy_run(
    pw: Any, server: CountingServer, name: str, url: str, profile: str, cap: CpuCap | None
) -> dict[str, Any]:
    with fresh_profile(pw, cap) as context:
        cold, _, _ = visit(context, server, url, name, profile)
    return {"cold": cold}


# In a Worker, Pyodide warms up in idle time after ready (integration/bridge warmer); the windows
# after ready start once it ran and V8 had WARM_SETTLE_S to compile what it made hot.
WARMED = (
    "() => analytics.runtime && (analytics.runtime.thread !== 'worker' || analytics.timings.warmed)"
)
WARM_SETTLE_S = 1.0


def warmed(page: Any) -> Any:
    page.wait_for_function(WARMED, timeout=60_000, polling=100)
    time.sleep(WARM_SETTLE_S)
    return page.evaluate("() => analytics.timings.warmed || null")


def pyodide_run(pw: Any, server: CountingServer, name: str, url: str) -> dict[str, Any]:
    """Loaded unthrottled; the after-ready figures on the mobile profile."""
    with tempfile.TemporaryDirectory() as folder:
        context = launch(pw, folder, None)
        try:
            facts, page, cdp = visit(context, server, url, name, None)
            out: dict[str, Any] = {"cold": facts}
            if not facts.get("failed") and facts.get("ready"):
                out["warmed"] = warmed(page)
                throttle(cdp, "mobile")
                out["after"] = after_ready(page, cdp)
        finally:
            context.close()
    return out


def one_run(
    pw: Any, server: CountingServer, pages: dict[str, str], profile: str, cap: CpuCap | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    jobs = [(n, small_run) for n in SMALL] + [(f"{n}/heavy", heavy_run) for n in HEAVY]
    for name, job in jobs:
        if name not in pages or (profile == "capped" and name == "plain"):
            continue  # capped: first-event figures only, the plain page has none
        began = time.monotonic()
        out[name] = job(pw, server, name, server.url + pages[name], profile, cap)
        server.clear()
        cold = out[name]["cold"]
        print(
            f"  {profile:7} {name:16} cold ready {cold.get('ready')} first "
            f"{cold.get('first_event')} lcp {cold.get('lcp')} ({time.monotonic() - began:.0f} s)",
            flush=True,
        )
    if profile == "mobile":
        for name in PYODIDE:
            if name in pages:
                out[name] = pyodide_run(pw, server, name, server.url + pages[name])
                server.clear()
                print(f"  pyodide {name}: {out[name].get('after', {}).get('per_call_task_ms')}")
    return out


def write_pages(server: CountingServer, persistence: str) -> dict[str, str]:
    from bench import pages as bench_pages
    from bench.browser import find_loader, runtime_urls
    from bench.heavy import write_extra

    loader_url, text = find_loader(server, bench_pages.LOADER_CANDIDATES)  # type: ignore[arg-type]
    return write_extra(runtime_urls(loader_url, text), persistence, loader_url, text)


def calibrate(pw: Any, server: CountingServer, pages: dict[str, str]) -> tuple[CpuCap | None, Any]:
    try:
        cap = CpuCap()
        fraction = cap.calibrate(pw, server.url + pages["plain"])
    except OSError as exc:  # no writable cgroup v1 cpu controller here
        return None, {"error": f"no CPU cap: {exc}"}
    return cap, {"fraction": fraction, "period_us": 10_000, "steps": cap.calibration}


def run_all(
    runs: int, persistence: str = "cookie", capped: bool = True, rounds: Any = None
) -> dict[str, Any]:
    """Every profile's runs, interleaved (mobile run 1, capped run 1, ...). `rounds`: called
    after each mobile run as rounds(pw, server, pages) (bench/rounds.py per_call_rounds, which
    builds on this module), its result kept as that run's "rounds"."""
    from playwright.sync_api import sync_playwright

    server = CountingServer()
    out: dict[str, Any] = {"mobile": [], "capped": [], "cap": None}
    cap = None
    try:
        pages = write_pages(server, persistence)
        with sync_playwright() as pw:
            if capped:
                cap, out["cap"] = calibrate(pw, server, pages)
                print(f"cpu cap: {out['cap']}", flush=True)
            for i in range(runs):
                out["mobile"].append(one_run(pw, server, pages, "mobile", None))
                if rounds is not None:
                    out["mobile"][-1]["rounds"] = rounds(pw, server, pages)
                if cap is not None:
                    out["capped"].append(one_run(pw, server, pages, "capped", cap))
                print(f"main-thread run {i + 1}/{runs} done", flush=True)
    finally:
        if cap is not None:
            cap.close()
        server.stop()
    return out
