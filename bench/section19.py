"""The text of the main-thread and first-event sections in BENCHMARKS.md (tables:
bench/report19.py)."""

from __future__ import annotations

from typing import Any

from bench.heavy import BELOW, HERO
from bench.mainthread import BURST, BURSTS, ONE_CALLS, WINDOW_S
from bench.report19 import (
    PROFILE_NAMES,
    Figures,
    after_rows,
    first_rows,
    phase_rows,
    startup_rows,
)
from bench.rounds import ROUNDS, has_rounds
from bench.targets19 import in_the_way, targets

SMALL = ("mixpanel", "default", "page-mode")
HEAVY = ("plain/heavy", "mixpanel/heavy", "default/heavy", "page-mode/heavy")

INTRO = [
    "Pages: no analytics (the baseline for main-thread and LCP/load figures), mixpanel.js "
    "direct (the baseline for first event and per-call figures), the default install (the "
    "runtime in a Worker: MicroPython) and the in-page fallback (settings `thread: 'main'`), "
    "all measured in the same runs, interleaved. Pyodide (worker, and `thread: 'main'`) only "
    "for the per-call figures: its pages load unthrottled (its cold boot is about a minute of "
    "transfer on this network), then get the CDP profile.",
    "Two CPU profiles, both on Lighthouse's mobile network through CDP (150 ms RTT, 1.6 Mbit/s "
    "down, 750 kbit/s up):",
    "- **CDP profile**: CPU 4× through `Emulation.setCPUThrottlingRate`. It slows the page's "
    "main thread only: a Worker's code runs at full speed. Main-thread figures are from this "
    "profile.",
    "- **cgroup-capped profile**: no CDP CPU throttling; the whole browser (every process and "
    "thread, the worker included, and the browser's own network and compositor work) runs in a "
    "cgroup v1 `cpu` quota with a 10 ms period, calibrated at the start of the run so a "
    "CPU-bound loop in a page runs about 4× slower than uncapped. First-event and ready figures "
    "are reported on both; the first-event targets below are judged on this one.",
    "Long tasks: PerformanceObserver `longtask` (buffered) from navigation until "
    "max(ready, load event) + 1 s; blocking time = Σ(long task − 50 ms). *Longest script of "
    "ours*: the longest script from the bundle's files (mixpanel.js excepted) in a "
    "`long-animation-frame` entry, which is what ties a long task to us; *… outside "
    "mixpanel.js's own methods*: that script's duration less the time spent inside mixpanel.js's "
    "methods it called (the page times every mixpanel.js method, outermost calls only), i.e. "
    "our code's own share. In a worker, mixpanel.js's script runs in its own task when the "
    "runtime's `init` arrives, and that init in the next task (the direct page runs both in "
    "one, from Mixpanel's snippet); each call's mixpanel.js work then runs in a task of ours. "
    "The start-up target is judged on our code's share; both are shown. Bytes are "
    "counted at the server (page and worker requests; a 304 counts its headers); *before the "
    "first event* = sent between navigation start and the first event's arrival.",
]


ROUNDS_TEXT = (
    f". *Per call* and *× direct* come from {ROUNDS} rounds a run after the visits "
    "(bench/rounds.py), pooled over the runs: each page's warm tab in its own browser, every "
    "page measured in turn in each round (an idle window and a burst window, the CDP profile "
    "set on that tab only), and × direct is the median of the page's per-round ratios to "
    "direct, so each ratio compares two pages in the same minute: a call's time drifts by a "
    "third from minute to minute on this machine (mixpanel.js's cookie reads wait on the "
    "browser's network process), more than the 10 % the target allows."
)


def cap_line(cap: Any) -> str:
    if not cap:
        return "- CPU cap: not run."
    if "error" in cap:
        return f"- CPU cap: {cap['error']}."
    steps = ", ".join(
        f"{s['fraction'] * 100:.1f}% of a CPU → {s['x']:.2f}× ({s['uncapped_ms']:.0f} → "
        f"{s['capped_ms']:.0f} ms)"
        for s in cap["steps"]
    )
    return (
        f"- CPU cap calibration (a 2e7-step loop in a page; quota / {cap['period_us']} µs "
        f"period): {steps}; kept {cap['fraction'] * 100:.1f}% of one CPU for the whole browser."
    )


