"""What every phase of the build shares: where things go, the options, the in-memory Bundle,
and the content hash that names a file."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
CACHE = ROOT / ".cache"
BUNDLE_MARK = "/*@BUNDLE@*/null"  # in static/analytics.js: the bundle object goes there
FILES_MARK = "/*@FILES@*/{}"  # in static/boot.mjs: the files the stub does not name go there
# The files the stub itself fetches or imports (its `files`; 4096 B gzip at most): the boot
# modules it imports, the runtime files it fetches at DOMContentLoaded, and Pyodide's folder
# (the benchmark reads it from the loader). boot.mjs carries every other file's name.
STUB_FILES = frozenset(
    ("boot", "boot-worker", "boot-micropython", "boot-pyodide", "micropython", "mpy", "package")
    + ("mixpanel", "pyodide")
)
STAMP = (2020, 1, 1, 0, 0, 0)  # every zip entry's date: the same sources, the same bytes
DEFAULT_API_HOST = "https://api-js.mixpanel.com"
HASHED = re.compile(r"(?:^|/)[^/]*[.-][0-9a-f]{8}(?:[./]|$)")  # a path with a content hash
# Stands in for https://cdn.segment.com in a site's Segment snippet. A folder of its own because
# Segment's path starts with `analytics.js/`, which is our loader's (a file's) name at the root.
SEGMENT_HOST = "segment"


class BuildError(RuntimeError):
    """A build that cannot be made as asked (a clear message, exit code 1)."""


@dataclass
class Options:
    out: Path = DIST
    api_host: str = DEFAULT_API_HOST
    make_snapshot: bool = False
    write_keys: list[tuple[str, Path]] = field(default_factory=list)
    root: Path = ROOT
    node: Path | None = None  # node_modules (default: root's)
    wheel: bool = True
    cache: Path = CACHE  # the expensive parts: .mpy, trimmed stdlib, snapshot, wheel, .br

    @property
    def node_modules(self) -> Path:
        return self.node or self.root / "node_modules"


@dataclass
class Bundle:
    """What one build writes: path -> bytes, and the `files` map of the contract."""

    files: dict[str, str] = field(default_factory=dict)
    out: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, key: str, name: str, body: bytes) -> None:
        """One file, named in `files` by `key`."""
        self.out[name] = body
        self.files[key] = name


def h8(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:8]


def is_hashed(path: str) -> bool:
    """Whether a bundle path names content that never changes (sent immutable)."""
    return not path.startswith(SEGMENT_HOST + "/") and bool(HASHED.search(path))


def project_version() -> str:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return str(meta["project"]["version"])


def npm_version(node: Path, package: str) -> str | None:
    try:
        return str(json.loads((node / package / "package.json").read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def stamped_zip(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, body in entries:
            zf.writestr(zipfile.ZipInfo(name, STAMP), body, compress_type=method)
    return buf.getvalue()
