"""Collect: the build's inputs as they are. The vendored npm packages (each in a versioned,
hashed folder), the surface, the package's .py sources as a zip, and each write key's Segment
settings file (its Mixpanel entry, the secrets left out)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

from devtools import inventory, settings_help
from devtools.build.bundle import BuildError, Bundle, h8, npm_version, stamped_zip
from integration.surface import SECRET_SETTINGS

# name -> (npm package, folder in it, files taken (flat), the file the `files` key points at)
VENDORED = {
    "mixpanel": (
        "mixpanel-browser",
        "dist",
        ("mixpanel.min.js", "async-modules/*.min.js"),
        "mixpanel.min.js",
    ),
    "micropython": (
        "@micropython/micropython-webassembly-pyscript",
        "",
        ("micropython.mjs", "micropython.wasm"),
        "micropython.mjs",
    ),
    "pyodide": (
        "pyodide",
        "",
        (
            "pyodide.mjs",
            "pyodide.asm.mjs",
            "pyodide.asm.wasm",
            "pyodide-lock.json",
            "python_stdlib.zip",
        ),
        "",
    ),
}
KEY_CHARS = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def add_vendored(bundle: Bundle, node: Path) -> None:
    """mixpanel.js (+ lazy bundles), MicroPython and Pyodide, each in a versioned, hashed folder."""
    for key, (package, sub, patterns, entry) in VENDORED.items():
        version = npm_version(node, package)
        if version is None:
            bundle.notes.append(f"{key}: node_modules/{package} is missing (npm ci); not bundled")
            continue
        src = node / package / sub
        files = sorted({p for pattern in patterns for p in src.glob(pattern) if p.is_file()})
        bodies = {p.name: p.read_bytes() for p in files}
        folder = f"{key}-{version}-{folder_hash(bodies)}/"
        for name, body in bodies.items():
            bundle.out[folder + name] = body
        bundle.files[key] = folder + entry
    if "pyodide" in bundle.files:
        bundle.files["stdlibFull"] = bundle.files["pyodide"] + "python_stdlib.zip"


def folder_hash(bodies: dict[str, bytes]) -> str:
    """A folder's content hash: every file's name and content."""
    named = (n.encode() + b"\0" + hashlib.sha256(b).digest() for n, b in sorted(bodies.items()))
    return h8(b"".join(named))


def load_surface(root: Path) -> dict[str, Any]:
    """integration.surface.as_json() of the tree at `root` (imported by path: stdlib only)."""
    spec = importlib.util.spec_from_file_location(
        "_bundle_surface", root / "integration" / "surface.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    surface: dict[str, Any] = module.as_json()
    return surface


def package_zip(root: Path) -> bytes:
    """The .py package: a zip whose root holds integration/."""
    files = inventory.runtime_sources(root)
    return stamped_zip([(p.relative_to(root).as_posix(), p.read_bytes()) for p in files])


def add_surface(bundle: Bundle, surface: dict[str, Any]) -> None:
    """The surface as JSON, with each setting's help, for the QA console."""
    body = json.dumps(settings_help.with_help(surface), indent=1).encode()
    bundle.add("surface", f"surface.{h8(body)}.json", body)


# -- write-key builds ------------------------------------------------------------------------


def projects(bundle: Bundle, write_keys: list[tuple[str, Path]]) -> list[tuple[str, Path, Any]]:
    """(write key, settings file, its Mixpanel entry without secrets) per write key; a note
    names the secrets left out (never their values)."""
    found = [(key, path, mixpanel_settings(key, path)) for key, path in write_keys]
    for key, _, settings in found:
        stripped = without_secrets(settings)
        if stripped:
            bundle.notes.append(
                f"write key {key}: left out the secret setting(s) {', '.join(stripped)} of its "
                "Mixpanel settings (a secret must not be served to browsers)"
            )
    return found


def mixpanel_settings(key: str, path: Path) -> dict[str, Any]:
    """The Mixpanel entry of a Segment settings file; a clear BuildError otherwise."""
    if not KEY_CHARS.match(key):
        raise BuildError(f"--write-key {key!r}: use letters, digits, '-' and '_' only")
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise BuildError(f"--settings {path}: not readable as JSON ({exc})") from exc
    integrations = data.get("integrations") if isinstance(data, dict) else None
    entry = integrations.get("Mixpanel") if isinstance(integrations, dict) else None
    if not isinstance(entry, dict):
        raise BuildError(
            f"--settings {path} (write key {key}): no integrations.Mixpanel entry; this bundle "
            "only runs Mixpanel, so a project without it cannot be built"
        )
    return entry


def without_secrets(entry: dict[str, Any]) -> list[str]:
    """Takes the secret settings out of a Mixpanel entry; their names, sorted."""
    found = sorted(key for key in entry if key in SECRET_SETTINGS)
    for key in found:
        del entry[key]
    return found


def served_settings(path: Path, entry: dict[str, Any]) -> bytes:
    """The settings file as given, or, when its Mixpanel entry held secrets, that file with
    the entry as built (secrets left out)."""
    body = path.read_bytes()
    data = json.loads(body)
    if data["integrations"]["Mixpanel"] == entry:
        return body
    data["integrations"]["Mixpanel"] = entry
    return json.dumps(data, indent=1).encode()
