"""One visit on the mobile profile and one short visit, through the benchmark's own code; one
default-install visit through the main-thread sections' code (worker bytes counted at the
server, the boot's phases, the after-ready figures), one per-call round (direct and the
default install) and the report sections.

Run by tests/browser/test_bench_smoke.py in a subprocess: Playwright's sync API cannot start
inside the pytest-playwright session's event loop. Exits non-zero when a check fails.

    python -m tests.browser.bench_mobile_smoke PROFILE_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench import i19
from bench.browser import ARGS, CHROMIUM, Server, floor_ms
from bench.rounds import per_call_rounds
from bench.run import parse, setup
from bench.section19 import sections
from bench.served import CountingServer
from bench.startup import visit
from bench.visits import OUTCOMES, short_visits


def main(tmp_path: Path) -> None:
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


def issue19() -> None:
    server = CountingServer()
    try:
        pages = i19.write_pages(server, "cookie")
        with sync_playwright() as pw:
            url = server.url + pages["default"]
            result = i19.small_run(pw, server, "default", url, "mobile", None)
            two = {n: pages[n] for n in ("mixpanel", "default")}
            rounds = per_call_rounds(pw, server, two, rounds=1)
    finally:
        server.stop()
    cold = result["cold"]
    assert not cold.get("failed"), cold
    assert cold["runtime"]["thread"] == "worker", cold["runtime"]
    assert cold["bytes"] > 200_000  # the worker's runtime files, counted at the server
    assert cold["first_event"] is not None and cold["bytes_first"] is not None
    assert cold["phases"]["fetch_end"] is not None and cold["phases"]["ready"] is not None
    after = result["after"]
    assert after["burst_task_ms"] > 0 and after["one_call_ms"] >= 0
    assert not rounds["failed"], rounds["failed"]
    assert {n: len(v) for n, v in rounds["per_call"].items()} == {"mixpanel": 1, "default": 1}
    assert all(v[0] > 0 for v in rounds["per_call"].values()), rounds  # 20 tracks cost something
    run = {"default": result, "rounds": rounds}
    text = "\n".join(sections({"mobile": [run], "capped": [], "cap": None}, 1))
    assert "## Targets: the main thread" in text and "default install (worker) | cold |" in text
    assert "over 1 rounds; median of the rounds' ratios" in text


if __name__ == "__main__":
    main(Path(sys.argv[1]))
    issue19()
