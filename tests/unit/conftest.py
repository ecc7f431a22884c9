"""Fixtures of the unit tests, with what only they use (shared set-ups that are not fixtures:
tests/helpers.py): PyScript's `js` module standing in, the surface's contract check, and the dev
tools' builds and server (`built`: test_build.py, `manifest`: test_inventory.py, `base`:
test_serve.py)."""

from __future__ import annotations

import io
import json
import sys
import threading
import types
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import integration.surface
from devtools import build
from devtools import server as serve
from integration.bridge import forward


class FakeLoader:
    """The loader's window.analytics as bridge/page.py sees it: `_attach` and `__callWire`."""

    def __init__(self) -> None:
        self.attached: list[Any] = []
        self.wire: list[tuple[str, str]] = []

    def _attach(self, start: Any) -> None:
        self.attached.append(start)

    def __getattr__(self, name: str) -> Any:
        if name == "__callWire":
            return lambda method, text: self.wire.append((method, text))
        raise AttributeError(name)


@pytest.fixture
def fake_js(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.SimpleNamespace]:
    """PyScript's `js` module, standing in (tests/unit/test_pyscript_attach.py)."""
    warned: list[str] = []
    js = types.SimpleNamespace(
        window=types.SimpleNamespace(analytics=FakeLoader()),
        console=types.SimpleNamespace(warn=warned.append),
        warned=warned,
    )
    monkeypatch.setitem(sys.modules, "js", js)
    monkeypatch.setattr(forward, "_page", False)
    monkeypatch.setattr(forward, "_installed", None)
    yield js


@pytest.fixture
def assert_contract_of_the_surface() -> Callable[[dict[str, Any]], None]:
    """Checks a built loader's contract against integration.surface: the stub's method map has
    the surface's names only, each 2 when the call takes a callback (the stub runs those once),
    else 1; stubMethods, handleCalls, storage and cookieKeys are the surface's."""
    surface = integration.surface.as_json()

    def check(contract: dict[str, Any]) -> None:
        methods = contract["methods"]
        assert list(methods) == list(surface["methods"])
        with_callback = {m for m, args in surface["methods"].items() if "callback" in args}
        assert {m for m, v in methods.items() if v == 2} == with_callback
        assert methods["track"] == 2 and methods["addSourceMiddleware"] == 1
        for key in ("stubMethods", "handleCalls", "storage", "cookieKeys"):
            assert contract[key] == surface[key], key

    return check


# The dev tools' builds and server (devtools/build/, devtools/server.py): one of each per module.

SEGMENT_SETTINGS = {
    "integrations": {
        "Mixpanel": {"token": "project-token", "people": True, "trackAllPages": False},
        "Google Analytics": {"trackingId": "UA-1"},
    },
    "plan": {"track": {}},
}


def options(tmp: Path, **extra: Any) -> build.Options:
    return build.Options(out=tmp / "dist", node=tmp / "no-node-modules", **extra)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("build")
    settings = tmp / "segment.json"
    settings.write_text(json.dumps(SEGMENT_SETTINGS))
    opts = options(tmp, write_keys=[("WRITE_KEY_1", settings)])
    return opts.out, build.build(opts)


# The vendored files as the npm packages lay them out (contents do not matter to the build).
VENDOR_FILES = {
    "mixpanel-browser/dist/mixpanel.min.js": b"/* mixpanel */",
    "mixpanel-browser/dist/async-modules/mixpanel-recorder-AbC.min.js": b"/* recorder */",
    "mixpanel-browser/dist/async-modules/mixpanel-targeting-DeF.min.js": b"/* targeting */",
    "@micropython/micropython-webassembly-pyscript/micropython.mjs": b"export {};",
    "@micropython/micropython-webassembly-pyscript/micropython.wasm": b"\0asm",
    "pyodide/pyodide.mjs": b"export {};",
    "pyodide/pyodide.asm.mjs": b"export {};",
    "pyodide/pyodide.asm.wasm": b"\0asm",
    "pyodide/pyodide-lock.json": b"{}",
}
PACKAGES = ("mixpanel-browser", "@micropython/micropython-webassembly-pyscript", "pyodide")


def fake_node(root: Path, extra: dict[str, bytes] | None = None) -> Path:
    for path, body in {**VENDOR_FILES, **(extra or {})}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(body)
    for package in PACKAGES:
        (root / package / "package.json").write_text(json.dumps({"version": "1.0.0"}))
    empty = io.BytesIO()
    zipfile.ZipFile(empty, "w").close()
    (root / "pyodide" / "python_stdlib.zip").write_bytes(empty.getvalue())
    return root


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("inventory")
    settings = tmp / "segment.json"
    settings.write_text(json.dumps({"integrations": {"Mixpanel": {"token": "t"}}}))
    opts = build.Options(
        out=tmp / "dist", node=fake_node(tmp / "node"), write_keys=[("KEY", settings)]
    )
    return build.build(opts)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # The bundle of this checkout without runtime files: the unit layer needs no node_modules.
    tmp = tmp_path_factory.mktemp("serve")
    server = serve.make_server("127.0.0.1", 0, dist=tmp / "dist", node=tmp / "no-node-modules")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
    server.server_close()
