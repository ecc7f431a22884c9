"""The startup runs' medians (min-max) per profile, page, phase and key; the machine's line."""

from __future__ import annotations

import os
import platform
import statistics
from pathlib import Path
from typing import Any

from bench import pages as bench_pages


def series(runs: list[dict[str, Any]], *keys: str) -> list[float]:
    values = []
    for run in runs:
        value: Any = run
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            values.append(float(value))
    return values


def stat(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


KEYS = ("ready", "first_event", "load", "longest", "bytes", "js_heap_mb", "wasm_mb")


def summarise(runs: dict[str, list[dict[str, Any]]]) -> dict[Any, Any]:
    summary: dict[Any, Any] = {}
    for profile, profile_runs in runs.items():
        for page in bench_pages.PAGES:
            for phase in ("cold", "warm"):
                for key in KEYS:
                    summary[(profile, page, phase, key)] = stat(
                        series(profile_runs, page, phase, key)
                    )
                fails = [
                    r[page][phase].get("failed")
                    for r in profile_runs
                    if page in r and r[page][phase].get("failed")
                ]
                summary[(profile, page, phase, "fails")] = fails
                summary[(profile, page, phase, "duplicates")] = max(
                    (len(r[page][phase]["duplicates"]) for r in profile_runs if page in r),
                    default=None,
                )
            per_call = series(profile_runs, page, "per_call_us")
            summary[(profile, page, "per_call_us")] = stat(per_call)
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
