"""What a visitor sees: startup (cold and warm), short visits, and the cost of one call.

    bash scripts/bench.sh [--profile mobile|broadband|both] [--runs 3] [--visit-runs 3]
    bash scripts/bench.sh --quick          (smoke: broadband only, 1 run; writes no BENCHMARKS.md)
    bash scripts/bench.sh --only-i19 [--i19-runs 3]   (the main-thread sections alone: bench/i19.py)

The main-thread and first-event sections (bench/i19.py, run first, `--i19-runs`, 0 for none):
the main thread (long tasks at start-up and in a 20-call burst, per-call task time) on the CDP
mobile profile, and first event / ready / the heavy page on it and under a cgroup CPU cap
(bench/cpucap.py).

Pages (bench/pages.py): `plain` (no analytics), `mixpanel` (mixpanel.js called directly from
JS: the baseline), `default` (our script tag, settings without `runtime`), `snippet` (the same,
installed with the inline snippet), `micropython` / `pyodide-snapshot` / `pyodide-nosnapshot`
(a forced runtime; Pyodide with the load option `snapshot: 'always'` / `'never'`), and, on
broadband only, `bare-pyodide` (a bare loadPyodide() plus the import of our package).

Profiles: `broadband` (loopback, unthrottled) and `mobile` (Lighthouse's defaults set through
CDP on the page before goto: 150 ms RTT, 200 KB/s down, 93.75 KB/s up, CPU 4x slower). Each
run of a page starts a new browser profile (cold: empty cache), then opens the page again in a
new tab of that profile (warm: repeat visit). Bytes are what the network delivered (CDP
encodedDataLength, headers included); memory is the JS heap after a forced GC plus the
runtime's wasm memory. Reports medians with min-max, and ratios against mixpanel.js direct in
the same run and profile. Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from bench import pages as bench_pages
from bench.browser import PROFILES, ROOT, Server, find_loader, runtime_urls
from bench.chart import svg
from bench.report import CHART, write_report
from bench.startup import one_run
from bench.summary import machine, summarise

CHART_TITLE = "Short visits, mobile profile: where the event made at once arrived"


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="startup, short-visit and per-call benchmark")
    ap.add_argument("--profile", default="both", choices=["mobile", "broadband", "both"])
    ap.add_argument("--runs", type=int, default=3, help="startup runs per profile")
    ap.add_argument("--visit-runs", type=int, default=3, help="short-visit runs (mobile)")
    ap.add_argument("--visit-seconds", default="1,2,3,5,10,30")
    ap.add_argument("--parallel", type=int, default=4, help="short visits at once")
    ap.add_argument("--calls", type=int, default=1000, help="per-call loop size")
    ap.add_argument("--pages", default="", help="comma-separated subset of the pages")
    ap.add_argument("--persistence", default="cookie", choices=["cookie", "localStorage"])
    ap.add_argument("--quick", action="store_true", help="smoke: broadband, 1 run, 50 calls")
    ap.add_argument("--no-percall", action="store_true", help="skip the per-call profile")
    ap.add_argument("--i19-runs", type=int, default=3, help="main-thread section runs (0: none)")
    ap.add_argument("--only-i19", action="store_true", help="the main-thread sections alone")
    ap.add_argument("--note", default="", help="a line for the report (e.g. a reduced run)")
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    ap.add_argument("--from-json", default="", help="re-write the report from a saved run")
    args = ap.parse_args(argv)
    if args.quick:
        args.profile, args.runs, args.calls, args.visit_runs = "broadband", 1, 50, 0
        args.no_percall, args.i19_runs = True, 0
    if args.only_i19:
        args.runs, args.visit_runs, args.no_percall = 0, 0, True
    return args


def setup(server: Server, args: argparse.Namespace) -> tuple[dict[str, str], dict[str, Any]]:
    loader_url, loader_text = find_loader(server, bench_pages.LOADER_CANDIDATES)
    urls = runtime_urls(loader_url, loader_text)
    snippet_url = loader_url.rsplit("/", 1)[0] + "/snippet.js"
    status, snippet = server.get(snippet_url)
    if status != 200:
        snippet = (ROOT / "static" / "snippet.js").read_bytes()
    pages = bench_pages.write_pages(
        urls, args.persistence, loader_url, loader_text, snippet.decode()
    )
    if args.pages:
        wanted = set(args.pages.split(","))
        pages = {k: v for k, v in pages.items() if k in wanted}
    _, raw = server.get(loader_url)
    facts = {
        "loader_url": loader_url,
        "loader_bytes": len(raw),
        "loader_gzip": len(gzip.compress(raw, 9)),
        "snapshot_option": bench_pages.snapshot_values(loader_text),
    }
    return pages, facts


RAW = ROOT / "bench" / "pages" / "last-run.json"  # git-ignored: the raw results of the last run


def finish(args: argparse.Namespace, raw: dict[str, Any], command: str) -> None:
    profiles = tuple(raw["profiles"])
    text = write_report(
        summarise(raw["runs"]),
        raw["visits"],
        raw["percall"],
        raw["facts"],
        args,
        machine(),
        command,
        profiles,
    )
    if raw.get("i19"):
        from bench.section19 import sections

        new = "\n".join(sections(raw["i19"], len(raw["i19"]["mobile"]))) + "\n"
        text = (text.split("\n## Startup", 1)[0] + "\n" if args.only_i19 else text) + new
    print(text)
    if not args.quick:
        Path(args.out).write_text(text)
        if raw["visits"]:  # beside the report, at the path the report links
            chart = Path(args.out).resolve().parent / CHART
            chart.parent.mkdir(parents=True, exist_ok=True)
            chart.write_text(svg(raw["visits"], bench_pages.PAGES, CHART_TITLE))


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    command = "bash scripts/bench.sh " + " ".join(argv if argv is not None else [])
    if args.from_json:
        raw = json.loads(Path(args.from_json).read_text())
        finish(args, raw, raw["command"])
        return 0
    began = time.monotonic()
    profiles = PROFILES if args.profile == "both" else (args.profile,)
    server = Server()
    runs: dict[str, list[dict[str, Any]]] = {p: [] for p in profiles}
    visits: list[dict[str, Any]] = []
    percall: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    try:
        pages, found = setup(server, args)
        facts.update(found)
        facts["parallel"] = args.parallel
        print(f"loader: {facts['loader_url']} ({facts['loader_gzip']} B gzip -9)", flush=True)
        parts: dict[str, float] = {}
        raw = {
            "runs": runs,
            "visits": visits,
            "percall": percall,
            "facts": facts,
            "profiles": list(profiles),
            "command": command.strip(),
        }

        def save() -> None:  # after each part, so a stopped run can still be reported
            facts["elapsed_min"] = (time.monotonic() - began) / 60
            facts["parts_min"] = parts
            if not args.quick:
                RAW.parent.mkdir(exist_ok=True)
                RAW.write_text(json.dumps(raw, indent=1, default=str))

        if args.i19_runs:
            from bench.i19 import run_all
            from bench.rounds import per_call_rounds

            t0 = time.monotonic()
            raw["i19"] = run_all(args.i19_runs, args.persistence, rounds=per_call_rounds)
            parts["main thread"] = (time.monotonic() - t0) / 60
            save()
        with sync_playwright() as pw:
            for profile in profiles:
                t0 = time.monotonic()
                for i in range(args.runs):
                    runs[profile].append(one_run(pw, server, pages, profile, args.calls))
                    print(f"{profile} run {i + 1}/{args.runs} done", flush=True)
                    parts[f"startup {profile}"] = (time.monotonic() - t0) / 60
                    save()
            if not args.no_percall:
                from bench.percall import profile_calls

                t0 = time.monotonic()
                raw["percall"] = profile_calls(pw, server, pages, args.calls)
                parts["per-call profile"] = (time.monotonic() - t0) / 60
                save()
        if args.visit_runs and "mobile" in profiles:
            from bench.visits import short_visits

            t0 = time.monotonic()
            seconds = [float(s) for s in args.visit_seconds.split(",")]
            raw["visits"] = short_visits(server, pages, seconds, args.visit_runs, args.parallel)
            parts["short visits"] = (time.monotonic() - t0) / 60
        save()
    finally:
        server.stop()
    finish(args, raw, command.strip())
    print(f"elapsed: {facts['elapsed_min']:.1f} min", flush=True)
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
