"""The trimmed Pyodide stdlib (devtools/build/stdlib.py): every standard-library module the package
imports, on any code path, is in it. The real trim runs Pyodide in Node, so that test is in the
browser layer; the logic it relies on is checked here on fixtures."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from devtools.build import stdlib
from devtools.build.bundle import CACHE
from devtools.build.collect import package_zip

ROOT = Path(__file__).resolve().parents[2]


def test_the_ast_walk_finds_lazy_and_guarded_imports(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(
        "from __future__ import annotations\nimport json, os.path\nfrom . import b\n"
        "def f():\n    import uuid\n    from collections import abc\n"
        "if False:\n    from typing import Any\nimport integration.wire\n"
    )
    assert stdlib.package_stdlib_imports(tmp_path / "pkg") == [
        "__future__",
        "collections",
        "json",
        "os",
        "typing",
        "uuid",
    ]


def test_trim_keeps_only_the_listed_entries_and_fails_on_a_missing_one() -> None:
    full = io.BytesIO()
    with zipfile.ZipFile(full, "w") as zf:
        for name in ("json/", "json/__init__.py", "json/decoder.py", "uuid.py", "tkinter.py"):
            zf.writestr(name, "" if name.endswith("/") else f"# {name}\n")
    trimmed = stdlib.trim_zip(full.getvalue(), ["json/__init__.py", "json/decoder.py", "uuid.py"])
    files = stdlib.listed_files(trimmed)
    assert files == ["json/__init__.py", "json/decoder.py", "uuid.py"]
    assert stdlib.module_names(files) == {"json", "json.decoder", "uuid"}
    assert zipfile.ZipFile(io.BytesIO(trimmed)).read("uuid.py") == b"# uuid.py\n"
    with pytest.raises(stdlib.StdlibError, match="not in python_stdlib.zip"):
        stdlib.trim_zip(full.getvalue(), ["nope.py"])


@pytest.mark.browser  # runs Pyodide in Node: needs node_modules (excluded by -m "not browser")
def test_every_stdlib_module_the_package_imports_is_in_the_trimmed_zip() -> None:
    node = ROOT / "node_modules"
    package = package_zip(ROOT)
    trimmed = stdlib.make(node / "pyodide", package, ROOT / "integration", CACHE / "stdlib")
    modules = stdlib.module_names(stdlib.listed_files(trimmed))
    facts = stdlib.cached_path(node / "pyodide", package, CACHE / "stdlib")
    builtin = set(json.loads(facts.with_suffix(".json").read_text())["builtins"])
    assert {"sys", "_json"} <= builtin  # compiled into Pyodide: no file to keep
    wanted = stdlib.package_stdlib_imports(ROOT / "integration")
    missing = [name for name in wanted if name not in modules and name not in builtin]
    assert not missing, missing
    full = zipfile.ZipFile(node / "pyodide" / "python_stdlib.zip").namelist()
    assert len(trimmed) < (node / "pyodide" / "python_stdlib.zip").stat().st_size / 2
    assert set(stdlib.listed_files(trimmed)) < set(full)
