"""Why each bundle file ships: the documented configuration that loads it (README sections in
brackets). The build writes it into MANIFEST.json (`loadedBy` of each entry) and its summary,
and notes any file no configuration loads; tests/unit/test_inventory.py holds every file of a
build to having one. A new file ships only with a line here saying who loads it.
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

# Modules of the package that only describe (the thread protocol's tables, the host's type):
# no runtime imports them, so the runtime packages leave them out (tests/unit/test_inventory.py).
DESCRIPTIVE = ("integration/bridge/protocol.py", "integration/bridge/host.py")


def runtime_sources(root: Path) -> list[Path]:
    """The package's .py files a runtime loads: all but the descriptive ones."""
    files = sorted((root / "integration").rglob("*.py"))
    return [p for p in files if p.relative_to(root).as_posix() not in DESCRIPTIVE]


EVERY_PAGE = "every page: the boot modules, imported by the stub at DOMContentLoaded"
MICROPYTHON = "runtime micropython (auto's choice on a plain page) [Runtimes]"
PYODIDE = "runtime pyodide [Runtimes]"
REPLAY = "session replay: sessionReplayPercentage or mixpanelConfig.record_sessions_percent"
# The bundle's `files` keys -> who loads the file.
BY_KEY: dict[str, str] = {
    "boot": EVERY_PAGE,
    "boot-wire": EVERY_PAGE,
    "boot-page": EVERY_PAGE,
    "boot-progress": EVERY_PAGE,
    "boot-thread": EVERY_PAGE,
    "boot-worker": "every page whose runtime runs in a Worker (the default) [Use it on a page]",
    "boot-micropython": MICROPYTHON,
    "boot-pyodide": PYODIDE,
    "mixpanel": "every page: mixpanel.js, driven by the integration",
    "micropython": MICROPYTHON,
    "mpy": "runtime micropython: the package precompiled, early modules (before the first event)",
    "mpyLate": "runtime micropython: the package precompiled, late modules (after ready)",
    "package": "runtime pyodide; runtime micropython when the bundle has no .mpy zip",
    "pyodide": PYODIDE,
    "stdlib": "runtime pyodide: the trimmed standard library [Speed]",
    "stdlibFull": "runtime pyodide, when the trimmed standard library lacks a module [Speed]",
    "snapshot": "runtime pyodide, snapshot policy auto (cached or fast link) or always [Speed]",
    "surface": "the QA console: methods, settings and their help [QA console]",
    "wheel": "PyScript pages: installed into the page's interpreter [Deploy, PyScript pages]",
    "future": "PyScript pages on MicroPython: __future__ beside the wheel [Deploy]",
}
# Files with no key of their own, by path pattern -> who loads them.
BY_PATTERN: tuple[tuple[str, str], ...] = (
    ("analytics.js", "every page: the script tag (the stub) [Use it on a page]"),
    ("snippet.js", "pages that paste the inline snippet instead of the tag [Use it on a page]"),
    ("micropython-*/micropython.wasm", MICROPYTHON),
    ("pyodide-*/pyodide.mjs", PYODIDE),
    ("pyodide-*/pyodide.asm.mjs", PYODIDE),
    ("pyodide-*/pyodide.asm.wasm", PYODIDE),
    ("pyodide-*/pyodide-lock.json", "runtime pyodide, when the runtime reports no ABI version"),
    ("mixpanel-*/mixpanel-recorder-*.min.js", REPLAY + ", from lib_base_path"),
    (
        "mixpanel-*/mixpanel-targeting-*.min.js",
        "mixpanelConfig's feature flags, and session replay's event triggers, with property "
        "filters: from lib_base_path",
    ),
    ("segment/analytics.js/v1/*/analytics.min.js", "Segment's snippet, write-key builds [Deploy]"),
    ("segment/v1/projects/*/settings", "Segment's snippet, write-key builds [Deploy]"),
)


def loaded_by(path: str, files: dict[str, str]) -> str | None:
    """Who loads the bundle file `path` (None: no documented configuration does)."""
    for key, named in files.items():
        if named == path:
            return BY_KEY.get(key)
    for pattern, who in BY_PATTERN:
        if fnmatch(path, pattern):
            return who
    return None


def summary_rows(entries: list[dict[str, object]]) -> list[str]:
    """The build summary's lines: each configuration with the files it loads."""
    groups: dict[str, list[str]] = {}
    for entry in entries:
        who = str(entry.get("loadedBy") or "NOTHING DOCUMENTED (drop it or say who loads it)")
        groups.setdefault(who, []).append(str(entry["path"]).rsplit("/", 1)[-1])
    return [f"  {who}: {', '.join(names)}" for who, names in groups.items()]
