"""The trimmed Pyodide standard library for our standalone Pyodide boot (`stdLibURL`).

The module list comes from a real run, never from a hand-kept list: Node runs the pinned
Pyodide (node_modules/pyodide), unpacks the package, imports every module of it and every
standard-library name the package's source imports anywhere (lazy imports inside functions
too, found by walking its AST), makes one call of each surface method through
`integration.Analytics` with a fake mixpanel, and lists the standard-library files in
`sys.modules`. Only those entries of Pyodide's python_stdlib.zip are kept, in the form it has
them. A second Pyodide then boots with the trimmed zip and runs the same code: any import that
fails there fails the build. The result is cached in .cache/stdlib/ by (Pyodide version,
package hash), so it is made once per package change.

PyScript pages run arbitrary user code and keep the full stdlib (`stdlibFull` in the bundle).
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from devtools.build.bundle import STAMP

ZIP_PREFIX = "/lib/python314.zip/"  # where Pyodide mounts python_stdlib.zip

# One run: `exercise` returns the problems it met (an empty list when all went well) and the
# standard-library files in sys.modules.
EXERCISE = r"""
import json, os, sys

def exercise(extra_json):
    problems = []
    for name in json.loads(extra_json):
        try:
            __import__(name)
        except ImportError as exc:
            problems.append("import %s: %s" % (name, exc))
    home = "/home/pyodide"
    for folder, _dirs, files in sorted(os.walk(home + "/integration")):
        for file in sorted(files):
            if file.endswith(".py"):
                parts = (folder[len(home) + 1:] + "/" + file[:-3]).split("/")
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                try:
                    __import__(".".join(parts))
                except Exception as exc:
                    problems.append("import %s: %r" % (".".join(parts), exc))
    import integration
    from integration import surface

    class Fake:
        def __getattr__(self, name):
            if name.startswith("__"):
                raise AttributeError(name)
            return Fake()

        def __call__(self, *args, **kwargs):
            return Fake()

        def get_distinct_id(self):
            return "device-1"

        def get_property(self, name):
            return None

    class Console:
        def __getattr__(self, level):
            return lambda message: None

    examples = {
        "identify": ("user-1", {"name": "Ada", "email": "a@example.com", "age": 36}),
        "track": ("Signed Up", {"plan": "pro", "revenue": 9.5, "at": "2020-01-01T00:00:00Z"}),
        "page": ("Docs", "Intro", {"url": "https://example.com/docs", "title": "Intro"}),
        "alias": ("user-2", "user-1"),
        "group": ("org-1", {"name": "Org", "employees": 3}),
        "reset": (),
        "consent": (True,),
    }
    try:
        api = integration.Analytics({"token": "t"}, Fake(), console=Console())
        for method in surface.METHODS:
            getattr(api, method)(*examples.get(method, ()))
    except Exception as exc:
        problems.append("calls: %r" % (exc,))
    prefix = "@PREFIX@"
    files = sorted({
        m.__file__[len(prefix):] for m in list(sys.modules.values())
        if isinstance(getattr(m, "__file__", None), str) and m.__file__.startswith(prefix)
    })
    builtins = sorted(sys.builtin_module_names)
    return json.dumps({"problems": problems, "files": files, "builtins": builtins})
