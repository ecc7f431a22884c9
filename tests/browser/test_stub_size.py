"""The loader a page includes, as the build writes it (static/analytics.js minified by terser,
with its bundle object), stays within 4096 bytes gzipped. Needs node_modules (terser), hence in
the browser layer; tests/unit/test_stub_size.py bounds the readable source."""

from __future__ import annotations

import gzip

from devtools import build
from tests.helpers import LIMIT, STUB, stub_bundle


def test_the_built_minified_loader_is_at_most_4096_bytes_gzipped() -> None:
    small = build.minify_stub(STUB.read_text(encoding="utf-8"), build.ROOT / "node_modules")
    assert small is not None, "node_modules/.bin/terser is missing (npm ci)"
    body = build.loader(small, stub_bundle())
    size = len(gzip.compress(body, compresslevel=9, mtime=0))
    print(f"\nbuilt analytics.js: {size} bytes gzipped")
    assert size <= LIMIT, size
