"""Short visits on the mobile profile: the page tracks an event at once and the visitor closes
the tab after N seconds. Did the event reach the collector during the visit, on the visitor's
next page view (the same site opened again in the same browser context, tracking nothing of its
own), or never?

Each visit is a new browser context (cold cache, empty storage). "During" means the collector
had it within 1 s of the close (a request that left before the tab closed). The next view stays
open until its own analytics settled plus GRACE_S (the carried calls are sent as it goes live),
at most NEXT_VIEW_S. Visits run PARALLEL at a time: the mobile profile's network is emulated
(waiting costs no CPU) and its CPU throttling leaves each renderer a quarter of a core.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from typing import Any

from playwright.async_api import async_playwright

from bench import pages as bench_pages
from bench.browser import ARGS, CHROMIUM, MOBILE_CPU, MOBILE_NETWORK, Server

DURING_SLACK_S = 1.0
GRACE_S = 3.0
NEXT_VIEW_S = 60.0
OUTCOMES = ("during", "next view", "never")
SETTLED = "() => !!(window.__readyAt || window.__failed)"
# The page's analytics at the moment the visitor closes the tab.
STATE = """() => window.__readyAt ? 'ready' : window.__failed ? 'failed'
  : (window.analytics && analytics.status) || 'loading'"""


async def throttled_page(context: Any) -> Any:
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    await cdp.send("Network.enable")
    await cdp.send("Network.emulateNetworkConditions", MOBILE_NETWORK)
    await cdp.send("Emulation.setCPUThrottlingRate", {"rate": MOBILE_CPU})
    return page


async def wait_arrival(server: Server, visit: str, until: float) -> float | None:
    while True:
        at = await asyncio.to_thread(server.arrival, visit)
        if at is not None or time.time() >= until:
            return at
        await asyncio.sleep(0.1)


async def next_view(context: Any, server: Server, url: str, visit: str) -> float | None:
    """Open the site again (quiet page); the carried event's arrival, or None."""
    page = await throttled_page(context)
    opened = time.time()
    deadline = opened + NEXT_VIEW_S
    try:
        await page.goto(url + "?quiet=1", wait_until="commit", timeout=NEXT_VIEW_S * 1000)
        while time.time() < deadline:
            at = await asyncio.to_thread(server.arrival, visit)
            if at is not None:
                return at
            try:  # a busy (CPU-throttled) renderer may not answer at once: bounded
                settled = await asyncio.wait_for(page.evaluate(SETTLED), timeout=2)
            except Exception:  # noqa: BLE001 - still navigating, or busy
                settled = False
            if settled:
                deadline = min(deadline, time.time() + GRACE_S)
            await asyncio.sleep(0.2)
    except Exception:  # noqa: BLE001 - a page that fails to open carries nothing
        pass
    finally:
        await page.close()
    return await asyncio.to_thread(server.arrival, visit)


async def one_visit(browser: Any, server: Server, name: str, path: str, seconds: float) -> Any:
    visit = uuid.uuid4().hex[:12]
    url = server.url + path
    context = await browser.new_context()
    try:
        page = await throttled_page(context)
        started = time.time()
        with contextlib.suppress(Exception):  # still loading when the visitor leaves
            await page.goto(f"{url}?visit={visit}", wait_until="commit", timeout=seconds * 1000)
        await asyncio.sleep(max(0.0, started + seconds - time.time()))
        state = "unknown"
        with contextlib.suppress(Exception):  # no document yet on a very short visit
            state = await asyncio.wait_for(page.evaluate(STATE), timeout=0.5)
        closed = time.time()
        await page.close()  # runs pagehide / visibilitychange, as a closed tab does
        at = await wait_arrival(server, visit, closed + DURING_SLACK_S)
        if at is not None:
            outcome, after = "during", at - started
        else:
            at = await next_view(context, server, url, visit)
            outcome = "never" if at is None else "next view"
            after = None if at is None else at - closed
    finally:
        await context.close()
    return {
        "page": name,
        "seconds": seconds,
        "outcome": outcome,
        "after_s": after,
        "state_at_close": state,
    }


async def run_all(
    server: Server, pages: dict[str, str], seconds: list[float], runs: int, parallel: int
) -> list[dict[str, Any]]:
    gate = asyncio.Semaphore(max(1, parallel))
    names = [n for n in pages if n in bench_pages.SENDS]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)

        async def guarded(name: str, secs: float, run: int) -> dict[str, Any] | None:
            async with gate:
                limit = secs + NEXT_VIEW_S + 60
                try:
                    result: dict[str, Any] = await asyncio.wait_for(
                        one_visit(browser, server, name, pages[name], secs), timeout=limit
                    )
                except TimeoutError:  # the harness, not the page: leave it out, say so
                    print(
                        f"  visit {name} {secs:g}s run {run}: no result in {limit:g} s", flush=True
                    )
                    return None
                result["run"] = run
                print(f"  visit {name} {secs:g}s run {run}: {result['outcome']}", flush=True)
                return result

        # Longest visits first, so the slow tail overlaps the short ones.
        jobs = [
            guarded(name, secs, run)
            for secs in sorted(seconds, reverse=True)
            for run in range(1, runs + 1)
            for name in names
        ]
        results = await asyncio.gather(*jobs)
        await browser.close()
    return [r for r in results if r is not None]


def short_visits(
    server: Server, pages: dict[str, str], seconds: list[float], runs: int, parallel: int
) -> list[dict[str, Any]]:
    return asyncio.run(run_all(server, pages, seconds, runs, parallel))
