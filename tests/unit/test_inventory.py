"""Nothing ships that nothing loads: every file of a build has the documented configuration that
loads it (devtools/inventory.py) in MANIFEST.json, and a file without one is noted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from devtools import build, inventory
from tests.unit.conftest import fake_node


def test_every_file_of_a_full_build_says_which_configuration_loads_it(
    manifest: dict[str, Any],
) -> None:
    paths = {e["path"] for e in manifest["entries"]}
    for name in ("micropython.wasm", "pyodide-lock.json", "python_stdlib.zip", "analytics.min.js"):
        assert any(p.endswith(name) for p in paths), name  # the build shipped them all
    unloaded = [e["path"] for e in manifest["entries"] if not e["loadedBy"]]
    assert unloaded == []
    assert not [n for n in manifest["notes"] if "no documented configuration" in n]


def test_the_summary_lists_each_configuration_with_its_files(manifest: dict[str, Any]) -> None:
    text = build.summary(manifest)
    listing = text.split("loaded by (devtools/inventory.py):\n", 1)[1].split("\n\n", 1)[0]
    recorder = next(line for line in listing.splitlines() if "mixpanel-recorder-AbC" in line)
    assert recorder.strip().startswith("session replay")
    assert len(listing.splitlines()) == len({e["loadedBy"] for e in manifest["entries"]})


def test_every_documented_loader_names_a_file_the_build_makes(manifest: dict[str, Any]) -> None:
    keys = set(manifest["files"]) - {"snapshot"}  # made by Chromium; not in a unit build
    assert keys <= set(inventory.BY_KEY)
    assert set(inventory.BY_KEY) - keys <= {"snapshot", "mpy", "mpyLate", "stdlib", "wheel"}
    paths = [e["path"] for e in manifest["entries"]]
    for pattern, _ in inventory.BY_PATTERN:
        assert [p for p in paths if inventory.fnmatch(p, pattern)], pattern


def test_a_file_no_configuration_loads_is_noted(tmp_path: Path) -> None:
    node = fake_node(
        tmp_path / "node",
        {"mixpanel-browser/dist/async-modules/mixpanel-newthing-X.min.js": b"/* ? */"},
    )
    opts = build.Options(out=tmp_path / "dist", node=node, wheel=False)
    manifest = build.build(opts)
    [entry] = [e for e in manifest["entries"] if e["loadedBy"] is None]
    assert entry["path"].endswith("mixpanel-newthing-X.min.js")
    assert any(entry["path"] in note for note in manifest["notes"])
    assert "NOTHING DOCUMENTED" in build.summary(manifest)


def test_the_descriptive_modules_are_imported_by_no_runtime_and_shipped_in_none() -> None:
    probe = (
        "import sys, integration, integration.bridge, integration.bridge.page;"
        "print(sorted(m for m in sys.modules if m.startswith('integration.bridge.')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    for path in inventory.DESCRIPTIVE:
        module = path[: -len(".py")].replace("/", ".")
        assert f"'{module}'" not in loaded, (module, loaded)
    root = Path(inventory.__file__).resolve().parents[1]
    shipped = {p.relative_to(root).as_posix() for p in inventory.runtime_sources(root)}
    assert not shipped & set(inventory.DESCRIPTIVE)
    assert "integration/bridge/__init__.py" in shipped
