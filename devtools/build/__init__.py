"""The one build: the static bundle a site hosts, written to dist/ (git-ignored) by default.

    python -m devtools.build [--out DIR] [--api-host URL] [--no-snapshot]
                             [--write-key KEY --settings FILE]...     (scripts/build.sh)

- `analytics.js` (static/analytics.js with `/*@BUNDLE@*/null` replaced by the bundle contract:
  version, root, the surface's methods/stubMethods/storage/cookieKeys, `files`, settings) and
  `snippet.js` keep stable names: a page's tag never changes; they are sent `no-cache`.
- Everything else has a content-hashed name and never changes (sent immutable): the boot
  module(s), mixpanel.js with its lazy bundles, MicroPython, Pyodide, the trimmed stdlib,
  the package as a .py zip and a precompiled .mpy zip, the Pyodide memory snapshot when made,
  the surface as JSON, the wheel. Versions are in paths, never in query strings (PyScript
  rejects an archive URL with `?v=`).
- Text and wasm files get precompressed `.gz` and `.br` twins (for nginx's gzip_static /
  brotli_static and the dev server; the .br ones cached in .cache/).
- MANIFEST.json lists every file with its size, gzip and brotli sizes and the configuration
  that loads it (devtools/inventory.py), the bytes a cold visitor downloads per runtime under
  each, the script tag with its SRI hash and a minimal Content-Security-Policy; the same
  summary is printed.
- Write-key builds (Segment's snippet, unchanged but for its host: `<bundle URL>/segment`)
  add `segment/analytics.js/v1/KEY/analytics.min.js` (the loader with that project's Mixpanel
  settings baked in, root "../../../../") and `segment/v1/projects/KEY/settings` (the file
  given). They sit in segment/ because `analytics.js` at the root is the loader, a file.
  Secrets in the Mixpanel entry (surface.SECRET_SETTINGS: apiSecret, gdprApiToken, …) are left
  out of both, and the build says so (a note naming the keys, never their values).

The phases, one module each, in the order they run: collect.py (the inputs as they are),
compiled.py (what is made from them: mpy.py, stdlib.py, the wheel, the minified stub; the
snapshot, snapshot.py, is made after a first write), rewrite.py (hashed names written into the
files that name them), then manifest.py writes the files, their twins (compress.py) and
MANIFEST.json. bundle.py holds what they share; cli.py is `python -m devtools.build`.

Only what is stale is rebuilt: hashed files already in DIR are kept, the expensive parts
(.mpy, trimmed stdlib, snapshot, wheel) are cached in .cache/, and `ensure_built()` (the dev
server's check) returns at once when no input changed since the last build.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

from devtools.build import collect, compiled, compress, rewrite, snapshot
from devtools.build.bundle import CACHE, DIST, ROOT, BuildError, Bundle, Options, is_hashed
from devtools.build.compiled import minify_stub
from devtools.build.manifest import read_manifest, summary, write
from devtools.build.rewrite import loader

__all__ = [
    "CACHE",
    "DIST",
    "ROOT",
    "BuildError",
    "Bundle",
    "Options",
    "assemble",
    "build",
    "ensure_built",
    "is_hashed",
    "loader",
    "minify_stub",
    "read_manifest",
    "summary",
]


def assemble(opts: Options) -> tuple[Bundle, str | None]:
    """Every file of the bundle, in memory (the caches keep this cheap), and the snapshot's
    key (None: the bundle has no trimmed stdlib to make one for)."""
    bundle = Bundle()
    projects = collect.projects(bundle, opts.write_keys)
    if not compress.available():
        bundle.notes.append("brotli: not installed (pip install '.[build]'); no .br twins")
    surface = collect.load_surface(opts.root)
    collect.add_vendored(bundle, opts.node_modules)
    key = add_python(bundle, opts)
    collect.add_surface(bundle, surface)
    if opts.wheel:
        compiled.add_wheel(bundle, opts.root, opts.cache)
    compiled.add_future(bundle)
    rewrite.add_boot(bundle, opts.root)  # last but the loaders: boot.mjs names the files
    source = (opts.root / "static" / "analytics.js").read_text()
    small = compiled.minify_stub(source, opts.node_modules)
    if small is None:
        bundle.notes.append("analytics.js: not minified (node_modules/.bin/terser is missing)")
    rewrite.add_loaders(bundle, small or source, small is None, surface, projects)
    bundle.out["snippet.js"] = (opts.root / "static" / "snippet.js").read_bytes()
    return bundle, key


def add_python(bundle: Bundle, opts: Options) -> str | None:
    """The package (.py and .mpy zips), the trimmed stdlib, and the snapshot made for both
    when there is one; the snapshot's key."""
    root, node = opts.root, opts.node_modules
    package = compiled.add_package(bundle, root, node, opts.cache)
    trimmed = compiled.add_stdlib(bundle, root, node, package, opts.cache)
    if trimmed is None:
        return None
    key = compiled.snapshot_key(node, package, trimmed)
    cached = opts.cache / "snapshots" / f"{key}.bin"
    if opts.make_snapshot and not cached.is_file():
        bundle.notes.append("snapshot: to be made")
    compiled.add_snapshot(bundle, cached)
    return key


def fingerprint(opts: Options) -> str:
    """A cheap digest of every input's name, size and mtime (and the options)."""
    root, node = opts.root, opts.node_modules
    paths = [
        *sorted((root / "static").rglob("*")),
        *sorted((root / "integration").rglob("*.py")),
        root / "pyproject.toml",
        *sorted((ROOT / "devtools").rglob("*.py")),
        *(node / pkg / "package.json" for pkg, *_ in collect.VENDORED.values()),
        node / "terser" / "package.json",
        *sorted((opts.cache / "snapshots").glob("*.bin")),
        *(path for _, path in opts.write_keys),
    ]
    digest = hashlib.sha256(json.dumps([opts.api_host, [k for k, _ in opts.write_keys]]).encode())
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


_lock = threading.RLock()


def build(opts: Options) -> dict[str, Any]:
    """Build into opts.out; return the manifest. A snapshot to be made is made from the
    written bundle, which is then written again with it."""
    with _lock:
        bundle, key = assemble(opts)
        manifest = write(bundle, opts, fingerprint(opts))
        if key is not None and "snapshot: to be made" in bundle.notes:
            if snapshot.make(opts.out, key, opts.cache / "snapshots"):
                bundle, key = assemble(opts)
            else:
                bundle.notes.append("snapshot: could not be made (see above); bundle has none")
            manifest = write(bundle, opts, fingerprint(opts))
        return manifest


def ensure_built(opts: Options) -> dict[str, Any]:
    """The manifest of an up-to-date build in opts.out, building first only when stale (one
    build at a time: requests that arrive meanwhile get its result)."""
    manifest = _fresh(opts)
    if manifest is not None:
        return manifest
    with _lock:
        return _fresh(opts) or build(opts)


def _fresh(opts: Options) -> dict[str, Any] | None:
    manifest = read_manifest(opts.out)
    if manifest is None or manifest.get("fingerprint") != fingerprint(opts):
        return None
    if not all((opts.out / p).is_file() for p in manifest.get("written", [])):
        return None
    return manifest
