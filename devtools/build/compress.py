"""The bundle's precompressed twins: `<file>.gz` and `<file>.br` beside each text or wasm file
(for nginx's gzip_static / brotli_static and the dev server).

- gzip -9, written when it saves at least 10 %; files under 256 bytes get none.
- brotli, beside every gzip twin, from PyPI's `brotli` (the `build` extra): quality 11, or 9
  (window 2^24) for a file over BIG bytes (quality 11 of the Pyodide snapshot takes ~80 s, of
  pyodide.asm.wasm ~60 s; quality 9 a few seconds, at ~15 % more bytes). Kept in
  .cache/brotli/ by content hash, so only a changed file pays again; the least recently used
  entries beyond CACHE_LIMIT bytes are dropped. Without the `brotli` module there are no .br
  twins (the build says so) and servers send gzip.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import os
from pathlib import Path
from typing import Any

TEXT_SUFFIXES = {".js", ".mjs", ".json", ".wasm", ".bin", ".map", ".svg", ".css", ".html"}
TEXT_NAMES = (".mpy.zip",)  # stored zips compress well; deflated ones do not
MIN_SIZE = 256
BIG = 4 * 1024 * 1024
CACHE_LIMIT = 256 * 1024 * 1024


def _brotli() -> Any:
    try:
        return importlib.import_module("brotli")
    except ImportError:
        return None


def available() -> bool:
    """Whether .br twins can be made (PyPI's brotli is installed)."""
    return _brotli() is not None


def worth_a_twin(path: str, body: bytes) -> bool:
    suffix_ok = Path(path).suffix in TEXT_SUFFIXES or path.endswith(TEXT_NAMES)
    return suffix_ok and len(body) >= MIN_SIZE


def gzip_twin(path: str, body: bytes) -> bytes | None:
    """The gzip -9 twin of a bundle file, or None when it gets none."""
    if not worth_a_twin(path, body):
        return None
    packed = gzip.compress(body, compresslevel=9, mtime=0)
    return packed if len(packed) < len(body) * 0.9 else None


def quality(size: int) -> tuple[int, int]:
    """(brotli quality, window bits) for a file of `size` bytes."""
    return (9, 24) if size > BIG else (11, 22)


def brotli_bytes(body: bytes, cache: Path) -> bytes | None:
    """`body` brotli-compressed (cached by content hash), or None without the brotli module."""
    module = _brotli()
    if module is None:
        return None
    level, window = quality(len(body))
    digest = hashlib.sha256(body).hexdigest()[:32]
    cached = cache / f"{digest}-q{level}w{window}.br"
    if cached.is_file():
        os.utime(cached)  # recently used: kept by prune()
        return cached.read_bytes()
    packed: bytes = module.compress(body, quality=level, lgwin=window)
    cache.mkdir(parents=True, exist_ok=True)
    part = cached.with_name(f".{cached.name}.{os.getpid()}.part")
    part.write_bytes(packed)
    part.replace(cached)
    return packed


def prune(cache: Path, limit: int = CACHE_LIMIT) -> None:
    """Drop the least recently used cache entries until the rest fit in `limit` bytes."""
    if not cache.is_dir():
        return
    entries = sorted(cache.glob("*.br"), key=lambda p: p.stat().st_mtime, reverse=True)
    total = 0
    for entry in entries:
        total += entry.stat().st_size
        if total > limit:
            entry.unlink(missing_ok=True)


def _write(target: Path, body: bytes) -> None:
    part = target.with_name(f".{target.name}.{os.getpid()}.part")
    part.write_bytes(body)
    part.replace(target)


def write_twins(out: Path, path: str, body: bytes, reuse: bool, cache: Path) -> dict[str, int]:
    """Write the twins of the bundle file `path` into `out`, answering {".gz"|".br": size} of
    those it has. `reuse`: a content-hashed file, whose twins already on disk are kept."""
    sizes: dict[str, int] = {}
    for suffix in (".gz", ".br"):
        target = out / (path + suffix)
        if reuse and target.is_file():
            sizes[suffix] = target.stat().st_size
            continue
        if suffix == ".br" and ".gz" not in sizes:
            break  # a .br only beside a .gz: same files, and a host without brotli gets gzip
        packed = gzip_twin(path, body) if suffix == ".gz" else brotli_bytes(body, cache)
        if packed is None:
            break
        _write(target, packed)
        sizes[suffix] = len(packed)
    return sizes


def sizes_without_twin(body: bytes) -> tuple[int, int | None]:
    """(gzip -6, brotli -5) sizes of a file sent as it is: for the manifest's columns only."""
    module = _brotli()
    packed = module.compress(body, quality=5) if module is not None else None
    return len(gzip.compress(body, 6, mtime=0)), None if packed is None else len(packed)
