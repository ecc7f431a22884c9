"""The main-thread and first-event targets, judged on this run's medians, and a missed
first-event row read from its phase breakdown."""

from __future__ import annotations

from bench.heavy import LABELS
from bench.report import fmt, ratio, rtext, secs
from bench.report19 import HEAVY_NAMES, Figures, delta
from bench.rounds import has_rounds, paired_ratios, pooled, ratio_median
from bench.summary import stat


def check_ratio(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return (
        "met"
        if value <= limit
        else f"missed by {value / limit - 1:.0%} ({value:.2f}× vs {limit:g}×)"
    )


def check_ms(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return "met" if value <= limit else f"missed by {value - limit:.0f} ms"


def added(f: Figures, page: str, phase: str, key: str = "tbt") -> float | None:
    a, b = f.median(page, phase, "startup", key), f.median("plain", phase, "startup", key)
    return None if a is None or b is None else a - b


def startup_targets(m: Figures) -> list[tuple[str, str, str]]:
    rows = []
    for phase in ("cold", "warm"):
        own = m.get("default", phase, "startup_own_code_ms")
        rows.append(
            (
                f"start-up, main thread ({phase}): no long task of ours > 50 ms [CDP]",
                f"our code's share of its longest long frame {fmt(own)} (with the mixpanel.js "
                f"calls it made: {fmt(m.get('default', phase, 'startup_own_script_ms'))}); "
                f"longest long task {fmt(m.get('default', phase, 'startup', 'longest'))}",
                check_ms(None if own is None else own["median"], 50),
            )
        )
        ours, theirs = added(m, "default", phase), added(m, "mixpanel", phase)
        rows.append(
            (
                f"start-up, main thread ({phase}): blocking time added ≤ direct's [CDP]",
                f"ours {delta(ours, 0)}, direct {delta(theirs, 0)}",
                "not measured"
                if ours is None or theirs is None
                else check_ms(ours, max(theirs, 0)),
            )
        )
    return rows


def call_targets(m: Figures) -> list[tuple[str, str, str]]:
    one = m.get("default", "after", "one_call_ms")
    rows = [
        (
            "a function that makes one call returns in ≤ 1 ms [CDP]",
            fmt(one),
            check_ms(None if one is None else one["median"], 1),
        )
    ]
    for page in ("default", "pyodide-snapshot"):
        what = f"per call after ready, main-thread task time ≤ 1.1× direct ({LABELS[page]}) [CDP]"
        if has_rounds(m.runs):  # bench/rounds.py: paired by round
            per, base = stat(pooled(m.runs, page)), stat(pooled(m.runs, "mixpanel"))
            times = ratio_median(m.runs, page)
            got = (
                f"{fmt(per)} vs {fmt(base)} over {len(paired_ratios(m.runs, page))} rounds; "
                f"median of the rounds' ratios {rtext(times)} (ratio of the medians "
                f"{rtext(ratio(per, base))})"
            )
        else:  # a run from before the rounds: the visits' median pairs
            per, base = (
                m.get(page, "after", "per_call_task_ms"),
                m.get("mixpanel", "after", "per_call_task_ms"),
            )
            times = ratio(per, base)
            got = f"{fmt(per)} vs {fmt(base)}: {rtext(times)}"
        rows.append((what, got, check_ratio(times, 1.1)))
    return rows


def first_targets(f: Figures, tag: str) -> list[tuple[str, str, str]]:
    def row(page: str, phase: str, limit: float, what: str) -> tuple[str, str, str]:
        direct = page.replace("default", "mixpanel")
        ours, theirs = f.get(page, phase, "first_event"), f.get(direct, phase, "first_event")
        got = f"{secs(ours)} vs {secs(theirs)}: {rtext(ratio(ours, theirs))}"
        return (f"{what} ≤ {limit:g}× direct [{tag}]", got, check_ratio(ratio(ours, theirs), limit))

    rows = [row("default/heavy", "cold", 1.6, "first event, heavy page, cold")]
    ours, theirs, plain = (f.median(p, "cold", "lcp") for p in HEAVY_NAMES)
    if ours is not None and theirs is not None and plain is not None:
        d_ours, d_theirs = ours - plain, theirs - plain
        rows.append(
            (
                f"heavy page: LCP delayed ≤ direct's delay + 100 ms [{tag}]",
                f"ours {d_ours:+.0f} ms, direct {d_theirs:+.0f} ms",
                check_ms(d_ours, max(d_theirs, 0) + 100),
            )
        )
    rows.append(row("default", "cold", 2.5, "first event, small page, cold"))
    rows.append(row("default", "warm", 2.0, "first event, small page, warm"))
    return rows


def targets(m: Figures, c: Figures) -> list[tuple[str, str, str]]:
    rows = startup_targets(m) + call_targets(m)
    rows += first_targets(c, "cgroup cap") + first_targets(m, "CDP, for reference")
    twice = [(r.get("default") or {}).get("cold", {}).get("served_twice") for r in c.runs + m.runs]
    paths = sorted({p for t in twice if t for p in t})
    rows.append(
        (
            "a cold visit (default install, both profiles, every run) asks the server for no "
            "URL twice (server count, 304s included)",
            ", ".join(f"`{p}`" for p in paths) or "none",
            "met" if not paths else "missed",
        )
    )
    rows.append(
        (
            "carry-over, two tabs, 5 days, worker death: nothing lost or doubled",
            "covered by the browser tests, not by this benchmark",
            "see tests",
        )
    )
    return rows


def in_the_way(f: Figures, page: str, phase: str) -> str:
    """A missed first-event row, read from its phase breakdown."""

    def g(c: str) -> float | None:
        return f.median(page, phase, "phases", c)

    direct = f.median(page.replace("default", "mixpanel"), phase, "first_event")
    parts = [
        f"DOMContentLoaded {g('dcl') or 0:.0f} ms",
        f"the page had the boot modules at {g('boot_modules') or 0:.0f} ms",
        f"the boot's first step {g('boot_start') or 0:.0f} ms",
        f"runtime files fetched by {g('fetch_end') or 0:.0f} ms",
        f"module imports {g('module_import_ms') or 0:.0f} ms",
        f"compile + instantiate {g('compile_ms') or 0:.0f} ms",
        f"import + init {g('init_ms') or 0:.0f} ms",
        f"ready {g('ready') or 0:.0f} ms",
        f"first call applied {g('first_call') or 0:.0f} ms",
        f"first event {g('first_event') or 0:.0f} ms (direct: {direct or 0:.0f} ms)",
    ]
    return "; ".join(parts)
