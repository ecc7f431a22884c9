"""trackLink / trackForm on every engine: how many clicks reach the collector.

Per engine and mixpanel.js set-up: clicks made after ready, each on a fresh load of the link
page, the link going to a same-origin page without analytics. An event counts when the
collector has it within LANDED_WAIT_S of the landing; the landing page then clears its storage,
so mixpanel.js's persisted batch queue cannot bring a lost event on a later load. And one click
made before ready (the runtime still booting), expected on the next page view (a page with
analytics) and sent by it. tests/browser/engines/test_engines.py runs the same steps with fewer
clicks.

    .venv/bin/python -m bench.clicks [--clicks 20] [--engines chromium,firefox,webkit]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools.engines import ENGINES, launch, versions  # noqa: E402
from devtools.harness import Collector, engine_page, publish, serving  # noqa: E402

SETUPS = {  # mixpanelConfig per column
    "batch_requests false": {"batch_requests": False},
    "batching on": {"batch_requests": True},
    "api_method GET": {"batch_requests": False, "api_method": "GET"},
}
LANDED_WAIT_S = 5.0
LANDED = "<!doctype html><title>landed</title><p>landed, no analytics here</p>"
BODY = """<a id="go" href="/t/landed.html">go</a>
<form id="f" action="/t/landed.html" method="get"><input name="q" value="x"></form>"""
CLICK = "new URLSearchParams(location.search).get('n')"
BIND = f"""document.addEventListener('DOMContentLoaded', function () {{
  analytics.trackLink(document.getElementById('go'), 'Link Clicked', {{n: {CLICK}}});
  analytics.trackForm(document.getElementById('f'), 'Form Sent', {{n: {CLICK}}});
}});"""
ACT = {
    "link": "document.getElementById('go').click()",
    "form": "document.getElementById('f').requestSubmit()",
}
EVENT = {"link": "Link Clicked", "form": "Form Sent"}
# before ready: once trackLink is bound (boot.mjs set analytics.runtime), while still loading
EARLY = """document.addEventListener('DOMContentLoaded', function () {
  analytics.trackLink(document.getElementById('go'), 'Early Click', {early: true});
  var early = setInterval(function () {
    if (!analytics.runtime || analytics.status !== 'loading') return;
    clearInterval(early);
    window.name = 'clicked while ' + analytics.status;
    document.getElementById('go').click();
  }, 5);
});"""


def arrived(collector: Collector, event: str) -> set[str]:
    return {str(e["properties"].get("n")) for e in collector.events(event)}


def after_ready(
    engine: Any, base: str, collector: Collector, count: int, config: dict[str, Any], kind: str
) -> int:
    """How many of `count` clicks (or submits) made after ready reached the collector."""
    publish(base, "landed", LANDED)
    name = f"leave-{kind}"
    url = publish(base, name, engine_page(name, {"mixpanelConfig": config}, body=BODY, script=BIND))
    collector.clear()
    for n in range(count):
        engine.goto(f"{url}?n={n}")
        engine.wait_for("window.__status && window.__status.status === 'ready'", 60)
        engine.evaluate(f"(setTimeout(() => {ACT[kind]}), true)")
        engine.wait_for("location.pathname === '/t/landed.html'", 15)
        deadline = time.monotonic() + LANDED_WAIT_S
        while str(n) not in arrived(collector, EVENT[kind]) and time.monotonic() < deadline:
            time.sleep(0.05)
        engine.evaluate("(localStorage.clear(), sessionStorage.clear(), true)")
    collector.wait_quiet()
    return len(arrived(collector, EVENT[kind]) & {str(n) for n in range(count)})


def before_ready(engine: Any, base: str, collector: Collector) -> dict[str, Any]:
    """One click before ready; what the next page view (with analytics) sent."""
    landed = publish(base, "landed-live", engine_page("landed-live"))
    page = engine_page("early", body=f'<a id="go" href="{landed}">go</a>', script=EARLY)
    url = publish(base, "early", page)
    collector.clear()
    engine.goto(base + "/qa/blank.html")
    engine.evaluate("(localStorage.clear(), sessionStorage.clear(), window.name = '', true)")
    engine.goto(url)
    engine.wait_for("location.pathname === '/t/landed-live.html' && window.__status", 60)
    events = collector.wait_events(1, "Early Click", timeout=15)
    sent_by_landing = engine.evaluate(
        "window.__log.filter(c => c.method === 'track').map(c => c.args[0])"
    )
    return {
        "clicked": engine.evaluate("window.name"),
        "events": events,
        "sent_by_landing": sent_by_landing,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--engines", default=",".join(ENGINES))
    args = parser.parse_args(argv)
    print(versions(), flush=True)
    rows = []
    with serving("--port", "0", "--test-pages") as base:
        collector = Collector(base)
        for name in args.engines.split(","):
            engine = launch(name)
            try:
                row = [f"{name} {engine.version}"]
                for label, config in SETUPS.items():
                    for kind in ("link", "form"):
                        started = time.monotonic()
                        got = after_ready(engine, base, collector, args.clicks, config, kind)
                        took = time.monotonic() - started
                        print(f"{name}: {kind}, {label}: {got}/{args.clicks} ({took:.0f} s)")
                        row.append(f"{got}/{args.clicks}")
                early = before_ready(engine, base, collector)
                on_next = len(early["events"]) == 1 and "Early Click" in early["sent_by_landing"]
                print(f"{name}: before ready ({early['clicked']}): {on_next}", flush=True)
                row.append("1/1 on the next page view" if on_next else "lost")
                rows.append(row)
            finally:
                engine.close()
    heads = [f"{kind}, {label}" for label in SETUPS for kind in ("link", "form")]
    print("\n| engine | " + " | ".join(heads) + " | click before ready |")
    print("| --- " * (len(heads) + 2) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
