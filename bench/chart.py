"""The short-visit chart: a hand-written SVG grid (no dependencies).

One row per page, one column per visit length; each cell holds one square per run, coloured by
where the event made at once ended up: during the visit, on the next page view, or never.
"""

from __future__ import annotations

from html import escape
from typing import Any

COLOURS = {"during": "#2e7d32", "next view": "#f9a825", "never": "#c62828"}
LEFT, TOP, CELL_W, ROW_H, SQUARE, GAP = 250, 40, 78, 30, 18, 4


def svg(visits: list[dict[str, Any]], labels: dict[str, str], title: str) -> str:
    pages = [p for p in labels if any(v["page"] == p for v in visits)]
    seconds = sorted({v["seconds"] for v in visits})
    runs = max((v["run"] for v in visits), default=1)
    width = LEFT + CELL_W * len(seconds) + 20
    height = TOP + ROW_H * len(pages) + 70
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="10" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for col, secs in enumerate(seconds):
        x = LEFT + col * CELL_W + CELL_W / 2
        out.append(f'<text x="{x:.0f}" y="{TOP - 6}" text-anchor="middle">{secs:g} s</text>')
    for row, page in enumerate(pages):
        y = TOP + row * ROW_H
        out.append(
            f'<text x="{LEFT - 8}" y="{y + ROW_H / 2 + 4:.0f}" text-anchor="end">'
            f"{escape(labels[page])}</text>"
        )
        out.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{LEFT + CELL_W * len(seconds)}" y2="{y}" '
            'stroke="#ddd"/>'
        )
        for col, secs in enumerate(seconds):
            cell = sorted(
                (v for v in visits if v["page"] == page and v["seconds"] == secs),
                key=lambda v: v["run"],
            )
            x0 = LEFT + col * CELL_W + (CELL_W - runs * (SQUARE + GAP) + GAP) / 2
            for i, v in enumerate(cell):
                x = x0 + i * (SQUARE + GAP)
                out.append(
                    f'<rect x="{x:.0f}" y="{y + (ROW_H - SQUARE) / 2:.0f}" width="{SQUARE}" '
                    f'height="{SQUARE}" fill="{COLOURS[v["outcome"]]}">'
                    f"<title>{escape(page)} {secs:g} s run {v['run']}: {v['outcome']}</title>"
                    "</rect>"
                )
    legend_y = TOP + ROW_H * len(pages) + 30
    x = 10.0
    for outcome, colour in COLOURS.items():
        out.append(
            f'<rect x="{x:.0f}" y="{legend_y - 12}" width="14" height="14" fill="{colour}"/>'
        )
        text = {
            "during": "arrived during the visit",
            "next view": "arrived on the next page view",
            "never": "neither (next view: up to 60 s)",
        }[outcome]
        out.append(f'<text x="{x + 20:.0f}" y="{legend_y}">{text}</text>')
        x += 60 + 7 * len(text)
    out.append(
        f'<text x="10" y="{legend_y + 22}" fill="#555">one square per run; visit length = '
        "navigation start to tab close (mobile profile)</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"
