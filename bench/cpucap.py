"""The whole browser under a CPU cap: a cgroup v1 `cpu` quota (CDP's CPU throttling does not
reach a Worker, so the worker's runtime would run at full speed under the CDP profile).

The browser is started through a small wrapper that moves itself into the cgroup and then
execs Chromium: every process Chromium starts inherits the group, and the quota is shared by
all their threads. The period is short (10 ms) so a long task is not stretched into one long
stall. The quota is calibrated on a CPU-bound loop in a page: it is set so that the loop runs
about TARGET times slower than uncapped.
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.browser import ARGS, CHROMIUM
from bench.pages import OUT

ROOT_GROUP = Path("/sys/fs/cgroup/cpu")
PERIOD_US = 10_000
TARGET = 4.0
LOOP = """() => {
  const t0 = performance.now();
  let x = 0;
  for (let i = 0; i < 2e7; i++) x = (x + i * 7) % 1000003;
  return [performance.now() - t0, x];
}"""


class CpuCap:
    """One cgroup for the benchmark's capped browsers; `fraction` of one CPU for all of them."""

    def __init__(self, name: str = "bench-mixpanel-py") -> None:
        self.group = ROOT_GROUP / name
        self.group.mkdir(exist_ok=True)
        (self.group / "cpu.cfs_quota_us").write_text("-1")
        (self.group / "cpu.cfs_period_us").write_text(str(PERIOD_US))
        self.fraction: float | None = None
        self.calibration: list[dict[str, float]] = []
        self.wrapper = OUT / "capped-chromium.sh"
        OUT.mkdir(exist_ok=True)
        self.wrapper.write_text(
            f'#!/bin/sh\necho $$ > {self.group / "cgroup.procs"}\nexec {CHROMIUM} "$@"\n'
        )
        self.wrapper.chmod(0o755)

    def set(self, fraction: float | None) -> None:
        quota = -1 if fraction is None else max(1000, int(PERIOD_US * fraction))
        (self.group / "cpu.cfs_quota_us").write_text(str(quota))
        self.fraction = fraction

    def launch(self, pw: Any, folder: str) -> Any:
        return pw.chromium.launch_persistent_context(
            folder, executable_path=str(self.wrapper), args=ARGS, headless=True
        )

    def loop_ms(self, page: Any, n: int = 3, best: bool = False) -> float:
        """The loop's time: the best of n uncapped (noise only adds), else the median."""
        times = [float(page.evaluate(LOOP)[0]) for _ in range(n)]
        return min(times) if best else statistics.median(times)

    def calibrate(self, pw: Any, url: str, rounds: int = 5) -> float:
        """Find the quota that makes the page's loop ~TARGET× slower; leave it set. The
        uncapped time is measured again each round (the machine is shared: its load moves)."""
        with tempfile.TemporaryDirectory() as folder:
            context = self.launch(pw, folder)
            try:
                page = context.new_page()
                page.goto(url)
                self.set(None)
                page.wait_for_timeout(1000)  # the browser's own start-up work
                self.loop_ms(page, 3)  # JIT warm-up
                fraction = 1 / TARGET
                for _ in range(rounds):
                    self.set(None)
                    base = self.loop_ms(page, 5, best=True)
                    self.set(fraction)
                    slow = self.loop_ms(page)
                    got = slow / base
                    self.calibration.append(
                        {"fraction": fraction, "uncapped_ms": base, "capped_ms": slow, "x": got}
                    )
                    if abs(got - TARGET) / TARGET < 0.1:
                        break
                    fraction = min(1.0, max(0.05, fraction * got / TARGET))
                best = min(self.calibration, key=lambda step: abs(step["x"] - TARGET))
                fraction = best["fraction"]  # the closest one measured
                self.set(fraction)
            finally:
                context.close()
        return fraction

    def close(self) -> None:
        """Move anything left back to the root group and remove ours."""
        with contextlib.suppress(OSError):
            for pid in (self.group / "cgroup.procs").read_text().split():
                with contextlib.suppress(OSError):
                    (ROOT_GROUP / "cgroup.procs").write_text(pid)
            self.group.rmdir()
