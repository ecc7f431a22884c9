"""The benchmark's code paths run end to end (its timings are reported, never asserted):
the quick mode on broadband, one visit on the mobile profile, and one short visit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
    done = subprocess.run(
        [sys.executable, "-m", "tests.browser.bench_mobile_smoke", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
