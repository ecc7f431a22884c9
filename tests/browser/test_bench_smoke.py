"""The benchmark's code paths run end to end (its timings are reported, never asserted):
the quick mode on broadband, one visit on the mobile profile, and one short visit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.browser import ARGS, CHROMIUM, Server, floor_ms
from bench.run import parse, setup, visit
from bench.visits import OUTCOMES, short_visits

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_quick_mode_measures_every_page_and_reports_the_targets() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    out = done.stdout
    for label in ("page without analytics", "mixpanel.js direct", "runtime 'micropython'"):
        assert f"| {label} | cold |" in out and f"| {label} | warm |" in out
    assert "## Startup, broadband" in out and "## Startup, mobile" not in out
    assert "| runtime 'micropython' | " in out.split("## Per call")[1]
    assert "## Targets" in out and "gzip -9" in out
    default_cold = next(
        line
        for line in out.splitlines()
        if line.startswith("| default install (no `runtime`) | cold")
    )
    assert " s" in default_cold.split("|")[3]  # a measured first event, not a dash


def test_mobile_profile_visit_counts_bytes_and_records_the_first_event(tmp_path: Path) -> None:
    server = Server()
    try:
        pages, _ = setup(server, parse(["--pages", "mixpanel"]))
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(tmp_path), executable_path=CHROMIUM, args=ARGS, headless=True
            )
            try:
                facts, page = visit(
                    context, server, server.url + pages["mixpanel"], "mixpanel", "mobile"
                )
                page.close()
            finally:
                context.close()
        assert not facts.get("failed"), facts
        assert facts["bytes"] > 30_000  # mixpanel.min.js came over the (throttled) network
        assert facts["first_event"] is not None and facts["first_event"] > 0
        # The throttled round trips are in the numbers: nothing arrives before two RTTs.
        assert facts["first_event"] >= 300
        assert floor_ms("mobile", facts["bytes"]) > 300
        assert facts["js_heap_mb"] > 0

        visits = short_visits(server, pages, [2.0], runs=1, parallel=1)
        assert [v["page"] for v in visits] == ["mixpanel"]
        assert visits[0]["outcome"] in OUTCOMES
        if visits[0]["outcome"] == "during":
            assert visits[0]["after_s"] <= 2.0 + 1.0
    finally:
        server.stop()
