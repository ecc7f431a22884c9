"""The main-thread and first-event sections of BENCHMARKS.md: main thread, first event on both
CPU profiles, the heavy page, the boot's phases, and their targets with what stands in the way."""

from __future__ import annotations

from typing import Any

from bench.heavy import LABELS
from bench.mainthread import BURST, WINDOW_S
from bench.phases import COLUMNS
from bench.report import fmt, ratio, rtext, secs
from bench.rounds import has_rounds, pooled, ratio_median
from bench.summary import stat

Stat = dict[str, float] | None
HEAVY_NAMES = ("default/heavy", "mixpanel/heavy", "plain/heavy")
PROFILE_NAMES = {
    "mobile": "CDP profile (network + CPU 4× through CDP: the page's main thread only)",
    "capped": "cgroup-capped profile (network through CDP; the whole browser under a cgroup "
    "cpu quota, worker included)",
}


class Figures:
    """Medians over the runs of one profile: get(page, phase, *keys)."""

    def __init__(self, runs: list[dict[str, Any]]) -> None:
        self.runs = runs

    def get(self, page: str, *keys: str) -> Stat:
        values = []
        for run in self.runs:
            value: Any = run.get(page)
            for key in keys:
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                values.append(float(value))
        return stat(values)

    def median(self, page: str, *keys: str) -> float | None:
        s = self.get(page, *keys)
        return None if s is None else s["median"]

    def fails(self, page: str, phase: str) -> int:
        return sum(1 for r in self.runs if (r.get(page) or {}).get(phase, {}).get("failed"))


def kb(s: Stat) -> str:
    return fmt(s, "KB", 1 / 1000)


def count(s: Stat) -> str:
    if s is None:
        return "–"
    lo, med, hi = s["min"], s["median"], s["max"]
    return f"{med:g}" if lo == hi else f"{med:g} ({lo:g}–{hi:g})"


def delta(a: float | None, b: float | None) -> str:
    return "–" if a is None or b is None else f"{a - b:+.0f} ms"


def startup_rows(f: Figures) -> list[str]:
    rows = [
        "| page | phase | blocking time | added over no-analytics | longest long task | long "
        "tasks | longest script of ours in a long frame | … of it outside mixpanel.js's own "
        "methods | ready | first event |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for page in ("plain", "mixpanel", "default", "page-mode"):
        for phase in ("cold", "warm"):
            tbt = f.median(page, phase, "startup", "tbt")
            base = f.median("plain", phase, "startup", "tbt")
            cells = [
                fmt(f.get(page, phase, "startup", "tbt")),
                "–" if page == "plain" else delta(tbt, base),
                fmt(f.get(page, phase, "startup", "longest")),
                count(f.get(page, phase, "startup", "count")),
                fmt(f.get(page, phase, "startup_own_script_ms")),
                fmt(f.get(page, phase, "startup_own_code_ms")),
                secs(f.get(page, phase, "ready")),
                secs(f.get(page, phase, "first_event")),
            ]
            rows.append(f"| {LABELS[page]} | {phase} | " + " | ".join(cells) + " |")
    return rows


ROUNDS_HEAD = " (rounds) | × direct (median of the rounds' ratios) |"


def after_rows(f: Figures) -> list[str]:
    """The visits' after-ready figures; per call and × direct from the rounds (bench/rounds.py)
    when the run has them, else from the visits' median pairs."""
    in_rounds = has_rounds(f.runs)
    rows = [
        "| page | one call: the calling function | 20-call burst: the function | all 20 "
        "settled | burst: blocking time | longest | long tasks | main-thread task time "
        f"({WINDOW_S:g} s window, idle subtracted) | per call"
        + (ROUNDS_HEAD if in_rounds else " | × direct |"),
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    base = f.get("mixpanel", "after", "per_call_task_ms")
    for page in ("mixpanel", "default", "page-mode", "pyodide-snapshot", "pyodide-page"):

        def a(*k: str, p: str = page) -> Stat:
            return f.get(p, "after", *k)

        visit_per = a("per_call_task_ms")
        per = stat(pooled(f.runs, page)) if in_rounds else visit_per
        if visit_per is None and per is None:
            continue
        burst = None if visit_per is None else {k: v * BURST for k, v in visit_per.items()}
        times = ratio_median(f.runs, page) if in_rounds else ratio(per, base)
        cells = [
            fmt(a("one_call_ms")),
            fmt(a("burst_own_ms")),
            fmt(a("burst_settled_ms")),
            fmt(a("burst", "tbt")),
            fmt(a("burst", "longest")),
            count(a("burst", "count")),
            fmt(burst),
            fmt(per),
            "–" if page == "mixpanel" else rtext(times),
        ]
        rows.append(f"| {LABELS[page]} | " + " | ".join(cells) + " |")
    return rows


def first_rows(f: Figures, pages: tuple[str, ...], phases: tuple[str, ...]) -> list[str]:
    rows = [
        "| page | phase | first event | × direct | ready | LCP | LCP delay (vs no analytics) "
        "| load event | load delay | bytes (page + worker) | bytes before the first event |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for page in pages:
        plain = "plain/heavy" if page.endswith("/heavy") else "plain"
        direct = page.replace(page.split("/")[0], "mixpanel", 1)
        for phase in phases:

            def g(*k: str, p: str = page, ph: str = phase) -> Stat:
                return f.get(p, ph, *k)

            if g("bytes") is None and not f.fails(page, phase):
                continue
            first = g("first_event")
            cells = [
                secs(first),
                "–" if page == direct else rtext(ratio(first, f.get(direct, phase, "first_event"))),
                secs(g("ready")),
                secs(g("lcp")),
                delta(f.median(page, phase, "lcp"), f.median(plain, phase, "lcp")),
                secs(g("load")),
                delta(f.median(page, phase, "load"), f.median(plain, phase, "load")),
                kb(g("bytes")),
                kb(g("bytes_first")),
            ]
            label = LABELS[page.split("/")[0]] + (", heavy page" if "/" in page else "")
            fails = f.fails(page, phase)
            rows.append(
                f"| {label}{f' ({fails} failed)' if fails else ''} | {phase} | "
                + " | ".join(cells)
                + " |"
            )
    return rows


PHASE_HEAD = {
    "dcl": "DOMContentLoaded",
    "load": "load event",
    "boot_modules": "page has the boot modules",
    "boot_start": "boot's first step (worker: its first phase; page: first bundle fetch)",
    "fetch_end": "runtime files fetched",
    "module_import_ms": "worker: module imports (duration)",
    "compile_ms": "wasm compile + instantiate (duration)",
    "init_ms": "package import + init (duration)",
    "ready": "ready",
    "first_call": "first call applied (timings.firstCall)",
    "first_request": "first /track request leaves",
    "first_event": "first event at the collector",
}


def phase_rows(f: Figures, profile: str) -> list[str]:
    rows = [
        "| page | phase | " + " | ".join(PHASE_HEAD[c] for c in COLUMNS) + " |",
        "| --- | --- |" + " --- |" * len(COLUMNS),
    ]
    for page in ("default", "page-mode", "default/heavy", "page-mode/heavy"):
        for phase in ("cold", "warm"):
            if f.get(page, phase, "phases", "dcl") is None:
                continue
            cells = [fmt(f.get(page, phase, "phases", c)) for c in COLUMNS]
            label = LABELS[page.split("/")[0]] + (", heavy page" if "/" in page else "")
            rows.append(f"| {label} | {phase} | " + " | ".join(cells) + f" |{''}")
    return [f"{PROFILE_NAMES[profile]}:", "", *rows]
