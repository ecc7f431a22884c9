"""The pages of the main-thread sections: the in-page fallback (`thread: 'main'`) beside the
default install (worker), and the heavy page: a hero image above the fold (the page's Largest
Contentful Paint) and about 620 KB of images below the text, for every install.

The images are generated here (grey noise PNGs, deterministic, incompressible, no network) into
bench/pages/img/, so each one weighs what its pixels weigh.
"""

from __future__ import annotations

import random
import struct
import zlib

from bench import pages as bench_pages

IMG = bench_pages.OUT / "img"
HERO = (320, 240)  # 77 KB, shown at 2× in the viewport: the largest paint
BELOW = 8  # images below the text
BELOW_SIZE = (320, 242)  # 77.5 KB each: 620 KB together
BELOW_GAP_PX = 2400  # well below a 720 px viewport

# name -> label, in report order (the small pages' names are bench.pages').
LABELS = {
    "plain": "page without analytics",
    "mixpanel": "mixpanel.js direct",
    "default": "default install (worker)",
    "page-mode": "in-page fallback (thread 'main')",
    "pyodide-snapshot": "runtime 'pyodide' (worker)",
    "pyodide-page": "runtime 'pyodide', thread 'main'",
}
HEAVY = ("plain", "mixpanel", "default", "page-mode")


def png(width: int, height: int, seed: int) -> bytes:
    """A greyscale PNG of noise: one byte a pixel that zlib cannot shrink."""
    rnd = random.Random(seed)
    rows = b"".join(b"\x00" + rnd.randbytes(width) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 1))
        + chunk(b"IEND", b"")
    )


def write_images() -> int:
    """Write the hero and the images below it; return the bytes below the text."""
    IMG.mkdir(parents=True, exist_ok=True)
    (IMG / "hero.png").write_bytes(png(*HERO, seed=0))
    total = 0
    for i in range(BELOW):
        data = png(*BELOW_SIZE, seed=i + 1)
        (IMG / f"below-{i}.png").write_bytes(data)
        total += len(data)
    return total


def heavy_body(name: str) -> str:
    bw, bh = BELOW_SIZE
    below = "\n".join(
        f'<img alt="" width="{bw}" height="{bh}" src="/bench/img/below-{i}.png">'
        for i in range(BELOW)
    )
    w, h = HERO
    return f"""</head><body><h1>{name}</h1>
<img alt="" width="{w * 2}" height="{h * 2}" src="/bench/img/hero.png" style="display:block">
<p>A page with a hero image and, further down, eight more images.</p>
<div style="height:{BELOW_GAP_PX}px"></div>
{below}
</body></html>
"""


def heavy(html: str, name: str) -> str:
    """The same page (same head, same install) with the heavy body."""
    head = html.split("</head>", 1)[0]
    return head + heavy_body(name)


def write_extra(
    urls: dict[str, str], persistence: str, loader_url: str, loader_text: str
) -> dict[str, str]:
    """Write the in-page fallback and the heavy variants; return name -> URL path (the heavy
    ones as '<name>/heavy')."""
    config = {**bench_pages.MIXPANEL_CONFIG, "persistence": persistence}
    snap, _ = bench_pages.snapshot_values(loader_text)
    small = {
        "plain": bench_pages.plain(),
        "mixpanel": bench_pages.mixpanel_direct(urls["mixpanel"], config),
        "default": bench_pages.shim(config, loader_url),
        "page-mode": bench_pages.shim(config, loader_url, thread="main"),
        "pyodide-snapshot": bench_pages.shim(config, loader_url, runtime="pyodide", snapshot=snap),
        "pyodide-page": bench_pages.shim(
            config, loader_url, runtime="pyodide", snapshot=snap, thread="main"
        ),
    }
    write_images()
    out = {}
    folder = bench_pages.OUT / "i19"
    folder.mkdir(parents=True, exist_ok=True)
    for name, html in small.items():
        (folder / f"{name}.html").write_text(html)
        out[name] = f"/bench/i19/{name}.html"
        if name in HEAVY:
            (folder / f"{name}-heavy.html").write_text(heavy(html, name))
            out[f"{name}/heavy"] = f"/bench/i19/{name}-heavy.html"
    return out