def invokers(f: Figures) -> list[str]:
    """Which entry point the longest script of ours was, per run (LoAF's `invoker`)."""
    out = []
    for page in ("default", "page-mode"):
        for phase in ("cold", "warm"):
            seen = [
                ((r.get(page) or {}).get(phase) or {}).get("startup_own_script") for r in f.runs
            ]
            out.append(f"{page} {phase}: " + "; ".join(x or "–" for x in seen))
        seen = [((r.get(page) or {}).get("after") or {}).get("burst_own_script") for r in f.runs]
        out.append(f"{page} burst: " + "; ".join(x or "–" for x in seen))
    return [
        "Longest script of ours, by entry point (LoAF `invoker`, file), per run. A script is "
        "charged by its entry point, so mixpanel.js work that our code calls (the worker's "
        "batches applied on the page: mixpanel.init, track) counts as ours: "
        + " · ".join(out)
        + "."
    ]


# What stands in the way, per kind of missed target: read from this machine's runs (the phase
# breakdown, Resource Timing of the heavy page, the LoAF entry points). Printed under the row's
# own figures, only for rows this run missed.
WHY = {
    "start-up, main thread": (
        "the entry points listed under the start-up table. Already cut into short tasks: the "
        "boot's steps on the page yield between them, mixpanel.js's script and its init run in "
        "two tasks, each call's effects are applied in a task of their own, the stub's "
        "DOMContentLoaded handler starts the boot import and the wasm and leaves the other "
        "early requests to a task of their own, and the page reads each runtime file for the "
        "worker without piping a stream. What is left, by the entry points above: the boot "
        "modules' evaluation with boot.mjs's first step (`import.then`), the stub's two "
        "DOMContentLoaded tasks (each request's start costs the main thread more under CDP's "
        "network emulation), and the first mixpanel.js calls applied from a `Worker.onmessage` "
        "(their mixpanel.js time is in the raw column, not in our share)"
    ),
    "a function that makes one call": (
        "the stub's synchronous part at 4× CPU: recording the call (its id from a pool of "
        "random bytes once live; the page context, which looks up the canonical link; its "
        "meta as JSON; the Promise it returns) and encoding its arguments at call time "
        "(natively, by JSON.stringify, then a type check, when they are plain), so a later "
        "change to the page's object is not sent; the first call of a function also queues "
        "the microtask that posts them. About 0.15-0.2 ms of work unthrottled, the benchmark's own "
        "ten properties included. CDP's throttling pauses the main thread about 1 ms at a "
        "time, so a single call reads either 0.1-0.3 ms or 1.0-1.3 ms, and the median is "
        "the share of calls a pause falls in"
    ),
    "per call after ready": (
        "with the runtime in the worker, the page still runs every mixpanel.js call (that part "
        "equals direct) plus our page code: recording and encoding each call, one message each "
        "way for the calls a function makes, applying each call's effects in a task of its own "
        "and settling the promises, about 0.3-0.4 ms a call unthrottled against 7-9 ms for the "
        "track itself (a CDP sampling profile of 5 bursts). Most of a track's time is "
        "mixpanel.js reading `document.cookie` right after writing it, which waits on the "
        "browser's network process: on this 2-core machine that drifts by a third from minute "
        "to minute, which the rounds pair away only in part (every round's figures are in the "
        "JSON). Pyodide's optimising compilation no longer falls in the bursts: the worker "
        "warms it up after ready"
    ),
    "first event, heavy page": (
        "the dev server speaks HTTP/1.1, so Chromium keeps at most 6 connections to it: the "
        "images take them, and the boot modules (a chain of imports, a round trip each) queue "
        "behind the images (Resource Timing: the page has them seconds after DOMContentLoaded, "
        "see the phase table); "
        "then the runtime's ~300 KB share the 1.6 Mbit/s link with the rest of the images"
    ),
    "heavy page: LCP": (
        "the worker's boot starts at DOMContentLoaded, so its ~300 KB of runtime files are "
        "fetched while the hero image still downloads (the in-page fallback waits for the "
        "load event)"
    ),
    "first event, small page": (
        "the boot is a chain: the stub, at DOMContentLoaded the boot modules (several imports, "
        "a round trip each), then the Worker's own module, then the runtime files it asks the "
        "page for, then compile + instantiate and import + init; mixpanel.js direct is one "
        "35 KB file"
    ),
}


