"""devtools/build/compress.py: the .gz and .br twins, the brotli cache, and a build without
brotli."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

import brotli
import pytest

from devtools import build
from devtools.build import compress

TEXT = b"analytics.track('Signed Up', {plan: 'pro'});\n" * 200


def test_a_text_file_gets_both_twins_and_they_decompress_to_it(tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    sizes = compress.write_twins(out, "boot.0123abcd.mjs", TEXT, True, cache)
    assert set(sizes) == {".gz", ".br"}
    assert gzip.decompress((out / "boot.0123abcd.mjs.gz").read_bytes()) == TEXT
    assert brotli.decompress((out / "boot.0123abcd.mjs.br").read_bytes()) == TEXT
    assert sizes[".br"] == (out / "boot.0123abcd.mjs.br").stat().st_size


@pytest.mark.parametrize(
    ("path", "body"),
    [("tiny.js", b"x" * 100), ("deflated.zip", TEXT), ("random.wasm", os.urandom(4096))],
)
def test_no_twin_for_small_deflated_or_incompressible_files(
    tmp_path: Path, path: str, body: bytes
) -> None:
    assert compress.write_twins(tmp_path, path, body, False, tmp_path / "cache") == {}
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_brotli_output_is_cached_by_content_and_read_back(tmp_path: Path) -> None:
    first = compress.brotli_bytes(TEXT, tmp_path)
    [entry] = list(tmp_path.glob("*.br"))
    assert entry.read_bytes() == first and "-q11w22" in entry.name
    entry.write_bytes(b"from the cache")  # a second call must not compress again
    assert compress.brotli_bytes(TEXT, tmp_path) == b"from the cache"
    assert compress.brotli_bytes(TEXT + b"!", tmp_path) != b"from the cache"


def test_files_over_a_few_megabytes_get_a_faster_quality() -> None:
    assert compress.quality(compress.BIG) == (11, 22)
    assert compress.quality(compress.BIG + 1) == (9, 24)


def test_prune_drops_the_least_recently_used_entries_beyond_the_limit(tmp_path: Path) -> None:
    for age, name in enumerate(("new", "mid", "old")):
        entry = tmp_path / f"{name}.br"
        entry.write_bytes(b"x" * 100)
        os.utime(entry, (1_000_000 - age, 1_000_000 - age))
    compress.prune(tmp_path, limit=250)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mid.br", "new.br"]


def test_a_hashed_files_twins_on_disk_are_kept(tmp_path: Path) -> None:
    (tmp_path / "a.0123abcd.js.gz").write_bytes(b"kept gz")
    (tmp_path / "a.0123abcd.js.br").write_bytes(b"kept br")
    sizes = compress.write_twins(tmp_path, "a.0123abcd.js", TEXT, True, tmp_path / "cache")
    assert sizes == {".gz": 7, ".br": 7}
    assert not (tmp_path / "cache").exists()


def test_without_the_brotli_module_the_build_writes_gzip_only_and_says_so(
    tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(compress, "_brotli", lambda: None)
    opts = build.Options(out=tmp_path / "dist", node=tmp_path / "none", wheel=False)
    manifest = build.build(opts)
    assert (tmp_path / "dist" / "analytics.js.gz").is_file()
    assert not list((tmp_path / "dist").rglob("*.br"))
    assert any(note.startswith("brotli: not installed") for note in manifest["notes"])
    assert manifest["visitor"]["brotli"] == manifest["visitor"]["gzip"]
    assert "-" in build.summary(manifest).splitlines()[1]  # no brotli column value
