"""Pages for the boot tests that need the browser's HTTP cache: Playwright's routing turns it off,
so these pages are served through the DevTools Fetch domain (only the test page itself is
intercepted), in a fresh browser context (a cold cache). Also: the mobile profile, and a count of
what the browser really fetched from the network (not from its cache)."""

from __future__ import annotations

import base64
import json
import urllib.request
from collections import Counter
from typing import Any

from tests.browser.template import DEFAULT_SETTINGS, PAGE

# Lighthouse's mobile defaults: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, CPU 4x slower.
MOBILE = {"offline": False, "latency": 150, "downloadThroughput": 200000, "uploadThroughput": 93750}


def html(settings: dict[str, Any], script: str = "", load_options: Any = None) -> str:
    """A test page (conftest's template) with the contract's loader tag; runtime None: unset."""
    merged = {**DEFAULT_SETTINGS, **settings}
    if merged.get("runtime") is None:
        merged.pop("runtime", None)
    return PAGE.format(
        title="boot",
        head="",
        before_load="",
        script=script,
        body="",
        base="{apiHost: location.origin + '/mp'}",
        loader='<script src="/analytics/analytics.js"></script>',
        settings=json.dumps(merged),
        load_options=json.dumps(load_options or {}),
    )


class CachedPage:
    """One page of a fresh context; `open(html)` serves it at /t/boot.html without routing."""

    def __init__(self, browser: Any, base: str, storage_state: Any = None) -> None:
        self.context = browser.new_context(storage_state=storage_state)
        self.page = self.context.new_page()
        self.base = base
        self.html = ""
        self.cdp = self.context.new_cdp_session(self.page)
        self.requests: dict[str, tuple[str, str]] = {}
        self.cached: set[str] = set()
        self.console: list[tuple[str, str]] = []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.loadingFailed", self._failed)
        self.cdp.on("Fetch.requestPaused", self._serve)
        self.cdp.send("Network.enable")
        pattern = {"urlPattern": base + "/t/*", "requestStage": "Request"}
        self.cdp.send("Fetch.enable", {"patterns": [pattern]})

    def _sent(self, event: dict[str, Any]) -> None:
        request = event["request"]
        self.requests[event["requestId"]] = (request["method"], request["url"])

    def _received(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.cached.add(event["requestId"])

    def _failed(self, event: dict[str, Any]) -> None:
        if "CACHE_MISS" in event.get("errorText", ""):  # fetch(..., {cache: 'only-if-cached'})
            self.cached.add(event["requestId"])  # a look in the cache, nothing fetched

    def _serve(self, event: dict[str, Any]) -> None:
        body = base64.b64encode(self.html.encode()).decode()
        headers = [{"name": "Content-Type", "value": "text/html; charset=utf-8"}]
        self.cdp.send(
            "Fetch.fulfillRequest",
            {
                "requestId": event["requestId"],
                "responseCode": 200,
                "responseHeaders": headers,
                "body": body,
            },
        )

    def throttle(self, network: dict[str, Any], cpu: float = 1) -> None:
        self.cdp.send("Network.emulateNetworkConditions", network)
        if cpu != 1:
            self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})

    def open(self, page_html: str) -> Any:
        self.html = page_html
        self.page.goto(self.base + "/t/boot.html")
        return self.page

    def wait_ready(self, timeout_ms: int) -> Any:
        self.page.wait_for_function("() => window.__status", timeout=timeout_ms)
        return self.page.evaluate("() => window.__status")

    def fetched(self) -> Counter[str]:
        """Requests per 'METHOD path' that reached the server (HTTP cache hits never do), the
        page's and its worker's alike: a page-level CDP session does not see a worker's."""
        with urllib.request.urlopen(self.base + "/collector/served") as resp:
            served: list[str] = json.load(resp)
        return Counter(served)

    def close(self) -> None:
        self.context.close()
