"""What serve.py may serve, and how: the allow-list, versioned runtime URLs, ETags, gzip.

Runtime files from node_modules are reachable under a versioned prefix, e.g.
`/vendor/pyodide@314.0.7/pyodide.mjs`: the version comes from the installed package, so such a
URL never changes content and is sent as immutable (a repeat visit downloads none of it). The
unversioned `/vendor/pyodide/` prefix also works (revalidated by ETag). The integration package
is served as `/integration.<hash>.zip`, immutable too; for MicroPython it is also served
precompiled (`/integration.<hash>.mpy.zip`, see serve_mpy.py). Big text-like files (wasm, js,
json) are gzipped once and kept in memory. Nothing outside the listed folders is ever served.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import threading
import zipfile
from pathlib import Path

import serve_mpy

ROOT = Path(__file__).resolve().parent
NODE = ROOT / "node_modules"

# name -> (npm package folder, sub-folder served)
RUNTIME = {
    "pyodide": ("pyodide", ""),
    "mixpanel": ("mixpanel-browser", "dist"),
    "pyscript": ("@pyscript/core", "dist"),
    "micropython": ("@micropython/micropython-webassembly-pyscript", ""),
}
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".map": "application/json",
    ".py": "text/x-python; charset=utf-8",
}
COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".json", ".wasm", ".map", ".svg", ".bin"}
SNAPSHOTS = ROOT / ".cache" / "snapshots"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
RUNTIME_MARK = "/*@RUNTIME@*/null"
BUNDLE_MARK = "/*@BUNDLE@*/null"  # TEMP (loader branch): until devtools/ builds the bundle


def package_version(folder: str) -> str:
    try:
        meta = json.loads((NODE / folder / "package.json").read_text())
        return str(meta["version"])
    except (OSError, ValueError, KeyError):
        return "0"


class Asset:
    """One response body with its headers' facts."""

    def __init__(self, body: bytes, ctype: str, etag: str, cache: str, gzipped: bool) -> None:
        self.body = body
        self.ctype = ctype
        self.etag = etag
        self.cache = cache
        self.gzipped = gzipped


