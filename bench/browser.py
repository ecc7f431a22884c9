"""Chromium, the network profiles and what a visit measures (CDP: throttling, bytes, memory)."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools import chromium  # noqa: E402

CHROMIUM = chromium.EXECUTABLE
ARGS = [*chromium.ARGS, "--enable-precise-memory-info"]

# Lighthouse's mobile defaults (the mobile profile): 150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up,
# CPU 4x slower. Broadband is loopback, unthrottled.
MOBILE_NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 200_000,
    "uploadThroughput": 93_750,
}
MOBILE_CPU = 4
PROFILES = ("broadband", "mobile")


def floor_ms(profile: str, nbytes: float) -> float | None:
    """The transfer floor: bytes at the profile's bandwidth, plus two round trips."""
    if profile != "mobile":
        return None
    bandwidth = float(MOBILE_NETWORK["downloadThroughput"])  # type: ignore[arg-type]
    rtt = float(MOBILE_NETWORK["latency"])  # type: ignore[arg-type]
    return nbytes / bandwidth * 1000 + 2 * rtt


# The runtime's wasm memory: every WebAssembly.Memory the page instantiated (the pages note
# them, bench/pages.py), else the heap of what the loader exposes (analytics.micropython or
# analytics.pyodide today; the bare page: window.__benchPy); null when none is reachable.
WASM_BYTES = """() => {
  const seen = (window.__wasmMemories || []).reduce((n, m) => n + m.buffer.byteLength, 0);
  if (seen) return seen;
  const a = window.analytics || {};
  for (const rt of [a.micropython, a.pyodide, window.__benchPy]) {
    try {
      const m = rt && (rt._module || rt);
      const heap = m && (m.HEAP8 || (m.wasmMemory && m.wasmMemory.buffer && m.wasmMemory));
      const buf = heap && (heap.buffer || heap);
      if (buf && buf.byteLength) return buf.byteLength;
    } catch (e) {}
  }
  return null;
}"""

LOAD_FACTS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const before = window.__longTasks.filter((t) => t[0] < nav.loadEventStart);
  return {
    ready: window.__readyAt || null, failed: window.__failed || null, load: nav.loadEventStart,
    origin: performance.timeOrigin,
    longest: before.reduce((m, t) => Math.max(m, t[1]), 0),
  };
}"""


def http_get(url: str) -> tuple[int, bytes]:
    """(status, body) of a GET; an HTTP error status with an empty body."""
    try:
        with urllib.request.urlopen(url) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def arrival_in(
    records: list[dict[str, Any]], visit: str, event: str = "Bench Start"
) -> float | None:
    """Server time (s) the visit's `event` arrived among the collector's records, or None."""
    for record in records:
        payload = record["payload"]
        if not isinstance(payload, dict) or payload.get("event") != event:
            continue
        if (payload.get("properties") or {}).get("visit") == visit:
            return float(record["received"])
    return None


def first_event_ms(events: Any, origin_ms: float, visit: str, timeout: float = 30) -> float | None:
    """Milliseconds from `origin_ms` to the visit's first event at the collector (polled)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at = arrival_in(events(), visit)
        if at is not None:
            return at * 1000 - origin_ms
        time.sleep(0.05)
    return None


class Server:
    """serve.py on a free port, and its collector read over HTTP."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "serve.py", "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().split()[-1].rstrip("/")

    def get(self, path: str) -> tuple[int, bytes]:
        return http_get(self.url + path)

    def events(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(self.url + "/collector/events") as resp:
            records: list[dict[str, Any]] = json.load(resp)
            return records

    def arrival(self, visit: str) -> float | None:
        """Server time (s) the visit's 'Bench Start' arrived, or None."""
        return arrival_in(self.events(), visit)

    def first_event_ms(self, origin_ms: float, visit: str, timeout: float = 30) -> float | None:
        return first_event_ms(self.events, origin_ms, visit, timeout)

    def clear(self) -> None:
        req = urllib.request.Request(self.url + "/collector/events", method="DELETE")
        urllib.request.urlopen(req).close()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()


def find_loader(server: Server, candidates: tuple[str, ...]) -> tuple[str, str]:
    """Probe once: the first candidate loader URL the server answers, and its text."""
    for path in candidates:
        status, body = server.get(path)
        if status == 200 and body:
            return path, body.decode("utf-8", "replace")
    raise SystemExit(f"no loader served at any of {candidates}")


def runtime_urls(loader_url: str, text: str) -> dict[str, str]:
    """mixpanel.js, Pyodide's index folder and the package zip, as absolute paths, read from
    the JSON the server wrote into the loader: today's RUNTIME object (absolute /vendor/
    folders) or the bundle object ({"root", "files": {...}}, relative to the loader)."""
    decoder = json.JSONDecoder()
    for match in re.finditer(r'\{\s*"', text):
        try:
            obj, _ = decoder.raw_decode(text, match.start())
        except ValueError:
            continue
        if not isinstance(obj, dict):
            continue
        files = obj.get("files") if isinstance(obj.get("files"), dict) else obj
        if not isinstance(files.get("mixpanel"), str):
            continue
        base = urljoin(loader_url, str(obj.get("root") or "")) if files is not obj else loader_url
        out = {k: urljoin(base, v) for k, v in files.items() if isinstance(v, str)}
        if out["mixpanel"].endswith("/"):
            out["mixpanel"] += "mixpanel.min.js"
        return out
    raise SystemExit("could not find the runtime URLs in the served loader")


class Probe:
    """A CDP session on one page: the profile's throttling, bytes and requests, memory."""

    def __init__(self, context: Any, page: Any, profile: str) -> None:
        self.cdp = context.new_cdp_session(page)
        self.urls: dict[str, str] = {}
        self.cached: set[str] = set()
        self.bytes = 0
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.requestServedFromCache", self._cached)
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.send("Network.enable")
        if profile == "mobile":
            self.cdp.send("Network.emulateNetworkConditions", MOBILE_NETWORK)
            self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": MOBILE_CPU})

    def _sent(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _cached(self, event: dict[str, Any]) -> None:
        self.cached.add(event["requestId"])

    def _received(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.cached.add(event["requestId"])

    def _finished(self, event: dict[str, Any]) -> None:
        self.bytes += int(event.get("encodedDataLength") or 0)

    def duplicates(self) -> dict[str, int]:
        """URLs fetched from the network more than once (the collector's sends excepted)."""
        counts = Counter(
            url
            for rid, url in self.urls.items()
            if rid not in self.cached and "/mp/" not in url and url.startswith("http")
        )
        return {url: n for url, n in counts.items() if n > 1}

    def memory(self, page: Any) -> dict[str, float | None]:
        self.cdp.send("HeapProfiler.collectGarbage")
        used = float(self.cdp.send("Runtime.getHeapUsage")["usedSize"])
        wasm = page.evaluate(WASM_BYTES)
        return {"js_heap_mb": used / 1e6, "wasm_mb": None if wasm is None else wasm / 1e6}

    def detach(self) -> None:
        with contextlib.suppress(Exception):  # the page may be gone
            self.cdp.detach()
