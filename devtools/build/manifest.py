"""Manifest: the bundle written to disk with its twins (compress.py), and MANIFEST.json. Every
file with its size, gzip and brotli sizes and the configuration that loads it
(devtools/inventory.py), the bytes a cold visitor downloads per runtime, the script tag with its
SRI hash and a minimal Content-Security-Policy; `summary()` prints the same."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

from devtools import inventory
from devtools.build import compress
from devtools.build.bundle import Bundle, Options, is_hashed, project_version

TAG_URL = "/analytics/analytics.js"  # where the README and the dev server mount the bundle
# What a PyScript page needs on top (seen in headless Chromium with PyScript 0.7.31): its core
# runs a worker from a blob: URL and evaluates code.
CSP_PYSCRIPT = "worker-src 'self' blob:; script-src adds 'unsafe-eval'"


def write(bundle: Bundle, opts: Options, fingerprint: str) -> dict[str, Any]:
    """Write what is not there yet, the twins, MANIFEST.json; drop files of older builds."""
    opts.out.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(opts.out)
    entries, keep = write_files(bundle, opts)
    for old in (previous or {}).get("written", []):
        if old not in keep:
            (opts.out / old).unlink(missing_ok=True)
    prune_empty(opts.out)
    manifest = manifest_of(bundle, opts, fingerprint, entries, sorted(keep))
    manifest["visitor"] = visitor_bytes(manifest)
    atomic_write(opts.out / "MANIFEST.json", json.dumps(manifest, indent=1).encode())
    compress.prune(opts.cache / "brotli")
    return manifest


def write_files(bundle: Bundle, opts: Options) -> tuple[list[dict[str, Any]], set[str]]:
    """Each file and its twins (a hashed file already there is kept); their entries, and the
    paths written. A file no documented configuration loads gets a note."""
    entries, keep = [], set()
    for path, body in sorted(bundle.out.items()):
        target = opts.out / path
        hashed = is_hashed(path)
        if not (hashed and target.is_file() and target.stat().st_size == len(body)):
            atomic_write(target, body)
        keep.add(path)
        twins = compress.write_twins(opts.out, path, body, hashed, opts.cache / "brotli")
        keep.update(path + suffix for suffix in twins)
        entries.append(entry(path, body, twins, bundle.files))
        unloaded = f"{path}: shipped, but no documented configuration loads it"
        if entries[-1]["loadedBy"] is None and unloaded not in bundle.notes:
            bundle.notes.append(unloaded)
    return entries, keep


def manifest_of(
    bundle: Bundle, opts: Options, fingerprint: str, entries: list[Any], written: list[str]
) -> dict[str, Any]:
    """MANIFEST.json but its "visitor" bytes (computed from it)."""
    integrity = sri(bundle.out["analytics.js"])
    return {
        "version": project_version(),
        "fingerprint": fingerprint,
        "files": bundle.files,
        "entries": entries,
        "written": written,
        "tag": f'<script src="{TAG_URL}" integrity="{integrity}" crossorigin></script>',
        "integrity": integrity,
        "csp": csp(opts.api_host),
        "cspPyScript": CSP_PYSCRIPT,
        "writeKeys": [k for k, _ in opts.write_keys],
        "notes": bundle.notes,
    }


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


# -- what a cold visitor downloads -----------------------------------------------------------


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


# -- files -----------------------------------------------------------------------------------


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


# -- the summary -----------------------------------------------------------------------------


def summary(manifest: dict[str, Any]) -> str:
    """What the build prints: each file's sizes, the bytes per runtime, who loads what, the tag."""
    rows = [f"{'file':<60} {'bytes':>11} {'gzip':>10} {'brotli':>10}"]
    for e in manifest["entries"]:
        br = "-" if e.get("brotli") is None else f"{e['brotli']:,}"
        rows.append(f"{e['path']:<60} {e['size']:>11,} {e['gzip']:>10,} {br:>10}")
    total = sum(e["size"] for e in manifest["entries"])
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