class Assets:
    """Resolves URL paths to assets; caches gzipped bodies and the package zip."""

    def __init__(self) -> None:
        self.mounts: dict[str, tuple[Path, str]] = {
            "/static/": (ROOT / "static", REVALIDATE),
            "/bench/": (ROOT / "bench" / "pages", REVALIDATE),  # written by bench/pages.py
            "/snapshots/": (SNAPSHOTS, IMMUTABLE),  # written by scripts/make_snapshot.py
        }
        self.urls: dict[str, str] = {}
        for name, (pkg, sub) in RUNTIME.items():
            folder = NODE / pkg / sub
            versioned = f"/vendor/{name}@{package_version(pkg)}/"
            self.mounts[versioned] = (folder, IMMUTABLE)
            self.mounts[f"/vendor/{name}/"] = (folder, REVALIDATE)
            self.urls[name] = versioned
        self._gz: dict[tuple[str, str], bytes] = {}
        self._zip: tuple[tuple[tuple[str, int], ...], bytes] | None = None
        self._lock = threading.Lock()
        self.mpy = serve_mpy.MpyPackage(ROOT, package_version(RUNTIME["micropython"][0]))

    # -- the integration package ------------------------------------------------------------
    def package_zip(self) -> bytes:
        files = sorted((ROOT / "integration").rglob("*.py"))
        key = tuple((str(p), p.stat().st_mtime_ns) for p in files)
        if self._zip is None or self._zip[0] != key:
            self._zip = (key, self._build_zip(files))
        return self._zip[1]

    def _build_zip(self, files: list[Path]) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in files:
                info = zipfile.ZipInfo(path.relative_to(ROOT).as_posix(), (2020, 1, 1, 0, 0, 0))
                zf.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
        return buf.getvalue()

    def package_url(self) -> str:
        digest = hashlib.sha256(self.package_zip()).hexdigest()[:16]
        return f"/integration.{digest}.zip"

    def runtime_json(self) -> str:
        urls = {**self.urls, "package": self.package_url()}
        mpy = self.mpy.url()
        if mpy:
            urls["mpy"] = mpy
        snapshot = snapshot_path(self)
        if snapshot.exists():
            urls["snapshot"] = "/snapshots/" + snapshot.name
        return json.dumps(urls)

    def module_url(self, stem: str) -> str:
        """TEMP: static/<stem>.mjs under a content-hashed, immutable name."""
        digest = hashlib.sha256((ROOT / "static" / f"{stem}.mjs").read_bytes()).hexdigest()[:8]
        return f"static/{stem}.{digest}.mjs"

    def bundle_json(self) -> str:
        """TEMP: the contract's bundle object, from what this server serves today."""
        from integration import surface

        contract = surface.as_json()
        pyodide = self.urls["pyodide"][1:]
        files = {
            "boot": self.module_url("boot"),
            "boot-pyodide": self.module_url("boot-pyodide"),
            "boot-micropython": self.module_url("boot-micropython"),
            "mixpanel": self.urls["mixpanel"][1:] + "mixpanel.min.js",
            "micropython": self.urls["micropython"][1:] + "micropython.mjs",
            "pyodide": pyodide,
            "stdlib": pyodide + "python_stdlib.zip",  # no trimmed one here: the full one
            "stdlibFull": pyodide + "python_stdlib.zip",
            "package": self.package_url()[1:],
        }
        mpy = self.mpy.url()
        if mpy:
            files["mpy"] = mpy[1:]
        snapshot = snapshot_path(self)
        if snapshot.exists():
            files["snapshot"] = "snapshots/" + snapshot.name
        bundle = {
            "version": "0.1.0",
            "root": "../",  # the loader is served one level deep (/static/, /analytics/)
            **{k: contract[k] for k in ("methods", "stubMethods", "storage", "cookieKeys")},
            "files": files,
            "settings": None,
        }
        return json.dumps(bundle)

    # -- lookup -------------------------------------------------------------------------------
    def find(self, url_path: str) -> tuple[Path, str] | None:
        if url_path in ("/", "/index.html"):
            return ROOT / "index.html", REVALIDATE
        for prefix, (folder, cache) in self.mounts.items():
            if url_path.startswith(prefix):
                candidate = (folder / url_path[len(prefix) :]).resolve()
                if candidate.is_file() and folder.resolve() in candidate.parents:
                    return candidate, cache
        return None

    def get(self, url_path: str, accept_gzip: bool) -> Asset | None:
        if url_path.startswith("/integration.") and url_path.endswith(".mpy.zip"):
            return self.mpy_asset(url_path, accept_gzip)
        if url_path.startswith("/integration.") and url_path.endswith(".zip"):
            body = self.package_zip()
            tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            cache = IMMUTABLE if url_path == self.package_url() else REVALIDATE
            return Asset(body, TYPES[".zip"], tag, cache, False)
        if url_path == "/analytics/analytics.js":  # TEMP: the contract's tag
            url_path = "/static/analytics.js"
        versioned = url_path.startswith("/static/") and url_path.endswith(".mjs")
        parts = url_path[len("/static/") :].split(".")
        if versioned and len(parts) == 3 and self.module_url(parts[0]) == url_path[1:]:
            url_path = f"/static/{parts[0]}.mjs"  # TEMP: a hashed module name
        found = self.find(url_path)
        if found is None:
            return None
        file, cache = found
        if versioned and len(parts) == 3:
            cache = IMMUTABLE
        stat = file.stat()
        etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
        ctype = TYPES.get(file.suffix, "application/octet-stream")
        if file.name == "analytics.js" and file.parent.name == "static":
            body = file.read_bytes().replace(RUNTIME_MARK.encode(), self.runtime_json().encode())
            body = body.replace(BUNDLE_MARK.encode(), self.bundle_json().encode())
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            return Asset(body, ctype, etag, cache, False)
        if accept_gzip and file.suffix in COMPRESSIBLE:
            return Asset(self.gzipped(file, etag), ctype, etag[:-1] + '-gz"', cache, True)
        return Asset(file.read_bytes(), ctype, etag, cache, False)

    def mpy_asset(self, url_path: str, accept_gzip: bool) -> Asset | None:
        """The precompiled package: a stored zip, so the browser's own gzip does the inflating
        and the loader has no DecompressionStream to run."""
        built = self.mpy.zip()
        if built is None:
            return None
        body, gz, digest = built
        tag = '"' + digest + '"'
        cache = IMMUTABLE if url_path == self.mpy.url() else REVALIDATE
        if accept_gzip:
            return Asset(gz, TYPES[".zip"], tag[:-1] + '-gz"', cache, True)
        return Asset(body, TYPES[".zip"], tag, cache, False)

    def gzipped(self, file: Path, etag: str) -> bytes:
        key = (str(file), etag)
        with self._lock:
            cached = self._gz.get(key)
        if cached is None:
            cached = gzip.compress(file.read_bytes(), compresslevel=6, mtime=0)
            with self._lock:
                self._gz[key] = cached
        return cached

    def warm(self) -> None:
        """Build the .mpy package and precompress the big runtime files (a thread at start-up)."""
        self.mpy.zip()
        for name in ("pyodide.asm.wasm", "pyodide.asm.mjs", "pyodide-lock.json", "pyodide.mjs"):
            self.get(self.urls["pyodide"] + name, True)
        self.get(self.urls["mixpanel"] + "mixpanel.min.js", True)
        for name in ("micropython.wasm", "micropython.mjs"):
            self.get(self.urls["micropython"] + name, True)
        snapshot = snapshot_path(self)
        if snapshot.exists():
            self.get("/snapshots/" + snapshot.name, True)


def snapshot_path(assets: Assets) -> Path:
    """Where the memory snapshot for this Pyodide and this package lives (it may not exist)."""
    version = assets.urls["pyodide"].rstrip("/").rsplit("@", 1)[-1]
    digest = assets.package_url().split(".")[1]
    return SNAPSHOTS / f"pyodide-{version}-{digest}.bin"