""".replace("@PREFIX@", ZIP_PREFIX)

NODE_SCRIPT = r"""
const [indexURL, packagePath, trimmedPath, extraJson, code] = process.argv.slice(2);
const fs = await import('node:fs');
const { loadPyodide } = await import(indexURL + 'pyodide.mjs');
async function run(options) {
  const py = await loadPyodide({indexURL, ...options});
  py.unpackArchive(new Uint8Array(fs.readFileSync(packagePath)), 'zip',
                   {extractDir: '/home/pyodide'});
  py.runPython(code);
  return JSON.parse(py.globals.get('exercise')(extraJson));
}
const out = {full: await run({})};
if (trimmedPath) out.trimmed = await run({stdLibURL: trimmedPath});
process.stdout.write(JSON.stringify(out));
"""


class StdlibError(RuntimeError):
    """The trimmed stdlib could not be made or does not boot."""


def package_stdlib_imports(package_dir: Path) -> list[str]:
    """Top-level standard-library names the package imports on any code path (AST walk)."""
    names: set[str] = set()
    for path in sorted(package_dir.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return sorted(n for n in names if n in sys.stdlib_module_names or n == "__future__")


def trim_zip(full: bytes, files: list[str]) -> bytes:
    """The entries of `full` named in `files`, in its order and compression, stamped."""
    keep = set(files)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(full)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in keep:
                entry = zipfile.ZipInfo(info.filename, STAMP)
                dst.writestr(entry, src.read(info), compress_type=zipfile.ZIP_DEFLATED)
    missing = keep - set(zipfile.ZipFile(io.BytesIO(out.getvalue())).namelist())
    if missing:
        raise StdlibError(f"files not in python_stdlib.zip: {sorted(missing)}")
    return out.getvalue()


def _node(
    pyodide_dir: Path, package_zip: Path, trimmed: Path | None, extra: list[str]
) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        raise StdlibError("node is not installed")
    script = package_zip.with_name("trim.mjs")
    script.write_text(NODE_SCRIPT)
    argv = [node, str(script)]
    args = [f"{pyodide_dir.resolve()}/", str(package_zip), str(trimmed or ""), json.dumps(extra)]
    done = subprocess.run(
        [*argv, *args, EXERCISE], capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        raise StdlibError("the Node run of Pyodide failed: " + done.stderr.strip()[-2000:])
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def cached_path(pyodide_dir: Path, package_zip: bytes, cache: Path) -> Path:
    """Where the trimmed zip of this Pyodide and package is kept; the run's facts (files,
    Pyodide's built-in modules, problems) are beside it as .json."""
    version = json.loads((pyodide_dir / "package.json").read_text())["version"]
    recipe = (EXERCISE + NODE_SCRIPT).encode()  # a changed recipe makes a new list
    key = hashlib.sha256(f"{version}\0".encode() + recipe + package_zip).hexdigest()[:16]
    return cache / f"python_stdlib-{version}-{key}.zip"


def make(pyodide_dir: Path, package_zip: bytes, package_dir: Path, cache: Path) -> bytes:
    """The trimmed stdlib zip (cached by Pyodide version and package hash)."""
    target = cached_path(pyodide_dir, package_zip, cache)
    version = target.name.split("-")[1]
    if target.is_file() and target.with_suffix(".json").is_file():
        return target.read_bytes()
    extra = package_stdlib_imports(package_dir)
    full = (pyodide_dir / "python_stdlib.zip").read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp) / "package.zip"
        pkg.write_bytes(package_zip)
        listed = _node(pyodide_dir, pkg, None, extra)["full"]
        trimmed = trim_zip(full, listed["files"])
        candidate = Path(tmp) / "python_stdlib.zip"
        candidate.write_bytes(trimmed)
        check = _node(pyodide_dir, pkg, candidate, extra)
    if check["trimmed"]["problems"] != check["full"]["problems"]:
        raise StdlibError(f"the trimmed stdlib does not run the package: {check['trimmed']}")
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob(f"python_stdlib-{version}-*"):
        old.unlink()
    target.with_suffix(".json").write_text(json.dumps(listed, indent=1))
    part = target.with_suffix(".part")
    part.write_bytes(trimmed)
    part.replace(target)
    return trimmed


def listed_files(trimmed: bytes) -> list[str]:
    """The module files a trimmed zip holds."""
    return zipfile.ZipFile(io.BytesIO(trimmed)).namelist()


def module_names(files: list[str]) -> set[str]:
    """Module names of zip entries: a package's `__init__.py` is the package (json), any other
    module its dotted path (json.decoder)."""
    names = set()
    for file in files:
        if not file.endswith(".py"):
            continue
        parts = file[: -len(".py")].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.add(".".join(parts))
    return names
