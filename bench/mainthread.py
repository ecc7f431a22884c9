"""What the page's main thread pays: long tasks at start-up, a 20-call burst, one call.

All read in the page (PerformanceObserver 'longtask' and 'long-animation-frame', buffered, set
up in the benchmark page's head) and through CDP's Performance.getMetrics (TaskDuration: the
main thread's task time). Nothing here asserts a timing.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

BURST = 20
BURSTS = 3  # idle window + burst pairs per visit; the median pair gives the burst figures
WINDOW_S = 3.0
LEAD_MS = 10.0  # the burst window opens this long before the burst function's first line
ONE_CALLS = 21  # spaced; performance.now() is coarsened to 0.1 ms here: a median needs many

# Ten properties a call, as a site's event would carry.
PROPS = """(i) => ({i: i, plan: 'pro', tags: ['a', 'b'], price: 9.99, currency: 'EUR',
  coupon: null, first: i === 0, page: location.pathname, meta: {k: 1}, label: 'x' + i})"""

# One function makes BURST calls; its own duration, then when every call settled (the promises
# the shim returns; mixpanel.track returns none, its calls are done when the function returns).
BURST_JS = (
    """async (n) => {
  const props = """
    + PROPS
    + """;
  await new Promise((r) => setTimeout(r, 0));
  const t0 = performance.now();
  const results = (function burst() {
    const out = [];
    for (let i = 0; i < n; i++) out.push(window.__track('Bench Burst', props(i)));
    return out;
  })();
  const own = performance.now() - t0;
  await Promise.all(results.map((p) => (p && p.then ? new Promise((r) => p.then(r, r)) : null)));
  return {start: t0, own: own, settled: performance.now() - t0};
}"""
)

ONE_JS = (
    """async (k) => {
  const props = """
    + PROPS
    + """;
  const out = [];
  for (let j = 0; j < k; j++) {
    await new Promise((r) => setTimeout(r, 150));
    const t0 = performance.now();
    window.__track('Bench One', props(j));
    out.push(performance.now() - t0);
  }
  return out;
}"""
)

NOOP_JS = "async () => { await new Promise((r) => setTimeout(r, 0)); return performance.now(); }"


def blocking(tasks: list[list[float]], start: float, end: float) -> dict[str, float]:
    """Long tasks starting in [start, end): blocking time (sum of d − 50), longest, count."""
    inside = [d for s, d in tasks if start <= s < end]
    return {
        "tbt": sum(max(0.0, d - 50) for d in inside),
        "longest": max(inside, default=0.0),
        "count": float(len(inside)),
    }


def kind(url: str) -> str:
    if "mixpanel" in url:
        return "mixpanel.js"
    if "/analytics/" in url:
        return "ours"
    return "page"


def own_scripts(loaf: list[Any], start: float, end: float) -> tuple[float, str]:
    """The longest script of ours (the bundle's files, mixpanel.js excepted) that ran in a long
    animation frame in [start, end), and its invoker: what ties a long task to us. A script is
    charged by its entry point: mixpanel.js work our code calls (a batch from the worker
    applied on the page) counts as ours."""
    longest, invoker = 0.0, ""
    for frame_start, _duration, scripts in loaf:
        if not start <= frame_start < end:
            continue
        for script in scripts:
            if kind(script[0]) == "ours" and float(script[1]) > longest:
                longest = float(script[1])
                invoker = f"{script[2] if len(script) > 2 else ''} ({script[0].rsplit('/', 1)[-1]})"
    return longest, invoker


def overlap(spans: list[list[float]], start: float, end: float) -> float:
    return sum(max(0.0, min(end, b) - max(start, a)) for a, b in spans)


def own_code(loaf: list[Any], spans: list[list[float]], start: float, end: float) -> float:
    """The longest script of ours (as own_scripts) less the time it spent inside mixpanel.js's
    own methods (`spans`, recorded by the benchmark page): our code's own share of a long
    frame. mixpanel.js's work is the page's, whoever calls it (the direct page pays it too)."""
    longest = 0.0
    for frame_start, _duration, scripts in loaf:
        if not start <= frame_start < end:
            continue
        for script in scripts:
            if kind(script[0]) == "ours" and len(script) > 3:
                began = float(script[3])
                mine = float(script[1]) - overlap(spans, began, began + float(script[1]))
                longest = max(longest, mine)
    return longest


def task_seconds(cdp: Any) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return float(next(m["value"] for m in metrics if m["name"] == "TaskDuration"))


def window_task_ms(cdp: Any, page: Any, script: str, arg: Any) -> tuple[float, Any]:
    """Main-thread task time (ms) over WINDOW_S from just before `script` runs."""
    began = time.monotonic()
    before = task_seconds(cdp)
    result = page.evaluate(script, arg)
    time.sleep(max(0.0, began + WINDOW_S - time.monotonic()))
    return (task_seconds(cdp) - before) * 1000, result


def idle_burst_pair(page: Any, cdp: Any) -> tuple[float, float, float, Any]:
    """An idle window, then a window with a burst: (per-call task ms, idle ms, burst ms, the
    burst's own figures)."""
    idle_ms, _ = window_task_ms(cdp, page, NOOP_JS, None)
    burst_ms, burst = window_task_ms(cdp, page, BURST_JS, BURST)
    return (burst_ms - idle_ms) / BURST, idle_ms, burst_ms, burst


def after_ready(page: Any, cdp: Any) -> dict[str, Any]:
    """On a page that is ready and settled: BURSTS pairs of an idle window and a burst (the
    pair with the median per-call time is reported: one 3 s window is at the mercy of the
    machine's noise), then single calls."""
    cdp.send("Performance.enable")
    pairs = []
    for _ in range(BURSTS):
        pairs.append(idle_burst_pair(page, cdp))
    per_call, idle_ms, burst_ms, burst = sorted(pairs, key=lambda pair: pair[0])[BURSTS // 2]
    tasks = page.evaluate("() => [window.__longTasks, window.__loaf, window.__mpSpans || []]")
    # The burst's own task began a moment before its first line (the timer callback that runs
    # it); its long task and frame start there, so the window opens LEAD_MS earlier.
    start = burst["start"] - LEAD_MS
    end = burst["start"] + WINDOW_S * 1000
    one = page.evaluate(ONE_JS, ONE_CALLS)
    return {
        "idle_task_ms": idle_ms,
        "burst_task_ms": burst_ms,
        "per_call_task_ms": per_call,
        "per_call_task_ms_all": [pair[0] for pair in pairs],
        "burst_own_ms": burst["own"],
        "burst_settled_ms": burst["settled"],
        "burst": blocking(tasks[0], start, end),
        "burst_own_script_ms": own_scripts(tasks[1], start, end)[0],
        "burst_own_script": own_scripts(tasks[1], start, end)[1],
        "burst_own_code_ms": own_code(tasks[1], tasks[2], start, end),
        "one_call_ms": statistics.median(one),
    }