def why(rows: list[tuple[str, str, str]], m: Figures, c: Figures) -> list[str]:
    out = []
    for target, measured, result in rows:
        if not result.startswith("missed"):
            continue
        line = f"- **{target}**: {measured}, {result}."
        kind = next((k for k in WHY if target.startswith(k)), None)
        if kind:
            line += f" In the way: {WHY[kind]}."
        if target.startswith("first event"):
            f = c if "cgroup" in target else m
            page = "default/heavy" if "heavy" in target else "default"
            phase = "warm" if "warm" in target else "cold"
            line += " Phase medians: " + in_the_way(f, page, phase) + "."
            base = f.get(page.replace("default", "mixpanel"), phase, "first_event")
            if base and base["max"] > 1.5 * base["min"]:  # a baseline that moves between runs
                line += (
                    f" Direct's own first event ranged {base['min'] / 1000:.2f}–"
                    f"{base['max'] / 1000:.2f} s over the runs, so this ratio moves with it."
                )
        out.append(line)
    return out or ["- Every target was met in this run."]


def sections(i19: dict[str, Any], runs: int) -> list[str]:
    m, c = Figures(i19["mobile"]), Figures(i19["capped"])
    rows = targets(m, c)
    w, h = HERO
    lines = [
        "",
        f"## The main thread and the first event ({runs} runs, medians, min–max)",
        "",
        *INTRO,
        cap_line(i19.get("cap")),
        "",
        "### Start-up, main thread (CDP profile)",
        "",
        *startup_rows(m),
        "",
        *invokers(m),
        "",
        f"### After ready (CDP profile, warm tab): one call, and {BURST} calls in one function",
        "",
        f"Each call is `track` with 10 properties. *One call*: median of {ONE_CALLS} calls, "
        f"150 ms apart. The burst: one function making {BURST} calls; *settled*: until every "
        "call's promise resolved (the shim) or the function returned (direct). Task time: CDP "
        f"`Performance.getMetrics` TaskDuration over {WINDOW_S:g} s from the burst, minus the "
        f"same window with no calls, measured just before; {BURSTS} such pairs a visit, the "
        "pair with the median per-call time gives the burst figures"
        + (ROUNDS_TEXT if has_rounds(m.runs) else "; also per call."),
        "",
        *after_rows(m),
        "",
        "### First event and ready, small page",
        "",
    ]
    for name, f in (("mobile", m), ("capped", c)):
        lines += [f"{PROFILE_NAMES[name]}:", "", *first_rows(f, SMALL, ("cold", "warm")), ""]
    lines += [
        f"### The heavy page (cold): a {w}×{h} hero image shown at {w * 2}×{h * 2} (the LCP) "
        f"and {BELOW} images, 620 KB, below the text",
        "",
    ]
    for name, f in (("mobile", m), ("capped", c)):
        lines += [f"{PROFILE_NAMES[name]}:", "", *first_rows(f, HEAVY, ("cold",)), ""]
    lines += [
        "### The boot, phase by phase (ms from navigation start; durations where marked)",
        "",
        "Worker: from `analytics.timings.phases` (the page's fetches for the worker, and each "
        "step in the worker), `timings.ready` and `timings.firstCall`. In-page fallback: the "
        "loader records neither phases nor `timings.firstCall` in this mode (it records "
        "`timings.start` and `timings.ready`), so its fetch comes from Resource Timing, its "
        "compile + instantiate from the benchmark page's WebAssembly wrapper, and import + init "
        "is the rest up to ready (it also includes waiting for mixpanel.js and the load event). "
        "First request: Resource Timing of mixpanel.js's first `/track` request, both modes.",
        "",
        *phase_rows(m, "mobile"),
        "",
        *phase_rows(c, "capped"),
        "",
        "## Targets: the main thread and the first event (medians of this run)",
        "",
        "[CDP] = CDP profile, [cgroup cap] = cgroup-capped profile.",
        "",
        "| target | measured | result |",
        "| --- | --- | --- |",
        *(f"| {a} | {b} | {r} |" for a, b, r in rows),
        "",
        "### What stands in the way of those targets",
        "",
        *why(rows, m, c),
    ]
    return lines
