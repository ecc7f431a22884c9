"""The boot, phase by phase, from what one visit recorded (ms from navigation start).

Worker mode: `analytics.timings.phases` (each runtime file the page fetched for the worker,
'fetch <url>'; each step in the worker: a module URL for its import, 'runtime step' for the
others: on MicroPython the first is the wasm's compile + instantiate, the second the package's
import + init), `timings.ready` and `timings.firstCall`.

Page mode (thread 'main'): the loader records no phases and no firstCall there, so they are
derived: the runtime files' fetch from Resource Timing, the wasm's compile + instantiate from
the benchmark page's WebAssembly wrapper, import + init as the rest up to `timings.ready`.

Both modes: when the page had the boot modules (Resource Timing), the first call's request
leaving the page (Resource Timing of mixpanel.js's /mp/track request) and the first event's
arrival at the collector.
"""

from __future__ import annotations

from typing import Any

STEP_NAMES = {"micropython": ("compile + instantiate", "package import + init")}
COLUMNS = (
    "dcl",
    "load",
    "boot_modules",
    "boot_start",
    "fetch_end",
    "module_import_ms",
    "compile_ms",
    "init_ms",
    "ready",
    "first_call",
    "first_request",
    "first_event",
)


def runtime_file(url: str) -> bool:
    path = url.split("?", 1)[0]
    return "/analytics/" in path and not path.endswith("/analytics.js")


def boot_modules(resources: list[list[Any]]) -> float | None:
    """When the page had the boot modules (boot*.mjs, Resource Timing of the page)."""
    ends = [r[2] for r in resources if "/boot" in r[0].split("?", 1)[0]]
    return max(ends) if ends else None


def first_request(resources: list[list[Any]]) -> float | None:
    sends = [r[1] for r in resources if "/mp/track" in r[0]]
    return min(sends) if sends else None


def worker_steps(phases: list[dict[str, Any]], runtime: str) -> dict[str, float | None]:
    fetches = [p for p in phases if p["what"].startswith("fetch ")]
    steps = [p for p in phases if p["what"] == "runtime step" and "end" in p]
    imports = [p for p in phases if p not in fetches and p not in steps and "end" in p]
    names = STEP_NAMES.get(runtime, ())
    out: dict[str, float | None] = {
        "fetch_end": max((p.get("end", p["start"]) for p in fetches), default=None),
        "module_import_ms": sum(p["end"] - p["start"] for p in imports) if imports else None,
        "boot_start": min((p["start"] for p in phases), default=None),
        "compile_ms": None,
        "init_ms": None,
    }
    for name, step in zip(names, steps, strict=False):
        key = "compile_ms" if name.startswith("compile") else "init_ms"
        out[key] = step["end"] - step["start"]
    return out


def page_steps(facts: dict[str, Any]) -> dict[str, float | None]:
    ours = [r for r in facts.get("resources") or [] if runtime_file(r[0])]
    wasm = facts.get("wasm") or []
    ready = (facts.get("timings") or {}).get("ready")
    compile_end = wasm[0][1] if wasm else None
    return {
        "fetch_end": max((r[2] for r in ours), default=None),
        "module_import_ms": None,
        "boot_start": min((r[1] for r in ours), default=None),
        "compile_ms": wasm[0][1] - wasm[0][0] if wasm else None,
        "init_ms": ready - compile_end if ready and compile_end else None,
    }


def breakdown(facts: dict[str, Any]) -> dict[str, float | None]:
    """One visit's boot: the COLUMNS (absent ones None)."""
    timings = facts.get("timings") or {}
    runtime = facts.get("runtime") or {}
    if timings.get("phases"):
        steps = worker_steps(timings["phases"], str(runtime.get("name")))
    else:
        steps = page_steps(facts)
    return {
        "dcl": facts.get("dcl"),
        "load": facts.get("load"),
        "boot_modules": boot_modules(facts.get("resources") or []),
        **steps,
        "ready": timings.get("ready"),
        "first_call": timings.get("firstCall"),
        "first_request": first_request(facts.get("resources") or []),
        "first_event": facts.get("first_event"),
    }
