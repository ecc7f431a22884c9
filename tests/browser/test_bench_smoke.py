"""The benchmark's quick smoke mode runs end to end (its timings are reported, never asserted)."""

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
    for label in ("page without analytics", "mixpanel.js direct", "our shim (Pyodide)"):
        assert f"| {label} | cold |" in out and f"| {label} | warm |" in out
    assert "| through the shim |" in out and "## Targets" in out
    shim_cold = next(
        line for line in out.splitlines() if line.startswith("| our shim (Pyodide) | cold")
    )
    assert " ms (" in shim_cold.split("|")[3]  # a measured time to ready, not a dash
